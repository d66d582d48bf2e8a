"""The address a request came from, for sign-in throttling (django-axes)."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, unless we run behind our own TLS proxy (TRUST_X_FORWARDED_PROTO): then the
    right-most X-Forwarded-For entry, which that proxy appended. Entries to its left come from the
    client and could be forged, so they are never used."""
    if settings.TRUST_X_FORWARDED_PROTO:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")
