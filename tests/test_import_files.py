"""Reading uploaded files: what is accepted, and the message for everything that is not.

These call `read_upload` directly (no database): the pages show exactly its messages, which
tests/test_import.py checks through the upload page.
"""

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from interventions.importing import MAX_ROWS, read_upload
from interventions.resources import HEADINGS, TITLE
from interventions.spreadsheets import SpreadsheetError
from wellbeing.spreadsheets import SheetData, escape_formula, unescape_formula, write_csv, write_xlsx

ROW = ["", "Women into work", "Project", "Local", "Active", "Place A Council", "", "", "", "", "", "", "", "", "", ""]


def csv_text(rows, headers=HEADINGS) -> str:
    lines = [",".join(headers)] + [",".join(f'"{cell}"' for cell in row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def xlsx_bytes(rows, headers=HEADINGS, title="Interventions") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refused(filename: str, content: bytes) -> str:
    with pytest.raises(SpreadsheetError) as caught:
        read_upload(filename=filename, content=content)
    assert caught.value.message.strip()
    return caught.value.message


# --- Accepted ---------------------------------------------------------------------------------------------


def test_a_utf8_csv_with_a_byte_order_mark_is_read():
    sheet = read_upload(filename="a.csv", content=b"\xef\xbb\xbf" + csv_text([ROW]).encode("utf-8"))
    assert sheet.file_format == "csv"
    assert sheet.rows[0][1][1] == "Women into work"


def test_a_utf8_csv_without_a_byte_order_mark_is_read():
    row = [*ROW[:1], "Cèilidh for carers – Alloa", *ROW[2:]]
    sheet = read_upload(filename="a.csv", content=csv_text([row]).encode("utf-8"))
    assert sheet.rows[0][1][1] == "Cèilidh for carers – Alloa"


def test_a_windows_1252_csv_is_read_with_its_pound_signs_and_dashes():
    row = [*ROW[:1], "Cèilidh for carers – Alloa", *ROW[2:10], "£1,200", *ROW[11:]]
    sheet = read_upload(filename="a.csv", content=csv_text([row]).encode("cp1252"))
    cells = sheet.rows[0][1]
    assert cells[1] == "Cèilidh for carers – Alloa"
    assert cells[10] == "£1,200"


def test_a_utf16_tab_separated_file_from_excel_unicode_text_is_read():
    text = "\t".join(HEADINGS) + "\r\n" + "\t".join(ROW) + "\r\n"
    sheet = read_upload(filename="a.csv", content=text.encode("utf-16"))
    assert sheet.rows[0][1][1] == "Women into work"


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    text = csv_text([ROW]) + ",,,,\r\n\r\n" + csv_text([ROW]).split("\r\n", 1)[1]
    sheet = read_upload(filename="a.csv", content=text.encode())
    assert [number for number, _ in sheet.rows] == [2, 5]


def test_headings_match_whatever_their_order_case_and_spacing():
    headers = [f"  {heading.upper()} " for heading in reversed(HEADINGS)]
    text = csv_text([list(reversed(ROW))], headers=headers)
    sheet = read_upload(filename="a.csv", content=text.encode())
    assert sheet.rows[0][1][HEADINGS.index(TITLE)] == "Women into work"


EXCEL_DATE = datetime(2025, 4, 1)  # noqa: DTZ001 - Excel's date cells have no time zone


def test_an_xlsx_file_is_read_with_its_date_cells_and_numbers():
    row = [*ROW[:8], EXCEL_DATE, date(2026, 3, 31), 12500.5, *ROW[11:]]
    sheet = read_upload(filename="a.xlsx", content=xlsx_bytes([row]))
    cells = sheet.rows[0][1]
    assert sheet.file_format == "xlsx"
    assert cells[8] == EXCEL_DATE
    assert cells[10] == 12500.5


def test_an_xlsx_file_is_read_from_its_interventions_sheet_even_if_another_is_active():
    workbook = load_workbook(io.BytesIO(xlsx_bytes([ROW])))
    notes = workbook.create_sheet("Notes", 0)
    notes.append(["not", "the", "data"])
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = read_upload(filename="a.xlsx", content=buffer.getvalue())
    assert sheet.rows[0][1][1] == "Women into work"


def test_the_content_decides_the_format_not_the_name():
    sheet = read_upload(filename="a.csv", content=xlsx_bytes([ROW]))
    assert sheet.file_format == "xlsx"


def test_an_empty_column_without_a_heading_is_ignored():
    text = csv_text([[*ROW, ""]], headers=[*HEADINGS, ""])
    assert len(read_upload(filename="a.csv", content=text.encode())) == 1


# --- Refused, each with its own message -------------------------------------------------------------------


def test_a_file_over_the_limit_says_its_size_and_the_limit(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    content = b"x" * int(7.2 * 1024 * 1024)
    message = refused("big.csv", content)
    assert message.startswith("The file is 7.2 MB; the largest file you can import is 5 MB")


def test_an_empty_file_is_refused():
    assert "‘a.csv’ is empty" in refused("a.csv", b"")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF document, not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is an image (PNG), not a spreadsheet"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "is an image (JPEG), not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "older Excel 97–2003 workbook"),
        (b"\x00\x01\x02\x03binary\x00stuff", "is not a spreadsheet"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_renamed_xlsx_is_refused_for_what_it_is(content, expected):
    assert expected in refused("interventions.xlsx", content)


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "is a zip archive, not an Excel workbook" in refused("a.xlsx", buffer.getvalue())


def test_an_opendocument_spreadsheet_is_refused_with_how_to_save_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    assert "OpenDocument spreadsheet" in refused("a.xlsx", buffer.getvalue())


def test_a_truncated_workbook_is_refused_as_damaged():
    content = xlsx_bytes([ROW])
    assert "damaged or incomplete" in refused("a.xlsx", content[: len(content) // 2])


def test_a_workbook_that_unpacks_to_a_huge_size_is_refused_before_it_is_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (210 * 1024 * 1024))
    assert "unpacks to" in refused("bomb.xlsx", buffer.getvalue())


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("old.xls", "older Excel 97–2003 format"),
        ("sheet.ods", "OpenDocument spreadsheet"),
        ("notes.txt", "save it as CSV"),
        ("no-extension", "must end .csv or .xlsx"),
    ],
)
def test_a_file_with_another_extension_is_refused_with_what_to_do(filename, expected):
    message = refused(filename, b"Title\r\nx\r\n")
    assert message.startswith(f"‘{filename}’ must be a CSV or Excel (.xlsx) file")
    assert expected in message


def test_a_missing_column_is_named():
    headers = [h for h in HEADINGS if h != TITLE]
    message = refused("a.csv", csv_text([ROW[:1] + ROW[2:]], headers=headers).encode())
    assert message.startswith("The file’s columns do not match the template: ‘Title’ is missing")


def test_unknown_and_repeated_columns_are_named():
    headers = [*HEADINGS[:-1], "Colour", TITLE]
    message = refused("a.csv", csv_text([ROW], headers=headers).encode())
    assert "‘Contributions’ is missing" in message
    assert "‘Colour’ is not one of the template’s columns" in message
    assert "‘Title’ appears more than once" in message


def test_a_value_in_a_column_without_a_heading_is_refused_with_its_row_and_column():
    text = csv_text([ROW, [*ROW, "stray"]], headers=[*HEADINGS, ""])
    assert refused("a.csv", text.encode()).startswith("Row 3 has a value in column Q, which has no heading")


def test_a_file_with_headings_but_no_rows_is_refused():
    assert "no interventions" in refused("a.csv", csv_text([]).encode())


def test_a_file_whose_first_row_is_empty_is_refused():
    assert "first row must hold the column headings" in refused("a.csv", b",,,\r\n" + csv_text([ROW]).encode())


def test_text_in_no_known_encoding_is_refused():
    # 0x81 is undefined in Windows-1252 and invalid as UTF-8.
    content = csv_text([ROW]).encode() + b"\x81\x81"
    assert "neither UTF-8 nor Windows-1252" in refused("a.csv", content)


def test_a_cell_longer_than_csv_allows_is_refused_with_its_line():
    content = (csv_text([]) + '"' + "x" * 200_000 + '",a\r\n').encode()
    assert "longer than 131,072 characters" in refused("a.csv", content)


def test_more_rows_than_one_import_takes_are_refused():
    text = csv_text([ROW] * (MAX_ROWS + 1))
    assert f"the most you can import at once is {MAX_ROWS:,}" in refused("a.csv", text.encode())


# --- Formula escaping: one escape for both formats, undone on import --------------------------------------


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_escaped_and_unescaped(text):
    assert escape_formula(text) == "'" + text
    assert unescape_formula(escape_formula(text)) == text


def test_exported_files_contain_no_formula():
    rows = [["=1+1", "+cmd", "-x", "@y", 12, date(2025, 1, 2)]]
    xlsx = load_workbook(io.BytesIO(write_xlsx([SheetData("Interventions", list("ABCDEF"), rows)])))
    cells = [cell for row in xlsx["Interventions"].iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert [cell.value for cell in cells[:4]] == ["'=1+1", "'+cmd", "'-x", "'@y"]
    assert cells[4].value == 12  # numbers stay numbers
    text = write_csv(list("ABCDEF"), rows).decode("utf-8-sig")
    assert text.splitlines()[1] == "'=1+1,'+cmd,'-x,'@y,12,2025-01-02"
