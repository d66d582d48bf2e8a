"""An officer imports a spreadsheet with mistakes, reads what is wrong with each row, fixes the
file and imports it; the register then lists the new interventions."""

import pytest
from playwright.sync_api import expect

from interventions.resources import HEADINGS
from tests.factories import OrganisationFactory
from wellbeing.spreadsheets import write_csv

pytestmark = pytest.mark.browser

OUTCOME = "Fair work for women in Place A"


def _row(**cells) -> list[str]:
    values = {
        "Title": "Women into work",
        "Kind": "Project",
        "Level": "Local",
        "Status": "Active",
        "Lead organisation": "Place A Council",
        **cells,
    }
    return [values.get(heading, "") for heading in HEADINGS]


def _upload(page, content: bytes) -> None:
    page.get_by_label("Upload a spreadsheet").set_input_files(
        files=[{"name": "interventions.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Upload and check").click()


def test_officer_fixes_a_spreadsheet_after_reading_its_row_messages_and_imports_it(browser_page, cast):
    OrganisationFactory(place=cast.a.place, name="Place A Council")
    page = browser_page.page
    browser_page.sign_in(cast.a.officer.username, cast.password)
    browser_page.goto(f"/places/{cast.a.place.slug}/interventions/", "register-before-import")
    page.get_by_role("button", name="Import from a spreadsheet").click()
    browser_page.check("import-upload")

    # Submitting without a file says so.
    page.get_by_role("button", name="Upload and check").click()
    browser_page.check("import-upload-no-file")
    expect(page.locator(".govuk-error-summary")).to_be_focused()

    mistakes = write_csv(
        HEADINGS,
        [
            _row(**{"Title": "Women into work", "Contributions": f"{OUTCOME} (primary, strong)"}),
            _row(**{"Title": "Retrofit pilot", "Start date": "31/02/2025", "Contributions": "Warm homes"}),
            _row(**{"Title": "", "Kind": "Scheme"}),
        ],
    )
    _upload(page, mistakes)
    browser_page.check("import-preview-with-problems")
    rows = page.locator("#rows-caption").locator("xpath=..")
    expect(rows).to_contain_text("31/02/2025")
    expect(rows).to_contain_text("Warm homes")
    expect(rows).to_contain_text("Start date")
    expect(rows).to_contain_text("Title")
    # Importing while problems remain needs an explicit choice.
    page.get_by_role("button", name="Import 1 row").click()
    browser_page.check("import-commit-refused")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose to skip the 2 rows with problems")

    fixed = write_csv(
        HEADINGS,
        [
            _row(**{"Title": "Women into work", "Contributions": f"{OUTCOME} (primary, strong)"}),
            _row(**{"Title": "Retrofit pilot", "Start date": "28/02/2025", "Contributions": OUTCOME}),
            _row(**{"Title": "Living wage drive", "Kind": "Programme"}),
        ],
    )
    page.get_by_role("link", name="Upload a corrected file").click()
    browser_page.check("import-upload-again")
    _upload(page, fixed)
    browser_page.check("import-preview-clean")
    page.get_by_role("button", name="Import 3 rows").click()
    browser_page.check("import-done")
    expect(page.get_by_role("heading", level=1)).to_contain_text("mported")

    page.get_by_role("button", name="Go to the intervention map").click()
    browser_page.check("register-after-import")
    expect(page.get_by_role("heading", name="3 interventions")).to_be_visible()
    expect(page.get_by_role("row", name="Retrofit pilot")).to_contain_text("Place A Council")
