"""Forms for a place's partnerships, their members and their delivery groups.

Every choice is scoped: partnership leads are people who hold the partnership lead role in the
place (or leads the partnership already had, while they are members of the place), member
organisations come from the place's directory (its own and the national bodies), a group's outcomes
are the place's key wellbeing outcomes and its organisations are the partnership's current members.
Anything else posted is refused with a message, like any other bad choice; the services check again.

An edit form carries the version it was opened at (a hidden field): without it the form cannot
tell whether someone else saved meanwhile, so it is refused, never guessed.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone

from partnerships.models import DeliveryGroup, Membership, Organisation, Partnership
from partnerships.partnership_selectors import group_organisation_choices, lead_choices, overlapping_memberships
from wellbeing.fields import FORM_OUT_OF_DATE, GovukDateField, require_version, version_field
from wellbeing.layout import Field
from wellbeing.models import Place, User, WellbeingOutcome

LEFT_BEFORE_JOINING = "The date it left must be the same as or after the date it joined"
LEFT_IN_FUTURE = "The date it left must be today or earlier: record the leaving once it has happened"
NO_LONGER_HAS_THE_ROLE = "(no longer has the partnership lead role)"


def already_a_member_message(organisation: Organisation) -> str:
    return (
        f"{organisation.name} is already a current member of this partnership: change its membership instead, "
        "or enter the date it left"
    )


def _person(user: User) -> str:
    return user.get_full_name() or user.username


def _date(value) -> str:
    return value.strftime("%-d %B %Y")


def _period(membership: Membership) -> str:
    """A membership's dates in words, for messages."""
    if membership.joined_on and membership.left_on:
        return f"from {_date(membership.joined_on)} to {_date(membership.left_on)}"
    if membership.joined_on:
        return f"from {_date(membership.joined_on)}, still current"
    if membership.left_on:
        return f"until {_date(membership.left_on)} (the date it joined is not recorded)"
    return "still current (the date it joined is not recorded)"


def overlapping_membership_message(other: Membership) -> str:
    return (
        f"These dates overlap {other.organisation.name}’s other membership of this partnership, {_period(other)}: "
        "an organisation holds one seat at a time. Change the dates so they do not overlap, or change that "
        "membership instead"
    )


def no_longer_a_place_member_message(user: User, place: Place) -> str:
    return (
        f"{_person(user)} is no longer a member of {place.name}, so cannot lead its partnerships: untick them, "
        "then save"
    )


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisation: Organisation) -> str:
        return f"{organisation.name} (national)" if organisation.is_national else organisation.name


class _Form(forms.ModelForm):
    """A versioned model's form laid out the GOV.UK way: our messages, not the browser's."""

    version = version_field()

    def _helper(self, *fields, submit: str) -> FormHelper:
        if self.instance.pk:
            # Without the version it was opened at, an edit cannot be checked against others' saves.
            require_version(self.fields["version"], self.instance.version)
        helper = FormHelper()
        helper.attrs = {"novalidate": ""}
        helper.label_size = Size.SMALL
        helper.legend_size = Size.SMALL
        helper.layout = Layout("version", *fields, Submit("submit", submit))
        return helper

    def clean(self) -> dict:
        cleaned = super().clean()
        # A hidden field's error would show nowhere on the page: said at the top of the form instead.
        if self.has_error("version"):
            del self._errors["version"]
            self.add_error(None, FORM_OUT_OF_DATE)
        return cleaned


# --- Partnerships ---------------------------------------------------------------------------------


class PartnershipForm(_Form):
    leads = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Partnership leads",
    )

    class Meta:
        model = Partnership
        fields = ["name", "kind", "purpose", "leads"]
        labels = {"kind": "Kind of partnership"}
        help_texts = {
            "name": "For example ‘Wellbeing Economy Anchor Partnership’.",
            "purpose": "What the partnership is for, in a sentence or two.",
        }
        widgets = {"kind": forms.RadioSelect, "purpose": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {
                "required": "Enter the partnership's name",
                "max_length": "The name must be 200 characters or fewer",
            },
            "kind": {"required": "Choose what kind of partnership this is"},
        }

    def __init__(self, *args, place: Place, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        self.fields["kind"].choices = Partnership.Kind.choices
        self.lead_choices = lead_choices(place=place, partnership=self.instance)
        leads = self.fields["leads"]
        leads.queryset = User.objects.filter(pk__in=self.lead_choices.offered).order_by(
            "first_name", "last_name", "username"
        )
        leads.label_from_instance = self._lead_label
        leads.error_messages["invalid_choice"] = (
            f"Choose partnership leads from the people with the partnership lead role in {place.name}"
        )
        leads.help_text = (
            f"People with the partnership lead role in {place.name}. A place administrator gives people that role."
            if self.lead_choices.with_role
            else f"Nobody has the partnership lead role in {place.name} yet: a place administrator can give "
            "someone that role, and then you can name them here."
        )
        former = self.lead_choices.stored - self.lead_choices.with_role
        if former & self.lead_choices.place_members:
            leads.help_text += (
                " A lead who no longer has the role stays a lead of this partnership until you untick them, "
                "but cannot be named again once unticked."
            )
        if former - self.lead_choices.place_members:
            leads.help_text += f" Untick anyone who is no longer a member of {place.name} before you save."
        self.helper = self._helper(
            Field.text("name"),
            Field.radios("kind", small=True),
            Field.textarea("purpose"),
            Field.checkboxes("leads", small=True),
            submit="Save partnership",
        )

    def _lead_label(self, user: User) -> str:
        if user.pk in self.lead_choices.with_role:
            return _person(user)
        if user.pk in self.lead_choices.place_members:
            return f"{_person(user)} {NO_LONGER_HAS_THE_ROLE}"
        return f"{_person(user)} (no longer a member of {self.place.name})"

    def clean_leads(self) -> list[User]:
        leads = self.cleaned_data["leads"]
        for lead in leads:
            if lead.pk not in self.lead_choices.allowed:
                raise ValidationError(no_longer_a_place_member_message(lead, self.place))
        return leads

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        duplicate = Partnership.objects.for_place(self.place).filter(name__iexact=name)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise ValidationError(f"{self.place.name} already has a partnership called ‘{name}’")
        return name


# --- Members --------------------------------------------------------------------------------------


class MembershipForm(_Form):
    """An organisation's seat on the partnership. Co-chairs are allowed: no rule limits chairs to one.

    The organisation is chosen when the membership is added and never changed afterwards (the edit
    form has no such field, so a posted one is ignored): changing it would rewrite whose seat it
    was. Another organisation's seat is a new membership. An organisation's periods of membership
    never overlap, and only one is current."""

    organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the member organisation"},
    )
    joined_on = GovukDateField(label="Date it joined", help_text="Leave blank if not known. For example, 1 4 2024")
    left_on = GovukDateField(label="Date it left", help_text="Leave blank while it is a member. For example, 31 3 2026")

    class Meta:
        model = Membership
        fields = ["organisation", "representative", "role", "joined_on", "left_on"]
        labels = {"representative": "Representative (optional)", "role": "Role on the partnership"}
        help_texts = {
            "representative": "The person who speaks for the organisation, and their job title, like ‘Jo Smith, "
            "Chief Executive’.",
            "role": "A partnership can have co-chairs.",
        }
        widgets = {"role": forms.RadioSelect}
        error_messages = {
            "role": {"required": "Choose the organisation's role on the partnership"},
            "representative": {"max_length": "The representative must be 200 characters or fewer"},
        }

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        if kwargs.get("instance") is None:
            kwargs["instance"] = Membership(partnership=partnership)
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        place = partnership.place
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            organisation = self.fields["organisation"]
            organisation.queryset = Organisation.objects.for_place(place).order_by(Lower("name"))
            organisation.error_messages["invalid_choice"] = (
                f"Choose an organisation from {place.name}’s directory or the national bodies"
            )
            organisation.help_text = (
                f"From {place.name}’s organisations and the national bodies. Add a missing one to the directory first."
            )
        self.fields["role"].choices = Membership.Role.choices
        self.helper = self._helper(
            *([] if self.instance.pk else [Field.select("organisation")]),
            Field.text("representative"),
            Field.radios("role", small=True, inline=True),
            Field("joined_on"),
            Field("left_on"),
            submit="Save member",
        )

    @property
    def duplicate_field(self) -> str:
        """Where "already a current member" is said: the organisation chosen, or on an edit (which
        cannot change the organisation) the leaving date left blank."""
        return "left_on" if self.instance.pk else "organisation"

    def clean_representative(self) -> str:
        return " ".join(self.cleaned_data["representative"].split())

    def clean(self) -> dict:
        cleaned = super().clean()
        joined, left = cleaned.get("joined_on"), cleaned.get("left_on")
        # Said here against the field; the model's check constraint then skips a field with errors.
        if left and joined and left < joined:
            self.add_error("left_on", LEFT_BEFORE_JOINING)
        elif left and left > timezone.localdate():
            self.add_error("left_on", LEFT_IN_FUTURE)
        organisation = self.instance.organisation if self.instance.pk else cleaned.get("organisation")
        if organisation is None or self.has_error("joined_on") or self.has_error("left_on"):
            return cleaned
        others = Membership.objects.filter(partnership=self.partnership, organisation=organisation)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if not left and others.current().exists():
            self.add_error(self.duplicate_field, already_a_member_message(organisation))
            return cleaned
        overlapping = overlapping_memberships(
            partnership=self.partnership,
            organisation=organisation,
            joined_on=joined,
            left_on=left,
            exclude_pk=self.instance.pk,
        ).first()
        if overlapping is not None:
            overlapping.organisation = organisation
            self.add_error("joined_on", overlapping_membership_message(overlapping))
        return cleaned


# --- Delivery groups ------------------------------------------------------------------------------


class DeliveryGroupForm(_Form):
    lead_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No lead organisation yet",
        label="Lead organisation",
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Member organisations",
    )
    outcomes = forms.ModelMultipleChoiceField(
        queryset=WellbeingOutcome.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Priority wellbeing outcomes it focuses on",
    )

    class Meta:
        model = DeliveryGroup
        fields = ["name", "remit", "outcomes", "lead_organisation", "members"]
        help_texts = {
            "name": "For example ‘Fair work delivery group’.",
            "remit": "What the group is asked to do, and by when.",
        }
        widgets = {"remit": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {
                "required": "Enter the delivery group's name",
                "max_length": "The name must be 200 characters or fewer",
            },
        }

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        if kwargs.get("instance") is None:
            kwargs["instance"] = DeliveryGroup(partnership=partnership)
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        place = partnership.place
        outcomes = self.fields["outcomes"]
        outcomes.queryset = WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title")
        outcomes.label_from_instance = lambda outcome: f"{outcome.priority_rank}. {outcome.title}"
        outcomes.error_messages["invalid_choice"] = (
            f"Choose wellbeing outcomes of {place.name} only: one of those chosen is not one of its outcomes"
        )
        if not outcomes.queryset.exists():
            outcomes.help_text = (
                f"{place.name} has no key wellbeing outcomes yet: an officer or place administrator adds them."
            )

        self.organisation_choices = group_organisation_choices(partnership=partnership, group=self.instance)
        organisations = Organisation.objects.filter(pk__in=self.organisation_choices.allowed).order_by(Lower("name"))
        for name in ("lead_organisation", "members"):
            field = self.fields[name]
            field.queryset = organisations
            field.label_from_instance = self._organisation_label
            field.error_messages["invalid_choice"] = (
                f"Choose organisations that are current members of {partnership.name}: add an organisation to the "
                "partnership first"
            )
        hint = (
            f"Only current members of {partnership.name} can be chosen. To choose another organisation, add it to "
            "the partnership first."
        )
        self.fields["lead_organisation"].help_text = hint
        self.fields["members"].help_text = hint
        if not self.organisation_choices.allowed:
            self.fields[
                "members"
            ].help_text = (
                f"{partnership.name} has no current members yet: add member organisations to the partnership first."
            )
        self.helper = self._helper(
            Field.text("name"),
            Field.textarea("remit"),
            Field.checkboxes("outcomes", small=True),
            Fieldset(
                Field.select("lead_organisation"),
                Field.checkboxes("members", small=True),
                legend="Who is in the group",
                legend_size=Size.MEDIUM,
            ),
            submit="Save delivery group",
        )

    def _organisation_label(self, organisation: Organisation) -> str:
        label = f"{organisation.name} (national)" if organisation.is_national else organisation.name
        if organisation.pk not in self.organisation_choices.current:
            label += " (has left the partnership)"
        return label

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        duplicate = DeliveryGroup.objects.filter(partnership=self.partnership, name__iexact=name)
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise ValidationError(f"{self.partnership.name} already has a delivery group called ‘{name}’")
        return name
