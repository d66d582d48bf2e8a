"""Reads for the intervention map, always scoped to a place, in a fixed number of queries."""

from datetime import date
from itertools import groupby

from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from interventions.models import Contribution, Intervention
from wellbeing.access import object_get_for_place
from wellbeing.freshness import stale_before
from wellbeing.history import HISTORY_LIMIT, HistoryEntry, display_value, entries_for_records
from wellbeing.models import Place


def register_queryset(*, place: Place, today: date | None = None) -> QuerySet:
    """Every intervention the place sees, with what the register shows of its contributions to the
    place's outcomes, computed in SQL (subqueries, so filters on contributions never duplicate rows)."""
    contributions = Contribution.objects.filter(intervention=OuterRef("pk"), outcome__place=place)
    cutoff = stale_before(today)
    return (
        Intervention.objects.for_place(place)
        .select_related("lead_organisation", "owner")
        .annotate(
            outcome_count=Coalesce(
                Subquery(
                    contributions.order_by().values("intervention").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            oldest_assessment=Subquery(
                contributions.order_by().values("intervention").annotate(d=Min("assessed_on")).values("d")
            ),
            stale_count=Coalesce(
                Subquery(
                    contributions.filter(Q(assessed_on__isnull=True) | Q(assessed_on__lt=cutoff))
                    .order_by()
                    .values("intervention")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
    )


def intervention_for_page(*, place: Place, pk: int) -> Intervention:
    """One intervention the place sees (its own or a national one), with what its page shows."""
    queryset = Intervention.objects.select_related("lead_organisation", "owner", "place").prefetch_related(
        "partners",
        "cwb_pillars",
        Prefetch(
            "contributions",
            queryset=Contribution.objects.for_place(place).select_related("outcome", "assessed_by"),
            to_attr="place_contributions",
        ),
    )
    return object_get_for_place(queryset, place=place, pk=pk)


def intervention_for_edit(*, place: Place, pk: int) -> Intervention:
    """An intervention the place sees, for its edit page (a national one: its links to this place's
    outcomes only)."""
    return object_get_for_place(
        Intervention.objects.select_related("lead_organisation", "place").prefetch_related("partners", "cwb_pillars"),
        place=place,
        pk=pk,
    )


# --- History --------------------------------------------------------------------------------------

INTERVENTION_FIELDS = [
    ("title", "Title"),
    ("kind", "Kind"),
    ("level", "Level"),
    ("status", "Status"),
    ("lead_organisation", "Lead organisation"),
    ("owner", "Owner"),
    ("start_date", "Start date"),
    ("end_date", "End date"),
    ("budget_gbp", "Budget (£)"),
    ("funding_source", "Funding source"),
    ("description", "Description"),
    ("evidence_links", "Evidence links"),
]
CONTRIBUTION_FIELDS = [
    ("outcome", "Outcome"),
    ("strength", "Strength"),
    ("effectiveness", "Effectiveness"),
    ("basis", "Basis"),
    ("evidence_note", "Evidence note"),
    ("assessed_on", "Assessed on"),
]


def intervention_history(*, intervention: Intervention, place: Place) -> list[HistoryEntry]:
    """Who changed what, newest first: the intervention's own fields, partners and pillars, and its
    links to this place's outcomes (never another place's, for a shared national intervention).
    Six queries at most, however long the history."""
    records = (
        Intervention.history.filter(id=intervention.pk)
        .select_related("history_user", "lead_organisation", "owner")
        .prefetch_related(
            "historicalintervention_partners_set__organisation", "historicalintervention_cwb_pillars_set__cwbpillar"
        )
        .order_by("history_date", "history_id")
    )
    entries = entries_for_records(
        records,
        subject="Intervention",
        fields=INTERVENTION_FIELDS,
        sets=lambda record: {
            "Partner organisations": {
                display_value(r, "organisation") for r in record.historicalintervention_partners_set.all()
            },
            "CWB pillars": {display_value(r, "cwbpillar") for r in record.historicalintervention_cwb_pillars_set.all()},
        },
    )
    contribution_records = list(
        Contribution.history.filter(intervention_id=intervention.pk, outcome__place=place)
        .select_related("history_user", "outcome")
        .order_by("id", "history_date", "history_id")
    )
    for _, group in groupby(contribution_records, key=lambda record: record.id):
        group = list(group)
        entries += entries_for_records(
            group, subject=f"Link to ‘{group[-1].outcome.title}’", fields=CONTRIBUTION_FIELDS
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LIMIT]
