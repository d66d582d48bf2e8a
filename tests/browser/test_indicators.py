"""An officer adds a local indicator to an outcome (keyboard for the form, mouse for the links),
adds two observations, and sees the trend and the chart with its table on the outcome's page; a
second observation for the same date is refused with a message by the field. axe passes on every
page, and Plotly draws under the strict CSP (a violation is a console error, which fails the test)."""

import pytest
from playwright.sync_api import expect

from wellbeing.models import LocalIndicator, WellbeingOutcome

pytestmark = pytest.mark.browser


def _fill_date(page, label: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_an_officer_adds_an_indicator_and_observations_and_sees_the_dial_shift(browser_page, cast):
    place = cast.a.place
    outcome = WellbeingOutcome.objects.get(place=place)
    page = browser_page.page
    browser_page.sign_in(cast.a.officer.username, cast.password)

    browser_page.goto(f"/places/{place.slug}/outcomes/{outcome.pk}/", "outcome-without-indicators")
    expect(page.get_by_role("heading", name="Is the dial shifting?")).to_be_visible()
    expect(page.get_by_text("No local indicators have been set up for this outcome yet.")).to_be_visible()
    page.get_by_role("button", name="Add a local indicator").click()
    browser_page.check("add-indicator")

    # Saving an empty form: the errors are summarised and linked to their fields.
    page.get_by_role("button", name="Save indicator").click()
    browser_page.check("add-indicator-errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the indicator's name")
    expect(summary).to_contain_text("Choose whether an increase or a decrease is an improvement")

    # The keyboard only: type, Tab between fields, Space for the radios.
    page.get_by_label("Name").focus()
    page.keyboard.type("Employment rate (women, 16–64)")
    page.keyboard.press("Tab")  # the unit
    page.keyboard.type("%")
    page.keyboard.press("Tab")  # the first direction: an increase is an improvement
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="An increase is an improvement")).to_be_checked()
    page.get_by_label("Target value").focus()
    page.keyboard.type("75")
    page.keyboard.press("Tab")
    page.keyboard.type("31")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("2030")
    page.get_by_label("Source").focus()
    page.keyboard.type("Annual Population Survey")
    page.get_by_role("button", name="Save indicator").focus()
    # Enter submits the form: wait for the next page, or the check would read the old one.
    with page.expect_navigation():
        page.keyboard.press("Enter")

    browser_page.check("outcome-with-indicator")
    expect(page.get_by_text("‘Employment rate (women, 16–64)’ was saved.")).to_be_visible()
    indicator = LocalIndicator.objects.get(outcome=outcome)
    section = page.locator(f"#indicator-{indicator.pk}")
    expect(section.get_by_text("Not enough data")).to_be_visible()

    # The mouse: add two observations, the first with "Save and add another".
    section.get_by_role("link", name="Add an observation to Employment rate (women, 16–64)").click()
    browser_page.check("add-observation")
    _fill_date(page, "Date of the observation", "31", "3", "2023")
    page.get_by_label("Value (%)").fill("66.2")
    page.get_by_role("button", name="Save and add another").click()
    browser_page.check("add-another-observation")
    expect(page.get_by_text("The observation for 31 March 2023 was added")).to_be_visible()
    _fill_date(page, "Date of the observation", "31", "3", "2023")
    page.get_by_label("Value (%)").fill("70")
    page.get_by_role("button", name="Save observation").click()
    browser_page.check("observation-same-date")
    expect(page.locator(".govuk-error-summary")).to_contain_text("There is already an observation for 31 March 2023")
    page.get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Save observation").click()

    browser_page.check("outcome-with-trend")
    expect(section.locator(".govuk-tag").first).to_have_text("Improving")
    expect(section).to_contain_text("a change of +5.7%, against a threshold of 5%")
    expect(section.locator(".app-chart .main-svg").first).to_be_attached()  # Plotly drew the line chart
    table = section.locator(f"#chart-indicator-{indicator.pk}-caption").locator("xpath=..")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("31 Mar 2024")
    expect(table).to_contain_text("70")
    expect(table).to_contain_text("Target")

    # The alignment page counts the outcome's indicators by trend.
    browser_page.goto(f"/places/{place.slug}/alignment/", "alignment-with-trends")
    expect(page.locator(f"[data-trends='{outcome.pk}']")).to_have_text("1 improving")
