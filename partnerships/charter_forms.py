"""Forms for charters (a Good Employment Charter …): the charter, its commitments (a formset on the
charter's edit page), and a signatory with the commitments it meets.

Every choice is scoped: the partnership to the place's partnerships, the organisation to the place's
own directory and the national bodies, the commitments met to this charter's commitments. Another
place's (or charter's) id typed into the request is refused with a message like any other bad choice.

Removing a commitment that signatories meet is allowed, but only when confirmed: the first save
says how many signatories meet it and shows a "Yes, remove it" tick; the commitment goes only when
that is ticked, and only if the number has not changed since (a hidden field carries the number the
person was shown). Removing it takes it off those signatories' records, which their history shows.

A signature is dated today or earlier, and not before the charter's launch date (when it has one);
so a launch date cannot be moved later than the first signature.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout, Size
from django import forms
from django.db.models import Count, Min
from django.db.models.functions import Lower
from django.utils import timezone

from partnerships.models import Charter, CharterCommitment, Organisation, Partnership, Signatory
from wellbeing.fields import GovukDateField, require_version, version_field
from wellbeing.layout import Field
from wellbeing.models import FairWorkCriterion, Place
from wellbeing.templatetags.wellbeing_forms import error_summary_links

BLANK_COMMITMENT_ROWS = 2

# Said by the forms and by the services (asserted on in tests/test_charters.py).
ALREADY_SIGNED = (
    "‘{organisation}’ has already signed this charter: change its signature in the signatories table instead"
)
COMMITMENT_GONE = (
    "Someone removed the commitment ‘{title}’ from the charter while you were editing: "
    "reload the page to see the commitments as they are now"
)
MET_COUNT_CHANGED = (
    "The number of signatories meeting ‘{title}’ is now {count} (it changed after you opened this page): "
    "tick ‘Yes, remove it’ again to remove it from all {count}"
)


def signatories_text(count: int) -> str:
    return f"{count} signatory" if count == 1 else f"{count} signatories"


def date_text(value) -> str:
    return value.strftime("%-d %B %Y")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisation: Organisation) -> str:
        return f"{organisation.name} (national)" if organisation.is_national else organisation.name


# --- The charter ----------------------------------------------------------------------------------


class CharterForm(forms.ModelForm):
    """A charter of the place: its name, description, launch date and the partnership rolling it
    out. On creation it may start with the Fair Work First criteria as its commitments."""

    version = version_field()
    launched_on = GovukDateField(
        label="Launch date",
        help_text="When the charter opened for signatures. Leave blank if it has not been set. For example, 1 4 2025",
    )
    seed_fair_work = forms.BooleanField(required=False, initial=True)

    class Meta:
        model = Charter
        fields = ["name", "description", "launched_on", "partnership"]
        labels = {"name": "Name", "description": "Description (optional)", "partnership": "Partnership (optional)"}
        help_texts = {
            "name": "For example ‘Clackmannanshire Good Employment Charter’.",
            "description": "What signing up means, and who it is for.",
            "partnership": "The partnership that rolls the charter out, if there is one.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {
                "required": "Enter the charter's name",
                "max_length": "The name must be 200 characters or fewer",
            }
        }

    def __init__(self, *args, place: Place, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        creating = self.instance.pk is None
        if not creating:
            require_version(self.fields["version"], self.instance.version)
        partnership = self.fields["partnership"]
        partnership.queryset = Partnership.objects.for_place(place).order_by("name")
        partnership.empty_label = "No partnership"
        partnership.error_messages["invalid_choice"] = (
            f"Choose one of {place.name}'s partnerships, or ‘No partnership’: the one chosen is not one of them"
        )
        criteria = FairWorkCriterion.objects.count() if creating else 0
        if criteria:
            seed = self.fields["seed_fair_work"]
            seed.label = f"Start with the {_number(criteria)} Fair Work First criteria as its commitments"
        else:
            del self.fields["seed_fair_work"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            "version",
            Field.text("name"),
            Field.textarea("description", rows=4),
            Field("launched_on"),
            Field.select("partnership"),
            *([Field.checkbox("seed_fair_work", small=True)] if "seed_fair_work" in self.fields else []),
        )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        duplicate = Charter.objects.for_place(self.place).filter(name__iexact=name)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(f"{self.place.name} already has a charter called ‘{name}’: choose another name")
        return name

    def clean_launched_on(self):
        launched_on = self.cleaned_data.get("launched_on")
        if launched_on and self.instance.pk:
            first = Signatory.objects.filter(charter=self.instance).aggregate(first=Min("signed_on"))["first"]
            if first and first < launched_on:
                raise forms.ValidationError(
                    f"The first organisation signed on {date_text(first)}: "
                    f"the launch date must be that day or earlier, or left blank"
                )
        return launched_on


def _number(count: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return words[count] if count < len(words) else str(count)


# --- Its commitments ------------------------------------------------------------------------------


class CommitmentForm(forms.ModelForm):
    """One commitment of the charter: its wording and position; a saved one can be removed."""

    title = forms.CharField(
        label="Wording",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "The commitment must be 300 characters or fewer"},
    )
    position = forms.IntegerField(
        label="Position",
        required=False,
        min_value=1,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "The position must be a whole number, like 3",
            "min_value": "The position must be 1 or more",
            "max_value": "The position must be 999 or less",
        },
    )
    remove = forms.BooleanField(label="Remove this commitment", required=False)
    confirm_remove = forms.BooleanField(required=False)

    class Meta:
        model = CharterCommitment
        fields = ["title", "position"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.met_count = getattr(self.instance, "met_count", 0) if self.instance.pk else 0
        number = self.prefix.rsplit("-", 1)[-1] if self.prefix else ""
        self.number = int(number) + 1 if number.isdigit() else 1
        if self.instance.pk and self.met_count:
            self.fields["title"].help_text = f"Met by {signatories_text(self.met_count)}."
        self.fields[
            "confirm_remove"
        ].label = f"Yes, remove it, and take it off the records of the {signatories_text(self.met_count)} who meet it"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.SMALL
        fields = [Field.textarea("title", rows=2), Field.text("position", field_width=2)]
        if self.instance.pk:
            fields.append(Field.checkbox("remove", small=True))
            if self.asks_to_confirm:
                fields.append(Field.checkbox("confirm_remove", small=True))
        self.helper.layout = Layout(
            Fieldset(
                *fields,
                legend=f"Commitment {self.number}" if self.instance.pk else f"New commitment ({self.number})",
                legend_size=Size.SMALL,
            )
        )

    @property
    def asks_to_confirm(self) -> bool:
        """Show the "Yes, remove it" tick: once the person has asked to remove a commitment that
        signatories meet."""
        return bool(self.is_bound and self.met_count and self.data.get(self.add_prefix("remove")))

    @property
    def met_count_seen(self) -> int | None:
        seen = self.data.get(self.add_prefix("met_count_seen")) if self.is_bound else None
        return int(seen) if seen and str(seen).isdigit() else None

    def has_changed(self) -> bool:
        # A blank new row is ignored, even with a position typed: it has no commitment to place.
        if self.instance.pk is None:
            return bool((self.data.get(self.add_prefix("title")) or "").strip())
        return super().has_changed()

    def clean_title(self) -> str:
        return " ".join((self.cleaned_data.get("title") or "").split())

    def clean(self) -> dict:
        cleaned = super().clean()
        removing = bool(self.instance.pk and cleaned.get("remove"))
        cleaned["remove"] = removing
        if removing:
            self._clean_removal(cleaned)
        elif not cleaned.get("title") and not self.has_error("title"):
            self.add_error(
                "title",
                "Enter the commitment, or tick ‘Remove this commitment’ to take it off the charter"
                if self.instance.pk
                else "Enter the new commitment",
            )
        return cleaned

    def _clean_removal(self, cleaned: dict) -> None:
        if not self.met_count:
            return
        title = self.instance.title
        if not cleaned.get("confirm_remove"):
            self.add_error(
                "confirm_remove" if self.asks_to_confirm else "remove",
                f"{signatories_text(self.met_count)} {'meets' if self.met_count == 1 else 'meet'} ‘{title}’. "
                "To remove it anyway, tick ‘Yes, remove it’ and save again, "
                "or untick ‘Remove this commitment’ to keep it",
            )
        elif self.met_count_seen != self.met_count:
            self.add_error("confirm_remove", MET_COUNT_CHANGED.format(title=title, count=self.met_count))

    def validate_unique(self) -> None:
        # The formset checks the titles against each other as they will be once saved (a swap of
        # two titles is allowed); the per-row check would compare with the titles saved before.
        return


class BaseCommitmentFormSet(forms.BaseInlineFormSet):
    """The charter's commitments in their order, each with how many signatories meet it, then blank
    rows for new ones. Only this charter's commitments can be named by id."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault(
            "queryset", CharterCommitment.objects.annotate(met_count=Count("met_by")).order_by("position", "pk")
        )
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "id" in form.fields:
            form.fields["id"].queryset = self.get_queryset()
            form.fields["id"].error_messages["invalid_choice"] = (
                "Someone else removed this commitment while you were editing: "
                "reload the page to see the commitments as they are now"
            )

    def get_queryset(self):
        if not hasattr(self, "_charter_queryset"):
            self._charter_queryset = super().get_queryset()
        return self._charter_queryset

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen: dict[str, int] = {}
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if form.cleaned_data.get("remove"):
                continue
            key = form.cleaned_data["title"].casefold()
            if key in seen:
                title = form.cleaned_data["title"]
                form.add_error(
                    "title", f"‘{title}’ is already commitment {seen[key]}: each commitment must be different"
                )
            else:
                seen[key] = form.number

    def validate_unique(self) -> None:
        return

    def changes(self) -> list[dict]:
        """Once valid: each saved commitment and each new one, with what the form says of it:
        {"commitment": CharterCommitment | None, "title", "position", "remove", "met_count"}."""
        rows = []
        for form in self.forms:
            if form.instance.pk is None and not form.has_changed():
                continue
            rows.append(
                {
                    "commitment": form.instance if form.instance.pk else None,
                    "title": form.cleaned_data["title"],
                    "position": form.cleaned_data.get("position"),
                    "remove": form.cleaned_data["remove"],
                    "met_count": form.met_count,
                }
            )
        return rows


CommitmentFormSet = forms.inlineformset_factory(
    Charter,
    CharterCommitment,
    form=CommitmentForm,
    formset=BaseCommitmentFormSet,
    extra=BLANK_COMMITMENT_ROWS,
    can_delete=False,
    max_num=100,
    validate_max=True,
)


def commitment_formset(data=None, *, charter: Charter) -> BaseCommitmentFormSet:
    return CommitmentFormSet(data, instance=charter, prefix="commitments")


def error_links(form, formset=None) -> list[tuple[str, str]]:
    """(href, message) for the GOV.UK error summary: the form's errors, then each row's."""
    links = list(error_summary_links(form)) if form is not None else []
    if formset is None:
        return links
    first_row = formset.forms[0] if formset.forms else None
    for error in formset.non_form_errors():
        links.append((f"#{first_row['title'].id_for_label}" if first_row else "", str(error)))
    for row in formset.forms:
        label = f"Commitment {row.number}" if row.instance.pk else f"New commitment ({row.number})"
        links.extend((href, f"{label}: {message}") for href, message in error_summary_links(row))
    return links


# --- Signatories ----------------------------------------------------------------------------------


class SignatoryForm(forms.ModelForm):
    """An organisation's signature: when it signed, which of this charter's commitments it meets,
    and the evidence for that."""

    version = version_field()
    organisation = OrganisationChoiceField(queryset=Organisation.objects.none(), label="Organisation")
    signed_on = GovukDateField(label="Date signed", required=True, help_text="For example, 14 3 2025")
    commitments_met = forms.ModelMultipleChoiceField(
        queryset=CharterCommitment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Commitments it meets",
        help_text="Tick each commitment the organisation meets now. Leave them all unticked if it meets none yet.",
    )

    class Meta:
        model = Signatory
        fields = ["organisation", "signed_on", "commitments_met", "evidence_note"]
        labels = {"evidence_note": "Evidence (optional)"}
        help_texts = {
            "evidence_note": "How you know it meets them: an accreditation, a policy, a visit. "
            "For example ‘Accredited Living Wage employer since 2023’."
        }
        widgets = {"evidence_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, place: Place, charter: Charter, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        self.charter = charter
        if self.instance.pk:
            require_version(self.fields["version"], self.instance.version)
        else:
            self.instance.charter = charter
        organisation = self.fields["organisation"]
        organisation.queryset = Organisation.objects.for_place(place).order_by(Lower("name"))
        organisation.empty_label = "Choose an organisation"
        organisation.error_messages = {
            "required": "Choose the organisation that signed",
            "invalid_choice": (
                f"Choose an organisation from {place.name}'s directory or a national body: "
                "the one chosen is not one of them"
            ),
        }
        commitments = self.fields["commitments_met"]
        commitments.queryset = CharterCommitment.objects.filter(charter=charter).order_by("position", "pk")
        commitments.error_messages["invalid_choice"] = (
            "Choose commitments of this charter only: one of those chosen is not one of its commitments"
        )
        commitments.error_messages["invalid_pk_value"] = commitments.error_messages["invalid_choice"]
        if not commitments.queryset.exists():
            commitments.help_text = "This charter has no commitments yet: add them on the charter's page first."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            "version",
            Field.select("organisation"),
            Field("signed_on"),
            Field.checkboxes("commitments_met", small=True),
            Field.textarea("evidence_note", rows=3),
        )

    def clean_organisation(self) -> Organisation:
        organisation = self.cleaned_data["organisation"]
        others = Signatory.objects.filter(charter=self.charter, organisation=organisation)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(ALREADY_SIGNED.format(organisation=organisation.name))
        return organisation

    def clean_signed_on(self):
        signed_on = self.cleaned_data.get("signed_on")
        if signed_on is None:
            return signed_on
        if signed_on > timezone.localdate():
            raise forms.ValidationError("The date signed must be today or in the past")
        launched_on = self.charter.launched_on
        if launched_on and signed_on < launched_on:
            raise forms.ValidationError(
                f"The date signed must be on or after the charter's launch date, {date_text(launched_on)}"
            )
        return signed_on

    def clean_evidence_note(self) -> str:
        return (self.cleaned_data.get("evidence_note") or "").strip()
