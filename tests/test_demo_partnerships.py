"""The demo place's illustrative anchor partnership, delivery groups, assignments and charter."""

from datetime import date, timedelta

import pytest

from interventions.demo import DemoSeedError, demo_interventions_seed
from interventions.models import Contribution, GroupAssignment, Intervention
from interventions.partnership_demo import (
    CHARTER_NAME,
    DEMO_UNGROUPED_OUTCOME,
    GROUPS,
    PARTNERSHIP_NAME,
    SEATS,
    SIGNATORIES,
    demo_partnerships_seed,
)
from partnerships.models import Charter, DeliveryGroup, Membership, Organisation, Partnership, Signatory
from tests.factories import PlaceFactory
from wellbeing.models import FairWorkCriterion, WellbeingOutcome
from wellbeing.services import DemoDataRefused, demo_place_seed

pytestmark = pytest.mark.usefixtures("reference_data")

TODAY = date(2026, 11, 24)
HISTORIES = (Partnership, Membership, DeliveryGroup, GroupAssignment, Charter, Signatory)


@pytest.fixture
def place():
    place = demo_place_seed().place
    demo_interventions_seed(place, today=TODAY)
    return place


@pytest.fixture
def seeded(place):
    return demo_partnerships_seed(place, today=TODAY)


def _history_counts():
    return [model.history.count() for model in HISTORIES] + [
        DeliveryGroup.outcomes.through.objects.count(),
        Signatory.commitments_met.through.objects.count(),
    ]


def test_seeding_twice_gives_the_same_rows_and_writes_no_new_history(place, seeded):
    rows = [model.objects.count() for model in HISTORIES]
    history = _history_counts()

    assert demo_partnerships_seed(place, today=TODAY) == seeded
    assert [model.objects.count() for model in HISTORIES] == rows
    assert _history_counts() == history


def test_an_anchor_partnership_with_four_delivery_groups_and_a_charter(place, seeded):
    partnership = Partnership.objects.get(place=place, name=PARTNERSHIP_NAME)
    assert partnership.kind == Partnership.Kind.ANCHOR
    assert [lead.username for lead in partnership.leads.all()] == ["demo-lead"]
    assert partnership.memberships.count() == len(SEATS) == seeded["members"]
    assert partnership.memberships.current().count() == len(SEATS) - 1  # one past member
    assert partnership.memberships.filter(role=Membership.Role.CHAIR).count() == 1
    assert partnership.delivery_groups.count() == 4 == len(GROUPS)
    assert GroupAssignment.objects.for_place(place).count() == seeded["group assignments"] >= 12
    # Every group's members sit on the partnership, and its lead is one of its members.
    seated = set(partnership.memberships.current().values_list("organisation_id", flat=True))
    for group in partnership.delivery_groups.all():
        assert set(group.members.values_list("pk", flat=True)) <= seated, group.name
        assert group.members.filter(pk=group.lead_organisation_id).exists(), group.name


def test_one_priority_outcome_is_left_to_no_group_so_the_partnership_page_flags_it(place, seeded):
    grouped = set(
        WellbeingOutcome.objects.filter(delivery_groups__partnership__place=place).values_list("title", flat=True)
    )
    ungrouped = set(WellbeingOutcome.objects.for_place(place).values_list("title", flat=True)) - grouped
    assert ungrouped == {DEMO_UNGROUPED_OUTCOME}


def test_some_active_work_on_a_groups_outcomes_is_in_no_group_so_it_could_join(place, seeded):
    grouped_outcomes = WellbeingOutcome.objects.filter(delivery_groups__partnership__place=place)
    could_join = (
        Contribution.objects.for_place(place)
        .filter(outcome__in=grouped_outcomes, intervention__status=Intervention.Status.ACTIVE)
        .exclude(intervention__group_assignments__group__partnership__place=place)
        .values("intervention")
        .distinct()
    )
    assert could_join.count() >= 3


def test_the_charter_has_the_fair_work_first_criteria_and_signatures_spread_over_time(place, seeded):
    charter = Charter.objects.get(place=place, name=CHARTER_NAME)
    titles = list(charter.commitments.values_list("title", flat=True))
    assert titles == list(FairWorkCriterion.objects.order_by("pk").values_list("criterion", flat=True))
    assert charter.signatories.count() == len(SIGNATORIES) == seeded["charter signatories"]
    council = charter.signatories.get(organisation__name="Clackmannanshire Council")
    assert council.commitments_met.count() == 7
    dates = sorted(charter.signatories.values_list("signed_on", flat=True))
    assert dates[0] >= charter.launched_on
    assert dates[-1] - dates[0] > timedelta(days=365)
    assert not charter.signatories.exclude(organisation__place=place).exists()


def test_a_place_that_is_not_a_demo_is_refused():
    with pytest.raises(DemoDataRefused):
        demo_partnerships_seed(PlaceFactory())


def test_a_missing_organisation_is_named_and_nothing_is_written(place):
    Organisation.objects.filter(place=place, name="Forth Valley College").update(name="Renamed college")
    with pytest.raises(DemoSeedError, match="Forth Valley College"):
        demo_partnerships_seed(place, today=TODAY)
    assert not Partnership.objects.filter(place=place).exists()
