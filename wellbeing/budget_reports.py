"""The wellbeing budget as a chart (outcomes stacked by financial year, with the untagged spend on
top) and as a download (XLSX or CSV, written through wellbeing/spreadsheets.py, so formula-safe)."""

import plotly.graph_objects as go

from wellbeing.budget_selectors import WellbeingBudget
from wellbeing.charts import Chart, figure_json, layout, short_label
from wellbeing.models import BudgetLine
from wellbeing.spreadsheets import CONTENT_TYPES, CSV, XLSX, SheetData, write_csv, write_xlsx

UNTAGGED = "Untagged"
UNTAGGED_COLOUR = "#b1b4b6"
# GOV.UK colours for the outcomes, in priority order (repeated beyond ten outcomes).
OUTCOME_COLOURS = (
    "#1d70b8",
    "#00703c",
    "#4c2c92",
    "#f47738",
    "#28a197",
    "#d53880",
    "#912b88",
    "#85994b",
    "#003078",
    "#b58840",
)


def outcome_label(spend) -> str:
    return f"{spend.outcome.priority_rank}. {spend.outcome.title}"


def wellbeing_budget_chart(budget: WellbeingBudget) -> Chart | None:
    """A stacked bar for each financial year: each outcome's spend, then the untagged spend. None
    when the place has no budget lines."""
    if not budget.has_lines:
        return None
    years = list(budget.years)
    traces = [
        go.Bar(
            name=short_label(outcome_label(spend)),
            x=years,
            y=[float(amount) for amount in spend.by_year],
            customdata=[outcome_label(spend)] * len(years),
            hovertemplate="%{customdata}<br>%{x}: £%{y:,.0f}<extra></extra>",
            marker={"color": OUTCOME_COLOURS[index % len(OUTCOME_COLOURS)]},
        )
        for index, spend in enumerate(budget.outcomes)
        if any(spend.by_year)
    ]
    traces.append(
        go.Bar(
            name=UNTAGGED,
            x=years,
            y=[float(total.untagged) for total in budget.totals],
            hovertemplate="Untagged<br>%{x}: £%{y:,.0f}<extra></extra>",
            marker={"color": UNTAGGED_COLOUR},
        )
    )
    figure = go.Figure(
        traces,
        layout=layout(
            barmode="stack",
            height=420,
            margin={"l": 8, "r": 8, "t": 8, "b": 8},
            yaxis={"title": {"text": "£"}, "tickformat": ",.0f", "automargin": True},
            xaxis={"type": "category", "automargin": True},
            legend={"orientation": "h", "y": -0.15},
        ),
    )
    # Whole pounds in the chart's table (its cells show decimals to one place); the page's tables have pence.
    rows = [(outcome_label(spend), *(round(amount) for amount in spend.by_year)) for spend in budget.outcomes]
    rows.append((UNTAGGED, *(round(total.untagged) for total in budget.totals)))
    return Chart(
        id="chart-wellbeing-budget",
        title="Spend on each priority outcome by financial year",
        summary=(
            "Each bar is a financial year's budget: its coloured parts are the spend tagged to each priority "
            "outcome, the grey part at the top is the spend tagged to no outcome. Amounts are in pounds."
        ),
        figure=figure_json(figure),
        columns=("Outcome", *(f"{year} (£)" for year in years)),
        rows=tuple(rows),
    )


# --- Exports --------------------------------------------------------------------------------------

CSV_HEADERS = ("Financial year", "Priority rank", "Outcome", "Spend (£)")
YEAR_HEADERS = ("Financial year", "Budget lines", "Total budget (£)", "Tagged to outcomes (£)", "Untagged (£)")
LINE_HEADERS = (
    "Financial year",
    "Service",
    "Cost centre",
    "Kind",
    "Amount (£)",
    "Tagged (%)",
    "Untagged (£)",
    "Shares",
    "Description",
)


def _line_row(line: BudgetLine) -> tuple:
    tagged = line.tagged_percent
    return (
        line.financial_year,
        line.service,
        line.cost_centre,
        line.get_kind_display(),
        line.amount_gbp,
        tagged,
        line.untagged_gbp,
        "; ".join(f"{share.outcome.title}: {share.percent}%" for share in line.share_list),
        line.description,
    )


def wellbeing_budget_export(budget: WellbeingBudget, lines, *, file_format: str) -> tuple[bytes, str, str]:
    """(content, content type, file name). XLSX: spend by outcome (a column per year), the years'
    totals, and every budget line with its shares. CSV: one row per year and outcome, then one per
    year for the untagged spend, a shape that pivots easily."""
    filename = f"wellbeing-budget-{budget.place.slug}.{file_format}"
    years = budget.years
    if file_format == XLSX:
        outcome_rows = [
            (spend.outcome.priority_rank, spend.outcome.title, *spend.by_year, spend.total) for spend in budget.outcomes
        ]
        outcome_rows.append(
            ("", UNTAGGED, *(t.untagged for t in budget.totals), sum(t.untagged for t in budget.totals))
        )
        content = write_xlsx(
            [
                SheetData(
                    "Spend by outcome",
                    ("Priority rank", "Outcome", *(f"{year} (£)" for year in years), "All years (£)"),
                    outcome_rows,
                    widths=(12, 50, *(16 for _ in years), 16),
                ),
                SheetData(
                    "Years",
                    YEAR_HEADERS,
                    [(t.year, t.lines, t.budget, t.tagged, t.untagged) for t in budget.totals],
                    widths=(14, 14, 18, 22, 16),
                ),
                SheetData(
                    "Budget lines",
                    LINE_HEADERS,
                    [_line_row(line) for line in lines],
                    widths=(14, 30, 14, 10, 16, 12, 16, 60, 50),
                ),
            ]
        )
    elif file_format == CSV:
        rows = [
            (year, spend.outcome.priority_rank, spend.outcome.title, amount)
            for spend in budget.outcomes
            for year, amount in zip(years, spend.by_year, strict=True)
        ]
        rows += [(total.year, "", UNTAGGED, total.untagged) for total in budget.totals]
        content = write_csv(CSV_HEADERS, rows)
    else:
        raise ValueError(f"Unknown export format {file_format!r}.")
    return content, CONTENT_TYPES[file_format], filename
