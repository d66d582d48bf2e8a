"""Reference data: exact NPF counts, councils and regions, idempotent and all-or-nothing loading."""

import re
import shutil

import pytest
from django.core.management import call_command

from wellbeing.models import (
    AnchorInstitutionType,
    CwbPillar,
    FairWorkCriterion,
    NationalIndicator,
    NationalOutcome,
    Place,
)
from wellbeing.services import REFERENCE_DIR, ReferenceDataError, reference_data_load

pytestmark = pytest.mark.usefixtures("reference_data")


def test_npf_has_exactly_11_outcomes_and_81_indicators_each_linked_to_its_outcomes():
    assert NationalOutcome.objects.count() == 11
    assert NationalIndicator.objects.count() == 81
    assert not NationalIndicator.objects.filter(outcomes=None).exists()
    assert NationalIndicator.outcomes.through.objects.count() == 84
    shared = NationalIndicator.objects.filter(
        name__in=["Greenhouse gas emissions", "Natural capital", "Carbon footprint"]
    )
    for indicator in shared:
        assert sorted(indicator.outcomes.values_list("code", flat=True)) == ["ECO", "ENV"]


def test_npf_indicator_name_checked_against_the_public_page_is_used():
    indicator = NationalIndicator.objects.get(name="A positive experience for people coming to live in Scotland")
    assert list(indicator.outcomes.values_list("name", flat=True)) == ["International"]


def test_32_council_areas_with_unique_ons_codes_and_12_regions_with_their_councils():
    councils = Place.objects.filter(kind=Place.Kind.COUNCIL, is_demo=False)
    assert councils.count() == 32
    codes = list(councils.values_list("ons_code", flat=True))
    assert len(set(codes)) == 32 and all(code.startswith("S12") and len(code) == 9 for code in codes)
    assert Place.objects.get(name="Clackmannanshire").ons_code == "S12000005"
    regions = Place.objects.filter(kind=Place.Kind.REGION)
    assert regions.count() == 12
    stirling_clacks = regions.get(name="Stirling and Clackmannanshire City Region Deal")
    assert sorted(stirling_clacks.member_councils.values_list("name", flat=True)) == ["Clackmannanshire", "Stirling"]
    assert regions.get(name="Glasgow City Region City Deal").member_councils.count() == 8


def test_cwb_pillars_fair_work_criteria_and_anchor_types_are_loaded():
    assert CwbPillar.objects.count() == 5
    assert FairWorkCriterion.objects.count() == 7
    assert AnchorInstitutionType.objects.filter(code="housing").exists()


def test_loading_again_changes_nothing():
    before = (
        Place.objects.count(),
        NationalIndicator.objects.count(),
        NationalIndicator.outcomes.through.objects.count(),
    )
    call_command("load_reference", verbosity=0)
    after = (
        Place.objects.count(),
        NationalIndicator.objects.count(),
        NationalIndicator.outcomes.through.objects.count(),
    )
    assert before == after


def test_a_renamed_indicator_or_region_is_updated_in_place_not_duplicated(tmp_path):
    renamed = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, renamed)
    for name, old, new in [
        ("npf_national_indicators.csv", "Healthy life expectancy", "Healthy life expectancy at birth"),
        (
            "regional_deals.csv",
            ",Falkirk Growth Deal,regional growth deal,Falkirk",
            ",Falkirk Region Growth Deal,regional growth deal,Falkirk Council Area",
        ),
        ("council_areas.csv", "Falkirk,", "Falkirk Council Area,"),
    ]:
        text = (renamed / name).read_text(encoding="utf-8")
        (renamed / name).write_text(text.replace(old, new), encoding="utf-8")

    reference_data_load(directory=renamed)

    assert NationalIndicator.objects.count() == 81
    assert NationalIndicator.objects.get(name="Healthy life expectancy at birth").code == "HEA01"
    assert Place.objects.filter(kind=Place.Kind.REGION).count() == 12
    assert Place.objects.get(slug="falkirk-growth-deal").name == "Falkirk Region Growth Deal"
    falkirk = Place.objects.get(ons_code="S12000014")
    assert (falkirk.name, falkirk.slug) == ("Falkirk Council Area", "falkirk")
    assert list(Place.objects.get(slug="falkirk-growth-deal").member_councils.all()) == [falkirk]


def test_indicator_names_can_be_swapped_in_one_load(tmp_path):
    swapped = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, swapped)
    text = (swapped / "npf_national_indicators.csv").read_text(encoding="utf-8")
    text = text.replace("CYP01,CYP,Child social and physical development", "CYP01,CYP,@@")
    text = text.replace("CYP02,CYP,Child wellbeing and happiness", "CYP02,CYP,Child social and physical development")
    text = text.replace("CYP01,CYP,@@", "CYP01,CYP,Child wellbeing and happiness")
    (swapped / "npf_national_indicators.csv").write_text(text, encoding="utf-8")

    reference_data_load(directory=swapped)

    assert NationalIndicator.objects.get(code="CYP01").name == "Child wellbeing and happiness"
    assert NationalIndicator.objects.get(code="CYP02").name == "Child social and physical development"


def test_a_region_code_never_takes_over_another_place(tmp_path):
    from tests.factories import PlaceFactory

    Place.objects.filter(slug="moray-growth-deal").update(slug="moray-growth-deal-old")
    PlaceFactory(name="A council that took the slug", slug="moray-growth-deal")
    with pytest.raises(ReferenceDataError, match="already the address of a place that is not a region"):
        reference_data_load()
    assert Place.objects.get(slug="moray-growth-deal").kind == Place.Kind.COUNCIL


def test_a_broken_file_changes_nothing_and_says_what_is_wrong(tmp_path):
    broken = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, broken)
    outcomes = (broken / "npf_national_outcomes.csv").read_text(encoding="utf-8")
    (broken / "npf_national_outcomes.csv").write_text(
        outcomes.replace("Children and Young People", "Renamed outcome"), encoding="utf-8"
    )
    deals = (broken / "regional_deals.csv").read_text(encoding="utf-8")
    (broken / "regional_deals.csv").write_text(
        deals.replace(
            "Falkirk Growth Deal,regional growth deal,Falkirk",
            "Falkirk Growth Deal,regional growth deal,Falkirk;Atlantis",
        ),
        encoding="utf-8",
    )

    with pytest.raises(
        ReferenceDataError, match=re.escape("Falkirk Growth Deal lists councils not in council_areas.csv: Atlantis")
    ):
        reference_data_load(directory=broken)

    # The outcome renamed before the error was rolled back with the rest.
    assert NationalOutcome.objects.filter(name="Children and Young People").exists()
    assert not NationalOutcome.objects.filter(name="Renamed outcome").exists()
