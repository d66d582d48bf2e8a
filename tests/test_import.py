"""Spreadsheet import: upload → check (a dry run) → preview → commit, and the export it round-trips with.

Each problem a row can have is asked for once, with its row number and column. The database is
real throughout (SQLite by default, PostgreSQL in CI); failures are injected with a real signal
receiver, never by mocking the database or the queue.
"""

import io
import threading
import time
from datetime import date
from decimal import Decimal

import kombu.pools
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.signals import post_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from interventions import importing
from interventions.models import Contribution, ImportJob, Intervention
from interventions.resources import (
    BUDGET,
    CONTRIBUTIONS,
    END,
    HEADING_FOR,
    HEADINGS,
    KIND,
    LEAD,
    LEVEL,
    OWNER,
    PILLARS,
    REFERENCE,
    START,
    STATUS,
    TITLE,
    export_interventions,
    import_template,
)
from partnerships.models import Organisation
from tests.factories import ContributionFactory, InterventionFactory, OrganisationFactory, WellbeingOutcomeFactory
from tests.test_celery import redis_url, worker  # noqa: F401 - fixtures for the real-worker test
from wellbeing.models import CwbPillar, Role
from wellbeing.spreadsheets import write_csv

OUTCOME_A = "Fair work for women in Place A"
OUTCOME_B = "Secret outcome of Place B"


# --- Building files and reading results (shared with the other test_import* files) -------------------------


def a_row(**cells) -> list:
    """A valid row, with some cells changed: a_row(title="x", start_date="31/02/2025")."""
    values = {
        "title": "Women into work",
        "kind": "Project",
        "level": "Local",
        "status": "Active",
        "lead_organisation": "Place A Council",
    }
    values.update(cells)
    return [values.get(name, "") for name in HEADING_FOR]


def csv_file(rows, headers=HEADINGS, encoding="utf-8-sig") -> bytes:
    if encoding == "utf-8-sig":
        return write_csv(headers, rows)
    return write_csv(headers, rows).decode("utf-8-sig").encode(encoding)


def xlsx_file(rows, headers=HEADINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Interventions"
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def checked(place_cast, content: bytes, name: str = "interventions.csv") -> ImportJob:
    """Upload through the service, as the officer; the job comes back checked (small files)."""
    return importing.import_job_create(
        place=place_cast.place, user=place_cast.officer, upload=SimpleUploadedFile(name, content)
    )


def committed(job: ImportJob, user, *, skip: bool = False) -> ImportJob:
    importing.import_job_commit(job=job, user=user, skip_problem_rows=skip)
    job.refresh_from_db()
    return job


def preview_row(job: ImportJob, number: int) -> dict:
    return next(row for row in job.preview["rows"] if row["row"] == number)


def database_counts() -> dict[str, int]:
    """Rows in every table an import writes, history included."""
    models = [
        Intervention,
        Intervention.history.model,
        Intervention.partners.through,
        Intervention.cwb_pillars.through,
        Contribution,
        Contribution.history.model,
        Organisation,
    ]
    models += [
        m2m for m2m in Intervention.history.model._meta.apps.get_models() if m2m.__name__.startswith("Historical")
    ]
    return {model._meta.label: model.objects.count() for model in set(models)}


def import_url(place, name: str, job: ImportJob | None = None) -> str:
    kwargs = {"place_slug": place.slug}
    if job is not None:
        kwargs["import_pk"] = job.pk
    return reverse(f"interventions:{name}", kwargs=kwargs)


# --- The whole journey through the pages ---------------------------------------------------------------------


FULL_ROW = a_row(
    title="Women into work",
    partners="Forth Valley College; NHS Forth Valley",
    owner="a-officer",
    start_date="01/04/2025",
    end_date="2026-03-31",
    budget_gbp="£12,500.50",
    funding_source="Shared Prosperity Fund",
    cwb_pillars="Fair work; spending",
    description="Employability support\nfor women returners",
    evidence_links="https://www.gov.scot/a\nhttps://www.gov.scot/b",
    contributions=f"{OUTCOME_A} (primary, strong, evaluated)",
)


@pytest.mark.django_db
def test_an_officer_uploads_a_csv_sees_the_preview_and_imports_it(client, cast):
    client.force_login(cast.a.officer)
    response = client.post(
        import_url(cast.a.place, "import_upload"),
        {"file": SimpleUploadedFile("interventions.csv", csv_file([FULL_ROW]))},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == import_url(cast.a.place, "import_preview", job)

    page = client.get(response["Location"]).content.decode()
    assert "Check what will be imported" in page
    assert "will add organisation ‘Place A Council’" in page.replace("Will add", "will add")
    assert 'value="Import 1 row"' in page
    assert Intervention.objects.count() == 0  # the check wrote nothing

    response = client.post(import_url(cast.a.place, "import_commit", job))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Your file has been imported" in page
    assert "Imported ‘interventions.csv’: 1 intervention added" in page

    intervention = Intervention.objects.get()
    assert intervention.place == cast.a.place
    assert (intervention.kind, intervention.level, intervention.status) == ("project", "local", "active")
    assert intervention.lead_organisation.name == "Place A Council"
    assert intervention.lead_organisation.place == cast.a.place
    assert sorted(o.name for o in intervention.partners.all()) == ["Forth Valley College", "NHS Forth Valley"]
    assert intervention.owner == cast.a.officer
    assert (intervention.start_date, intervention.end_date) == (date(2025, 4, 1), date(2026, 3, 31))
    assert intervention.budget_gbp == Decimal("12500.50")
    assert sorted(p.code for p in intervention.cwb_pillars.all()) == ["spending", "workforce"]
    assert intervention.evidence_link_list == ["https://www.gov.scot/a", "https://www.gov.scot/b"]
    contribution = intervention.contributions.get()
    assert (contribution.outcome.title, contribution.strength, contribution.effectiveness, contribution.basis) == (
        OUTCOME_A,
        "primary",
        "strong",
        "evaluated",
    )
    assert (contribution.assessed_by, contribution.assessed_on) == (cast.a.officer, timezone.localdate())
    [history] = intervention.history.all()  # one record, with its partners and pillars
    assert (history.history_type, history.history_user) == ("+", cast.a.officer)
    assert history.history_change_reason == "Imported from interventions.csv"
    snapshot = Intervention.history.model.partners.model.objects.filter(history=history)
    assert {row.organisation for row in snapshot} == set(intervention.partners.all())
    assert Intervention.history.model.cwb_pillars.model.objects.filter(history=history).count() == 2
    assert contribution.history.get().history_user == cast.a.officer


@pytest.mark.django_db
def test_an_xlsx_file_with_excel_date_cells_and_number_cells_is_imported(cast):
    row = a_row(start_date=date(2025, 4, 1), end_date=46112, budget_gbp=12500.5, owner="A-OFFICER@example.gov.uk")
    job = committed(checked(cast.a, xlsx_file([row]), "interventions.xlsx"), cast.a.officer)
    assert job.file_format == "xlsx"
    intervention = Intervention.objects.get()
    assert intervention.start_date == date(2025, 4, 1)
    assert intervention.end_date == date(2026, 3, 31)  # Excel's day 46112
    assert intervention.budget_gbp == Decimal("12500.50")
    assert intervention.owner == cast.a.officer


@pytest.mark.django_db
def test_case_and_stray_spaces_do_not_matter(cast):
    OrganisationFactory(place=cast.a.place, name="Place A Council")
    OrganisationFactory(place=None, name="Skills Development Scotland")
    row = a_row(
        kind=" PROJECT ",
        level="local",
        status="Active ",
        lead_organisation="place a COUNCIL ",
        partners="skills development scotland",
        cwb_pillars="FAIR WORK;land",
        contributions=f"{OUTCOME_A.upper()} (Secondary, MODERATE)",
    )
    job = committed(checked(cast.a, csv_file([row])), cast.a.officer)
    assert job.status == ImportJob.Status.DONE
    intervention = Intervention.objects.get()
    assert intervention.lead_organisation.name == "Place A Council"
    assert intervention.partners.get().place is None  # the national body, not a new one
    assert Organisation.objects.count() == 2
    contribution = intervention.contributions.get()
    assert (contribution.strength, contribution.effectiveness, contribution.basis) == (
        "secondary",
        "moderate",
        "expected",
    )


@pytest.mark.django_db
def test_windows_1252_csv_and_blank_lines(cast):
    content = csv_file([a_row(title="Cèilidh – carers"), ["", "", ""], a_row(title="Second")], encoding="cp1252")
    job = checked(cast.a, content)
    assert [(row["row"], row["title"]) for row in job.preview["rows"]] == [(2, "Cèilidh – carers"), (4, "Second")]


# --- Each problem, with its row and column -------------------------------------------------------------------

PROBLEMS = [
    pytest.param({"title": ""}, TITLE, "Enter a title: every intervention needs one", id="missing title"),
    pytest.param({"title": "x" * 201}, TITLE, "Title is 201 characters long; it can be at most 200", id="long title"),
    pytest.param(
        {"kind": "Projekt"},
        KIND,
        "‘Projekt’ in Kind is not one of the allowed values: Policy, Project, Programme, Practice or Service",
        id="unknown choice",
    ),
    pytest.param({"status": ""}, STATUS, "Enter the status: Planned, Active, Paused or Completed", id="missing choice"),
    pytest.param(
        {"level": "National"},
        LEVEL,
        "National interventions are managed centrally and cannot be imported",
        id="national level",
    ),
    pytest.param(
        {"lead_organisation": ""}, LEAD, "Enter the lead organisation: every intervention needs one", id="no lead"
    ),
    pytest.param(
        {"start_date": "31/02/2025"},
        START,
        "‘31/02/2025’ in Start date is not a real date: use dd/mm/yyyy",
        id="impossible date",
    ),
    pytest.param(
        {"end_date": "next spring"},
        END,
        "‘next spring’ in End date is not a date: use dd/mm/yyyy, for example 31/03/2026",
        id="not a date",
    ),
    pytest.param(
        {"start_date": "01/06/2025", "end_date": "01/01/2025"},
        END,
        "End date (01/01/2025) is before the start date (01/06/2025)",
        id="end before start",
    ),
    pytest.param({"budget_gbp": "-500"}, BUDGET, "Budget (£) cannot be negative", id="negative budget"),
    pytest.param(
        {"budget_gbp": "about 5k"},
        BUDGET,
        "‘about 5k’ in Budget (£) is not an amount of money: enter pounds",
        id="budget not a number",
    ),
    pytest.param({"budget_gbp": "10.005"}, BUDGET, "has fractions of a penny", id="budget below pennies"),
    pytest.param(
        {"owner": "nobody"},
        OWNER,
        "‘nobody’ in Owner is not a member of Place A: use the username or email address",
        id="unknown owner",
    ),
    pytest.param(
        {"owner": "b-officer"}, OWNER, "‘b-officer’ in Owner is not a member of Place A", id="owner of another place"
    ),
    pytest.param(
        {"cwb_pillars": "Fair work; Moon"},
        PILLARS,
        "‘Moon’ in CWB pillars is not a Community Wealth Building pillar: use Fair work, Finance",
        id="unknown pillar",
    ),
    pytest.param(
        {"contributions": "Happiness (primary)"},
        CONTRIBUTIONS,
        "“Happiness” is not one of Place A's wellbeing outcomes",
        id="unknown outcome",
    ),
    pytest.param(
        {"contributions": f"{OUTCOME_B} (primary)"},
        CONTRIBUTIONS,
        f"“{OUTCOME_B}” is not one of Place A's wellbeing outcomes",
        id="another place's outcome",
    ),
    pytest.param(
        {"contributions": f"{OUTCOME_A} (vital)"},
        CONTRIBUTIONS,
        "‘vital’ (for “Fair work for women in Place A”) is not a strength, effectiveness or basis",
        id="unknown contribution detail",
    ),
    pytest.param(
        {"contributions": f"{OUTCOME_A}; {OUTCOME_A} (secondary)"},
        CONTRIBUTIONS,
        f"“{OUTCOME_A}” is listed twice in Contributions",
        id="outcome twice",
    ),
    pytest.param(
        {"evidence_links": "https://ok.example\nnot a link"},
        "Evidence links",
        "Line 2 is not a web address",
        id="bad evidence link",
    ),
    pytest.param(
        {"reference": "banana"},
        REFERENCE,
        "‘banana’ in Reference is not a reference: references look like INT-00042",
        id="malformed reference",
    ),
    pytest.param(
        {"reference": "INT-99999"},
        REFERENCE,
        "‘INT-99999’ is not the reference of one of Place A's interventions",
        id="unknown reference",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("cells", "column", "message"), PROBLEMS)
def test_each_problem_is_reported_with_its_row_and_column_and_nothing_is_written(cast, cells, column, message):
    before = database_counts()
    job = checked(cast.a, csv_file([a_row(title="Fine row"), a_row(**cells)]))
    assert job.status == ImportJob.Status.READY
    assert preview_row(job, 2)["action"] == "new"
    problem = preview_row(job, 3)
    assert problem["action"] == "error"
    assert any(col == column and message in text for col, text in problem["errors"]), problem["errors"]
    assert database_counts() == before


@pytest.mark.django_db
def test_the_preview_page_lists_problem_rows_first_with_row_column_and_message(client, cast):
    client.force_login(cast.a.officer)
    job = checked(cast.a, csv_file([a_row(title="Fine"), a_row(title="Also fine"), a_row(start_date="31/02/2025")]))
    page = client.get(import_url(cast.a.place, "import_preview", job)).content.decode()
    table = page[page.index("<tbody") :]
    assert table.index(">4</td>") < table.index(">2</td>")  # row 4, the problem, comes first
    assert "Start date:</span>" in table
    assert "‘31/02/2025’ in Start date is not a real date: use dd/mm/yyyy" in table
    assert "Skip the 1 row with problems and import the other 2" in page


@pytest.mark.django_db
def test_a_row_repeated_within_the_file_is_a_problem(cast):
    job = checked(cast.a, csv_file([a_row(), a_row(title="Other"), a_row(title=" women INTO work ")]))
    errors = preview_row(job, 4)["errors"]
    assert errors == [
        [TITLE, "Row 2 has the same title and lead organisation: an intervention can appear only once in the file"]
    ]


@pytest.mark.django_db
def test_a_row_that_would_duplicate_an_existing_intervention_is_a_problem(cast):
    lead = OrganisationFactory(place=cast.a.place, name="Place A Council")
    first = InterventionFactory(place=cast.a.place, title="Women into work", lead_organisation=lead)
    second = InterventionFactory(place=cast.a.place, title="Men into work", lead_organisation=lead)
    # Renaming the second to the first's title and lead would make two of the same.
    job = checked(cast.a, csv_file([a_row(reference=second.reference, title="Women into work")]))
    assert preview_row(job, 2)["errors"] == [
        [
            TITLE,
            f"{first.reference} already has this title and lead organisation: an intervention can be in the "
            "register only once",
        ]
    ]


@pytest.mark.django_db
def test_the_same_reference_twice_in_the_file_is_a_problem(cast):
    intervention = InterventionFactory(place=cast.a.place)
    reference = intervention.reference
    job = checked(cast.a, csv_file([a_row(reference=reference, title="A"), a_row(reference=reference, title="B")]))
    assert preview_row(job, 3)["errors"] == [
        [REFERENCE, f"Row 2 is also {reference}: an intervention can appear only once in the file"]
    ]


# --- Places and national interventions -------------------------------------------------------------------------


@pytest.mark.django_db
def test_another_places_reference_is_an_error_and_never_updates_that_place(cast):
    theirs = InterventionFactory(place=cast.b.place, title="Place B's work")
    before = Intervention.history.filter(id=theirs.pk).count()
    job = checked(cast.a, csv_file([a_row(reference=theirs.reference, title="Hijacked")]))
    assert preview_row(job, 2)["errors"] == [
        [
            REFERENCE,
            f"‘{theirs.reference}’ is not the reference of one of Place A's interventions: leave Reference empty "
            "to add a new intervention",
        ]
    ]
    job = committed(job, cast.a.officer, skip=True)
    theirs.refresh_from_db()
    assert theirs.title == "Place B's work"
    assert Intervention.history.filter(id=theirs.pk).count() == before


@pytest.mark.django_db
def test_a_national_intervention_cannot_be_changed_by_reference_or_by_title(cast):
    body = OrganisationFactory(place=None, name="Scottish Government")
    national = InterventionFactory(place=None, level="national", title="Fair Start Scotland", lead_organisation=body)
    job = checked(
        cast.a,
        csv_file(
            [
                a_row(reference=national.reference, title="Renamed"),
                a_row(title="fair start scotland", lead_organisation="scottish government"),
            ]
        ),
    )
    assert preview_row(job, 2)["errors"][0] == [
        REFERENCE,
        f"{national.reference} is a national intervention, managed centrally: an import cannot change it. Remove "
        "the row",
    ]
    assert preview_row(job, 3)["errors"][0][1].startswith(
        f"This is the national intervention {national.reference}, managed centrally"
    )


# --- Round trip: export, re-import ---------------------------------------------------------------------------


def _register(cast) -> list[Intervention]:
    place = cast.a.place
    lead = OrganisationFactory(place=place, name="Clackmannanshire Council")
    national_body = OrganisationFactory(place=None, name="Skills Development Scotland")
    second_outcome = WellbeingOutcomeFactory(place=place, title="Child poverty", priority_rank=2)
    first_outcome = place.wellbeing_outcomes.get(title=OUTCOME_A)
    interventions = []
    for n, title in enumerate(['=HYPERLINK("http://evil")', "Women into work", "Warm homes – phase 2"]):
        intervention = InterventionFactory(
            place=place,
            title=title,
            lead_organisation=lead,
            owner=cast.a.officer if n else cast.a.place_admin,
            start_date=date(2025, 4, 1),
            end_date=date(2027, 3, 31) if n else None,
            budget_gbp=Decimal("12500.50") if n else None,
            funding_source="-Shared Prosperity Fund" if n == 1 else "",
            description="Line one\nLine two" if n else "",
            evidence_links="https://www.gov.scot/a\nhttps://www.gov.scot/b" if n == 2 else "",
        )
        intervention.partners.set([national_body])
        intervention.cwb_pillars.set(CwbPillar.objects.filter(code__in=["workforce", "land"][: n + 1]))
        ContributionFactory(intervention=intervention, outcome=first_outcome, strength="primary")
        if n:
            ContributionFactory(intervention=intervention, outcome=second_outcome, strength="enabling")
        interventions.append(intervention)
    # A national intervention in the register is left out of the export: it could not be imported back.
    InterventionFactory(place=None, level="national", lead_organisation=national_body, title="National work")
    return interventions


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_back_with_every_row_unchanged(cast, file_format):
    interventions = _register(cast)
    content, _, filename = export_interventions(Intervention.objects.all(), cast.a.place, file_format)
    assert filename.endswith(f".{file_format}")
    before = database_counts()
    job = checked(cast.a, content, filename)
    assert [row["action"] for row in job.preview["rows"]] == ["unchanged"] * len(interventions), job.preview["rows"]
    assert {row["reference"] for row in job.preview["rows"]} == {i.reference for i in interventions}
    job = committed(job, cast.a.officer)
    assert job.result["unchanged"] == 3
    assert database_counts() == before  # nothing written, not even history


@pytest.mark.django_db
def test_an_owner_who_has_left_the_place_stays_the_owner_but_cannot_be_given_new_work(cast):
    lead = OrganisationFactory(place=cast.a.place, name="Place A Council")
    intervention = InterventionFactory(place=cast.a.place, title="Kept", lead_organisation=lead, owner=cast.a.analyst)
    cast.a.analyst.memberships.all().delete()
    content, _, _ = export_interventions(Intervention.objects.all(), cast.a.place, "csv")
    rows = content.decode("utf-8-sig").splitlines()
    extra = write_csv([], [a_row(title="New work", owner=cast.a.analyst.username)]).decode("utf-8-sig").splitlines()
    job = checked(cast.a, "\r\n".join(rows + extra[1:]).encode())
    assert preview_row(job, 2)["action"] == "unchanged"
    assert preview_row(job, 3)["errors"][0][0] == OWNER
    assert intervention.reference == preview_row(job, 2)["reference"]


@pytest.mark.django_db
def test_a_blank_owner_makes_the_importer_the_owner_of_new_work_and_keeps_an_existing_owner(cast):
    lead = OrganisationFactory(place=cast.a.place, name="Place A Council")
    kept = InterventionFactory(place=cast.a.place, title="Kept", lead_organisation=lead, owner=cast.a.analyst)
    job = checked(cast.a, csv_file([a_row(title="Kept", owner=""), a_row(title="New work", owner="")]))
    assert preview_row(job, 2)["action"] in {"changed", "unchanged"}
    assert "Owner" not in preview_row(job, 2).get("changes", {})
    committed(job, cast.a.officer)
    kept.refresh_from_db()
    assert kept.owner == cast.a.analyst
    assert Intervention.objects.get(title="New work").owner == cast.a.officer


@pytest.mark.django_db
def test_the_csv_export_has_a_byte_order_mark_and_escapes_formulas(cast):
    _register(cast)
    content, content_type, _ = export_interventions(Intervention.objects.all(), cast.a.place, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert content_type.startswith("text/csv")
    text = content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "'-Shared Prosperity Fund" in text


@pytest.mark.django_db
def test_the_xlsx_export_has_no_formula_cells_and_real_dates(cast):
    _register(cast)
    content, _, _ = export_interventions(Intervention.objects.all(), cast.a.place, "xlsx")
    sheet = load_workbook(io.BytesIO(content))["Interventions"]
    assert [cell.value for cell in sheet[1]] == HEADINGS
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert any(cell.is_date for cell in cells)


@pytest.mark.django_db
def test_editing_one_cell_of_an_export_changes_that_row_and_names_the_field(cast):
    interventions = _register(cast)
    content, _, _ = export_interventions(Intervention.objects.all(), cast.a.place, "xlsx")
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Interventions"]
    row_of = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    target = interventions[1]
    sheet.cell(row=row_of[target.reference], column=HEADINGS.index(STATUS) + 1, value="Paused")
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = checked(cast.a, buffer.getvalue(), "edited.xlsx")
    changed = [row for row in job.preview["rows"] if row["action"] != "unchanged"]
    assert [(row["reference"], row["action"], row["changes"]) for row in changed] == [
        (target.reference, "changed", [STATUS])
    ]
    version = target.version
    committed(job, cast.a.officer)
    target.refresh_from_db()
    assert target.status == "paused"
    assert target.version == version + 1  # an edit form opened before the import now refuses to overwrite it
    latest = target.history.latest()
    assert (latest.history_type, latest.history_user) == ("~", cast.a.officer)
    snapshot = Intervention.history.model.partners.model.objects.filter(history=latest)
    assert {row.organisation for row in snapshot} == set(target.partners.all())  # unchanged, still recorded


@pytest.mark.django_db
def test_a_row_without_a_reference_matched_by_title_and_lead_updates_it(cast):
    lead = OrganisationFactory(place=cast.a.place, name="Place A Council")
    existing = InterventionFactory(
        place=cast.a.place, title="Women into work", lead_organisation=lead, status="planned"
    )
    job = checked(cast.a, csv_file([a_row(title="WOMEN INTO WORK", lead_organisation="place a council")]))
    row = preview_row(job, 2)
    assert (row["action"], row["reference"]) == ("changed", existing.reference)
    assert set(row["changes"]) == {TITLE, STATUS, "Description"}
    committed(job, cast.a.officer)
    assert Intervention.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.title, existing.status) == ("WOMEN INTO WORK", "active")


@pytest.mark.django_db
def test_contributions_are_made_to_match_the_column_and_reassessed_when_judged_differently(cast):
    place = cast.a.place
    lead = OrganisationFactory(place=place, name="Place A Council")
    keep = place.wellbeing_outcomes.get(title=OUTCOME_A)
    drop = WellbeingOutcomeFactory(place=place, title="Dropped outcome", priority_rank=2)
    add = WellbeingOutcomeFactory(place=place, title="Added outcome", priority_rank=3)
    intervention = InterventionFactory(place=place, title="Women into work", lead_organisation=lead, description="")
    kept = ContributionFactory(
        intervention=intervention,
        outcome=keep,
        effectiveness="moderate",
        basis="monitored",
        assessed_on=date(2020, 1, 1),
    )
    ContributionFactory(intervention=intervention, outcome=drop)
    column = f"{OUTCOME_A} (primary, strong, monitored); Added outcome (enabling)"
    job = committed(
        checked(cast.a, csv_file([a_row(reference=intervention.reference, contributions=column)])), cast.a.officer
    )
    assert job.result["changed"] == 1
    contributions = {c.outcome: c for c in intervention.contributions.all()}
    assert set(contributions) == {keep, add}
    kept.refresh_from_db()
    assert (kept.effectiveness, kept.assessed_by, kept.assessed_on) == ("strong", cast.a.officer, timezone.localdate())
    assert contributions[add].strength == "enabling"
    assert contributions[add].assessed_on is None  # "unknown" effectiveness: nobody has assessed it yet
    assert Contribution.history.filter(history_type="-", outcome=drop).exists()


# --- Committing -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_with_problem_rows_the_person_must_choose_to_skip_them(client, cast):
    client.force_login(cast.a.officer)
    job = checked(cast.a, csv_file([a_row(title="Good"), a_row(title="Bad", kind="?")]))
    response = client.post(import_url(cast.a.place, "import_commit", job))
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_skip_problem_rows"' in page
    assert "Choose to skip the 1 row with problems, or fix the file and upload it again" in page
    assert Intervention.objects.count() == 0

    response = client.post(import_url(cast.a.place, "import_commit", job), {"skip_problem_rows": "on"})
    assert response.status_code == 302
    assert list(Intervention.objects.values_list("title", flat=True)) == ["Good"]
    job.refresh_from_db()
    assert (job.status, job.result["new"], job.result["skipped"]) == ("done", 1, 1)


@pytest.mark.django_db
def test_a_file_whose_every_row_has_problems_cannot_be_imported(client, cast):
    client.force_login(cast.a.officer)
    job = checked(cast.a, csv_file([a_row(kind="?"), a_row(title="")]))
    page = client.get(import_url(cast.a.place, "import_preview", job)).content.decode()
    assert "None of the rows can be imported" in page
    assert 'value="Import' not in page
    response = client.post(import_url(cast.a.place, "import_commit", job), {"skip_problem_rows": "on"})
    assert "None of the rows can be imported: fix the problems" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY


@pytest.mark.django_db
def test_the_service_refuses_to_import_problem_rows_unless_told_to_skip_them(cast):
    job = checked(cast.a, csv_file([a_row(title="Good"), a_row(title="Bad", kind="?")]))
    with pytest.raises(importing.ImportRefused, match="1 row has problems"):
        importing.import_job_commit(job=job, user=cast.a.officer, skip_problem_rows=False)
    assert Intervention.objects.count() == 0


class _FailOnThirdSave:
    """A real receiver that breaks the third save of a model: the database must roll back."""

    def __init__(self):
        self.saves = 0

    def __call__(self, sender, **kwargs):
        self.saves += 1
        if self.saves == 3:
            raise RuntimeError("disk full")


@pytest.mark.django_db
def test_a_failure_part_way_through_a_commit_leaves_the_database_as_it_was(cast):
    rows = [a_row(title=f"Row {n}", contributions=OUTCOME_A, partners=f"Partner {n}") for n in range(5)]
    job = checked(cast.a, csv_file(rows))
    before = database_counts()
    failure = _FailOnThirdSave()
    # The lead and each row's new partner are added with .save(): the third is row 3's partner,
    # after row 2's intervention, partners, contributions and history are written.
    post_save.connect(failure, sender=Organisation, weak=False)
    try:
        job = committed(job, cast.a.officer)
    finally:
        post_save.disconnect(failure, sender=Organisation)
    assert failure.saves >= 3
    assert database_counts() == before
    assert job.status == ImportJob.Status.READY
    assert job.error == importing.COMMIT_FAILED
    job = committed(job, cast.a.officer)  # and once the fault is gone, it imports
    assert Intervention.objects.count() == 5


@pytest.mark.django_db
def test_a_commit_is_refused_when_someone_changed_a_row_after_the_check(cast):
    lead = OrganisationFactory(place=cast.a.place, name="Place A Council")
    intervention = InterventionFactory(place=cast.a.place, title="Women into work", lead_organisation=lead)
    job = checked(cast.a, csv_file([a_row(reference=intervention.reference, status="Paused"), a_row(title="New")]))
    intervention.description = "Edited by a colleague meanwhile"
    intervention.version += 1
    intervention.save()
    before = database_counts()
    job = committed(job, cast.a.officer)
    assert database_counts() == before
    assert job.status == ImportJob.Status.READY
    assert job.error.startswith("Nothing was imported: the register changed after the file was checked")
    # Checked again: the row now shows the colleague's description would be overwritten.
    assert "Description" in preview_row(job, 2)["changes"]


@pytest.mark.django_db
def test_a_commit_is_refused_when_a_row_fails_now(cast):
    outcome = WellbeingOutcomeFactory(place=cast.a.place, title="Soon gone", priority_rank=5)
    job = checked(cast.a, csv_file([a_row(contributions="Soon gone"), a_row(title="Other")]))
    outcome.delete()
    job = committed(job, cast.a.officer)
    assert Intervention.objects.count() == 0
    assert job.status == ImportJob.Status.READY
    assert "1 row now has problems" in job.error
    assert preview_row(job, 2)["errors"][0][1].startswith("“Soon gone” is not one of Place A's wellbeing outcomes")


@pytest.mark.django_db
def test_committing_twice_imports_once(client, cast):
    client.force_login(cast.a.officer)
    job = checked(cast.a, csv_file([a_row()]))
    url = import_url(cast.a.place, "import_commit", job)
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a double click, or the other tab
    assert Intervention.objects.count() == 1
    assert Intervention.history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_commits_import_once(cast):
    job = checked(cast.a, csv_file([a_row(title=f"Row {n}", partners=f"Partner {n}") for n in range(30)]))
    barrier = threading.Barrier(2)
    errors = []

    def commit() -> None:
        try:
            barrier.wait(timeout=10)
            importing.import_job_commit(
                job=ImportJob.objects.get(pk=job.pk), user=cast.a.officer, skip_problem_rows=False
            )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=commit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert Intervention.objects.count() == 30
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE


# --- Export query budget ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_the_export_takes_the_same_number_of_queries_for_5_or_50_interventions(cast, count, django_assert_num_queries):
    outcome = cast.a.place.wellbeing_outcomes.get()
    national = OrganisationFactory(place=None, name="National body")
    for _ in range(count):
        intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
        intervention.partners.set([national])
        intervention.cwb_pillars.set(CwbPillar.objects.all()[:2])
        ContributionFactory(intervention=intervention, outcome=outcome)
    # 1 the interventions with lead organisation and owner; 2 partners; 3 CWB pillars;
    # 4 contributions with their outcomes.
    with django_assert_num_queries(4):
        content, _, _ = export_interventions(Intervention.objects.all(), cast.a.place, "xlsx")
    assert load_workbook(io.BytesIO(content))["Interventions"].max_row == count + 1


# --- The template -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_xlsx_template_has_the_columns_and_this_places_allowed_values(client, cast):
    client.force_login(cast.a.officer)
    response = client.get(import_url(cast.a.place, "import_template") + "?format=xlsx")
    assert response.status_code == 200
    assert 'attachment; filename="place-a-interventions-template-' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Interventions", "Allowed values", "Guidance"]
    assert [cell.value for cell in workbook["Interventions"][1]] == HEADINGS
    allowed = [cell.value for row in workbook["Allowed values"].iter_rows() for cell in row if cell.value]
    assert OUTCOME_A in allowed
    assert OUTCOME_B not in allowed
    assert {"Project", "Local", "Regional", "Active", "Fair work"} <= set(allowed)
    assert "National" not in allowed


@pytest.mark.django_db
def test_the_csv_template_is_the_headings_and_a_filled_in_copy_imports(client, cast):
    client.force_login(cast.a.officer)
    template = client.get(import_url(cast.a.place, "import_template") + "?format=csv").content
    assert template.decode("utf-8-sig").strip() == ",".join(HEADINGS)
    filled = template + write_csv([], [a_row()]).decode("utf-8-sig").split("\r\n", 1)[1].encode()
    job = checked(cast.a, filled)
    assert preview_row(job, 2)["action"] == "new"


@pytest.mark.django_db
def test_a_filled_in_xlsx_template_imports(cast):
    content, _, _ = import_template(cast.a.place, "xlsx")
    workbook = load_workbook(io.BytesIO(content))
    workbook["Interventions"].append(a_row())
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = checked(cast.a, buffer.getvalue(), "template.xlsx")
    assert preview_row(job, 2)["action"] == "new"


# --- Large files: checked and committed by Celery tasks ----------------------------------------------------------


@pytest.mark.django_db
def test_a_large_file_is_checked_and_committed_by_tasks_with_progress_shown(
    client, cast, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 3
    client.force_login(cast.a.officer)
    rows = [a_row(title=f"Row {n}") for n in range(5)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            import_url(cast.a.place, "import_upload"), {"file": SimpleUploadedFile("big.csv", csv_file(rows))}
        )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKING
    page = client.get(response["Location"]).content.decode()
    assert "Checking your file" in page
    assert "Checked 0 of 5 rows" in page
    assert 'hx-trigger="every 2s"' in page
    assert f'href="{import_url(cast.a.place, "import_preview", job)}">Refresh</a>' in page

    for callback in callbacks:
        callback()  # the task, run eagerly (no Redis here); see the services test for a real worker
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == ("ready", 5, 5)
    progress = client.get(import_url(cast.a.place, "import_progress", job), headers={"HX-Request": "true"})
    assert progress.headers["HX-Refresh"] == "true"  # finished: htmx reloads the page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(import_url(cast.a.place, "import_commit", job))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Intervention.objects.count() == 5


@pytest.mark.django_db
def test_the_progress_partial_says_how_far_the_commit_has_got(client, cast):
    client.force_login(cast.a.officer)
    job = ImportJob.objects.create(
        place=cast.a.place,
        uploaded_by=cast.a.officer,
        filename="big.csv",
        file_format="csv",
        content=b"",
        status=ImportJob.Status.COMMITTING,
        rows_total=10_000,
        rows_done=1_200,
    )
    response = client.get(import_url(cast.a.place, "import_progress", job), headers={"HX-Request": "true"})
    assert "Imported 1,200 of 10,000 rows" in response.content.decode()


# --- Files that cannot be read: the upload page says why -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.xlsx", b"%PDF-1.7 ...", "‘scan.xlsx’ is a PDF document, not a spreadsheet."),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n....", "‘photo.xlsx’ is an image (PNG), not a spreadsheet."),
        ("empty.csv", b"", "The selected file is empty"),
        ("cols.csv", b"Title,Kind\r\nx,y\r\n", "The file’s columns do not match the template: ‘Reference’"),
    ],
)
def test_an_unreadable_file_is_refused_on_the_upload_page_with_a_linked_error(client, cast, name, content, message):
    client.force_login(cast.a.officer)
    response = client.post(import_url(cast.a.place, "import_upload"), {"file": SimpleUploadedFile(name, content)})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_file">' in page
    assert message in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert "govuk-file-upload--error" in page
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_with_its_size(client, cast, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(cast.a.officer)
    content = csv_file([a_row(description="x" * 1_600_000)])
    response = client.post(import_url(cast.a.place, "import_upload"), {"file": SimpleUploadedFile("a.csv", content)})
    assert "The file is 1.5 MB; the largest file you can import is 1 MB" in response.content.decode()


@pytest.mark.django_db
def test_submitting_without_a_file_asks_for_one(client, cast):
    client.force_login(cast.a.officer)
    page = client.post(import_url(cast.a.place, "import_upload")).content.decode()
    assert '<a href="#id_file">Select a CSV or Excel (.xlsx) file</a>' in page


# --- Who may do it ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OFFICER, Role.PLACE_ADMIN])
def test_officers_and_place_admins_may_import(client, cast, role):
    client.force_login(cast.a.member(role))
    assert client.get(import_url(cast.a.place, "import_upload")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST, Role.PARTNERSHIP_LEAD])
def test_other_roles_get_403(client, cast, role):
    client.force_login(cast.a.member(role))
    assert client.get(import_url(cast.a.place, "import_upload")).status_code == 403
    assert client.get(import_url(cast.a.place, "import_template")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["import_preview", "import_progress", "import_commit"])
def test_another_places_job_is_404(client, cast, name):
    theirs = checked(cast.b, csv_file([a_row(lead_organisation="Place B Council")]))
    client.force_login(cast.a.officer)
    url = import_url(cast.a.place, name, theirs)
    response = client.post(url) if name == "import_commit" else client.get(url)
    assert response.status_code == 404
    assert Intervention.objects.count() == 0


@pytest.mark.django_db
def test_the_commit_only_answers_post(client, cast):
    job = checked(cast.a, csv_file([a_row()]))
    client.force_login(cast.a.officer)
    assert client.get(import_url(cast.a.place, "import_commit", job)).status_code == 405


@pytest.mark.django_db
def test_an_unknown_template_format_is_404(client, cast):
    client.force_login(cast.a.officer)
    assert client.get(import_url(cast.a.place, "import_template") + "?format=pdf").status_code == 404


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.a.officer)
    response = client.post(import_url(cast.a.place, "import_upload"), {"file": SimpleUploadedFile("a.csv", b"x")})
    assert response.status_code == 403


@pytest.fixture
def tasks_go_to_the_worker(redis_url, worker):  # noqa: F811 - the fixtures imported above
    """Send this process's tasks through Redis to the real worker instead of running them eagerly."""
    from config.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    app._pool, app.amqp._producer_pool = None, None
    yield
    app.conf.update(saved)
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool, app.amqp._producer_pool = None, None
    # Producer pools are also kept in kombu's registry, by broker: empty it, or the next test that
    # sends to this broker is handed the pool just closed ("Acquire on closed pool").
    kombu.pools.reset()


def _wait_for(job: ImportJob, status: str, timeout: float = 60) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return job
        time.sleep(0.2)
    raise AssertionError(f"The job is still {job.status!r} (wanted {status!r}): {job.error}")


@pytest.mark.services
def test_a_large_file_is_checked_and_committed_by_a_real_worker_through_redis(cast, settings, tasks_go_to_the_worker):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    job = checked(cast.a, csv_file([a_row(title=f"Row {n}") for n in range(5)]))
    job = _wait_for(job, ImportJob.Status.READY)
    assert (job.rows_done, job.rows_total, job.preview["counts"]["new"]) == (5, 5, 5)

    importing.import_job_commit(job=job, user=cast.a.officer, skip_problem_rows=False)
    job = _wait_for(job, ImportJob.Status.DONE)
    assert job.result["new"] == 5
    assert Intervention.objects.count() == 5
    assert {h.history_user for h in Intervention.history.all()} == {cast.a.officer}
