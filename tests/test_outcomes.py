"""A place's key wellbeing outcomes: list, page, add and change, with safe concurrent edits."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import ContributionFactory, InterventionFactory
from wellbeing.models import NationalIndicator, NationalOutcome, WellbeingOutcome


def _errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".govuk-error-summary__list li")]


def _post(**overrides) -> dict:
    national = NationalOutcome.objects.get(code="FWB")
    indicator = NationalIndicator.objects.get(name="Pay gap")
    return {
        "title": "Good green jobs",
        "description": "More people in fair, green work.",
        "priority_rank": "2",
        "drivers": "Low-paid sectors\nChildcare costs",
        "national_outcomes": [str(national.pk)],
        "national_indicators": [str(indicator.pk)],
        **overrides,
    }


def test_an_officer_adds_an_outcome_with_drivers_and_npf_links(client, cast):
    client.force_login(cast.a.officer)
    response = client.post(f"/places/{cast.a.place.slug}/outcomes/new/", _post())
    assert response.status_code == 302, _errors(response)
    outcome = WellbeingOutcome.objects.get(title="Good green jobs")
    assert outcome.place == cast.a.place
    assert outcome.driver_list == ["Low-paid sectors", "Childcare costs"]
    assert [n.code for n in outcome.national_outcomes.all()] == ["FWB"]
    page = client.get(response.headers["Location"]).content.decode()
    assert "Childcare costs" in page and "Pay gap" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter the outcome's title"),
        ({"title": "fair work for women in place a"}, "Place A already has an outcome called"),
        ({"priority_rank": "0"}, "Priority must be 1 or more"),
        ({"priority_rank": "first"}, "Priority must be a whole number, like 1 or 2"),
        ({"national_outcomes": ["999999"]}, "Select a valid choice"),
    ],
)
def test_bad_outcome_input_is_explained_and_nothing_saved(client, cast, overrides, message):
    client.force_login(cast.a.officer)
    before = WellbeingOutcome.objects.count()
    response = client.post(f"/places/{cast.a.place.slug}/outcomes/new/", _post(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in _errors(response)), _errors(response)
    assert WellbeingOutcome.objects.count() == before


def test_another_places_outcome_is_404_to_view_and_to_edit(client, cast):
    b_outcome = WellbeingOutcome.objects.get(place=cast.b.place)
    client.force_login(cast.a.place_admin)
    assert client.get(f"/places/{cast.a.place.slug}/outcomes/{b_outcome.pk}/").status_code == 404
    response = client.post(f"/places/{cast.a.place.slug}/outcomes/{b_outcome.pk}/edit/", _post(version="1"))
    assert response.status_code == 404
    b_outcome.refresh_from_db()
    assert b_outcome.title == "Secret outcome of Place B"


def test_the_second_of_two_concurrent_outcome_edits_is_refused(client, cast):
    outcome = WellbeingOutcome.objects.get(place=cast.a.place)
    url = f"/places/{cast.a.place.slug}/outcomes/{outcome.pk}/edit/"
    client.force_login(cast.a.place_admin)
    assert client.post(url, _post(title="First edit", version="1")).status_code == 302
    client.force_login(cast.a.officer)
    response = client.post(url, _post(title="Second edit", version="1"))
    assert any("Someone else saved this outcome" in e for e in _errors(response))
    assert BeautifulSoup(response.content, "html.parser").select_one("#id_title")["value"] == "Second edit"
    outcome.refresh_from_db()
    assert (outcome.title, outcome.version) == ("First edit", 2)
    # The refused save left no history; the first edit's records name who made it.
    assert {record.history_user for record in outcome.history.all()} == {None, cast.a.place_admin}


def test_the_outcome_page_lists_every_contributing_intervention(client, cast):
    outcome = WellbeingOutcome.objects.get(place=cast.a.place)
    for title in ("Living wage drive", "Fair work charter"):
        ContributionFactory(intervention=InterventionFactory(place=cast.a.place, title=title), outcome=outcome)
    client.force_login(cast.a.viewer)
    page = client.get(f"/places/{cast.a.place.slug}/outcomes/{outcome.pk}/").content.decode()
    assert "Living wage drive" in page and "Fair work charter" in page
    listing = BeautifulSoup(client.get(f"/places/{cast.a.place.slug}/outcomes/").content, "html.parser")
    row = listing.find("a", string=outcome.title).find_parent("tr")
    assert row.select("td")[2].get_text(strip=True) == "2"
