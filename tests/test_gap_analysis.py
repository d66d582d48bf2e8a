"""The gap analysis rules, pinned with hand-built cases: scores, statuses, budget shares, build on."""

from datetime import date
from decimal import Decimal

import pytest

from interventions.gap_analysis import (
    COVERAGE_FORMULA,
    REASON_ENDS_SOON,
    REASON_PILOT,
    STRONG_SCORE,
    Status,
    add_months,
    gap_analyses,
    gap_analysis,
)
from interventions.models import Contribution, Intervention
from tests.factories import (
    BudgetLineFactory,
    BudgetShareFactory,
    ContributionFactory,
    DeliveryGroupFactory,
    InterventionFactory,
    OrganisationFactory,
    PartnershipFactory,
    PlaceFactory,
    WellbeingOutcomeFactory,
)
from wellbeing.models import NationalIndicator, NationalOutcome

pytestmark = pytest.mark.django_db

ACTIVE = Intervention.Status.ACTIVE
PRIMARY, SECONDARY, ENABLING = Contribution.Strength
STRONG, MODERATE, LIMITED, UNKNOWN = Contribution.Effectiveness
TODAY = date(2025, 3, 15)


def link(outcome, *, strength=PRIMARY, effectiveness=MODERATE, **intervention):
    """An intervention of the outcome's place (unless given) linked to the outcome."""
    intervention.setdefault("place", outcome.place)
    made = InterventionFactory(**intervention)
    ContributionFactory(intervention=made, outcome=outcome, strength=strength, effectiveness=effectiveness)
    return made


def national_intervention(**fields) -> Intervention:
    fields.setdefault("lead_organisation", OrganisationFactory(place=None))
    return InterventionFactory(place=None, level=Intervention.Level.NATIONAL, **fields)


@pytest.fixture
def place_a(cast):
    return cast.a.place


@pytest.fixture
def outcome_a(place_a):
    return place_a.wellbeing_outcomes.get()


# --- Empty cases -------------------------------------------------------------------------------------------------


def test_a_place_with_no_outcomes_has_an_empty_analysis_in_one_query(django_assert_num_queries):
    place = PlaceFactory(name="Nowhere council")
    with django_assert_num_queries(1):  # the outcomes; nothing to prefetch or link
        analysis = gap_analysis(place=place, today=TODAY)
    assert analysis.place_pk == place.pk
    assert analysis.place_name == "Nowhere council"
    assert analysis.computed_on == TODAY
    assert analysis.horizon_months == 12
    assert analysis.outcomes == analysis.gaps == analysis.shift_the_dial == analysis.build_on == ()
    assert analysis.status_counts == {"gap": 0, "thin": 0, "covered": 0, "strong": 0}


def test_outcomes_with_no_interventions_are_gaps(place_a, outcome_a):
    WellbeingOutcomeFactory(place=place_a, title="Healthy homes", priority_rank=2)
    analysis = gap_analysis(place=place_a, today=TODAY)
    assert [item.title for item in analysis.outcomes] == [outcome_a.title, "Healthy homes"]
    for item in analysis.outcomes:
        assert (item.status, item.score, item.active_count, item.interventions) == (Status.GAP, 0, 0, ())
        assert item.budget_attributed == Decimal("0.00")
    assert analysis.gaps == analysis.outcomes
    assert analysis.status_counts == {"gap": 2, "thin": 0, "covered": 0, "strong": 0}


def test_a_filter_that_removes_everything_leaves_every_outcome_a_gap(place_a, outcome_a):
    link(outcome_a, effectiveness=STRONG, budget_gbp=Decimal("1000"), end_date=TODAY)
    analysis = gap_analysis(place=place_a, interventions=Intervention.objects.none(), today=TODAY)
    (item,) = analysis.outcomes
    assert item.status == Status.GAP
    assert item.interventions == ()
    assert item.budget_attributed == 0
    assert analysis.shift_the_dial == analysis.build_on == ()
    assert analysis.gaps == (item,)


def test_a_filter_keeps_only_the_interventions_it_selects(place_a, outcome_a):
    kept = link(outcome_a, title="Kept", kind=Intervention.Kind.SERVICE)
    link(outcome_a, title="Filtered out", kind=Intervention.Kind.POLICY)
    analysis = gap_analysis(
        place=place_a,
        interventions=Intervention.objects.filter(kind=Intervention.Kind.SERVICE).distinct().order_by("-title"),
        today=TODAY,
    )
    assert [c.pk for c in analysis.outcomes[0].interventions] == [kept.pk]


# --- Scores and statuses -----------------------------------------------------------------------------------------


def test_the_score_is_strength_weight_times_effectiveness_weight(place_a, outcome_a):
    cases = [
        (PRIMARY, STRONG, "3.0"),
        (PRIMARY, MODERATE, "1.8"),
        (SECONDARY, LIMITED, "0.6"),
        (ENABLING, UNKNOWN, "0.2"),
    ]
    for number, (strength, effectiveness, _) in enumerate(cases):
        link(outcome_a, title=f"Work {number}", strength=strength, effectiveness=effectiveness)
    item = gap_analysis(place=place_a, today=TODAY).outcomes[0]
    assert [(c.title, c.strength, c.effectiveness, c.score) for c in item.interventions] == [
        (f"Work {number}", strength, effectiveness, Decimal(score))
        for number, (strength, effectiveness, score) in enumerate(cases)
    ]
    assert item.score == Decimal("5.6")
    assert item.active_count == 4
    assert item.status == Status.COVERED


def test_statuses_follow_the_rules(place_a):
    def outcome(title: str, rank: int, *links):
        made = WellbeingOutcomeFactory(place=place_a, title=title, priority_rank=rank)
        for strength, effectiveness in links:
            link(made, strength=strength, effectiveness=effectiveness)

    outcome("Strong at six", 2, (PRIMARY, STRONG), (SECONDARY, STRONG), (ENABLING, STRONG))
    outcome("Covered just below six", 3, (PRIMARY, STRONG), (PRIMARY, MODERATE), (ENABLING, STRONG))
    outcome("Covered by limited work", 4, (PRIMARY, LIMITED))
    outcome("Thin: enabling and unknown", 5, (ENABLING, STRONG), (PRIMARY, UNKNOWN))
    # Many weak links may add up past the strong score; the outcome is still thin.
    outcome("Thin however many", 6, *[(ENABLING, STRONG)] * 7)

    analysis = gap_analysis(place=place_a, today=TODAY)
    assert [(item.title, item.score, item.status) for item in analysis.outcomes] == [
        ("Fair work for women in Place A", Decimal("0"), Status.GAP),
        ("Strong at six", STRONG_SCORE, Status.STRONG),
        ("Covered just below six", Decimal("5.8"), Status.COVERED),
        ("Covered by limited work", Decimal("0.9"), Status.COVERED),
        ("Thin: enabling and unknown", Decimal("1.6"), Status.THIN),
        ("Thin however many", Decimal("7.0"), Status.THIN),
    ]
    assert analysis.status_counts == {"gap": 1, "thin": 2, "covered": 2, "strong": 1}
    assert [item.title for item in analysis.gaps] == ["Fair work for women in Place A"]
    assert analysis.gaps[0] is analysis.outcomes[0]


@pytest.mark.parametrize(
    "status", [Intervention.Status.PLANNED, Intervention.Status.PAUSED, Intervention.Status.COMPLETED]
)
def test_only_active_work_scores_but_all_work_is_listed(place_a, outcome_a, status):
    active = link(outcome_a, title="Active", effectiveness=MODERATE, budget_gbp=Decimal("100"))
    other = link(outcome_a, title="Other", effectiveness=STRONG, status=status, budget_gbp=Decimal("900"))
    analysis = gap_analysis(place=place_a, today=TODAY)
    item = analysis.outcomes[0]
    assert [(c.pk, c.status, c.score) for c in item.interventions] == [
        (active.pk, ACTIVE, Decimal("1.8")),
        (other.pk, status, Decimal("0")),
    ]
    assert item.active_count == 1
    assert item.score == Decimal("1.8")
    assert item.budget_attributed == Decimal("100.00")  # not the 900 of the other
    assert item.interventions[1].budget_attributed == Decimal("900.00")  # its share is still shown
    assert [ranked.pk for ranked in analysis.shift_the_dial] == [active.pk]


def test_an_outcome_with_only_planned_work_is_a_gap(place_a, outcome_a):
    link(outcome_a, effectiveness=STRONG, status=Intervention.Status.PLANNED)
    item = gap_analysis(place=place_a, today=TODAY).outcomes[0]
    assert (item.status, item.score, item.active_count, len(item.interventions)) == (Status.GAP, 0, 0, 1)


def test_equal_scores_are_ordered_by_title_after_the_stronger_ones(place_a, outcome_a):
    link(outcome_a, title="Bravo", effectiveness=MODERATE)
    link(outcome_a, title="Alpha", effectiveness=MODERATE)
    link(outcome_a, title="Zulu", effectiveness=STRONG)
    link(outcome_a, title="Able", effectiveness=STRONG, status=Intervention.Status.COMPLETED)
    item = gap_analysis(place=place_a, today=TODAY).outcomes[0]
    assert [c.title for c in item.interventions] == ["Zulu", "Alpha", "Bravo", "Able"]


def test_outcomes_are_ordered_by_priority_rank_then_title(place_a, outcome_a):
    WellbeingOutcomeFactory(place=place_a, title="Beta", priority_rank=2)
    WellbeingOutcomeFactory(place=place_a, title="Alpha", priority_rank=2)
    WellbeingOutcomeFactory(place=place_a, title="First", priority_rank=0)
    analysis = gap_analysis(place=place_a, today=TODAY)
    assert [item.title for item in analysis.outcomes] == ["First", outcome_a.title, "Alpha", "Beta"]


# --- Shift the dial ----------------------------------------------------------------------------------------------


def test_shift_the_dial_ranks_by_outcomes_reached_then_score_then_title(place_a, outcome_a):
    second = WellbeingOutcomeFactory(place=place_a, title="Healthy homes", priority_rank=2)
    third = WellbeingOutcomeFactory(place=place_a, title="Good green jobs", priority_rank=3)
    wide = link(third, title="Wide", effectiveness=LIMITED)
    for outcome in (outcome_a, second):
        ContributionFactory(intervention=wide, outcome=outcome, effectiveness=LIMITED)
    link(second, title="Bravo", effectiveness=STRONG)
    link(second, title="Alpha", effectiveness=STRONG)
    link(outcome_a, title="Weak", effectiveness=UNKNOWN)
    link(outcome_a, title="Planned", effectiveness=STRONG, status=Intervention.Status.PLANNED)

    ranked = gap_analysis(place=place_a, today=TODAY).shift_the_dial
    assert [(item.title, item.outcome_count, item.score) for item in ranked] == [
        ("Wide", 3, Decimal("2.7")),
        ("Alpha", 1, Decimal("3.0")),
        ("Bravo", 1, Decimal("3.0")),
        ("Weak", 1, Decimal("0.6")),
    ]
    assert ranked[0].outcomes == (outcome_a.title, "Healthy homes", "Good green jobs")
    assert ranked[0].reference == wide.reference
    assert ranked[0].lead_organisation == wide.lead_organisation.name


# --- National interventions and other places ---------------------------------------------------------------------


def test_national_work_counts_like_the_places_own_with_its_budget_split_over_this_places_links(cast, outcome_a):
    place_a = cast.a.place
    healthy_homes = WellbeingOutcomeFactory(place=place_a, title="Healthy homes", priority_rank=2)
    secret_b = cast.b.place.wellbeing_outcomes.get()
    national = national_intervention(
        title="Young Person's Guarantee",
        budget_gbp=Decimal("1000.00"),
        lead_organisation=OrganisationFactory(place=None, name="Skills Development Scotland"),
    )
    ContributionFactory(intervention=national, outcome=outcome_a, strength=PRIMARY, effectiveness=STRONG)
    ContributionFactory(intervention=national, outcome=healthy_homes, strength=ENABLING, effectiveness=STRONG)
    ContributionFactory(intervention=national, outcome=secret_b, strength=PRIMARY, effectiveness=STRONG)

    analysis = gap_analysis(place=place_a, today=TODAY)
    first, second = analysis.outcomes
    (contribution,) = first.interventions
    assert contribution.pk == national.pk
    assert contribution.is_national is True
    assert contribution.level == Intervention.Level.NATIONAL
    assert contribution.lead_organisation == "Skills Development Scotland"
    assert contribution.score == Decimal("3.0")
    # 3 : 1 over place A's two links; place B's link takes no share here.
    assert (first.budget_attributed, second.budget_attributed) == (Decimal("750.00"), Decimal("250.00"))
    assert [(item.title, item.outcome_count) for item in analysis.shift_the_dial] == [("Young Person's Guarantee", 2)]
    # Place B sees the same intervention through its own link only.
    (b_outcome,) = gap_analysis(place=cast.b.place, today=TODAY).outcomes
    assert b_outcome.budget_attributed == Decimal("1000.00")
    assert b_outcome.interventions[0].is_national is True


def test_the_places_own_work_is_not_national(place_a, outcome_a):
    link(outcome_a, level=Intervention.Level.REGIONAL)
    assert gap_analysis(place=place_a, today=TODAY).outcomes[0].interventions[0].is_national is False


def test_another_places_data_is_never_counted(cast, outcome_a):
    secret_b = cast.b.place.wellbeing_outcomes.get()
    link(secret_b, title="Place B work", effectiveness=STRONG, budget_gbp=Decimal("500"), end_date=TODAY)
    # Bad data: place B's own work linked to place A's outcome. Place A cannot see it, so it never counts.
    stray = InterventionFactory(place=cast.b.place, title="Place B stray", end_date=TODAY)
    ContributionFactory(intervention=stray, outcome=outcome_a, effectiveness=STRONG)

    # Even when handed every intervention in the database (a filter built on the wrong queryset).
    for interventions in (None, Intervention.objects.all()):
        analysis = gap_analysis(place=cast.a.place, interventions=interventions, today=TODAY)
        assert [item.title for item in analysis.outcomes] == [outcome_a.title]
        assert analysis.outcomes[0].interventions == ()
        assert analysis.outcomes[0].status == Status.GAP
        assert analysis.shift_the_dial == analysis.build_on == ()


# --- Budget ------------------------------------------------------------------------------------------------------


def test_the_budget_is_split_by_strength_and_the_last_share_takes_the_remainder(place_a, outcome_a):
    second = WellbeingOutcomeFactory(place=place_a, title="Healthy homes", priority_rank=2)
    third = WellbeingOutcomeFactory(place=place_a, title="Good green jobs", priority_rank=3)
    even = InterventionFactory(place=place_a, title="Even", budget_gbp=Decimal("10.00"))
    weighted = InterventionFactory(place=place_a, title="Weighted", budget_gbp=Decimal("100.00"))
    unbudgeted = InterventionFactory(place=place_a, title="Unbudgeted", budget_gbp=None)
    for outcome in (outcome_a, second, third):
        ContributionFactory(intervention=even, outcome=outcome, strength=SECONDARY)
        ContributionFactory(intervention=unbudgeted, outcome=outcome)
    ContributionFactory(intervention=weighted, outcome=outcome_a, strength=PRIMARY)
    ContributionFactory(intervention=weighted, outcome=second, strength=SECONDARY)
    ContributionFactory(intervention=weighted, outcome=third, strength=ENABLING)

    analysis = gap_analysis(place=place_a, today=TODAY)

    def shares(title: str) -> list[Decimal]:
        return [next(c for c in item.interventions if c.title == title).budget_attributed for item in analysis.outcomes]

    assert shares("Even") == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")]
    assert shares("Weighted") == [Decimal("50.00"), Decimal("33.33"), Decimal("16.67")]
    assert shares("Unbudgeted") == [Decimal("0.00")] * 3
    assert [item.budget_attributed for item in analysis.outcomes] == [
        Decimal("53.33"),
        Decimal("36.66"),
        Decimal("20.01"),
    ]
    assert sum(item.budget_attributed for item in analysis.outcomes) == Decimal("110.00")


def test_no_budget_share_is_ever_negative(place_a, outcome_a):
    # Rounding each share to the nearest penny would give six 1p shares of a 5p budget and -1p to the last.
    outcomes = [outcome_a] + [WellbeingOutcomeFactory(place=place_a, priority_rank=rank) for rank in range(2, 8)]
    tiny = InterventionFactory(place=place_a, budget_gbp=Decimal("0.05"))
    for outcome in outcomes:
        strength = ENABLING if outcome == outcomes[-1] else PRIMARY
        ContributionFactory(intervention=tiny, outcome=outcome, strength=strength)
    shares = [item.interventions[0].budget_attributed for item in gap_analysis(place=place_a, today=TODAY).outcomes]
    assert all(share >= 0 for share in shares)
    assert sum(shares) == Decimal("0.05")


# --- Build on ----------------------------------------------------------------------------------------------------


def test_build_on_takes_effective_active_work_ending_within_the_horizon_edges_included(place_a, outcome_a):
    def ending(title: str, end_date, *, effectiveness=MODERATE, **fields):
        # A regional service, so only the "ends within the horizon" rule can pick it.
        fields.setdefault("level", Intervention.Level.REGIONAL)
        fields.setdefault("kind", Intervention.Kind.SERVICE)
        return link(outcome_a, title=title, effectiveness=effectiveness, end_date=end_date, **fields)

    ending("Ends today", TODAY)
    ending("Ends on the horizon", date(2026, 3, 15))
    ending("Ends a day after the horizon", date(2026, 3, 16))
    ending("Ended yesterday", date(2025, 3, 14), start_date=date(2024, 1, 1))
    ending("No end date", None)
    ending("Limited evidence", date(2025, 6, 1), effectiveness=LIMITED)
    ending("Unknown evidence", date(2025, 6, 1), effectiveness=UNKNOWN)
    ending("Paused", date(2025, 6, 1), status=Intervention.Status.PAUSED)
    ending("Planned", date(2025, 6, 1), status=Intervention.Status.PLANNED)
    national = national_intervention(title="National, ends soon", kind=Intervention.Kind.SERVICE, end_date=TODAY)
    ContributionFactory(intervention=national, outcome=outcome_a, effectiveness=STRONG)

    build_on = gap_analysis(place=place_a, today=TODAY).build_on
    assert [(item.title, item.end_date, item.reason, item.best_effectiveness) for item in build_on] == [
        ("Ends today", TODAY, REASON_ENDS_SOON, MODERATE),
        ("National, ends soon", TODAY, REASON_ENDS_SOON, STRONG),
        ("Ends on the horizon", date(2026, 3, 15), REASON_ENDS_SOON, MODERATE),
    ]


def test_the_horizon_can_be_shortened(place_a, outcome_a):
    link(outcome_a, title="In six months", kind=Intervention.Kind.SERVICE, end_date=date(2025, 9, 15))
    link(outcome_a, title="In six months and a day", kind=Intervention.Kind.SERVICE, end_date=date(2025, 9, 16))
    analysis = gap_analysis(place=place_a, today=TODAY, horizon_months=6)
    assert analysis.horizon_months == 6
    assert [item.title for item in analysis.build_on] == ["In six months"]


def test_the_horizon_ends_on_the_last_day_of_a_shorter_month():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(TODAY, 12) == date(2026, 3, 15)


def test_build_on_takes_effective_local_projects_and_programmes_as_pilots(place_a, outcome_a):
    second = WellbeingOutcomeFactory(place=place_a, title="Healthy homes", priority_rank=2)
    project = link(outcome_a, title="Local project", kind=Intervention.Kind.PROJECT, effectiveness=LIMITED)
    ContributionFactory(intervention=project, outcome=second, effectiveness=STRONG)
    link(outcome_a, title="Local programme", kind=Intervention.Kind.PROGRAMME, end_date=date(2027, 1, 1))
    # Ends soon and is a local pilot: one row, the first reason.
    link(outcome_a, title="Local programme ending", kind=Intervention.Kind.PROGRAMME, end_date=date(2025, 4, 1))
    link(outcome_a, title="Local practice", kind=Intervention.Kind.PRACTICE)
    link(outcome_a, title="Regional project", level=Intervention.Level.REGIONAL)
    link(outcome_a, title="Unproven local project", effectiveness=UNKNOWN)
    link(outcome_a, title="Planned local project", status=Intervention.Status.PLANNED)

    build_on = gap_analysis(place=place_a, today=TODAY).build_on
    assert [(item.title, item.reason, item.best_effectiveness) for item in build_on] == [
        ("Local programme ending", REASON_ENDS_SOON, MODERATE),
        ("Local programme", REASON_PILOT, MODERATE),
        ("Local project", REASON_PILOT, STRONG),  # no end date: last
    ]
    assert build_on[2].reference == project.reference
    assert build_on[2].lead_organisation == project.lead_organisation.name


# --- NPF alignment and the formula -------------------------------------------------------------------------------


def test_each_outcome_carries_its_npf_outcomes_and_indicators(place_a, outcome_a):
    # In the models' own order (framework version, then name), which the analysis keeps.
    nationals = list(NationalOutcome.objects.all()[:2])
    indicators = list(NationalIndicator.objects.all()[:3])
    outcome_a.national_outcomes.set(nationals)
    outcome_a.national_indicators.set(indicators)
    item = gap_analysis(place=place_a, today=TODAY).outcomes[0]
    assert item.national_outcomes == tuple(national.name for national in nationals)
    assert item.national_indicators == tuple(indicator.name for indicator in indicators)


def test_the_formula_in_words_states_the_weights_and_the_status_rules():
    for words in (
        "primary 3, secondary 2, enabling 1",
        "strong 1, moderate 0.6, limited 0.3, unknown 0.2",
        "Only active interventions score",
        "gap when no active intervention contributes",
        "every active link is enabling or of unknown effectiveness",
        "its score is 6 or more",
    ):
        assert words in COVERAGE_FORMULA


# --- Query budget ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 40])
def test_the_analysis_takes_six_queries_for_2_or_40_interventions(cast, count, django_assert_num_queries):
    place_a = cast.a.place
    outcomes = [place_a.wellbeing_outcomes.get()] + [
        WellbeingOutcomeFactory(place=place_a, priority_rank=rank) for rank in range(2, 5)
    ]
    for outcome in outcomes:
        outcome.national_outcomes.set(NationalOutcome.objects.all()[:2])
        outcome.national_indicators.set(NationalIndicator.objects.all()[:3])
    for number in range(count):
        intervention = national_intervention(end_date=TODAY) if number % 4 == 0 else InterventionFactory(place=place_a)
        for outcome in outcomes[: number % 4 + 1]:
            ContributionFactory(intervention=intervention, outcome=outcome, effectiveness=STRONG)
    partnership = PartnershipFactory(place=place_a)
    for number in range(count // 2):
        DeliveryGroupFactory(partnership=partnership, outcomes=outcomes[: number % 4 + 1])

    # 1 outcomes; 2 their NPF outcomes; 3 their NPF indicators; 4 the delivery groups focusing on them;
    # 5 contributions with their interventions and lead organisations' names;
    # 6 the budget tagged to the outcomes in the latest financial year.
    with django_assert_num_queries(6):
        analysis = gap_analysis(place=place_a, interventions=Intervention.objects.for_place(place_a), today=TODAY)
    assert sum(len(item.interventions) for item in analysis.outcomes) == sum(n % 4 + 1 for n in range(count))
    assert len(analysis.shift_the_dial) == count
    assert all(len(item.national_indicators) == 3 for item in analysis.outcomes)
    assert sum(len(item.delivery_groups) for item in analysis.outcomes) == sum(n % 4 + 1 for n in range(count // 2))


# --- Tagged spend (budget lines tagged to outcomes, wellbeing.budget_selectors) ----------------------------------


def test_tagged_spend_is_the_latest_years_and_the_share_to_gap_or_thin_outcomes(place_a, outcome_a):
    covered = outcome_a  # a primary link of moderate effectiveness: covered
    link(covered)
    thin = WellbeingOutcomeFactory(place=place_a, title="Thin outcome", priority_rank=2)
    link(thin, strength=ENABLING)
    gap = WellbeingOutcomeFactory(place=place_a, title="Gap outcome", priority_rank=3)
    old = BudgetLineFactory(place=place_a, financial_year="2024/25", amount_gbp=Decimal("99999"))
    BudgetShareFactory(line=old, outcome=gap, percent=100)  # an older year: not counted
    line = BudgetLineFactory(place=place_a, financial_year="2025/26", amount_gbp=Decimal("1000"))
    BudgetShareFactory(line=line, outcome=covered, percent=50)
    BudgetShareFactory(line=line, outcome=thin, percent=20)
    BudgetShareFactory(line=line, outcome=gap, percent=Decimal("12.5"))
    BudgetLineFactory(place=place_a, financial_year="2025/26", amount_gbp=Decimal("5000"))  # untagged

    analysis = gap_analysis(place=place_a, today=TODAY)

    assert [(o.title, o.status, o.tagged_spend) for o in analysis.outcomes] == [
        (covered.title, Status.COVERED, Decimal("500.00")),
        ("Thin outcome", Status.THIN, Decimal("200.00")),
        ("Gap outcome", Status.GAP, Decimal("125.00")),
    ]
    assert analysis.spend_year == "2025/26"
    assert analysis.spend_to_gaps_share == Decimal("39.4")  # (200 + 125) / 825


def test_spend_to_gaps_is_none_when_nothing_is_tagged(place_a, outcome_a):
    from tests.factories import BudgetLineFactory

    assert gap_analysis(place=place_a, today=TODAY).spend_to_gaps_share is None
    assert gap_analysis(place=place_a, today=TODAY).spend_year is None
    BudgetLineFactory(place=place_a, financial_year="2025/26")
    analysis = gap_analysis(place=place_a, today=TODAY)
    assert (analysis.spend_year, analysis.spend_to_gaps_share) == ("2025/26", None)
    assert analysis.outcomes[0].tagged_spend == Decimal("0.00")


def test_the_region_analyses_read_every_members_tagged_spend(place_a, outcome_a, cast):
    BudgetShareFactory(line=BudgetLineFactory(place=place_a, amount_gbp=800), outcome=outcome_a, percent=25)
    outcome_b = cast.b.place.wellbeing_outcomes.get()
    BudgetShareFactory(line=BudgetLineFactory(place=cast.b.place, amount_gbp=100), outcome=outcome_b, percent=10)
    first, second = gap_analyses(places=[place_a, cast.b.place], today=TODAY)
    assert first.outcomes[0].tagged_spend == Decimal("200.00") and first.spend_to_gaps_share == Decimal("100.0")
    assert second.outcomes[0].tagged_spend == Decimal("10.00")
