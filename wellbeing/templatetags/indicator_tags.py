"""How local indicators read on a page: values with their unit, and the colour of a trend's tag."""

from decimal import Decimal

from django import template

from wellbeing.indicators import Trend, plain_number, with_unit

register = template.Library()

# GOV.UK tag colour per trend; the words on the tag carry the meaning, the colour only helps.
TREND_COLOURS = {
    Trend.IMPROVING: "green",
    Trend.MAINTAINING: "blue",
    Trend.WORSENING: "red",
    Trend.NOT_ENOUGH_DATA: "grey",
}


@register.filter
def trend_tag_class(trend: str) -> str:
    return f"govuk-tag--{TREND_COLOURS[Trend(trend)]}"


@register.filter
def trend_label(trend: str) -> str:
    return Trend(trend).label


@register.filter
def unit_value(value: Decimal | None, unit: str) -> str:
    return "—" if value is None else with_unit(value, unit)


@register.filter
def signed_percent(value: Decimal | None) -> str:
    """+6.2%, −3%, 0%: a change to one decimal place."""
    if value is None:
        return "—"
    rounded = value.quantize(Decimal("0.1"))
    sign = "+" if rounded > 0 else ""
    return f"{sign}{plain_number(rounded)}%"
