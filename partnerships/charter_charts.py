"""A charter's progress charts, each with the table of the same numbers (wellbeing/charts.py):
signatories over time (the running total by month) and, for each commitment, how many signatories
meet it."""

from decimal import Decimal

import plotly.graph_objects as go

from partnerships.charter_selectors import CharterProgress
from wellbeing.charts import Chart, figure_json, layout, short_label

BLUE = "#1d70b8"  # GOV.UK blue
GREEN = "#0f7a52"  # GOV.UK green


def month_label(month) -> str:
    return month.strftime("%B %Y")


def signatories_over_time(progress: CharterProgress) -> Chart | None:
    """The number of signatories at the end of each month, from the first signature to today.
    None when no one has signed."""
    months = progress.months
    if not months:
        return None
    # A column for each month (a category axis: a date axis pads a lone month with empty ones).
    keys = [m.month.isoformat() for m in months]
    step = -(-len(months) // 12)  # at most 12 month labels, so they never overlap
    figure = go.Figure(
        go.Bar(
            x=keys,
            y=[m.total for m in months],
            customdata=[[month_label(m.month), m.signed] for m in months],
            marker={"color": BLUE},
            hovertemplate="%{customdata[0]}: %{y} in total (%{customdata[1]} signed that month)<extra></extra>",
        ),
        layout=layout(
            height=320,
            bargap=0.15,
            xaxis={
                "type": "category",
                "tickvals": keys[::step],
                "ticktext": [m.month.strftime("%b %Y") for m in months[::step]],
                "automargin": True,
            },
            yaxis={
                "title": {"text": "Signatories in total"},
                "rangemode": "tozero",
                "tickformat": ",d",
                "dtick": max(1, -(-progress.signatory_count // 8)),
                "automargin": True,
            },
            showlegend=False,
        ),
    )
    return Chart(
        id="chart-signatories",
        title="Signatories over time",
        summary=(
            "A column for each month, as tall as the number of organisations that had signed by its end, "
            f"from {month_label(months[0].month)} to {month_label(months[-1].month)}."
        ),
        figure=figure_json(figure),
        columns=("Month", "Signed that month", "Signatories in total"),
        rows=tuple((month_label(m.month), m.signed, m.total) for m in months),
    )


def commitments_met(progress: CharterProgress) -> Chart | None:
    """A bar for each commitment, as long as the number of signatories meeting it. None when the
    charter has no commitments."""
    commitments = progress.commitments
    if not commitments:
        return None
    # One category per commitment, keyed by its id (two wordings may begin alike and would merge).
    keys = [f"commitment-{c.pk}" for c in commitments]
    labels = [f"{number}. {short_label(c.title, 28)}" for number, c in enumerate(commitments, start=1)]
    figure = go.Figure(
        go.Bar(
            x=[c.met_count for c in commitments],
            y=keys,
            customdata=[c.title for c in commitments],
            orientation="h",
            marker={"color": GREEN},
            text=[str(c.met_count) for c in commitments],
            textposition="auto",
            hovertemplate="%{customdata}: %{x} signatories<extra></extra>",
        ),
        layout=layout(
            height=max(200, 40 * len(commitments) + 70),
            yaxis={"autorange": "reversed", "automargin": True, "tickvals": keys, "ticktext": labels},
            xaxis={
                "title": {"text": f"Signatories meeting it (of {progress.signatory_count})"},
                "range": [0, max(1, progress.signatory_count)],
                "tickformat": ",d",
                "dtick": max(1, -(-progress.signatory_count // 8)),
                "automargin": True,
            },
            showlegend=False,
        ),
    )
    total = progress.signatory_count
    return Chart(
        id="chart-commitments",
        title="Commitments met",
        summary=f"A bar for each commitment, as long as the number of the {total} signatories that meet it.",
        figure=figure_json(figure),
        columns=("Commitment", "Signatories meeting it", "Share of signatories (%)"),
        rows=tuple(
            (
                f"{number}. {c.title}",
                c.met_count,
                "—" if not total else (Decimal(100) * c.met_count / total).quantize(Decimal("0.1")),
            )
            for number, c in enumerate(commitments, start=1)
        ),
    )
