"""An officer assesses a decision with the keyboard alone and submits it; a place administrator
records the decision; after that the assessment cannot be changed. axe runs on every page."""

import pytest
from playwright.sync_api import expect

from tests.factories import WellbeingOutcomeFactory

pytestmark = pytest.mark.browser


def test_officer_assesses_a_decision_by_keyboard_and_an_admin_records_the_decision(browser_page, cast):
    WellbeingOutcomeFactory(place=cast.a.place, title="Warm homes", priority_rank=2)
    page = browser_page.page
    browser_page.sign_in(cast.a.officer.username, cast.password)
    browser_page.goto(f"/places/{cast.a.place.slug}/", "place-overview")
    page.get_by_role("link", name="Decisions", exact=True).click()
    browser_page.check("empty-decision-register")
    page.get_by_role("button", name="Assess a decision").click()
    browser_page.check("decision-form")

    # Saving with nothing filled in: the error summary takes focus and its links land on fields.
    page.get_by_role("button", name="Save as draft").click()
    browser_page.check("decision-form-errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a short name for the proposal")
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        expect(page.locator(href)).to_have_count(1)

    # From here on, the keyboard only: type, Tab between fields, Space and the arrow keys for radios.
    page.get_by_label("Proposal", exact=True).focus()
    page.keyboard.type("Close the Alloa day centre")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first kind, Budget proposal, is focused and chosen
    page.keyboard.press("ArrowDown")  # … then Policy
    expect(page.get_by_role("radio", name="Policy")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("What is proposed")).to_be_focused()
    page.keyboard.type("Merge two day centres into one.")
    page.keyboard.press("Tab")  # the lead officer, already the person signed in
    expect(page.get_by_label("Lead officer")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("Older people and their carers")
    page.keyboard.press("Tab")
    page.keyboard.type("Free transport to the other centre")

    page.keyboard.press("Tab")  # the first outcome's effects
    page.keyboard.press("Space")  # Strong positive
    page.keyboard.press("ArrowRight")  # … Positive
    page.keyboard.press("Tab")
    page.keyboard.type("Frees staff time for outreach")
    page.keyboard.press("Tab")  # the second outcome's effects
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # Positive, Neutral, Negative
    page.keyboard.press("Tab")
    page.keyboard.type("Longer journeys in winter")
    first_row = page.locator(".app-formset-row").nth(0)
    second_row = page.locator(".app-formset-row").nth(1)
    expect(first_row.get_by_role("radio", name="Positive", exact=True)).to_be_checked()
    expect(second_row.get_by_role("radio", name="Negative", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save as draft")).to_be_focused()
    # Enter submits the form: wait for the next page, or the check would read the old one.
    with page.expect_navigation():
        page.keyboard.press("Enter")

    browser_page.check("decision-draft")
    expect(page.get_by_text("‘Close the Alloa day centre’ was saved as a draft.")).to_be_visible()
    effects = page.locator("#effects-caption").locator("xpath=..")
    expect(effects.get_by_role("row", name="Fair work for women in Place A")).to_contain_text("Positive")
    expect(effects.get_by_role("row", name="Warm homes")).to_contain_text("Longer journeys in winter")
    submit = page.get_by_role("button", name="Submit for decision")
    submit.focus()
    # Enter submits the form: wait for the next page, or the check would read the old one.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    browser_page.check("decision-submitted")
    expect(page.get_by_text("was submitted for decision")).to_be_visible()
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)  # an officer does not decide
    assessment_url = page.url

    # A place administrator records the decision.
    page.context.clear_cookies()
    browser_page.sign_in(cast.a.place_admin.username, cast.password)
    browser_page.goto(assessment_url.removeprefix(browser_page.base_url), "decision-to-decide")
    page.get_by_role("radio", name="Approved with changes").check()
    page.get_by_role("button", name="Record the decision").click()
    browser_page.check("decision-errors")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the decision")
    page.get_by_role("radio", name="Approved with changes").check()
    page.get_by_label("Day", exact=True).fill("2")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("Who decided").fill("Policy committee")
    page.get_by_label("Changes or conditions").fill("Transport for the first year only")
    page.get_by_role("button", name="Record the decision").click()

    browser_page.check("decision-decided")
    expect(page.get_by_text("The decision on ‘Close the Alloa day centre’ was recorded.")).to_be_visible()
    expect(page.locator("#decided-notice")).to_contain_text("decided on 2 November 2026 and cannot be changed")
    expect(page.get_by_role("button", name="Change this assessment")).to_have_count(0)
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)
    history = page.locator("#history-caption").locator("xpath=..")
    expect(history).to_contain_text("Status: Submitted for decision → Decided")

    page.get_by_role("link", name="Decisions", exact=True).first.click()
    browser_page.check("decision-register")
    expect(page.get_by_role("row", name="Close the Alloa day centre")).to_contain_text("Approved with changes")
    page.get_by_role("link", name="See which outcomes this year's decisions helped or harmed").click()
    browser_page.check("decision-summary")
    expect(page.get_by_role("row", name="Warm homes")).to_be_visible()
