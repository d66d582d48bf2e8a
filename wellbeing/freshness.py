"""When a judgement goes out of date. Lives on the ground floor so every app flags staleness alike."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone


def stale_before(today: date | None = None) -> date:
    """Assessments made before this day are stale (settings.ASSESSMENT_STALE_AFTER_DAYS, 365 by default)."""
    today = today or timezone.localdate()
    return today - timedelta(days=settings.ASSESSMENT_STALE_AFTER_DAYS)
