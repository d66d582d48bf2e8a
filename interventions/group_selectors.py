"""Reads for delivery groups' pages: the group's dashboard, the groups a place may assign to, the
register's "Delivery groups" column, and the assignments export. Every read is scoped to the place
and takes a fixed number of queries, whatever the number of interventions.

The dashboard is the gap analysis restricted to the group's outcomes (DESIGN.md: "a delivery
group's dashboard is the gap analysis and register filtered to that group"). An outcome's status,
coverage score and budget count every intervention the place sees, exactly as gap_analysis() works
them out: they are the place's real coverage of the outcome, which is what the group works on.
Beside them, the "from this group" figures count only the group's own interventions (the same
links, the same scores), so a group can see how much of the coverage is its work.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower

from interventions.gap_analysis import (
    SCORE_PLACES,
    ZERO_MONEY,
    ZERO_SCORE,
    ContributingIntervention,
    GapAnalysis,
    OutcomeCoverage,
    Status,
    gap_analysis,
)
from interventions.models import Contribution, GroupAssignment, Intervention, intervention_reference
from partnerships.models import DeliveryGroup, Partnership
from wellbeing.access import object_get_for_place
from wellbeing.models import Place, WellbeingOutcome

# The dashboard lists this many of the interventions that could join, strongest first; the register,
# filtered to "Not in any delivery group" and an outcome, lists them all.
COULD_JOIN_SHOWN = 50


# --- Groups of a place ---------------------------------------------------------------------------


def delivery_groups_for_place(*, place: Place) -> QuerySet[DeliveryGroup]:
    """The place's delivery groups with their partnerships, by partnership then group name."""
    return (
        DeliveryGroup.objects.for_place(place)
        .select_related("partnership")
        .order_by(Lower("partnership__name"), Lower("name"), "pk")
    )


def group_get_for_place(*, place: Place, pk: int) -> DeliveryGroup:
    """One delivery group of the place with its partnership, lead and outcomes (by priority); 404
    for another place's group."""
    outcomes = WellbeingOutcome.objects.filter(place=place).order_by("priority_rank", "title", "pk")
    queryset = DeliveryGroup.objects.select_related("partnership", "lead_organisation").prefetch_related(
        Prefetch("outcomes", queryset=outcomes, to_attr="ordered_outcomes")
    )
    return object_get_for_place(queryset, place=place, pk=pk)


def place_assignments_prefetch(*, place: Place) -> Prefetch:
    """For a list of interventions: the place's groups each is in, as `place_assignments` (one
    query for the whole list). A national intervention's assignments by other places are left out."""
    return Prefetch(
        "group_assignments",
        queryset=GroupAssignment.objects.for_place(place).select_related("group").order_by(Lower("group__name"), "pk"),
        to_attr="place_assignments",
    )


# --- The dashboard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupOutcome:
    """One of the group's outcomes: the place's coverage of it, and the group's part in it."""

    coverage: OutcomeCoverage  # as gap_analysis() has it: every intervention the place sees
    group_active_count: int  # active interventions of the group contributing to it
    group_score: Decimal  # the part of coverage.score from the group's interventions
    group_budget: Decimal  # the part of coverage.budget_attributed from the group's interventions


@dataclass(frozen=True)
class DashboardIntervention:
    """An intervention on the dashboard, with its link to each of the group's outcomes (None where
    it has none), in the order of GroupDashboard.outcomes."""

    pk: int
    reference: str
    title: str
    level: str
    status: str
    lead_organisation: str
    is_national: bool
    links: tuple[ContributingIntervention | None, ...]
    assigned_by: str = ""
    assigned_at: datetime | None = None

    @property
    def touches_group_outcomes(self) -> bool:
        return any(link is not None for link in self.links)


@dataclass(frozen=True)
class GroupDashboard:
    group: DeliveryGroup
    analysis: GapAnalysis  # the place's whole analysis, unfiltered
    outcomes: tuple[GroupOutcome, ...]  # the group's outcomes, by priority rank
    status_counts: dict[str, int]  # over the group's outcomes
    assigned: tuple[DashboardIntervention, ...]  # by title
    could_join: tuple[DashboardIntervention, ...]  # all of them, strongest first

    @property
    def could_join_shown(self) -> tuple[DashboardIntervention, ...]:
        return self.could_join[:COULD_JOIN_SHOWN]


def group_dashboard(*, place: Place, group: DeliveryGroup, today: date | None = None) -> GroupDashboard:
    """The group's outcomes with their gap status, its interventions with their effectiveness on
    each outcome, and the interventions that could join it: the place's interventions that
    contribute to one of its outcomes and that no delivery group of the place carries yet.

    `group` comes from group_get_for_place (its outcomes prefetched). Eight queries: the six of
    gap_analysis(), the group's assignments, and the interventions any group of the place carries."""
    analysis = gap_analysis(place=place, today=today)
    group_outcome_pks = [outcome.pk for outcome in group.ordered_outcomes]
    coverage_by_pk = {item.pk: item for item in analysis.outcomes}
    coverages = [coverage_by_pk[pk] for pk in group_outcome_pks if pk in coverage_by_pk]

    assignments = list(
        GroupAssignment.objects.filter(group=group, intervention__in=Intervention.objects.for_place(place).values("pk"))
        .select_related("intervention__lead_organisation", "assigned_by")
        .order_by(Lower("intervention__title"), "intervention__pk")
    )
    assigned_pks = {assignment.intervention_id for assignment in assignments}
    carried_by_a_group = set(GroupAssignment.objects.for_place(place).values_list("intervention_id", flat=True))

    links = {(link.pk, item.pk): link for item in coverages for link in item.interventions}
    return GroupDashboard(
        group=group,
        analysis=analysis,
        outcomes=tuple(_group_outcome(item, assigned_pks) for item in coverages),
        status_counts={status.value: sum(item.status == status for item in coverages) for status in Status},
        assigned=tuple(_assigned(assignment, coverages, links) for assignment in assignments),
        could_join=_could_join(coverages, links, exclude=carried_by_a_group),
    )


def _group_outcome(coverage: OutcomeCoverage, group_pks: set[int]) -> GroupOutcome:
    active = [
        link for link in coverage.interventions if link.pk in group_pks and link.status == Intervention.Status.ACTIVE
    ]
    return GroupOutcome(
        coverage=coverage,
        group_active_count=len(active),
        group_score=sum((link.score for link in active), ZERO_SCORE).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP),
        group_budget=sum((link.budget_attributed for link in active), ZERO_MONEY),
    )


def _assigned(assignment: GroupAssignment, coverages: list[OutcomeCoverage], links: dict) -> DashboardIntervention:
    intervention = assignment.intervention
    user = assignment.assigned_by
    return DashboardIntervention(
        pk=intervention.pk,
        reference=intervention.reference,
        title=intervention.title,
        level=intervention.level,
        status=intervention.status,
        lead_organisation=intervention.lead_organisation.name,
        is_national=intervention.is_shared_national,
        links=tuple(links.get((intervention.pk, item.pk)) for item in coverages),
        assigned_by=(user.get_full_name() or user.username) if user else "",
        assigned_at=assignment.assigned_at,
    )


def _could_join(
    coverages: list[OutcomeCoverage], links: dict, *, exclude: set[int]
) -> tuple[DashboardIntervention, ...]:
    """Interventions linked to any of the group's outcomes and carried by no group of the place,
    strongest first: total score on the group's outcomes, then the number of them reached, then title."""
    found: dict[int, ContributingIntervention] = {}
    for item in coverages:
        for link in item.interventions:
            if link.pk not in exclude:
                found.setdefault(link.pk, link)
    rows = [
        DashboardIntervention(
            pk=pk,
            reference=first.reference,
            title=first.title,
            level=first.level,
            status=first.status,
            lead_organisation=first.lead_organisation,
            is_national=first.is_national,
            links=tuple(links.get((pk, item.pk)) for item in coverages),
        )
        for pk, first in found.items()
    ]

    def strength(row: DashboardIntervention):
        reached = [link for link in row.links if link is not None]
        return (-sum((link.score for link in reached), ZERO_SCORE), -len(reached), row.title.lower(), row.pk)

    return tuple(sorted(rows, key=strength))


# --- The assignments export ----------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentRow:
    group: str
    reference: str
    title: str
    level: str
    status: str
    lead_organisation: str
    outcomes: tuple[tuple[str, str], ...]  # (outcome title, effectiveness label), by priority rank
    assigned_by: str
    assigned_at: datetime


def partnership_get_for_place(*, place: Place, pk: int) -> Partnership:
    return object_get_for_place(Partnership.objects.all(), place=place, pk=pk)


def partnership_assignments(*, place: Place, partnership: Partnership) -> list[AssignmentRow]:
    """Every assignment of every group of the partnership, by group then intervention title, with
    the outcomes of the place each intervention contributes to. Two queries."""
    of_partnership = GroupAssignment.objects.filter(
        group__partnership=partnership,
        group__partnership__place=place,
        intervention__in=Intervention.objects.for_place(place).values("pk"),
    )
    assignments = list(
        of_partnership.select_related("group", "intervention__lead_organisation", "assigned_by").order_by(
            Lower("group__name"), "group__pk", Lower("intervention__title"), "intervention__pk"
        )
    )
    outcomes: dict[int, list[tuple[str, str]]] = {}
    for row in (
        Contribution.objects.for_place(place)
        .filter(intervention__in=of_partnership.values("intervention_id"))
        .order_by("outcome__priority_rank", "outcome__title", "outcome__pk")
        .values("intervention_id", "outcome__title", "effectiveness")
    ):
        label = Contribution.Effectiveness(row["effectiveness"]).label
        outcomes.setdefault(row["intervention_id"], []).append((row["outcome__title"], label))
    return [
        AssignmentRow(
            group=assignment.group.name,
            reference=intervention_reference(assignment.intervention_id),
            title=assignment.intervention.title,
            level=assignment.intervention.get_level_display(),
            status=assignment.intervention.get_status_display(),
            lead_organisation=assignment.intervention.lead_organisation.name,
            outcomes=tuple(outcomes.get(assignment.intervention_id, ())),
            assigned_by=(
                (assignment.assigned_by.get_full_name() or assignment.assigned_by.username)
                if assignment.assigned_by
                else ""
            ),
            assigned_at=assignment.assigned_at,
        )
        for assignment in assignments
    ]
