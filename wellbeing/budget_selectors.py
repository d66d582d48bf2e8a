"""Reads for budget lines and the wellbeing budget, always scoped to a place, in a fixed number of
queries whatever the number of lines: the sums are SQL aggregates, never a loop over rows."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from wellbeing.access import object_get_for_place
from wellbeing.history import HISTORY_LIMIT, HistoryEntry, entries_for_records
from wellbeing.models import BudgetLine, BudgetShare, Place, WellbeingOutcome

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=24, decimal_places=6)
PERCENT = DecimalField(max_digits=7, decimal_places=2)


def pounds(value) -> Decimal:
    """A sum from the database to the penny (SQLite adds decimals as floats)."""
    return Decimal(value or 0).quantize(PENNY, rounding=ROUND_HALF_UP)


def _tagged_percent() -> Coalesce:
    shares = BudgetShare.objects.filter(line=OuterRef("pk")).order_by().values("line").annotate(total=Sum("percent"))
    return Coalesce(Subquery(shares.values("total"), output_field=PERCENT), Value(Decimal("0")), output_field=PERCENT)


# --- The register ---------------------------------------------------------------------------------


def budget_register_queryset(*, place: Place) -> QuerySet[BudgetLine]:
    """The place's lines, each with the percentage tagged to outcomes (a subquery, so filtering on
    shares never duplicates rows) and its shares with their outcomes (one prefetch query)."""
    shares = Prefetch(
        "shares", queryset=BudgetShare.objects.for_place(place).select_related("outcome"), to_attr="share_list"
    )
    return (
        BudgetLine.objects.for_place(place)
        .annotate(tagged_percent=_tagged_percent())
        .prefetch_related(shares)
        .order_by("-financial_year", "service", "cost_centre", "pk")
    )


def budget_years(*, place: Place) -> list[str]:
    """The financial years the place has lines in, newest first (one query)."""
    return list(
        BudgetLine.objects.for_place(place)
        .order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .distinct()
    )


def budget_line_for_page(*, place: Place, pk: int) -> BudgetLine:
    """One line of the place with its shares (this place's outcomes only), in two queries."""
    shares = Prefetch(
        "shares", queryset=BudgetShare.objects.for_place(place).select_related("outcome"), to_attr="share_list"
    )
    return object_get_for_place(
        BudgetLine.objects.annotate(tagged_percent=_tagged_percent()).prefetch_related(shares), place=place, pk=pk
    )


def budget_line_for_edit(*, place: Place, pk: int) -> BudgetLine:
    return object_get_for_place(BudgetLine.objects.all(), place=place, pk=pk)


LINE_FIELDS = [
    ("service", "Service"),
    ("cost_centre", "Cost centre"),
    ("financial_year", "Financial year"),
    ("kind", "Kind"),
    ("amount_gbp", "Amount (£)"),
    ("description", "Description"),
]
SHARE_FIELDS = [("percent", "Share (%)")]


def budget_line_history(*, line: BudgetLine) -> list[HistoryEntry]:
    """Who changed the line and its shares, newest first, in two queries."""
    records = (
        BudgetLine.history.filter(id=line.pk).select_related("history_user").order_by("history_date", "history_id")
    )
    entries = entries_for_records(records, subject="Budget line", fields=LINE_FIELDS)
    share_records = list(
        BudgetShare.history.filter(line_id=line.pk, outcome__place_id=line.place_id)
        .select_related("history_user", "outcome")
        .order_by("id", "history_date", "history_id")
    )
    for _, group in groupby(share_records, key=lambda record: record.id):
        group = list(group)
        entries += entries_for_records(group, subject=f"Share for ‘{group[-1].outcome.title}’", fields=SHARE_FIELDS)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LIMIT]


# --- The wellbeing budget -------------------------------------------------------------------------


def _share_spend() -> ExpressionWrapper:
    """A share's spend: the line's amount × the share's percentage ÷ 100 (from BudgetShare)."""
    return ExpressionWrapper(F("line__amount_gbp") * F("percent") / Value(Decimal("100")), output_field=MONEY)


@dataclass(frozen=True)
class OutcomeSpend:
    outcome: WellbeingOutcome
    by_year: tuple[Decimal, ...]  # in the order of WellbeingBudget.years
    total: Decimal


@dataclass(frozen=True)
class YearTotals:
    year: str
    lines: int
    budget: Decimal  # every line of the year
    tagged: Decimal  # the sum of the outcomes' spend in the year
    untagged: Decimal  # budget − tagged: what no share covers

    @property
    def tagged_percent(self) -> Decimal | None:
        return (self.tagged * 100 / self.budget).quantize(Decimal("0.1")) if self.budget else None


@dataclass(frozen=True)
class WellbeingBudget:
    place: Place
    years: tuple[str, ...]  # oldest first, as a chart's axis reads
    all_years: tuple[str, ...]  # every year the place has lines in, newest first (for the year filter)
    outcomes: tuple[OutcomeSpend, ...]  # by priority rank
    totals: tuple[YearTotals, ...]  # in the order of years

    @property
    def has_lines(self) -> bool:
        return any(total.lines for total in self.totals)


def wellbeing_budget(place: Place, years: list[str] | None = None) -> WellbeingBudget:
    """Spend on each priority outcome by financial year (the sum over its shares of the line's
    amount × the share's percentage ÷ 100), and each year's untagged spend (the part of its lines
    no share covers). Three queries whatever the number of lines: the outcomes, the shares' spend
    grouped by outcome and year, the lines' totals grouped by year."""
    outcomes = list(WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title", "pk"))
    share_rows = BudgetShare.objects.for_place(place)
    line_rows = BudgetLine.objects.for_place(place)
    if years:
        share_rows = share_rows.filter(line__financial_year__in=years)
        line_rows = line_rows.filter(financial_year__in=years)
    spend = {
        (row["outcome_id"], row["line__financial_year"]): pounds(row["spend"])
        for row in share_rows.order_by()
        .values("outcome_id", "line__financial_year")
        .annotate(spend=Sum(_share_spend()))
    }
    year_rows = {
        row["financial_year"]: row
        for row in line_rows.order_by().values("financial_year").annotate(lines=Count("pk"), budget=Sum("amount_gbp"))
    }
    all_years = tuple(sorted(year_rows, reverse=True))
    shown = tuple(sorted(year_rows))
    rows = []
    tagged_by_year: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for outcome in outcomes:
        by_year = tuple(spend.get((outcome.pk, year), ZERO) for year in shown)
        for year, amount in zip(shown, by_year, strict=True):
            tagged_by_year[year] += amount
        rows.append(OutcomeSpend(outcome=outcome, by_year=by_year, total=sum(by_year, ZERO)))
    totals = []
    for year in shown:
        budget = pounds(year_rows[year]["budget"])
        tagged = tagged_by_year[year]
        totals.append(YearTotals(year, year_rows[year]["lines"], budget, tagged, budget - tagged))
    return WellbeingBudget(place=place, years=shown, all_years=all_years, outcomes=tuple(rows), totals=tuple(totals))


# --- Tagged spend for the gap analysis (interventions reads it; wellbeing never imports it) -------


@dataclass(frozen=True)
class TaggedSpend:
    """A place's spend tagged to each of its outcomes in its latest financial year."""

    year: str | None  # the latest financial year the place has budget lines in; None without lines
    by_outcome: dict[int, Decimal]


def latest_tagged_spend(*, places: list[Place]) -> dict[int, TaggedSpend]:
    """For each place (by pk), the spend tagged to each outcome in the latest financial year it
    has budget lines in. One query for any number of places: the lines of each place's latest year
    (a correlated subquery), left-joined to their shares of the place's own outcomes, grouped by
    place, year and outcome. A line with no share gives a row without an outcome, so the year is
    known even when nothing in it is tagged."""
    latest = BudgetLine.objects.filter(place=OuterRef("place")).order_by("-financial_year").values("financial_year")[:1]
    rows = (
        BudgetLine.objects.filter(place__in=places, financial_year=Subquery(latest))
        .order_by()
        .values("place_id", "financial_year", "shares__outcome_id")
        .annotate(
            spend=Sum(
                ExpressionWrapper(F("amount_gbp") * F("shares__percent") / Value(Decimal("100")), output_field=MONEY)
            )
        )
    )
    found = {place.pk: TaggedSpend(year=None, by_outcome={}) for place in places}
    for row in rows:
        spend = found[row["place_id"]]
        if spend.year is None:
            found[row["place_id"]] = spend = TaggedSpend(year=row["financial_year"], by_outcome=spend.by_outcome)
        if row["shares__outcome_id"] is not None:
            spend.by_outcome[row["shares__outcome_id"]] = pounds(row["spend"])
    return found
