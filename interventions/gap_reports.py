"""Gap analysis reports: the analysis written to an Excel workbook or a CSV file, on a worker.

    gap_report_request ──▶ QUEUED ──gap_report_build (Celery)──▶ RUNNING ──▶ DONE (file kept)
          │                                                       │
          ▼ broker unreachable                                    ▼ bad filters, unexpected error
        FAILED (says the background service is down)            FAILED (with a message)

The report keeps the gap analysis page's filters as its query string, so the worker recomputes
exactly what the person was looking at. Every text cell of both formats goes through the project's
one formula escape (wellbeing/spreadsheets.py `escape_formula`); numbers stay numbers.
"""

import io
import logging
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from interventions.filters import NO_GROUP, NO_GROUP_LABEL, GapAnalysisFilter, group_label
from interventions.gap_analysis import (
    COVERAGE_FORMULA,
    GapAnalysis,
    OutcomeCoverage,
    Status,
    gap_analysis,
    spend_sentence,
)
from interventions.models import Contribution, GapReport, Intervention
from wellbeing.background import queue_or_record
from wellbeing.models import Place, User
from wellbeing.spreadsheets import escape_formula, write_csv

logger = logging.getLogger(__name__)

# The gap analysis filters, in the order the cover sheet names them; a report's query keeps these
# and the "build on" horizon (which is not a filter: the cover sheet states it on its own).
FILTER_KEYS = ("level", "status", "kind", "lead", "group", "pillar")
QUERY_KEYS = (*FILTER_KEYS, "horizon")
MAX_QUERY_LENGTH = 2_000
RECENT_REPORTS = 20

BACKGROUND_UNAVAILABLE = (
    "Reports are unavailable just now because the background service is not running. "
    "Nothing was lost: try again in a few minutes."
)
FILTERS_INVALID = (
    "The report could not be written because its filters no longer match {place}’s interventions "
    "(for example, a lead organisation has been removed). Open the gap analysis, choose the filters again "
    "and ask for a new report."
)
BUILD_FAILED = (
    "The report could not be written because of an unexpected problem. Ask for it again; if it keeps "
    "happening, tell your service team."
)
NO_FILTERS = "All interventions"

# How far a build has got, for the progress line.
PROGRESS_STARTED = 10
PROGRESS_ANALYSED = 60
PROGRESS_WRITTEN = 90
PROGRESS_DONE = 100


class _BadFilters(Exception):
    pass


# --- Filters ---------------------------------------------------------------------------------------


def normalised_query(query: str) -> str:
    """Only the gap analysis's keys of a query string, in a fixed order (the rest is page state)."""
    data = QueryDict(query[:MAX_QUERY_LENGTH])
    kept = QueryDict(mutable=True)
    for key in QUERY_KEYS:
        values = [value for value in data.getlist(key) if value.strip()]
        if values:
            kept.setlist(key, values)
    return kept.urlencode()


def _filterset(place: Place, query: str) -> GapAnalysisFilter:
    return GapAnalysisFilter(QueryDict(query), queryset=Intervention.objects.for_place(place), place=place)


def _filtered_interventions(place: Place, query: str) -> tuple[QuerySet[Intervention], int]:
    """What the place sees, narrowed by the report's filters, and the "build on" horizon in months.
    Raises _BadFilters when a filter no longer makes sense (a lead organisation removed since the
    report was asked for)."""
    filterset = _filterset(place, query)
    if not filterset.is_valid():
        raise _BadFilters(filterset.errors.as_json())
    return filterset.qs, filterset.horizon_months


def filters_in_words(place: Place, query: str) -> str:
    """The report's filters as the cover sheet says them, e.g. "Level: Local, Regional; Status:
    Active; Lead organisation: Forth Valley College"; "All interventions" when there are none."""
    filterset = _filterset(place, query)
    form = filterset.form
    if not form.is_valid():
        return NO_FILTERS if not normalised_query(query) else "Filters that no longer apply"
    parts = []
    for key in FILTER_KEYS:
        field = form.fields[key]
        value = form.cleaned_data.get(key)
        if not value:
            continue
        if isinstance(value, list | tuple):
            labels = dict(field.choices)
            words = ", ".join(str(labels[choice]) for choice in labels if choice in value)
        elif key == "group":
            words = NO_GROUP_LABEL if value == NO_GROUP else group_label(value)
        else:
            words = str(value)
        parts.append(f"{field.label}: {words}")
    return "; ".join(parts) or NO_FILTERS


# --- Services --------------------------------------------------------------------------------------


def gap_report_request(*, place: Place, user: User, file_format: str, query: str) -> GapReport:
    """Keep the request and queue its build once the transaction commits.

    When the Celery broker cannot be reached the request is not lost: the report is kept, marked
    failed with BACKGROUND_UNAVAILABLE, and the person can ask again."""
    query = normalised_query(query)
    report = GapReport(
        place=place,
        requested_by=user,
        file_format=file_format,
        query=query,
        filters_description=filters_in_words(place, query)[:500],
    )
    report.full_clean(exclude=["content"])
    with transaction.atomic():
        report.save()
        transaction.on_commit(lambda: _queue_build(report.pk))
    # Outside any outer transaction the build is queued (or refused) by now.
    report.refresh_from_db(fields=["status", "progress", "error", "finished_at"])
    return report


def _queue_build(report_pk: int) -> None:
    from interventions.tasks import gap_report_build as build_task

    unqueued = GapReport.objects.filter(pk=report_pk, status=GapReport.Status.QUEUED)
    record = {"status": GapReport.Status.FAILED, "error": BACKGROUND_UNAVAILABLE, "finished_at": timezone.now()}
    queue_or_record(build_task, report_pk, unqueued=unqueued, record=record)


def gap_report_build(*, report_pk: int) -> None:
    """Compute the analysis with the report's filters and keep the file. Never raises for bad
    data: the report ends FAILED with a message for the person. A redelivered task (acks_late) for
    a report already finished finds nothing to do; one interrupted mid-build starts it again."""
    unfinished = (GapReport.Status.QUEUED, GapReport.Status.RUNNING)
    claimed = GapReport.objects.filter(pk=report_pk, status__in=unfinished).update(
        status=GapReport.Status.RUNNING, progress=PROGRESS_STARTED
    )
    if not claimed:
        return
    report = GapReport.objects.select_related("place").defer("content").get(pk=report_pk)
    place = report.place
    try:
        interventions, horizon_months = _filtered_interventions(place, report.query)
        analysis = gap_analysis(place=place, interventions=interventions, horizon_months=horizon_months)
        _set_progress(report_pk, PROGRESS_ANALYSED)
        if report.file_format == GapReport.Format.CSV:
            content = gap_analysis_csv(analysis)
        else:
            content = gap_analysis_xlsx(analysis, filters_description=filters_in_words(place, report.query))
        _set_progress(report_pk, PROGRESS_WRITTEN)
    except _BadFilters as error:
        logger.info("Gap report %s has filters that no longer apply: %s", report_pk, error)
        _finish(report_pk, status=GapReport.Status.FAILED, error=FILTERS_INVALID.format(place=place.name))
    except Exception:  # whatever goes wrong, the person sees a message rather than a report forever running
        logger.exception("Gap report %s could not be built", report_pk)
        _finish(report_pk, status=GapReport.Status.FAILED, error=BUILD_FAILED)
    else:
        _finish(
            report_pk,
            status=GapReport.Status.DONE,
            content=content,
            filename=report_filename(place, report.file_format, analysis.computed_on),
            progress=PROGRESS_DONE,
        )


def _set_progress(report_pk: int, progress: int) -> None:
    GapReport.objects.filter(pk=report_pk, status=GapReport.Status.RUNNING).update(progress=progress)


def _finish(report_pk: int, **fields) -> None:
    GapReport.objects.filter(pk=report_pk).update(finished_at=timezone.now(), **fields)


def report_filename(place: Place, file_format: str, day: date) -> str:
    return f"gap-analysis-{place.slug}-{day.isoformat()}.{file_format}"


# --- Selectors -------------------------------------------------------------------------------------


def gap_reports_for_person(*, place: Place, user: User) -> QuerySet[GapReport]:
    """The person's own reports in this place, newest first, without the files."""
    return GapReport.objects.for_place(place).filter(requested_by=user).defer("content")


def gap_report_get_for_person(*, place: Place, user: User, pk: int) -> GapReport | None:
    """One of the person's own reports in this place, with its file; None for anyone else's."""
    return GapReport.objects.for_place(place).filter(requested_by=user, pk=pk).first()


# --- Writers ---------------------------------------------------------------------------------------


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


COVERAGE_HEADINGS = (
    "Priority rank",
    "Outcome",
    "Status",
    "Coverage score",
    "Active interventions",
    "All contributing interventions",
    "Budget attributed (£)",
    "Contributing interventions",
    "Tagged spend, latest financial year (£)",
    "National outcomes",
    "National indicators",
    "Delivery groups covering it",
)


def covering_groups(outcome: OutcomeCoverage) -> str:
    """The delivery groups focusing on an outcome, one a line: "Fair work group (Anchor partnership)"."""
    return "\n".join(f"{group.name} ({group.partnership})" for group in outcome.delivery_groups)


def _contributors(outcome: OutcomeCoverage) -> str:
    return "\n".join(
        f"{link.reference} {link.title} ({_label(Intervention.Status, link.status).lower()}; "
        f"{_label(Contribution.Strength, link.strength).lower()}, "
        f"{_label(Contribution.Effectiveness, link.effectiveness).lower()} effectiveness; score {link.score})"
        for link in outcome.interventions
    )


def _coverage_rows(analysis: GapAnalysis) -> list[list]:
    return [
        [
            outcome.priority_rank,
            outcome.title,
            outcome.status.label,
            outcome.score,
            outcome.active_count,
            len(outcome.interventions),
            outcome.budget_attributed,
            _contributors(outcome),
            outcome.tagged_spend,
            "\n".join(outcome.national_outcomes),
            "\n".join(outcome.national_indicators),
            covering_groups(outcome),
        ]
        for outcome in analysis.outcomes
    ]


SHIFT_HEADINGS = (
    "Reference",
    "Intervention",
    "Level",
    "Status",
    "Lead organisation",
    "Priority outcomes reached",
    "Score",
    "Outcomes",
)


def _shift_rows(analysis: GapAnalysis) -> list[list]:
    return [
        [
            ranked.reference,
            ranked.title,
            _label(Intervention.Level, ranked.level),
            _label(Intervention.Status, ranked.status),
            ranked.lead_organisation,
            ranked.outcome_count,
            ranked.score,
            "\n".join(ranked.outcomes),
        ]
        for ranked in analysis.shift_the_dial
    ]


BUILD_ON_HEADINGS = (
    "Reference",
    "Intervention",
    "Level",
    "Status",
    "Lead organisation",
    "End date",
    "Best effectiveness",
    "Why build on it",
)


def _build_on_rows(analysis: GapAnalysis) -> list[list]:
    return [
        [
            item.reference,
            item.title,
            _label(Intervention.Level, item.level),
            _label(Intervention.Status, item.status),
            item.lead_organisation,
            item.end_date,
            _label(Contribution.Effectiveness, item.best_effectiveness),
            item.reason,
        ]
        for item in analysis.build_on
    ]


GAPS_HEADINGS = (
    "Priority rank",
    "Outcome",
    "Interventions not active",
    "National outcomes",
    "National indicators",
)


def _gap_rows(analysis: GapAnalysis) -> list[list]:
    return [
        [
            outcome.priority_rank,
            outcome.title,
            _contributors(outcome),
            "\n".join(outcome.national_outcomes),
            "\n".join(outcome.national_indicators),
        ]
        for outcome in analysis.gaps
    ]


def gap_analysis_csv(analysis: GapAnalysis) -> bytes:
    """The coverage table, one row per priority outcome: UTF-8 with a BOM, every text escaped."""
    return write_csv(COVERAGE_HEADINGS, _coverage_rows(analysis))


SCORE_FORMAT = "0.0"
MONEY_FORMAT = "£#,##0.00"
DATE_FORMAT = "dd/mm/yyyy"


def gap_analysis_xlsx(analysis: GapAnalysis, *, filters_description: str) -> bytes:
    """A workbook: a cover sheet (the place, the filters in words, the date, the formula), then one
    sheet per section: Coverage, Shift the dial, Build on, Gaps."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "About this report"
    _write_cover(cover, analysis, filters_description)
    _write_table(
        workbook.create_sheet("Coverage"),
        COVERAGE_HEADINGS,
        _coverage_rows(analysis),
        widths=(10, 40, 10, 10, 12, 14, 16, 70, 18, 40, 40, 40),
        formats={3: SCORE_FORMAT, 6: MONEY_FORMAT, 8: MONEY_FORMAT},
    )
    _write_table(
        workbook.create_sheet("Shift the dial"),
        SHIFT_HEADINGS,
        _shift_rows(analysis),
        widths=(12, 40, 10, 10, 30, 14, 10, 50),
        formats={6: SCORE_FORMAT},
    )
    _write_table(
        workbook.create_sheet("Build on"),
        BUILD_ON_HEADINGS,
        _build_on_rows(analysis),
        widths=(12, 40, 10, 10, 30, 12, 14, 32),
        formats={5: DATE_FORMAT},
    )
    _write_table(
        workbook.create_sheet("Gaps"), GAPS_HEADINGS, _gap_rows(analysis), widths=(10, 40, 60, 40, 40), formats={}
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    """A value as a cell: text without the characters a workbook cannot hold, then escaped."""
    if isinstance(value, str):
        return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _text_cells_only(row) -> None:
    for cell in row:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # belt and braces: text is never a formula


def _write_cover(sheet, analysis: GapAnalysis, filters_description: str) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([_cell(f"Gap analysis: {analysis.place_name}")])
    sheet["A1"].font = Font(bold=True, size=14)
    counts = analysis.status_counts
    rows: list[Sequence] = [
        (),
        ("Place", analysis.place_name),
        ("Filters", filters_description),
        ("Computed on", analysis.computed_on),
        ("Build on: ends within", f"{analysis.horizon_months} months"),
        ("How coverage is scored", COVERAGE_FORMULA),
        (),
        ("Priority outcomes", len(analysis.outcomes)),
        *((f"Outcomes with status {status.label.lower()}", counts.get(status.value, 0)) for status in Status),
        ("Tagged spend", spend_sentence(analysis)),
        ("Financial year of the tagged spend", analysis.spend_year or "None"),
        (
            "Tagged spend to gap or thin outcomes (%)",
            analysis.spend_to_gaps_share if analysis.spend_to_gaps_share is not None else "None tagged",
        ),
        (),
        (
            "Sheets",
            "Coverage: every priority outcome, its score, status, the interventions contributing and the "
            "delivery groups covering it",
        ),
        ("", "Shift the dial: active interventions that contribute to several priority outcomes"),
        ("", "Build on: effective work that ends soon, or local pilots that could be scaled"),
        ("", "Gaps: priority outcomes no active intervention contributes to"),
    ]
    for row in rows:
        sheet.append([_cell(value) for value in row])
    for row in sheet.iter_rows(min_row=2):
        _text_cells_only(row)
        for cell in row:
            cell.alignment = wrap
            if cell.column == 1:
                cell.font = Font(bold=True)
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="left", vertical="top")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100


def _write_table(
    sheet, headings: Sequence[str], rows: Iterable[Sequence], *, widths: Sequence[int], formats: dict[int, str]
) -> None:
    """Bold frozen headings with a filter, then the rows; `formats` maps a column index (from 0)
    to its number format."""
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([_cell(heading) for heading in headings])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = wrap
    _text_cells_only(sheet[1])
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([float(value) if isinstance(value, Decimal) else _cell(value) for value in row])
    for row in sheet.iter_rows(min_row=2):
        _text_cells_only(row)
        for index, cell in enumerate(row):
            cell.alignment = wrap
            if index in formats and cell.value is not None:
                cell.number_format = formats[index]
    sheet.auto_filter.ref = sheet.dimensions
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
