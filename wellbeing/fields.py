"""Form fields in the GOV.UK style, shared by every app's forms."""

from crispy_forms_gds.fields import DateInputField
from django import forms


class GovukDateField(DateInputField):
    """GOV.UK date input whose messages name the field, as the design system asks (upstream says
    "day is out of range for month")."""

    def __init__(self, *, label: str, required: bool = False, **kwargs) -> None:
        super().__init__(label=label, required=required, require_all_fields=False, **kwargs)
        self.error_messages["incomplete"] = f"{label} must include a day, month and year"
        self.error_messages["invalid"] = f"{label} must be a real date"
        if required:
            self.error_messages["required"] = f"Enter the {label.lower()}"
        for part, (name, example) in zip(self.fields, [("day", "1"), ("month", "4"), ("year", "2025")], strict=True):
            part.validators[0].message = f"{label} must be a real date: enter the {name} in numbers, like {example}"

    def compress(self, data_list):
        try:
            value = super().compress(data_list)
        except forms.ValidationError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if value is not None and not 1900 <= value.year <= 2100:
            raise forms.ValidationError(f"{self.label} must have a year between 1900 and 2100", code="invalid")
        return value


# A saved row's edit form carries the version it was opened at (wellbeing.concurrency). Without it
# the save cannot tell whether someone else saved since, so the form is refused as out of date
# rather than reported as someone else's change.
FORM_OUT_OF_DATE = "This form is out of date: open the page again and make your changes there"


def version_field() -> forms.IntegerField:
    """The hidden version field of a versioned model's form; `require_version` once editing."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        error_messages={code: FORM_OUT_OF_DATE for code in ("required", "invalid", "min_value")},
    )


def require_version(field: forms.IntegerField, version: int) -> None:
    field.initial = version
    field.required = True
