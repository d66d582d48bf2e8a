"""Making and revoking a person's API tokens. Knox keeps only a hash: the token itself exists once,
in the response that shows it to the person who made it."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from api import selectors
from api.models import ApiToken

# A person with more working tokens than this has lost track of them: each is a way in to their places.
TOKEN_LIMIT = 10
TOO_MANY_TOKENS = f"You have {TOKEN_LIMIT} tokens, the most you can have: revoke one you no longer use first"


class TokenLimitReached(Exception):
    message = TOO_MANY_TOKENS


def token_create(*, user, name: str, expires_in_days: int) -> tuple[ApiToken, str]:
    """A new token for the person: the stored row and the token, which is never available again.
    TokenLimitReached, and nothing made, when they already have TOKEN_LIMIT working tokens."""
    with transaction.atomic():
        # The person's row locked, so two requests at once cannot both make the eleventh token.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if selectors.tokens_for_user(user=user).count() >= TOKEN_LIMIT:
            raise TokenLimitReached
        return ApiToken.objects.create(user=user, name=name, expiry=timedelta(days=expires_in_days))


def token_revoke(*, user, digest: str) -> ApiToken | None:
    """Delete one of the person's own tokens; None when they have no such token (another person's,
    or one already revoked or expired), so nobody can revoke someone else's."""
    token = ApiToken.objects.filter(user=user, digest=digest).first()
    if token is not None:
        token.delete()
    return token
