"""Forms for decision assessments: the proposal, its expected effect on each priority outcome (a
formset, one row per outcome), and the small forms that submit it and record the decision."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from wellbeing.fields import GovukDateField, require_version, version_field
from wellbeing.layout import Field
from wellbeing.models import DecisionAssessment, OutcomeEffect, Place, PlaceMembership, User, WellbeingOutcome

Effect = OutcomeEffect.Effect


class DecisionAssessmentForm(forms.ModelForm):
    version = version_field()
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose a person",
        label="Lead officer",
        help_text="The person who proposes the decision and keeps this assessment up to date.",
        error_messages={
            "required": "Choose the lead officer",
            "invalid_choice": "Choose the lead officer from the people in this place",
        },
    )

    class Meta:
        model = DecisionAssessment
        fields = ["title", "kind", "description", "owner", "affected_groups", "mitigations"]
        labels = {
            "title": "Proposal",
            "kind": "Kind of decision",
            "description": "What is proposed",
            "affected_groups": "Who is affected",
            "mitigations": "Mitigations",
        }
        help_texts = {
            "title": "A short name, for example ‘Close the Alloa day centre’ or ‘2027/28 roads capital programme’.",
            "affected_groups": "The groups of people the decision affects most, for example children in poverty, "
            "disabled people, women in low-paid work.",
            "mitigations": "What would soften any harm, and who would do it.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "affected_groups": forms.Textarea(attrs={"rows": 3}),
            "mitigations": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "title": {"required": "Enter a short name for the proposal"},
            "kind": {"required": "Choose what kind of decision this is"},
        }

    def __init__(self, *args, place: Place, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        self.fields["kind"].choices = DecisionAssessment.Kind.choices  # radios: no "---------"
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=PlaceMembership.objects.filter(place=place).values("user")
        ).order_by("first_name", "last_name", "username")
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.username
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            "version",
            Field.text("title"),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.textarea("description"),
            Field.select("owner"),
            Field.textarea("affected_groups"),
            Field.textarea("mitigations"),
        )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class OutcomeEffectForm(forms.Form):
    """One priority outcome's row: which outcome (hidden, one of the place's), the expected effect
    and why."""

    outcome = forms.TypedChoiceField(
        coerce=int,
        widget=forms.HiddenInput,
        error_messages={
            "required": "This row has lost its outcome: reload the page and try again",
            "invalid_choice": "This row names an outcome that is not one of this place's wellbeing outcomes",
        },
    )
    effect = forms.ChoiceField(
        choices=Effect.choices,
        required=False,
        widget=forms.RadioSelect,
        label="Expected effect",
        error_messages={"invalid_choice": "Choose one of the effects listed"},
    )
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Why")

    def __init__(self, *args, outcomes: list[WellbeingOutcome], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outcomes_by_pk = {outcome.pk: outcome for outcome in outcomes}
        self.fields["outcome"].choices = [(outcome.pk, outcome.title) for outcome in outcomes]
        self.outcome_object = self._row_outcome(outcomes)
        title = self.outcome_object.title if self.outcome_object else "this outcome"
        # crispy-forms-gds marks labels safe: a title typed by a person is escaped here. The row's
        # fieldset and its legend (the outcome's title) are in the template, which escapes it.
        self.fields["effect"].label = format_html(
            'Expected effect<span class="govuk-visually-hidden"> on {}</span>', title
        )
        self.fields["reason"].label = format_html(
            'Why<span class="govuk-visually-hidden"> (effect on {})</span>', title
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            "outcome",
            Field.radios("effect", inline=True, small=True, legend_size=Size.SMALL),
            Field.textarea("reason"),
        )

    def _row_outcome(self, outcomes: list[WellbeingOutcome]) -> WellbeingOutcome | None:
        """The outcome this row is about, for its legend: the one posted, else the one prefilled."""
        value = self.data.get(self.add_prefix("outcome")) if self.is_bound else self.initial.get("outcome")
        try:
            return self.outcomes_by_pk.get(int(value))
        except (TypeError, ValueError):
            return None

    def clean_outcome(self) -> WellbeingOutcome:
        return self.outcomes_by_pk[self.cleaned_data["outcome"]]


class BaseOutcomeEffectFormSet(forms.BaseFormSet):
    """One row per priority outcome of the place, in priority order, prefilled with what the
    assessment already says. Outcomes come from the place only, so another place's outcome id is
    refused as not one of the choices."""

    def __init__(self, *args, place: Place, assessment: DecisionAssessment | None = None, **kwargs) -> None:
        self.place = place
        self.assessment = assessment
        self.outcomes = list(WellbeingOutcome.objects.for_place(place))
        if "initial" not in kwargs:
            saved = {}
            if assessment is not None and assessment.pk:
                saved = {effect.outcome_id: effect for effect in OutcomeEffect.objects.filter(assessment=assessment)}
            kwargs["initial"] = [
                {
                    "outcome": outcome.pk,
                    "effect": saved[outcome.pk].effect if outcome.pk in saved else "",
                    "reason": saved[outcome.pk].reason if outcome.pk in saved else "",
                }
                for outcome in self.outcomes
            ]
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        # Every row takes its choices from the outcomes read once for the whole formset.
        return {**super().get_form_kwargs(index), "outcomes": self.outcomes}

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            outcome = form.cleaned_data.get("outcome")
            if outcome is None:
                continue
            if outcome.pk in seen:
                form.add_error("outcome", f"‘{outcome.title}’ appears twice: reload the page and try again")
            seen.add(outcome.pk)
        if self.assessment is not None and self.assessment.status == DecisionAssessment.Status.SUBMITTED:
            for form in self.forms:
                if not form.cleaned_data.get("effect"):
                    form.add_error(
                        "effect", "Choose the expected effect: a submitted assessment needs one for every outcome"
                    )

    def effects(self) -> list[tuple[WellbeingOutcome, str, str]]:
        """(outcome, effect, reason) for every row, once valid."""
        return [
            (form.cleaned_data["outcome"], form.cleaned_data.get("effect", ""), form.cleaned_data.get("reason", ""))
            for form in self.forms
        ]


OutcomeEffectFormSet = forms.formset_factory(
    OutcomeEffectForm, formset=BaseOutcomeEffectFormSet, extra=0, max_num=200, validate_max=True
)


def effect_formset(data=None, *, place: Place, assessment: DecisionAssessment | None = None):
    return OutcomeEffectFormSet(data, place=place, assessment=assessment, prefix="effects")


class VersionForm(forms.Form):
    """Submitting: just the version the person saw, so they submit what they read."""

    version = version_field()

    def __init__(self, *args, assessment: DecisionAssessment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        require_version(self.fields["version"], assessment.version)


class DecideForm(VersionForm):
    decision = forms.ChoiceField(
        choices=DecisionAssessment.Decision.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Choose the decision", "invalid_choice": "Choose one of the decisions listed"},
    )
    decision_date = GovukDateField(label="Date of the decision", required=True, help_text="For example, 27 3 2027")
    decision_maker = forms.CharField(
        max_length=200,
        label="Who decided",
        help_text="The body or role that took the decision, for example Council, Policy committee, "
        "or Chief Executive under delegated powers.",
        error_messages={"required": "Enter who took the decision, for example Council"},
    )
    decision_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Changes or conditions",
        help_text="What was changed, or the reasons given, if any.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            "version",
            Field.radios("decision", legend_size=Size.SMALL),
            Field("decision_date"),
            Field.text("decision_maker"),
            Field.textarea("decision_notes"),
        )

    def clean_decision_maker(self) -> str:
        return " ".join(self.cleaned_data["decision_maker"].split())

    def clean_decision_date(self):
        decided_on = self.cleaned_data.get("decision_date")
        if decided_on and decided_on > timezone.localdate():
            raise forms.ValidationError("Date of the decision must be today or in the past")
        return decided_on

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("decision") == DecisionAssessment.Decision.APPROVED_WITH_CHANGES
            and not cleaned.get("decision_notes", "").strip()
        ):
            self.add_error("decision_notes", "Say what was changed when a proposal is approved with changes")
        return cleaned


class SummaryYearForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, label="Year of decision", choices=[])

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["year"].error_messages["invalid_choice"] = "Choose one of the years listed"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # a GET form
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(Field.select("year"))
