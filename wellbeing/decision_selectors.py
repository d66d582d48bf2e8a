"""Reads for decision assessments, always scoped to a place, in a fixed number of queries."""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from wellbeing.access import object_get_for_place
from wellbeing.history import HISTORY_LIMIT, HistoryEntry, entries_for_records
from wellbeing.models import DecisionAssessment, OutcomeEffect, Place, WellbeingOutcome

Effect = OutcomeEffect.Effect
Decision = DecisionAssessment.Decision
# Decisions that go ahead. The summary counts these: a rejected or deferred proposal changes
# nothing for an outcome, whatever it would have done.
GOES_AHEAD = (Decision.APPROVED, Decision.APPROVED_WITH_CHANGES)


def _effect_count(effects: tuple[str, ...]) -> Coalesce:
    rows = OutcomeEffect.objects.filter(assessment=OuterRef("pk"), effect__in=effects)
    return Coalesce(
        Subquery(rows.order_by().values("assessment").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
        Value(0),
    )


def decision_register_queryset(*, place: Place) -> QuerySet[DecisionAssessment]:
    """The place's assessments with how many outcomes each helps and harms (subqueries, so a
    filter on effects never duplicates rows), newest first."""
    return (
        DecisionAssessment.objects.for_place(place)
        .select_related("owner")
        .annotate(
            helps_count=_effect_count(OutcomeEffect.HELPS),
            harms_count=_effect_count(OutcomeEffect.HARMS),
        )
        .order_by("-created_at", "-pk")
    )


def decision_years(*, place: Place) -> list[int]:
    """Years in which the place has decided something, and this year, newest first (one query)."""
    years = set(
        DecisionAssessment.objects.for_place(place)
        .filter(decision_date__isnull=False)
        .annotate(year=ExtractYear("decision_date"))
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def decision_for_page(*, place: Place, pk: int) -> DecisionAssessment:
    """One assessment of the place with its effects (this place's outcomes only), in two queries."""
    effects = Prefetch(
        "effects",
        queryset=OutcomeEffect.objects.for_place(place).select_related("outcome"),
        to_attr="effect_list",
    )
    return object_get_for_place(
        DecisionAssessment.objects.select_related("owner", "submitted_by", "decided_by").prefetch_related(effects),
        place=place,
        pk=pk,
    )


def decision_for_edit(*, place: Place, pk: int) -> DecisionAssessment:
    return object_get_for_place(DecisionAssessment.objects.all(), place=place, pk=pk)


# --- History --------------------------------------------------------------------------------------

ASSESSMENT_FIELDS = [
    ("title", "Proposal"),
    ("kind", "Kind"),
    ("description", "What is proposed"),
    ("owner", "Lead officer"),
    ("affected_groups", "Who is affected"),
    ("mitigations", "Mitigations"),
    ("status", "Status"),
    ("decision", "Decision"),
    ("decision_date", "Date of the decision"),
    ("decision_maker", "Who decided"),
    ("decision_notes", "Changes or conditions"),
]
EFFECT_FIELDS = [("effect", "Expected effect"), ("reason", "Why")]


def decision_history(*, assessment: DecisionAssessment) -> list[HistoryEntry]:
    """Who changed the assessment and its effects, newest first, in four queries."""
    records = (
        DecisionAssessment.history.filter(id=assessment.pk)
        .select_related("history_user", "owner")
        .order_by("history_date", "history_id")
    )
    entries = entries_for_records(records, subject="Assessment", fields=ASSESSMENT_FIELDS)
    effect_records = list(
        OutcomeEffect.history.filter(assessment_id=assessment.pk, outcome__place_id=assessment.place_id)
        .select_related("history_user", "outcome")
        .order_by("id", "history_date", "history_id")
    )
    for _, group in groupby(effect_records, key=lambda record: record.id):
        group = list(group)
        entries += entries_for_records(group, subject=f"Effect on ‘{group[-1].outcome.title}’", fields=EFFECT_FIELDS)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LIMIT]


# --- The summary ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    outcome: WellbeingOutcome
    helped: int
    harmed: int
    neutral_or_unknown: int


@dataclass(frozen=True)
class DecisionSummary:
    year: int
    rows: list[SummaryRow]
    decided: int  # every decision recorded in the year
    going_ahead: int  # approved, or approved with changes: the ones counted in the rows


def decision_summary(*, place: Place, year: int) -> DecisionSummary:
    """For each priority outcome, how many decisions of `year` (by decision date) that go ahead
    were expected to help it (positive or strong positive) or harm it (negative or strong
    negative). Two queries, whatever the number of outcomes or decisions."""
    in_year = Q(
        decision_effects__assessment__place=place,
        decision_effects__assessment__status=DecisionAssessment.Status.DECIDED,
        decision_effects__assessment__decision__in=GOES_AHEAD,
        decision_effects__assessment__decision_date__year=year,
    )
    outcomes = (
        WellbeingOutcome.objects.for_place(place)
        .annotate(
            helped=Count("decision_effects", filter=in_year & Q(decision_effects__effect__in=OutcomeEffect.HELPS)),
            harmed=Count("decision_effects", filter=in_year & Q(decision_effects__effect__in=OutcomeEffect.HARMS)),
            neutral_or_unknown=Count(
                "decision_effects",
                filter=in_year & Q(decision_effects__effect__in=(Effect.NEUTRAL, Effect.UNKNOWN)),
            ),
        )
        .order_by("priority_rank", "title")
    )
    totals = (
        DecisionAssessment.objects.for_place(place)
        .filter(status=DecisionAssessment.Status.DECIDED, decision_date__year=year)
        .aggregate(decided=Count("pk"), going_ahead=Count("pk", filter=Q(decision__in=GOES_AHEAD)))
    )
    return DecisionSummary(
        year=year,
        rows=[SummaryRow(o, o.helped, o.harmed, o.neutral_or_unknown) for o in outcomes],
        decided=totals["decided"],
        going_ahead=totals["going_ahead"],
    )
