"""Officers map what is under way: add an intervention with two outcome links (keyboard and
mouse), change it, read its history; the register filters with and without JavaScript; a viewer
sees no edit control."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import InterventionFactory, OrganisationFactory, WellbeingOutcomeFactory

pytestmark = pytest.mark.browser


def test_officer_adds_an_intervention_with_two_outcome_links_changes_it_and_reads_its_history(browser_page, cast):
    WellbeingOutcomeFactory(place=cast.a.place, title="Warm homes", priority_rank=2)
    OrganisationFactory(place=cast.a.place, name="Forth Valley College")
    page = browser_page.page
    browser_page.sign_in(cast.a.officer.username, cast.password)
    browser_page.goto(f"/places/{cast.a.place.slug}/", "place-overview")
    page.get_by_role("link", name="Intervention map").click()
    browser_page.check("empty-register")
    page.get_by_role("button", name="Add an intervention").click()
    browser_page.check("add-intervention-form")

    # Submitting with nothing filled in: the error summary takes focus and its links land on fields.
    page.get_by_role("button", name="Add intervention").click()
    browser_page.check("add-intervention-errors")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the title of the intervention")
    expect(summary).to_contain_text("Choose the lead organisation, or type the name of a new one below it")
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        expect(page.locator(href)).to_have_count(1)

    # The keyboard: type the title, tab to the kind radios, choose with the arrow keys.
    page.get_by_label("Title").fill("Green skills academy")
    page.get_by_label("Title").press("Tab")
    page.keyboard.press("Space")  # the first kind, Policy, is focused and chosen
    page.keyboard.press("ArrowRight")  # … then Project
    page.keyboard.press("ArrowRight")  # … then Programme
    expect(page.get_by_role("radio", name="Programme")).to_be_checked()
    # The mouse for the rest.
    page.get_by_role("radio", name="Active").check()
    page.get_by_label("Lead organisation", exact=True).select_option(label="Forth Valley College")
    page.get_by_label("Or add a new lead organisation").fill("")
    page.get_by_label("Add new partner organisations").fill("Clackmannanshire Works")
    page.locator("#id_start_date_0").fill("1")
    page.locator("#id_start_date_1").fill("4")
    page.locator("#id_start_date_2").fill("2025")
    page.get_by_label("Budget in pounds (£)").fill("250000")
    page.get_by_role("checkbox", name="Fair work").check()
    page.locator("#id_contributions-0-outcome").select_option(label="Fair work for women in Place A")
    page.locator("#id_contributions-0-effectiveness").select_option(label="Moderate")
    page.locator("#id_contributions-0-basis").select_option(label="Monitored")
    page.locator("#id_contributions-1-outcome").select_option(label="Warm homes")
    page.locator("#id_contributions-1-strength").select_option(label="Enabling")
    page.get_by_role("button", name="Add intervention").click()

    browser_page.check("intervention-page")
    expect(page.get_by_role("heading", name="Green skills academy", level=1)).to_be_visible()
    expect(page.get_by_text("‘Green skills academy’ was added as INT-")).to_be_visible()
    links = page.locator("#contributions-caption").locator("xpath=..")
    expect(links.get_by_role("row", name="Fair work for women in Place A")).to_contain_text("Moderate")
    expect(links.get_by_role("row", name="Warm homes")).to_contain_text("Enabling")

    page.get_by_role("button", name="Change this intervention").click()
    browser_page.check("change-intervention")
    page.get_by_role("radio", name="Paused").check()
    page.locator("#id_contributions-0-effectiveness").select_option(label="Strong")
    page.get_by_role("button", name="Save changes").click()
    browser_page.check("intervention-after-change")
    history = page.locator("#history-caption").locator("xpath=..")
    expect(history).to_contain_text("Status: Active → Paused")
    expect(history).to_contain_text("Effectiveness: Moderate → Strong")
    expect(history).to_contain_text(cast.a.officer.get_full_name())

    page.get_by_role("link", name="Intervention map").first.click()
    browser_page.check("register-with-one")
    expect(page.get_by_role("row", name="Green skills academy")).to_contain_text("Paused")


def test_register_filters_update_in_place_with_htmx_and_the_url_keeps_them(browser_page, cast):
    for title, status in [("Retrofit pilot", "planned"), ("Living wage drive", "active")]:
        InterventionFactory(place=cast.a.place, title=title, status=status)
    page = browser_page.page
    browser_page.sign_in(cast.a.viewer.username, cast.password)
    browser_page.goto(f"/places/{cast.a.place.slug}/interventions/", "register")
    expect(page.get_by_role("heading", name="2 interventions")).to_be_visible()
    page.get_by_role("checkbox", name="Planned").check()
    expect(page.get_by_role("heading", name="1 intervention", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]status=planned(&|$)"))
    browser_page.check("register-filtered")
    # The URL is shareable: opening it afresh shows the same list.
    browser_page.goto(page.url.replace(browser_page.base_url, ""), "register-shared-url")
    expect(page.get_by_role("row", name="Retrofit pilot")).to_be_visible()
    expect(page.get_by_role("row", name="Living wage drive")).to_have_count(0)


def test_without_javascript_the_filters_still_work(browser, live_server, cast):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    InterventionFactory(place=cast.a.place, title="Retrofit pilot", status="planned")
    InterventionFactory(place=cast.a.place, title="Living wage drive", status="active")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(cast.a.viewer.username)
    page.get_by_label("Password").fill(cast.password)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/places/{cast.a.place.slug}/interventions/")
    page.get_by_role("checkbox", name="Active").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("row", name="Living wage drive")).to_be_visible()
    expect(page.get_by_role("row", name="Retrofit pilot")).to_have_count(0)
    assert "status=active" in page.url
    context.close()


def test_a_viewer_sees_no_edit_control(browser_page, cast):
    intervention = InterventionFactory(place=cast.a.place, title="Retrofit pilot")
    page = browser_page.page
    browser_page.sign_in(cast.a.viewer.username, cast.password)
    for path, name in [
        (f"/places/{cast.a.place.slug}/interventions/", "viewer-register"),
        (f"/places/{cast.a.place.slug}/interventions/{intervention.pk}/", "viewer-intervention"),
        (f"/places/{cast.a.place.slug}/outcomes/", "viewer-outcomes"),
    ]:
        browser_page.goto(path, name)
        for control in (
            "Add an intervention",
            "Import from a spreadsheet",
            "Change this intervention",
            "Add an outcome",
        ):
            expect(page.get_by_role("button", name=control)).to_have_count(0)
    browser_page.goto(
        f"/places/{cast.a.place.slug}/interventions/{intervention.pk}/edit/", "viewer-edit-refused", status=403
    )


def test_officer_records_an_outcomes_drivers_and_npf_links(browser_page, cast):
    outcome_title = "Fair work for women in Place A"
    page = browser_page.page
    browser_page.sign_in(cast.a.officer.username, cast.password)
    browser_page.goto(f"/places/{cast.a.place.slug}/outcomes/", "outcome-list")
    page.get_by_role("link", name=outcome_title).click()
    browser_page.check("outcome-page")
    page.get_by_role("button", name="Change this outcome").click()
    browser_page.check("outcome-form")
    page.get_by_label("Drivers").fill("Low pay in care and retail\nChildcare costs")
    page.get_by_role("checkbox", name="Fair Work and Business").check()
    page.get_by_role("checkbox", name="Pay gap").check()
    page.get_by_label("Priority").fill("0")
    page.get_by_role("button", name="Save outcome").click()
    browser_page.check("outcome-form-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Priority must be 1 or more")
    page.get_by_label("Priority").fill("1")
    page.get_by_role("button", name="Save outcome").click()
    browser_page.check("outcome-after-change")
    expect(page.get_by_text("Childcare costs", exact=True)).to_be_visible()
    expect(page.locator("#history-caption").locator("xpath=..")).to_contain_text("Drivers")
    expect(page.get_by_role("definition").filter(has_text="Pay gap")).to_be_visible()


def test_the_less_travelled_pages_pass_axe(browser_page, cast):
    """Pages no other journey opens: adding an outcome, a shared national intervention and its
    link form, an edit refused because someone saved first, the register's unusable-filter message
    and its second page."""
    from interventions.models import Intervention

    place = cast.a.place
    scotgov = OrganisationFactory(place=None, name="Scottish Government")
    national = InterventionFactory(
        place=None, level="national", title="Scottish Child Payment", lead_organisation=scotgov
    )
    mine = InterventionFactory(place=place, title="Women into work", owner=cast.a.officer)
    for n in range(26):
        InterventionFactory(place=place, title=f"Work {n:02d}", owner=cast.a.officer)
    page = browser_page.page
    browser_page.sign_in(cast.a.officer.username, cast.password)

    browser_page.goto(f"/places/{place.slug}/outcomes/new/", "add-outcome")
    browser_page.goto(f"/places/{place.slug}/interventions/{national.pk}/", "national-intervention")
    expect(page.get_by_text("shared with every place")).to_be_visible()
    browser_page.goto(f"/places/{place.slug}/interventions/{national.pk}/edit/", "national-links-form")
    expect(page.get_by_label("Title")).to_have_count(0)

    browser_page.goto(f"/places/{place.slug}/interventions/?outcome=999999", "register-unusable-filter")
    expect(page.locator(".govuk-error-summary, .govuk-error-message").first).to_be_visible()
    browser_page.goto(f"/places/{place.slug}/interventions/?page=2", "register-page-2")
    expect(
        page.get_by_role("link", name="Work 24").or_(page.get_by_role("link", name="Women into work"))
    ).to_have_count(1)

    # Someone else saves while this officer has the form open: the save is refused, input kept.
    browser_page.goto(f"/places/{place.slug}/interventions/{mine.pk}/edit/", "edit-form")
    Intervention.objects.filter(pk=mine.pk).update(version=mine.version + 1, title="Women into fair work")
    page.get_by_label("Title").fill("Women into work (changed here)")
    page.get_by_role("button", name=re.compile("Save")).click()
    browser_page.check("edit-refused-someone-saved-first")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Women into work (changed here)")
