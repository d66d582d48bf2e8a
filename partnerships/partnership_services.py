"""Writes for partnerships, their members and their delivery groups. Each service owns its
transaction: the row is saved (refused with wellbeing.concurrency.EditConflict if someone else
saved it since the form was opened), its many-to-many links follow, and django-simple-history
records each step in the same transaction. The forms offer only the right choices; these check
again, so nothing of another place is ever written."""

from django.db import IntegrityError, transaction

from partnerships.models import DeliveryGroup, Membership, Partnership
from partnerships.partnership_forms import already_a_member_message, overlapping_membership_message
from partnerships.partnership_selectors import group_organisation_choices, lead_choices, overlapping_memberships
from wellbeing.concurrency import save_versioned
from wellbeing.models import Place

NOT_A_LEAD = (
    "Partnership leads are people with the partnership lead role in the partnership's place, or leads it already "
    "had who are still members of the place."
)
NOT_VERSIONED = "An edit carries the version it was opened at."
ORGANISATION_CHANGED = "A membership's organisation is never changed: another organisation's seat is a new membership."
OTHER_PLACES_OUTCOME = "A delivery group focuses on its own place's wellbeing outcomes only."
NOT_A_MEMBER = "A delivery group's organisations are members of its partnership."
DUPLICATE_NAME = "{owner} already has {what} called ‘{name}’: someone else saved it a moment ago. Choose another name."


class DuplicateMembership(Exception):
    """The organisation became a current member meanwhile (a race the form could not see)."""

    def __init__(self, organisation) -> None:
        super().__init__(already_a_member_message(organisation))
        self.organisation = organisation


class OverlappingMembership(Exception):
    """The organisation has another membership of the partnership whose dates overlap these."""

    def __init__(self, other: Membership) -> None:
        super().__init__(overlapping_membership_message(other))
        self.other = other


class DuplicateName(Exception):
    """A partnership or group of that name was saved meanwhile; the message is for the person."""


def _save(instance, form) -> None:
    """Create the row, or save the person's changes unless the stored row moved on, inside a
    savepoint: a unique constraint broken by someone else's save in the meantime raises
    IntegrityError and leaves the caller's transaction usable."""
    with transaction.atomic():
        if instance.pk is None:
            instance.save()
            return
        version = form.cleaned_data.get("version")
        if version is None:  # the form refuses this; never read as "version 0", a conflict with nobody
            raise ValueError(NOT_VERSIONED)
        save_versioned(instance, expected_version=version)


@transaction.atomic
def partnership_save(*, place: Place, form) -> Partnership:
    """Create a partnership of the place, or save changes to one, with its leads."""
    partnership = form.save(commit=False)
    if partnership.pk is None:
        partnership.place = place
    elif partnership.place_id != place.pk:
        raise PermissionError("A partnership is changed only in its own place.")
    leads = list(form.cleaned_data.get("leads") or [])
    # Anyone with the role now, and leads it already had who are still members of the place.
    allowed = lead_choices(place=place, partnership=partnership).allowed
    if any(lead.pk not in allowed for lead in leads):
        raise PermissionError(NOT_A_LEAD)
    try:
        _save(partnership, form)
    except IntegrityError:
        others = Partnership.objects.for_place(place).exclude(pk=partnership.pk)
        if not others.filter(name__iexact=partnership.name).exists():
            raise
        message = DUPLICATE_NAME.format(owner=place.name, what="a partnership", name=partnership.name)
        raise DuplicateName(message) from None
    partnership.leads.set(leads)
    return partnership


@transaction.atomic
def membership_save(*, partnership: Partnership, form) -> Membership:
    """Add an organisation to the partnership, or change its membership (never its organisation).
    DuplicateMembership when it became a current member meanwhile (the database's constraint said
    so), OverlappingMembership when another of its memberships' dates overlap these: nothing is
    written. Memberships of one partnership are written one at a time (its row is locked), so two
    saves cannot each miss the other's overlapping dates."""
    membership = form.save(commit=False)
    if membership.partnership_id != partnership.pk:
        raise PermissionError("A membership is changed only in its own partnership.")
    if membership.pk is not None:
        stored = Membership.objects.filter(pk=membership.pk).values_list("organisation", flat=True).first()
        if stored != membership.organisation_id:
            raise PermissionError(ORGANISATION_CHANGED)
    organisation = membership.organisation
    if organisation.place_id not in (None, partnership.place_id):
        raise PermissionError("A partnership's members come from its own place's directory or the national bodies.")
    list(Partnership.objects.select_for_update().filter(pk=partnership.pk).values_list("pk", flat=True))
    overlapping = overlapping_memberships(
        partnership=partnership,
        organisation=organisation,
        joined_on=membership.joined_on,
        left_on=membership.left_on,
        exclude_pk=membership.pk,
    )
    # Two current memberships are the database constraint's to refuse, with its own message.
    if membership.left_on is not None or not overlapping.current().exists():
        other = overlapping.select_related("organisation").first()
        if other is not None:
            raise OverlappingMembership(other)
    try:
        _save(membership, form)
    except IntegrityError:
        others = partnership.memberships.current().filter(organisation=organisation).exclude(pk=membership.pk)
        if membership.left_on or not others.exists():
            raise
        raise DuplicateMembership(organisation) from None
    return membership


@transaction.atomic
def group_save(*, partnership: Partnership, form) -> DeliveryGroup:
    """Create a delivery group of the partnership, or save changes to one, with its outcomes and
    organisations: the place's outcomes only, and the partnership's members only (current ones, or
    ones the group already named before they left)."""
    group = form.save(commit=False)
    if group.partnership_id != partnership.pk:
        raise PermissionError("A delivery group is changed only in its own partnership.")
    outcomes = list(form.cleaned_data.get("outcomes") or [])
    if any(outcome.place_id != partnership.place_id for outcome in outcomes):
        raise PermissionError(OTHER_PLACES_OUTCOME)
    members = list(form.cleaned_data.get("members") or [])
    chosen = {organisation.pk for organisation in members} | ({group.lead_organisation_id} - {None})
    if chosen - group_organisation_choices(partnership=partnership, group=group).allowed:
        raise PermissionError(NOT_A_MEMBER)
    try:
        _save(group, form)
    except IntegrityError:
        if not partnership.delivery_groups.filter(name__iexact=group.name).exclude(pk=group.pk).exists():
            raise
        raise DuplicateName(
            DUPLICATE_NAME.format(owner=partnership.name, what="a delivery group", name=group.name)
        ) from None
    group.outcomes.set(outcomes)
    group.members.set(members)
    return group
