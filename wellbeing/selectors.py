"""Reads that span models. Every place-scoped read takes a place that wellbeing.access resolved."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from wellbeing.access import object_get_for_place
from wellbeing.freshness import stale_before
from wellbeing.history import HISTORY_LIMIT, HistoryEntry, display_value, entries_for_records
from wellbeing.models import (
    NationalIndicator,
    NationalOutcome,
    Place,
    PlaceMembership,
    StrategicOutcome,
    StrategicPlan,
    WellbeingOutcome,
)
from wellbeing.models.npf import NPF_2018


def place_members(*, place: Place) -> QuerySet[PlaceMembership]:
    return (
        PlaceMembership.objects.filter(place=place)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def wellbeing_outcomes_for_place(*, place: Place) -> QuerySet[WellbeingOutcome]:
    return WellbeingOutcome.objects.for_place(place).prefetch_related(
        Prefetch("national_outcomes", queryset=NationalOutcome.objects.order_by("name")),
        Prefetch("national_indicators", queryset=NationalIndicator.objects.order_by("name")),
    )


def place_overview(*, place: Place) -> dict:
    """What the overview page shows: the place's outcomes, and its regions or member councils."""
    return {
        "outcomes": list(wellbeing_outcomes_for_place(place=place)),
        "member_councils": list(place.member_councils.order_by("name")) if place.is_region else [],
        "regions": [] if place.is_region else list(place.regions.order_by("name")),
    }


def npf_outcomes_with_indicators(*, framework_version: str = NPF_2018) -> QuerySet[NationalOutcome]:
    return (
        NationalOutcome.objects.filter(framework_version=framework_version)
        .order_by("name")
        .prefetch_related(Prefetch("indicators", queryset=NationalIndicator.objects.order_by("name")))
    )


def health_summary() -> dict:
    """A cheap database round trip for health checks."""
    return {"places": Place.objects.count()}


# --- Key wellbeing outcomes -----------------------------------------------------------------------
# The contributions of interventions are read through the reverse relation "contributions" (the
# interventions app's Contribution points at WellbeingOutcome), by name: wellbeing imports no app
# above it.


def outcome_list(*, place: Place) -> QuerySet[WellbeingOutcome]:
    """The place's outcomes with how many interventions contribute and how many assessments are stale."""
    cutoff = stale_before()
    return wellbeing_outcomes_for_place(place=place).annotate(
        contribution_count=Count("contributions", distinct=True),
        stale_count=Count(
            "contributions",
            filter=Q(contributions__assessed_on__isnull=True) | Q(contributions__assessed_on__lt=cutoff),
            distinct=True,
        ),
    )


def outcome_for_page(*, place: Place, pk: int) -> WellbeingOutcome:
    """One outcome of the place with its NPF links and every contribution to it, in four queries."""
    contributions = Prefetch(
        "contributions",
        queryset=WellbeingOutcome.contributions.rel.related_model.objects.select_related(
            "intervention__lead_organisation", "assessed_by"
        ).order_by("intervention__title"),
        to_attr="contribution_list",
    )
    return object_get_for_place(
        wellbeing_outcomes_for_place(place=place).prefetch_related(contributions), place=place, pk=pk
    )


OUTCOME_FIELDS = [
    ("title", "Title"),
    ("description", "Description"),
    ("priority_rank", "Priority"),
    ("drivers", "Drivers"),
]


def outcome_history(*, outcome: WellbeingOutcome) -> list[HistoryEntry]:
    """Who changed the outcome and its NPF links, newest first, in four queries."""
    records = (
        outcome.history.select_related("history_user")
        .prefetch_related(
            "historicalwellbeingoutcome_national_outcomes_set__nationaloutcome",
            "historicalwellbeingoutcome_national_indicators_set__nationalindicator",
        )
        .order_by("history_date", "history_id")
    )
    entries = entries_for_records(
        records,
        subject="Outcome",
        fields=OUTCOME_FIELDS,
        sets=lambda record: {
            "NPF national outcomes": {
                display_value(r, "nationaloutcome")
                for r in record.historicalwellbeingoutcome_national_outcomes_set.all()
            },
            "NPF national indicators": {
                display_value(r, "nationalindicator")
                for r in record.historicalwellbeingoutcome_national_indicators_set.all()
            },
        },
    )
    return list(reversed(entries))[:HISTORY_LIMIT]


# --- Strategic plans and their outcomes -----------------------------------------------------------


def _strategic_outcomes_prefetch(place: Place) -> Prefetch:
    """A plan's outcomes with the wellbeing outcomes they embed (only the place's, whatever the
    table holds) and the NPF outcomes they serve: three queries whatever the number of plans."""
    return Prefetch(
        "outcomes",
        queryset=StrategicOutcome.objects.order_by("pk").prefetch_related(
            Prefetch(
                "wellbeing_outcomes",
                queryset=WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title"),
            ),
            Prefetch("national_outcomes", queryset=NationalOutcome.objects.order_by("name")),
        ),
    )


def plan_list(*, place: Place) -> QuerySet[StrategicPlan]:
    """The place's plans, newest first, each with its outcomes and their links, in four queries."""
    return StrategicPlan.objects.for_place(place).prefetch_related(_strategic_outcomes_prefetch(place))


def plan_for_page(*, place: Place, pk: int) -> StrategicPlan:
    return object_get_for_place(plan_list(place=place), place=place, pk=pk)


def strategic_outcome_get(*, plan: StrategicPlan, pk: int) -> StrategicOutcome:
    """One outcome of this plan, or 404 — also for another plan's or another place's outcome."""
    outcome = StrategicOutcome.objects.filter(plan=plan, pk=pk).select_related("plan__place").first()
    if outcome is None:
        raise Http404("No such strategic outcome in this plan.")
    return outcome


PLAN_FIELDS = [
    ("title", "Title"),
    ("kind", "Kind of plan"),
    ("status", "Status"),
    ("period_start", "First year"),
    ("period_end", "Last year"),
    ("description", "Description"),
    ("link", "Web address"),
]
STRATEGIC_OUTCOME_FIELDS = [("title", "Title"), ("description", "Description")]


def plan_history(*, plan: StrategicPlan) -> list[HistoryEntry]:
    """Who changed the plan and its outcomes (with their links), newest first, in six queries."""
    entries = entries_for_records(
        plan.history.select_related("history_user").order_by("history_date", "history_id"),
        subject="Plan",
        fields=PLAN_FIELDS,
    )
    records = (
        StrategicOutcome.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .prefetch_related(
            "historicalstrategicoutcome_wellbeing_outcomes_set__wellbeingoutcome",
            "historicalstrategicoutcome_national_outcomes_set__nationaloutcome",
        )
        .order_by("history_date", "history_id")
    )
    by_outcome: dict[int, list] = {}
    for record in records:
        by_outcome.setdefault(record.id, []).append(record)
    for outcome_records in by_outcome.values():
        entries += entries_for_records(
            outcome_records,
            subject=f"Strategic outcome ‘{outcome_records[-1].title}’",
            fields=STRATEGIC_OUTCOME_FIELDS,
            sets=lambda record: {
                "Wellbeing outcomes": {
                    display_value(r, "wellbeingoutcome")
                    for r in record.historicalstrategicoutcome_wellbeing_outcomes_set.all()
                },
                "NPF national outcomes": {
                    display_value(r, "nationaloutcome")
                    for r in record.historicalstrategicoutcome_national_outcomes_set.all()
                },
            },
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LIMIT]
