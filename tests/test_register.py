"""The register: filters in the URL, htmx updates, sorting, pagination, and nothing across places."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from tests.factories import ContributionFactory, InterventionFactory, OrganisationFactory, WellbeingOutcomeFactory
from wellbeing.models import CwbPillar, WellbeingOutcome


def _titles(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [th.a.get_text(strip=True) for th in soup.select("tbody th[scope=row]")]


@pytest.fixture
def register(cast):
    place = cast.a.place
    fair_work = WellbeingOutcome.objects.get(place=place)
    housing = WellbeingOutcomeFactory(place=place, title="Warm homes", priority_rank=2)
    college = OrganisationFactory(place=place, name="Forth Valley College")
    council = OrganisationFactory(place=place, name="Clackmannanshire Council")
    long_ago = timezone.localdate() - timedelta(days=400)
    apprenticeships = InterventionFactory(
        place=place, title="Green apprenticeships", kind="programme", status="active", lead_organisation=college
    )
    apprenticeships.cwb_pillars.add(CwbPillar.objects.get(code="workforce"))
    ContributionFactory(intervention=apprenticeships, outcome=fair_work, effectiveness="strong")
    retrofit = InterventionFactory(
        place=place, title="Retrofit pilot", kind="project", status="planned", lead_organisation=council
    )
    ContributionFactory(intervention=retrofit, outcome=housing, effectiveness="limited", assessed_on=long_ago)
    ContributionFactory(intervention=retrofit, outcome=fair_work, effectiveness="unknown")
    InterventionFactory(
        place=place, title="Procurement charter", kind="policy", status="paused", lead_organisation=council
    )
    InterventionFactory(place=cast.b.place, title="Place B secret scheme")
    return {"fair_work": fair_work, "housing": housing, "college": college, "retrofit": retrofit}


def _get(client, cast, query: str = "", **headers):
    return client.get(f"/places/{cast.a.place.slug}/interventions/?{query}", **headers)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Green apprenticeships", "Procurement charter", "Retrofit pilot"]),
        ("kind=programme&kind=policy", ["Green apprenticeships", "Procurement charter"]),
        ("status=planned", ["Retrofit pilot"]),
        ("q=RETROFIT", ["Retrofit pilot"]),
        ("effectiveness=strong", ["Green apprenticeships"]),
        ("assessment=stale", ["Retrofit pilot"]),
        ("assessment=current", ["Green apprenticeships"]),
        ("pillar=workforce", ["Green apprenticeships"]),
        ("sort=-title", ["Retrofit pilot", "Procurement charter", "Green apprenticeships"]),
    ],
)
def test_filters_live_in_the_url(client, cast, register, query, expected):
    client.force_login(cast.a.viewer)
    assert _titles(_get(client, cast, query)) == expected


def test_filters_by_outcome_lead_and_reference(client, cast, register):
    client.force_login(cast.a.viewer)
    assert _titles(_get(client, cast, f"outcome={register['housing'].pk}")) == ["Retrofit pilot"]
    assert _titles(_get(client, cast, f"lead={register['college'].pk}")) == ["Green apprenticeships"]
    assert _titles(_get(client, cast, f"q={register['retrofit'].reference.lower()}")) == ["Retrofit pilot"]
    # An intervention with two links is listed once when filtered by effectiveness or outcome.
    assert _titles(_get(client, cast, f"outcome={register['fair_work'].pk}")) == [
        "Green apprenticeships",
        "Retrofit pilot",
    ]


def test_another_places_ids_in_filters_list_nothing_and_say_why(client, cast, register):
    client.force_login(cast.a.viewer)
    b_outcome = WellbeingOutcome.objects.get(place=cast.b.place)
    response = _get(client, cast, f"outcome={b_outcome.pk}")
    assert response.status_code == 200
    assert _titles(response) == []
    page = response.content.decode()
    assert "These filters cannot be used" in page and "Select a valid choice" in page
    assert "Place B secret scheme" not in page and "Secret outcome of Place B" not in page


def test_htmx_gets_only_the_results_and_plain_requests_the_whole_page(client, cast, register):
    client.force_login(cast.a.viewer)
    partial = _get(client, cast, "status=planned", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Retrofit pilot" in partial and "1 intervention" in partial
    full = _get(client, cast, "status=planned").content.decode()
    assert "<html" in full and 'hx-push-url="true"' in full


def test_pages_of_25_keep_the_filters_in_their_links(client, cast, register):
    for number in range(30):
        InterventionFactory(place=cast.a.place, title=f"Scheme {number:02d}", kind="service")
    client.force_login(cast.a.viewer)
    first = _get(client, cast, "kind=service")
    assert len(_titles(first)) == 25
    soup = BeautifulSoup(first.content, "html.parser")
    next_href = soup.select_one("a[rel=next]")["href"]
    assert "kind=service" in next_href and "page=2" in next_href
    assert _titles(_get(client, cast, next_href.lstrip("?"))) == [f"Scheme {n:02d}" for n in range(25, 30)]


def test_sort_headers_announce_the_order(client, cast, register):
    client.force_login(cast.a.viewer)
    soup = BeautifulSoup(_get(client, cast, "sort=-title").content, "html.parser")
    title_header = next(th for th in soup.select("thead th") if "Title" in th.get_text())
    assert title_header["aria-sort"] == "descending"
    assert "sort=title" in title_header.a["href"]


def test_a_history_restore_gets_the_whole_page_and_responses_vary_on_htmx(client, cast, register):
    client.force_login(cast.a.viewer)
    restored = _get(client, cast, "status=planned", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()
    assert "HX-Request" in restored["Vary"]
    partial = _get(client, cast, "status=planned", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="register-status" hx-swap-oob="innerHTML">1 intervention found' in partial


def test_rows_that_tie_on_the_sort_key_neither_repeat_nor_vanish_across_pages(client, cast):
    for number in range(40):
        InterventionFactory(place=cast.a.place, title=f"Tie {number:02d}", status="active")
    client.force_login(cast.a.viewer)
    seen = _titles(_get(client, cast, "sort=status")) + _titles(_get(client, cast, "sort=status&page=2"))
    assert sorted(seen) == [f"Tie {n:02d}" for n in range(40)]


@pytest.mark.parametrize("section", ["interventions", "gaps"])
def test_the_filter_forms_put_no_csrf_token_in_the_shared_url(client, cast, section):
    client.force_login(cast.a.viewer)
    html = client.get(f"/places/{cast.a.place.slug}/{section}/").content.decode()
    form = html[html.index('class="app-filter-form"') :]
    assert "csrfmiddlewaretoken" not in form[: form.index("</form>")]
