"""A delivery group's dashboard (the gap analysis and register filtered to the group), and the
delivery group in the gap analysis: its filter, the groups covering each outcome on the page, the
print version and the reports. Query counts do not grow with the data."""

import csv
import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from interventions.gap_analysis import gap_analysis
from interventions.gap_reports import filters_in_words, gap_analysis_csv, gap_analysis_xlsx
from interventions.group_selectors import COULD_JOIN_SHOWN, group_dashboard, group_get_for_place
from interventions.models import GroupAssignment, Intervention
from tests.factories import (
    ContributionFactory,
    DeliveryGroupFactory,
    GroupAssignmentFactory,
    InterventionFactory,
    OrganisationFactory,
    PartnershipFactory,
    WellbeingOutcomeFactory,
)
from wellbeing.models import Role, WellbeingOutcome
from wellbeing.spreadsheets import UTF8_BOM

pytestmark = pytest.mark.django_db


def _link(intervention, outcome, strength="primary", effectiveness="moderate"):
    ContributionFactory(intervention=intervention, outcome=outcome, strength=strength, effectiveness=effectiveness)
    return intervention


@pytest.fixture
def work(cast):
    """Place A, three outcomes; "Fair work and homes" focuses on the first two, "Food group" on the third.

    apprenticeships (assigned to the group; active, £90,000): fair work primary × strong 3.0,
        warm homes secondary × moderate 1.2 → budget 54,000 / 36,000
    unlinked (assigned to the group; active): links to nothing
    retrofit (in no group; planned): warm homes primary × strong, scores 0 → could join
    childcare (national, active, £50,000; in place B's group only): fair work secondary × moderate 1.2
        → could join, and first (it scores)
    careers (in "Food group"; active): fair work enabling × unknown 0.2 → never "could join"
    food bank (in no group): only healthy food, which the group does not focus on
    → fair work: 4.4 covered (group 3.0); warm homes: 1.2 covered (group 1.2).
    """
    place = cast.a.place
    fair_work = WellbeingOutcome.objects.get(place=place)
    homes = WellbeingOutcomeFactory(place=place, title="Warm homes", priority_rank=2)
    food = WellbeingOutcomeFactory(place=place, title="Healthy food", priority_rank=3)
    partnership = PartnershipFactory(place=place, name="Anchor partnership")
    group = DeliveryGroupFactory(
        partnership=partnership, name="Fair work and homes", remit="Jobs and homes", outcomes=[homes, fair_work]
    )
    food_group = DeliveryGroupFactory(partnership=partnership, name="Food group", outcomes=[food])

    def local(title, **fields):
        return InterventionFactory(place=place, owner=cast.a.officer, title=title, **fields)

    apprenticeships = local("Green apprenticeships", status="active", budget_gbp=Decimal("90000"))
    _link(apprenticeships, fair_work, "primary", "strong")
    _link(apprenticeships, homes, "secondary", "moderate")
    unlinked = local("Unlinked scheme", status="active")
    retrofit = _link(local("Retrofit pilot", status="planned"), homes, "primary", "strong")
    childcare = InterventionFactory(
        place=None,
        owner=None,
        level=Intervention.Level.NATIONAL,
        title="Childcare pledge",
        status="active",
        budget_gbp=Decimal("50000"),
        lead_organisation=OrganisationFactory(place=None, name="Scottish Government"),
    )
    _link(childcare, fair_work, "secondary", "moderate")
    careers = _link(local("Careers fair", status="active"), fair_work, "enabling", "unknown")
    food_bank = _link(local("Food bank", status="active"), food)

    for intervention in (apprenticeships, unlinked):
        GroupAssignmentFactory(group=group, intervention=intervention, assigned_by=cast.a.partnership_lead)
    GroupAssignmentFactory(group=food_group, intervention=careers)
    b_group = DeliveryGroupFactory(partnership=PartnershipFactory(place=cast.b.place), name="Place B secret group")
    GroupAssignmentFactory(group=b_group, intervention=childcare)
    b_outcome = WellbeingOutcome.objects.get(place=cast.b.place)
    _link(InterventionFactory(place=cast.b.place, title="Place B secret scheme"), b_outcome)
    return {
        "group": group,
        "food_group": food_group,
        "b_group": b_group,
        "fair_work": fair_work,
        "homes": homes,
        "food": food,
        "apprenticeships": apprenticeships,
        "unlinked": unlinked,
        "retrofit": retrofit,
        "childcare": childcare,
        "careers": careers,
        "food_bank": food_bank,
    }


def _dashboard_url(place, group) -> str:
    return reverse("interventions:group_dashboard", kwargs={"place_slug": place.slug, "group_pk": group.pk})


def _gap_url(place, query: str = "", name: str = "interventions:gap_analysis") -> str:
    return reverse(name, kwargs={"place_slug": place.slug}) + (f"?{query}" if query else "")


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _words(text: str) -> str:
    return " ".join(text.split())


def _money(text: str) -> Decimal:
    return Decimal(text.strip().removeprefix("£").replace(",", ""))


def _outcome_rows(soup) -> dict[int, dict]:
    rows = {}
    for row in soup.select("#group-outcomes-table tr[data-outcome]"):
        rows[int(row["data-outcome"])] = {
            "status": _words(row.select("td")[0].get_text()),
            "score": Decimal(row.select_one("td[data-score]").get_text(strip=True)),
            "group_score": Decimal(row.select_one("td[data-group-score]").get_text(strip=True)),
            "active": int(row.select_one("td[data-active]").get_text(strip=True)),
            "group_active": int(row.select_one("td[data-group-active]").get_text(strip=True)),
            "budget": _money(row.select_one("td[data-budget]").get_text()),
            "group_budget": _money(row.select_one("td[data-group-budget]").get_text()),
        }
    return rows


def _table(soup, table_id: str) -> dict[str, list[str]]:
    """Each row's title → its effectiveness cells, in the outcomes' order."""
    return {
        row.select_one("th[scope=row] a").get_text(strip=True): [
            _words(cell.get_text()) for cell in row.select("td[data-effectiveness]")
        ]
        for row in soup.select(f"#{table_id} tbody tr")
    }


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


# --- Access ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_in_the_place_sees_the_dashboard(client, cast, work, role):
    client.force_login(cast.a.member(role))
    assert client.get(_dashboard_url(cast.a.place, work["group"])).status_code == 200


def test_another_places_group_and_outsiders_get_404_and_post_gets_405(client, cast, work):
    client.force_login(cast.a.viewer)
    assert client.get(_dashboard_url(cast.a.place, work["b_group"])).status_code == 404
    for person in (cast.outsider, cast.b.place_admin):
        client.force_login(person)
        assert client.get(_dashboard_url(cast.a.place, work["group"])).status_code == 404
    client.force_login(cast.a.partnership_lead)
    assert client.post(_dashboard_url(cast.a.place, work["group"])).status_code == 405


# --- The group's outcomes: the gap analysis's numbers ------------------------------------------------------------


def test_the_outcomes_show_the_gap_analysis_figures_and_the_groups_part(client, cast, work):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_dashboard_url(cast.a.place, work["group"])))
    rows = _outcome_rows(soup)

    analysis = {item.pk: item for item in gap_analysis(place=cast.a.place).outcomes}
    assert list(rows) == [work["fair_work"].pk, work["homes"].pk]  # the group's, by priority; not food
    for pk, row in rows.items():
        assert (row["status"], row["score"], row["active"], row["budget"]) == (
            analysis[pk].status.label,
            analysis[pk].score,
            analysis[pk].active_count,
            analysis[pk].budget_attributed,
        )
    # And by hand, so the page and the analysis cannot agree on a wrong number.
    assert rows[work["fair_work"].pk] == {
        "status": "Covered",
        "score": Decimal("4.4"),
        "group_score": Decimal("3.0"),
        "active": 3,
        "group_active": 1,
        "budget": Decimal("104000"),
        "group_budget": Decimal("54000"),
    }
    assert rows[work["homes"].pk] == {
        "status": "Covered",
        "score": Decimal("1.2"),
        "group_score": Decimal("1.2"),
        "active": 1,
        "group_active": 1,
        "budget": Decimal("36000"),
        "group_budget": Decimal("36000"),
    }
    counts = {dd["data-status-count"]: _words(dd.get_text()) for dd in soup.select("dd[data-status-count]")}
    assert counts == {"gap": "0 outcomes", "thin": "0 outcomes", "covered": "2 outcomes", "strong": "0 outcomes"}


def test_the_selector_restricts_the_places_analysis_to_the_groups_outcomes(cast, work):
    group = group_get_for_place(place=cast.a.place, pk=work["group"].pk)
    dashboard = group_dashboard(place=cast.a.place, group=group)
    analysis = gap_analysis(place=cast.a.place)
    assert [item.coverage for item in dashboard.outcomes] == [
        item for item in analysis.outcomes if item.pk in {work["fair_work"].pk, work["homes"].pk}
    ]
    assert dashboard.status_counts == {"gap": 0, "thin": 0, "covered": 2, "strong": 0}


def test_a_group_with_no_outcomes_says_so(client, cast, work):
    empty = DeliveryGroupFactory(partnership=work["group"].partnership, name="New group")
    client.force_login(cast.a.partnership_lead)
    soup = _soup(client.get(_dashboard_url(cast.a.place, empty)))
    assert "This group does not focus on any priority outcome yet" in _words(soup.get_text())
    assert not soup.select("#group-outcomes-table, #could-join-table")


# --- Its interventions and those that could join -----------------------------------------------------------------


def test_the_groups_interventions_show_their_effectiveness_on_each_outcome(client, cast, work):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_dashboard_url(cast.a.place, work["group"])))
    headers = [_words(th.get_text()) for th in soup.select("#assigned-table thead th")]
    assert headers == [
        "Intervention",
        "Status",
        "Lead organisation",
        "Fair work for women in Place A",
        "Warm homes",
        "Assigned",
    ]
    assert _table(soup, "assigned-table") == {
        "Green apprenticeships": ["Strong Primary", "Moderate Secondary"],
        "Unlinked scheme": ["Not linked", "Not linked"],
    }
    assigned = _words(soup.select_one("#assigned-table tbody tr td:last-child").get_text())
    assert f"by {cast.a.partnership_lead.get_full_name()}" in assigned


def test_could_join_lists_unassigned_work_on_the_groups_outcomes_strongest_first(client, cast, work):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_dashboard_url(cast.a.place, work["group"])))
    # Childcare is in place B's group, which is B's business: for A it is in no group.
    assert _table(soup, "could-join-table") == {
        "Childcare pledge": ["Moderate Secondary", "Not linked"],
        "Retrofit pilot": ["Not linked", "Strong Primary"],
    }
    text = soup.get_text()
    for never in ("Careers fair", "Food bank", "Place B secret"):
        assert never not in text


def test_could_join_shows_the_strongest_and_links_to_the_register_for_the_rest(client, cast, work):
    for number in range(COULD_JOIN_SHOWN + 1):
        _link(InterventionFactory(place=cast.a.place, title=f"Scheme {number:02d}", status="active"), work["homes"])
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_dashboard_url(cast.a.place, work["group"])))
    assert len(soup.select("#could-join-table tbody tr")) == COULD_JOIN_SHOWN
    assert f"The first {COULD_JOIN_SHOWN} of {COULD_JOIN_SHOWN + 3} are shown" in _words(soup.get_text())
    hrefs = [a["href"] for a in soup.select("#could-join ~ ul a")]
    register = reverse("interventions:register", kwargs={"place_slug": cast.a.place.slug})
    assert f"{register}?group=none&outcome={work['homes'].pk}" in hrefs


def test_it_links_to_the_register_and_the_gap_analysis_filtered_to_the_group(client, cast, work):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_dashboard_url(cast.a.place, work["group"])))
    hrefs = {a["href"] for a in soup.select("a")}
    group = work["group"].pk
    assert reverse("interventions:register", kwargs={"place_slug": cast.a.place.slug}) + f"?group={group}" in hrefs
    assert _gap_url(cast.a.place, f"group={group}") in hrefs
    group_page = reverse(
        "partnerships:group_detail",
        kwargs={"place_slug": cast.a.place.slug, "partnership_pk": work["group"].partnership_id, "group_pk": group},
    )
    assert soup.select_one("a.govuk-back-link")["href"] == group_page


# --- Assigning and removing from the dashboard -------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST, Role.OFFICER])
def test_those_who_cannot_assign_see_no_boxes_or_buttons(client, cast, work, role):
    client.force_login(cast.a.member(role))
    soup = _soup(client.get(_dashboard_url(cast.a.place, work["group"])))
    assert not soup.select("input[type=checkbox], #assigned-form, #join-form")


def test_a_lead_assigns_from_could_join_and_removes_from_the_group_back_on_the_dashboard(client, cast, work):
    client.force_login(cast.a.partnership_lead)
    url = _dashboard_url(cast.a.place, work["group"])
    soup = _soup(client.get(url))
    join = soup.select_one("form#join-form")
    assert join.select_one("input[name=group]")["value"] == str(work["group"].pk)
    assert join.select_one("input[name=next]")["value"] == url
    boxes = soup.select("#could-join-table input[name=interventions]")
    assert {box["form"] for box in boxes} == {"join-form"}
    assert soup.select_one("#could-join-table[data-module=moj-multi-select]")["data-id-prefix"] == "join-"
    assert soup.select_one("#could-join-table thead #join-select-all")
    label = soup.select_one(f"label[for={boxes[0]['id']}]").get_text(strip=True)
    assert label == "Select Childcare pledge"

    data = {
        "group": join.select_one("input[name=group]")["value"],
        "next": url,
        "action": "assign",
        "interventions": [box["value"] for box in boxes if box["value"] == str(work["retrofit"].pk)],
    }
    response = client.post(join["action"], data)
    assert response.status_code == 302 and response["Location"] == url
    soup = _soup(client.get(url))
    assert "1 intervention assigned to ‘Fair work and homes’." in soup.get_text()
    assert list(_table(soup, "could-join-table")) == ["Childcare pledge"]
    assert "Retrofit pilot" in _table(soup, "assigned-table")

    remove = soup.select_one("form#assigned-form")
    assert remove.select_one("button[name=action]")["value"] == "remove"
    box = soup.select_one(f"#assigned-table input[value='{work['unlinked'].pk}']")
    assert box["form"] == "assigned-form"
    response = client.post(
        remove["action"], {"group": work["group"].pk, "next": url, "action": "remove", "interventions": [box["value"]]}
    )
    assert response["Location"] == url
    soup = _soup(client.get(url))
    assert "1 intervention removed from ‘Fair work and homes’." in soup.get_text()
    assert list(_table(soup, "assigned-table")) == ["Green apprenticeships", "Retrofit pilot"]
    assert not GroupAssignment.objects.filter(group=work["group"], intervention=work["unlinked"]).exists()


# --- The gap analysis: the delivery group filter and the groups covering each outcome ----------------------------


def test_the_gap_analysis_filters_by_delivery_group_or_none(client, cast, work):
    client.force_login(cast.a.viewer)
    group = work["group"]
    soup = _soup(client.get(_gap_url(cast.a.place, f"group={group.pk}")))
    in_group = Intervention.objects.filter(group_assignments__group=group)
    expected = {item.pk: item for item in gap_analysis(place=cast.a.place, interventions=in_group).outcomes}
    for row in soup.select("#coverage-table tr[data-outcome]"):
        assert (
            Decimal(row.select_one("td[data-score]").get_text(strip=True)) == expected[int(row["data-outcome"])].score
        )
    assert expected[work["fair_work"].pk].score == Decimal("3.0")  # apprenticeships only

    soup = _soup(client.get(_gap_url(cast.a.place, "group=none")))
    shift = [th.a.get_text(strip=True) for th in soup.select("#shift-table tbody th[scope=row]")]
    assert shift == ["Food bank", "Childcare pledge"]  # active, in no group of A (childcare is in B's)


def test_another_places_group_in_the_gap_filter_cannot_be_used(client, cast, work):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_gap_url(cast.a.place, f"group={work['b_group'].pk}")))
    assert "These filters cannot be used" in soup.get_text()
    assert not soup.select("#coverage-table")
    assert "Place B secret" not in soup.get_text()


@pytest.mark.parametrize("name", ["interventions:gap_analysis", "interventions:gap_analysis_print"])
def test_the_coverage_table_names_the_groups_covering_each_outcome(client, cast, work, name):
    also = DeliveryGroupFactory(
        partnership=work["group"].partnership, name="Anchor fair work", outcomes=[work["fair_work"]]
    )
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_gap_url(cast.a.place, name=name)))
    cells = {
        int(row["data-outcome"]): _words(row.select_one("td[data-groups]").get_text())
        for row in soup.select("#coverage-table tr[data-outcome]")
    }
    assert cells == {
        work["fair_work"].pk: "Anchor fair work; Fair work and homes",
        work["homes"].pk: "Fair work and homes",
        work["food"].pk: "Food group",
    }
    link = soup.select_one("td[data-groups] a")
    assert link["href"] == _dashboard_url(cast.a.place, also)
    assert "Place B secret group" not in soup.get_text()


def test_the_analysis_names_the_groups_covering_each_outcome_and_the_reports_write_them(cast, work):
    analysis = gap_analysis(place=cast.a.place)
    covering = {item.title: [group.name for group in item.delivery_groups] for item in analysis.outcomes}
    assert covering == {
        "Fair work for women in Place A": ["Fair work and homes"],
        "Warm homes": ["Fair work and homes"],
        "Healthy food": ["Food group"],
    }

    content = gap_analysis_csv(analysis)
    rows = list(csv.reader(io.StringIO(content[len(UTF8_BOM) :].decode("utf-8"), newline="")))
    assert rows[0][-1] == "Delivery groups covering it"
    assert [row[-1] for row in rows[1:]] == [
        "Fair work and homes (Anchor partnership)",
        "Fair work and homes (Anchor partnership)",
        "Food group (Anchor partnership)",
    ]
    sheet = load_workbook(io.BytesIO(gap_analysis_xlsx(analysis, filters_description="All")))["Coverage"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-1] == "Delivery groups covering it"
    assert values[3][-1] == "Food group (Anchor partnership)"


def test_a_hostile_group_name_is_written_as_text_in_the_reports(cast, work):
    work["food_group"].name = '=HYPERLINK("https://evil.example","Click")'
    work["food_group"].save()
    analysis = gap_analysis(place=cast.a.place)
    content = gap_analysis_csv(analysis).decode("utf-8")
    assert "'=HYPERLINK" in content
    sheet = load_workbook(io.BytesIO(gap_analysis_xlsx(analysis, filters_description="All")))["Coverage"]
    cell = sheet.cell(row=4, column=sheet.max_column)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")


def test_the_reports_say_the_group_filter_in_words(cast, work):
    group = work["group"]
    assert (
        filters_in_words(cast.a.place, f"group={group.pk}")
        == "Delivery group: Fair work and homes (Anchor partnership)"
    )
    assert filters_in_words(cast.a.place, "group=none&status=active") == (
        "Status: Active; Delivery group: Not in any delivery group"
    )


# --- Query counts ------------------------------------------------------------------------------------------------


def _grow(cast, work, count: int) -> None:
    """`count` more interventions on the group's outcomes: half assigned to the group, half not."""
    for number in range(count):
        intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer, status="active")
        _link(intervention, work["fair_work"], "primary", "strong")
        _link(intervention, work["homes"], "secondary", "moderate")
        if number % 2:
            GroupAssignmentFactory(group=work["group"], intervention=intervention, assigned_by=cast.a.place_admin)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PARTNERSHIP_LEAD])
def test_the_dashboard_takes_the_same_queries_for_2_or_20_interventions(client, cast, work, role):
    # 1 session, 1 user, 1 memberships (access and who may assign); 1 the group with its
    # partnership and lead, 1 its outcomes; gap_analysis(): 1 outcomes, 1 their NPF outcomes,
    # 1 their NPF indicators, 1 the groups covering them, 1 contributions, 1 tagged spend;
    # 1 the group's assignments with their interventions, leads and who assigned them;
    # 1 the interventions any group of the place carries.
    client.force_login(cast.a.member(role))
    url = _dashboard_url(cast.a.place, work["group"])
    _grow(cast, work, 2)
    few, _ = _queries(client, url)
    _grow(cast, work, 18)
    many, sql = _queries(client, url)
    assert few == many == 13, sql
    soup = _soup(client.get(url))
    assert len(soup.select("#assigned-table tbody tr")) == 2 + 10
    assert len(soup.select("#could-join-table tbody tr")) == 2 + 10
