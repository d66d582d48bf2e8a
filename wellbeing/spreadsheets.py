"""Writing spreadsheets for people to download: CSV and Excel (.xlsx).

Every text cell a spreadsheet program would run as a formula is neutralised by one escape for both
formats (`escape_formula`); `unescape_formula` undoes it on import, so an exported file imports
unchanged. Every export of the project writes through here; interventions/spreadsheets.py adds
the reading of uploaded files.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
UTF8_BOM = b"\xef\xbb\xbf"

# Cells a spreadsheet program would run as a formula start with one of these.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
FORMULA_ESCAPE = "'"


# --- Cells -------------------------------------------------------------------------------------------


def escape_formula(value):
    """A text cell that would run as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return FORMULA_ESCAPE + value
    return value


def unescape_formula(text: str) -> str:
    """Undo `escape_formula`: the apostrophe our exports put before a formula character."""
    if len(text) > 1 and text[0] == FORMULA_ESCAPE and text[1] in "".join(FORMULA_TRIGGERS):
        return text[1:]
    return text


# --- Writing -----------------------------------------------------------------------------------------


def write_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """CSV in UTF-8 with a byte order mark (so Excel reads £ and accents right), CRLF line ends,
    dates as yyyy-mm-dd, every formula-like text escaped."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_formula(header) for header in headers])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return UTF8_BOM + buffer.getvalue().encode("utf-8")


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return escape_formula(value)


@dataclass
class SheetData:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()


def write_xlsx(sheets: Sequence[SheetData], *, validations: Sequence = ()) -> bytes:
    """An .xlsx workbook: bold frozen headings, text cells written as text (never formulas),
    dates as date cells shown dd/mm/yyyy, amounts as numbers. `validations` are openpyxl
    DataValidation objects for the first sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for index, data in enumerate(sheets):
        sheet = workbook.create_sheet(data.title[:31])
        sheet.append([escape_formula(header) for header in data.headers])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for row in data.rows:
            sheet.append([escape_formula(value) for value in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(cell.value, str):
                    cell.data_type = "s"  # belt and braces: text is never a formula
                    if "\n" in cell.value:
                        cell.alignment = wrap
        for position, width in enumerate(data.widths, start=1):
            sheet.column_dimensions[get_column_letter(position)].width = width
        if index == 0:
            for validation in validations:
                sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
