"""Forms for a place's strategic plans and their outcomes, with the outcomes' links to the place's
wellbeing outcomes and to the NPF. Every choice is scoped to the place: another place's outcome is
not offered, and an id typed into the request is refused with a message like any other bad choice."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from wellbeing.fields import require_version, version_field
from wellbeing.layout import Field
from wellbeing.models import NationalOutcome, Place, StrategicOutcome, StrategicPlan, WellbeingOutcome
from wellbeing.models.npf import NPF_2018
from wellbeing.models.plans import EARLIEST_YEAR, LATEST_YEAR


def _year_field(label: str, help_text: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the plan's {label.lower()}, like 2024",
            "invalid": f"The {label.lower()} must be a year in numbers, like 2024",
        },
    )


class StrategicPlanForm(forms.ModelForm):
    """A LOIP, council plan, CWB action plan or city region deal of the place."""

    version = version_field()
    period_start = _year_field("First year", "The year the plan starts, for example 2024.")
    period_end = _year_field("Last year", "The year the plan ends, for example 2034.")
    link = forms.URLField(
        label="Web address of the published plan (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
        error_messages={
            "invalid": "Enter a web address like https://www.clacks.gov.uk/plan",
            "max_length": "The web address must be 500 characters or fewer",
        },
    )

    class Meta:
        model = StrategicPlan
        fields = ["title", "kind", "status", "period_start", "period_end", "description", "link"]
        labels = {"kind": "Kind of plan"}
        help_texts = {
            "title": "For example ‘Local Outcomes Improvement Plan 2024–2034’.",
            "status": "A superseded plan stays on record but no longer counts in the alignment.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "status": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "title": {"required": "Enter the plan's title"},
            "kind": {"required": "Choose what kind of plan this is"},
            "status": {"required": "Choose whether the plan is a draft, adopted or superseded"},
        }

    def __init__(self, *args, place: Place, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        # The model's blank choice ("---------") is not a kind or a status anyone can pick.
        for name in ("kind", "status"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # our messages, not the browser's
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            "version",
            Field.text("title"),
            Field.radios("kind", small=True),
            Field.radios("status", small=True, inline=True),
            Field.text("period_start", field_width=4),
            Field.text("period_end", field_width=4),
            Field.textarea("description"),
            Field.text("link"),
            Submit("submit", "Save plan"),
        )

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        duplicate = StrategicPlan.objects.for_place(self.place).filter(title__iexact=title)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise ValidationError(f"{self.place.name} already has a plan called ‘{title}’")
        return title

    def _clean_year(self, name: str, label: str) -> int:
        year = self.cleaned_data[name]
        if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise ValidationError(f"The {label} must be a year between {EARLIEST_YEAR} and {LATEST_YEAR}, like 2024")
        return year

    def clean_period_start(self) -> int:
        return self._clean_year("period_start", "first year")

    def clean_period_end(self) -> int:
        return self._clean_year("period_end", "last year")


class StrategicOutcomeForm(forms.ModelForm):
    """One outcome of a plan, with the place's wellbeing outcomes it embeds and the NPF national
    outcomes it serves."""

    version = version_field()
    wellbeing_outcomes = forms.ModelMultipleChoiceField(
        queryset=WellbeingOutcome.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Key wellbeing outcomes it embeds",
    )
    national_outcomes = forms.ModelMultipleChoiceField(
        queryset=NationalOutcome.objects.filter(framework_version=NPF_2018).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="NPF national outcomes it serves",
        error_messages={"invalid_choice": "Choose NPF national outcomes from the list"},
    )

    class Meta:
        model = StrategicOutcome
        fields = ["title", "description", "wellbeing_outcomes", "national_outcomes"]
        labels = {"title": "Strategic outcome"}
        help_texts = {"title": "As the plan words it, for example ‘Our communities are safe and resilient’."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": "Enter the strategic outcome as the plan words it"}}

    def __init__(self, *args, plan: StrategicPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        wellbeing = self.fields["wellbeing_outcomes"]
        wellbeing.queryset = WellbeingOutcome.objects.for_place(plan.place).order_by("priority_rank", "title")
        wellbeing.error_messages["invalid_choice"] = (
            f"Choose wellbeing outcomes of {plan.place.name} only: one of those chosen is not one of its outcomes"
        )
        wellbeing.label_from_instance = lambda outcome: f"{outcome.priority_rank}. {outcome.title}"
        if not wellbeing.queryset.exists():
            wellbeing.help_text = f"{plan.place.name} has no key wellbeing outcomes yet: add them first."
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            "version",
            Field.text("title"),
            Field.textarea("description"),
            Field.checkboxes("wellbeing_outcomes", small=True),
            Field.checkboxes("national_outcomes", small=True),
            Submit("submit", "Save strategic outcome"),
        )

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        duplicate = StrategicOutcome.objects.filter(plan=self.plan, title__iexact=title)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise ValidationError(f"‘{self.plan.title}’ already has a strategic outcome called ‘{title}’")
        return title
