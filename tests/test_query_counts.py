"""Query budgets: the number of queries a page makes must not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interventions.models import Intervention
from tests.factories import (
    ContributionFactory,
    DeliveryGroupFactory,
    GroupAssignmentFactory,
    InterventionFactory,
    LocalIndicatorFactory,
    MembershipFactory,
    ObservationFactory,
    OrganisationFactory,
    PartnershipFactory,
    PlaceFactory,
    WellbeingOutcomeFactory,
)
from wellbeing.models import CwbPillar, NationalIndicator, NationalOutcome, Role, WellbeingOutcome


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


def _grow_interventions(place_cast, count: int) -> None:
    outcomes = list(WellbeingOutcome.objects.filter(place=place_cast.place)) + [
        WellbeingOutcomeFactory(place=place_cast.place) for _ in range(2)
    ]
    partner = OrganisationFactory(place=place_cast.place)
    for _ in range(count):
        intervention = InterventionFactory(place=place_cast.place, owner=place_cast.officer)
        intervention.partners.add(partner)
        for outcome in outcomes:
            ContributionFactory(intervention=intervention, outcome=outcome)


def test_register_queries_do_not_grow_with_interventions(client, cast):
    # 1 session, 1 user, 1 memberships (access), 1 lead organisations, 1 delivery groups and
    # 1 outcomes for the filter choices, 1 CWB pillars, 1 count, 1 the page of interventions with
    # their annotations, 1 the place's delivery groups each of them is in.
    client.force_login(cast.a.viewer)
    url = f"/places/{cast.a.place.slug}/interventions/?status=active&sort=-assessed"
    _grow_interventions(cast.a, 2)
    few, _ = _queries(client, url)
    _grow_interventions(cast.a, 40)
    many, sql = _queries(client, url)
    assert few == many == 10, "\n".join(sql)


def test_intervention_page_queries_do_not_grow_with_links_or_history(client, cast):
    # 1 session, 1 user, 1 memberships, 1 the intervention, 1 partners, 1 CWB pillars, 1 its links
    # to this place's outcomes; history: 1 records, 1 + 1 their partners, 1 + 1 their pillars,
    # 1 links' records.
    client.force_login(cast.a.officer)
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    intervention.partners.add(OrganisationFactory(place=cast.a.place))
    intervention.cwb_pillars.add(CwbPillar.objects.first())
    url = f"/places/{cast.a.place.slug}/interventions/{intervention.pk}/"
    few, _ = _queries(client, url)
    for number in range(6):
        outcome = WellbeingOutcomeFactory(place=cast.a.place)
        link = ContributionFactory(intervention=intervention, outcome=outcome)
        link.effectiveness = "strong"
        link.save()
        intervention.partners.add(OrganisationFactory(place=cast.a.place))
        intervention.status = ["active", "paused"][number % 2]
        intervention.save()
    many, sql = _queries(client, url)
    assert few == many == 13, "\n".join(sql)


def test_outcome_page_queries_do_not_grow_with_interventions(client, cast):
    client.force_login(cast.a.viewer)
    outcome = WellbeingOutcome.objects.get(place=cast.a.place)
    outcome.national_outcomes.set(NationalOutcome.objects.all()[:2])
    outcome.national_indicators.set(NationalIndicator.objects.all()[:2])
    ObservationFactory(indicator=LocalIndicatorFactory(outcome=outcome))
    url = f"/places/{cast.a.place.slug}/outcomes/{outcome.pk}/"
    few, _ = _queries(client, url)
    for number in range(10):
        ContributionFactory(intervention=InterventionFactory(place=cast.a.place), outcome=outcome)
        outcome.priority_rank = number + 1
        outcome.save()
    many, sql = _queries(client, url)
    # 1 session, 1 user, 1 memberships, 1 outcome, 1 NPF outcomes, 1 NPF indicators, 1 contributions;
    # history: 1 records, 1 + 1 their NPF outcomes, 1 + 1 their NPF indicators; "Is the dial
    # shifting?": 1 local indicators with their NPF indicator, 1 their observations, and their
    # history: 1 indicators' records, 1 observations' records (fixed from 2 to 20 indicators:
    # tests/test_indicators.py).
    assert few == many == 16, "\n".join(sql)


def _grow_groups(place_cast, count: int) -> None:
    """`count` more delivery groups, each carrying every intervention of the place."""
    partnership = PartnershipFactory(place=place_cast.place)
    interventions = list(Intervention.objects.filter(place=place_cast.place))
    for _ in range(count):
        group = DeliveryGroupFactory(partnership=partnership)
        for intervention in interventions:
            GroupAssignmentFactory(group=group, intervention=intervention)


def test_register_queries_for_a_partnership_lead_do_not_grow_with_groups_or_assignments(client, cast):
    # The viewer's 10 (test_register_queries_do_not_grow_with_interventions), filtered by a
    # delivery group: 1 that group (the filter's value); and for the bulk assignment form: 1 the
    # place's delivery groups with their partnerships.
    client.force_login(cast.a.partnership_lead)
    _grow_interventions(cast.a, 2)
    _grow_groups(cast.a, 1)
    group = DeliveryGroupFactory(partnership=PartnershipFactory(place=cast.a.place))
    url = f"/places/{cast.a.place.slug}/interventions/?group={group.pk}&sort=-assessed"
    for intervention in Intervention.objects.filter(place=cast.a.place):
        GroupAssignmentFactory(group=group, intervention=intervention)
    few, _ = _queries(client, url)
    _grow_interventions(cast.a, 30)
    _grow_groups(cast.a, 4)
    for intervention in Intervention.objects.filter(place=cast.a.place).exclude(group_assignments__group=group):
        GroupAssignmentFactory(group=group, intervention=intervention)
    many, sql = _queries(client, url)
    assert few == many == 12, "\n".join(sql)
    assert client.get(url).content.decode().count('name="interventions"') == 25
