"""A place administrator reads the strategic alignment, finds a strategic outcome tied to no NPF
outcome, links it to one from the plan's page and sees the flag clear; the Sankey chart draws under
the strict CSP (a violation is a console error, which fails the test) and axe passes on every page."""

import pytest
from playwright.sync_api import expect

from tests.factories import StrategicOutcomeFactory, StrategicPlanFactory
from wellbeing.models import NationalOutcome, WellbeingOutcome

pytestmark = pytest.mark.browser


def test_a_place_admin_ties_a_strategic_outcome_to_the_npf_and_the_flag_clears(browser_page, cast):
    place = cast.a.place
    fair_work = WellbeingOutcome.objects.get(place=place)
    plan = StrategicPlanFactory(place=place, title="Place A LOIP 2024–2034")
    StrategicOutcomeFactory(
        plan=plan,
        title="Fewer children in poverty",
        wellbeing_outcomes=[fair_work],
        national_outcomes=list(NationalOutcome.objects.filter(code="POV")),
    )
    StrategicOutcomeFactory(plan=plan, title="Good work for women", wellbeing_outcomes=[fair_work])
    page = browser_page.page
    browser_page.sign_in(cast.a.place_admin.username, cast.password)

    browser_page.goto(f"/places/{place.slug}/", "place-overview")
    page.get_by_role("link", name="Alignment").click()
    browser_page.check("alignment-flagged")
    unlinked = page.locator("#flag-unlinked-heading")
    expect(unlinked).to_have_text("Strategic outcomes not tied to any NPF outcome: 1")
    expect(page.locator("[data-flag=unlinked]")).to_contain_text("Good work for women")
    expect(page.locator("#chart-alignment-heading")).to_be_visible()
    expect(page.locator(".app-chart .main-svg").first).to_be_attached()  # Plotly drew the Sankey

    page.locator("[data-flag=unlinked]").get_by_role("link", name="Place A LOIP 2024–2034").click()
    browser_page.check("plan-page")
    page.get_by_role("link", name="Change Good work for women").click()
    browser_page.check("change-strategic-outcome")
    page.get_by_role("checkbox", name="Fair Work and Business").check()
    page.get_by_role("button", name="Save strategic outcome").click()

    browser_page.check("plan-page-after-change")
    expect(page.get_by_text("‘Good work for women’ was saved.")).to_be_visible()
    history = page.locator("#history-caption").locator("xpath=..")
    expect(history).to_contain_text("NPF national outcomes: — → Fair Work and Business")
    expect(history).to_contain_text(cast.a.place_admin.get_full_name())

    page.get_by_role("link", name="See how Place A's plans align with its wellbeing outcomes and the NPF").click()
    browser_page.check("alignment-cleared")
    expect(unlinked).to_have_text("Strategic outcomes not tied to any NPF outcome: 0")
    expect(page.get_by_text("None: every strategic outcome serves at least one NPF national outcome.")).to_be_visible()
    expect(page.locator("#flag-unreached-heading")).to_have_text("NPF national outcomes no plan reaches: 9 of 11")

    # Adding a plan: the form's errors are summarised and linked to their fields.
    page.get_by_role("button", name="Manage strategic plans").click()
    browser_page.check("plans")
    page.get_by_role("button", name="Add a plan").click()
    browser_page.check("add-plan")
    page.get_by_label("First year").fill("2030")
    page.get_by_label("Last year").fill("2026")
    page.get_by_role("button", name="Save plan").click()
    browser_page.check("add-plan-errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the plan's title")
    expect(summary).to_contain_text("Choose what kind of plan this is")
    page.get_by_label("Title").fill("Community Wealth Building action plan 2026")
    page.get_by_role("radio", name="Community Wealth Building action plan").check()
    page.get_by_role("radio", name="Draft").check()
    page.get_by_label("Last year").fill("2031")
    page.get_by_role("button", name="Save plan").click()
    browser_page.check("new-plan")
    expect(page.get_by_role("heading", name="Community Wealth Building action plan 2026", level=1)).to_be_visible()


def test_a_viewer_sees_the_alignment_and_plans_without_edit_controls(browser_page, cast):
    plan = StrategicPlanFactory(place=cast.a.place, title="Place A council plan")
    StrategicOutcomeFactory(plan=plan, title="Thriving town centres")
    page = browser_page.page
    browser_page.sign_in(cast.a.viewer.username, cast.password)
    browser_page.goto(f"/places/{cast.a.place.slug}/alignment/", "viewer-alignment")
    page.get_by_role("button", name="See strategic plans").click()
    browser_page.check("viewer-plans")
    expect(page.get_by_role("heading", name="Place A council plan")).to_be_visible()
    expect(page.get_by_role("button", name="Add a plan")).to_have_count(0)
    expect(page.get_by_role("link", name="Change Thriving town centres")).to_have_count(0)
