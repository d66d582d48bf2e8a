"""A place's data as one archive (a ZIP of CSV files and a manifest), and back (issue 7, "data portability").

What goes in. Each app declares on its AppConfig which of its models hold a place's data and the
lookup from each to its place (`place_archive_tables`), which rows are national ones shared by every
place (`place_archive_shared`: rows with no place, travelling with a place that refers to them) and
which models are reference data (`place_archive_reference`: matched by natural key, never copied).
This module, on the ground floor, collects those declarations through `django.apps` and derives the
rest, so it imports no app above it:

- the auto-created many-to-many tables of a declared model (Partnership.leads, DeliveryGroup.members …);
- its django-simple-history table, and that table's many-to-many history tables: history is part
  of the place's record. (History rows reached through a parent that was since deleted, such as the
  history of an observation whose indicator was deleted, cannot be reached and are left out.)
- the place itself, by slug; and the people its rows name (members, owners, authors of history):
  username, names, email, active flag and date joined — never password hashes, staff or superuser
  flags. People restored into a database where their username is new get an unusable password, so
  cannot sign in until an operator gives them one (`manage.py changepassword <username>`, there is
  no self-service reset yet); a username that already exists there with the same email address
  keeps its account unchanged (with another address it is someone else, and the restore is refused).
- uploaded spreadsheets (ImportJob.content) and written gap reports (GapReport.content) are kept,
  base64-encoded in their CSV cell: they are the place's record of what was imported and sent.

Not in it: reference data rows (NPF, council areas, CWB pillars, Fair Work First criteria, kinds of
anchor institution: `manage.py load_reference` loads them; the archive holds only the natural keys
of those its rows refer to), a region's member councils (reference data too), sessions, login
attempts, Django groups and permissions.

The format (FORMAT_VERSION 1): `manifest.json` and one `<app>.<model>.csv` per table, UTF-8, a
header row of column names (field attnames), RFC 4180 quoting by Python's csv module. Cells:
NULL is `\\N`; a text value that starts with a backslash gets one more (so `\\N` the text is
`\\\\N`); booleans are `true`/`false`; dates and times ISO 8601 (times in UTC with their offset);
decimals as written (`1000.00`); JSON as JSON with sorted keys; binary as base64. No formula
escaping (wellbeing/spreadsheets.py): this file is for machines and must come back byte for byte.

Restoring (`manage.py restore_place`) checks the ZIP's files and sizes before unpacking any
(MAX_UNPACKED_BYTES), the manifest, each file's SHA-256 and row count, the columns and migration
state against this database, that every foreign key points at a row in the archive or in this
database's reference data, and that the place has no data here and no row's id is taken; then it
inserts every row in one transaction with its primary key, checks that each row is reached from the
place as the export reached it (a history row's loose references included), and resets sequences.
A national row already here (the same id and name, or else the only one of that name) is used as it
is, and the archive's rows are pointed at it; one whose id another row has here gets a new id.
"""

import base64
import csv
import hashlib
import io
import json
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property
from graphlib import CycleError, TopologicalSorter

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from wellbeing.models import Place, User

FORMAT = "shift-the-dial-place-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NULL = "\\N"
ESCAPE = "\\"
ROOT, PEOPLE, PLACE, REFERENCE = "place", "people", "place data", "reference"
PLACE_COLUMNS = ["id", "name", "slug", "kind", "ons_code", "region_kind", "is_demo"]
# A person's details travel; their password hash, staff and superuser flags never do.
USER_COLUMNS = ["id", "username", "first_name", "last_name", "email", "is_active", "date_joined"]
ARCHIVED_APPS = ("wellbeing", "partnerships", "interventions")
CHUNK = 2000  # rows fetched at a time: one query per table whatever its size
IN_CHUNK = 5000  # ids per IN (…) list, below SQLite's limit on parameters
# A restore holds the archive's rows in memory: far above a real place's archive (its largest cells,
# uploaded spreadsheets, are capped at IMPORT_MAX_UPLOAD_BYTES each), far below exhausting a server.
MAX_UNPACKED_BYTES = 1 << 30
MAX_MANIFEST_BYTES = 1 << 20  # a manifest lists some 70 tables in a few tens of kilobytes


@contextmanager
def csv_cells_up_to(size: int) -> Iterator[None]:
    """A cell may hold a whole uploaded spreadsheet (base64), far beyond the csv module's default
    128 KiB. The limit is the whole process's, and the spreadsheet import relies on the default to
    refuse a runaway cell: raise it only while reading the archive (restores run in a management
    command, one at a time)."""
    before = csv.field_size_limit()
    csv.field_size_limit(max(before, size))
    try:
        yield
    finally:
        csv.field_size_limit(before)


class ArchiveError(Exception):
    """The archive cannot be restored here; the message says why. Nothing was written."""


# --- Which tables, and how each reaches its place ----------------------------------------------------


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    role: str
    path: str = ""  # lookup from a row to its place (PLACE tables)
    shared_label: str = ""  # field naming a shared national row, checked against this database on restore
    natural_key: tuple[str, ...] = ()  # REFERENCE tables

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def file(self) -> str:
        return f"{self.model._meta.label_lower}.csv"

    @property
    def columns(self) -> list[str]:
        if self.role == ROOT:
            return PLACE_COLUMNS
        if self.role == PEOPLE:
            return USER_COLUMNS
        if self.role == REFERENCE:
            return ["id", *self.natural_key]
        return [f.attname for f in self.model._meta.concrete_fields]

    @property
    def pk_index(self) -> int:
        # Not always the first column: a history row's key is history_id, after the row's own id.
        return self.columns.index(self.model._meta.pk.attname)

    def fields(self) -> list[models.Field]:
        by_attname = {f.attname: f for f in self.model._meta.concrete_fields}
        return [by_attname[column] for column in self.columns]

    @cached_property
    def decoders(self) -> list:
        return [_decoder(f) for f in self.fields()]


def _history_model(model):
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attribute).model if attribute else None


def archive_tables() -> list[Table]:
    """Every table of a place's archive: the place, its people, the reference data its rows name,
    and its own tables in the order a restore inserts them (parents first)."""
    place_tables: list[Table] = []
    shared: dict[type[models.Model], str] = {}
    reference: list[Table] = []
    for config in apps.get_app_configs():
        for name, label_field in getattr(config, "place_archive_shared", {}).items():
            shared[config.get_model(name)] = label_field
        for name, natural_key in getattr(config, "place_archive_reference", {}).items():
            reference.append(Table(config.get_model(name), REFERENCE, natural_key=tuple(natural_key)))
    for config in apps.get_app_configs():
        for name, path in getattr(config, "place_archive_tables", {}).items():
            model = config.get_model(name)
            place_tables.append(Table(model, PLACE, path, shared_label=shared.get(model, "")))
            place_tables += [
                Table(f.remote_field.through, PLACE, f"{f.m2m_field_name()}__{path}")
                for f in model._meta.local_many_to_many
                if f.remote_field.through._meta.auto_created
            ]
            history = _history_model(model)
            if history is not None:
                place_tables.append(Table(history, PLACE, path))
                place_tables += [
                    Table(m, PLACE, f"history__{path}")
                    for m in apps.get_models()
                    if any(f.name == "history" and f.related_model is history for f in m._meta.concrete_fields)
                ]
    undeclared = set(shared) - {t.model for t in place_tables}
    if undeclared:
        raise ValueError(f"Shared models must also be place tables: {sorted(m._meta.label for m in undeclared)}")
    return [Table(Place, ROOT), Table(User, PEOPLE), *reference, *_parents_first(place_tables)]


def _parents_first(tables: list[Table]) -> list[Table]:
    by_model = {t.model: t for t in tables}

    def order(enforced_only: bool) -> list[Table]:
        graph = {
            t.model: {
                f.related_model
                for f in t.model._meta.concrete_fields
                if f.is_relation
                and f.related_model in by_model
                and f.related_model is not t.model
                and (f.db_constraint or not enforced_only)
            }
            for t in tables
        }
        return [by_model[m] for m in TopologicalSorter(graph).static_order()]

    try:
        return order(enforced_only=False)
    except CycleError:  # history tables may point back loosely; only real constraints must order
        return order(enforced_only=True)


def migration_state() -> dict[str, list[str]]:
    """The latest applied migration(s) of each archived app in this database."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return {
        app: sorted(name for label, name in loader.graph.leaf_nodes(app) if (label, name) in loader.applied_migrations)
        for app in ARCHIVED_APPS
    }


# --- Cells ----------------------------------------------------------------------------------------


def _encoder(model_field: models.Field):
    if isinstance(model_field, models.JSONField):
        return lambda value: NULL if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)
    return _encode


def _encode(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return ESCAPE + value if value.startswith(ESCAPE) else value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, int | Decimal):
        return str(value)
    raise TypeError(f"No archive encoding for {type(value).__name__}")


def _decoder(model_field: models.Field):
    if isinstance(model_field, models.BooleanField):

        def boolean(text: str):
            if text not in ("true", "false"):
                raise ValueError(f"{text!r} is not true or false")
            return text == "true"

        return boolean
    if isinstance(model_field, models.JSONField):
        return json.loads
    if isinstance(model_field, models.BinaryField):
        return lambda text: base64.b64decode(text.encode("ascii"), validate=True)
    if isinstance(model_field, models.DateTimeField):
        return lambda text: datetime.fromisoformat(text)
    return model_field.to_python


def _decode(text: str, decode):
    if text == NULL:
        return None
    return decode(text[1:] if text.startswith(ESCAPE) else text)


# --- Export -----------------------------------------------------------------------------------------


@dataclass
class _TableWritten:
    rows: int = 0
    sha256: str = ""


class _CsvEntry:
    """One CSV file being written into the ZIP, hashed as it goes."""

    def __init__(self, archive: zipfile.ZipFile, name: str):
        self._entry = archive.open(name, "w", force_zip64=True)
        self._hash = hashlib.sha256()
        self._buffer = io.StringIO(newline="")
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")
        self.rows = 0

    def write(self, row: Iterable[str], *, header: bool = False) -> None:
        self._writer.writerow(row)
        self.rows += 0 if header else 1
        if self._buffer.tell() > 1 << 16:
            self._flush()

    def _flush(self) -> None:
        data = self._buffer.getvalue().encode("utf-8")
        self._entry.write(data)
        self._hash.update(data)
        self._buffer.seek(0)
        self._buffer.truncate()

    def close(self) -> _TableWritten:
        self._flush()
        self._entry.close()
        return _TableWritten(rows=self.rows, sha256=self._hash.hexdigest())


def _in_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start : start + IN_CHUNK]


def place_archive_write(*, place: Place, file) -> dict:
    """Write the place's archive (a ZIP) to `file` (binary, writable) and return its manifest.
    One query per table (plus one per shared model and one for migrations), whatever the place's size."""
    tables = archive_tables()
    keyed = {t.model for t in tables if t.role in (PEOPLE, REFERENCE)} | {t.model for t in tables if t.shared_label}
    referenced: dict[type[models.Model], set[int]] = defaultdict(set)
    written: dict[str, _TableWritten] = {}
    own: dict[type[models.Model], set[int]] = defaultdict(set)

    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def write(table: Table, querysets: Iterable[models.QuerySet]) -> None:
            fields = table.fields()
            encoders = [_encoder(f) for f in fields]
            watch = [(i, f.related_model) for i, f in enumerate(fields) if f.is_relation and f.related_model in keyed]
            entry = _CsvEntry(archive, table.file)
            entry.write(table.columns, header=True)
            for queryset in querysets:
                for values in queryset.values_list(*table.columns).iterator(chunk_size=CHUNK):
                    for i, related in watch:
                        if values[i] is not None:
                            referenced[related].add(values[i])
                    if table.shared_label:
                        own[table.model].add(values[table.pk_index])
                    entry.write([encode(value) for encode, value in zip(encoders, values, strict=True)])
            written[table.file] = entry.close()

        def ordered(queryset: models.QuerySet) -> models.QuerySet:
            return queryset.order_by("pk")

        place_tables = [t for t in tables if t.role == PLACE]
        # Tables whose rows may be shared are written last, each before the shared models it refers to,
        # so every reference to a national row is known when its file is written.
        later = [t for t in reversed(place_tables) if t.shared_label]

        def place_rows_then_shared(table: Table) -> Iterator[models.QuerySet]:
            # A generator: the shared ids are worked out once the place's own rows have been read.
            yield ordered(table.model._base_manager.filter(**{table.path: place}))
            if table.shared_label:
                for chunk in _in_chunks(referenced[table.model] - own[table.model]):
                    yield ordered(table.model._base_manager.filter(place__isnull=True, pk__in=chunk))

        for table in [t for t in place_tables if not t.shared_label] + later:
            write(table, place_rows_then_shared(table))
        write(Table(Place, ROOT), [Place.objects.filter(pk=place.pk)])
        people = next(t for t in tables if t.role == PEOPLE)
        write(people, [ordered(User.objects.filter(pk__in=chunk)) for chunk in _in_chunks(referenced[User])])
        for table in (t for t in tables if t.role == REFERENCE):
            chunks = _in_chunks(referenced[table.model])
            write(table, [ordered(table.model._base_manager.filter(pk__in=chunk)) for chunk in chunks])

        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "place": {"slug": place.slug, "name": place.name},
            "migrations": migration_state(),
            "tables": [
                {
                    "model": table.label,
                    "role": table.role,
                    "file": table.file,
                    "columns": table.columns,
                    "rows": written[table.file].rows,
                    "sha256": written[table.file].sha256,
                }
                for table in tables
            ],
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def place_archive_filename(place: Place) -> str:
    return f"{place.slug}-archive-{timezone.localdate():%Y-%m-%d}.zip"


# --- Restore ----------------------------------------------------------------------------------------


@dataclass
class _Rows:
    table: Table
    rows: list[list] = field(default_factory=list)  # decoded values, in the table's columns


@dataclass
class RestoreResult:
    place: Place
    rows: dict[str, int]
    people_created: list[str]
    people_existing: list[str]
    shared_existing: int


def place_archive_restore(*, file) -> RestoreResult:
    """Restore a place's archive into this database: all of it, or (ArchiveError) nothing."""
    archive = _open(file)
    with archive:
        manifest = _manifest(archive)
        tables = archive_tables()
        loaded = _read_tables(archive, manifest, tables)
    _check_migrations(manifest)
    _check_foreign_keys(loaded)
    try:
        with transaction.atomic():
            result = _insert(loaded)
            connection.check_constraints(table_names=[data.table.model._meta.db_table for data in loaded.values()])
    except DatabaseError as error:
        raise ArchiveError(f"Nothing was restored: the database refused the data ({error}).") from error
    return result


def _open(file) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(file)
    except zipfile.BadZipFile as error:
        raise ArchiveError(f"This is not a place archive: it is not a ZIP file ({error}).") from error


def _manifest(archive: zipfile.ZipFile) -> dict:
    try:
        size = archive.getinfo(MANIFEST).file_size
    except KeyError:
        raise ArchiveError(f"This is not a place archive: it has no {MANIFEST}.") from None
    if size > MAX_MANIFEST_BYTES:
        raise ArchiveError(f"This is not a place archive: its {MANIFEST} is {size:,} bytes.")
    try:
        manifest = json.loads(_read_member(archive, MANIFEST))
    except ValueError as error:
        raise ArchiveError(f"{MANIFEST} is not valid JSON ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"This is not a place archive: {MANIFEST} does not say format {FORMAT!r}.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"The archive is format version {manifest.get('format_version')!r}; "
            f"this version of Shift the Dial restores version {FORMAT_VERSION} only."
        )
    tables = manifest.get("tables")
    shapes = [
        isinstance(tables, list),
        isinstance(manifest.get("place"), dict),
        isinstance(manifest.get("migrations"), dict),
    ]
    if not all(shapes) or not all(isinstance(entry, dict) for entry in tables):
        raise ArchiveError(
            f"{MANIFEST} is not a place archive's manifest: its place, migrations or tables are missing."
        )
    return manifest


def _read_tables(archive: zipfile.ZipFile, manifest: dict, tables: list[Table]) -> dict[str, _Rows]:
    listed = {entry.get("file"): entry for entry in manifest["tables"]}
    expected = {t.file: t for t in tables}
    if set(listed) != set(expected):
        missing, extra = sorted(set(expected) - set(listed)), sorted(set(listed) - set(expected))
        raise ArchiveError(
            "The archive's tables do not match this version of Shift the Dial"
            + (f"; not in the manifest: {', '.join(missing)}" if missing else "")
            + (f"; not known here: {', '.join(extra)}" if extra else "")
            + "."
        )
    _check_members(archive, expected)
    with csv_cells_up_to(MAX_UNPACKED_BYTES):
        loaded = {table.file: _read_table(archive, table, listed[table.file]) for table in tables}
    if len(loaded[Table(Place, ROOT).file].rows) != 1:
        raise ArchiveError("The archive must hold exactly one place.")
    slug = loaded[Table(Place, ROOT).file].rows[0][PLACE_COLUMNS.index("slug")]
    if slug != manifest["place"].get("slug"):
        raise ArchiveError(f"The manifest is for another place than {Table(Place, ROOT).file} ({slug!r}).")
    return loaded


def _check_members(archive: zipfile.ZipFile, expected: dict[str, Table]) -> None:
    """Only the files an archive holds, of a size this database can take, before any is read: a
    crafted ZIP (a member that unpacks to gigabytes, a name like ../../x) is refused unread."""
    members = archive.infolist()
    strange = sorted(m.filename for m in members if m.filename != MANIFEST and m.filename not in expected)
    if strange:
        raise ArchiveError(f"The archive holds files a place archive does not: {', '.join(strange[:5])}.")
    missing = sorted(set(expected) - {m.filename for m in members})
    if missing:
        raise ArchiveError(f"The archive is incomplete: {missing[0]}, listed in the manifest, is missing.")
    if len(members) != len({m.filename for m in members}):
        raise ArchiveError("The archive holds the same file twice.")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ArchiveError(
            f"The archive would unpack to {unpacked:,} bytes, more than the {MAX_UNPACKED_BYTES:,} a restore "
            "takes. It is not a place archive made by Shift the Dial."
        )
    for member in members:
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveError(f"{member.filename} is compressed in a way place archives never are.")


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    try:
        with archive.open(info) as member:
            # Never more than the size checked: read() with no size could inflate far beyond it first.
            return member.read(info.file_size)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise ArchiveError(f"{name} is damaged ({error}). Use an undamaged copy of the archive.") from error


def _read_table(archive: zipfile.ZipFile, table: Table, entry: dict) -> _Rows:
    data = _read_member(archive, table.file)
    if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        raise ArchiveError(
            f"{table.file} is damaged: its SHA-256 checksum does not match the manifest. "
            "Use an undamaged copy of the archive."
        )
    if entry.get("columns") != table.columns:
        raise ArchiveError(
            f"{table.file} has columns {entry.get('columns')} but this database expects {table.columns}."
        )
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        header = next(reader, None)
        if header != table.columns:
            raise ArchiveError(f"{table.file}: the header row does not match the manifest's columns.")
        rows = _Rows(table, [_decoded_row(table, number, row) for number, row in enumerate(reader, start=2)])
    except (UnicodeDecodeError, csv.Error) as error:
        raise ArchiveError(f"{table.file} is not a CSV file in UTF-8 ({error}).") from error
    if len(rows.rows) != entry.get("rows"):
        raise ArchiveError(f"{table.file} has {len(rows.rows)} rows; the manifest says {entry.get('rows')}.")
    return rows


def _decoded_row(table: Table, number: int, row: list[str]) -> list:
    decoders = table.decoders
    if len(row) != len(decoders):
        raise ArchiveError(f"{table.file}, line {number}: {len(row)} cells where {len(decoders)} were expected.")
    try:
        return [_decode(text, decode) for text, decode in zip(row, decoders, strict=True)]
    except (ValueError, TypeError, ArithmeticError, ValidationError) as error:
        reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        raise ArchiveError(f"{table.file}, line {number}: a cell cannot be read ({reason}).") from error


def _check_migrations(manifest: dict) -> None:
    here = migration_state()
    archived = manifest["migrations"]
    different = [app for app in ARCHIVED_APPS if archived.get(app) != here[app]]
    if different:
        details = "; ".join(f"{app}: archive {archived.get(app)}, here {here[app]}" for app in different)
        raise ArchiveError(
            "The archive was made by a different version of Shift the Dial (" + details + "). Restore it with "
            "the release that made it, into a database migrated to the same point, then upgrade."
        )


def _check_foreign_keys(loaded: dict[str, _Rows]) -> None:
    """Every enforced foreign key points at a row of the archive."""
    present: dict[type[models.Model], set] = defaultdict(set)
    for data in loaded.values():
        present[data.table.model].update(row[data.table.pk_index] for row in data.rows)
    for data in loaded.values():
        for i, f in enumerate(data.table.fields()):
            if not (f.is_relation and f.db_constraint):
                continue
            ids = present[f.related_model]
            for number, row in enumerate(data.rows, start=2):
                if row[i] is not None and row[i] not in ids:
                    raise ArchiveError(
                        f"{data.table.file}, line {number} (id {row[data.table.pk_index]}): {f.attname} refers to "
                        f"{f.related_model._meta.label} id {row[i]}, which is not in the archive."
                    )


def _insert(loaded: dict[str, _Rows]) -> RestoreResult:
    mapping: dict[type[models.Model], dict] = defaultdict(dict)
    place = _restore_place(loaded[Table(Place, ROOT).file])
    mapping[Place] = {loaded[Table(Place, ROOT).file].rows[0][0]: place.pk}
    created, existing = _restore_people(loaded[Table(User, PEOPLE).file], mapping, place)
    for data in loaded.values():
        if data.table.role == REFERENCE:
            mapping[data.table.model] = _match_reference(data)

    place_data = [data for data in loaded.values() if data.table.role == PLACE]
    _refuse_if_place_has_data(place_data, place)
    _refuse_history_of_other_rows(place_data)
    shared_existing = 0
    counts = {}
    for data in place_data:
        table, fields = data.table, data.table.fields()
        rows = [_mapped(row, fields, mapping) for row in data.rows]
        own_rows = rows
        if table.shared_label:
            rows, renumbered, reused = _match_shared(table, rows, mapping)
            _insert_renumbered(table, fields, renumbered, mapping)
            shared_existing += reused
            own_rows = [row for row in rows if row[table.columns.index("place_id")] is not None]
        _refuse_taken_ids(table, [row[table.pk_index] for row in rows])
        _insert_rows(table, fields, rows)
        _refuse_rows_of_another_place(table, [row[table.pk_index] for row in own_rows], place)
        counts[table.label] = len(data.rows)
    _reset_sequences([data.table.model for data in loaded.values() if data.table.role != REFERENCE])
    return RestoreResult(
        place=place, rows=counts, people_created=created, people_existing=existing, shared_existing=shared_existing
    )


def _restore_place(data: _Rows) -> Place:
    values = dict(zip(data.table.columns, data.rows[0], strict=True))
    existing = Place.objects.filter(slug=values["slug"]).first()
    if existing is None:
        pk = values.pop("id")
        place = Place(**values)
        if not Place.objects.filter(pk=pk).exists():
            place.pk = pk
        place.save(force_insert=True)
        return place
    # A council area is reference data: load_reference made it, bare, and the archive fills it.
    if existing.kind != values["kind"] or (values["ons_code"] and existing.ons_code != values["ons_code"]):
        raise ArchiveError(
            f"This database already has a different place at the address {values['slug']!r} "
            f"({existing.name}, {existing.ons_code or 'no ONS code'})."
        )
    return existing


def _restore_people(data: _Rows, mapping: dict, place: Place) -> tuple[list[str], list[str]]:
    rows = [dict(zip(data.table.columns, row, strict=True)) for row in data.rows]
    known = {
        username: (pk, email)
        for username, pk, email in User.objects.filter(username__in=[r["username"] for r in rows]).values_list(
            "username", "pk", "email"
        )
    }
    # The same username with another email is someone else: they would be given the archive's roles here.
    strangers = sorted(r["username"] for r in rows if r["username"] in known and not _same_email(r, known))
    if strangers:
        raise ArchiveError(
            f"This database has other people with usernames in the archive ({', '.join(strangers)}: the email "
            f"addresses differ). They would be given the archive's roles in {place.name}. Rename those accounts "
            "here, or restore into an empty database."
        )
    taken = set(User.objects.filter(pk__in=[r["id"] for r in rows]).values_list("pk", flat=True))
    mapping[User] = {r["id"]: known[r["username"]][0] for r in rows if r["username"] in known}
    created = []
    for values in rows:
        if values["username"] in known:
            continue
        archived_pk = values.pop("id")
        person = User(**values, pk=None if archived_pk in taken else archived_pk)
        person.set_unusable_password()  # password hashes never travel: people reset their password
        person.save(force_insert=True)
        mapping[User][archived_pk] = person.pk
        created.append(person.username)
    return created, sorted(known)


def _same_email(row: dict, known: dict) -> bool:
    return row["email"].casefold() == known[row["username"]][1].casefold()


def _match_reference(data: _Rows) -> dict:
    key = list(data.table.natural_key)
    here = {tuple(values[1:]): values[0] for values in data.table.model._base_manager.values_list("pk", *key)}
    found, missing = {}, []
    for row in data.rows:
        if tuple(row[1:]) in here:
            found[row[0]] = here[tuple(row[1:])]
        else:
            missing.append(" ".join(str(part) for part in row[1:]))
    if missing:
        raise ArchiveError(
            f"Reference data is missing here ({data.table.model._meta.verbose_name_plural}: {', '.join(missing)}). "
            "Run manage.py load_reference with the same release's fixtures, then restore again."
        )
    return found


def _mapped(row: list, fields: list[models.Field], mapping: dict) -> list:
    out = list(row)
    for i, f in enumerate(fields):
        if f.is_relation and f.related_model in mapping and row[i] is not None:
            # A loose history reference to a row that no longer existed stays as it was.
            out[i] = mapping[f.related_model].get(row[i], row[i])
    return out


def _refuse_if_place_has_data(place_data: list[_Rows], place: Place) -> None:
    for data in place_data:
        if data.table.model._base_manager.filter(**{data.table.path: place}).exists():
            raise ArchiveError(
                f"{place.name} already has data in this database ({data.table.label}). "
                "Restore into a database where the place has none."
            )


def _refuse_history_of_other_rows(place_data: list[_Rows]) -> None:
    """A history row of an object not in the archive (deleted since) must not take the id of another
    place's object here: that object's history page would show it."""
    archived = {data.table.model: {row[data.table.pk_index] for row in data.rows} for data in place_data}
    for data in place_data:
        subject = getattr(data.table.model, "instance_type", None)
        if subject not in archived or data.table.model._meta.pk.attname != "history_id":
            continue  # not an object's history (many-to-many history rows are found through it)
        id_at = data.table.columns.index("id")
        absent = {row[id_at] for row in data.rows} - archived[subject]
        for chunk in _in_chunks(absent):
            taken = list(subject._base_manager.filter(pk__in=chunk).values_list("pk", flat=True)[:5])
            if taken:
                raise ArchiveError(
                    f"{data.table.file} holds the history of {subject._meta.label} ids "
                    f"{', '.join(map(str, taken))}, which are not in the archive but are other rows in this "
                    "database. Restore into an empty database."
                )


def _match_shared(table: Table, rows: list[list], mapping: dict) -> tuple[list[list], list[list], int]:
    """The archive's national rows, matched to this database's by id and name, or else by name alone
    (one row of that name): a match is used as it is and the archive's rows point at it. Returns the
    rows to insert with their ids, the national rows whose id is taken by another row (they get new
    ids), and the number matched."""
    columns = table.columns
    place_at, label_at, key = columns.index("place_id"), columns.index(table.shared_label), table.pk_index
    shared = {row[key]: row for row in rows if row[place_at] is None}
    by_label: dict[str, list] = defaultdict(list)
    national = table.model._base_manager.filter(place__isnull=True).order_by("pk")
    for pk, label in national.values_list("pk", table.shared_label):
        by_label[label.casefold()].append(pk)
    taken = set()
    for chunk in _in_chunks(shared):
        taken.update(table.model._base_manager.filter(pk__in=chunk).values_list("pk", flat=True))
    matched = {}
    for pk, row in shared.items():
        same_name = by_label.get(row[label_at].casefold(), [])
        if pk in same_name or len(same_name) == 1:
            matched[pk] = pk if pk in same_name else same_name[0]
    mapping[table.model].update(matched)
    renumbered = [row for pk, row in shared.items() if pk not in matched and pk in taken]
    insert = [row for row in rows if row[key] not in matched and not (row[place_at] is None and row[key] in taken)]
    return insert, renumbered, len(matched)


def _insert_renumbered(table: Table, fields: list[models.Field], rows: list[list], mapping: dict) -> None:
    pk = table.model._meta.pk
    for row in rows:
        obj = table.model(**dict(zip(table.columns, row, strict=True)))
        [(new_pk, *_)] = table.model._base_manager._insert(
            [obj], fields=[f for f in fields if f is not pk], returning_fields=[pk], raw=True
        )
        mapping[table.model][row[table.pk_index]] = new_pk


def _refuse_rows_of_another_place(table: Table, ids: list, place: Place) -> None:
    """Every restored row is reached from the place as the export reached it: a crafted row naming
    another place (directly, or through a history row's loose reference) is refused."""
    for chunk in _in_chunks(ids):
        found = set(table.model._base_manager.filter(pk__in=chunk, **{table.path: place}).values_list("pk", flat=True))
        stray = [pk for pk in chunk if pk not in found]
        if stray:
            raise ArchiveError(
                f"{table.file}: the rows with ids {', '.join(map(str, stray[:5]))} do not belong to {place.name} "
                f"(through {table.path.replace('__', ' → ')}). Nothing was restored."
            )


def _refuse_taken_ids(table: Table, ids: list) -> None:
    for chunk in _in_chunks(ids):
        taken = list(table.model._base_manager.filter(pk__in=chunk).values_list("pk", flat=True)[:5])
        if taken:
            raise ArchiveError(
                f"This database already has {table.label} rows with the archive's ids ({', '.join(map(str, taken))}): "
                "it holds another place's data. Restore into an empty database."
            )


def _insert_rows(table: Table, fields: list[models.Field], rows: list[list]) -> None:
    """Insert as stored: `raw` keeps auto_now dates and skips signals (no new history rows)."""
    manager = table.model._base_manager
    objects = [table.model(**dict(zip(table.columns, row, strict=True))) for row in rows]
    size = max(1, connection.ops.bulk_batch_size(fields, objects) or len(objects))
    for start in range(0, len(objects), size):
        batch = objects[start : start + size]
        try:
            with transaction.atomic():
                manager._insert(batch, fields=fields, raw=True)
        except DatabaseError:
            _name_the_failing_row(table, fields, batch, start)
            raise


def _name_the_failing_row(table: Table, fields, batch, start: int) -> None:
    for offset, obj in enumerate(batch):
        try:
            with transaction.atomic():
                table.model._base_manager._insert([obj], fields=fields, raw=True)
        except DatabaseError as error:
            raise ArchiveError(
                f"Nothing was restored: {table.file}, line {start + offset + 2} (id {obj.pk}) was refused "
                f"by the database: {error}"
            ) from error


def _reset_sequences(restored: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), restored)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
