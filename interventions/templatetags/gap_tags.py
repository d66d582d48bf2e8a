"""How the gap analysis's statuses and numbers look on the page."""

from django import template

from interventions.gap_analysis import Status, spend_sentence
from interventions.models import Contribution, Intervention
from wellbeing.templatetags.wellbeing_format import gbp

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


# The one way money is written, shared with the ground floor's pages.
register.filter("gbp", gbp)
# The tagged spend in words, the same as the reports' cover sheet.
register.filter("spend_sentence", spend_sentence)


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
