"""A person signs in, sees their places, opens the demo place, and signs out."""

import pytest
from playwright.sync_api import expect

from wellbeing.models import Role
from wellbeing.services import DEMO_PLACE_NAME, demo_place_seed

pytestmark = pytest.mark.browser


def test_officer_signs_in_opens_the_demo_place_and_signs_out(browser_page, reference_data):
    demo = demo_place_seed()
    username, password, _ = next(login for login in demo.logins if login[2] == Role.OFFICER.label)
    page = browser_page.page

    browser_page.goto("/", "anonymous-home-redirects-to-sign-in")
    expect(page.get_by_role("heading", name="Sign in to Shift the Dial")).to_be_visible()

    browser_page.sign_in(username, password)
    browser_page.check("your-places")
    expect(page.get_by_role("heading", name="Your places")).to_be_visible()
    demo_link = page.get_by_role("link", name=DEMO_PLACE_NAME)
    expect(demo_link).to_be_visible()

    demo_link.click()
    browser_page.check("demo-place-overview")
    expect(page.get_by_role("heading", name=DEMO_PLACE_NAME, level=1)).to_be_visible()
    expect(page.get_by_text("Illustrative demo data")).to_be_visible()
    expect(page.get_by_role("row", name="Fair work, particularly for women")).to_contain_text("Fair Work and Business")
    # An officer is not a place administrator: the people-and-roles section is not offered.
    expect(page.get_by_role("link", name="People and roles")).to_have_count(0)

    page.get_by_role("link", name="National Performance Framework").click()
    browser_page.check("npf")
    expect(page.get_by_text("11 national outcomes and 81 national indicators")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    browser_page.check("signed-out")
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    browser_page.goto(f"/places/{demo.place.slug}/", "demo-place-after-sign-out")
    expect(page.get_by_role("heading", name="Sign in to Shift the Dial")).to_be_visible()


def test_a_wrong_password_is_explained_and_focus_moves_to_the_error_summary(browser_page, cast):
    page = browser_page.page
    browser_page.sign_in(cast.a.viewer.username, "not-the-password")
    browser_page.check("sign-in-error")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Sign in – Shift the Dial")
    # Every link in the error summary lands on an element of the page.
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        expect(page.locator(href)).to_have_count(1)


def test_refusals_are_styled_pages_that_say_what_to_do(browser_page, cast):
    page = browser_page.page
    browser_page.sign_in(cast.a.viewer.username, cast.password)

    browser_page.goto(f"/places/{cast.a.place.slug}/members/", "403-viewer-on-members", status=403)
    expect(page.get_by_role("heading", name="You cannot do this")).to_be_visible()
    expect(page.get_by_text("You need to be a place administrator in Place A")).to_be_visible()

    browser_page.goto(f"/places/{cast.b.place.slug}/", "404-other-place", status=404)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("Secret outcome of Place B")).to_have_count(0)


def test_place_admin_sees_people_and_roles_and_pages_reflow_at_320px(browser_page, cast):
    page = browser_page.page
    browser_page.sign_in(cast.a.place_admin.username, cast.password)
    page.get_by_role("link", name="Place A").click()
    browser_page.check("place-a-overview")
    page.get_by_role("link", name="People and roles").click()
    browser_page.check("people-and-roles")
    expect(page.get_by_role("cell", name="a-officer")).to_be_visible()
    expect(page.get_by_role("cell", name="b-officer")).to_have_count(0)

    page.set_viewport_size({"width": 320, "height": 640})
    browser_page.goto(f"/places/{cast.a.place.slug}/", "overview-320px")
    # No horizontal scrolling of the page itself at 320 CSS pixels (WCAG 1.4.10 reflow).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320


def test_a_person_changes_their_password_and_a_weak_one_is_explained(browser_page, cast):
    page = browser_page.page
    browser_page.sign_in(cast.a.analyst.username, cast.password)
    page.get_by_role("link", name="Change password").click()
    browser_page.check("change-password")

    page.get_by_label("Current password").fill(cast.password)
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_label("Confirm new password").fill("password")
    page.get_by_role("button", name="Change password").click()
    browser_page.check("change-password-weak")
    expect(page.locator(".govuk-error-summary")).to_contain_text("This password is too common")
    expect(page.locator(".govuk-error-summary")).to_be_focused()

    page.get_by_label("Current password").fill(cast.password)
    page.get_by_label("New password", exact=True).fill("a wee dram by the Ochil hills")
    page.get_by_label("Confirm new password").fill("a wee dram by the Ochil hills")
    page.get_by_role("button", name="Change password").click()
    browser_page.check("password-changed")
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()


def test_repeated_wrong_passwords_pause_sign_in_with_a_page_that_says_why(browser_page, cast, settings):
    page = browser_page.page
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        browser_page.sign_in(cast.a.officer.username, f"wrong-{attempt}")
    browser_page.check("sign-in-paused", status=429)
    expect(page.get_by_role("heading", name="Sign-in is paused for this account")).to_be_visible()
    expect(page.get_by_text("for the next 15 minutes")).to_be_visible()


def test_a_form_posted_after_its_session_token_is_gone_explains_that_it_expired(browser_page, cast):
    page = browser_page.page
    browser_page.goto("/accounts/login/", "sign-in")
    page.context.clear_cookies()  # as when a session ends in another tab
    page.get_by_label("Username").fill(cast.a.viewer.username)
    page.get_by_label("Password").fill(cast.password)
    page.get_by_role("button", name="Sign in").click()
    browser_page.check("form-expired", status=403)
    expect(page.get_by_role("heading", name="Your form has expired")).to_be_visible()
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
