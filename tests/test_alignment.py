"""Strategic alignment: the matrix, the three flags, the chart, the exports and the page's query budget."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import (
    LocalIndicatorFactory,
    MembershipFactory,
    ObservationFactory,
    PlaceFactory,
    StrategicOutcomeFactory,
    StrategicPlanFactory,
    WellbeingOutcomeFactory,
)
from wellbeing.alignment import alignment_for_place, alignment_sankey
from wellbeing.models import NationalOutcome, StrategicPlan, WellbeingOutcome
from wellbeing.models.npf import NPF_2018
from wellbeing.services import DEMO_PLAN_TITLE, demo_place_seed
from wellbeing.spreadsheets import FORMULA_TRIGGERS, UTF8_BOM

pytestmark = pytest.mark.usefixtures("reference_data")

HOSTILE = '=HYPERLINK("http://example.com/x","Click")'


def _npf(*codes: str) -> list[NationalOutcome]:
    return [NationalOutcome.objects.get(framework_version=NPF_2018, code=code) for code in codes]


def _npf_count() -> int:
    return NationalOutcome.objects.filter(framework_version=NPF_2018).count()


@pytest.fixture
def place_with_plans():
    """Three priorities; a LOIP whose outcomes embed two of them, one outcome serving no NPF
    outcome; and a superseded plan that embeds the third and reaches Culture, which must not count."""
    place = PlaceFactory(name="Testshire", slug="testshire")
    poverty = WellbeingOutcomeFactory(place=place, title="Poverty", priority_rank=1)
    jobs = WellbeingOutcomeFactory(place=place, title="Good jobs", priority_rank=2)
    climate = WellbeingOutcomeFactory(place=place, title="Climate", priority_rank=3)
    loip = StrategicPlanFactory(place=place, title="LOIP 2024–2034", status=StrategicPlan.Status.ADOPTED)
    child_poverty = StrategicOutcomeFactory(
        plan=loip, title="Fewer children in poverty", wellbeing_outcomes=[poverty], national_outcomes=_npf("POV", "CYP")
    )
    growth = StrategicOutcomeFactory(plan=loip, title="Inclusive growth", wellbeing_outcomes=[jobs, poverty])
    old = StrategicPlanFactory(place=place, title="Old council plan", status=StrategicPlan.Status.SUPERSEDED)
    StrategicOutcomeFactory(
        plan=old, title="Greener county", wellbeing_outcomes=[climate], national_outcomes=_npf("CUL")
    )
    return {"place": place, "climate": climate, "child_poverty": child_poverty, "growth": growth, "loip": loip}


def test_an_empty_place_flags_every_priority_and_every_npf_outcome_and_no_strategic_outcome():
    place = PlaceFactory()
    outcomes = [WellbeingOutcomeFactory(place=place, priority_rank=rank) for rank in (2, 1)]
    result = alignment_for_place(place=place)
    assert result.rows == [] and result.plans == [] and result.unlinked == []
    assert result.unembedded == sorted(outcomes, key=lambda o: o.priority_rank)
    assert len(result.unreached) == _npf_count() == 11
    assert alignment_sankey(result) is None


def test_flags_on_a_hand_built_place_ignore_the_superseded_plan(place_with_plans):
    result = alignment_for_place(place=place_with_plans["place"])
    assert [plan.title for plan in result.plans] == ["LOIP 2024–2034"]
    assert [plan.title for plan in result.superseded_plans] == ["Old council plan"]
    # Climate is embedded only by the superseded plan: it counts as not embedded.
    assert [o.title for o in result.unembedded] == ["Climate"]
    assert [row.outcome.title for row in result.unlinked] == ["Inclusive growth"]
    # Only Poverty and Children and Young People are reached; Culture only by the superseded plan.
    reached = {"Poverty", "Children and Young People"}
    assert {n.name for n in result.unreached} == {n.name for n in result.national_outcomes} - reached
    assert "Culture" in {n.name for n in result.unreached}
    assert result.flag_count == 1 + 1 + 9


def test_the_matrix_has_a_row_per_strategic_outcome_with_its_plan_and_links(place_with_plans):
    result = alignment_for_place(place=place_with_plans["place"])
    table = [
        (
            row.plan.title,
            row.outcome.title,
            [o.title for o in row.wellbeing_outcomes],
            [n.code for n in row.national_outcomes],
        )
        for row in result.rows
    ]
    assert table == [
        ("LOIP 2024–2034", "Fewer children in poverty", ["Poverty"], ["CYP", "POV"]),
        ("LOIP 2024–2034", "Inclusive growth", ["Poverty", "Good jobs"], []),
    ]
    embedded = {e.outcome.title: [row.outcome.title for row in e.strategic_outcomes] for e in result.embeddings}
    assert embedded == {
        "Poverty": ["Fewer children in poverty", "Inclusive growth"],
        "Good jobs": ["Inclusive growth"],
        "Climate": [],
    }


def test_the_sankey_runs_from_npf_through_strategic_to_wellbeing_outcomes(place_with_plans):
    chart = alignment_sankey(alignment_for_place(place=place_with_plans["place"]))
    assert set(chart.rows) == {
        ("NPF: Poverty", "Fewer children in poverty (LOIP 2024–2034)", "served by"),
        ("NPF: Children and Young People", "Fewer children in poverty (LOIP 2024–2034)", "served by"),
        ("Fewer children in poverty (LOIP 2024–2034)", "1. Poverty", "embeds"),
        ("Inclusive growth (LOIP 2024–2034)", "1. Poverty", "embeds"),
        ("Inclusive growth (LOIP 2024–2034)", "2. Good jobs", "embeds"),
    }
    sankey = chart.figure["data"][0]
    assert sankey["type"] == "sankey" and len(sankey["link"]["source"]) == len(chart.rows) == 5
    assert "Greener county" not in str(chart.figure)  # the superseded plan is left out


def test_the_page_shows_the_flags_with_counts_the_matrix_and_the_chart(client, cast):
    outcome = WellbeingOutcome.objects.get(place=cast.a.place)
    plan = StrategicPlanFactory(place=cast.a.place, title="Place A LOIP")
    StrategicOutcomeFactory(plan=plan, title="Fair work for all", wellbeing_outcomes=[outcome])
    client.force_login(cast.a.viewer)
    response = client.get("/places/place-a/alignment/")
    soup = BeautifulSoup(response.content, "html.parser")
    headings = [h.get_text(" ", strip=True) for h in soup.select("h3[id^=flag-]")]
    assert headings == [
        "Priority outcomes embedded in no strategic outcome: 0",
        "Strategic outcomes not tied to any NPF outcome: 1",
        "NPF national outcomes no plan reaches: 11 of 11",
    ]
    assert soup.select_one("[data-flag=unlinked]").get_text(" ", strip=True) == "Fair work for all ( Place A LOIP )"
    matrix = soup.select_one("#alignment-matrix-caption").find_parent("table")
    assert "Fair work for women in Place A" in matrix.get_text()
    assert soup.select_one("#chart-alignment-data") is not None
    assert "Secret outcome of Place B" not in response.content.decode()


def test_the_page_for_an_empty_place_says_there_is_nothing_yet(client, cast):
    client.force_login(cast.a.place_admin)
    page = client.get("/places/place-a/alignment/").content.decode()
    assert "Place A has no strategic outcomes in a draft or adopted plan yet." in page
    assert "Priority outcomes embedded in no strategic outcome: 1" in page
    assert 'data-chart="' not in page


def test_the_alignment_page_uses_a_fixed_number_of_queries(client, cast):
    def count() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/places/place-a/alignment/").status_code == 200
        return len(captured), [q["sql"] for q in captured.captured_queries]

    wellbeing = [WellbeingOutcomeFactory(place=cast.a.place) for _ in range(5)]
    national = _npf("POV", "ECO", "HEA")
    plan = StrategicPlanFactory(place=cast.a.place)
    for _ in range(2):
        StrategicOutcomeFactory(plan=plan, wellbeing_outcomes=wellbeing[:2], national_outcomes=national[:1])
    ObservationFactory.create_batch(2, indicator=LocalIndicatorFactory(outcome=wellbeing[0]))
    client.force_login(cast.a.viewer)
    few, _ = count()
    for index in range(18):
        StrategicOutcomeFactory(
            plan=plan if index % 2 else StrategicPlanFactory(place=cast.a.place),
            wellbeing_outcomes=wellbeing[: index % 5],
            national_outcomes=national[: index % 3],
        )
        ObservationFactory.create_batch(index % 4, indicator=LocalIndicatorFactory(outcome=wellbeing[index % 5]))
    many, sql = count()
    # 1 session, 1 user, 1 memberships with places (access); then alignment_for_place's 8: plans,
    # their outcomes, those outcomes' wellbeing outcomes, their NPF outcomes, the place's wellbeing
    # outcomes, the NPF outcomes, the place's local indicators, the last two observations of each.
    assert few == many == 11, "\n".join(sql)


def _hostile_place():
    place = PlaceFactory(name="Hostile", slug="hostile")
    outcome = WellbeingOutcomeFactory(place=place, title="+SUM(1,2)", priority_rank=1)
    plan = StrategicPlanFactory(place=place, title=HOSTILE)
    StrategicOutcomeFactory(plan=plan, title="@cmd|' /C calc'!A0", wellbeing_outcomes=[outcome])
    StrategicOutcomeFactory(plan=plan, title="-2+3", national_outcomes=_npf("POV"))
    WellbeingOutcomeFactory(place=place, title="=1+1", priority_rank=2)
    return place


def test_the_xlsx_export_has_the_matrix_and_flags_and_no_formula_cells(client, cast):
    place = _hostile_place()
    MembershipFactory(place=place, user=cast.a.viewer)
    client.force_login(cast.a.viewer)
    response = client.get("/places/hostile/alignment/export/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="alignment-hostile.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Alignment matrix", "Flags"]
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert not [cell.value for cell in cells if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS)]
    matrix = [[cell.value for cell in row] for row in workbook["Alignment matrix"].iter_rows()]
    assert matrix[1][0] == "'" + HOSTILE and matrix[1][4] == "'@cmd|' /C calc'!A0"
    flags = [row[:2] for row in workbook["Flags"].iter_rows(values_only=True)][1:]
    assert ("Priority outcome embedded in no strategic outcome", "2. =1+1") in flags
    assert ("Strategic outcome tied to no NPF national outcome", "'@cmd|' /C calc'!A0") in flags
    assert sum(1 for flag, _ in flags if flag == "NPF national outcome no current plan reaches") == 10


def test_the_csv_export_has_a_bom_the_matrix_and_the_flags_all_escaped(client, cast):
    place = _hostile_place()
    MembershipFactory(place=place, user=cast.a.viewer)
    client.force_login(cast.a.viewer)
    response = client.get("/places/hostile/alignment/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(UTF8_BOM)
    rows = list(csv.reader(io.StringIO(response.content[len(UTF8_BOM) :].decode("utf-8"))))
    assert rows[0][0] == "Row" and rows[0][5] == "Strategic outcome"
    assert not [value for row in rows for value in row if value.startswith(FORMULA_TRIGGERS)]
    kinds = [row[0] for row in rows[1:]]
    assert kinds.count("Strategic outcome") == 2
    assert kinds.count("Priority outcome embedded in no strategic outcome") == 1
    assert kinds.count("Strategic outcome tied to no NPF national outcome") == 1
    assert kinds.count("NPF national outcome no current plan reaches") == 10


def test_an_unknown_export_format_is_404(client, cast):
    client.force_login(cast.a.viewer)
    assert client.get("/places/place-a/alignment/export/?format=pdf").status_code == 404


def test_the_demo_loip_is_seeded_once_and_shows_one_flag_of_each_kind():
    demo_place_seed()
    place = demo_place_seed().place
    plan = StrategicPlan.objects.get(place=place)
    assert plan.title == DEMO_PLAN_TITLE and "(illustrative)" in plan.title
    assert plan.outcomes.count() == 6
    result = alignment_for_place(place=place)
    assert [o.title for o in result.unembedded] == ["Climate and environmental sustainability"]
    assert [row.outcome.title for row in result.unlinked] == [
        "Public services are designed with the people who use them"
    ]
    assert {n.code for n in result.unreached} == {"CUL", "ENV", "INT"}
