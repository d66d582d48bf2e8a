"""Charts for every app: a Plotly figure with the table that shows the same numbers (the chart is an
aid; the table is the content, for screen readers and print).

Figures go to the page as JSON data blocks (`json_script`) through templates/components/chart.html,
drawn by static/js/charts.js: no inline script, so the strict CSP holds.
"""

import json
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif", "size": 14}
# Axis and node labels are cut to this length so the plot keeps its width on a 320 px screen; the
# tables carry the full names.
LABEL_LENGTH = 20


@dataclass(frozen=True)
class Chart:
    """One chart: its id on the page, a sentence saying what it shows, the figure (a dict of
    Plotly JSON) and its table: column headings and rows of cells."""

    id: str
    title: str
    summary: str
    figure: dict
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"


def short_label(text: str, length: int = LABEL_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def figure_json(figure: go.Figure) -> dict:
    """Plain JSON types, ready for json_script, with every text of the traces made literal."""
    data = json.loads(plotly.io.to_json(figure, validate=False))
    data["data"] = [_literal(trace) for trace in data.get("data", [])]
    return data


def _literal(value, key: str = ""):
    """Plotly draws a subset of HTML in labels and hover text (<b>, <br>, <a href>), so a title
    such as '<a href="https://…">' would become a link in the chart. Its own entities (&lt;, &gt;,
    &amp;) show the characters instead. Templates (hovertemplate) are ours and keep their markup."""
    if isinstance(value, str):
        return value if key.endswith("template") else plotly_literal(value)
    if isinstance(value, list):
        return [_literal(item, key) for item in value]
    if isinstance(value, dict):
        return {name: _literal(item, name) for name, item in value.items()}
    return value


def plotly_literal(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def layout(**extra) -> dict:
    return {
        "font": FONT,
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        **extra,
    }
