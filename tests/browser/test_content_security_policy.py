"""The browser harness sees a Content Security Policy violation and fails the check: without this,
"no CSP violation on any page" would be a claim nothing could contradict."""

import pytest

pytestmark = pytest.mark.browser

INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.inlineScriptRan = true;";
  document.body.append(script);
}"""
INLINE_STYLE = """() => {
  const style = document.createElement("style");
  style.textContent = "body { background: red; }";
  document.head.append(style);
}"""


@pytest.mark.parametrize(
    ("inject", "directive"),
    [(INLINE_SCRIPT, "script-src-elem"), (INLINE_STYLE, "style-src-elem")],
    ids=["script", "style"],
)
def test_an_inline_script_or_style_is_refused_by_the_policy_and_fails_the_check(browser_page, inject, directive):
    page = browser_page.page
    browser_page.goto("/accounts/login/", "sign-in")

    page.evaluate(inject)

    assert page.evaluate("() => window.inlineScriptRan === true") is False
    with pytest.raises(AssertionError, match=f"CSP violation: {directive} inline"):
        browser_page.check("after-injection")
    browser_page.errors.clear()  # the fixture's own end-of-test check would fail on them again
