"""The picture of a partnership: a Sankey diagram of its organisations → its delivery groups → the
wellbeing outcomes the groups focus on, with a table of the same links (wellbeing/charts.py).

Each band is one link and carries one unit of flow: an organisation that leads or sits on a group,
or an outcome a group focuses on. An organisation that both leads and sits on a group is one link
("leads"). The table is built from the same list of links as the figure, so the two always agree.
"""

from dataclasses import dataclass

import plotly.graph_objects as go

from partnerships.models import DeliveryGroup, Organisation
from wellbeing.charts import Chart, figure_json, layout, short_label
from wellbeing.models import WellbeingOutcome

ORGANISATION_COLOUR = "#00703c"  # GOV.UK green
GROUP_COLOUR = "#1d70b8"  # GOV.UK blue
OUTCOME_COLOUR = "#4c2c92"  # GOV.UK purple
COLUMNS = {"organisation": 0.001, "group": 0.5, "outcome": 0.999}

LEADS = "leads"
MEMBER_OF = "sits on"
FOCUSES_ON = "focuses on"


def outcome_label(outcome: WellbeingOutcome) -> str:
    return f"{outcome.priority_rank}. {outcome.title}"


@dataclass(frozen=True)
class PictureLink:
    """One band of the picture: from an organisation to a group, or from a group to an outcome."""

    source: Organisation | DeliveryGroup
    target: DeliveryGroup | WellbeingOutcome
    relation: str

    @property
    def source_name(self) -> str:
        return self.source.name

    @property
    def target_name(self) -> str:
        return outcome_label(self.target) if isinstance(self.target, WellbeingOutcome) else self.target.name

    @property
    def source_is_organisation(self) -> bool:
        return isinstance(self.source, Organisation)

    @property
    def target_is_outcome(self) -> bool:
        return isinstance(self.target, WellbeingOutcome)


@dataclass(frozen=True)
class Picture:
    links: list[PictureLink]
    chart: Chart | None


def picture_links(groups: list[DeliveryGroup]) -> list[PictureLink]:
    """The links of the picture, from groups read with their lead, members and outcomes (no query)."""
    links: list[PictureLink] = []
    for group in groups:
        if group.lead_organisation is not None:
            links.append(PictureLink(group.lead_organisation, group, LEADS))
        links += [
            PictureLink(organisation, group, MEMBER_OF)
            for organisation in group.members.all()
            if organisation.pk != group.lead_organisation_id
        ]
    for group in groups:
        links += [PictureLink(group, outcome, FOCUSES_ON) for outcome in group.outcomes.all()]
    return links


def _positions(kinds: list[str]) -> tuple[list[float], list[float]]:
    """Each node in its own column, spread down it in order: without this a group that focuses on
    outcomes but has no organisations yet would be drawn in the organisations' column."""
    totals = {kind: kinds.count(kind) for kind in COLUMNS}
    seen = dict.fromkeys(COLUMNS, 0)
    x, y = [], []
    for kind in kinds:
        x.append(COLUMNS[kind])
        y.append(round((seen[kind] + 0.5) / totals[kind], 4))
        seen[kind] += 1
    return x, y


def partnership_picture(groups: list[DeliveryGroup]) -> Picture:
    """The picture of the partnership's delivery groups; no chart when there is no link to draw."""
    links = picture_links(groups)
    if not links:
        return Picture(links=links, chart=None)
    nodes: list[tuple[str, str, str]] = []  # (kind, full name, colour)
    index: dict[tuple[str, int], int] = {}

    def node(item) -> int:
        if isinstance(item, Organisation):
            kind, name, colour = "organisation", item.name, ORGANISATION_COLOUR
        elif isinstance(item, DeliveryGroup):
            kind, name, colour = "group", item.name, GROUP_COLOUR
        else:
            kind, name, colour = "outcome", outcome_label(item), OUTCOME_COLOUR
        if (kind, item.pk) not in index:
            index[(kind, item.pk)] = len(nodes)
            nodes.append((kind, name, colour))
        return index[(kind, item.pk)]

    # Organisations first, then groups, then outcomes, so each column lists its nodes in table order.
    for link in links:
        if link.source_is_organisation:
            node(link.source)
    flows = [(node(link.source), node(link.target)) for link in links]
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
                "customdata": [f"{link.source_name} {link.relation} {link.target_name}" for link in links],
                "hovertemplate": "%{customdata}<extra></extra>",
                "color": "rgba(29, 112, 184, 0.25)",
            },
        ),
        layout=layout(height=max(320, 22 * len(nodes) + 60)),
    )
    chart = Chart(
        id="chart-partnership",
        title="Organisations, delivery groups and the outcomes they focus on",
        summary=(
            "On the left the member organisations (green) that lead or sit on each delivery group, in the middle "
            "the delivery groups (blue), on the right the key wellbeing outcomes (purple) each group focuses on; "
            "each band is one link."
        ),
        figure=figure_json(figure),
        columns=("From", "Link", "To"),
        rows=tuple((link.source_name, link.relation, link.target_name) for link in links),
    )
    return Picture(links=links, chart=chart)
