"""Reading the spreadsheets people bring: CSV and Excel (.xlsx), nothing else.

Reading never trusts the file name: the content decides (an .xlsx is a zip holding an Excel
workbook; anything else must be text). Every way a file can fail to be read ends in a
`SpreadsheetError` whose message says, in plain words, what is wrong and what to do; no other
exception leaves `read_spreadsheet`.

Writing, and the formula escape that reading undoes, live on the ground floor in
wellbeing/spreadsheets.py, so every app exports through the same code.
"""

import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from wellbeing.spreadsheets import CSV, FORMATS, UTF8_BOM, XLSX, unescape_formula

logger = logging.getLogger(__name__)

# A workbook unpacks to far more than its zipped size; beyond these it is refused unread (a
# "zip bomb" would otherwise fill the memory of the process reading it).
XLSX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
XLSX_MAX_MEMBERS = 2_000


class SpreadsheetError(Exception):
    """The file cannot be read as the import spreadsheet; `message` says why, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    """The rows of a spreadsheet that match the template's columns.

    `rows` holds (row number as the spreadsheet shows it, cells in the template's column order);
    the heading row is row 1 and blank rows are left out (their numbers are skipped)."""

    file_format: str
    columns: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


# --- Cells -------------------------------------------------------------------------------------------


def clean_text(value, *, multiline: bool = False) -> str:
    """A cell as the text a person typed: trimmed, the export's formula escape removed, line
    endings made plain; numbers as they read (12, not 12.0); dates as yyyy-mm-dd."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    else:
        text = str(value)
    text = unescape_formula(text.strip()).strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        return "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return " ".join(text.split("\n")).strip() if "\n" in text else text


def heading_key(value) -> str:
    """Headings match whatever their case, spacing and punctuation: "Budget (£)" = "budget"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", clean_text(value).lower()).split())


def _is_blank(cells: Iterable) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.1f} MB".replace(".0 MB", " MB")


# --- Reading -----------------------------------------------------------------------------------------


def read_spreadsheet(
    *,
    filename: str,
    content: bytes,
    columns: Sequence[str],
    max_bytes: int,
    max_rows: int,
    noun: str = "intervention",
) -> Sheet:
    """The rows of an uploaded CSV or .xlsx file whose headings are `columns` (in any order).

    Raises SpreadsheetError, with a message for the person, for anything that stops the file
    being read: too large, empty, not a spreadsheet, damaged, wrong headings, too many rows. The
    messages call a row `noun` ("intervention", "budget line")."""
    name = filename or "The file"
    if not content:
        raise SpreadsheetError(f"‘{name}’ is empty: choose the spreadsheet that has your {noun}s in it.")
    if len(content) > max_bytes:
        raise SpreadsheetError(
            f"The file is {megabytes(len(content))}; the largest file you can import is {megabytes(max_bytes)}. "
            "Split it into smaller files, or remove columns and sheets that are not in the template."
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise SpreadsheetError(_wrong_extension_message(name, extension))

    kind = _sniff(content)
    if kind == XLSX:
        file_format, grid = XLSX, _xlsx_rows(name, content, noun)
    elif kind == "text":
        file_format, grid = CSV, _csv_rows(content)
    else:
        raise SpreadsheetError(_not_a_spreadsheet_message(name, kind))
    try:
        return _sheet(file_format, grid, columns, max_rows, noun)
    except SpreadsheetError:
        raise
    except Exception as error:  # a damaged workbook can fail in many ways while its rows are read
        logger.info("Could not read the rows of %s: %r", filename, error)
        raise SpreadsheetError(_damaged_message(name, file_format)) from error


def _wrong_extension_message(name: str, extension: str) -> str:
    hints = {
        "xls": "it is in the older Excel 97–2003 format. Open it in Excel and save it as “Excel Workbook (.xlsx)”",
        "ods": "it is an OpenDocument spreadsheet. Save it as “Excel 2007–365 (.xlsx)” or as CSV",
        "numbers": "it is a Numbers spreadsheet. Export it as Excel (.xlsx) or CSV",
        "pdf": "it is a PDF document, not a spreadsheet",
        "txt": "save it as CSV (comma-separated values) with a name ending .csv",
    }
    hint = hints.get(extension, "the file name must end .csv or .xlsx")
    return f"‘{name}’ must be a CSV or Excel (.xlsx) file: {hint}."


def _sniff(content: bytes) -> str:
    head = content[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
                    return "ods"
        except Exception:  # a truncated or damaged zip
            return "damaged zip"
        if "xl/workbook.xml" in names or any(n.endswith("/workbook.xml") for n in names):
            return XLSX
        return "zip"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\x89PNG"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16, as Excel's "Unicode text" saves
    if b"\0" in content[:65536]:
        return "binary"
    return "text"


def _not_a_spreadsheet_message(name: str, kind: str) -> str:
    save_as = "Save your spreadsheet as “Excel Workbook (.xlsx)” or “CSV UTF-8” and upload that."
    messages = {
        "pdf": f"‘{name}’ is a PDF document, not a spreadsheet. {save_as}",
        "ods": f"‘{name}’ is an OpenDocument spreadsheet, not an Excel workbook. {save_as}",
        "ole": (
            f"‘{name}’ is an older Excel 97–2003 workbook (or another Office document), which cannot be "
            f"imported. {save_as}"
        ),
        "zip": f"‘{name}’ is a zip archive, not an Excel workbook. {save_as}",
        "damaged zip": f"‘{name}’ looks like an Excel workbook but is damaged or incomplete. {save_as}",
        "binary": f"‘{name}’ is not a spreadsheet: it is neither an Excel workbook nor CSV text. {save_as}",
    }
    if kind in ("PNG", "JPEG", "GIF"):
        return f"‘{name}’ is an image ({kind}), not a spreadsheet. {save_as}"
    return messages.get(kind, messages["binary"])


def _damaged_message(name: str, file_format: str) -> str:
    if file_format == XLSX:
        return (
            f"‘{name}’ could not be read as an Excel workbook: it may be damaged or incomplete. Open it in Excel, "
            "save it again as “Excel Workbook (.xlsx)”, and upload the new file."
        )
    return f"‘{name}’ could not be read as CSV. Open it in Excel, save it as “CSV UTF-8”, and upload the new file."


def _xlsx_rows(name: str, content: bytes, noun: str) -> Iterable[Sequence]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
    except Exception as error:
        raise SpreadsheetError(_damaged_message(name, XLSX)) from error
    if len(members) > XLSX_MAX_MEMBERS or unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            f"The workbook unpacks to {megabytes(unpacked)} in {len(members):,} parts, more than can be imported "
            f"(at most {megabytes(XLSX_MAX_UNPACKED_BYTES)}). Copy the {noun}s into the template and "
            "upload that."
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook["Interventions"] if "Interventions" in workbook.sheetnames else workbook.worksheets[0]
        # Some programs write a wrong sheet size; read-only mode would then miss rows.
        sheet.reset_dimensions()
    except Exception as error:
        logger.info("Could not open the workbook %s: %r", name, error)
        raise SpreadsheetError(_damaged_message(name, XLSX)) from error
    return sheet.iter_rows(values_only=True)


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif content.startswith(UTF8_BOM):
        try:
            return content[len(UTF8_BOM) :].decode("utf-8")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            try:
                # What Excel on Windows writes for "CSV (Comma delimited)".
                return content.decode("cp1252")
            except UnicodeDecodeError:
                pass
    raise SpreadsheetError(
        "The file’s text could not be read: it is in neither UTF-8 nor Windows-1252. "
        "Open it in Excel, save it as “CSV UTF-8”, and upload the new file."
    )


def _csv_rows(content: bytes) -> Iterable[Sequence]:
    text = _decode(content)
    if "\0" in text:
        raise SpreadsheetError(_not_a_spreadsheet_message("The file", "binary"))
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        try:
            yield from reader
        except csv.Error as error:
            record = reader.line_num
            if "field larger than field limit" in str(error):
                raise SpreadsheetError(
                    f"A cell near line {record:,} is longer than {csv.field_size_limit():,} characters, more than "
                    'any column can hold. Check that every quotation mark (") in that cell is closed.'
                ) from error
            raise SpreadsheetError(
                f"The file could not be read as CSV near line {record:,}. Check the quotation marks there, "
                "or open the file in Excel and save it as “CSV UTF-8”."
            ) from error

    return rows()


def _sheet(file_format: str, grid: Iterable[Sequence], columns: Sequence[str], max_rows: int, noun: str) -> Sheet:
    rows = iter(grid)
    headings = next(rows, None)
    if headings is None or _is_blank(headings):
        raise SpreadsheetError(
            "The first row must hold the column headings from the template, but it is empty. "
            "Download the template to see the headings."
            if headings is not None
            else f"The file has nothing in it: it needs the template’s column headings and a row for each {noun}."
        )
    positions = _match_headings(list(headings), columns)
    width = max(positions) + 1
    used = set(positions)
    sheet = Sheet(file_format=file_format, columns=list(columns))
    for number, cells in enumerate(rows, start=2):
        cells = list(cells)
        if _is_blank(cells):
            continue
        if len(sheet.rows) >= max_rows:
            raise SpreadsheetError(
                f"The file has more than {max_rows:,} rows of {noun}s; the most you can import at once is "
                f"{max_rows:,}. Split it into smaller files."
            )
        extra = [i for i, cell in enumerate(cells) if i not in used and not _is_blank([cell])]
        if extra:
            letter = get_column_letter(extra[0] + 1)
            raise SpreadsheetError(
                f"Row {number:,} has a value in column {letter}, which has no heading. Delete that column, or "
                "give it one of the template’s headings."
            )
        cells += [None] * (width - len(cells))
        sheet.rows.append((number, [cells[position] for position in positions]))
    if not sheet.rows:
        raise SpreadsheetError(
            f"The file has the column headings but no {noun}s: add a row for each {noun} under the headings."
        )
    return sheet


def _match_headings(headings: list, columns: Sequence[str]) -> list[int]:
    """Where each template column is in the file; a SpreadsheetError says what does not match."""
    wanted = {heading_key(column): column for column in columns}
    found: dict[str, int] = {}
    unknown, repeated, unnamed = [], [], []
    for index, heading in enumerate(headings):
        key = heading_key(heading)
        if not key:
            unnamed.append(index)
        elif key not in wanted:
            unknown.append(clean_text(heading))
        elif key in found:
            repeated.append(wanted[key])
        else:
            found[key] = index
    missing = [column for key, column in wanted.items() if key not in found]
    problems = []
    if missing:
        problems.append(f"{_quoted_list(missing)} {'is' if len(missing) == 1 else 'are'} missing")
    if unknown:
        verb = "is not one of the template’s columns" if len(unknown) == 1 else "are not columns of the template"
        problems.append(f"{_quoted_list(unknown)} {verb}")
    if repeated:
        problems.append(f"{_quoted_list(repeated)} {'appears' if len(repeated) == 1 else 'appear'} more than once")
    if problems:
        raise SpreadsheetError(
            f"The file’s columns do not match the template: {'; '.join(problems)}. "
            "Download the template to see the columns and their headings (they go in the first row)."
        )
    # A column without a heading is allowed while it stays empty (see _sheet).
    return [found[heading_key(column)] for column in columns]


def _quoted_list(items: list[str]) -> str:
    shown = [f"‘{item[:60]}’" for item in items[:5]]
    if len(items) > 5:
        shown.append(f"{len(items) - 5} more")
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]
