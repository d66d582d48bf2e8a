"""The form that adds an organisation to a place's directory or changes one of its own.

Duplicates are caught as the person types them in: the same name as one already in the directory
(the place's own or a national body, case and spacing ignored) is refused; a similar name
(partnerships/similar_names.py) is questioned, listing the similar organisations, and saved once
the person ticks "This is a different organisation".
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from partnerships.models import Organisation
from partnerships.organisation_selectors import organisation_name_clashes
from partnerships.similar_names import SimilarName, name_key
from wellbeing.fields import version_field
from wellbeing.layout import Field
from wellbeing.models import Place

DUPLICATE_MESSAGE = "‘{name}’ is already in the directory: use it rather than adding it again"
SIMILAR_MESSAGE = (
    "‘{name}’ looks like {what} already in the directory. Use the existing one, or if this is a different "
    "organisation, tick ‘This is a different organisation’ and save again"
)


def duplicate_error(existing_name: str) -> ValidationError:
    return ValidationError(DUPLICATE_MESSAGE.format(name=existing_name), code="duplicate")


class OrganisationForm(forms.ModelForm):
    # The version the organisation was at when the form was opened (optimistic locking). Required
    # when changing one (see __init__): without it, a save could not tell whose changes came first.
    version = version_field()
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        # crispy-forms-gds leaves a URLInput unstyled; the class makes it a GOV.UK text input.
        widget=forms.URLInput(attrs={"class": "govuk-input", "spellcheck": "false", "autocomplete": "url"}),
        error_messages={
            "invalid": "Enter a web address like https://www.clacks.gov.uk",
            "max_length": "The web address must be 500 characters or fewer",
        },
    )
    is_anchor = forms.TypedChoiceField(
        label="Is it an anchor institution?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Rooted in the place by its mission, land or buildings, and a large employer or buyer there, "
        "such as a council, college, NHS board or housing association.",
        error_messages={"required": "Choose whether it is an anchor institution"},
    )
    confirm_different = forms.BooleanField(
        label="This is a different organisation",
        required=False,
        help_text="Tick this only if the organisation is none of those listed above.",
    )

    class Meta:
        model = Organisation
        fields = ["name", "sector", "is_anchor", "size_band", "website"]
        labels = {"name": "Name", "sector": "Sector", "size_band": "Size"}
        help_texts = {
            "name": "Its full name, as it writes it, for example ‘Forth Valley College’.",
            "size_band": "By the number of people it employs.",
        }
        widgets = {"sector": forms.RadioSelect, "size_band": forms.RadioSelect}
        error_messages = {
            "name": {
                "required": "Enter the organisation’s name",
                "max_length": "The name must be 200 characters or fewer",
            },
            "sector": {
                "required": "Choose the organisation’s sector",
                "invalid_choice": "Choose a sector from the list",
            },
            "size_band": {"invalid_choice": "Choose a size from the list"},
        }

    def __init__(self, *args, place: Place, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        self.original_name = self.instance.name if self.instance.pk else None
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
            self.initial["is_anchor"] = "yes" if self.instance.is_anchor else "no"
        else:
            self.instance.place = place
        # The model's blank choice ("---------") is not a sector anyone can pick.
        self.fields["sector"].choices = [choice for choice in self.fields["sector"].choices if choice[0]]
        self.duplicate: Organisation | None = None  # the same name already in the directory
        self.similar: list[SimilarName[Organisation]] = []  # similar names, while not confirmed different

    @property
    def helper(self) -> FormHelper:
        # Built when rendered: the "different organisation" box appears only once there is a
        # similar name to tell apart (or it was ticked already).
        helper = FormHelper()
        helper.form_tag = False  # the template's <form> holds the buttons
        helper.label_size = Size.SMALL
        helper.legend_size = Size.SMALL
        fields = [
            "version",
            Field.text("name", spellcheck="false", autocomplete="organization"),
            Field.radios("sector", small=True),
            Field.radios("is_anchor", small=True, inline=True),
            Field.radios("size_band", small=True),
            Field.text("website"),
        ]
        if self.similar or self["confirm_different"].value():
            fields.append(Field.checkbox("confirm_different"))
        helper.layout = Layout(*fields)
        return helper

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self) -> dict:
        cleaned = super().clean()
        name = cleaned.get("name")
        unchanged = (
            self.original_name is not None and name is not None and name_key(name) == name_key(self.original_name)
        )
        if not name or unchanged:
            # Changing other details keeps the name it has; only a new name is checked.
            return cleaned
        clashes = organisation_name_clashes(place=self.place, name=name, exclude_pk=self.instance.pk)
        if clashes.same is not None:
            self.refuse_duplicate(clashes.same)
        elif clashes.similar and not cleaned.get("confirm_different"):
            self.similar = clashes.similar
            what = "an organisation" if len(clashes.similar) == 1 else "organisations"
            self.add_error("confirm_different", SIMILAR_MESSAGE.format(name=name, what=what))
        return cleaned

    def refuse_duplicate(self, existing: Organisation | None, name: str | None = None) -> None:
        """Refuse the name: it is already in the directory (found here, or by the database when
        someone else added it a moment ago)."""
        self.duplicate = existing
        self.add_error("name", duplicate_error(existing.name if existing else name or ""))
