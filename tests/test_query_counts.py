"""Query budgets: the number of queries a page makes must not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory, PlaceFactory, WellbeingOutcomeFactory
from wellbeing.models import NationalIndicator, NationalOutcome, Role


def _queries(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def _grow_place(place, outcomes: int) -> None:
    national = list(NationalOutcome.objects.all()[:3])
    indicators = list(NationalIndicator.objects.all()[:5])
    for _ in range(outcomes):
        outcome = WellbeingOutcomeFactory(place=place)
        outcome.national_outcomes.set(national)
        outcome.national_indicators.set(indicators)


def test_place_overview_queries_do_not_grow_with_outcomes(client, cast):
    # 1 session, 1 user, 1 memberships with places (access), 1 outcomes,
    # 1 their NPF outcomes, 1 their NPF indicators, 1 the council's regions.
    client.force_login(cast.a.viewer)
    url = f"/places/{cast.a.place.slug}/"
    few, _ = _queries(client, url)
    _grow_place(cast.a.place, outcomes=30)
    many, sql = _queries(client, url)
    assert few == many == 7, "\n".join(sql)


def test_home_queries_do_not_grow_with_places(client, cast):
    # 1 session, 1 user, 1 memberships with their places.
    client.force_login(cast.a.viewer)
    few, _ = _queries(client, "/")
    for _ in range(20):
        MembershipFactory(user=cast.a.viewer, place=PlaceFactory(), role=Role.ANALYST)
    many, sql = _queries(client, "/")
    assert few == many == 3, "\n".join(sql)


@pytest.mark.usefixtures("reference_data")
def test_npf_page_uses_a_fixed_number_of_queries(client, cast):
    # 1 session, 1 user, 1 outcomes with indicator counts, 1 their indicators.
    client.force_login(cast.outsider)
    count, sql = _queries(client, "/npf/")
    assert count == 4, "\n".join(sql)
