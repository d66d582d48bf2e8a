"""A partnership's group assignments as a download (CSV or XLSX), written through
wellbeing/spreadsheets.py, so every text cell a spreadsheet would run is neutralised."""

from django.utils import timezone
from django.utils.text import slugify

from interventions.group_selectors import AssignmentRow
from partnerships.models import Partnership
from wellbeing.models import Place
from wellbeing.spreadsheets import CONTENT_TYPES, CSV, XLSX, SheetData, write_csv, write_xlsx

HEADINGS = (
    "Delivery group",
    "Reference",
    "Intervention",
    "Level",
    "Status",
    "Lead organisation",
    "Outcomes it contributes to (effectiveness)",
    "Assigned by",
    "Assigned on",
)
WIDTHS = (30, 12, 40, 10, 10, 30, 60, 24, 12)


def _outcomes(row: AssignmentRow) -> str:
    return "\n".join(f"{title} ({effectiveness.lower()})" for title, effectiveness in row.outcomes)


def assignment_rows(rows: list[AssignmentRow]) -> list[list]:
    return [
        [
            row.group,
            row.reference,
            row.title,
            row.level,
            row.status,
            row.lead_organisation,
            _outcomes(row),
            row.assigned_by,
            timezone.localtime(row.assigned_at).date(),
        ]
        for row in rows
    ]


def assignments_export(
    rows: list[AssignmentRow], *, place: Place, partnership: Partnership, file_format: str
) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the partnership's assignments."""
    if file_format not in (CSV, XLSX):
        raise ValueError(f"Unknown export format {file_format!r}")
    table = assignment_rows(rows)
    if file_format == CSV:
        content = write_csv(HEADINGS, table)
    else:
        content = write_xlsx([SheetData("Group assignments", HEADINGS, table, WIDTHS)])
    name = slugify(partnership.name)[:60] or f"partnership-{partnership.pk}"
    filename = f"group-assignments-{place.slug}-{name}-{timezone.localdate().isoformat()}.{file_format}"
    return content, CONTENT_TYPES[file_format], filename
