"""Reads for partnerships, their members and their delivery groups. Each takes a place (or an
object already resolved for the place) and reads in a fixed number of queries, whatever the
number of members, groups or history rows."""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import BooleanField, Count, ExpressionWrapper, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
from django.http import Http404

from partnerships.models import DeliveryGroup, Membership, Organisation, Partnership
from wellbeing.access import object_get_for_place
from wellbeing.history import HISTORY_LIMIT, HistoryEntry, display_value, entries_for_records
from wellbeing.models import Place, PlaceMembership, Role, User, WellbeingOutcome


@dataclass
class LeadChoices:
    """The people a partnership's form offers as leads: those with the partnership lead role in the
    place now, and the partnership's own leads as stored, so an edit does not drop them unasked.
    `allowed` are the ones that may be saved: anyone with the role, and a stored lead who is still
    a member of the place (in another role); a stored lead who left the place is offered, labelled,
    so the person unticks them knowingly, but is refused."""

    with_role: set[int]
    place_members: set[int]
    stored: set[int]

    @property
    def offered(self) -> set[int]:
        return self.with_role | self.stored

    @property
    def allowed(self) -> set[int]:
        return self.with_role | (self.stored & self.place_members)


def lead_choices(*, place: Place, partnership: Partnership | None) -> LeadChoices:
    """Two queries: the place's members with their roles, and the partnership's stored leads."""
    roles = PlaceMembership.objects.filter(place=place).values_list("user", "role")
    with_role, place_members = set(), set()
    for user, role in roles:
        place_members.add(user)
        if role == Role.PARTNERSHIP_LEAD:
            with_role.add(user)
    stored = set()
    if partnership is not None and partnership.pk:
        stored = set(
            Partnership.leads.through.objects.filter(partnership_id=partnership.pk).values_list("user_id", flat=True)
        )
    return LeadChoices(with_role=with_role, place_members=place_members, stored=stored)


def overlapping_memberships(
    *, partnership: Partnership, organisation: Organisation, joined_on, left_on, exclude_pk: int | None
) -> QuerySet[Membership]:
    """The organisation's other memberships of the partnership whose period overlaps the one given.
    A membership runs from the day it joined (an unknown day: from the start) until the day it
    left, that day not included (Membership.objects.current); no leaving day: still a member."""
    others = Membership.objects.filter(partnership=partnership, organisation=organisation)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if left_on is not None:
        others = others.filter(Q(joined_on__isnull=True) | Q(joined_on__lt=left_on))
    if joined_on is not None:
        others = others.filter(Q(left_on__isnull=True) | Q(left_on__gt=joined_on))
    return others.order_by(F("joined_on").asc(nulls_first=True), "pk")


def _count(queryset: QuerySet) -> Coalesce:
    """A count per partnership as a subquery, so two counts do not multiply each other's rows."""
    counted = queryset.filter(partnership=OuterRef("pk")).order_by().values("partnership")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


def partnership_list(*, place: Place) -> QuerySet[Partnership]:
    """The place's partnerships with how many current members and delivery groups each has: one query."""
    return (
        Partnership.objects.for_place(place)
        .annotate(
            current_member_count=_count(Membership.objects.current()),
            group_count=_count(DeliveryGroup.objects.all()),
        )
        .order_by(Lower("name"))
    )


def partnership_get(*, place: Place, pk: int) -> Partnership:
    """One partnership of the place (404 for another place's), with its place for the forms."""
    return object_get_for_place(Partnership.objects.select_related("place"), place=place, pk=pk)


def membership_get(*, partnership: Partnership, pk: int) -> Membership:
    """One membership of this partnership, or 404 — also for another partnership's or place's."""
    membership = Membership.objects.filter(partnership=partnership, pk=pk).select_related("organisation").first()
    if membership is None:
        raise Http404("No such member of this partnership.")
    membership.partnership = partnership
    return membership


def _groups_queryset(place: Place) -> QuerySet[DeliveryGroup]:
    """Delivery groups with their lead, their outcomes (only the place's) and their members."""
    return (
        DeliveryGroup.objects.select_related("lead_organisation")
        .prefetch_related(
            Prefetch("outcomes", queryset=WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title")),
            Prefetch("members", queryset=Organisation.objects.order_by(Lower("name"))),
        )
        .order_by(Lower("name"))
    )


def group_get(*, partnership: Partnership, pk: int) -> DeliveryGroup:
    """One delivery group of this partnership for its page or form, or 404 — also for another
    partnership's or place's group. Three queries with the partnership already read."""
    group = _groups_queryset(partnership.place).filter(partnership=partnership, pk=pk).first()
    if group is None:
        raise Http404("No such delivery group in this partnership.")
    group.partnership = partnership
    return group


@dataclass
class GroupOrganisationChoices:
    """The organisations a delivery group may name: the partnership's current members, and any the
    group named before (as stored) that have left since, so an edit does not drop them unasked."""

    current: set[int]
    allowed: set[int]


def group_organisation_choices(*, partnership: Partnership, group: DeliveryGroup | None) -> GroupOrganisationChoices:
    current = set(Membership.objects.filter(partnership=partnership).current().values_list("organisation", flat=True))
    allowed = set(current)
    if group is not None and group.pk:
        for member, lead in DeliveryGroup.objects.filter(pk=group.pk).values_list("members", "lead_organisation"):
            allowed |= {member, lead}
    return GroupOrganisationChoices(current=current, allowed=allowed - {None})


# --- The partnership's page -----------------------------------------------------------------------


@dataclass
class PartnershipPage:
    partnership: Partnership
    leads: list[User]
    current_members: list[Membership]
    past_members: list[Membership]
    groups: list[DeliveryGroup]
    outcomes: list[WellbeingOutcome]  # all the place's key wellbeing outcomes, by priority
    uncovered_outcomes: list[WellbeingOutcome] = field(default_factory=list)
    members_in_no_group: list[Membership] = field(default_factory=list)


def partnership_for_page(*, place: Place, pk: int) -> PartnershipPage:
    """Everything the partnership's page shows but its history, in seven queries: the partnership,
    its leads, its memberships with their organisations, its groups with their leads, the groups'
    outcomes, the groups' members, and the place's outcomes (for the outcomes no group covers)."""
    partnership = object_get_for_place(
        Partnership.objects.select_related("place").prefetch_related(
            Prefetch("leads", queryset=User.objects.order_by("first_name", "last_name", "username")),
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organisation").order_by(
                    Lower("organisation__name"), "-joined_on", "pk"
                ),
            ),
            Prefetch("delivery_groups", queryset=_groups_queryset(place)),
        ),
        place=place,
        pk=pk,
    )
    memberships = list(partnership.memberships.all())
    groups = list(partnership.delivery_groups.all())
    outcomes = list(WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title"))
    covered = {outcome.pk for group in groups for outcome in group.outcomes.all()}
    in_groups = {organisation.pk for group in groups for organisation in group.members.all()}
    in_groups |= {group.lead_organisation_id for group in groups}
    current = [m for m in memberships if m.is_current]
    past = sorted((m for m in memberships if not m.is_current), key=lambda m: (m.left_on, m.pk), reverse=True)
    return PartnershipPage(
        partnership=partnership,
        leads=list(partnership.leads.all()),
        current_members=current,
        past_members=past,
        groups=groups,
        outcomes=outcomes,
        uncovered_outcomes=[outcome for outcome in outcomes if outcome.pk not in covered],
        members_in_no_group=[m for m in current if m.organisation_id not in in_groups],
    )


def membership_export_rows(*, partnership: Partnership) -> list[Membership]:
    """The partnership's memberships for the member list: current ones first, then past ones, each
    by organisation name; one query."""
    return list(
        Membership.objects.filter(partnership=partnership)
        .select_related("organisation")
        .annotate(has_left=ExpressionWrapper(Q(left_on__isnull=False), output_field=BooleanField()))
        .order_by("has_left", Lower("organisation__name"), "-joined_on", "pk")
    )


# --- History --------------------------------------------------------------------------------------

PARTNERSHIP_FIELDS = [("name", "Name"), ("kind", "Kind of partnership"), ("purpose", "Purpose")]
MEMBERSHIP_FIELDS = [
    ("organisation", "Organisation"),
    ("representative", "Representative"),
    ("role", "Role"),
    ("joined_on", "Joined"),
    ("left_on", "Left"),
]
GROUP_FIELDS = [("name", "Name"), ("remit", "Remit"), ("lead_organisation", "Lead organisation")]


def _person_name(record) -> str:
    user = record.user
    return user.get_full_name() or user.username


def _group_entries(records) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    for _, group_records in groupby(records, key=lambda record: record.id):
        group_records = list(group_records)
        entries += entries_for_records(
            group_records,
            subject=f"Delivery group ‘{group_records[-1].name}’",
            fields=GROUP_FIELDS,
            sets=lambda record: {
                "Outcomes": {
                    display_value(r, "wellbeingoutcome") for r in record.historicaldeliverygroup_outcomes_set.all()
                },
                "Member organisations": {
                    display_value(r, "organisation") for r in record.historicaldeliverygroup_members_set.all()
                },
            },
        )
    return entries


def _group_records(**lookup) -> QuerySet:
    return (
        DeliveryGroup.history.filter(**lookup)
        .select_related("history_user", "lead_organisation")
        .prefetch_related(
            "historicaldeliverygroup_outcomes_set__wellbeingoutcome",
            "historicaldeliverygroup_members_set__organisation",
        )
        .order_by("id", "history_date", "history_id")
    )


def partnership_history(*, partnership: Partnership) -> list[HistoryEntry]:
    """Who changed the partnership, its members and its groups, newest first, in nine queries."""
    records = (
        partnership.history.select_related("history_user")
        .prefetch_related("historicalpartnership_leads_set__user")
        .order_by("history_date", "history_id")
    )
    entries = entries_for_records(
        records,
        subject="Partnership",
        fields=PARTNERSHIP_FIELDS,
        sets=lambda record: {
            "Partnership leads": {_person_name(r) for r in record.historicalpartnership_leads_set.all()}
        },
    )
    membership_records = (
        Membership.history.filter(partnership_id=partnership.pk)
        .select_related("history_user", "organisation")
        .order_by("id", "history_date", "history_id")
    )
    for _, member_records in groupby(membership_records, key=lambda record: record.id):
        member_records = list(member_records)
        entries += entries_for_records(
            member_records, subject=f"Member ‘{member_records[-1].organisation}’", fields=MEMBERSHIP_FIELDS
        )
    entries += _group_entries(_group_records(partnership_id=partnership.pk))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LIMIT]


def group_history(*, group: DeliveryGroup) -> list[HistoryEntry]:
    """Who changed the group, its outcomes and its organisations, newest first, in five queries."""
    entries = _group_entries(_group_records(id=group.pk))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LIMIT]
