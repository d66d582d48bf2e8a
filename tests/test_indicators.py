"""Local indicators: the trend rule, the outcome page's "Is the dial shifting?" section, the pages
to add and change indicators and observations, the alignment column, the demo, query budgets."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import LocalIndicatorFactory, ObservationFactory, WellbeingOutcomeFactory
from wellbeing.alignment import alignment_for_place
from wellbeing.indicator_demo import DEMO_INDICATORS
from wellbeing.indicators import TREND_RULE, Trend, indicator_trend, percent_change, with_unit
from wellbeing.models import LocalIndicator, NationalIndicator, NationalOutcome, Observation, WellbeingOutcome
from wellbeing.services import demo_place_seed

pytestmark = pytest.mark.usefixtures("reference_data")

UP = LocalIndicator.Direction.INCREASE
DOWN = LocalIndicator.Direction.DECREASE


class Point(NamedTuple):
    date: date
    value: Decimal


def _series(*values: str) -> list[Point]:
    return [Point(date(2020 + index, 3, 31), Decimal(value)) for index, value in enumerate(values)]


# --- The rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "direction", "threshold", "expected"),
    [
        # Increase is better.
        (("100", "106"), UP, "5", Trend.IMPROVING),
        (("100", "94"), UP, "5", Trend.WORSENING),
        (("100", "104.99"), UP, "5", Trend.MAINTAINING),
        (("100", "95.01"), UP, "5", Trend.MAINTAINING),
        # Decrease is better: the same moves, the other way round.
        (("100", "106"), DOWN, "5", Trend.WORSENING),
        (("100", "94"), DOWN, "5", Trend.IMPROVING),
        (("100", "96"), DOWN, "5", Trend.MAINTAINING),
        # Exactly at the threshold counts as a change, both ways.
        (("100", "105"), UP, "5", Trend.IMPROVING),
        (("100", "95"), UP, "5", Trend.WORSENING),
        (("60", "63"), DOWN, "5", Trend.WORSENING),
        (("3", "3.15"), UP, "5", Trend.IMPROVING),
        # The threshold is the indicator's own.
        (("100", "106"), UP, "10", Trend.MAINTAINING),
        (("100", "100.5"), UP, "0.5", Trend.IMPROVING),
        # Only the last two observations count, whatever came before.
        (("10", "50", "100", "101"), UP, "5", Trend.MAINTAINING),
        (("100", "10", "5"), DOWN, "5", Trend.IMPROVING),
        # Negative values: the change is a percentage of the size of the previous value.
        (("-10", "-5"), UP, "5", Trend.IMPROVING),  # +50%
        (("-10", "-5"), DOWN, "5", Trend.WORSENING),
        (("-100", "-104"), UP, "5", Trend.MAINTAINING),  # −4%
        (("-100", "-105"), DOWN, "5", Trend.IMPROVING),
        (("-2", "3"), UP, "5", Trend.IMPROVING),
        # A previous value of 0: no percentage exists, so any change counts; no change maintains.
        (("0", "0.001"), UP, "5", Trend.IMPROVING),
        (("0", "-0.001"), UP, "5", Trend.WORSENING),
        (("0", "1"), DOWN, "5", Trend.WORSENING),
        (("0", "0"), UP, "5", Trend.MAINTAINING),
        (("5", "0"), DOWN, "5", Trend.IMPROVING),
        # No change is maintaining, even with a threshold of 0.
        (("42", "42"), UP, "0", Trend.MAINTAINING),
        (("42", "42.001"), UP, "0", Trend.IMPROVING),
    ],
)
def test_the_trend_compares_the_last_two_observations_with_the_threshold(values, direction, threshold, expected):
    assert indicator_trend(_series(*values), direction=direction, threshold_percent=Decimal(threshold)) == expected


def test_the_trend_orders_observations_by_date_not_by_position():
    newest_first = list(reversed(_series("100", "120")))
    assert indicator_trend(newest_first, direction=UP, threshold_percent=Decimal(5)) == Trend.IMPROVING


@pytest.mark.parametrize("values", [(), ("63.4",)])
def test_fewer_than_two_observations_is_not_enough_data(values):
    assert indicator_trend(_series(*values), direction=UP) == Trend.NOT_ENOUGH_DATA


def test_two_observations_on_one_date_are_refused_by_the_rule_and_by_the_database(cast):
    same_day = [Point(date(2024, 3, 31), Decimal(1)), Point(date(2024, 3, 31), Decimal(2))]
    with pytest.raises(ValueError, match="one observation a date"):
        indicator_trend(same_day, direction=UP)
    indicator = LocalIndicatorFactory(outcome=WellbeingOutcome.objects.get(place=cast.a.place))
    Observation.objects.create(indicator=indicator, date=date(2024, 3, 31), value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(indicator=indicator, date=date(2024, 3, 31), value=2)


def test_the_default_threshold_is_five_percent():
    assert indicator_trend(_series("100", "105"), direction=UP) == Trend.IMPROVING
    assert indicator_trend(_series("100", "104.9"), direction=UP) == Trend.MAINTAINING
    assert LocalIndicator._meta.get_field("threshold_percent").default == Decimal(5)


def test_the_rule_in_words_covers_each_case():
    for words in (
        "latest observation with the one before it",
        "percentage of the earlier value",
        "at least the indicator's threshold",
        "5%",
        "is 0",
    ):
        assert words in TREND_RULE
    assert percent_change(Decimal(-10), Decimal(-5)) == Decimal(50)
    assert percent_change(Decimal(0), Decimal(1)) is None


def test_values_read_with_their_unit():
    assert with_unit(Decimal("63.400"), "%") == "63.4%"
    assert with_unit(Decimal("1250.000"), "£") == "£1,250"
    assert with_unit(Decimal("12.5"), "£") == "£12.50"
    assert with_unit(Decimal("-3.000"), "people") == "−3 people"


# --- The outcome page -----------------------------------------------------------------------------


def _outcome(cast) -> WellbeingOutcome:
    return WellbeingOutcome.objects.get(place=cast.a.place)


def _indicator_with(outcome, *values: str, **fields) -> LocalIndicator:
    indicator = LocalIndicatorFactory(outcome=outcome, **fields)
    for point in _series(*values):
        Observation.objects.create(indicator=indicator, date=point.date, value=point.value)
    return indicator


def _page(client, cast, user=None) -> BeautifulSoup:
    client.force_login(user or cast.a.viewer)
    response = client.get(f"/places/place-a/outcomes/{_outcome(cast).pk}/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_outcome_page_shows_each_indicator_with_its_trend_latest_value_baseline_target_and_chart(client, cast):
    outcome = _outcome(cast)
    jobs = _indicator_with(
        outcome,
        "66.2",
        "68.9",
        "72.5",
        name="Employment rate (women)",
        baseline_value=Decimal("66"),
        baseline_date=date(2019, 3, 31),
        target_value=Decimal("75"),
        target_date=date(2030, 3, 31),
    )
    _indicator_with(outcome, "30", "33", name="Fuel poverty", direction=DOWN, unit="households")
    _indicator_with(outcome, "10", "10.2", name="Steady")
    _indicator_with(outcome, "48", name="New")
    soup = _page(client, cast)
    rows = {
        row.th.get_text(" ", strip=True): row
        for row in soup.select("#indicators-caption")[0].find_parent("table").select("tbody tr")
    }
    assert {name: row.select_one("[data-trend]")["data-trend"] for name, row in rows.items()} == {
        "Employment rate (women)": "improving",
        "Fuel poverty": "worsening",
        "Steady": "maintaining",
        "New": "not_enough_data",
    }
    tags = {tag.get_text(strip=True): tag["class"] for tag in soup.select("[data-trend]")}
    assert "govuk-tag--green" in tags["Improving"] and "govuk-tag--red" in tags["Worsening"]
    assert "govuk-tag--blue" in tags["Maintaining"] and "govuk-tag--grey" in tags["Not enough data"]
    cells = [cell.get_text(" ", strip=True) for cell in rows["Employment rate (women)"].select("td")]
    assert cells[1:] == ["72.5% 31 Mar 2022", "66% 31 Mar 2019", "75% by 31 Mar 2030"]
    assert "33 households" in rows["Fuel poverty"].get_text()
    section = soup.select_one(f"#indicator-{jobs.pk}")
    assert "a change of +5.2%, against a threshold of 5%" in " ".join(section.get_text().split())
    # The chart, and its table with the same numbers: three observations, the baseline and the target.
    assert section.select_one(f"[data-chart=chart-indicator-{jobs.pk}-data]")
    table = section.select_one(f"#chart-indicator-{jobs.pk}-caption").find_parent("table")
    assert [[c.get_text(strip=True) for c in row.select("th, td")] for row in table.select("tbody tr")] == [
        ["31 Mar 2019", "Baseline", "66"],
        ["31 Mar 2020", "Observed", "66.2"],
        ["31 Mar 2021", "Observed", "68.9"],
        ["31 Mar 2022", "Observed", "72.5"],
        ["31 Mar 2030", "Target", "75"],
    ]
    assert " ".join(soup.select_one("#trend-rule").get_text().split()) == TREND_RULE
    assert soup.find("script", src="/static/plotly/plotly.min.js")


def test_the_outcome_page_without_indicators_says_so_and_loads_no_chart_script(client, cast):
    soup = _page(client, cast, cast.a.officer)
    assert "No local indicators have been set up for this outcome yet." in soup.get_text()
    assert not soup.find("script", src="/static/plotly/plotly.min.js")
    assert soup.find("a", string="Add a local indicator")


def test_a_viewer_sees_no_edit_links_and_an_officer_does(client, cast):
    indicator = _indicator_with(_outcome(cast), "1", "2")
    viewer = _page(client, cast)
    assert not viewer.find("a", string="Add a local indicator")
    assert not viewer.find("a", href=f"/places/place-a/outcomes/{indicator.outcome_id}/indicators/{indicator.pk}/edit/")
    officer = _page(client, cast, cast.a.officer)
    assert officer.find("a", href=f"/places/place-a/outcomes/{indicator.outcome_id}/indicators/{indicator.pk}/edit/")


def _count_queries(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def test_the_outcome_page_uses_the_same_queries_for_2_or_20_indicators(client, cast):
    outcome = _outcome(cast)
    national = list(NationalIndicator.objects.all()[:3])
    outcome.national_outcomes.set(NationalOutcome.objects.all()[:2])
    outcome.national_indicators.set(national[:2])
    for number in range(2):
        _indicator_with(outcome, "1", "2", "3", national_indicator=national[number])
    client.force_login(cast.a.officer)
    url = f"/places/place-a/outcomes/{outcome.pk}/"
    few, _ = _count_queries(client, url)
    for number in range(18):
        _indicator_with(outcome, *[str(v) for v in range(number % 6)], national_indicator=national[number % 3])
    many, sql = _count_queries(client, url)
    # The outcome page's 12 without indicators (tests/test_query_counts.py) + 1 indicators with their
    # NPF indicator, 1 their observations; history: 1 indicators' records, 1 observations' records.
    assert few == many == 16, "\n".join(sql)


# --- Adding and changing indicators ---------------------------------------------------------------

VALID = {
    "name": "  Employment rate   (women, 16–64) ",
    "unit": "%",
    "direction": "increase",
    "national_indicator": "",
    "baseline_value": "66.2%",
    "baseline_date_0": "31",
    "baseline_date_1": "3",
    "baseline_date_2": "2019",
    "target_value": "72",
    "target_date_0": "31",
    "target_date_1": "3",
    "target_date_2": "2030",
    "threshold_percent": "5",
    "source_note": "Annual Population Survey",
}


def _new_url(outcome) -> str:
    return f"/places/{outcome.place.slug}/outcomes/{outcome.pk}/indicators/new/"


@pytest.mark.parametrize("role", ["officer", "place_admin"])
def test_an_officer_or_place_admin_adds_an_indicator_to_the_outcome(client, cast, role):
    outcome = _outcome(cast)
    economic = NationalIndicator.objects.get(name="Economic participation")
    client.force_login(getattr(cast.a, role))
    response = client.post(_new_url(outcome), {**VALID, "national_indicator": economic.pk})
    indicator = LocalIndicator.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/places/place-a/outcomes/{outcome.pk}/#indicator-{indicator.pk}"
    assert indicator.outcome == outcome and indicator.place == cast.a.place
    assert indicator.name == "Employment rate (women, 16–64)"
    assert indicator.baseline_value == Decimal("66.2") and indicator.target_date == date(2030, 3, 31)
    assert indicator.national_indicator == economic
    assert indicator.history.count() == 1 and indicator.history.get().history_user == getattr(cast.a, role)


@pytest.mark.parametrize("role", ["viewer", "analyst", "partnership_lead"])
def test_other_roles_may_not_add_indicators(client, cast, role):
    client.force_login(getattr(cast.a, role))
    response = client.post(_new_url(_outcome(cast)), VALID)
    assert response.status_code == 403
    assert "You need to be an officer or a place administrator" in response.content.decode()
    assert not LocalIndicator.objects.exists()


def test_another_places_outcome_cannot_be_given_an_indicator(client, cast):
    other = WellbeingOutcome.objects.get(place=cast.b.place)
    client.force_login(cast.a.officer)
    response = client.post(f"/places/place-a/outcomes/{other.pk}/indicators/new/", VALID)
    assert response.status_code == 404
    assert not LocalIndicator.objects.exists()


def test_the_service_refuses_another_places_outcome(cast):
    from wellbeing.indicator_forms import LocalIndicatorForm
    from wellbeing.indicator_services import OTHER_PLACES_OUTCOME, indicator_save

    other = WellbeingOutcome.objects.get(place=cast.b.place)
    form = LocalIndicatorForm(VALID, outcome=other)
    assert form.is_valid(), form.errors
    with pytest.raises(PermissionError, match=OTHER_PLACES_OUTCOME):
        indicator_save(place=cast.a.place, outcome=other, form=form)
    assert not LocalIndicator.objects.exists()


def test_an_indicator_is_reached_only_under_its_own_outcome(client, cast):
    first = _outcome(cast)
    mine = _indicator_with(first, "1")
    second = WellbeingOutcomeFactory(place=cast.a.place, title="Second outcome")
    theirs = _indicator_with(WellbeingOutcome.objects.get(place=cast.b.place), "1")
    client.force_login(cast.a.officer)
    for outcome_pk, indicator_pk in [(second.pk, mine.pk), (first.pk, theirs.pk)]:
        for action in ("edit", "observations/new"):
            url = f"/places/place-a/outcomes/{outcome_pk}/indicators/{indicator_pk}/{action}/"
            assert client.get(url).status_code == 404, url
            assert client.post(url, {}).status_code == 404, url


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the indicator's name"),
        ({"unit": ""}, "unit", "Enter the unit, like % or people"),
        ({"direction": ""}, "direction", "Choose whether an increase or a decrease is an improvement"),
        ({"baseline_value": "lots"}, "baseline_value", "Baseline value must be a number, like 63.4"),
        ({"baseline_value": ""}, "baseline_value", "Enter the baseline value, or leave the baseline date empty"),
        (
            {"target_date_0": "", "target_date_1": "", "target_date_2": ""},
            "target_date",
            "Enter the date of the target, or leave the target value empty",
        ),
        ({"target_date_2": "2018"}, "target_date", "The target date must be after the baseline date"),
        ({"threshold_percent": "150"}, "threshold_percent", "Threshold for change must be between 0 and 100, like 5"),
        ({"threshold_percent": "-1"}, "threshold_percent", "Threshold for change must be between 0 and 100, like 5"),
        ({"national_indicator": "999999"}, "national_indicator", "Choose an NPF national indicator from the list"),
    ],
)
def test_bad_input_is_refused_with_a_message_by_the_field(client, cast, changes, field, message):
    client.force_login(cast.a.officer)
    response = client.post(_new_url(_outcome(cast)), {**VALID, **changes})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not LocalIndicator.objects.exists()


def test_the_threshold_starts_at_five_and_an_empty_one_is_five(client, cast):
    client.force_login(cast.a.officer)
    assert client.get(_new_url(_outcome(cast))).context["form"]["threshold_percent"].value() == Decimal(5)
    client.post(_new_url(_outcome(cast)), {**VALID, "threshold_percent": ""})
    assert LocalIndicator.objects.get().threshold_percent == Decimal(5)


def test_an_outcome_cannot_have_two_indicators_of_one_name(client, cast):
    LocalIndicatorFactory(outcome=_outcome(cast), name="Employment rate (women, 16–64)")
    client.force_login(cast.a.officer)
    response = client.post(_new_url(_outcome(cast)), {**VALID, "name": "employment rate (women, 16–64)"})
    assert response.context["form"].errors["name"] == [
        "‘Fair work for women in Place A’ already has an indicator called ‘employment rate (women, 16–64)’"
    ]


def _edit_url(indicator) -> str:
    return f"/places/place-a/outcomes/{indicator.outcome_id}/indicators/{indicator.pk}/edit/"


def test_an_officer_changes_an_indicator(client, cast):
    indicator = LocalIndicatorFactory(outcome=_outcome(cast), name="Old name")
    client.force_login(cast.a.officer)
    page = client.get(_edit_url(indicator))
    assert page.context["form"]["version"].value() == 1
    response = client.post(_edit_url(indicator), {**VALID, "version": "1", "direction": "decrease"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.version == 2 and indicator.direction == "decrease"
    assert indicator.name == "Employment rate (women, 16–64)"
    history = _page(client, cast).select_one("#history-caption").find_parent("table").get_text(" ", strip=True)
    assert "Changed: Indicator ‘Employment rate (women, 16–64)’" in history
    assert "Name : Old name → Employment rate (women, 16–64)" in history
    assert "Which way is better : An increase is an improvement → A decrease is an improvement" in history


def test_a_concurrent_edit_is_refused_and_the_persons_input_kept(client, cast):
    indicator = LocalIndicatorFactory(outcome=_outcome(cast), name="Old name")
    client.force_login(cast.a.place_admin)
    assert client.post(_edit_url(indicator), {**VALID, "name": "Saved first", "version": "1"}).status_code == 302
    client.force_login(cast.a.officer)
    response = client.post(_edit_url(indicator), {**VALID, "name": "Saved second", "version": "1"})
    assert response.status_code == 200
    assert "Someone else saved this indicator while you were editing it" in response.content.decode()
    assert response.context["form"]["name"].value() == "Saved second"
    assert response.context["form"]["version"].value() == "2"
    indicator.refresh_from_db()
    assert indicator.name == "Saved first" and indicator.version == 2
    # Saving again, now knowingly over the other person's version, works.
    assert client.post(_edit_url(indicator), {**VALID, "name": "Saved second", "version": "2"}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Saved second"


# --- Observations ---------------------------------------------------------------------------------


def _observation_url(indicator) -> str:
    return f"/places/place-a/outcomes/{indicator.outcome_id}/indicators/{indicator.pk}/observations/new/"


def _observation(day: str, month: str, year: str, value: str, **extra) -> dict:
    return {"date_0": day, "date_1": month, "date_2": year, "value": value, "note": "", **extra}


def test_an_officer_adds_observations_and_the_trend_follows(client, cast):
    indicator = LocalIndicatorFactory(outcome=_outcome(cast), name="Jobs", unit="people")
    client.force_login(cast.a.officer)
    first = client.post(_observation_url(indicator), _observation("31", "3", "2023", "1,200", add_another=""))
    assert first.status_code == 302 and first["Location"] == _observation_url(indicator)
    second = client.post(_observation_url(indicator), _observation("31", "3", "2024", "1300"))
    assert second["Location"].endswith(f"#indicator-{indicator.pk}")
    assert list(indicator.observations.values_list("value", flat=True)) == [Decimal(1200), Decimal(1300)]
    soup = _page(client, cast, cast.a.officer)
    assert soup.select_one("[data-trend]")["data-trend"] == "improving"
    assert "The observation for 31 March 2024 was added to ‘Jobs’." in soup.get_text()
    assert Observation.history.filter(indicator_id=indicator.pk).count() == 2


def test_a_second_observation_for_a_date_is_refused_with_a_clear_message(client, cast):
    indicator = LocalIndicatorFactory(outcome=_outcome(cast))
    Observation.objects.create(indicator=indicator, date=date(2024, 3, 31), value=Decimal("63.4"))
    client.force_login(cast.a.officer)
    response = client.post(_observation_url(indicator), _observation("31", "3", "2024", "70"))
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [
        "There is already an observation for 31 March 2024 (value 63.4). "
        "An indicator has one observation a date: enter a different date"
    ]
    assert indicator.observations.count() == 1
    latest = BeautifulSoup(response.content, "html.parser").select_one("[aria-labelledby=recent-observations]")
    assert latest.get_text(" ", strip=True) == "Date Value 31 Mar 2024 63.4%"


def test_a_race_for_the_same_date_is_refused_with_the_same_message(cast, monkeypatch):
    from wellbeing import indicator_forms
    from wellbeing.indicator_services import DuplicateObservation, observation_add

    indicator = LocalIndicatorFactory(outcome=_outcome(cast))
    form = indicator_forms.ObservationForm(_observation("31", "3", "2024", "70"), indicator=indicator)
    assert form.is_valid()
    ObservationFactory(indicator=indicator, date=date(2024, 3, 31), value=Decimal(1))  # saved meanwhile
    with pytest.raises(DuplicateObservation) as raised:
        observation_add(indicator=indicator, form=form)
    assert raised.value.existing.value == Decimal(1)
    assert indicator.observations.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_observation("", "", "", "5"), "date", "Enter the date of the observation"),
        (_observation("31", "2", "2024", "5"), "date", "Date of the observation must be a real date"),
        (_observation("1", "1", "2100", "5"), "date", "Date of the observation must be today or in the past"),
        (_observation("1", "1", "2024", ""), "value", "Enter the value, like 63.4"),
        (_observation("1", "1", "2024", "about 5"), "value", "Value must be a number, like 63.4"),
        (_observation("1", "1", "2024", "5.12345"), "value", "Value can have at most 3 decimal places"),
    ],
)
def test_a_bad_observation_is_refused_with_a_message_by_the_field(client, cast, data, field, message):
    indicator = LocalIndicatorFactory(outcome=_outcome(cast))
    client.force_login(cast.a.officer)
    response = client.post(_observation_url(indicator), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not indicator.observations.exists()


def test_a_viewer_may_not_add_observations(client, cast):
    indicator = LocalIndicatorFactory(outcome=_outcome(cast))
    client.force_login(cast.a.viewer)
    assert client.post(_observation_url(indicator), _observation("1", "1", "2024", "5")).status_code == 403
    assert not indicator.observations.exists()


# --- The alignment page ---------------------------------------------------------------------------


def test_the_alignment_counts_each_outcomes_indicators_by_trend(client, cast):
    outcome = _outcome(cast)
    other = WellbeingOutcomeFactory(place=cast.a.place, title="Other", priority_rank=2)
    _indicator_with(outcome, "100", "110", "90", "100")  # +11.1%: improving
    _indicator_with(outcome, "100", "120")  # improving
    _indicator_with(outcome, "100", "80", direction=DOWN)  # improving
    _indicator_with(outcome, "100", "101")  # maintaining
    _indicator_with(outcome, "100", "80")  # worsening
    _indicator_with(outcome)  # not enough data
    _indicator_with(WellbeingOutcome.objects.get(place=cast.b.place), "1", "2")  # another place's
    counts = {e.outcome.pk: e.trend_counts for e in alignment_for_place(place=cast.a.place).embeddings}
    assert counts == {
        outcome.pk: [(Trend.IMPROVING, 3), (Trend.MAINTAINING, 1), (Trend.WORSENING, 1), (Trend.NOT_ENOUGH_DATA, 1)],
        other.pk: [],
    }
    client.force_login(cast.a.viewer)
    soup = BeautifulSoup(client.get("/places/place-a/alignment/").content, "html.parser")
    cell = soup.select_one(f"[data-trends='{outcome.pk}']")
    assert [tag.get_text(strip=True) for tag in cell.select(".govuk-tag")] == [
        "3 improving",
        "1 maintaining",
        "1 worsening",
        "1 not enough data",
    ]
    assert soup.select_one(f"[data-trends='{other.pk}']").get_text(strip=True) == "No indicators"


# --- The demo -------------------------------------------------------------------------------------


def test_the_demo_has_illustrative_indicators_for_every_outcome_showing_every_trend(settings):
    settings.DEMO_DATA_ALLOWED = True
    place = demo_place_seed().place
    demo_place_seed()  # twice: nothing doubles
    indicators = LocalIndicator.objects.for_place(place)
    assert indicators.count() == len(DEMO_INDICATORS)
    assert Observation.objects.for_place(place).count() == sum(len(d.values) for d in DEMO_INDICATORS)
    assert all("(illustrative)" in i.name and i.source_note.startswith("Illustrative") for i in indicators)
    per_outcome = {o.title: o.local_indicators.count() for o in WellbeingOutcome.objects.for_place(place)}
    assert all(1 <= count <= 2 for count in per_outcome.values()), per_outcome
    trends = {
        indicator_trend(i.observations.all(), direction=i.direction, threshold_percent=i.threshold_percent)
        for i in indicators
    }
    assert trends == set(Trend)
