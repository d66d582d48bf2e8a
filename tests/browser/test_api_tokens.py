"""An analyst makes an API token on their profile page, sees it once, reads the API with it from
outside the browser (no session), revokes it and finds it refused; then reads the API's docs page.
axe and the strict CSP are checked on every page the browser shows."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _api(base_url: str, token: str) -> tuple[int, dict]:
    """A request from another program: no cookies, only the token."""
    url = base_url + "/api/v1/places/"  # the live test server, over http
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_an_analyst_makes_uses_and_revokes_an_api_token(browser_page, cast):
    page = browser_page.page
    browser_page.sign_in(cast.a.analyst.username, cast.password)
    browser_page.check("home")
    page.get_by_role("link", name="Your profile").click()
    browser_page.check("profile-empty")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()

    # A mistake first: the error summary links to the field.
    page.get_by_role("button", name="Create token").click()
    browser_page.check("profile-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what the token is for")

    page.get_by_label("What is the token for?").fill("Power BI dashboard")
    page.get_by_label("1 year").check()
    page.get_by_role("button", name="Create token").click()
    browser_page.check("profile-new-token")
    token_field = page.get_by_label("Your new token")
    token = token_field.input_value()
    assert len(token) == 64
    expect(page.get_by_role("cell", name="Power BI dashboard", exact=True)).to_be_visible()
    expect(page.get_by_text(f"{token[:15]}…")).to_be_visible()

    status, body = _api(browser_page.base_url, token)
    assert status == 200
    assert [place["slug"] for place in body["results"]] == [cast.a.place.slug]

    # Shown once: the profile page never shows it again.
    browser_page.goto("/accounts/profile/", "profile-again")
    assert token not in page.content()

    page.get_by_role("button", name="Revoke the token ‘Power BI dashboard’").click()
    browser_page.check("profile-revoked")
    expect(page.get_by_text("The token ‘Power BI dashboard’ was revoked: it no longer works.")).to_be_visible()
    status, body = _api(browser_page.base_url, token)
    assert status == 401
    assert body == {"detail": "Invalid token."}

    page.get_by_role("link", name="read API").click()
    browser_page.check("api-docs")
    expect(page.get_by_role("heading", name="The gap analysis")).to_be_visible()
    expect(page.locator("#schema-GapAnalysis")).to_contain_text("spend_to_gaps_share")
    page.screenshot(path=str(browser_page.shots / "api-docs-top.png"))  # the page is long: its top, readable
    page.get_by_role("link", name="GapAnalysis").first.click()
    expect(page.locator("#schema-GapAnalysis")).to_be_in_viewport()
    page.screenshot(path=str(browser_page.shots / "api-docs-gap-analysis-fields.png"))
