"""An officer searches the organisations directory, types a near-duplicate of an organisation
already there, is asked about it, opens the one already there in a new tab, then says it is a
different organisation and saves. axe runs on the directory, the form and the organisation pages."""

import pytest
from playwright.sync_api import expect

from tests.factories import InterventionFactory, OrganisationFactory, PartnershipFactory, PartnershipMembershipFactory

pytestmark = pytest.mark.browser


def test_officer_is_asked_about_a_near_duplicate_and_adds_it_once_sure(browser_page, cast):
    place = cast.a.place
    college = OrganisationFactory(place=place, name="Forth Valley College", sector="education", is_anchor=True)
    OrganisationFactory(place=None, name="Skills Development Scotland", sector="public")
    OrganisationFactory(place=place, name="NHS Forth Valley", sector="health")
    partnership = PartnershipFactory(place=place, name="Wellbeing Economy Anchor Partnership")
    PartnershipMembershipFactory(partnership=partnership, organisation=college, representative="Principal")
    InterventionFactory(place=place, title="Green skills academy", lead_organisation=college, owner=cast.a.officer)
    page = browser_page.page
    browser_page.sign_in(cast.a.officer.username, cast.password)

    browser_page.goto(f"/places/{place.slug}/organisations/", "directory")
    expect(page.get_by_text("National body")).to_be_visible()
    page.get_by_label("Search by name").fill("forth")
    page.get_by_role("button", name="Apply filters").click()
    browser_page.check("directory-searched")
    results = page.locator("#organisations-table tbody")
    expect(results.get_by_role("link")).to_have_text(["Forth Valley College", "NHS Forth Valley"])
    page.get_by_label("Search by name").fill("no such organisation")
    page.get_by_role("button", name="Apply filters").click()
    browser_page.check("directory-no-match")
    expect(page.get_by_text("No organisations match your search and filters")).to_be_visible()

    page.get_by_role("button", name="Add an organisation").click()
    browser_page.check("organisation-form")
    expect(page.get_by_label("This is a different organisation")).to_have_count(0)
    page.get_by_label("Name", exact=True).fill("Forth Valley Colege")
    page.get_by_role("radio", name="Community").check()
    page.get_by_role("group", name="Is it an anchor institution?").get_by_role("radio", name="No").check()
    page.get_by_role("button", name="Add organisation").click()
    browser_page.check("organisation-form-similar")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("‘Forth Valley Colege’ looks like an organisation already in the directory")
    existing = summary.get_by_role("link", name="Forth Valley College (opens in new tab)")
    expect(existing).to_have_attribute("target", "_blank")
    expect(summary.get_by_role("link", name="NHS Forth Valley (opens in new tab)")).to_have_count(0)
    expect(page.get_by_label("Name", exact=True)).to_have_value("Forth Valley Colege")

    # The organisation already there opens in a new tab, leaving the form as it was.
    with page.context.expect_page() as opened:
        existing.click()
    other_tab = opened.value
    other_tab.wait_for_load_state("load")
    expect(other_tab.get_by_role("heading", level=1)).to_have_text("Forth Valley College")
    other_tab.close()

    # The summary's link lands on the box; ticking it saves.
    summary.get_by_role("link", name="looks like an organisation already in the directory").click()
    expect(page.get_by_label("This is a different organisation")).to_be_focused()
    page.get_by_label("This is a different organisation").check()
    page.get_by_role("button", name="Add organisation").click()
    browser_page.check("new-organisation-page")
    expect(page.get_by_text("‘Forth Valley Colege’ was added to the directory.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forth Valley Colege")

    browser_page.goto(f"/places/{place.slug}/organisations/{college.pk}/", "organisation-page")
    expect(page.locator("#memberships-table")).to_contain_text("Wellbeing Economy Anchor Partnership")
    expect(page.locator("#led-table")).to_contain_text("Green skills academy")
