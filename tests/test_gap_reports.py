"""Gap analysis reports: the workbook and CSV writers, the build on a worker, and the pages that ask
for a report, show its progress and serve it (interventions/gap_reports.py, report_views.py)."""

import csv
import io
import socket
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from config.celery import app as celery_app
from interventions import gap_reports
from interventions.gap_analysis import COVERAGE_FORMULA, gap_analysis
from interventions.gap_reports import (
    BACKGROUND_UNAVAILABLE,
    BUILD_FAILED,
    filters_in_words,
    gap_analysis_csv,
    gap_analysis_xlsx,
    gap_report_build,
    gap_report_request,
)
from interventions.models import GapReport, Intervention
from tests.factories import (
    BudgetLineFactory,
    BudgetShareFactory,
    ContributionFactory,
    InterventionFactory,
    MembershipFactory,
    OrganisationFactory,
    WellbeingOutcomeFactory,
)
from tests.test_celery import redis_url, worker  # noqa: F401 - fixtures for the real-worker test
from tests.test_import import tasks_go_to_the_worker  # noqa: F401
from wellbeing.models import Role, WellbeingOutcome
from wellbeing.spreadsheets import FORMULA_TRIGGERS, UTF8_BOM

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = ["About this report", "Coverage", "Shift the dial", "Build on", "Gaps"]
HOSTILE = ['=HYPERLINK("https://evil.example","Click")', "+1", "-2", "@SUM(A1:A2)", "\tTabbed", "\rReturned"]


def _link(intervention, outcome, strength="primary", effectiveness="moderate"):
    return ContributionFactory(
        intervention=intervention, outcome=outcome, strength=strength, effectiveness=effectiveness
    )


def _place_with_work(place_cast, *, titles=None):
    """Place A's three priority outcomes: one strong-ish, one covered, one a gap (only planned work)."""
    place, officer = place_cast.place, place_cast.officer
    titles = titles or ["Skills for care", "Retrofit pilot", "Bus franchising study"]
    fair_work = WellbeingOutcome.objects.get(place=place, priority_rank=1)
    homes = WellbeingOutcomeFactory(place=place, title="Warm homes", priority_rank=2)
    buses = WellbeingOutcomeFactory(place=place, title="Buses people can use", priority_rank=3)
    college = OrganisationFactory(place=place, name="Forth Valley College")
    skills = InterventionFactory(
        place=place,
        owner=officer,
        title=titles[0],
        lead_organisation=college,
        level=Intervention.Level.REGIONAL,
        kind=Intervention.Kind.PROGRAMME,
        budget_gbp=Decimal("10000.00"),
        end_date=timezone.localdate() + timedelta(days=60),
    )
    _link(skills, fair_work, "primary", "strong")
    _link(skills, homes, "enabling", "moderate")
    retrofit = InterventionFactory(place=place, owner=officer, title=titles[1], budget_gbp=Decimal("2500.50"))
    _link(retrofit, homes, "primary", "moderate")
    _link(retrofit, fair_work, "secondary", "unknown")
    study = InterventionFactory(place=place, owner=officer, title=titles[2], status=Intervention.Status.PLANNED)
    _link(study, buses, "primary", "strong")
    return {"fair_work": fair_work, "homes": homes, "buses": buses, "college": college}


def _number(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def _table(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(UTF8_BOM)
    return list(csv.reader(io.StringIO(content[len(UTF8_BOM) :].decode("utf-8"), newline="")))


# --- The writers ------------------------------------------------------------------------------------


def test_the_workbook_has_a_cover_and_a_sheet_per_section_with_the_analysis_numbers(cast):
    _place_with_work(cast.a)
    analysis = gap_analysis(place=cast.a.place)

    workbook = _workbook(gap_analysis_xlsx(analysis, filters_description="Status: Active"))

    assert workbook.sheetnames == SHEETS
    cover = {row[0]: row[1] for row in workbook["About this report"].iter_rows(values_only=True) if row[0]}
    assert cover["Gap analysis: Place A"] is None
    assert cover["Place"] == "Place A"
    assert cover["Filters"] == "Status: Active"
    assert cover["Computed on"].date() == analysis.computed_on
    assert cover["How coverage is scored"] == COVERAGE_FORMULA
    assert cover["Outcomes with status gap"] == analysis.status_counts["gap"] == 1

    coverage = _table(workbook["Coverage"])
    assert [row[:3] for row in coverage] == [
        [outcome.priority_rank, outcome.title, outcome.status.label] for outcome in analysis.outcomes
    ]
    assert [(_number(row[3]), row[4], row[5], _number(row[6])) for row in coverage] == [
        (outcome.score, outcome.active_count, len(outcome.interventions), outcome.budget_attributed)
        for outcome in analysis.outcomes
    ]
    assert sum(_number(row[6]) for row in coverage) == Decimal("12500.50")  # every penny of active budgets

    shift = _table(workbook["Shift the dial"])
    assert [(row[0], row[1], row[5], _number(row[6])) for row in shift] == [
        (ranked.reference, ranked.title, ranked.outcome_count, ranked.score) for ranked in analysis.shift_the_dial
    ]
    build_on = _table(workbook["Build on"])
    assert [(row[1], row[5].date() if row[5] else None, row[7]) for row in build_on] == [
        (item.title, item.end_date, item.reason) for item in analysis.build_on
    ]
    assert (
        [row[1] for row in _table(workbook["Gaps"])]
        == [outcome.title for outcome in analysis.gaps]
        == ["Buses people can use"]
    )


def test_the_csv_is_the_coverage_table_one_row_per_outcome_with_a_byte_order_mark(cast):
    _place_with_work(cast.a)
    analysis = gap_analysis(place=cast.a.place)

    headings, *rows = _csv_rows(gap_analysis_csv(analysis))

    assert headings[:4] == ["Priority rank", "Outcome", "Status", "Coverage score"]
    assert [(int(row[0]), row[1], row[2], Decimal(row[3]), Decimal(row[6])) for row in rows] == [
        (o.priority_rank, o.title, o.status.label, o.score, o.budget_attributed) for o in analysis.outcomes
    ]


def test_hostile_titles_never_become_formulas_in_either_file(cast):
    place = cast.a.place
    _place_with_work(cast.a, titles=HOSTILE[:3])
    WellbeingOutcome.objects.filter(place=place, priority_rank=2).update(title=HOSTILE[3])
    WellbeingOutcome.objects.filter(place=place, priority_rank=3).update(title=HOSTILE[4])
    WellbeingOutcomeFactory(place=place, title=HOSTILE[5], priority_rank=4)
    WellbeingOutcomeFactory(place=place, title="\x07=BELL", priority_rank=5)  # a character no workbook holds
    hostile_lead = OrganisationFactory(place=place, name="=cmd|' /C calc'!A0")
    InterventionFactory(place=place, owner=cast.a.officer, title="Led by a formula", lead_organisation=hostile_lead)
    _link(Intervention.objects.get(title="Led by a formula"), WellbeingOutcome.objects.get(priority_rank=4))
    analysis = gap_analysis(place=place)

    workbook = _workbook(gap_analysis_xlsx(analysis, filters_description="=filters"))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    rows = _csv_rows(gap_analysis_csv(analysis))
    texts += [cell for row in rows for cell in row]

    assert not [text for text in texts if text.startswith(FORMULA_TRIGGERS)]
    # The hostile text is there, escaped, not dropped; numbers stay numbers.
    assert "'" + HOSTILE[3] in texts
    assert "'=BELL" in texts
    assert all(isinstance(row[3], float | int) for row in _table(workbook["Coverage"]))


def test_filters_in_words(cast):
    college = OrganisationFactory(place=cast.a.place, name="Forth Valley College")

    assert filters_in_words(cast.a.place, "") == "All interventions"
    assert filters_in_words(cast.a.place, "page=2&q=care") == "All interventions"
    assert (
        filters_in_words(cast.a.place, f"lead={college.pk}&status=active&level=regional&level=local")
        == "Level: Local, Regional; Status: Active; Lead organisation: Forth Valley College"
    )


# --- The build --------------------------------------------------------------------------------------


def _report(place_cast, *, user=None, file_format="xlsx", query="", status=GapReport.Status.QUEUED, **fields):
    return GapReport.objects.create(
        place=place_cast.place,
        requested_by=user or place_cast.analyst,
        file_format=file_format,
        query=query,
        status=status,
        **fields,
    )


def test_the_build_applies_the_reports_filters(cast):
    _place_with_work(cast.a)
    everything = _report(cast.a, file_format="csv")
    active_only = _report(cast.a, file_format="csv", query="status=active")

    gap_report_build(report_pk=everything.pk)
    gap_report_build(report_pk=active_only.pk)

    counts = {}
    for report in (everything, active_only):
        report.refresh_from_db()
        assert (report.status, report.progress, report.error) == (GapReport.Status.DONE, 100, "")
        assert report.filename == f"gap-analysis-place-a-{timezone.localdate().isoformat()}.csv"
        assert report.finished_at is not None
        counts[report.pk] = {row[1]: row[5] for row in _csv_rows(bytes(report.content))[1:]}
    # The planned study is listed without the filter and filtered out with it.
    assert counts[everything.pk]["Buses people can use"] == "1"
    assert counts[active_only.pk]["Buses people can use"] == "0"


def test_the_build_looks_as_far_ahead_as_the_report_asked(cast):
    report = _report(cast.a, query="horizon=24")

    gap_report_build(report_pk=report.pk)

    report.refresh_from_db()
    cover = {
        row[0]: row[1] for row in _workbook(bytes(report.content))["About this report"].iter_rows(values_only=True)
    }
    assert cover["Build on: ends within"] == "24 months"
    assert cover["Filters"] == "All interventions"


def test_a_filter_that_no_longer_applies_fails_the_report_with_a_message(cast):
    report = _report(cast.a, query="lead=999999")

    gap_report_build(report_pk=report.pk)

    report.refresh_from_db()
    assert report.status == GapReport.Status.FAILED
    assert report.error == gap_reports.FILTERS_INVALID.format(place="Place A")
    assert not report.content


def test_an_unexpected_error_fails_the_report_and_never_reaches_the_worker(cast, monkeypatch):
    def broken(**kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(gap_reports, "gap_analysis", broken)
    report = _report(cast.a)

    gap_report_build(report_pk=report.pk)

    report.refresh_from_db()
    assert (report.status, report.error) == (GapReport.Status.FAILED, BUILD_FAILED)


def test_a_redelivered_task_leaves_a_finished_report_alone(cast):
    report = _report(cast.a, status=GapReport.Status.DONE, content=b"kept", filename="kept.xlsx", progress=100)

    gap_report_build(report_pk=report.pk)

    report.refresh_from_db()
    assert bytes(report.content) == b"kept"


def test_the_request_keeps_only_the_gap_analysis_filters(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = gap_report_request(
            place=cast.a.place,
            user=cast.a.analyst,
            file_format="csv",
            query="page=3&horizon=24&status=active&level=&q=x",
        )

    assert report.query == "status=active&horizon=24"
    assert report.filters_description == "Status: Active"
    assert report.status == GapReport.Status.QUEUED
    assert len(callbacks) == 1  # the build is queued only once the request commits


# --- The pages --------------------------------------------------------------------------------------


def _reports_url(place, query=""):
    return reverse("interventions:gap_reports", args=[place.slug]) + (f"?{query}" if query else "")


def _download_url(report):
    return reverse("interventions:gap_report_download", args=[report.place.slug, report.pk])


def test_an_analyst_asks_for_a_report_and_downloads_it(client, cast, django_capture_on_commit_callbacks):
    _place_with_work(cast.a)
    client.force_login(cast.a.analyst)

    page = client.get(_reports_url(cast.a.place, "status=active&page=2"))
    assert page.status_code == 200
    assert 'name="query" value="status=active"' in page.content.decode()
    assert "Status: Active" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly, as without Redis
        response = client.post(_reports_url(cast.a.place), {"file_format": "xlsx", "query": "status=active"})

    assert response.status_code == 302
    assert response.headers["Location"] == _reports_url(cast.a.place, "status=active")
    report = GapReport.objects.get()
    assert (report.requested_by, report.status) == (cast.a.analyst, GapReport.Status.DONE)
    listing = client.get(_reports_url(cast.a.place)).content.decode()
    assert _download_url(report) in listing
    assert "hx-get" not in listing  # nothing left to poll

    download = client.get(_download_url(report))

    assert download.status_code == 200
    assert download.headers["Content-Type"] == XLSX_TYPE
    filename = f"gap-analysis-place-a-{timezone.localdate().isoformat()}.xlsx"
    assert download.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    workbook = _workbook(download.content)
    assert workbook.sheetnames == SHEETS
    assert workbook["About this report"]["B4"].value == "Status: Active"


def test_a_csv_report_downloads_as_csv(client, cast):
    report = _report(cast.a, file_format="csv")
    gap_report_build(report_pk=report.pk)
    client.force_login(cast.a.analyst)

    download = client.get(_download_url(report))

    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Content-Disposition"].endswith('.csv"')
    assert download.content.startswith(UTF8_BOM)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.OFFICER, Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN])
def test_another_persons_report_in_the_same_place_is_404(client, cast, role):
    owner = cast.a.analyst if role == Role.OFFICER else cast.a.officer
    report = _report(cast.a, user=owner)
    gap_report_build(report_pk=report.pk)
    client.force_login(cast.a.member(role))

    assert client.get(_download_url(report)).status_code == 404


def test_another_places_report_is_404_even_to_its_owner_under_this_places_address(client, cast):
    MembershipFactory(place=cast.b.place, user=cast.a.analyst, role=Role.ANALYST)
    report = _report(cast.b, user=cast.a.analyst, status=GapReport.Status.DONE, content=b"x", filename="x.csv")
    client.force_login(cast.a.analyst)
    url_in_a = reverse("interventions:gap_report_download", args=[cast.a.place.slug, report.pk])

    assert client.get(url_in_a).status_code == 404
    assert client.get(_download_url(report)).status_code == 200


def test_an_unfinished_report_is_404(client, cast):
    report = _report(cast.a, status=GapReport.Status.RUNNING)
    client.force_login(cast.a.analyst)

    assert client.get(_download_url(report)).status_code == 404


def test_a_viewer_may_not_ask_for_a_report(client, cast):
    client.force_login(cast.a.viewer)

    response = client.post(_reports_url(cast.a.place), {"file_format": "xlsx"})

    assert response.status_code == 403
    assert not GapReport.objects.exists()


def test_a_request_without_a_format_says_what_to_do(client, cast):
    client.force_login(cast.a.officer)

    response = client.post(_reports_url(cast.a.place), {"query": ""})

    assert response.status_code == 200
    assert "Select Excel (.xlsx) or CSV" in response.content.decode()
    assert not GapReport.objects.exists()


def test_the_list_shows_this_persons_latest_20_reports_in_this_place(client, cast, django_assert_num_queries):
    MembershipFactory(place=cast.b.place, user=cast.a.analyst, role=Role.ANALYST)
    mine = [_report(cast.a, status=GapReport.Status.DONE, filename=f"{n}.xlsx") for n in range(22)]
    _report(cast.a, user=cast.a.officer, filename="officers.xlsx")
    _report(cast.b, user=cast.a.analyst, filename="in-place-b.xlsx")
    client.force_login(cast.a.analyst)

    # session, user, memberships with places, the reports (no filters to look up)
    with django_assert_num_queries(4):
        response = client.get(_reports_url(cast.a.place))

    shown = response.context["reports"]
    assert [report.pk for report in shown] == [report.pk for report in reversed(mine)][:20]
    body = response.content.decode()
    assert "officers.xlsx" not in body
    assert "in-place-b.xlsx" not in body


def test_an_unfinished_report_is_polled_without_inline_script_or_style(client, cast):
    _report(cast.a, status=GapReport.Status.RUNNING, progress=60)
    client.force_login(cast.a.analyst)
    progress_url = reverse("interventions:gap_reports_progress", args=[cast.a.place.slug])

    body = client.get(_reports_url(cast.a.place)).content.decode()
    fragment = client.get(progress_url, headers={"HX-Request": "true"})

    assert f'hx-get="{progress_url}"' in body
    assert 'hx-trigger="every 2s"' in body
    assert "60% written" in body
    assert " style=" not in body
    assert "<style" not in body
    assert all("src=" in tag.split(">", 1)[0] for tag in body.split("<script")[1:])
    assert "60% written" in fragment.content.decode()
    assert "HX-Refresh" not in fragment.headers

    GapReport.objects.update(status=GapReport.Status.DONE, progress=100)
    finished = client.get(progress_url, headers={"HX-Request": "true"})
    assert finished.headers["HX-Refresh"] == "true"


# --- When the background service is down -----------------------------------------------------------


@pytest.fixture
def broker_down(monkeypatch):
    """The project's Celery app, not eager, sending to a loopback port nothing listens on. The app
    keeps its broker connections in pools made on first use; emptying them (monkeypatch puts the
    old ones back) makes it connect to the new address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(celery_app.conf, "broker_url", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)


@pytest.mark.django_db(transaction=True)
def test_when_the_broker_is_down_the_request_is_kept_and_the_person_told(client, cast, broker_down):
    client.force_login(cast.a.analyst)

    response = client.post(_reports_url(cast.a.place), {"file_format": "csv"}, follow=True)

    report = GapReport.objects.get()
    assert (report.status, report.error) == (GapReport.Status.FAILED, BACKGROUND_UNAVAILABLE)
    assert report.finished_at is not None
    assert response.status_code == 200
    assert BACKGROUND_UNAVAILABLE in response.content.decode()


# --- On a real worker, through Redis -----------------------------------------------------------------------------


@pytest.mark.services
def test_a_real_worker_writes_the_report_that_redis_brought_it(cast, tasks_go_to_the_worker):  # noqa: F811
    outcome = WellbeingOutcome.objects.get(place=cast.a.place)
    for n in range(3):
        ContributionFactory(
            intervention=InterventionFactory(place=cast.a.place, title=f"Work {n}"),
            outcome=outcome,
            effectiveness="strong",
        )
    report = gap_report_request(place=cast.a.place, user=cast.a.analyst, file_format="xlsx", query="status=active")
    deadline = time.monotonic() + 60
    while report.status not in (GapReport.Status.DONE, GapReport.Status.FAILED) and time.monotonic() < deadline:
        time.sleep(0.2)
        report.refresh_from_db()
    assert (report.status, report.error, report.progress) == (GapReport.Status.DONE, "", 100)
    sheet = load_workbook(io.BytesIO(bytes(report.content)))["Coverage"]
    headings = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    # Three active primary links of strong effectiveness: 3 × (3 × 1) = 9.0, strong.
    assert (row[headings.index("Status")], row[headings.index("Coverage score")]) == ("Strong", 9)


def test_both_reports_carry_the_tagged_spend_and_the_cover_the_share_to_gaps(cast):
    _place_with_work(cast.a)
    first = WellbeingOutcome.objects.for_place(cast.a.place).order_by("priority_rank").first()
    BudgetShareFactory(line=BudgetLineFactory(place=cast.a.place, amount_gbp=400), outcome=first, percent=25)
    analysis = gap_analysis(place=cast.a.place)

    workbook = _workbook(gap_analysis_xlsx(analysis, filters_description="None"))
    headings = [cell.value for cell in workbook["Coverage"][1]]
    column = headings.index("Tagged spend, latest financial year (£)")
    assert [_number(row[column]) for row in _table(workbook["Coverage"])] == [
        outcome.tagged_spend for outcome in analysis.outcomes
    ]
    assert Decimal("100") in [_number(row[column]) for row in _table(workbook["Coverage"])]
    cover = {row[0]: row[1] for row in workbook["About this report"].iter_rows(values_only=True) if row[0]}
    assert cover["Financial year of the tagged spend"] == "2025/26"
    assert _number(cover["Tagged spend to gap or thin outcomes (%)"]) == analysis.spend_to_gaps_share
    headings, *rows = _csv_rows(gap_analysis_csv(analysis))
    column = headings.index("Tagged spend, latest financial year (£)")
    assert [Decimal(row[column]) for row in rows] == [outcome.tagged_spend for outcome in analysis.outcomes]
