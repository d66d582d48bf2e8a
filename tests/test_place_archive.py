"""A place's archive (wellbeing/place_archive.py): export, restore, and the round trip.

The core test restores an archive into a second, empty database (same engine as this run: a fresh
SQLite file or a fresh PostgreSQL database) with `manage.py migrate`, `load_reference` and
`restore_place` run as separate processes, exports the place again from there and compares every
row of every table. The other tests restore into this test database after removing the place's
rows, which also exercises people and national rows that already exist.
"""

import base64
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interventions.models import Contribution, GapReport, ImportJob, Intervention
from partnerships.models import DeliveryGroup, Organisation
from tests.factories import (
    BudgetLineFactory,
    BudgetShareFactory,
    CharterCommitmentFactory,
    CharterFactory,
    ContributionFactory,
    DecisionAssessmentFactory,
    DeliveryGroupFactory,
    GroupAssignmentFactory,
    InterventionFactory,
    LocalIndicatorFactory,
    ObservationFactory,
    OrganisationFactory,
    OutcomeEffectFactory,
    PartnershipFactory,
    PartnershipMembershipFactory,
    SignatoryFactory,
    StrategicOutcomeFactory,
    StrategicPlanFactory,
    UserFactory,
    WellbeingOutcomeFactory,
)
from wellbeing import place_archive
from wellbeing.models import (
    CwbPillar,
    FairWorkCriterion,
    NationalIndicator,
    NationalOutcome,
    Place,
    User,
    WellbeingOutcome,
)
from wellbeing.place_archive import (
    MANIFEST,
    PLACE,
    ArchiveError,
    archive_tables,
    place_archive_restore,
    place_archive_write,
)

BASE_DIR = Path(settings.BASE_DIR)
TRICKY_TEXT = 'Line one\r\nLine two, "quoted"; £ – “curly” Ŵ\n=SUM(A1)'
# Models deliberately not in a place's archive, and why.
NOT_ARCHIVED = {
    "wellbeing.User_groups": "Django groups and permissions are not used in places",
    "wellbeing.User_user_permissions": "Django groups and permissions are not used in places",
    "wellbeing.Place_member_councils": "a region's councils are reference data (load_reference)",
    "wellbeing.NationalIndicator_outcomes": "reference data (load_reference)",
}


# --- A place with every kind of row -------------------------------------------------------------------


def _rich_place(cast) -> dict:
    """Place A with at least one row in every table of its archive, and text, dates, decimals, JSON,
    binary and nulls that a careless encoding would change. Place B gets rows of its own nearby."""
    place, officer, admin, lead = cast.a.place, cast.a.officer, cast.a.place_admin, cast.a.partnership_lead
    national_outcomes = list(NationalOutcome.objects.order_by("pk")[:3])
    indicators = list(NationalIndicator.objects.order_by("pk")[:2])
    outcome = WellbeingOutcome.objects.get(place=place)
    outcome.national_outcomes.set(national_outcomes[:2])
    outcome.national_indicators.set(indicators)
    second = WellbeingOutcomeFactory(place=place, title="\\\\server\\share outcome", drivers=TRICKY_TEXT)

    plan = StrategicPlanFactory(place=place, link="")
    StrategicOutcomeFactory(plan=plan, wellbeing_outcomes=[outcome, second], national_outcomes=national_outcomes)
    indicator = LocalIndicatorFactory(
        outcome=outcome,
        national_indicator=indicators[0],
        baseline_value=Decimal("12.345"),
        baseline_date=date(2020, 3, 31),
        threshold_percent=Decimal("2.50"),
    )
    ObservationFactory(indicator=indicator, date=date(2023, 3, 31), value=Decimal("-0.001"), note="\\N")
    ObservationFactory(indicator=indicator, date=date(2024, 3, 31), value=Decimal("99999999999.999"), note="")
    line = BudgetLineFactory(place=place, amount_gbp=Decimal("1234567.89"), description=TRICKY_TEXT)
    BudgetShareFactory(line=line, outcome=outcome, percent=Decimal("33.33"))
    decision = DecisionAssessmentFactory(
        place=place,
        owner=officer,
        status="decided",
        decision="approved",
        decision_date=date(2025, 6, 1),
        decision_maker="Policy committee",
        decided_by=admin,
    )
    OutcomeEffectFactory(assessment=decision, outcome=outcome, effect="")

    # National (shared) rows the place refers to, and one it does not.
    national_body = OrganisationFactory(place=None, name="Skills Development Scotland")
    OrganisationFactory(place=None, name="National body no one here names")
    own = OrganisationFactory(place=place, name="Clackmannanshire College", website="")
    partnership = PartnershipFactory(place=place)
    partnership.leads.set([lead])
    PartnershipMembershipFactory(partnership=partnership, organisation=own, joined_on=date(2024, 1, 1))
    PartnershipMembershipFactory(partnership=partnership, organisation=national_body)
    group = DeliveryGroupFactory(
        partnership=partnership, outcomes=[outcome], members=[own, national_body], lead_organisation=national_body
    )
    charter = CharterFactory(place=place, partnership=partnership, launched_on=None)
    commitment = CharterCommitmentFactory(charter=charter, fair_work_criterion=FairWorkCriterion.objects.first())
    SignatoryFactory(charter=charter, organisation=own, commitments_met=[commitment])

    intervention = InterventionFactory(
        place=place,
        owner=officer,
        lead_organisation=own,
        budget_gbp=Decimal("0.10"),
        funding_source="\\N",
        description=TRICKY_TEXT,
        start_date=date(2024, 4, 1),
    )
    intervention.partners.set([national_body])
    intervention.cwb_pillars.set(CwbPillar.objects.order_by("pk")[:2])
    intervention.status = Intervention.Status.PAUSED
    intervention.save()  # a change in its history
    ContributionFactory(intervention=intervention, outcome=outcome, assessed_by=officer)
    removed = ContributionFactory(intervention=intervention, outcome=second)
    removed.delete()  # a deletion in its history
    shared = InterventionFactory(
        place=None, level=Intervention.Level.NATIONAL, lead_organisation=national_body, title="Young Person's Guarantee"
    )
    ContributionFactory(intervention=shared, outcome=second)
    GroupAssignmentFactory(group=group, intervention=intervention, assigned_by=lead)
    GroupAssignmentFactory(group=group, intervention=shared)
    ImportJob.objects.create(
        place=place,
        uploaded_by=officer,
        filename="register.xlsx",
        file_format="xlsx",
        content=bytes(range(256)),
        status=ImportJob.Status.DONE,
        preview={"rows": [{"title": "Café £5", "errors": []}], "total": 1, "nothing": None},
        result={"created": 1},
    )
    ImportJob.objects.create(  # a cell far beyond the csv module's default limit of 128 KiB
        place=place, uploaded_by=officer, filename="large.xlsx", file_format="xlsx", content=bytes(range(256)) * 800
    )
    GapReport.objects.create(
        place=place, requested_by=admin, file_format=GapReport.Format.CSV, content=b"Priority,Outcome\r\n1,x\r\n"
    )
    # Someone named only in the place's records (not a member), with flags that must never travel.
    former = UserFactory(username="a-former-officer", is_staff=True, is_superuser=True)
    InterventionFactory(place=place, owner=former, lead_organisation=own, title="Handed over")

    # Place B, sharing the national intervention: none of this may be in place A's archive.
    b_outcome = WellbeingOutcome.objects.get(place=cast.b.place)
    ContributionFactory(intervention=shared, outcome=b_outcome, evidence_note="Place B's secret note")
    b_org = OrganisationFactory(place=cast.b.place, name="Place B's own college")
    InterventionFactory(place=cast.b.place, owner=cast.b.officer, lead_organisation=b_org, title="Place B's secret")
    return {"former": former, "national_body": national_body, "shared": shared}


def _export(place) -> bytes:
    buffer = io.BytesIO()
    place_archive_write(place=place, file=buffer)
    return buffer.getvalue()


def _tables(archive: bytes) -> dict[str, list[list[str]]]:
    # A cell holds a whole spreadsheet, as on restore.
    large_cells = place_archive.csv_cells_up_to(place_archive.MAX_UNPACKED_BYTES)
    with large_cells, zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {
            name: list(csv.reader(io.StringIO(opened.read(name).decode(), newline="")))
            for name in opened.namelist()
            if name != MANIFEST
        }


def _manifest(archive: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return json.loads(opened.read(MANIFEST))


def _assert_same_rows(first: bytes, second: bytes) -> None:
    """Every row of every table is the same (the manifests differ only in when they were made)."""
    one, two = _tables(first), _tables(second)
    assert sorted(one) == sorted(two)
    for name in one:
        assert len(one[name]) == len(two[name]), name
        for number, (row, again) in enumerate(zip(one[name], two[name], strict=True), start=1):
            assert row == again, f"{name}, line {number}"
    manifest, again = _manifest(first), _manifest(second)
    manifest.pop("created_at"), again.pop("created_at")
    assert manifest == again


def _counts() -> dict[str, int]:
    """Rows in every table an archive touches: to show a refused restore changed nothing."""
    return {t.label: t.model._base_manager.count() for t in archive_tables()}


def _without_place_data(place: Place, *, people: list[User] = (), keep_place: bool = False) -> None:
    """Remove the place and its rows (not the national rows or other places'), as an empty database
    would have them. Raw deletes, children first: an ORM delete would write history rows of the
    deletion, which are data of the place again."""
    for table in reversed([t for t in archive_tables() if t.role == PLACE]):
        table.model._base_manager.filter(**{table.path: place})._raw_delete(connection.alias)
    for person in people:
        User.objects.filter(pk=person.pk)._raw_delete(connection.alias)
    if not keep_place:
        Place.objects.filter(pk=place.pk)._raw_delete(connection.alias)


def _rewritten(archive: bytes, *, drop: str = "", change: dict | None = None, update_manifest=True, manifest=None):
    """A copy of the archive with one file dropped or changed (and, unless told otherwise, its
    manifest entry updated to match, so the check under test is the one that fails)."""
    change = change or {}
    source = zipfile.ZipFile(io.BytesIO(archive))
    manifest = manifest or json.loads(source.read(MANIFEST))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name in (drop, MANIFEST):
                continue
            data = change[name] if name in change else source.read(name)
            if name in change and update_manifest:
                entry = next(t for t in manifest["tables"] if t["file"] == name)
                entry["sha256"] = hashlib.sha256(data).hexdigest()
                entry["rows"] = len(list(csv.reader(io.StringIO(data.decode(), newline="")))) - 1
            target.writestr(name, data)
        target.writestr(MANIFEST, json.dumps(manifest))
    return out.getvalue()


def _restore(archive: bytes):
    return place_archive_restore(file=io.BytesIO(archive))


# --- What is in the archive ----------------------------------------------------------------------------


def test_every_model_is_in_the_archive_or_left_out_on_purpose():
    archived = {t.label for t in archive_tables()}
    ours = {
        m._meta.label
        for app in ("wellbeing", "partnerships", "interventions")
        for m in apps.get_app_config(app).get_models(include_auto_created=True)
    }
    assert ours - archived == set(NOT_ARCHIVED), "declare new models in the app's place_archive_tables"


def test_the_archive_has_every_table_filled_and_a_manifest_that_checks_them(cast):
    _rich_place(cast)
    archive = _export(cast.a.place)
    manifest, tables = _manifest(archive), _tables(archive)

    assert manifest["format_version"] == 1 and manifest["place"] == {"slug": "place-a", "name": "Place A"}
    assert set(manifest["migrations"]) == {"wellbeing", "partnerships", "interventions"}
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        for entry in manifest["tables"]:
            data = opened.read(entry["file"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert tables[entry["file"]][0] == entry["columns"]
            assert len(tables[entry["file"]]) - 1 == entry["rows"]
    empty = [t["file"] for t in manifest["tables"] if t["rows"] == 0 and t["role"] != "reference"]
    assert not empty, f"the rich place leaves these tables untested: {empty}"


def test_no_row_of_another_place_and_no_password_is_in_the_archive(cast):
    _rich_place(cast)
    archive = _export(cast.a.place)
    everything = "\n".join(",".join(row) for rows in _tables(archive).values() for row in rows)
    assert "Place B" not in everything and "Secret outcome" not in everything
    assert "National body no one here names" not in everything
    for name, rows in _tables(archive).items():
        if "place_id" in rows[0]:
            column = rows[0].index("place_id")
            assert {row[column] for row in rows[1:]} <= {str(cast.a.place.pk), "\\N"}, name
    # Never API tokens (api_apitoken), sessions or login attempts: only the three apps' tables.
    assert {name.split(".")[0] for name in _tables(archive)} == {"wellbeing", "partnerships", "interventions"}
    users = _tables(archive)["wellbeing.user.csv"]
    assert users[0] == ["id", "username", "first_name", "last_name", "email", "is_active", "date_joined"]
    assert {row[1] for row in users[1:]} == {f"a-{role}" for role in ("viewer", "analyst", "officer")} | {
        "a-partnership_lead",
        "a-place_admin",
        "a-former-officer",
    }
    assert "md5$" not in everything and "password" not in everything  # the cast's hashes are MD5


def test_values_are_written_losslessly(cast):
    _rich_place(cast)
    tables = _tables(_export(cast.a.place))

    def column(name, field):
        rows = tables[name]
        return [row[rows[0].index(field)] for row in rows[1:]]

    assert TRICKY_TEXT in column("interventions.intervention.csv", "description")
    assert "\\\\N" in column("interventions.intervention.csv", "funding_source")  # the text \N, escaped
    assert "\\N" in column("interventions.intervention.csv", "end_date")  # NULL
    assert "" in column("partnerships.organisation.csv", "website")  # an empty string is not NULL
    assert "0.10" in column("interventions.intervention.csv", "budget_gbp")
    assert "-0.001" in column("wellbeing.observation.csv", "value")
    assert "2024-04-01" in column("interventions.intervention.csv", "start_date")
    assert "true" in column("wellbeing.user.csv", "is_active")
    preview = json.loads(column("interventions.importjob.csv", "preview")[0])
    assert preview == {"nothing": None, "rows": [{"errors": [], "title": "Café £5"}], "total": 1}
    assert column("interventions.importjob.csv", "content")[0] == base64.b64encode(bytes(range(256))).decode()
    assert "=SUM(A1)" in column("wellbeing.wellbeingoutcome.csv", "drivers")[1]  # no formula escape
    titles = column("interventions.intervention.csv", "title")
    assert "Young Person's Guarantee" in titles  # the shared national intervention it refers to


def test_export_queries_do_not_grow_with_the_place(cast):
    _rich_place(cast)
    with CaptureQueriesContext(connection) as small:
        _export(cast.a.place)
    outcome = WellbeingOutcome.objects.get(place=cast.a.place, title__startswith="Fair")
    for n in range(30):
        intervention = InterventionFactory(place=cast.a.place, owner=UserFactory(), title=f"More work {n}")
        intervention.partners.set([OrganisationFactory(place=None)])
        ContributionFactory(intervention=intervention, outcome=outcome)
    with CaptureQueriesContext(connection) as large:
        _export(cast.a.place)
    # One per table (61 of the place, the place, its people, the 4 kinds of reference data it names),
    # one per shared model for its national rows (2), and 2 for the migrations applied.
    assert len(small) == len(large) == 71, "\n".join(q["sql"] for q in large.captured_queries)


# --- Restoring --------------------------------------------------------------------------------------------


def test_a_restored_place_exports_the_same_rows_in_this_database(cast):
    made = _rich_place(cast)
    archive = _export(cast.a.place)
    _without_place_data(cast.a.place, people=[made["former"]])
    csv_cell_limit = csv.field_size_limit()
    result = _restore(archive)

    # The restore raised the csv module's cell limit only while reading: the spreadsheet import
    # relies on the default to refuse a runaway cell.
    assert csv.field_size_limit() == csv_cell_limit
    assert result.place.slug == "place-a" and result.people_created == ["a-former-officer"]
    assert "a-officer" in result.people_existing and result.shared_existing == 2
    _assert_same_rows(archive, _export(result.place))
    former = User.objects.get(username="a-former-officer")
    assert not former.has_usable_password() and not former.is_staff and not former.is_superuser
    # The restored rows are the same objects, found through the place as before.
    assert Intervention.objects.for_place(result.place).filter(title="Young Person's Guarantee").exists()
    assert Contribution.objects.filter(evidence_note="Place B's secret note").count() == 1


def test_a_place_that_already_has_data_is_refused(cast):
    _rich_place(cast)
    archive = _export(cast.a.place)
    before = _counts()
    with pytest.raises(ArchiveError, match="Place A already has data in this database"):
        _restore(archive)
    assert _counts() == before


def test_a_council_area_from_the_reference_data_is_filled_not_duplicated(cast):
    """load_reference makes every council area, bare: the archive's rows go into that place."""
    council = Place.objects.get(ons_code="S12000005")  # Clackmannanshire
    admin = UserFactory(username="clacks-admin")
    council.memberships.create(user=admin, role="place_admin")
    WellbeingOutcomeFactory(place=council, title="Economic opportunity")
    archive = _export(council)
    _without_place_data(council, keep_place=True)
    assert _restore(archive).place == council
    _assert_same_rows(archive, _export(council))

    rows = _tables(archive)["wellbeing.place.csv"]
    rows[1][rows[0].index("ons_code")] = "S12000099"
    _without_place_data(council, keep_place=True)
    with pytest.raises(ArchiveError, match="already has a different place at the address 'clackmannanshire'"):
        _restore(_rewritten(archive, change={"wellbeing.place.csv": _csv_bytes(rows)}))


@pytest.fixture
def archived_rich_place(cast):
    """Place A's archive, with place A then removed from this database; and the rows made for it."""
    made = _rich_place(cast)
    archive = _export(cast.a.place)
    _without_place_data(cast.a.place, people=[made["former"]])
    return archive, made


@pytest.fixture
def archived(archived_rich_place):
    """Place A's archive, with place A then removed from this database; and the row counts then."""
    return archived_rich_place[0], _counts()


def _refused(archive: bytes, message: str, before: dict) -> None:
    with pytest.raises(ArchiveError) as refusal:
        _restore(archive)
    assert message in str(refusal.value)
    assert _counts() == before
    assert not Place.objects.filter(slug="place-a").exists()
    assert not User.objects.filter(username="a-former-officer").exists()


def test_a_damaged_file_is_refused_by_its_checksum(archived):
    archive, before = archived
    tables = _tables(archive)
    changed = tables["wellbeing.observation.csv"]
    changed[1][changed[0].index("value")] = "1.000"
    data = _csv_bytes(changed)
    damaged = _rewritten(archive, change={"wellbeing.observation.csv": data}, update_manifest=False)
    _refused(damaged, "wellbeing.observation.csv is damaged: its SHA-256 checksum does not match", before)


def test_a_missing_table_file_is_refused(archived):
    archive, before = archived
    _refused(
        _rewritten(archive, drop="interventions.contribution.csv"),
        "The archive is incomplete: interventions.contribution.csv, listed in the manifest, is missing.",
        before,
    )


def test_a_foreign_key_to_a_missing_row_is_refused_naming_the_row(archived):
    archive, before = archived
    rows = _tables(archive)["interventions.contribution.csv"]
    rows[1][rows[0].index("outcome_id")] = "999999"
    broken = _rewritten(archive, change={"interventions.contribution.csv": _csv_bytes(rows)})
    _refused(
        broken,
        f"interventions.contribution.csv, line 2 (id {rows[1][0]}): outcome_id refers to "
        "wellbeing.WellbeingOutcome id 999999, which is not in the archive.",
        before,
    )


def test_a_row_the_database_refuses_leaves_nothing_restored(archived):
    """The last tables fail after the earlier ones were inserted: all of it is rolled back."""
    archive, before = archived
    rows = _tables(archive)["interventions.groupassignment.csv"]
    duplicate = [*rows[1]]
    duplicate[0] = "987654"  # a new id, the same group and intervention: the database refuses it
    rows.append(duplicate)
    broken = _rewritten(archive, change={"interventions.groupassignment.csv": _csv_bytes(rows)})
    _refused(broken, f"interventions.groupassignment.csv, line {len(rows)} (id 987654) was refused", before)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda m: m.update(format_version=2), "The archive is format version 2"),
        (lambda m: m["migrations"].update(wellbeing=["0099_future"]), "made by a different version"),
        (lambda m: m.pop("format"), "This is not a place archive"),
        (lambda m: m["place"].update(slug="place-b"), "The manifest is for another place than wellbeing.place.csv"),
        (lambda m: m.update(tables=["wellbeing.place.csv"]), "manifest.json is not a place archive's manifest"),
    ],
    ids=["format version", "migrations", "not an archive", "another place", "no table entries"],
)
def test_a_manifest_from_elsewhere_is_refused(archived, damage, message):
    archive, before = archived
    manifest = _manifest(archive)
    damage(manifest)
    _refused(_rewritten(archive, manifest=manifest), message, before)


def test_a_file_that_is_not_a_zip_is_refused(archived):
    _refused(b"PK not really", "This is not a place archive: it is not a ZIP file", archived[1])


def test_missing_reference_data_is_refused(archived):
    archive, before = archived
    rows = _tables(archive)["wellbeing.cwbpillar.csv"]
    rows[1][1] = "no-such-pillar"
    _refused(
        _rewritten(archive, change={"wellbeing.cwbpillar.csv": _csv_bytes(rows)}),
        "Reference data is missing here (Community Wealth Building pillars: no-such-pillar)",
        before,
    )


def test_a_cell_of_the_wrong_kind_is_refused_naming_the_line(archived):
    archive, before = archived
    rows = _tables(archive)["wellbeing.observation.csv"]
    rows[2][rows[0].index("date")] = "31/03/2024"
    _refused(
        _rewritten(archive, change={"wellbeing.observation.csv": _csv_bytes(rows)}),
        "wellbeing.observation.csv, line 3: a cell cannot be read (“31/03/2024” value has an invalid date format.",
        before,
    )


def test_a_zip_bomb_is_refused_before_it_is_unpacked(archived, monkeypatch):
    archive, before = archived
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        unpacked = sum(member.file_size for member in opened.infolist())
    monkeypatch.setattr(place_archive, "MAX_UNPACKED_BYTES", unpacked + (1 << 20))
    bomb = _rewritten(archive, change={"wellbeing.observation.csv": b"\0" * (4 << 20)}, update_manifest=False)
    assert len(bomb) < len(archive) + (64 << 10)  # 4 MiB of zeros packs into a few KiB
    _refused(bomb, "more than the", before)


@pytest.mark.parametrize("name", ["../../etc/cron.d/evil", "wellbeing.secret.csv"])
def test_a_file_a_place_archive_does_not_hold_is_refused(archived, name):
    archive, before = archived
    out = io.BytesIO(archive)
    with zipfile.ZipFile(out, "a") as opened:
        opened.writestr(name, "id\r\n")
    _refused(out.getvalue(), f"The archive holds files a place archive does not: {name}.", before)


def test_a_history_row_of_another_place_is_refused(archived, cast):
    """History rows refer to their place loosely (no constraint): the restore checks each row is the place's."""
    archive, before = archived
    rows = _tables(archive)["wellbeing.historicalwellbeingoutcome.csv"]
    rows[1][rows[0].index("place_id")] = str(cast.b.place.pk)
    _refused(
        _rewritten(archive, change={"wellbeing.historicalwellbeingoutcome.csv": _csv_bytes(rows)}),
        f"wellbeing.historicalwellbeingoutcome.csv: the rows with ids {rows[1][rows[0].index('history_id')]} "
        "do not belong to Place A (through place).",
        before,
    )


def test_a_history_row_taking_the_id_of_another_places_object_is_refused(archived, cast):
    archive, before = archived
    theirs = WellbeingOutcome.objects.get(place=cast.b.place)
    rows = _tables(archive)["wellbeing.historicalwellbeingoutcome.csv"]
    rows[1][0] = str(theirs.pk)
    _refused(
        _rewritten(archive, change={"wellbeing.historicalwellbeingoutcome.csv": _csv_bytes(rows)}),
        f"holds the history of wellbeing.WellbeingOutcome ids {theirs.pk}, which are not in the archive",
        before,
    )
    assert theirs.history.count() == 1


def test_a_national_organisation_here_with_the_same_name_and_another_id_is_used(archived_rich_place):
    archive, made = archived_rich_place
    body = made["national_body"]
    Organisation.objects.filter(pk=body.pk).update(name="Skills Development Scotland (before 2024)")
    here = OrganisationFactory(place=None, name="skills development scotland")

    result = _restore(archive)
    group = DeliveryGroup.objects.get(partnership__place=result.place)
    assert group.lead_organisation == here and set(group.members.all()) == {here, group.members.get(place=result.place)}
    assert Organisation.objects.filter(place=None, name__iexact="Skills Development Scotland").count() == 1
    assert result.shared_existing == 2  # the organisation, by name, and the national intervention, by id


def test_a_national_organisation_whose_id_is_taken_here_gets_a_new_id(archived_rich_place):
    archive, made = archived_rich_place
    body = made["national_body"]
    Organisation.objects.filter(pk=body.pk).update(name="Another national body")

    result = _restore(archive)
    restored = Organisation.objects.get(place=None, name="Skills Development Scotland")
    assert restored.pk != body.pk and Organisation.objects.get(pk=body.pk).name == "Another national body"
    assert DeliveryGroup.objects.get(partnership__place=result.place).lead_organisation == restored
    assert Intervention.objects.get(place=result.place, title__startswith="Intervention").partners.get() == restored


def test_a_username_here_with_another_email_is_refused(archived):
    archive, before = archived
    User.objects.filter(username="a-officer").update(email="someone.else@example.org")
    _refused(
        archive,
        "This database has other people with usernames in the archive (a-officer: the email addresses differ).",
        before,
    )


def test_the_commands_export_and_restore(archived, tmp_path):
    archive, _ = archived
    path = tmp_path / "place-a.zip"
    path.write_bytes(_rewritten(archive, drop="wellbeing.user.csv"))
    with pytest.raises(CommandError, match="Not restored \\(nothing was changed\\): The archive is incomplete"):
        call_command("restore_place", str(path))
    path.write_bytes(archive)
    out = io.StringIO()
    call_command("restore_place", str(path), stdout=out)
    assert "Restored Place A (/places/place-a/)" in out.getvalue()
    assert "manage.py changepassword <username>): a-former-officer" in out.getvalue()
    again = tmp_path / "again.zip"
    call_command("export_place", "place-a", str(again), stdout=out)
    _assert_same_rows(archive, again.read_bytes())
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_place", "place-a", str(again))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


# --- The round trip into another, empty database --------------------------------------------------------


@pytest.fixture
def empty_database(tmp_path):
    """A DATABASE_URL for a new, empty database of this run's engine, removed afterwards."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    params = {"host": database["HOST"] or None, "port": database["PORT"] or None, "user": database["USER"]}
    params["password"] = database["PASSWORD"] or None
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
    try:
        yield f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(database_url: str, *arguments: str) -> str:
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *arguments],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"manage.py {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_an_archive_restored_into_an_empty_database_has_every_row(cast, empty_database, tmp_path):
    _rich_place(cast)
    archive = tmp_path / "place-a.zip"
    archive.write_bytes(_export(cast.a.place))

    _manage(empty_database, "migrate", "--verbosity", "0")
    _manage(empty_database, "load_reference")
    restored = _manage(empty_database, "restore_place", str(archive))
    again = tmp_path / "again.zip"
    _manage(empty_database, "export_place", "place-a", str(again))

    assert "Restored Place A" in restored and "a-place_admin" in restored
    _assert_same_rows(archive.read_bytes(), again.read_bytes())
    # The sequences moved past the restored ids: new rows (and their history rows) can be added.
    added = _manage(
        empty_database,
        "shell",
        "--no-imports",
        "-c",
        "from wellbeing.models import Place, User, WellbeingOutcome; "
        "from partnerships.models import Organisation; from interventions.models import Contribution, Intervention; "
        "p = Place.objects.get(slug='place-a'); u = User.objects.create_user('new-person'); "
        "p.memberships.create(user=u, role='officer'); "
        "o = WellbeingOutcome.objects.create(place=p, title='New', priority_rank=9); "
        "o.title = 'Newer'; o.save(); org = Organisation.objects.create(place=p, name='New college'); "
        "i = Intervention.objects.create(place=p, title='New work', owner=u, lead_organisation=org); "
        "i.partners.add(org, *Organisation.objects.filter(place=None)); "
        "Contribution.objects.create(intervention=i, outcome=o, strength='primary', effectiveness='moderate', "
        "basis='monitored', assessed_on='2025-01-01'); "
        "print(o.history.count(), i.history.count(), i.partners.count())",
    )
    assert added.split() == ["2", "2", "2"]  # created, changed; created, partners added
    # Restoring again is refused, and says why.
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": empty_database}
    refused = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "restore_place", str(archive)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert refused.returncode == 1 and "Place A already has data in this database" in refused.stderr


# --- The page and the download -----------------------------------------------------------------------------


def test_the_place_admin_finds_the_page_and_downloads_the_archive(client, cast):
    _rich_place(cast)
    client.force_login(cast.a.place_admin)
    members = client.get("/places/place-a/members/")
    assert 'href="/places/place-a/archive/"' in members.content.decode()
    page = client.get("/places/place-a/archive/")
    assert page.status_code == 200
    assert "Download archive" in page.content.decode() and "does not hold passwords" in page.content.decode()

    response = client.get("/places/place-a/archive/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="place-a-archive-')
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    assert _manifest(content)["place"]["slug"] == "place-a"
    _assert_same_rows(content, _export(cast.a.place))


@pytest.mark.parametrize("role", ["viewer", "analyst", "officer", "partnership_lead"])
def test_other_roles_cannot_download_and_other_places_get_404(client, cast, role):
    client.force_login(getattr(cast.a, role))
    assert client.get("/places/place-a/archive/download/").status_code == 403
    client.force_login(cast.b.place_admin)
    assert client.get("/places/place-a/archive/download/").status_code == 404
