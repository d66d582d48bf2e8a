"""The demo place's illustrative interventions: idempotent, varied, and with gaps for the analysis to find."""

from datetime import date, timedelta

import pytest
from django.db.models import Q

from interventions.demo import (
    DEMO_GAP_OUTCOME,
    DEMO_INTERVENTIONS,
    DEMO_ORGANISATIONS,
    DEMO_THIN_OUTCOME,
    DemoSeedError,
    demo_interventions_seed,
)
from interventions.models import Contribution, Intervention, stale_before
from partnerships.models import Organisation
from tests.factories import PlaceFactory
from wellbeing.models import WellbeingOutcome
from wellbeing.services import DEMO_OUTCOMES, DemoDataRefused, demo_place_seed

pytestmark = pytest.mark.usefixtures("reference_data")

TODAY = date(2026, 11, 24)


@pytest.fixture
def place():
    return demo_place_seed().place


@pytest.fixture
def seeded(place):
    return demo_interventions_seed(place, today=TODAY)


def _interventions(place):
    return Intervention.objects.filter(Q(place=place) | Q(place__isnull=True, title__in=_titles()))


def _titles():
    return [spec.title for spec in DEMO_INTERVENTIONS]


def _contributions(place):
    return Contribution.objects.filter(intervention__in=_interventions(place))


def test_seeding_twice_gives_the_same_counts_and_no_duplicates_or_extra_history(place):
    first = demo_interventions_seed(place, today=TODAY)
    history = (Intervention.history.count(), Contribution.history.count())
    second = demo_interventions_seed(place, today=TODAY)

    assert first == second
    assert first["organisations"] == len(DEMO_ORGANISATIONS)
    assert _interventions(place).count() == first["interventions"] == len(DEMO_INTERVENTIONS)
    assert Intervention.objects.filter(place__isnull=True).count() == first["national interventions"]
    assert _contributions(place).count() == first["contributions"]
    assert Organisation.objects.for_place(place).count() == first["organisations"]
    # Nothing changed on the second run, so nothing new in the history either.
    assert (Intervention.history.count(), Contribution.history.count()) == history


def test_a_later_run_moves_the_dates_and_records_the_change(place):
    demo_interventions_seed(place, today=TODAY)
    versions = dict(_interventions(place).values_list("pk", "version"))
    demo_interventions_seed(place, today=TODAY + timedelta(days=30))

    assert _interventions(place).count() == len(DEMO_INTERVENTIONS)
    moved = _interventions(place).exclude(start_date=None).first()
    assert moved.version == versions[moved.pk] + 1
    assert moved.history.first().history_change_reason == "Illustrative demo data seeded"


def test_matching_ignores_case_so_renamed_records_are_updated_not_duplicated(place, seeded):
    council = Organisation.objects.get(place=place, name="Clackmannanshire Council")
    council.name = "CLACKMANNANSHIRE COUNCIL"
    council.save()
    Intervention.objects.filter(place=place, title="School clothing grant uplift").update(
        title="school clothing grant uplift"
    )

    assert demo_interventions_seed(place, today=TODAY) == seeded
    assert Organisation.objects.filter(place=place, name__iexact="clackmannanshire council").count() == 1
    assert Intervention.objects.filter(place=place, title__iexact="school clothing grant uplift").count() == 1


def test_about_forty_interventions_with_every_level_kind_and_status(place, seeded):
    interventions = _interventions(place)
    assert 38 <= seeded["interventions"] <= 45
    assert set(interventions.values_list("level", flat=True)) == set(Intervention.Level.values)
    assert set(interventions.values_list("kind", flat=True)) == set(Intervention.Kind.values)
    assert set(interventions.values_list("status", flat=True)) == set(Intervention.Status.values)
    assert all(1 <= intervention.contributions.count() <= 3 for intervention in interventions)


def test_national_interventions_are_shared_and_name_only_national_bodies(place, seeded):
    national = Intervention.objects.filter(level=Intervention.Level.NATIONAL)
    assert national.count() == seeded["national interventions"] >= 8
    assert not national.filter(place__isnull=False).exists()
    assert not Intervention.objects.filter(place__isnull=True).exclude(level=Intervention.Level.NATIONAL).exists()
    assert not national.filter(lead_organisation__place__isnull=False).exists()
    assert not Organisation.objects.filter(interventions_partnered__in=national, place__isnull=False).exists()
    assert not national.exclude(owner=None).exists()
    local = Intervention.objects.filter(place=place)
    assert set(local.values_list("owner__username", flat=True)) <= {"demo-officer", "demo-admin", "demo-lead"}


def test_every_contribution_is_to_an_outcome_of_the_demo_place(place, seeded):
    contributions = _contributions(place)
    assert contributions.count() == seeded["contributions"]
    assert not contributions.exclude(outcome__place=place).exists()
    assert Contribution.objects.for_place(place).count() == seeded["contributions"]


def test_every_outcome_is_reached_with_one_deliberate_gap_and_one_thin_outcome(place, seeded):
    titles = {title for title, *_ in DEMO_OUTCOMES}
    assert {spec_c.outcome for spec in DEMO_INTERVENTIONS for spec_c in spec.contributions} == titles
    for outcome in WellbeingOutcome.objects.filter(place=place):
        assert outcome.contributions.exists(), outcome.title

    active = Contribution.objects.for_place(place).filter(intervention__status=Intervention.Status.ACTIVE)
    # Gap: something is recorded against it, but none of that work is active now.
    assert Contribution.objects.for_place(place).filter(outcome__title=DEMO_GAP_OUTCOME).exists()
    assert not active.filter(outcome__title=DEMO_GAP_OUTCOME).exists()
    # Thin: only enabling work or work of unknown effectiveness.
    thin = Contribution.objects.for_place(place).filter(outcome__title=DEMO_THIN_OUTCOME)
    assert thin.count() >= 3
    assert not thin.exclude(
        Q(strength=Contribution.Strength.ENABLING) | Q(effectiveness=Contribution.Effectiveness.UNKNOWN)
    ).exists()
    # Every other outcome has active, primary work of known effectiveness.
    for title in titles - {DEMO_GAP_OUTCOME, DEMO_THIN_OUTCOME}:
        assert (
            active.filter(outcome__title=title, strength=Contribution.Strength.PRIMARY)
            .exclude(effectiveness=Contribution.Effectiveness.UNKNOWN)
            .exists()
        ), title


def test_about_fifteen_percent_of_assessments_are_stale(place, seeded):
    contributions = Contribution.objects.for_place(place)
    stale = contributions.stale(TODAY).count()
    assert 0.10 <= stale / contributions.count() <= 0.20
    assert not contributions.filter(Q(assessed_on=None) | Q(assessed_on__gt=TODAY)).exists()
    assert not contributions.filter(assessed_by=None).exists()


@pytest.mark.parametrize("stale_after_days", [90, 730])
def test_the_stale_share_follows_the_staleness_setting(place, settings, stale_after_days):
    settings.ASSESSMENT_STALE_AFTER_DAYS = stale_after_days
    demo_interventions_seed(place, today=TODAY)
    contributions = Contribution.objects.for_place(place)
    assert contributions.filter(assessed_on__lt=stale_before(TODAY)).count() / contributions.count() == (
        pytest.approx(0.15, abs=0.05)
    )


def test_dates_are_relative_to_the_seeding_day_with_some_work_ending_soon(place, seeded):
    interventions = _interventions(place)
    ending_soon = interventions.filter(
        status=Intervention.Status.ACTIVE, end_date__gte=TODAY, end_date__lte=TODAY + timedelta(days=183)
    )
    assert ending_soon.count() >= 4
    assert ending_soon.filter(contributions__effectiveness=Contribution.Effectiveness.STRONG).exists()
    assert not interventions.filter(status=Intervention.Status.COMPLETED, end_date__gte=TODAY).exists()
    assert not interventions.filter(status=Intervention.Status.PLANNED, start_date__lte=TODAY).exists()


def test_evidence_links_are_web_addresses_and_pillars_are_tagged(place, seeded):
    interventions = _interventions(place)
    links = [link for intervention in interventions for link in intervention.evidence_link_list]
    assert links and all(link.startswith("https://") for link in links)
    assert set(interventions.values_list("cwb_pillars__code", flat=True)) >= {
        "spending",
        "workforce",
        "land",
        "ownership",
        "finance",
    }


def test_refuses_a_place_that_is_not_a_demo_place():
    with pytest.raises(DemoDataRefused, match="not a demo place"):
        demo_interventions_seed(PlaceFactory(name="Real council"))
    assert not Intervention.objects.exists()


def test_refuses_under_production_settings(place, settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(DemoDataRefused, match="only created when DEBUG is on"):
        demo_interventions_seed(place)
    assert not Intervention.objects.exists()


def test_explains_what_is_missing_when_the_demo_outcomes_are_not_there():
    with pytest.raises(DemoSeedError, match="run demo_place_seed first"):
        demo_interventions_seed(PlaceFactory(is_demo=True))
    assert not Organisation.objects.exists()
