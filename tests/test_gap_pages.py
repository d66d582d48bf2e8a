"""The gap analysis pages: the page agrees with gap_analysis(), filters recompute it, the charts are
JSON data blocks with tables, nothing crosses places, the region view shows only member places the
person may see, the print version lists everything, and query counts do not grow with the data."""

import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interventions.gap_analysis import COVERAGE_FORMULA, add_months, gap_analysis
from interventions.models import Intervention
from tests.factories import (
    BudgetLineFactory,
    BudgetShareFactory,
    ContributionFactory,
    InterventionFactory,
    MembershipFactory,
    OrganisationFactory,
    PlaceFactory,
    WellbeingOutcomeFactory,
)
from wellbeing.models import NationalIndicator, NationalOutcome, Place, Role, WellbeingOutcome

B_SECRETS = ("Secret outcome of Place B", "Place B secret scheme", "Place B secret college", "National work for B only")
CHART_DATA_IDS = ("chart-coverage-data", "chart-heatmap-data", "chart-sankey-data")
# Every role in a place may see its gap analysis (permission "place.view"): there is no 403 case.
ROLES_WHO_SEE_THE_GAP_ANALYSIS = list(Role)
PAGES = ("interventions:gap_analysis", "interventions:gap_analysis_print", "interventions:region_gap_analysis")
REGION_SLUG = "forth-valley"
HOSTILE_TITLE = "</script><script>alert(1)</script>"


# --- Helpers ---------------------------------------------------------------------------------------------------


def _url(name: str, place: Place, query: str = "", region_slug: str = REGION_SLUG) -> str:
    kwargs = {"place_slug": place.slug}
    if name == "interventions:region_gap_analysis":
        kwargs["region_slug"] = region_slug
    return reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _words(text: str) -> str:
    return " ".join(text.split())


def _money(text: str) -> Decimal:
    return Decimal(text.strip().removeprefix("£").replace(",", ""))


def _outcome_row(soup: BeautifulSoup, outcome_pk: int) -> dict:
    row = soup.select_one(f'tr[data-outcome="{outcome_pk}"]')
    return {
        "status": _words(row.select("td")[0].get_text()),
        "score": Decimal(row.select_one("td[data-score]").get_text(strip=True)),
        "budget": _money(row.select_one("td[data-budget]").get_text()),
    }


def _titles(soup: BeautifulSoup, table_id: str) -> list[str]:
    return [th.a.get_text(strip=True) for th in soup.select(f"#{table_id} tbody th[scope=row]")]


def _status_counts(soup: BeautifulSoup) -> dict[str, int]:
    return {dd["data-status-count"]: int(dd.get_text().split()[0]) for dd in soup.select("dd[data-status-count]")}


def _assert_page_matches(soup: BeautifulSoup, analysis) -> None:
    """Every status count and every outcome row's score and budget as gap_analysis() has them."""
    assert _status_counts(soup) == analysis.status_counts
    assert len(soup.select("tr[data-outcome]")) == len(analysis.outcomes)
    for outcome in analysis.outcomes:
        row = _outcome_row(soup, outcome.pk)
        assert row["score"] == outcome.score, outcome.title
        assert row["budget"] == outcome.budget_attributed, outcome.title
        assert row["status"] == outcome.status.label, outcome.title


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


def _link(outcome, *, strength="primary", effectiveness="moderate", **fields) -> Intervention:
    fields.setdefault("place", outcome.place)
    intervention = InterventionFactory(**fields)
    ContributionFactory(intervention=intervention, outcome=outcome, strength=strength, effectiveness=effectiveness)
    return intervention


def _national(**fields) -> Intervention:
    fields.setdefault("lead_organisation", OrganisationFactory(place=None))
    return InterventionFactory(place=None, level=Intervention.Level.NATIONAL, owner=None, **fields)


# --- Fixtures --------------------------------------------------------------------------------------------------


@pytest.fixture
def work(cast):
    """Place A: three priority outcomes, each in a different state; place B: work A must never see.

    fair work:   apprenticeships (active, primary × strong = 3.0) + childcare pledge (national,
                 active, secondary × moderate = 1.2) → 4.2, covered; budget 54,000 + 50,000.
    warm homes:  apprenticeships (secondary × moderate = 1.2) + retrofit (planned, scores 0) → 1.2,
                 covered; budget 36,000 (apprenticeships' 90,000 split 3:2 with fair work).
    healthy food: nothing → gap.
    """
    place = cast.a.place
    fair_work = WellbeingOutcome.objects.get(place=place)
    fair_work.national_outcomes.set(NationalOutcome.objects.all()[:2])
    fair_work.national_indicators.set(NationalIndicator.objects.all()[:2])
    warm_homes = WellbeingOutcomeFactory(place=place, title="Warm homes in Place A", priority_rank=2)
    healthy_food = WellbeingOutcomeFactory(place=place, title="Healthy food in Place A", priority_rank=3)
    college = OrganisationFactory(place=place, name="Forth Valley College")
    apprenticeships = _link(
        fair_work,
        effectiveness="strong",
        title="Green apprenticeships",
        kind="programme",
        budget_gbp=Decimal("90000"),
        lead_organisation=college,
    )
    ContributionFactory(intervention=apprenticeships, outcome=warm_homes, strength="secondary")
    retrofit = _link(warm_homes, title="Retrofit pilot", kind="project", status="planned")
    # Ends in nine months: inside a 24-month horizon, outside a 6-month one; a policy, so never a pilot.
    childcare = _national(
        title="Childcare pledge",
        kind="policy",
        budget_gbp=Decimal("50000"),
        end_date=add_months(timezone.localdate(), 9),
    )
    ContributionFactory(intervention=childcare, outcome=fair_work, strength="secondary")

    b_outcome = WellbeingOutcome.objects.get(place=cast.b.place)
    b_college = OrganisationFactory(place=cast.b.place, name="Place B secret college")
    _link(b_outcome, title="Place B secret scheme", lead_organisation=b_college)
    # Shared national work, but linked only to B's outcome: A's analysis has no link to show.
    ContributionFactory(intervention=_national(title="National work for B only"), outcome=b_outcome)
    return {
        "fair_work": fair_work,
        "warm_homes": warm_homes,
        "healthy_food": healthy_food,
        "apprenticeships": apprenticeships,
        "retrofit": retrofit,
        "childcare": childcare,
        "b_college": b_college,
    }


@pytest.fixture
def region(cast):
    region = PlaceFactory(name="Forth Valley region", slug=REGION_SLUG, kind=Place.Kind.REGION)
    region.member_councils.set([cast.a.place, cast.b.place])
    return region


# --- Access: every role of the place, 404 for everyone else ------------------------------------------------------


@pytest.mark.parametrize("role", ROLES_WHO_SEE_THE_GAP_ANALYSIS)
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.usefixtures("region")
def test_every_role_in_the_place_sees_each_page(client, cast, name, role):
    client.force_login(cast.a.member(role))
    assert client.get(_url(name, cast.a.place)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.usefixtures("region")
def test_it_returns_404_for_an_outsider_and_for_the_other_places_officer(client, cast, name):
    for person in (cast.outsider, cast.b.officer):
        client.force_login(person)
        assert client.get(_url(name, cast.a.place)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.usefixtures("region")
def test_it_asks_an_anonymous_person_to_sign_in(client, cast, name):
    response = client.get(_url(name, cast.a.place))
    assert response.status_code == 302
    assert "next=" in response["Location"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.usefixtures("region")
def test_it_returns_405_for_post(client, cast, name):
    client.force_login(cast.a.officer)
    assert client.post(_url(name, cast.a.place)).status_code == 405


# --- 1. The page shows gap_analysis()'s numbers ------------------------------------------------------------------


def test_a_viewer_sees_the_counts_the_formula_and_each_outcomes_score_and_budget(client, cast, work):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:gap_analysis", cast.a.place)))

    _assert_page_matches(soup, gap_analysis(place=cast.a.place))
    assert _status_counts(soup) == {"gap": 1, "thin": 0, "covered": 2, "strong": 0}
    assert _words(soup.select_one("#coverage-formula").get_text()) == _words(COVERAGE_FORMULA)
    # Pinned by hand as well, so the page and the analysis cannot agree on a wrong number.
    assert _outcome_row(soup, work["fair_work"].pk) == {
        "status": "Covered",
        "score": Decimal("4.2"),
        "budget": Decimal("104000"),
    }
    assert _outcome_row(soup, work["warm_homes"].pk)["budget"] == Decimal("36000")
    assert _outcome_row(soup, work["healthy_food"].pk)["status"] == "Gap"
    assert _titles(soup, "shift-table") == ["Green apprenticeships", "Childcare pledge"]
    assert "counting only the interventions the filters select" not in soup.get_text()


# --- 2. Filters recompute the analysis ---------------------------------------------------------------------------


def test_planned_only_turns_an_outcome_covered_by_active_work_into_a_gap(client, cast, work):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:gap_analysis", cast.a.place, "status=planned")))

    planned = Intervention.objects.for_place(cast.a.place).filter(status="planned")
    _assert_page_matches(soup, gap_analysis(place=cast.a.place, interventions=planned))
    assert _outcome_row(soup, work["fair_work"].pk) == {"status": "Gap", "score": Decimal("0.0"), "budget": 0}
    assert _status_counts(soup)["gap"] == 3
    assert "counting only the interventions the filters select" in _words(soup.get_text())
    assert not soup.select("#shift-table")


def test_national_level_counts_only_the_shared_national_interventions(client, cast, work):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:gap_analysis", cast.a.place, "level=national")))

    national = Intervention.objects.for_place(cast.a.place).filter(level="national")
    _assert_page_matches(soup, gap_analysis(place=cast.a.place, interventions=national))
    # Only the childcare pledge: secondary × moderate = 1.2, and all of its 50,000.
    assert _outcome_row(soup, work["fair_work"].pk) == {
        "status": "Covered",
        "score": Decimal("1.2"),
        "budget": Decimal("50000"),
    }
    assert _outcome_row(soup, work["warm_homes"].pk)["status"] == "Gap"
    assert _titles(soup, "shift-table") == ["Childcare pledge"]


def test_another_places_organisation_as_lead_says_the_filters_cannot_be_used(client, cast, work):
    client.force_login(cast.a.viewer)
    response = client.get(_url("interventions:gap_analysis", cast.a.place, f"lead={work['b_college'].pk}"))
    soup = _soup(response)

    assert "These filters cannot be used" in soup.get_text()
    assert soup.select_one(".govuk-error-summary__list a")["href"] == "#id_lead"
    assert response.context["analysis"] is None
    assert not soup.select("tr[data-outcome]")
    assert not soup.select("dd[data-status-count]")
    assert not soup.select('script[type="application/json"]')
    assert "Place B secret college" not in soup.get_text()


def test_the_horizon_changes_what_is_worth_building_on(client, cast, work):
    client.force_login(cast.a.viewer)
    short = _soup(client.get(_url("interventions:gap_analysis", cast.a.place, "horizon=6")))
    long = _soup(client.get(_url("interventions:gap_analysis", cast.a.place, "horizon=24")))

    # The apprenticeships are a local programme (a pilot to scale) whatever the horizon; the
    # childcare pledge ends in nine months, so only the two-year horizon reaches it.
    assert _titles(short, "build-on-table") == ["Green apprenticeships"]
    assert _titles(long, "build-on-table") == ["Childcare pledge", "Green apprenticeships"]
    assert "ends within 6 months" in _words(short.get_text())
    assert "ends within 24 months" in _words(long.get_text())
    # The horizon chooses nothing, so the page does not say the interventions are filtered.
    assert "counting only the interventions the filters select" not in long.get_text()
    _assert_page_matches(long, gap_analysis(place=cast.a.place, horizon_months=24))


# --- 3. Charts: JSON data blocks, no inline script, a table each -------------------------------------------------


def _chart_section(soup: BeautifulSoup, chart_id: str):
    return soup.select_one(f'section[aria-labelledby="{chart_id}-heading"]')


def test_the_three_charts_are_json_data_blocks_with_a_table_each_and_no_inline_script(client, cast, work):
    # A title that would end a data block early if the JSON were not escaped.
    _link(WellbeingOutcomeFactory(place=cast.a.place, title=HOSTILE_TITLE, priority_rank=4))
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:gap_analysis", cast.a.place)))

    data_blocks = soup.select('script[type="application/json"]')
    assert sorted(block["id"] for block in data_blocks) == sorted(CHART_DATA_IDS)
    for block in data_blocks:
        figure = json.loads(block.string)
        assert figure["data"], block["id"]
        assert soup.select_one(f'div.app-chart[data-chart="{block["id"]}"]'), block["id"]
    others = [script for script in soup.find_all("script") if script.get("type") != "application/json"]
    assert others
    for script in others:
        assert script.get("src"), f"inline script: {script}"
        assert not (script.string or "").strip(), f"script with a src and a body: {script}"

    for data_id in CHART_DATA_IDS:
        chart_id = data_id.removesuffix("-data")
        table = _chart_section(soup, chart_id).select_one("table")
        assert table is not None, chart_id
        assert table.select("tbody tr"), chart_id
    # With few interventions the heatmap has a column for each.
    heatmap_columns = [th.get_text(strip=True) for th in _chart_section(soup, "chart-heatmap").select("thead th")]
    assert f"{work['apprenticeships'].reference} Green apprenticeships" in heatmap_columns
    coverage_rows = _chart_section(soup, "chart-coverage").select("tbody tr")
    assert len(coverage_rows) == 4
    assert HOSTILE_TITLE in coverage_rows[-1].get_text()


def test_with_more_than_25_interventions_the_heatmap_groups_them_by_kind_and_level(client, cast, work):
    for number in range(26):
        _link(work["fair_work"], title=f"Small project {number}", kind="project")
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:gap_analysis", cast.a.place)))

    # 29 contributing interventions: apprenticeships, retrofit + 26 projects, the childcare pledge.
    expected = ["Policy · National", "Programme · Local", "Project · Local"]
    section = _chart_section(soup, "chart-heatmap")
    assert [th.get_text(strip=True) for th in section.select("thead th")] == ["Outcome", *expected]
    figure = json.loads(soup.select_one("#chart-heatmap-data").string)
    assert figure["data"][0]["x"] == expected
    assert "kind and level of intervention" in section.get_text()


def test_two_outcomes_of_the_same_priority_with_similar_long_titles_each_get_their_own_bar_and_row(client, cast):
    # The outcome form says "Two outcomes may share a priority", and titles only have to be unique
    # in full; the charts' labels are "<rank>. <title cut to LABEL_LENGTH (20) characters>", and Plotly draws equal
    # category labels as one category, so these two outcomes would share one bar and one heatmap row.
    for title in (
        "Improve outcomes for young people leaving care",
        "Improve outcomes for young people in the justice system",
    ):
        _link(WellbeingOutcomeFactory(place=cast.a.place, title=title, priority_rank=2))
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:gap_analysis", cast.a.place)))

    for data_id in ("chart-coverage-data", "chart-heatmap-data"):
        labels = json.loads(soup.select_one(f"#{data_id}").string)["data"][0]["y"]
        assert len(labels) == 3, data_id
        assert len(set(labels)) == len(labels), f"{data_id}: outcomes share a label: {labels}"


def test_a_place_with_no_outcomes_has_no_charts_and_says_what_to_do(client, cast):
    WellbeingOutcome.objects.filter(place=cast.a.place).delete()
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:gap_analysis", cast.a.place)))
    assert "has no priority wellbeing outcomes yet" in _words(soup.get_text())
    assert not soup.select('script[type="application/json"]')
    assert not soup.select("tr[data-outcome]")


# --- 4. Nothing crosses places -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["interventions:gap_analysis", "interventions:gap_analysis_print"])
def test_place_bs_outcomes_interventions_and_organisations_never_appear_on_as_page(client, cast, work, name):
    client.force_login(cast.a.viewer)
    response = client.get(_url(name, cast.a.place))
    assert response.status_code == 200
    page = response.content.decode()
    for secret in B_SECRETS:
        assert secret not in page
    assert "Fair work for women in Place A" in page


# --- 5. The region view ------------------------------------------------------------------------------------------


def _region_places(soup: BeautifulSoup) -> list[str]:
    return [row["data-place"] for row in soup.select("#region-table tbody tr")]


def test_a_member_of_one_place_sees_only_its_own_place_in_the_region(client, cast, work, region):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:region_gap_analysis", cast.a.place)))

    assert _region_places(soup) == ["place-a"]
    text = _words(soup.get_text())
    assert "1 other member place is not shown because you do not have access to it." in text
    row = [_words(td.get_text()) for td in soup.select('tr[data-place="place-a"] td')]
    assert row == ["3", "1", "0", "2", "0", "2"]  # outcomes, gap, thin, covered, strong, active work
    for secret in B_SECRETS:
        assert secret not in text
    assert "Place B" not in [h2.get_text(strip=True) for h2 in soup.select("h2")]


def test_a_member_of_both_places_sees_both_side_by_side(client, cast, work, region):
    MembershipFactory(user=cast.a.viewer, place=cast.b.place, role=Role.VIEWER)
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:region_gap_analysis", cast.a.place)))

    assert _region_places(soup) == ["place-a", "place-b"]
    text = _words(soup.get_text())
    assert "not shown" not in text
    assert "Secret outcome of Place B" in text
    assert "Fair work for women in Place A" in text


def test_the_gap_page_links_to_each_region_the_place_is_in(client, cast, region):
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:gap_analysis", cast.a.place)))
    link = soup.find("a", string=lambda text: text and "Compare across Forth Valley region" in text)
    assert link["href"] == _url("interventions:region_gap_analysis", cast.a.place)


def test_a_region_that_does_not_contain_the_place_is_404(client, cast):
    elsewhere = PlaceFactory(name="Elsewhere region", slug="elsewhere", kind=Place.Kind.REGION)
    elsewhere.member_councils.set([PlaceFactory(name="Another council")])
    client.force_login(cast.a.viewer)
    for slug in ("elsewhere", "nowhere"):
        url = _url("interventions:region_gap_analysis", cast.a.place, region_slug=slug)
        assert client.get(url).status_code == 404, slug


def test_a_region_of_place_b_only_is_404_under_as_address_even_for_a_member_of_both(client, cast):
    b_only = PlaceFactory(name="Place B's region", slug="b-only", kind=Place.Kind.REGION)
    b_only.member_councils.set([cast.b.place])
    MembershipFactory(user=cast.a.viewer, place=cast.b.place, role=Role.VIEWER)
    client.force_login(cast.a.viewer)
    assert client.get(_url("interventions:region_gap_analysis", cast.a.place, region_slug="b-only")).status_code == 404
    # Under B's own address it is there.
    assert client.get(_url("interventions:region_gap_analysis", cast.b.place, region_slug="b-only")).status_code == 200


# --- 6. The print version lists every row ------------------------------------------------------------------------


def test_the_print_version_lists_every_shift_the_dial_row(client, cast):
    fair_work = WellbeingOutcome.objects.get(place=cast.a.place)
    for number in range(30):
        _link(fair_work, title=f"Active work {number:02d}")
    client.force_login(cast.a.viewer)

    page = _soup(client.get(_url("interventions:gap_analysis", cast.a.place)))
    assert "The first 25 of 30 are shown" in _words(page.get_text())
    assert len(page.select("#shift-table tbody tr")) == 25

    printed = _soup(client.get(_url("interventions:gap_analysis_print", cast.a.place)))
    assert len(printed.select("#shift-table tbody tr")) == 30
    assert "The first 25" not in printed.get_text()
    assert _words(COVERAGE_FORMULA) in _words(printed.get_text())
    _assert_page_matches(printed, gap_analysis(place=cast.a.place))


def test_the_print_version_says_which_filters_it_counts(client, cast, work):
    client.force_login(cast.a.viewer)
    printed = _soup(client.get(_url("interventions:gap_analysis_print", cast.a.place, "status=planned")))
    assert "Status: Planned" in _words(printed.get_text())
    planned = Intervention.objects.for_place(cast.a.place).filter(status="planned")
    _assert_page_matches(printed, gap_analysis(place=cast.a.place, interventions=planned))

    unusable = _soup(client.get(_url("interventions:gap_analysis_print", cast.a.place, f"lead={work['b_college'].pk}")))
    assert "These filters cannot be used" in unusable.get_text()
    assert not unusable.select("tr[data-outcome]")


# --- 7. Query counts ---------------------------------------------------------------------------------------------


def _grow(place_cast, count: int) -> None:
    outcomes = list(WellbeingOutcome.objects.filter(place=place_cast.place))
    for _ in range(count):
        intervention = InterventionFactory(place=place_cast.place, owner=place_cast.officer)
        for outcome in outcomes:
            ContributionFactory(intervention=intervention, outcome=outcome)


def test_gap_page_queries_do_not_grow_with_interventions(client, cast):
    # 1 session, 1 user, 1 memberships with their places (access, role and can_report);
    # the analysis: 1 outcomes, 1 their NPF outcomes, 1 their NPF indicators, 1 the delivery groups
    # covering them, 1 contributions, 1 tagged spend; the filter form: 1 lead organisations,
    # 1 delivery groups, 1 CWB pillars; 1 the place's regions.
    place = cast.a.place
    WellbeingOutcomeFactory(place=place, title="Warm homes in Place A")
    client.force_login(cast.a.viewer)
    url = _url("interventions:gap_analysis", place, "status=active&horizon=24")
    _grow(cast.a, 2)
    few, _ = _queries(client, url)
    _grow(cast.a, 38)
    many, sql = _queries(client, url)
    assert few == many == 13, sql


def test_region_view_queries_do_not_grow_with_member_places(client, cast, region):
    # 1 session, 1 user, 1 memberships (access, and who may see each member), 1 the region among
    # the place's regions, 1 member places, 1 member count; then gap_analyses() for every member
    # shown at once: 1 outcomes, 1 their NPF outcomes, 1 their NPF indicators, 1 the delivery groups
    # covering them, 1 contributions, 1 tagged spend of every member.
    region.member_councils.set([cast.a.place])
    _grow(cast.a, 3)
    client.force_login(cast.a.viewer)
    url = _url("interventions:region_gap_analysis", cast.a.place)
    one, _ = _queries(client, url)

    for number in range(2):
        member = PlaceFactory(name=f"Member council {number}")
        MembershipFactory(user=cast.a.viewer, place=member, role=Role.VIEWER)
        outcome = WellbeingOutcomeFactory(place=member)
        outcome.national_outcomes.set(NationalOutcome.objects.all()[:2])
        for _ in range(3):
            _link(outcome)
        region.member_councils.add(member)
    three, sql = _queries(client, url)
    assert one == three == 12, sql
    soup = _soup(client.get(url))
    assert len(soup.select("#region-table tbody tr")) == 3


def test_the_coverage_table_shows_each_outcomes_tagged_spend_and_the_share_to_gaps(client, cast, work):
    place = cast.a.place
    outcomes = list(WellbeingOutcome.objects.for_place(place))
    line = BudgetLineFactory(place=place, financial_year="2025/26", amount_gbp=Decimal("10000"))
    for outcome in outcomes:
        BudgetShareFactory(line=line, outcome=outcome, percent=10)
    client.force_login(cast.a.viewer)
    soup = _soup(client.get(_url("interventions:gap_analysis", place)))
    analysis = gap_analysis(place=place)
    for outcome in analysis.outcomes:
        cell = soup.select_one(f'tr[data-outcome="{outcome.pk}"] td[data-tagged-spend]')
        assert _money(cell.get_text()) == outcome.tagged_spend == Decimal("1000.00")
    sentence = _words(soup.select_one("#tagged-spend").get_text())
    assert f"{analysis.spend_to_gaps_share}% goes to outcomes whose status is gap or thin" in sentence
    assert "Of the 2025/26 budget tagged to priority outcomes" in sentence
