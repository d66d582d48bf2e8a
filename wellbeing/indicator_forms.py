"""Forms for a wellbeing outcome's local indicators and their observations. The outcome comes from
the address (resolved for the place), never from the form, so another place's outcome cannot be
chosen."""

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from wellbeing.fields import GovukDateField, require_version, version_field
from wellbeing.layout import Field
from wellbeing.models import LocalIndicator, NationalIndicator, Observation, WellbeingOutcome
from wellbeing.models.indicators import DEFAULT_THRESHOLD, MAX_THRESHOLD, VALUE_DIGITS, VALUE_PLACES
from wellbeing.models.npf import NPF_2018

# What people type around a number: thousands separators, units and spaces.
NUMBER_DECORATIONS = (",", "£", "%", " ", "\u00a0")


class NumberField(forms.DecimalField):
    """A decimal typed as people write it: '1,250', '£1,250' and '63.4%' are all read as numbers."""

    def __init__(self, *, label: str, example: str = "63.4", **kwargs) -> None:
        kwargs.setdefault("max_digits", VALUE_DIGITS)
        kwargs.setdefault("decimal_places", VALUE_PLACES)
        super().__init__(
            label=label,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
            **kwargs,
        )
        self.error_messages.update(
            {
                "required": f"Enter the {label.lower()}, like {example}",
                "invalid": f"{label} must be a number, like {example}",
                "max_decimal_places": f"{label} can have at most {kwargs['decimal_places']} decimal places",
                "max_digits": f"{label} is too long: use at most {kwargs['max_digits']} digits",
                "max_whole_digits": f"{label} is too large",
            }
        )

    def to_python(self, value):
        if isinstance(value, str):
            for decoration in NUMBER_DECORATIONS:
                value = value.replace(decoration, "")
            value = value.replace("−", "-")  # a minus sign pasted from a document
        return super().to_python(value)


class LocalIndicatorForm(forms.ModelForm):
    """An indicator of one wellbeing outcome, with its baseline, target and threshold for change."""

    version = version_field()
    national_indicator = forms.ModelChoiceField(
        queryset=NationalIndicator.objects.filter(framework_version=NPF_2018).order_by("name"),
        required=False,
        label="NPF national indicator it measures locally (optional)",
        empty_label="None",
        error_messages={"invalid_choice": "Choose an NPF national indicator from the list, or None"},
    )
    baseline_value = NumberField(label="Baseline value", required=False)
    baseline_date = GovukDateField(label="Baseline date", help_text="For example, 31 3 2020")
    target_value = NumberField(label="Target value", required=False)
    target_date = GovukDateField(label="Target date", help_text="For example, 31 3 2030")
    threshold_percent = NumberField(
        label="Threshold for change (%)",
        example="5",
        max_digits=5,
        decimal_places=2,
        required=False,
        initial=DEFAULT_THRESHOLD,
        help_text="A change smaller than this, as a percentage of the previous value, counts as maintaining "
        f"(the NPF's ‘criteria for change’). Left empty, it is {DEFAULT_THRESHOLD}.",
    )

    class Meta:
        model = LocalIndicator
        fields = [
            "name",
            "unit",
            "direction",
            "national_indicator",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "threshold_percent",
            "source_note",
        ]
        labels = {"name": "Name", "unit": "Unit", "direction": "Which way is better?", "source_note": "Source"}
        help_texts = {
            "name": "What is measured, and for whom, for example ‘Employment rate (women, 16–64)’.",
            "unit": "For example %, people, £ or households.",
            "source_note": "Where the numbers come from, for example ‘Annual Population Survey, ONS’.",
        }
        widgets = {"direction": forms.RadioSelect, "source_note": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "name": {"required": "Enter the indicator's name"},
            "unit": {"required": "Enter the unit, like % or people"},
            "direction": {"required": "Choose whether an increase or a decrease is an improvement"},
        }

    def __init__(self, *args, outcome: WellbeingOutcome, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outcome = outcome
        self.instance.outcome = outcome
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        self.fields["direction"].choices = [c for c in self.fields["direction"].choices if c[0]]
        self.fields["unit"].widget.attrs["spellcheck"] = "false"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # our messages, not the browser's
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            "version",
            Field.text("name"),
            Field.text("unit", field_width=10),
            Field.radios("direction", small=True),
            Field.select("national_indicator"),
            Fieldset(
                Field.text("baseline_value", field_width=10),
                Field("baseline_date"),
                legend="Baseline (optional)",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("target_value", field_width=10),
                Field("target_date"),
                legend="Target (optional)",
                legend_size=Size.MEDIUM,
            ),
            Field.text("threshold_percent", field_width=4),
            Field.textarea("source_note", rows=2),
            Submit("submit", "Save indicator"),
        )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        duplicate = LocalIndicator.objects.filter(outcome=self.outcome, name__iexact=name)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise ValidationError(f"‘{self.outcome.title}’ already has an indicator called ‘{name}’")
        return name

    def clean_unit(self) -> str:
        return " ".join(self.cleaned_data["unit"].split())

    def clean_threshold_percent(self) -> Decimal:
        threshold = self.cleaned_data["threshold_percent"]
        if threshold is None:
            return DEFAULT_THRESHOLD
        if not 0 <= threshold <= MAX_THRESHOLD:
            raise ValidationError(f"Threshold for change must be between 0 and {MAX_THRESHOLD}, like 5")
        return threshold


class ObservationForm(forms.ModelForm):
    """One dated value of an indicator. One observation a date: a second for the same date is
    refused with a message naming the one already there."""

    date = GovukDateField(label="Date of the observation", required=True, help_text="For example, 31 3 2025")
    value = NumberField(label="Value")

    class Meta:
        model = Observation
        fields = ["date", "value", "note"]
        labels = {"note": "Note (optional)"}
        help_texts = {"note": "Anything a reader should know, for example ‘provisional’ or ‘survey changed’."}
        error_messages = {"note": {"max_length": "Note must be 500 characters or fewer"}}

    def __init__(self, *args, indicator: LocalIndicator, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.instance.indicator = indicator
        self.fields["value"].label = f"Value ({indicator.unit})"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            Field("date"),
            Field.text("value", field_width=10),
            Field.text("note"),
            Div(
                Submit("submit", "Save observation"),
                Button.secondary("add_another", "Save and add another"),
                css_class="govuk-button-group",
            ),
        )

    def clean_date(self):
        when = self.cleaned_data["date"]
        if when and when > timezone.localdate():
            raise ValidationError("Date of the observation must be today or in the past")
        existing = Observation.objects.filter(indicator=self.indicator, date=when).first() if when else None
        if existing is not None:
            raise ValidationError(duplicate_date_message(existing))
        return when


def duplicate_date_message(existing: Observation) -> str:
    return (
        f"There is already an observation for {existing.date:%-d %B %Y} (value {existing.value.normalize():f}). "
        "An indicator has one observation a date: enter a different date"
    )
