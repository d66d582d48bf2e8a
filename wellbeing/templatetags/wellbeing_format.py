"""Formatting for people, kept out of views."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duration_in_words(value: timedelta) -> str:
    """15 minutes, 1 hour, 1 hour 30 minutes."""
    minutes = round(value.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
