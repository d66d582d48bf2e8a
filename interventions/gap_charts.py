"""The gap analysis's charts, built with Plotly from a GapAnalysis, each with the table that shows
the same numbers (the chart is an aid; the table is the content, for screen readers and print).

Figures go to the page as JSON data blocks (`json_script`), drawn by static/js/charts.js: no
inline script, so the strict CSP holds.
"""

from collections import defaultdict
from decimal import Decimal

import plotly.graph_objects as go

from interventions.gap_analysis import GapAnalysis, Status
from interventions.models import Intervention
from wellbeing.charts import Chart, short_label
from wellbeing.charts import figure_json as _figure_json
from wellbeing.charts import layout as _layout

# Beyond this many contributing interventions the heatmap and the Sankey group them by kind and
# level, so the charts stay readable (the tables keep every number).
MAX_INTERVENTIONS_SHOWN = 25

# GOV.UK colours: red, orange, blue, green (status tags use the same).
STATUS_COLOURS = {
    Status.GAP: "#ca3535",
    Status.THIN: "#f47738",
    Status.COVERED: "#1d70b8",
    Status.STRONG: "#0f7a52",
}


def _short(text: str) -> str:
    return short_label(text)


def _outcome_axis(analysis: GapAnalysis) -> tuple[list[str], dict]:
    """The outcomes' axis: one category per outcome, keyed by its id, since two outcomes may share
    a rank and begin alike, and equal labels would merge into one bar; the cut titles are only the
    tick text. Returns (the categories, the axis settings)."""
    keys = [f"outcome-{o.pk}" for o in analysis.outcomes]
    labels = [f"{o.priority_rank}. {_short(o.title)}" for o in analysis.outcomes]
    return keys, {"autorange": "reversed", "automargin": True, "tickvals": keys, "ticktext": labels}


def coverage_bar(analysis: GapAnalysis) -> Chart:
    outcomes = analysis.outcomes
    keys, yaxis = _outcome_axis(analysis)
    figure = go.Figure(
        go.Bar(
            x=[float(o.score) for o in outcomes],
            y=keys,
            customdata=[o.title for o in outcomes],
            orientation="h",
            marker={"color": [STATUS_COLOURS[Status(o.status)] for o in outcomes]},
            text=[str(o.score) for o in outcomes],
            textposition="auto",
            hovertemplate="%{customdata}: %{x}<extra></extra>",
        ),
        layout=_layout(
            height=max(200, 40 * len(outcomes) + 60),
            yaxis=yaxis,
            xaxis={"title": {"text": "Coverage score"}, "rangemode": "tozero", "automargin": True},
        ),
    )
    return Chart(
        id="chart-coverage",
        title="Coverage score by outcome",
        summary="A bar for each priority outcome, as long as its coverage score and coloured by its status.",
        figure=_figure_json(figure),
        columns=("Outcome", "Status", "Coverage score"),
        rows=tuple((f"{o.priority_rank}. {o.title}", Status(o.status).label, o.score) for o in outcomes),
    )


def _group_label(kind: str, level: str) -> str:
    return f"{Intervention.Kind(kind).label} · {Intervention.Level(level).label}"


def _columns(analysis: GapAnalysis) -> tuple[list[str], dict[int, str], bool]:
    """The heatmap's and Sankey's intervention columns: each contributing intervention, or its kind
    and level when there are more than MAX_INTERVENTIONS_SHOWN. Returns (column labels in order,
    intervention pk → its column label, whether grouped)."""
    seen: dict[int, tuple[str, str, str, str]] = {}
    for outcome in analysis.outcomes:
        for link in outcome.interventions:
            seen.setdefault(link.pk, (link.reference, link.title, link.kind, link.level))
    grouped = len(seen) > MAX_INTERVENTIONS_SHOWN
    column_of = {}
    for pk, (reference, title, kind, level) in seen.items():
        column_of[pk] = _group_label(kind, level) if grouped else f"{reference} {title}"
    if grouped:
        order = sorted(set(column_of.values()))
    else:
        ranked = [item.pk for item in analysis.shift_the_dial]
        ranked_set = set(ranked)
        rest = sorted(pk for pk in seen if pk not in ranked_set)
        order = [column_of[pk] for pk in [*ranked, *rest] if pk in column_of]
    return order, column_of, grouped


def heatmap(analysis: GapAnalysis) -> Chart:
    columns, column_of, grouped = _columns(analysis)
    scores: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for outcome in analysis.outcomes:
        for link in outcome.interventions:
            scores[(outcome.pk, column_of[link.pk])] += link.score
    matrix = [[scores.get((o.pk, column), Decimal(0)) for column in columns] for o in analysis.outcomes]
    keys, yaxis = _outcome_axis(analysis)
    figure = go.Figure(
        go.Heatmap(
            z=[[float(value) for value in row] for row in matrix],
            x=[_short(column) for column in columns],
            y=keys,
            customdata=[[o.title] * len(columns) for o in analysis.outcomes],
            colorscale="Blues",
            hovertemplate="%{customdata} × %{x}: %{z}<extra></extra>",
            # No colour bar: Plotly draws it with a style attribute, which our CSP refuses; the
            # summary says darker is higher, and the table gives every number.
            showscale=False,
            xgap=1,
            ygap=1,
        ),
        layout=_layout(
            height=max(240, 36 * len(analysis.outcomes) + 180),
            yaxis=yaxis,
            xaxis={"tickangle": -45, "automargin": True},
        ),
    )
    what = "kind and level of intervention" if grouped else "intervention"
    return Chart(
        id="chart-heatmap",
        title=f"Scores by outcome and by {what}",
        summary=(
            f"A grid of priority outcomes (rows) by {what} (columns); the darker a cell, the higher the "
            "coverage score that column gives that outcome."
        ),
        figure=_figure_json(figure),
        columns=("Outcome", *columns),
        rows=tuple((f"{o.priority_rank}. {o.title}", *row) for o, row in zip(analysis.outcomes, matrix, strict=True)),
    )


def sankey(analysis: GapAnalysis) -> Chart:
    """Interventions (or their kinds) → wellbeing outcomes → NPF national outcomes, by the score of
    active work; an outcome's score is shared equally among the NPF outcomes it is linked to."""
    _, column_of, _ = _columns(analysis)
    flows: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for outcome in analysis.outcomes:
        target = f"{outcome.priority_rank}. {outcome.title}"
        for link in outcome.interventions:
            if link.score:
                flows[(column_of[link.pk], target)] += link.score
        if outcome.score and outcome.national_outcomes:
            share = (outcome.score / len(outcome.national_outcomes)).quantize(Decimal("0.01"))
            for national in outcome.national_outcomes:
                flows[(target, f"NPF: {national}")] += share
    nodes: list[str] = []
    index: dict[str, int] = {}
    for source, target in flows:
        for name in (source, target):
            if name not in index:
                index[name] = len(nodes)
                nodes.append(name)
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": [_short(name) for name in nodes],
                "pad": 12,
                "thickness": 14,
                "color": "#1d70b8",
                "line": {"color": "#0b0c0c", "width": 0.5},
            },
            link={
                "source": [index[source] for source, _ in flows],
                "target": [index[target] for _, target in flows],
                "value": [float(value) for value in flows.values()],
                "color": "rgba(29, 112, 184, 0.25)",
            },
        ),
        layout=_layout(height=max(320, 22 * len(nodes) + 60)),
    )
    return Chart(
        id="chart-sankey",
        title="From interventions through wellbeing outcomes to the National Performance Framework",
        summary=(
            "Each band is a flow of coverage score: from interventions to the priority outcomes they serve, "
            "and on to the NPF national outcomes those priorities are linked to."
        ),
        figure=_figure_json(figure),
        columns=("From", "To", "Score"),
        rows=tuple((source, target, value) for (source, target), value in flows.items()),
    )


def gap_charts(analysis: GapAnalysis) -> list[Chart]:
    if not analysis.outcomes:
        return []
    return [coverage_bar(analysis), heatmap(analysis), sankey(analysis)]
