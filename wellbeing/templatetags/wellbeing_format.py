"""Formatting for people, kept out of views."""

from datetime import timedelta
from decimal import Decimal

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


@register.filter
def gbp(value) -> str:
    """£1,234,567 for whole pounds, £1,234.50 otherwise."""
    if value is None:
        return "£0"
    value = Decimal(value)
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


@register.filter
def percent(value) -> str:
    """40.00 → 40%, 12.50 → 12.5%; nothing → —."""
    if value is None:
        return "—"
    text = format(Decimal(value).quantize(Decimal("0.01")), "f").rstrip("0").rstrip(".")
    return f"{text}%"
