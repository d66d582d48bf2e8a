"""An analyst reads the gap analysis, filters it, downloads the Excel report and finds the page's
numbers in it; the charts draw under the strict CSP (any violation is a console error, which fails
the test) and the page reflows at 320 px."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.factories import ContributionFactory, InterventionFactory, OrganisationFactory, WellbeingOutcomeFactory
from wellbeing.models import WellbeingOutcome

pytestmark = pytest.mark.browser


@pytest.fixture
def mapped_place(cast):
    """Place A with three outcomes: one strongly covered, one thin, one with only planned work."""
    place = cast.a.place
    fair_work = WellbeingOutcome.objects.get(place=place)
    homes = WellbeingOutcomeFactory(place=place, title="Warm homes", priority_rank=2)
    young = WellbeingOutcomeFactory(place=place, title="Outcomes for young people", priority_rank=3)
    college = OrganisationFactory(place=place, name="Forth Valley College")
    council = OrganisationFactory(place=place, name="Place A Council")
    academy = InterventionFactory(
        place=place, title="Green skills academy", lead_organisation=college, budget_gbp=Decimal("300000")
    )
    ContributionFactory(intervention=academy, outcome=fair_work, strength="primary", effectiveness="strong")
    ContributionFactory(intervention=academy, outcome=young, strength="secondary", effectiveness="moderate")
    retrofit = InterventionFactory(
        place=place,
        title="Retrofit pilot",
        lead_organisation=council,
        budget_gbp=Decimal("120000"),
        end_date=timezone.localdate() + timedelta(days=200),
    )
    ContributionFactory(intervention=retrofit, outcome=homes, strength="enabling", effectiveness="unknown")
    ContributionFactory(intervention=retrofit, outcome=fair_work, strength="primary", effectiveness="moderate")
    planned = InterventionFactory(place=place, title="Youth guarantee", lead_organisation=council, status="planned")
    ContributionFactory(intervention=planned, outcome=young, strength="primary", effectiveness="unknown")
    return place


def _coverage_rows(page) -> dict[str, tuple[str, str, str]]:
    """Outcome title → (status, score, budget) as the page's coverage table shows them."""
    rows = {}
    for row in page.locator("#coverage-table tbody tr").all():
        title = row.locator("th a").inner_text().strip()
        cells = row.locator("td").all_inner_texts()
        rows[title] = (cells[0].strip(), cells[1].strip(), cells[4].strip())
    return rows


def test_an_analyst_filters_the_analysis_reads_it_and_downloads_the_same_numbers(browser_page, cast, mapped_place):
    place = mapped_place
    page = browser_page.page
    browser_page.sign_in(cast.a.analyst.username, cast.password)
    browser_page.goto(f"/places/{place.slug}/", "place-overview")
    page.get_by_role("link", name="Gap analysis").click()
    expect(page.locator(".app-chart .main-svg").first).to_be_visible()
    expect(page.locator(".app-chart.js-plotly-plot")).to_have_count(3)  # Plotly marks each chart it drew
    browser_page.check("gap-analysis")

    rows = _coverage_rows(page)
    # 3 × 1 (primary, strong) + 3 × 0.6 (primary, moderate) = 4.8: covered, not yet strong.
    assert rows["Fair work for women in Place A"][:2] == ("Covered", "4.8")
    assert rows["Warm homes"][0] == "Thin"
    assert rows["Outcomes for young people"][0] == "Covered"
    page.get_by_text("How the coverage score is worked out").click()
    expect(page.locator("#coverage-formula")).to_contain_text("primary 3, secondary 2, enabling 1")

    # Only the college's work: the retrofit pilot drops out, so warm homes becomes a gap.
    page.get_by_label("Lead organisation").select_option(label="Forth Valley College")
    page.get_by_role("button", name="Apply filters").click()
    college = place.organisations.get(name="Forth Valley College")
    expect(page).to_have_url(
        f"{browser_page.base_url}/places/{place.slug}/gaps/?lead={college.pk}&group=&pillar=&horizon=12"
    )
    expect(page.locator("tr[data-outcome] th a", has_text="Warm homes")).to_be_visible()
    browser_page.check("gap-analysis-filtered")
    filtered = _coverage_rows(page)
    assert filtered["Warm homes"][0] == "Gap"
    expect(page.locator("#gaps")).to_be_visible()
    expect(page.get_by_role("heading", name="2. Warm homes")).to_be_visible()

    # The report, with the same filters; Celery runs eagerly here, so it is ready at once.
    page.get_by_role("button", name="Download a report (Excel or CSV)").click()
    browser_page.check("report-form")
    expect(page.get_by_text("Lead organisation: Forth Valley College")).to_be_visible()
    page.get_by_label("Excel").check()
    page.get_by_role("button", name="Ask for the report").click()
    browser_page.check("report-ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"gap-analysis-.*\.xlsx")).first.click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"gap-analysis-{place.slug}-")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert workbook.sheetnames[:2] == ["About this report", "Coverage"]
    cover_text = " ".join(str(c.value) for row in workbook["About this report"].iter_rows() for c in row if c.value)
    assert place.name in cover_text and "Forth Valley College" in cover_text
    sheet = workbook["Coverage"]
    headings = [cell.value for cell in sheet[1]]
    at = {name: headings.index(name) for name in ("Outcome", "Status", "Coverage score", "Budget attributed (£)")}
    in_file = {
        row[at["Outcome"]]: (row[at["Status"]], row[at["Coverage score"]], row[at["Budget attributed (£)"]])
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[at["Outcome"]]
    }
    assert set(in_file) == set(filtered)
    for title, (status, score, budget) in filtered.items():
        file_status, file_score, file_budget = in_file[title]
        assert file_status == status, title
        assert Decimal(str(file_score)).quantize(Decimal("0.1")) == Decimal(score), title
        assert Decimal(str(file_budget)).quantize(Decimal("1")) == Decimal(budget.replace("£", "").replace(",", ""))


def test_the_analysis_reflows_at_320px_and_the_print_version_has_every_table(browser_page, cast, mapped_place):
    page = browser_page.page
    browser_page.sign_in(cast.a.viewer.username, cast.password)
    page.set_viewport_size({"width": 320, "height": 800})
    browser_page.goto(f"/places/{mapped_place.slug}/gaps/", "gap-analysis-320px")
    expect(page.locator(".app-chart .main-svg").first).to_be_visible()
    browser_page.check("gap-analysis-320px-charts")
    # Nothing but the tables' own scroll regions is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    chart_width = page.locator(".app-chart").first.bounding_box()["width"]
    assert 200 <= chart_width <= 320
    page.set_viewport_size({"width": 1024, "height": 800})
    page.get_by_role("link", name="Print version").click()
    browser_page.check("gap-analysis-print")
    for table in ("#coverage-table", "#shift-table", "#build-on-table"):
        expect(page.locator(table)).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
