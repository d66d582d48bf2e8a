"""Budget lines from a spreadsheet: the second kind of import, on the intervention import's
machinery and pages (interventions/importing.py IMPORT_KINDS, interventions/budget_resources.py).

Each problem a row can have is asked for with its row number and column; the database is real.
"""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from interventions import importing
from interventions.budget_resources import AMOUNT, COST_CENTRE, HEADINGS, KIND, SHARES, YEAR, export_budget_lines
from interventions.models import ImportJob
from interventions.spreadsheets import SpreadsheetError
from tests.factories import BudgetLineFactory, BudgetShareFactory, WellbeingOutcomeFactory
from tests.test_import_properties import PROPERTY_SETTINGS, assert_clear
from wellbeing.budget_forms import shares_over_100_message
from wellbeing.models import BudgetLine, BudgetShare, Role
from wellbeing.spreadsheets import write_csv

OUTCOME_A = "Fair work for women in Place A"
OUTCOME_B = "Secret outcome of Place B"
BUDGET_LINES = ImportJob.Kind.BUDGET_LINES


@pytest.fixture
def child_poverty(cast):
    return WellbeingOutcomeFactory(place=cast.a.place, title="Child poverty", priority_rank=2)


def a_row(**cells) -> list:
    """A valid budget row, with some cells changed: a_row(amount="-5")."""
    values = {
        "reference": "",
        "service": "Housing",
        "cost_centre": "HS100",
        "year": "2025/26",
        "amount": "125000",
        "kind": "Revenue",
        "description": "",
        "shares": "",
    }
    values.update(cells)
    return list(values.values())


def csv_file(rows) -> bytes:
    return write_csv(HEADINGS, rows)


def xlsx_file(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def checked(place_cast, content: bytes, name: str = "budget.csv") -> ImportJob:
    return importing.import_job_create(
        place=place_cast.place, user=place_cast.officer, upload=SimpleUploadedFile(name, content), kind=BUDGET_LINES
    )


def committed(job: ImportJob, user, *, skip: bool = False) -> ImportJob:
    importing.import_job_commit(job=job, user=user, skip_problem_rows=skip)
    job.refresh_from_db()
    return job


def preview_row(job: ImportJob, number: int) -> dict:
    return next(row for row in job.preview["rows"] if row["row"] == number)


def database_counts() -> dict[str, int]:
    models = [BudgetLine, BudgetLine.history.model, BudgetShare, BudgetShare.history.model]
    return {model._meta.label: model.objects.count() for model in models}


def url(place, name: str, job: ImportJob | None = None) -> str:
    kwargs = {"place_slug": place.slug}
    if job is not None:
        kwargs["budget_import_pk"] = job.pk
    return reverse(f"interventions:budget_import_{name}", kwargs=kwargs)


# --- Imports through the pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_imports_a_csv_with_shares_through_the_pages(client, cast, child_poverty):
    client.force_login(cast.a.officer)
    row = a_row(year="2025-26", amount="£125,000.50", shares=f"{OUTCOME_A.upper()} (40%);  child  poverty (60)")
    response = client.post(url(cast.a.place, "upload"), {"file": SimpleUploadedFile("budget.csv", csv_file([row]))})
    job = ImportJob.objects.get()
    assert job.kind == BUDGET_LINES
    assert response["Location"] == url(cast.a.place, "preview", job)
    page = client.get(response["Location"]).content.decode()
    assert "Check what will be imported" in page
    assert "New budget lines" in page
    assert "Housing HS100 (2025-26)" in page
    assert reverse("wellbeing:budget_line_list", args=[cast.a.place.slug]) in page  # the back link
    assert not BudgetLine.objects.exists()  # the check wrote nothing

    response = client.post(url(cast.a.place, "commit", job))
    page = client.get(response["Location"]).content.decode()
    assert "Imported ‘budget.csv’: 1 budget line added" in page
    assert "Go to the budget lines" in page

    line = BudgetLine.objects.get()
    assert (line.place, line.service, line.cost_centre, line.financial_year) == (
        cast.a.place,
        "Housing",
        "HS100",
        "2025/26",
    )
    assert (line.amount_gbp, line.kind) == (Decimal("125000.50"), "revenue")
    assert {(s.outcome.title, s.percent) for s in line.shares.all()} == {
        (OUTCOME_A, Decimal("40")),
        ("Child poverty", Decimal("60")),
    }
    [history] = line.history.all()
    assert (history.history_type, history.history_user, history.history_change_reason) == (
        "+",
        cast.a.officer,
        "Imported from budget.csv",
    )
    assert BudgetShare.history.filter(history_user=cast.a.officer).count() == 2
    assert line.reference == f"BUD-{line.pk:05d}"


@pytest.mark.django_db
def test_an_xlsx_file_with_number_cells_and_shares_is_imported(cast):
    rows = [
        a_row(amount=250000.5, kind="capital", shares=f"{OUTCOME_A} (25%)"),
        a_row(service="Education", cost_centre="ED1", amount=1000, shares=""),
    ]
    job = committed(checked(cast.a, xlsx_file(rows), "budget.xlsx"), cast.a.officer)
    assert job.status == ImportJob.Status.DONE, job.preview
    housing = BudgetLine.objects.get(service="Housing")
    assert (housing.amount_gbp, housing.kind) == (Decimal("250000.50"), "capital")
    assert [(s.outcome.title, s.percent) for s in housing.shares.all()] == [(OUTCOME_A, Decimal("25"))]
    assert not BudgetLine.objects.get(service="Education").shares.exists()


# --- Problems: each with its row and column, and nothing written -------------------------------------------


@pytest.mark.django_db
def test_every_kind_of_problem_is_reported_with_its_row_and_column_and_nothing_is_written(cast, child_poverty):
    BudgetLineFactory(place=cast.a.place, service="Roads", cost_centre="RD1")
    rows = [
        a_row(shares="Libraries (40%)"),  # row 2
        a_row(cost_centre="B", shares=f"{OUTCOME_A} (70%); Child poverty (45%)"),  # row 3
        a_row(cost_centre="C", year="2025/27"),  # row 4
        a_row(cost_centre="D", year="next year"),  # row 5
        a_row(cost_centre="E", amount="-5"),  # row 6
        a_row(cost_centre="F", amount="lots"),  # row 7
        a_row(cost_centre="G", kind="Operating"),  # row 8
        a_row(cost_centre="H", shares=f"{OUTCOME_B} (10%)"),  # row 9
        a_row(cost_centre="I", shares=f"{OUTCOME_A}"),  # row 10
        a_row(cost_centre="J"),  # row 11, fine
    ]
    before = database_counts()
    job = checked(cast.a, csv_file(rows))
    assert job.status == ImportJob.Status.READY
    expected = {
        2: (SHARES, "“Libraries” is not one of Place A's wellbeing outcomes"),
        3: (SHARES, shares_over_100_message(Decimal("115"))),
        4: (YEAR, "‘2025/27’ in Financial year is not a financial year"),
        5: (YEAR, "‘next year’ in Financial year is not a financial year"),
        6: (AMOUNT, "Amount (£) cannot be negative"),
        7: (AMOUNT, "‘lots’ in Amount (£) is not an amount of money"),
        8: (KIND, "‘Operating’ in Revenue or capital is not one of the allowed values: Revenue or Capital"),
        9: (SHARES, f"“{OUTCOME_B}” is not one of Place A's wellbeing outcomes"),
        10: (SHARES, "has no percentage"),
    }
    for number, (column, words) in expected.items():
        row = preview_row(job, number)
        assert row["action"] == "error", row
        assert any(problem_column == column and words in message for problem_column, message in row["errors"]), row
    assert shares_over_100_message(Decimal("115")) == "The shares add up to 115%: they cannot be more than 100%"
    assert preview_row(job, 11)["action"] == "new"
    with pytest.raises(importing.ImportRefused):
        importing.import_job_commit(job=job, user=cast.a.officer, skip_problem_rows=False)
    assert database_counts() == before


@pytest.mark.django_db
def test_shares_over_100_percent_are_refused_even_if_each_is_allowed(cast, child_poverty):
    job = checked(cast.a, csv_file([a_row(shares=f"{OUTCOME_A} (50.5%); Child poverty (49.6%)")]))
    [row] = job.preview["rows"]
    assert row["errors"] == [[SHARES, "The shares add up to 100.1%: they cannot be more than 100%"]]
    assert job.preview["counts"]["error"] == 1


@pytest.mark.django_db
def test_skipping_problem_rows_imports_the_others(cast):
    rows = [a_row(amount="-1"), a_row(cost_centre="OK1"), a_row(cost_centre="OK2", kind="Capital")]
    job = committed(checked(cast.a, csv_file(rows)), cast.a.officer, skip=True)
    assert job.status == ImportJob.Status.DONE
    assert sorted(BudgetLine.objects.values_list("cost_centre", flat=True)) == ["OK1", "OK2"]
    assert "1 row with problems was skipped" in importing.import_job_summary(job)


# --- Matching and updating ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rows_match_lines_by_reference_then_by_service_cost_centre_and_year(cast, child_poverty):
    by_reference = BudgetLineFactory(place=cast.a.place, service="Housing", cost_centre="HS1", amount_gbp=100)
    by_key = BudgetLineFactory(place=cast.a.place, service="Education", cost_centre="ED1", amount_gbp=200)
    BudgetShareFactory(line=by_key, outcome=child_poverty, percent=30)
    same = BudgetLineFactory(place=cast.a.place, service="Roads", cost_centre="RD1", amount_gbp=300)
    rows = [
        # The reference wins: service and cost centre change with it.
        a_row(reference=by_reference.reference, service="Housing services", cost_centre="HS2", amount="100"),
        # No reference: matched by service, cost centre and year, ignoring case and spaces.
        a_row(service=" education ", cost_centre="ed1", year="2025-26", amount="250", shares="Child poverty (50%)"),
        a_row(reference=same.reference.lower(), service="Roads", cost_centre="RD1", amount="300"),
        a_row(service="Education", cost_centre="ED1", year="2026/27", amount="1"),  # another year: new
    ]
    job = checked(cast.a, csv_file(rows))
    assert [preview_row(job, n)["action"] for n in (2, 3, 4, 5)] == ["changed", "changed", "unchanged", "new"]
    assert preview_row(job, 2)["changes"] == ["Service", COST_CENTRE]
    assert preview_row(job, 3)["changes"] == ["Service", COST_CENTRE, AMOUNT, SHARES]
    assert preview_row(job, 3)["reference"] == by_key.reference

    job = committed(job, cast.a.officer)
    assert job.result["new"] == 1 and job.result["changed"] == 2 and job.result["unchanged"] == 1
    by_reference.refresh_from_db()
    by_key.refresh_from_db()
    assert (by_reference.service, by_reference.cost_centre, by_reference.version) == ("Housing services", "HS2", 2)
    assert (by_key.service, by_key.amount_gbp) == ("education", Decimal("250"))
    assert [(s.outcome, s.percent) for s in by_key.shares.all()] == [(child_poverty, Decimal("50"))]
    assert by_key.history.first().history_change_reason == "Imported from budget.csv"
    assert BudgetLine.objects.count() == 4


@pytest.mark.django_db
def test_another_places_reference_never_updates_that_places_line(cast):
    theirs = BudgetLineFactory(place=cast.b.place, service="Housing", cost_centre="HS100", amount_gbp=5)
    job = checked(cast.a, csv_file([a_row(reference=theirs.reference, amount="999")]))
    [row] = job.preview["rows"]
    assert row["action"] == "error"
    assert row["errors"] == [
        [
            "Reference",
            f"‘{theirs.reference}’ is not the reference of one of Place A's budget lines: leave Reference empty to "
            "add a new budget line",
        ]
    ]
    # Without the reference, the same service, cost centre and year is a new line of place A.
    job = committed(checked(cast.a, csv_file([a_row(amount="999")])), cast.a.officer)
    theirs.refresh_from_db()
    assert theirs.amount_gbp == Decimal("5")
    assert BudgetLine.objects.get(place=cast.a.place).amount_gbp == Decimal("999")


@pytest.mark.django_db
def test_the_import_format_export_imports_back_unchanged(client, cast, child_poverty):
    line = BudgetLineFactory(place=cast.a.place, description="Homelessness prevention")
    BudgetShareFactory(line=line, outcome=child_poverty, percent=Decimal("33.5"))
    client.force_login(cast.a.officer)
    for file_format in ("csv", "xlsx"):
        response = client.get(url(cast.a.place, "template") + f"?format={file_format}&layout=import")
        assert response.status_code == 200
        job = checked(cast.a, response.content, f"export.{file_format}")
        assert [row["action"] for row in job.preview["rows"]] == ["unchanged"], job.preview
    content, _, _ = export_budget_lines(cast.a.place, "xlsx")
    cells = [cell.value for cell in load_workbook(io.BytesIO(content)).active[2]]
    assert cells[0] == line.reference
    assert cells[-1] == "Child poverty (33.5%)"


@pytest.mark.django_db
def test_the_template_has_the_columns_and_this_places_outcomes(client, cast):
    client.force_login(cast.a.officer)
    workbook = load_workbook(io.BytesIO(client.get(url(cast.a.place, "template") + "?format=xlsx").content))
    assert [cell.value for cell in workbook["Budget lines"][1]] == HEADINGS
    allowed = [cell.value for cell in workbook["Allowed values"]["B"]]
    assert OUTCOME_A in allowed and OUTCOME_B not in allowed
    csv_template = client.get(url(cast.a.place, "template") + "?format=csv").content
    assert csv_template.decode("utf-8-sig").strip() == ",".join(HEADINGS)
    assert client.get(url(cast.a.place, "template") + "?format=pdf").status_code == 404


# --- Who may import ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_only_officers_and_place_admins_may_import_budget_lines(client, cast, role):
    client.force_login(cast.a.member(role))
    allowed = role in (Role.OFFICER, Role.PLACE_ADMIN)
    assert client.get(url(cast.a.place, "upload")).status_code == (200 if allowed else 403)
    page = client.get(reverse("wellbeing:budget_line_list", args=[cast.a.place.slug])).content.decode()
    assert ("Import budget lines from a spreadsheet" in page) == allowed
    assert (url(cast.a.place, "upload") in page) == allowed


@pytest.mark.django_db
def test_another_places_job_and_the_other_kind_of_job_are_not_found(client, cast):
    theirs = importing.import_job_create(
        place=cast.b.place,
        user=cast.b.officer,
        upload=SimpleUploadedFile("b.csv", csv_file([a_row()])),
        kind=BUDGET_LINES,
    )
    intervention_job = ImportJob.objects.create(
        place=cast.a.place, uploaded_by=cast.a.officer, filename="i.csv", file_format="csv", content=b""
    )
    client.force_login(cast.a.officer)
    for name in ("preview", "progress"):
        assert client.get(url(cast.a.place, name, theirs)).status_code == 404
        assert client.get(url(cast.a.place, name, intervention_job)).status_code == 404
    assert client.post(url(cast.a.place, "commit", theirs)).status_code == 404
    assert not BudgetLine.objects.exists()
    # …and a budget job is not an intervention import.
    mine = checked(cast.a, csv_file([a_row()]))
    assert client.get(reverse("interventions:import_preview", args=[cast.a.place.slug, mine.pk])).status_code == 404
    upload_page = client.get(reverse("interventions:import_upload", args=[cast.a.place.slug])).content.decode()
    assert "b.csv" not in upload_page and "budget.csv" not in upload_page


# --- A property: broken rows among good ones ----------------------------------------------------------------

# (cell of a_row, bad value, the column its problem must be reported in)
BREAKAGES = [
    ("shares", f"{OUTCOME_B} (10%)", SHARES),
    ("shares", "Nowhere (10%)", SHARES),
    ("shares", f"{OUTCOME_A} (101%)", SHARES),
    ("shares", f"{OUTCOME_A} (lots)", SHARES),
    ("year", "2025/2026", YEAR),
    ("year", "", YEAR),
    ("amount", "-5", AMOUNT),
    ("amount", "1e400", AMOUNT),
    ("amount", "twelve", AMOUNT),
    ("kind", "Operating", KIND),
    ("service", "", "Service"),
    ("reference", "BUD-99999", "Reference"),
]


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    good=st.integers(min_value=0, max_value=6),
    broken=st.lists(st.sampled_from(BREAKAGES), min_size=1, max_size=5),
    data=st.data(),
)
def test_broken_budget_rows_among_good_ones_are_each_named_and_the_commit_is_refused(cast, good, broken, data):
    rows = [(a_row(cost_centre=f"GOOD{n}", shares=f"{OUTCOME_A} ({n + 1}%)"), None) for n in range(good)]
    for n, (cell, value, column) in enumerate(broken):
        at = data.draw(st.integers(min_value=0, max_value=len(rows)))
        rows.insert(at, (a_row(**{"cost_centre": f"BROKEN{n}", cell: value}), column))
    before = database_counts()
    job = checked(cast.a, csv_file([r for r, _ in rows]))
    job.refresh_from_db()
    for number, (_, column) in enumerate(rows, start=2):
        row = preview_row(job, number)
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


@pytest.mark.django_db
def test_file_problems_speak_of_budget_lines(cast):
    with pytest.raises(SpreadsheetError) as error:
        checked(cast.a, csv_file([]))
    assert error.value.message == (
        "The file has the column headings but no budget lines: add a row for each budget line under the headings."
    )
    assert not ImportJob.objects.exists()
