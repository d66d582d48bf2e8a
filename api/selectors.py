from django.db.models import Q, QuerySet
from django.utils import timezone

from api.models import ApiToken


def tokens_for_user(*, user) -> QuerySet[ApiToken]:
    """The person's tokens that still work, newest first (expired ones are knox's to delete)."""
    return ApiToken.objects.filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()), user=user).order_by(
        "-created", "digest"
    )
