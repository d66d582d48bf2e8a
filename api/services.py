"""Making and revoking a person's API tokens. Knox keeps only a hash: the token itself exists once,
in the response that shows it to the person who made it."""

from datetime import timedelta

from api.models import ApiToken


def token_create(*, user, name: str, expires_in_days: int) -> tuple[ApiToken, str]:
    """A new token for the person: the stored row and the token, which is never available again."""
    return ApiToken.objects.create(user=user, name=name, expiry=timedelta(days=expires_in_days))


def token_revoke(*, user, digest: str) -> ApiToken | None:
    """Delete one of the person's own tokens; None when they have no such token (another person's,
    or one already revoked or expired), so nobody can revoke someone else's."""
    token = ApiToken.objects.filter(user=user, digest=digest).first()
    if token is not None:
        token.delete()
    return token
