"""A charter's signatories as a spreadsheet (CSV or Excel): one row per signatory, a Yes/No column
for each commitment. Written through wellbeing/spreadsheets.py, so no cell runs as a formula."""

from django.utils.text import slugify

from partnerships.charter_selectors import CharterProgress
from wellbeing.spreadsheets import CONTENT_TYPES, CSV, XLSX, SheetData, write_csv, write_xlsx

YES, NO = "Yes", "No"


def signatory_headers(progress: CharterProgress) -> tuple[str, ...]:
    numbered = [f"{number}. {c.title}" for number, c in enumerate(progress.commitments, start=1)]
    return ("Organisation", "Sector", "National body", "Date signed", "Commitments met", *numbered, "Evidence")


def signatory_rows(progress: CharterProgress) -> list[tuple]:
    total = progress.commitment_count
    rows = []
    for row in progress.signatories:
        organisation = row.signatory.organisation
        met = {commitment.pk for commitment in row.met}
        rows.append(
            (
                organisation.name,
                organisation.get_sector_display(),
                YES if organisation.is_national else NO,
                row.signatory.signed_on,
                f"{row.met_count} of {total}",
                *[YES if c.pk in met else NO for c in progress.commitments],
                row.signatory.evidence_note,
            )
        )
    return rows


def signatory_export(progress: CharterProgress, *, file_format: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the charter's signatories."""
    filename = f"{slugify(progress.charter.name) or 'charter'}-signatories.{file_format}"
    headers, rows = signatory_headers(progress), signatory_rows(progress)
    if file_format == XLSX:
        widths = (40, 20, 10, 12, 12, *[18] * progress.commitment_count, 60)
        content = write_xlsx([SheetData("Signatories", headers, rows, widths=widths)])
    elif file_format == CSV:
        content = write_csv(headers, rows)
    else:
        raise ValueError(f"Unknown export format {file_format!r}.")
    return content, CONTENT_TYPES[file_format], filename
