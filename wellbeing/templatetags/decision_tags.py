"""Template helpers for decision assessments: tag colours and one error summary for the form and
its effects formset."""

from django import template

from wellbeing.templatetags.wellbeing_forms import error_summary_links

register = template.Library()

# GOV.UK tag colour for each value; the words on the tag carry the meaning, the colour only helps.
TAG_COLOURS = {
    "strong_positive": "green",
    "positive": "turquoise",
    "neutral": "blue",
    "negative": "orange",
    "strong_negative": "red",
    "unknown": "grey",
    "draft": "grey",
    "submitted": "blue",
    "decided": "green",
    "approved": "green",
    "approved_with_changes": "turquoise",
    "rejected": "red",
    "deferred": "yellow",
}


@register.filter
def tag_colour(value: str) -> str:
    colour = TAG_COLOURS.get(value)
    return f"govuk-tag--{colour}" if colour else ""


@register.inclusion_tag("components/error_summary.html")
def decision_error_summary(form, effects) -> dict:
    links = list(error_summary_links(form)) if form is not None else []
    for error in effects.non_form_errors():
        links.append(("", str(error)))
    for row in effects.forms:
        title = row.outcome_object.title if row.outcome_object else "An outcome"
        links.extend((href, f"{title}: {message}") for href, message in error_summary_links(row))
    return {"links": links}
