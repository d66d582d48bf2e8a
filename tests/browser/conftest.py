"""Browser tests: Playwright drives Debian's Chromium (it cannot download its own browser here)
against pytest-django's live server. Every page visited is checked with axe-core for WCAG 2.2
A/AA, and any console error, uncaught page error or Content Security Policy violation (recorded by a
listener injected before the page's own scripts) fails the test; the run ends with a count of the pages
checked. Screenshots go to test-artifacts/screenshots/<test>/ (git-ignored)."""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SOURCE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = settings.BASE_DIR / "test-artifacts" / "screenshots"
# Without these, Chromium tries to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Every Content Security Policy violation the page reports, as "directive blocked-uri (source:line)".
# Chromium also logs most of them as console errors; this catches every one, with its directive.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} ${event.blockedURI || "(inline)"} (${event.sourceFile}:${event.lineNumber})`
  );
});
"""
# Every page checked in this run (axe, console errors, CSP violations), for the summary line.
CHECKED_PAGES: list[str] = []

pytestmark = pytest.mark.browser


def pytest_terminal_summary(terminalreporter):
    if CHECKED_PAGES:
        terminalreporter.write_line(
            f"browser checks: {len(CHECKED_PAGES)} page views ({len(set(CHECKED_PAGES))} distinct addresses) "
            "checked by axe-core for WCAG 2.2 A/AA, with no console error and no CSP violation"
        )


def _missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        _missing(f"No Chromium at {CHROMIUM}: install Debian's chromium package (see README).")
    if not AXE_SOURCE.exists():
        _missing("axe-core is missing from node_modules: run `make setup`.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class CheckedPage:
    """A Playwright page whose every visit is checked: axe, console errors, a screenshot."""

    def __init__(self, page, base_url: str, shots: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.shots = shots
        self.errors: list[str] = []
        self.visited: list[str] = []
        page.on("console", lambda message: self._console(message))
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        # Injected through the DevTools protocol before any page script, so the CSP does not apply to it.
        page.add_init_script(RECORD_CSP_VIOLATIONS)

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text} ({message.location.get('url')})")

    def goto(self, path: str, name: str | None = None, *, status: int = 200):
        """Visit a page and check it. Chromium logs a refused page (403, 404) as a console error;
        that one line is expected when the test asks for that status, and only for that page."""
        response = self.page.goto(self.base_url + path)
        assert response.status == status, f"{path}: expected {status}, got {response.status}"
        self.check(name or path, status=status)
        return response

    def check(self, name: str, *, status: int = 200) -> None:
        """Check the page now shown: no console errors, no axe violations; save a screenshot.
        A refused page the test expects (status 4xx) may log that one refusal, for that page only."""
        self.page.wait_for_load_state("load")
        if status >= 400:
            expected = f"the server responded with a status of {status}"
            url = self.page.url
            self.errors = [e for e in self.errors if not (expected in e and e.endswith(f"({url})"))]
        self.visited.append(self.page.url)
        self.shots.mkdir(parents=True, exist_ok=True)
        filename = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "page"
        self.page.screenshot(path=str(self.shots / f"{len(self.visited):02d}-{filename}.png"), full_page=True)
        self.errors += [f"CSP violation: {v}" for v in self.page.evaluate("() => window.__cspViolations || []")]
        self.page.evaluate("() => { window.__cspViolations = []; }")
        assert not self.errors, f"Browser errors on {self.page.url}:\n" + "\n".join(self.errors)
        violations = self.axe_violations()
        assert not violations, f"axe found WCAG violations on {self.page.url}:\n" + json.dumps(violations, indent=2)
        CHECKED_PAGES.append(self.page.url)

    def axe_violations(self) -> list[dict]:
        # Evaluated through the DevTools protocol, so the page's CSP (which allows no inline
        # script) neither blocks axe nor is loosened for it.
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_SOURCE.read_text())
        results = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]][:5],
            }
            for violation in results["violations"]
        ]

    def sign_in(self, username: str, password: str) -> None:
        self.goto("/accounts/login/", "sign-in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state("load")


@pytest.fixture
def browser_page(page, live_server, request) -> CheckedPage:
    checked = CheckedPage(page, live_server.url, SCREENSHOTS / request.node.name)
    yield checked
    assert not checked.errors, "Browser errors:\n" + "\n".join(checked.errors)
