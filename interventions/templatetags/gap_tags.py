"""How the gap analysis's statuses and numbers look on the page."""

from decimal import Decimal

from django import template

from interventions.gap_analysis import Status
from interventions.models import Contribution, Intervention

register = template.Library()

STATUS_TAGS = {
    Status.GAP: "govuk-tag--red",
    Status.THIN: "govuk-tag--orange",
    Status.COVERED: "govuk-tag--blue",
    Status.STRONG: "govuk-tag--green",
}


@register.inclusion_tag("components/gap_status_tag.html")
def gap_status_tag(status: str) -> dict:
    return {"label": Status(status).label, "modifier": STATUS_TAGS[Status(status)]}


@register.filter
def gbp(value: Decimal | None) -> str:
    """£1,234,567 for whole pounds, £1,234.50 otherwise."""
    if value is None:
        return "£0"
    value = Decimal(value)
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


@register.filter
def level_label(value: str) -> str:
    return Intervention.Level(value).label


@register.filter
def status_label(value: str) -> str:
    return Intervention.Status(value).label


@register.filter
def effectiveness_label(value: str) -> str:
    return Contribution.Effectiveness(value).label


@register.filter
def strength_label(value: str) -> str:
    return Contribution.Strength(value).label
