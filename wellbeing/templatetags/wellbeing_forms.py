"""Template filters for GOV.UK form markup that crispy-forms-gds gets wrong (see templates/gds/)."""

from django import forms, template

register = template.Library()

_OPTION_GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _target_id(bound_field: forms.BoundField) -> str:
    # crispy-forms-gds numbers radio and checkbox options id_<html name>_1, _2, …
    if isinstance(bound_field.field.widget, _OPTION_GROUP_WIDGETS):
        return f"id_{bound_field.html_name}_1"
    if isinstance(bound_field.field.widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


@register.filter
def error_summary_links(form: forms.BaseForm) -> list[tuple[str, str]]:
    """(href, message) for every error of the form, as the GOV.UK error summary lists them:
    form-wide errors and errors on hidden fields (such as a version for optimistic locking) first,
    linking to the first visible field; then each visible field's errors, linking to it. With no
    visible field, form-wide errors have no link (href "")."""
    visible = form.visible_fields()
    first = f"#{_target_id(visible[0])}" if visible else ""
    form_wide = list(form.non_field_errors())
    for hidden in form.hidden_fields():
        form_wide.extend(hidden.errors)
    links = [(first, str(error)) for error in form_wide]
    for bound_field in visible:
        links.extend((f"#{_target_id(bound_field)}", str(error)) for error in bound_field.errors)
    return links
