"""Forms for the intervention map, laid out with crispy-forms-gds. Every choice list is scoped to
the place, so an id from another place is refused as "not one of the choices"."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout, Size
from django import forms
from django.db.models.functions import Lower
from django.utils import timezone

from interventions.models import Contribution, Intervention
from partnerships.models import Organisation
from wellbeing.fields import GovukDateField, require_version, version_field
from wellbeing.layout import Field
from wellbeing.models import CwbPillar, Place, PlaceMembership, User, WellbeingOutcome


def _date_field(label: str, hint: str = "") -> GovukDateField:
    return GovukDateField(label=label, help_text=hint)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisation: Organisation) -> str:
        return f"{organisation.name} (national)" if organisation.is_national else organisation.name


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, organisation: Organisation) -> str:
        return f"{organisation.name} (national)" if organisation.is_national else organisation.name


class InterventionForm(forms.ModelForm):
    """An intervention of one place. Shared national interventions are never edited here."""

    version = version_field()
    lead_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Choose an organisation",
        error_messages={"invalid_choice": "Choose the lead organisation from the list"},
    )
    new_lead_organisation = forms.CharField(
        label="Or add a new lead organisation",
        required=False,
        max_length=200,
        help_text="If the organisation is not in the list, type its full name and it will be added.",
    )
    partners = OrganisationMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Partner organisations",
        error_messages={"invalid_choice": "Choose partner organisations from the list"},
    )
    new_partners = forms.CharField(
        label="Add new partner organisations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One organisation per line, for partners not in the list above.",
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose a person",
        label="Owner",
        help_text="The person who keeps this record up to date.",
        error_messages={
            "required": "Choose the person who owns this record",
            "invalid_choice": "Choose the owner from the people in this place",
        },
    )
    cwb_pillars = forms.ModelMultipleChoiceField(
        queryset=CwbPillar.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Community Wealth Building pillars",
    )
    start_date = _date_field("Start date", "For example, 1 4 2025")
    end_date = _date_field("End date", "Planned or actual end. For example, 31 3 2027")

    class Meta:
        model = Intervention
        fields = [
            "title",
            "kind",
            "level",
            "status",
            "lead_organisation",
            "partners",
            "owner",
            "start_date",
            "end_date",
            "budget_gbp",
            "funding_source",
            "cwb_pillars",
            "description",
            "evidence_links",
        ]
        labels = {"budget_gbp": "Budget in pounds (£)", "evidence_links": "Evidence links"}
        help_texts = {
            "evidence_links": "Web addresses of evaluations, reports or monitoring data, one per line.",
            "budget_gbp": "The total budget, in pounds. Leave blank if not known.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "level": forms.RadioSelect,
            "status": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "evidence_links": forms.Textarea(attrs={"rows": 3}),
            # GOV.UK asks for a text input with inputmode for numbers, not type=number.
            "budget_gbp": forms.TextInput,
        }
        error_messages = {
            "title": {"required": "Enter the title of the intervention"},
            "kind": {"required": "Choose what kind of intervention this is"},
            "level": {"required": "Choose the level the intervention works at"},
            "status": {"required": "Choose the intervention's status"},
            "budget_gbp": {
                "invalid": "Budget must be a number of pounds, like 25000 or 25000.50",
                "max_digits": "Budget must be less than £1 trillion",
                "max_decimal_places": "Budget can have at most 2 decimal places (pence)",
            },
        }

    def __init__(self, *args, place: Place, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        # Radios need no "---------" option (Django adds one to choice fields without a default).
        self.fields["kind"].choices = Intervention.Kind.choices
        self.fields["status"].choices = Intervention.Status.choices
        # Places record local and regional work; national interventions are recorded centrally.
        self.fields["level"].choices = [
            (value, label) for value, label in Intervention.Level.choices if value != Intervention.Level.NATIONAL
        ]
        organisations = Organisation.objects.for_place(place).order_by(Lower("name"))
        self.fields["lead_organisation"].queryset = organisations
        self.fields["partners"].queryset = organisations
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=PlaceMembership.objects.filter(place=place).values("user")
        ).order_by("first_name", "last_name", "username")
        self.fields["owner"].label_from_instance = lambda user: f"{user.get_full_name() or user.username}"
        self.fields["budget_gbp"].widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            "version",
            Field.text("title"),
            Field.radios("kind", inline=True, legend_size=Size.SMALL),
            Field.radios("level", inline=True, legend_size=Size.SMALL),
            Field.radios("status", inline=True, legend_size=Size.SMALL),
            Fieldset(
                Field.select("lead_organisation"),
                Field.text("new_lead_organisation"),
                Field.checkboxes("partners", small=True),
                Field.textarea("new_partners"),
                legend="Who delivers it",
                legend_size=Size.MEDIUM,
            ),
            Field.select("owner"),
            Fieldset(
                Field("start_date"),
                Field("end_date"),
                Field.text("budget_gbp", field_width=10),
                Field.text("funding_source"),
                legend="When, and with what money",
                legend_size=Size.MEDIUM,
            ),
            Field.checkboxes("cwb_pillars", small=True),
            Field.textarea("description"),
            Field.textarea("evidence_links"),
        )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_new_lead_organisation(self) -> str:
        return " ".join(self.cleaned_data["new_lead_organisation"].split())

    def clean_new_partners(self) -> list[str]:
        names = [" ".join(line.split()) for line in self.cleaned_data["new_partners"].splitlines()]
        too_long = [name for name in names if len(name) > 200]
        if too_long:
            raise forms.ValidationError("Each organisation name must be 200 characters or fewer")
        return [name for name in names if name]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("lead_organisation") and not cleaned.get("new_lead_organisation"):
            if "lead_organisation" not in self.errors:
                self.add_error(
                    "lead_organisation", "Choose the lead organisation, or type the name of a new one below it"
                )
        elif cleaned.get("lead_organisation") and cleaned.get("new_lead_organisation"):
            self.add_error(
                "new_lead_organisation",
                "Either choose the lead organisation from the list or type a new one, not both",
            )
        # Said here against the field; the model's check constraints then skip fields with errors.
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "End date must be the same as or after the start date")
        budget = cleaned.get("budget_gbp")
        if budget is not None and budget < 0:
            self.add_error("budget_gbp", "Budget cannot be negative")
        title = cleaned.get("title")
        if title:
            duplicate = Intervention.objects.owned_by(self.place).filter(title__iexact=title)
            if self.instance.pk:
                duplicate = duplicate.exclude(pk=self.instance.pk)
            duplicate = duplicate.first()
            if duplicate is not None:
                self.add_error(
                    "title",
                    f"{self.place.name} already has an intervention called ‘{duplicate.title}’ "
                    f"({duplicate.reference}): give this one a different title, or edit that one",
                )
        return cleaned


class ContributionForm(forms.ModelForm):
    version = version_field()
    assessed_on = _date_field(
        "Assessed on", "When it was judged. If you change the judgement and leave this date, it becomes today."
    )

    class Meta:
        model = Contribution
        fields = ["outcome", "strength", "effectiveness", "basis", "evidence_note", "assessed_on"]
        labels = {"outcome": "Wellbeing outcome", "basis": "Basis of the judgement"}
        widgets = {"evidence_note": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "outcome": {
                "required": "Choose the wellbeing outcome",
                "invalid_choice": "Choose one of this place's wellbeing outcomes",
            },
            "strength": {"required": "Choose how strongly it contributes", "invalid_choice": "Choose a strength"},
            "effectiveness": {
                "required": "Choose how effective it is, or Unknown",
                "invalid_choice": "Choose an effectiveness",
            },
            "basis": {"required": "Choose the basis of the judgement", "invalid_choice": "Choose a basis"},
        }

    def __init__(self, *args, place: Place, outcome_choices: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = WellbeingOutcome.objects.for_place(place)
        self.fields["outcome"].empty_label = "Choose an outcome"
        if outcome_choices is not None:
            # Read once for the whole formset, not once a row.
            self.fields["outcome"].choices = outcome_choices
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        number = self.prefix.rsplit("-", 1)[-1]
        self.helper.layout = Layout(
            Fieldset(
                Field.select("outcome"),
                Field.select("strength"),
                Field.select("effectiveness"),
                Field.select("basis"),
                Field.textarea("evidence_note"),
                Field("assessed_on"),
                legend=f"Outcome link {int(number) + 1}" if number.isdigit() else "Outcome link",
                legend_size=Size.SMALL,
            )
        )

    def judgement_changed(self) -> bool:
        return bool({"effectiveness", "basis", "evidence_note"} & set(self.changed_data))

    def assessment_changed(self) -> bool:
        return self.judgement_changed() or "assessed_on" in self.changed_data

    def clean_assessed_on(self):
        assessed_on = self.cleaned_data.get("assessed_on")
        if assessed_on and assessed_on > timezone.localdate():
            raise forms.ValidationError("Assessed on must be today or in the past")
        return assessed_on


class BaseContributionFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, place: Place, **kwargs) -> None:
        self.place = place
        self._outcome_choices = [("", "Choose an outcome")] + [
            (outcome.pk, outcome.title) for outcome in WellbeingOutcome.objects.for_place(place)
        ]
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "place": self.place, "outcome_choices": self._outcome_choices}

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "id" in form.fields:
            # Django offers every row of the table as the id's choices; only this place's links are.
            form.fields["id"].queryset = self.get_queryset()
            form.fields["id"].error_messages["invalid_choice"] = (
                "Someone else removed this link while you were editing: reload the page to see the links as they are"
            )
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this link"
            form.helper.layout[0].append(Field.checkbox("DELETE", small=True))

    def get_queryset(self):
        # Only this place's contributions: a national intervention also serves other places'
        # outcomes, which must stay invisible here. Kept, so the rows are read once.
        if not hasattr(self, "_place_queryset"):
            self._place_queryset = super().get_queryset().for_place(self.place)
        return self._place_queryset

    def clean(self) -> None:
        super().clean()
        kept = {form.instance.pk for form in self.forms if form.instance.pk}
        # Links saved since the form was opened (by someone else) and not on this form.
        saved_elsewhere = (
            set(
                Contribution.objects.filter(intervention=self.instance)
                .for_place(self.place)
                .exclude(pk__in=kept)
                .values_list("outcome_id", flat=True)
            )
            if self.instance.pk
            else set()
        )
        seen: dict[int, int] = {}
        for number, form in enumerate(self.forms, start=1):
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            outcome = form.cleaned_data.get("outcome") if hasattr(form, "cleaned_data") else None
            if outcome is None:
                continue
            if outcome.pk in seen:
                form.add_error(
                    "outcome", f"‘{outcome.title}’ is already linked in outcome link {seen[outcome.pk]}: choose it once"
                )
            elif outcome.pk in saved_elsewhere:
                form.add_error(
                    "outcome",
                    f"Someone else linked ‘{outcome.title}’ while you were editing: reload the page to see their link",
                )
            else:
                seen[outcome.pk] = number

    def validate_unique(self) -> None:
        # clean() reports duplicate outcomes on the row, in words; skip Django's generic message.
        return


def contribution_formset(*, extra: int):
    return forms.inlineformset_factory(
        Intervention,
        Contribution,
        form=ContributionForm,
        formset=BaseContributionFormSet,
        extra=extra,
        can_delete=True,
    )
