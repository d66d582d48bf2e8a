"""Generated bad input: whatever file is uploaded, the person gets a clear message (never an
exception, never an empty message) and the database is unchanged.

Hypothesis runs each property ~50 times; examples share one test transaction, which is fine
because nothing here may write (the counts are compared around every example).
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventions import importing
from interventions.models import ImportJob
from interventions.resources import HEADINGS
from interventions.spreadsheets import SpreadsheetError
from tests.test_import import a_row, csv_file, database_counts, import_url, xlsx_file

PROPERTY_SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What a message must never look like: a Python repr, a traceback, a bare exception name.
LEAKS = re.compile(r"Traceback|object at 0x|Error\(|Exception\(|\bNone\b|<[a-zA-Z_.]+>")
VALID_XLSX = xlsx_file([a_row(title=f"Row {n}", start_date="01/04/2025") for n in range(20)])


def assert_clear(message: str) -> None:
    assert isinstance(message, str)
    assert message.strip(), "an empty message"
    # The person's own text, quoted back to them, may say anything.
    ours = re.sub(r"‘.*?’|“.*?”", "", message, flags=re.S)
    assert not LEAKS.search(ours), message


def read(filename: str, content: bytes):
    """The file's rows, or the message saying why it cannot be read; nothing else may escape."""
    try:
        return importing.read_upload(filename=filename, content=content)
    except SpreadsheetError as error:
        assert_clear(error.message)
        return error.message


# --- Files that are not spreadsheets at all --------------------------------------------------------------------


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(content=st.binary(max_size=4096), name=st.sampled_from(["interventions.csv", "interventions.xlsx"]))
def test_random_bytes_are_refused_with_a_clear_message_on_the_upload_page(client, cast, content, name):
    client.force_login(cast.a.officer)
    before = database_counts()
    response = client.post(import_url(cast.a.place, "import_upload"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    message = re.search(r'<a href="#id_file">(.*?)</a>', page, re.S).group(1)
    assert_clear(message)
    assert database_counts() == before
    assert not ImportJob.objects.exists()


@PROPERTY_SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(VALID_XLSX) - 1))
def test_a_truncated_workbook_is_refused_with_a_clear_message(cut):
    assert isinstance(read("interventions.xlsx", VALID_XLSX[:cut]), str)


@PROPERTY_SETTINGS
@given(
    flips=st.lists(
        st.tuples(st.integers(min_value=0, max_value=len(VALID_XLSX) - 1), st.integers(min_value=0, max_value=255)),
        min_size=1,
        max_size=8,
    )
)
def test_a_corrupted_workbook_is_read_or_refused_never_an_exception(flips):
    content = bytearray(VALID_XLSX)
    for position, value in flips:
        content[position] = value
    read("interventions.xlsx", bytes(content))


# --- CSV text that is wrong in the headings or the encoding ------------------------------------------------------

heading_text = st.one_of(st.sampled_from(HEADINGS), st.text(min_size=0, max_size=30))


@PROPERTY_SETTINGS
@given(headers=st.lists(heading_text, min_size=1, max_size=20))
def test_wrong_headings_are_named(headers):
    normalised = sorted(" ".join(h.casefold().split()) for h in headers if h.strip())
    if normalised == sorted(h.casefold() for h in HEADINGS):
        return  # the template's headings after all (in another order)
    content = csv_file([a_row()[: len(headers)]], headers=headers)
    outcome = read("interventions.csv", content)
    assert isinstance(outcome, str), "a file without the template's headings was accepted"


@PROPERTY_SETTINGS
@given(
    title=st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x2FFF), min_size=1, max_size=40),
    encoding=st.sampled_from(["utf-16-le", "utf-16-be", "latin-1", "cp437", "shift_jis", "koi8-r", "utf-32"]),
)
def test_text_in_an_unexpected_encoding_is_read_or_refused_never_an_exception(title, encoding):
    text = csv_file([a_row(title=title)]).decode("utf-8-sig")
    try:
        content = text.encode(encoding)
    except UnicodeEncodeError:
        content = text.encode(encoding, errors="replace")
    read("interventions.csv", content)


@PROPERTY_SETTINGS
@given(size=st.integers(min_value=150, max_value=300_000), column=st.sampled_from(["title", "description"]))
def test_a_huge_cell_is_a_row_problem_or_a_file_problem_never_an_exception(size, column):
    outcome = read("interventions.csv", csv_file([a_row(**{column: "x" * size})]))
    if isinstance(outcome, str):
        assert "longer than" in outcome


# --- Rows of rubbish: every row checked, every problem said, nothing written --------------------------------------

SAMPLES = st.sampled_from(
    [
        "",
        "31/02/2025",
        "2025-13-01",
        "-5",
        "£1,2,3",
        "1e400",
        "NaN",
        "Projekt",
        "National",
        "INT-99999",
        "INT-",
        '=HYPERLINK("http://x")',
        "Secret outcome of Place B (primary)",
        "Fair work for women in Place A (primary, strong, evaluated, extra)",
        "Fair work for women in Place A (",
        ";;;",
        "b-officer",
        "x" * 250,
    ]
)
bad_cells = st.one_of(st.text(max_size=40), SAMPLES)
# Text an .xlsx cell can hold (no control characters).
printable_cells = st.one_of(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=40), SAMPLES)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(rows=st.lists(st.lists(bad_cells, min_size=len(HEADINGS), max_size=len(HEADINGS)), min_size=1, max_size=8))
def test_rows_of_random_cells_are_each_checked_with_clear_messages_and_nothing_is_written(cast, rows):
    before = database_counts()
    try:
        job = importing.import_job_create(
            place=cast.a.place,
            user=cast.a.officer,
            upload=SimpleUploadedFile("interventions.csv", csv_file(rows)),
        )
    except SpreadsheetError as error:  # e.g. every row blank, or a NUL character
        assert_clear(error.message)
    else:
        job.refresh_from_db()
        assert job.status == ImportJob.Status.READY, job.error
        assert len(job.preview["rows"]) == job.rows_total
        for row in job.preview["rows"]:
            if row["action"] == "error":
                assert row["errors"], row
            for column, message in row["errors"]:
                assert column in HEADINGS or column == ""
                assert_clear(message)
    assert database_counts() == before


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    rows=st.lists(
        st.lists(
            st.one_of(printable_cells, st.floats(allow_nan=True), st.integers(), st.dates(), st.booleans()),
            min_size=len(HEADINGS),
            max_size=len(HEADINGS),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_xlsx_rows_of_random_typed_cells_are_checked_with_clear_messages(cast, rows):
    before = database_counts()
    try:
        content = xlsx_file(rows)
    except Exception:
        return
    try:
        job = importing.import_job_create(
            place=cast.a.place, user=cast.a.officer, upload=SimpleUploadedFile("i.xlsx", io.BytesIO(content).read())
        )
    except SpreadsheetError as error:
        assert_clear(error.message)
    else:
        job.refresh_from_db()
        assert job.status == ImportJob.Status.READY, job.error
        for row in job.preview["rows"]:
            for _, message in row["errors"]:
                assert_clear(message)
    assert database_counts() == before


# --- Broken rows among good ones: each is named, and the import is refused whole ----------------------------------

# (cell of a_row, bad value, the column its problem must be reported in)
BREAKAGES = [
    ("title", "", "Title"),
    ("kind", "Projekt", "Kind"),
    ("level", "National", "Level"),
    ("status", "Finished?", "Status"),
    ("start_date", "31/02/2025", "Start date"),
    ("budget_gbp", "-5", "Budget (£)"),
    ("owner", "b-officer", "Owner"),
    ("contributions", "Secret outcome of Place B (primary)", "Contributions"),
]


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    good=st.integers(min_value=0, max_value=6),
    broken=st.lists(st.sampled_from(BREAKAGES), min_size=1, max_size=5),
    data=st.data(),
)
def test_broken_rows_among_good_ones_are_each_named_and_the_commit_is_refused_whole(cast, good, broken, data):
    rows = [(a_row(title=f"Good {n}"), None) for n in range(good)]
    for n, (cell, value, column) in enumerate(broken):
        at = data.draw(st.integers(min_value=0, max_value=len(rows)))
        rows.insert(at, (a_row(**{"title": f"Broken {n}", cell: value}), column))
    before = database_counts()
    job = importing.import_job_create(
        place=cast.a.place, user=cast.a.officer, upload=SimpleUploadedFile("i.csv", csv_file([r for r, _ in rows]))
    )
    job.refresh_from_db()
    for number, (_, column) in enumerate(rows, start=2):
        row = next(row for row in job.preview["rows"] if row["row"] == number)
        if column is None:
            assert row["action"] == "new", row
        else:
            assert column in [problem_column for problem_column, _ in row["errors"]], row
            for _, message in row["errors"]:
                assert_clear(message)
    with pytest.raises(importing.ImportRefused) as refusal:
        importing.import_job_commit(job=job, user=cast.a.officer, skip_problem_rows=False)
    assert_clear(refusal.value.message)
    assert database_counts() == before
