"""Is the dial shifting? The trend of a place's local indicators, and the reads and charts that show it.

The rule lives here and nowhere else: `indicator_trend` applies it, TREND_RULE says it in words
for the pages. It follows the NPF's way of rating its national indicators: compare the last two
data points, and call the change improving or worsening only when it is at least the indicator's
threshold ("criteria for change"), as a percentage of the earlier value.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

import plotly.graph_objects as go
from django.db.models import F, Prefetch, TextChoices, Window
from django.db.models.functions import RowNumber

from wellbeing.charts import Chart, figure_json, layout
from wellbeing.history import HISTORY_LIMIT, HistoryEntry, entries_for_records
from wellbeing.models import LocalIndicator, Observation, Place, WellbeingOutcome
from wellbeing.models.indicators import DEFAULT_THRESHOLD


class Trend(TextChoices):
    IMPROVING = "improving", "Improving"
    MAINTAINING = "maintaining", "Maintaining"
    WORSENING = "worsening", "Worsening"
    NOT_ENOUGH_DATA = "not_enough_data", "Not enough data"


TREND_ORDER = (Trend.IMPROVING, Trend.MAINTAINING, Trend.WORSENING, Trend.NOT_ENOUGH_DATA)

TREND_RULE = (
    "The trend compares an indicator's latest observation with the one before it (by date). "
    "The change is worked out as a percentage of the earlier value: (latest − previous) ÷ the size of "
    "previous × 100, so a value going from −10 to −5 is a rise of 50%. "
    f"If the change is at least the indicator's threshold for change ({DEFAULT_THRESHOLD}% unless the "
    "indicator says otherwise) in the direction the indicator should move, it is improving; at least the threshold "
    "the other way, worsening; smaller than the threshold, or no change at all, maintaining. "
    "If the earlier value is 0, a percentage cannot be worked out: then any change at all counts as "
    "improving or worsening, by its direction. "
    "With fewer than two observations there is not enough data to say."
)


class Point(Protocol):
    date: date
    value: Decimal


def percent_change(previous: Decimal, latest: Decimal) -> Decimal | None:
    """The change from `previous` to `latest` as a percentage of the size of `previous`; None when
    `previous` is 0 (no percentage of 0 exists)."""
    if previous == 0:
        return None
    return (latest - previous) * 100 / abs(previous)


def indicator_trend(
    observations: Iterable[Point], *, direction: str, threshold_percent: Decimal = DEFAULT_THRESHOLD
) -> Trend:
    """Improving, maintaining, worsening or not enough data, from the last two observations by
    date (TREND_RULE says it in words). Two observations on one date are refused: the database
    allows one observation per indicator and date, so the order of the last two is never a guess."""
    ordered = sorted(observations, key=lambda point: point.date)
    if len(ordered) < 2:
        return Trend.NOT_ENOUGH_DATA
    previous, latest = ordered[-2], ordered[-1]
    if previous.date == latest.date:
        raise ValueError(f"Two observations on {latest.date}: an indicator has one observation a date.")
    change = Decimal(latest.value) - Decimal(previous.value)
    if change == 0:
        return Trend.MAINTAINING
    percent = percent_change(Decimal(previous.value), Decimal(latest.value))
    if percent is not None and abs(percent) < Decimal(threshold_percent):
        return Trend.MAINTAINING
    rising = change > 0
    better = rising if direction == LocalIndicator.Direction.INCREASE else not rising
    return Trend.IMPROVING if better else Trend.WORSENING


# --- The outcome page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSummary:
    """One indicator as the outcome page shows it."""

    indicator: LocalIndicator
    observations: list[Observation]  # oldest first
    trend: Trend
    change_percent: Decimal | None  # latest against previous, when both exist and previous is not 0
    chart: Chart | None

    @property
    def latest(self) -> Observation | None:
        return self.observations[-1] if self.observations else None

    @property
    def previous(self) -> Observation | None:
        return self.observations[-2] if len(self.observations) > 1 else None


def indicators_for_outcome(*, outcome: WellbeingOutcome) -> list[IndicatorSummary]:
    """The outcome's indicators with their trends and charts, in two queries whatever their number:
    the indicators (with their NPF indicator) and all their observations."""
    indicators = (
        LocalIndicator.objects.filter(outcome=outcome)
        .select_related("national_indicator")
        .prefetch_related(
            Prefetch("observations", queryset=Observation.objects.order_by("date"), to_attr="observation_list")
        )
        .order_by("name")
    )
    return [_summary(indicator, indicator.observation_list) for indicator in indicators]


def _summary(indicator: LocalIndicator, observations: list[Observation]) -> IndicatorSummary:
    trend = indicator_trend(observations, direction=indicator.direction, threshold_percent=indicator.threshold_percent)
    change = percent_change(observations[-2].value, observations[-1].value) if len(observations) > 1 else None
    return IndicatorSummary(
        indicator=indicator,
        observations=observations,
        trend=trend,
        change_percent=change,
        chart=indicator_chart(indicator, observations),
    )


INDICATOR_FIELDS = [
    ("name", "Name"),
    ("unit", "Unit"),
    ("direction", "Which way is better"),
    ("national_indicator", "NPF national indicator"),
    ("baseline_value", "Baseline value"),
    ("baseline_date", "Baseline date"),
    ("target_value", "Target value"),
    ("target_date", "Target date"),
    ("threshold_percent", "Threshold for change (%)"),
    ("source_note", "Source"),
]
OBSERVATION_FIELDS = [("date", "Date"), ("value", "Value"), ("note", "Note")]


def indicator_history(*, outcome: WellbeingOutcome) -> list[HistoryEntry]:
    """Who changed the outcome's indicators and their observations, newest first, in three queries
    whatever their number: the indicators' records, their NPF indicators, the observations' records."""
    records = (
        LocalIndicator.history.filter(outcome_id=outcome.pk)
        .select_related("history_user", "national_indicator")
        .order_by("history_date", "history_id")
    )
    by_indicator: dict[int, list] = {}
    for record in records:
        by_indicator.setdefault(record.id, []).append(record)
    names = {pk: indicator_records[-1].name for pk, indicator_records in by_indicator.items()}
    entries: list[HistoryEntry] = []
    for indicator_records in by_indicator.values():
        subject = f"Indicator ‘{indicator_records[-1].name}’"
        entries += entries_for_records(indicator_records, subject=subject, fields=INDICATOR_FIELDS)
    observations = (
        Observation.history.filter(indicator_id__in=list(names))
        .select_related("history_user")
        .order_by("history_date", "history_id")
        if names
        else []
    )
    by_observation: dict[int, list] = {}
    for record in observations:
        by_observation.setdefault(record.id, []).append(record)
    for observation_records in by_observation.values():
        subject = f"Observation of ‘{names[observation_records[-1].indicator_id]}’"
        entries += entries_for_records(observation_records, subject=subject, fields=OBSERVATION_FIELDS)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LIMIT]


# --- The alignment page ---------------------------------------------------------------------------


def trend_counts_for_place(*, place: Place) -> dict[int, Counter]:
    """Outcome id → how many of its indicators are improving, maintaining … , in two queries
    whatever the size: the place's indicators, and the last two observations of each (a window
    function numbers each indicator's observations from the newest)."""
    indicators = list(
        LocalIndicator.objects.for_place(place).values_list("pk", "outcome_id", "direction", "threshold_percent")
    )
    latest_two = (
        Observation.objects.for_place(place)
        .annotate(newest_first=Window(RowNumber(), partition_by=[F("indicator_id")], order_by=F("date").desc()))
        .filter(newest_first__lte=2)
        .only("indicator_id", "date", "value")
    )
    by_indicator: dict[int, list[Observation]] = {}
    for observation in latest_two:
        by_indicator.setdefault(observation.indicator_id, []).append(observation)
    counts: dict[int, Counter] = {}
    for pk, outcome_id, direction, threshold in indicators:
        trend = indicator_trend(by_indicator.get(pk, []), direction=direction, threshold_percent=threshold)
        counts.setdefault(outcome_id, Counter())[trend] += 1
    return counts


# --- Formatting and the chart ---------------------------------------------------------------------


def plain_number(value: Decimal) -> str:
    """A stored value as a person writes it: 63.4, 1,250, −2.5 (no trailing zeros)."""
    whole = value == value.to_integral_value()
    text = f"{value.quantize(Decimal(1)):,}" if whole else f"{value.normalize():,f}"
    return text.replace("-", "−")


def with_unit(value: Decimal, unit: str) -> str:
    """63.4%, £1,250, 1,250 people."""
    number = plain_number(value)
    if unit == "%":
        return f"{number}%"
    if unit in {"£", "$", "€"}:
        if value != value.to_integral_value():
            number = f"{value.quantize(Decimal('0.01')):,}".replace("-", "−")  # pence: £12.50
        return f"−{unit}{number[1:]}" if number.startswith("−") else f"{unit}{number}"
    return f"{number} {unit}".strip()


def _chart_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


OBSERVED_COLOUR = "#1d70b8"  # GOV.UK blue
TARGET_COLOUR = "#00703c"  # GOV.UK green


def _target_words(indicator: LocalIndicator) -> str:
    if indicator.target_value is None:
        return "; no target is set"
    if indicator.baseline_value is None:
        return ", with the target as a point"
    return ", with a dashed line from the baseline to the target"


def indicator_chart(indicator: LocalIndicator, observations: list[Observation]) -> Chart | None:
    """The observations as a line, and the target as a second series (a dashed line from the
    baseline to the target, or the target alone when there is no baseline). None when there is
    nothing to draw."""
    target_points: list[tuple[date, Decimal, str]] = []
    if indicator.target_value is not None:
        if indicator.baseline_value is not None:
            target_points.append((indicator.baseline_date, indicator.baseline_value, "Baseline"))
        target_points.append((indicator.target_date, indicator.target_value, "Target"))
    if not observations and not target_points:
        return None
    unit = indicator.unit
    data = [
        go.Scatter(
            x=[o.date.isoformat() for o in observations],
            y=[_chart_number(o.value) for o in observations],
            name="Observed",
            mode="lines+markers",
            line={"color": OBSERVED_COLOUR, "width": 3},
            marker={"size": 8},
            customdata=[with_unit(o.value, unit) for o in observations],
            hovertemplate="%{x|%-d %b %Y}: %{customdata}<extra>Observed</extra>",
        ),
    ]
    if target_points:
        data.append(
            go.Scatter(
                x=[when.isoformat() for when, _, _ in target_points],
                y=[_chart_number(value) for _, value, _ in target_points],
                name="Target",
                mode="lines+markers",
                line={"color": TARGET_COLOUR, "width": 2, "dash": "dash"},
                marker={"size": 8, "symbol": "diamond"},
                customdata=[f"{label}: {with_unit(value, unit)}" for _, value, label in target_points],
                hovertemplate="%{x|%-d %b %Y}: %{customdata}<extra></extra>",
            )
        )
    figure = go.Figure(
        data,
        layout=layout(
            height=260,
            margin={"l": 8, "r": 8, "t": 8, "b": 8},
            xaxis={"type": "date", "automargin": True, "gridcolor": "#f3f2f1"},
            yaxis={"title": {"text": unit}, "automargin": True, "gridcolor": "#f3f2f1", "zeroline": False},
            legend={"orientation": "h", "y": -0.2},
            showlegend=True,
        ),
    )
    rows = [(o.date, "Observed", _chart_number(o.value)) for o in observations]
    rows += [(when, label, _chart_number(value)) for when, value, label in target_points]
    rows.sort(key=lambda row: (row[0], row[1] != "Observed"))
    return Chart(
        id=f"chart-indicator-{indicator.pk}",
        title=f"{indicator.name}: observations and target",
        summary=f"The observed values ({unit}) over time{_target_words(indicator)}.",
        figure=figure_json(figure),
        columns=("Date", "Series", f"Value ({unit})"),
        rows=tuple((f"{when:%-d %b %Y}", label, value) for when, label, value in rows),
    )
