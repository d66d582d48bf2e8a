"""One GOV.UK error summary for a form and its formset (the intervention and its outcome links)."""

from django import template

from wellbeing.templatetags.wellbeing_forms import error_summary_links

register = template.Library()


@register.inclusion_tag("components/error_summary.html")
def intervention_error_summary(form, formset) -> dict:
    links = list(error_summary_links(form)) if form is not None else []
    first_row = formset.forms[0] if formset.forms else None
    for error in formset.non_form_errors():
        links.append((f"#{first_row['outcome'].id_for_label}" if first_row else "", str(error)))
    for number, row in enumerate(formset.forms, start=1):
        links.extend((href, f"Outcome link {number}: {message}") for href, message in error_summary_links(row))
    return {"links": links}
