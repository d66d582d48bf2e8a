"""How the cells of a chart's table look (templates/components/chart.html)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def cell(value) -> str:
    """A chart table's cell: decimals to one place, numbers with thousands separated (140,000),
    text as it is."""
    if isinstance(value, Decimal):
        return f"{value:,.1f}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, Decimal | int | float) and not isinstance(value, bool)
