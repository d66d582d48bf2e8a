"""One GOV.UK error summary for a budget line's form and its shares formset."""

from decimal import Decimal

from django import template

from wellbeing.templatetags.wellbeing_forms import error_summary_links

register = template.Library()


@register.inclusion_tag("components/error_summary.html")
def budget_error_summary(form, shares) -> dict:
    links = list(error_summary_links(form)) if form is not None else []
    first_row = shares.forms[0] if shares.forms else None
    for error in shares.non_form_errors():
        links.append((f"#{first_row['percent'].id_for_label}" if first_row else "", str(error)))
    for number, row in enumerate(shares.forms, start=1):
        links.extend((href, f"Share {number}: {message}") for href, message in error_summary_links(row))
    return {"links": links}


@register.filter
def share_of(amount: Decimal, percent: Decimal) -> Decimal:
    """A share's spend: the amount × the percentage ÷ 100, to the penny."""
    return (amount * percent / 100).quantize(Decimal("0.01"))
