"""How the cells of a chart's table look (templates/components/chart.html)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def cell(value) -> str:
    """A chart table's cell: decimals to one place, whole numbers and text as they are."""
    return f"{value:.1f}" if isinstance(value, Decimal) else str(value)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, Decimal | int | float) and not isinstance(value, bool)
