"""An officer adds a budget line with two shares, first over 100% (and reads why it is refused),
then fixes it; the budget page shows the spend on each outcome. axe runs on every page."""

import pytest
from playwright.sync_api import expect

from tests.factories import WellbeingOutcomeFactory

pytestmark = pytest.mark.browser


def test_officer_adds_a_budget_line_with_two_shares_and_the_budget_shows_it(browser_page, cast):
    WellbeingOutcomeFactory(place=cast.a.place, title="Warm homes", priority_rank=2)
    page = browser_page.page
    browser_page.sign_in(cast.a.officer.username, cast.password)
    browser_page.goto(f"/places/{cast.a.place.slug}/", "place-overview")
    page.get_by_role("link", name="Budgets", exact=True).click()
    browser_page.check("empty-budgets")
    expect(page.get_by_text("has no budget lines yet")).to_be_visible()
    page.get_by_role("button", name="See the budget lines").click()
    browser_page.check("empty-budget-lines")
    page.get_by_role("button", name="Add a budget line").click()
    browser_page.check("budget-line-form")

    page.get_by_label("Service", exact=True).fill("Housing")
    page.get_by_label("Cost centre").fill("hs 3100")
    page.get_by_label("Financial year").fill("2025/26")
    page.get_by_role("radio", name="Capital").check()
    page.get_by_label("Amount in pounds (£)").fill("200000")
    first, second = page.locator(".app-formset-row").nth(0), page.locator(".app-formset-row").nth(1)
    first.get_by_label("Wellbeing outcome").select_option(label="1. Fair work for women in Place A")
    first.get_by_label("Share of the line (%)").fill("70")
    second.get_by_label("Wellbeing outcome").select_option(label="2. Warm homes")
    second.get_by_label("Share of the line (%)").fill("45")
    page.get_by_role("button", name="Add budget line").click()

    browser_page.check("budget-line-over-100")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The shares add up to 115%: they cannot be more than 100%")
    expect(page.locator("[data-shares-error]")).to_contain_text("The shares add up to 115%")
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        expect(page.locator(href)).to_have_count(1)

    page.locator(".app-formset-row").nth(1).get_by_label("Share of the line (%)").fill("25")
    page.get_by_role("button", name="Add budget line").click()
    browser_page.check("budget-line-page")
    expect(page.get_by_text("was added")).to_be_visible()
    shares = page.locator("#shares-table")
    expect(shares.get_by_role("row", name="Warm homes")).to_contain_text("£50,000")
    expect(page.locator("[data-untagged]")).to_contain_text("£10,000")
    expect(page.get_by_role("heading", level=1)).to_contain_text("HS3100")

    page.get_by_role("link", name="Budgets", exact=True).click()
    browser_page.check("budgets")
    expect(page.locator("#outcome-spend-table").get_by_role("row", name="Warm homes")).to_contain_text("£50,000")
    expect(page.locator('#years-table tr[data-year="2025/26"] [data-untagged]')).to_contain_text("£10,000")
    expect(page.locator(".app-chart .main-svg").first).to_be_visible()
