"""A partnership lead sets up a Good Employment Charter starting from the Fair Work First criteria,
records a signatory meeting three of its commitments, and sees the progress figures, charts and
tables update; then removes a commitment that signatory meets, confirming it. The charts draw under
the strict CSP (a violation is a console error, which fails the test) and axe passes on every page."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


def test_a_lead_sets_up_a_charter_records_a_signatory_and_sees_the_progress(browser_page, cast):
    OrganisationFactory(place=cast.a.place, name="Forth Valley College", sector="education")
    OrganisationFactory(place=cast.b.place, name="Place B's employer")
    today = timezone.localdate()
    page = browser_page.page
    browser_page.sign_in(cast.a.partnership_lead.username, cast.password)

    browser_page.goto(f"/places/{cast.a.place.slug}/charters/", "charters-empty")
    expect(page.get_by_text("Place A has no charters yet.")).to_be_visible()
    page.get_by_role("button", name="Add a charter").click()
    browser_page.check("add-charter")
    seed = page.get_by_role("checkbox", name="Start with the seven Fair Work First criteria as its commitments")
    expect(seed).to_be_checked()
    page.get_by_label("Name").fill("Good Employment Charter")
    launch = page.get_by_role("group", name="Launch date")
    launch.get_by_label("Day").fill("1")
    launch.get_by_label("Month").fill("4")
    launch.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Add charter").click()

    browser_page.check("charter-new")
    expect(page.get_by_text("The charter ‘Good Employment Charter’ was added.")).to_be_visible()
    commitments = page.locator("#commitments-list > li")
    expect(commitments).to_have_count(7)
    expect(commitments.first).to_contain_text("Appropriate channels for effective workers' voice")
    expect(commitments.nth(4)).to_contain_text("Payment of at least the real Living Wage")
    expect(page.get_by_text("No organisation has signed this charter yet.")).to_be_visible()
    expect(page.locator("#chart-signatories-heading")).to_have_count(0)

    page.get_by_role("button", name="Add a signatory").click()
    browser_page.check("add-signatory")
    organisation = page.get_by_label("Organisation")
    expect(organisation.locator("option", has_text="Place B's employer")).to_have_count(0)
    organisation.select_option(label="Forth Valley College")
    signed = page.get_by_role("group", name="Date signed")
    signed.get_by_label("Day").fill(str(today.day))
    signed.get_by_label("Month").fill(str(today.month))
    signed.get_by_label("Year").fill("2024")  # before the launch: refused
    for name in (
        "Investment in workforce development",
        "Payment of at least the real Living Wage",
        "Oppose the use of fire and rehire practice",
    ):
        page.get_by_role("checkbox", name=name).check()
    page.get_by_label("Evidence (optional)").fill("Accredited Living Wage employer since 2023.")
    page.get_by_role("button", name="Add signatory").click()

    browser_page.check("add-signatory-error")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The date signed must be on or after the charter's launch date, 1 April 2025")
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        expect(page.locator(href)).to_have_count(1)
    expect(page.get_by_role("checkbox", name="Payment of at least the real Living Wage")).to_be_checked()
    page.get_by_role("group", name="Date signed").get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Add signatory").click()

    browser_page.check("charter-with-a-signatory")
    expect(page.get_by_text("Forth Valley College was added as a signatory.")).to_be_visible()
    expect(page.locator("[data-figure=signatories]")).to_have_text("1")
    expect(page.locator("[data-figure=meeting-all]")).to_have_text("0 of 1 signatory (0.0%)")
    row = page.locator("#signatories-table tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("[data-met]")).to_have_text("3 of 7")
    expect(row).to_contain_text("Accredited Living Wage employer since 2023.")
    # The charts drew (Plotly's SVG), and their tables hold the same numbers.
    expect(page.locator("#chart-signatories-heading")).to_be_visible()
    for chart in ("chart-signatories", "chart-commitments"):
        expect(page.locator(f"[data-chart={chart}-data] .main-svg").first).to_be_visible()
    over_time = page.locator("#chart-signatories-caption").locator("xpath=..")
    expect(over_time.locator("tbody tr")).to_have_count(1)
    expect(over_time.locator("tbody tr")).to_contain_text(today.strftime("%B %Y"))
    met = page.locator("#chart-commitments-caption").locator("xpath=..")
    expect(met.get_by_role("row", name="5. Payment of at least the real Living Wage")).to_contain_text("1")
    expect(met.get_by_role("row", name="5. Payment of at least the real Living Wage")).to_contain_text("100.0")
    expect(met.get_by_role("row", name="1. Appropriate channels")).to_contain_text("0")

    # Removing a commitment the signatory meets asks for a confirming tick first.
    page.get_by_role("button", name="Change the charter or its commitments").click()
    browser_page.check("change-charter")
    fifth = page.locator("[data-commitment-row]").nth(4)
    expect(fifth).to_contain_text("Met by 1 signatory.")
    fifth.get_by_role("checkbox", name="Remove this commitment").check()
    page.get_by_role("button", name="Save changes").click()
    browser_page.check("change-charter-confirm")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Commitment 5: 1 signatory meets ‘Payment of at least the real Living Wage’")
    expect(summary.locator("a")).to_have_count(1)
    expect(page.locator(summary.locator("a").get_attribute("href"))).to_have_count(1)
    page.locator("[data-commitment-row]").nth(4).get_by_role("checkbox", name="Yes, remove it").check()
    page.get_by_role("button", name="Save changes").click()

    browser_page.check("charter-after-removal")
    expect(page.locator("#commitments-list > li")).to_have_count(6)
    expect(page.locator("#signatories-table [data-met]")).to_have_text("2 of 6")
    history = page.locator("#history-caption").locator("xpath=..")
    expect(history).to_contain_text("Deleted: Commitment ‘Payment of at least the real Living Wage’")

    page.get_by_role("link", name="Charters", exact=True).click()
    browser_page.check("charters")
    expect(page.locator("#charters-table [data-signatories]")).to_have_text("1")
    expect(page.locator("#charters-table [data-commitments]")).to_have_text("6")
