"""The gap analysis: how well a place's priority outcomes are covered by the work it sees.

The rules live here and nowhere else; COVERAGE_FORMULA says them in words for the page and the
exports, built from the same constants so the words cannot drift from the arithmetic. Six queries
at most, whatever the size of the place: its outcomes, their NPF outcomes, their NPF indicators, the
delivery groups focusing on them, one values() query over the contributions, and one over the budget
tagged to the outcomes (read through wellbeing.budget_selectors); the rest is plain Python over
those rows.

The delivery groups covering an outcome are the place's groups that focus on it (DeliveryGroup.outcomes),
whatever the filters: a group takes an outcome on whether or not its interventions are counted.

Tagged spend is the place's budget in its latest financial year (the latest year it has budget lines
in), tagged to each outcome: amount × share ÷ 100 summed over the year's lines. One year, not all
years added up, because a budget recurs: adding 2024/25 to 2025/26 would count the same service
twice. The intervention filters do not narrow it (a budget line is not an intervention).
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db.models import F, Prefetch, Q, QuerySet, TextChoices
from django.db.models.functions import Lower
from django.utils import timezone

from interventions.models import Contribution, Intervention, intervention_reference
from partnerships.models import DeliveryGroup
from wellbeing.budget_selectors import TaggedSpend, latest_tagged_spend
from wellbeing.models import Place, WellbeingOutcome

STRENGTH_WEIGHTS = {"primary": 3, "secondary": 2, "enabling": 1}
EFFECTIVENESS_WEIGHTS = {
    "strong": Decimal("1"),
    "moderate": Decimal("0.6"),
    "limited": Decimal("0.3"),
    "unknown": Decimal("0.2"),
}
# Coverage score at or above which an outcome with known-effective primary/secondary work is "strong".
STRONG_SCORE = Decimal("6")

# Effectiveness that is worth building on, strongest first (also the order for "best effectiveness").
EFFECTIVENESS_ORDER = ("strong", "moderate", "limited", "unknown")
BUILD_ON_EFFECTIVENESS = frozenset({"strong", "moderate"})
PILOT_KINDS = frozenset({Intervention.Kind.PROJECT, Intervention.Kind.PROGRAMME})
REASON_ENDS_SOON = "Ends within the horizon"
REASON_PILOT = "Local pilot that could be scaled"

SCORE_PLACES = Decimal("0.1")
SHARE_PLACES = Decimal("0.1")
PENNY = Decimal("0.01")
ZERO_SCORE = Decimal("0.0")
ZERO_MONEY = Decimal("0.00")


def _weights_in_words(weights: dict[str, int] | dict[str, Decimal]) -> str:
    return ", ".join(f"{name} {weight}" for name, weight in weights.items())


COVERAGE_FORMULA = (
    "Each link between an intervention and a priority outcome scores its strength weight times its "
    f"effectiveness weight. Strength weights: {_weights_in_words(STRENGTH_WEIGHTS)}. "
    f"Effectiveness weights: {_weights_in_words(EFFECTIVENESS_WEIGHTS)}. "
    "For example, a primary link of moderate effectiveness scores "
    f"{STRENGTH_WEIGHTS['primary']} × {EFFECTIVENESS_WEIGHTS['moderate']} = "
    f"{STRENGTH_WEIGHTS['primary'] * EFFECTIVENESS_WEIGHTS['moderate']}. "
    "Only active interventions score: planned, paused and completed ones are listed but score 0. "
    "An outcome's coverage score is the total of its links' scores. "
    "Its status is: gap when no active intervention contributes to it; "
    "thin when active interventions contribute but every active link is enabling or of unknown "
    f"effectiveness; strong when it is not thin and its score is {STRONG_SCORE} or more; "
    "covered otherwise. "
    "An intervention's budget is shared out across the priority outcomes it contributes to in this "
    "place in proportion to the strength weights; an outcome's budget is the total of the shares of "
    "its active interventions."
)


class Status(TextChoices):
    GAP = "gap", "Gap"
    THIN = "thin", "Thin"
    COVERED = "covered", "Covered"
    STRONG = "strong", "Strong"


# Outcomes whose tagged spend counts as "going to gaps" (GapAnalysis.spend_to_gaps_share).
SPEND_GAP_STATUSES = frozenset({Status.GAP, Status.THIN})
NO_SPEND = TaggedSpend(year=None, by_outcome={})


@dataclass(frozen=True)
class ContributingIntervention:
    """One intervention's link to one outcome, as the analysis sees it."""

    pk: int
    reference: str
    title: str
    kind: str
    level: str
    status: str
    lead_organisation: str
    is_national: bool  # a shared national intervention (recorded centrally, no place of its own)
    strength: str
    effectiveness: str
    score: Decimal
    budget_attributed: Decimal


@dataclass(frozen=True)
class CoveringGroup:
    """A delivery group of the place that focuses on an outcome."""

    pk: int
    name: str
    partnership: str


@dataclass(frozen=True)
class OutcomeCoverage:
    pk: int
    priority_rank: int
    title: str
    interventions: tuple[ContributingIntervention, ...]  # any status, strongest score first, then title
    active_count: int
    score: Decimal
    budget_attributed: Decimal  # active interventions only
    status: Status
    national_outcomes: tuple[str, ...]
    national_indicators: tuple[str, ...]
    tagged_spend: Decimal = ZERO_MONEY  # the place's budget tagged to it in spend_year (GapAnalysis)
    delivery_groups: tuple[CoveringGroup, ...] = ()  # the place's groups focusing on it, by name


@dataclass(frozen=True)
class RankedIntervention:
    """An active intervention that reaches one or more priority outcomes ("shift the dial")."""

    pk: int
    reference: str
    title: str
    level: str
    status: str
    lead_organisation: str
    outcome_count: int
    score: Decimal
    outcomes: tuple[str, ...]  # by priority rank


@dataclass(frozen=True)
class BuildOn:
    """Effective work that ends soon (to extend) or a local pilot (to scale)."""

    pk: int
    reference: str
    title: str
    level: str
    status: str
    lead_organisation: str
    end_date: date | None
    reason: str
    best_effectiveness: str


@dataclass(frozen=True)
class GapAnalysis:
    place_pk: int
    place_name: str
    computed_on: date
    horizon_months: int
    outcomes: tuple[OutcomeCoverage, ...]  # by priority rank, then title
    shift_the_dial: tuple[RankedIntervention, ...]  # outcome count desc, score desc, title
    build_on: tuple[BuildOn, ...]  # end date (none last), then title
    gaps: tuple[OutcomeCoverage, ...]  # the same objects as in outcomes
    status_counts: dict[str, int]
    spend_year: str | None = None  # the financial year of the tagged spend; None without budget lines
    # Of all the spend tagged to the place's outcomes in spend_year, the percentage going to outcomes
    # whose status is gap or thin (one decimal place); None when no spend is tagged.
    spend_to_gaps_share: Decimal | None = None


def contribution_score(*, strength: str, effectiveness: str, status: str) -> Decimal:
    """Only active work scores: planned, paused and completed work is listed, not counted."""
    if status != Intervention.Status.ACTIVE:
        return ZERO_SCORE
    return _ACTIVE_SCORES[strength, effectiveness]


# Every (strength, effectiveness) pair's score, worked out once rather than for each of thousands of links.
_ACTIVE_SCORES = {
    (strength, effectiveness): (strength_weight * effectiveness_weight).quantize(SCORE_PLACES)
    for strength, strength_weight in STRENGTH_WEIGHTS.items()
    for effectiveness, effectiveness_weight in EFFECTIVENESS_WEIGHTS.items()
}


def outcome_status(*, active: list[ContributingIntervention], score: Decimal) -> Status:
    """Thin is checked before strong, so many weak links never add up to a strong outcome."""
    if not active:
        return Status.GAP
    if all(
        c.strength == Contribution.Strength.ENABLING or c.effectiveness == Contribution.Effectiveness.UNKNOWN
        for c in active
    ):
        return Status.THIN
    return Status.STRONG if score >= STRONG_SCORE else Status.COVERED


def budget_shares(budget: Decimal | None, weights: list[int]) -> list[Decimal]:
    """Split a budget in proportion to weights. Shares are rounded down to the penny and the last
    takes the remainder, so they add up exactly to the budget and none is ever negative."""
    budget = (budget or ZERO_MONEY).quantize(PENNY)
    total = sum(weights)
    shares = [(budget * weight / total).quantize(PENNY, rounding=ROUND_DOWN) for weight in weights[:-1]]
    return [*shares, budget - sum(shares, ZERO_MONEY)] if weights else []


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


CONTRIBUTION_FIELDS = (
    "outcome_id",
    "strength",
    "effectiveness",
    "intervention_id",
    "intervention__place_id",
    "intervention__title",
    "intervention__kind",
    "intervention__level",
    "intervention__status",
    "intervention__end_date",
    "intervention__budget_gbp",
    "intervention__lead_organisation__name",
)


def _contribution_rows(*, place: Place, interventions: QuerySet[Intervention] | None) -> list[dict]:
    """One query: the place's links to its own outcomes from interventions it sees (the visibility
    rule is applied again, so a filter built on a wider queryset never lets another place's work in)."""
    rows = Contribution.objects.for_place(place).filter(
        intervention__in=Intervention.objects.for_place(place).values("pk")
    )
    if interventions is not None:
        rows = rows.filter(intervention__in=interventions.values("pk"))
    return list(rows.order_by().values(*CONTRIBUTION_FIELDS))


def _outcomes(places: list[Place]) -> list[WellbeingOutcome]:
    groups = (
        DeliveryGroup.objects.filter(partnership__place__in=places)
        .select_related("partnership")
        .only("pk", "name", "partnership__name")
        .order_by(Lower("name"), "pk")
    )
    return list(
        WellbeingOutcome.objects.filter(place__in=places)
        .prefetch_related(
            "national_outcomes",
            "national_indicators",
            Prefetch("delivery_groups", queryset=groups, to_attr="covering_groups"),
        )
        .order_by("priority_rank", "title", "pk")
    )


def gap_analysis(
    *,
    place: Place,
    interventions: QuerySet[Intervention] | None = None,
    today: date | None = None,
    horizon_months: int = 12,
) -> GapAnalysis:
    """Coverage of every priority outcome of the place by the given interventions (default: all it
    sees), with the work that reaches most outcomes and the effective work worth building on."""
    outcomes = _outcomes([place])
    rows = _contribution_rows(place=place, interventions=interventions) if outcomes else []
    spend = latest_tagged_spend(places=[place])[place.pk] if outcomes else NO_SPEND
    return _analysis(place, outcomes, rows, spend, today=today or timezone.localdate(), horizon_months=horizon_months)


def gap_analyses(*, places: list[Place], today: date | None = None, horizon_months: int = 12) -> list[GapAnalysis]:
    """The unfiltered analysis of several places at once (a region's members), in the same 6 queries
    as one place: each place's links from its own interventions and the shared national ones."""
    outcomes = _outcomes(places)
    rows = (
        list(
            Contribution.objects.filter(outcome__place__in=places)
            .filter(
                Q(intervention__place__isnull=True, intervention__level=Intervention.Level.NATIONAL)
                | Q(intervention__place=F("outcome__place"))
            )
            .order_by()
            .values("outcome__place_id", *CONTRIBUTION_FIELDS)
        )
        if outcomes
        else []
    )
    outcomes_of, rows_of = defaultdict(list), defaultdict(list)
    for outcome in outcomes:
        outcomes_of[outcome.place_id].append(outcome)
    for row in rows:
        rows_of[row["outcome__place_id"]].append(row)
    spend = latest_tagged_spend(places=places) if outcomes else {}
    today = today or timezone.localdate()
    return [
        _analysis(
            place,
            outcomes_of[place.pk],
            rows_of[place.pk],
            spend.get(place.pk, NO_SPEND),
            today=today,
            horizon_months=horizon_months,
        )
        for place in places
    ]


def _analysis(
    place: Place,
    outcomes: list[WellbeingOutcome],
    rows: list[dict],
    spend: TaggedSpend,
    *,
    today: date,
    horizon_months: int,
) -> GapAnalysis:
    """The analysis from a place's outcomes (in priority order) and its contribution rows."""
    # Rows in outcome order, so each intervention's last budget share goes to its lowest-priority outcome.
    position = {outcome.pk: index for index, outcome in enumerate(outcomes)}
    rows = [row for row in rows if row["outcome_id"] in position]  # an outcome added between the queries
    rows.sort(key=lambda row: (position[row["outcome_id"]], row["intervention_id"]))
    rows_by_intervention: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        rows_by_intervention[row["intervention_id"]].append(row)

    links_by_outcome: dict[int, list[ContributingIntervention]] = defaultdict(list)
    for pk, links in rows_by_intervention.items():
        shares = budget_shares(links[0]["intervention__budget_gbp"], [STRENGTH_WEIGHTS[r["strength"]] for r in links])
        reference = intervention_reference(pk)
        for row, share in zip(links, shares, strict=True):
            links_by_outcome[row["outcome_id"]].append(
                ContributingIntervention(
                    pk=pk,
                    reference=reference,
                    title=row["intervention__title"],
                    kind=row["intervention__kind"],
                    level=row["intervention__level"],
                    status=row["intervention__status"],
                    lead_organisation=row["intervention__lead_organisation__name"],
                    is_national=row["intervention__place_id"] is None,
                    strength=row["strength"],
                    effectiveness=row["effectiveness"],
                    score=contribution_score(
                        strength=row["strength"],
                        effectiveness=row["effectiveness"],
                        status=row["intervention__status"],
                    ),
                    budget_attributed=share,
                )
            )

    coverage = tuple(
        _outcome_coverage(outcome, links_by_outcome[outcome.pk], spend.by_outcome.get(outcome.pk, ZERO_MONEY))
        for outcome in outcomes
    )
    return GapAnalysis(
        place_pk=place.pk,
        place_name=place.name,
        computed_on=today,
        horizon_months=horizon_months,
        outcomes=coverage,
        shift_the_dial=_shift_the_dial(coverage),
        build_on=_build_on(rows_by_intervention, today=today, horizon_end=add_months(today, horizon_months)),
        gaps=tuple(item for item in coverage if item.status == Status.GAP),
        status_counts={status.value: sum(item.status == status for item in coverage) for status in Status},
        spend_year=spend.year,
        spend_to_gaps_share=spend_to_gaps_share(coverage),
    )


def spend_sentence(analysis: GapAnalysis) -> str:
    """The tagged spend in words, for the page and the reports."""
    if analysis.spend_year is None:
        return "No budget lines are recorded, so no spend is tagged to these outcomes."
    if analysis.spend_to_gaps_share is None:
        return f"None of the {analysis.spend_year} budget is tagged to these outcomes."
    total = sum((item.tagged_spend for item in analysis.outcomes), ZERO_MONEY)
    return (
        f"Of the {analysis.spend_year} budget tagged to priority outcomes (£{total:,.2f}), "
        f"{analysis.spend_to_gaps_share}% goes to outcomes whose status is gap or thin."
    )


def spend_to_gaps_share(coverage: tuple[OutcomeCoverage, ...]) -> Decimal | None:
    """The percentage of the tagged spend that goes to gap or thin outcomes; None when none is tagged."""
    total = sum((item.tagged_spend for item in coverage), ZERO_MONEY)
    if not total:
        return None
    to_gaps = sum((item.tagged_spend for item in coverage if item.status in SPEND_GAP_STATUSES), ZERO_MONEY)
    return (to_gaps * 100 / total).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


def _is_active(link: ContributingIntervention) -> bool:
    return link.status == Intervention.Status.ACTIVE


def _outcome_coverage(
    outcome: WellbeingOutcome, links: list[ContributingIntervention], tagged_spend: Decimal
) -> OutcomeCoverage:
    active = [link for link in links if _is_active(link)]
    score = sum((link.score for link in active), ZERO_SCORE).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)
    return OutcomeCoverage(
        pk=outcome.pk,
        priority_rank=outcome.priority_rank,
        title=outcome.title,
        interventions=tuple(sorted(links, key=lambda link: (-link.score, link.title, link.pk))),
        active_count=len(active),
        score=score,
        budget_attributed=sum((link.budget_attributed for link in active), ZERO_MONEY),
        status=outcome_status(active=active, score=score),
        national_outcomes=tuple(national.name for national in outcome.national_outcomes.all()),
        national_indicators=tuple(indicator.name for indicator in outcome.national_indicators.all()),
        tagged_spend=tagged_spend,
        delivery_groups=tuple(
            CoveringGroup(pk=group.pk, name=group.name, partnership=group.partnership.name)
            for group in outcome.covering_groups
        ),
    )


def _shift_the_dial(coverage: tuple[OutcomeCoverage, ...]) -> tuple[RankedIntervention, ...]:
    """Active work ranked by how many priority outcomes it reaches, then by how well."""
    reached: dict[int, list[tuple[OutcomeCoverage, ContributingIntervention]]] = defaultdict(list)
    for outcome in coverage:  # already in priority order
        for link in outcome.interventions:
            if _is_active(link):
                reached[link.pk].append((outcome, link))
    ranked = []
    for pk, pairs in reached.items():
        link = pairs[0][1]
        ranked.append(
            RankedIntervention(
                pk=pk,
                reference=link.reference,
                title=link.title,
                level=link.level,
                status=link.status,
                lead_organisation=link.lead_organisation,
                outcome_count=len(pairs),
                score=sum((each.score for _, each in pairs), ZERO_SCORE).quantize(SCORE_PLACES),
                outcomes=tuple(outcome.title for outcome, _ in pairs),
            )
        )
    ranked.sort(key=lambda item: (-item.outcome_count, -item.score, item.title, item.pk))
    return tuple(ranked)


def _build_on(rows_by_intervention: dict[int, list[dict]], *, today: date, horizon_end: date) -> tuple[BuildOn, ...]:
    """Active work with evidence it works (a strong or moderate link) that either ends within the
    horizon (worth extending) or is a local project or programme (worth scaling)."""
    found = []
    for pk, links in rows_by_intervention.items():
        first = links[0]
        effectiveness = {row["effectiveness"] for row in links}
        if first["intervention__status"] != Intervention.Status.ACTIVE or not effectiveness & BUILD_ON_EFFECTIVENESS:
            continue
        end_date = first["intervention__end_date"]
        if end_date is not None and today <= end_date <= horizon_end:
            reason = REASON_ENDS_SOON
        elif first["intervention__level"] == Intervention.Level.LOCAL and first["intervention__kind"] in PILOT_KINDS:
            reason = REASON_PILOT
        else:
            continue
        found.append(
            BuildOn(
                pk=pk,
                reference=intervention_reference(pk),
                title=first["intervention__title"],
                level=first["intervention__level"],
                status=first["intervention__status"],
                lead_organisation=first["intervention__lead_organisation__name"],
                end_date=end_date,
                reason=reason,
                best_effectiveness=next(name for name in EFFECTIVENESS_ORDER if name in effectiveness),
            )
        )
    found.sort(key=lambda item: (item.end_date is None, item.end_date or today, item.title, item.pk))
    return tuple(found)
