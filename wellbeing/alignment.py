"""Strategic alignment: how a place's strategic outcomes (LOIP, council plan, CWB action plan …)
embed its key wellbeing outcomes and serve the NPF national outcomes, and where they do not.

`alignment_for_place` reads everything in eight queries, whatever the number of plans and outcomes.
Only current plans count (draft or adopted); superseded plans are left out of the matrix, the
flags and the chart. Three flags show misalignment:

- priority wellbeing outcomes embedded in no strategic outcome;
- strategic outcomes tied to no NPF national outcome;
- NPF national outcomes that no strategic outcome of a current plan serves (a wellbeing outcome's
  own NPF links do not count: the question is whether the place's plans reach the outcome).
"""

from collections import Counter
from dataclasses import dataclass, field

import plotly.graph_objects as go
from django.db.models import Prefetch

from wellbeing.charts import Chart, figure_json, layout, short_label
from wellbeing.indicators import TREND_ORDER, Trend, trend_counts_for_place
from wellbeing.models import NationalOutcome, Place, StrategicOutcome, StrategicPlan, WellbeingOutcome
from wellbeing.models.npf import NPF_2018
from wellbeing.spreadsheets import CONTENT_TYPES, CSV, XLSX, SheetData, write_csv, write_xlsx


@dataclass
class MatrixRow:
    """One strategic outcome of a current plan, with what it embeds and serves."""

    outcome: StrategicOutcome
    plan: StrategicPlan
    wellbeing_outcomes: list[WellbeingOutcome]
    national_outcomes: list[NationalOutcome]


@dataclass
class Embedding:
    """One key wellbeing outcome, with the strategic outcomes that embed it and how many of its local
    indicators are improving, maintaining, worsening or without enough data."""

    outcome: WellbeingOutcome
    strategic_outcomes: list[MatrixRow] = field(default_factory=list)
    trends: Counter = field(default_factory=Counter)

    @property
    def trend_counts(self) -> list[tuple[Trend, int]]:
        """The trends its indicators have, in TREND_ORDER, with how many; none when it has no indicators."""
        return [(trend, self.trends[trend]) for trend in TREND_ORDER if self.trends[trend]]


@dataclass
class Alignment:
    place: Place
    plans: list[StrategicPlan]  # current: draft or adopted
    superseded_plans: list[StrategicPlan]
    rows: list[MatrixRow]
    embeddings: list[Embedding]  # every key wellbeing outcome, in priority order
    national_outcomes: list[NationalOutcome]  # every NPF outcome of the framework
    unembedded: list[WellbeingOutcome]
    unlinked: list[MatrixRow]
    unreached: list[NationalOutcome]

    @property
    def flag_count(self) -> int:
        return len(self.unembedded) + len(self.unlinked) + len(self.unreached)


def alignment_for_place(*, place: Place, framework_version: str = NPF_2018) -> Alignment:
    """The place's alignment in eight queries: plans; their outcomes; those outcomes' wellbeing
    outcomes; their NPF outcomes; the place's wellbeing outcomes; the NPF outcomes; the place's
    local indicators and the last two observations of each (wellbeing.indicators)."""
    plans = list(
        StrategicPlan.objects.for_place(place)
        .order_by("-period_start", "title")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=StrategicOutcome.objects.order_by("pk").prefetch_related(
                    Prefetch(
                        "wellbeing_outcomes",
                        queryset=WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title"),
                    ),
                    Prefetch(
                        "national_outcomes",
                        queryset=NationalOutcome.objects.filter(framework_version=framework_version).order_by("name"),
                    ),
                ),
            )
        )
    )
    wellbeing = list(WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title"))
    national = list(NationalOutcome.objects.filter(framework_version=framework_version).order_by("name"))

    current = [plan for plan in plans if plan.is_current]
    rows = [
        MatrixRow(
            outcome=outcome,
            plan=plan,
            wellbeing_outcomes=list(outcome.wellbeing_outcomes.all()),
            national_outcomes=list(outcome.national_outcomes.all()),
        )
        for plan in current
        for outcome in plan.outcomes.all()
    ]
    trends = trend_counts_for_place(place=place)
    embeddings = {outcome.pk: Embedding(outcome, trends=trends.get(outcome.pk, Counter())) for outcome in wellbeing}
    reached: set[int] = set()
    for row in rows:
        for outcome in row.wellbeing_outcomes:
            embeddings[outcome.pk].strategic_outcomes.append(row)
        reached.update(national_outcome.pk for national_outcome in row.national_outcomes)
    return Alignment(
        place=place,
        plans=current,
        superseded_plans=[plan for plan in plans if not plan.is_current],
        rows=rows,
        embeddings=list(embeddings.values()),
        national_outcomes=national,
        unembedded=[e.outcome for e in embeddings.values() if not e.strategic_outcomes],
        unlinked=[row for row in rows if not row.national_outcomes],
        unreached=[outcome for outcome in national if outcome.pk not in reached],
    )


# --- The chart ------------------------------------------------------------------------------------

NPF_COLOUR = "#00703c"  # GOV.UK green
STRATEGIC_COLOUR = "#1d70b8"  # GOV.UK blue
WELLBEING_COLOUR = "#4c2c92"  # GOV.UK purple


def _wellbeing_label(outcome: WellbeingOutcome) -> str:
    return f"{outcome.priority_rank}. {outcome.title}"


COLUMNS = {"npf": 0.001, "strategic": 0.5, "wellbeing": 0.999}


def _positions(kinds: list[str]) -> tuple[list[float], list[float]]:
    """Each node in its own column (left, middle, right), spread down it in order: without this a
    strategic outcome that serves no NPF outcome would be drawn in the NPF column."""
    x, y = [], []
    totals = {kind: kinds.count(kind) for kind in COLUMNS}
    seen = dict.fromkeys(COLUMNS, 0)
    for kind in kinds:
        x.append(COLUMNS[kind])
        y.append(round((seen[kind] + 0.5) / totals[kind], 4))
        seen[kind] += 1
    return x, y


def alignment_sankey(alignment: Alignment) -> Chart | None:
    """NPF national outcomes → strategic outcomes → key wellbeing outcomes: one unit of flow for
    each link. None when there is nothing to draw."""
    nodes: list[tuple[str, str, str]] = []  # (kind, full name, colour)
    index: dict[tuple[str, int], int] = {}

    def node(kind: str, pk: int, name: str, colour: str) -> int:
        if (kind, pk) not in index:
            index[(kind, pk)] = len(nodes)
            nodes.append((kind, name, colour))
        return index[(kind, pk)]

    flows: list[tuple[int, int]] = []
    rows: list[tuple[str, str, str]] = []
    for row in alignment.rows:
        strategic = f"{row.outcome.title} ({row.plan.title})"
        for national in row.national_outcomes:
            source = node("npf", national.pk, f"NPF: {national.name}", NPF_COLOUR)
            flows.append((source, node("strategic", row.outcome.pk, strategic, STRATEGIC_COLOUR)))
            rows.append((f"NPF: {national.name}", strategic, "served by"))
        for wellbeing in row.wellbeing_outcomes:
            source = node("strategic", row.outcome.pk, strategic, STRATEGIC_COLOUR)
            flows.append((source, node("wellbeing", wellbeing.pk, _wellbeing_label(wellbeing), WELLBEING_COLOUR)))
            rows.append((strategic, _wellbeing_label(wellbeing), "embeds"))
    if not flows:
        return None
    x, y = _positions([kind for kind, _, _ in nodes])
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [short_label(name) for _, name, _ in nodes],
                "customdata": [name for _, name, _ in nodes],
                "hovertemplate": "%{customdata}<extra></extra>",
                "x": x,
                "y": y,
                "pad": 12,
                "thickness": 14,
                "color": [colour for _, _, colour in nodes],
                "line": {"color": "#0b0c0c", "width": 0.5},
            },
            link={
                "source": [source for source, _ in flows],
                "target": [target for _, target in flows],
                "value": [1] * len(flows),
                "color": "rgba(29, 112, 184, 0.25)",
            },
        ),
        layout=layout(height=max(320, 22 * len(nodes) + 60)),
    )
    return Chart(
        id="chart-alignment",
        title="From the NPF through strategic outcomes to key wellbeing outcomes",
        summary=(
            "On the left the NPF national outcomes (green) that strategic outcomes serve, in the middle the "
            "strategic outcomes (blue), on the right the key wellbeing outcomes (purple) they embed; each band "
            "is one link."
        ),
        figure=figure_json(figure),
        columns=("From", "To", "Link"),
        rows=tuple(rows),
    )


# --- Exports --------------------------------------------------------------------------------------

MATRIX_HEADERS = (
    "Plan",
    "Kind of plan",
    "Plan status",
    "Period",
    "Strategic outcome",
    "Key wellbeing outcomes embedded",
    "NPF national outcomes served",
)
FLAG_HEADERS = ("Flag", "Name", "Plan", "Detail")
FLAG_UNEMBEDDED = "Priority outcome embedded in no strategic outcome"
FLAG_UNLINKED = "Strategic outcome tied to no NPF national outcome"
FLAG_UNREACHED = "NPF national outcome no current plan reaches"


def _names(items) -> str:
    return "; ".join(str(item) for item in items)


def _matrix_row(row: MatrixRow) -> tuple:
    return (
        row.plan.title,
        row.plan.get_kind_display(),
        row.plan.get_status_display(),
        row.plan.period,
        row.outcome.title,
        "; ".join(_wellbeing_label(outcome) for outcome in row.wellbeing_outcomes),
        _names(row.national_outcomes),
    )


def _flag_rows(alignment: Alignment) -> list[tuple]:
    rows = [
        (FLAG_UNEMBEDDED, _wellbeing_label(outcome), "", f"Priority {outcome.priority_rank}")
        for outcome in alignment.unembedded
    ]
    rows += [
        (FLAG_UNLINKED, row.outcome.title, row.plan.title, "Embeds: " + (_names(row.wellbeing_outcomes) or "nothing"))
        for row in alignment.unlinked
    ]
    rows += [(FLAG_UNREACHED, outcome.name, "", outcome.statement) for outcome in alignment.unreached]
    return rows


def alignment_export(alignment: Alignment, *, file_format: str) -> tuple[bytes, str, str]:
    """The matrix and the flags as (content, content type, file name). XLSX has a sheet for each;
    CSV puts the flags under the matrix, each row saying which it is in its first column."""
    filename = f"alignment-{alignment.place.slug}.{file_format}"
    matrix = [_matrix_row(row) for row in alignment.rows]
    if file_format == XLSX:
        content = write_xlsx(
            [
                SheetData("Alignment matrix", MATRIX_HEADERS, matrix, widths=(40, 24, 12, 12, 50, 50, 50)),
                SheetData("Flags", FLAG_HEADERS, _flag_rows(alignment), widths=(48, 50, 40, 60)),
            ]
        )
    elif file_format == CSV:
        # Each flagged thing sits in the column it belongs to.
        blank_plan = ("", "", "", "", "")
        rows = [("Strategic outcome", *row) for row in matrix]
        rows += [(FLAG_UNEMBEDDED, *blank_plan, _wellbeing_label(o), "") for o in alignment.unembedded]
        rows += [(FLAG_UNLINKED, *_matrix_row(row)) for row in alignment.unlinked]
        rows += [(FLAG_UNREACHED, *blank_plan, "", outcome.name) for outcome in alignment.unreached]
        content = write_csv(("Row", *MATRIX_HEADERS), rows)
    else:
        raise ValueError(f"Unknown export format {file_format!r}.")
    return content, CONTENT_TYPES[file_format], filename
