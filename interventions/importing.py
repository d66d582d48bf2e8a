"""Spreadsheet import, from upload to commit: the services behind the import pages and tasks.

    upload ──import_job_create──▶ CHECKING ──import_job_check──▶ READY ──import_job_commit──▶ DONE
                                     │ (a dry run: nothing written)   │ (one transaction)
                                     ▼                                ▼
                                   FAILED                       READY again, with a message,
                                 (file unreadable, or the       if rows fail now or the broker is
                                  broker is unreachable)        unreachable (nothing written)

Files with more than settings.IMPORT_INLINE_MAX_ROWS rows are checked and committed by Celery
tasks (interventions/tasks.py); smaller ones within the request. When the Celery broker cannot be
reached, nothing is lost and the page says so: a large upload is kept as a FAILED job saying the
background service is unavailable (the person uploads it again later), and a commit puts the
checked job back to READY, so the person can import it once the service is back.

Kinds: a job imports interventions or budget lines (`ImportJob.kind`). IMPORT_KINDS is the one
place that says, for each kind, which resource and headings read the file, which permission and
URLs the pages use, and what the pages and the summary call the rows; everything else is shared.

Progress: a check runs in chunks, each its own dry-run transaction, and writes `rows_done` to the
job between chunks. A commit is one transaction, so the rows it has done so far are invisible to
other connections until it ends; it reports them in the cache (Redis when Celery runs on workers)
and `import_progress` reads whichever is further on.

A commit can happen once: it first moves the job from READY to COMMITTING with a conditional
UPDATE, so a second click, a second tab or a redelivered task finds nothing to do.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

import tablib
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone
from redis.exceptions import RedisError

from interventions import budget_resources, resources
from interventions.models import ImportJob
from interventions.spreadsheets import Sheet, SpreadsheetError, megabytes, read_spreadsheet
from wellbeing.background import queue_or_record
from wellbeing.models import Place, User

logger = logging.getLogger(__name__)

# Most rows one file may hold: the preview lists each, and a commit is one transaction.
MAX_ROWS = 10_000
CHECK_CHUNK_ROWS = 500
PROGRESS_EVERY_ROWS = 50
PROGRESS_TIMEOUT_SECONDS = 60 * 60

CHECK_FAILED = (
    "The file could not be checked because of an unexpected problem. Nothing was imported. Upload it again; "
    "if it keeps happening, tell your service team."
)
COMMIT_FAILED = (
    "The import stopped because of an unexpected problem, and nothing was imported. Try again; if it keeps "
    "happening, tell your service team."
)
ROWS_NOW_FAIL = (
    "Nothing was imported: the register changed after the file was checked, and {count} now "
    "{verb} problems. The rows are checked again below."
)
CHOOSE_TO_SKIP = "{count} {have} problems: fix the file and upload it again, or choose to skip the rows with problems"
# The broker is unreachable (Redis stopped): said on the job, for the person.
CHECK_UNAVAILABLE = (
    "Your file was not checked: large files are checked by the background service, which is not running "
    "just now. Upload the file again in a few minutes."
)  # the failed-import page already says "Nothing was imported."
COMMIT_UNAVAILABLE = (
    "Nothing was imported: large files are imported by the background service, which is not running just "
    "now. The checked file is kept: try importing it again in a few minutes."
)


class ImportRefused(Exception):
    """The import cannot go ahead as asked; `message` says why, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _RowsNowFail(Exception):
    """Raised inside the commit transaction to roll it back."""

    def __init__(self, problems: int):
        super().__init__(f"{problems} rows now fail")
        self.problems = problems


@dataclass(frozen=True)
class ImportKind:
    """What differs between the kinds of import: everything else in this module and in the
    import pages is shared."""

    resource: type
    headings: list[str]
    noun: str  # one row: "intervention"
    nouns: str  # "interventions"
    permission: str  # wellbeing.access PERMISSIONS
    url_name_prefix: str  # the import pages' URL names: prefix + "upload", "preview", …
    template: Callable  # (place, file format) → the blank spreadsheet (content, content type, file name)
    allowed_values: Callable  # place → what the columns accept, for the upload page
    columns_template: str  # the upload page's "What each column accepts"
    register_url_name: str  # where the rows live once imported (the back link)
    register_name: str  # "Intervention map"
    register_phrase: str  # "the intervention map"
    destination: str  # the upload page's "Add interventions to <place>'s intervention map"

    @property
    def title(self) -> str:
        return f"Import {self.nouns} from a spreadsheet"

    @property
    def url_template(self) -> str:
        return f"{self.url_name_prefix}template"

    @property
    def url_upload(self) -> str:
        return f"{self.url_name_prefix}upload"

    @property
    def url_preview(self) -> str:
        return f"{self.url_name_prefix}preview"

    @property
    def url_commit(self) -> str:
        return f"{self.url_name_prefix}commit"

    @property
    def url_progress(self) -> str:
        return f"{self.url_name_prefix}progress"


IMPORT_KINDS: dict[str, ImportKind] = {
    ImportJob.Kind.INTERVENTIONS: ImportKind(
        resource=resources.InterventionResource,
        headings=resources.HEADINGS,
        noun="intervention",
        nouns="interventions",
        permission="intervention.import",
        url_name_prefix="interventions:import_",
        template=resources.import_template,
        allowed_values=resources.allowed_values,
        columns_template="interventions/import_columns_interventions.html",
        register_url_name="interventions:register",
        register_name="Intervention map",
        register_phrase="the intervention map",
        destination="intervention map",
    ),
    ImportJob.Kind.BUDGET_LINES: ImportKind(
        resource=budget_resources.BudgetLineResource,
        headings=budget_resources.HEADINGS,
        noun="budget line",
        nouns="budget lines",
        permission="budget.edit",
        url_name_prefix="interventions:budget_import_",
        template=budget_resources.import_template,
        allowed_values=budget_resources.allowed_values,
        columns_template="interventions/import_columns_budget_lines.html",
        register_url_name="wellbeing:budget_line_list",
        register_name="Budget lines",
        register_phrase="the budget lines",
        destination="budget",
    ),
}


def import_kind(job_or_kind: ImportJob | str) -> ImportKind:
    return IMPORT_KINDS[job_or_kind.kind if isinstance(job_or_kind, ImportJob) else job_or_kind]


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


# --- Upload ----------------------------------------------------------------------------------------------


def read_upload(*, filename: str, content: bytes, kind: str = ImportJob.Kind.INTERVENTIONS) -> Sheet:
    """The rows of an uploaded file, or SpreadsheetError saying why it cannot be read."""
    return read_spreadsheet(
        filename=filename,
        content=content,
        columns=import_kind(kind).headings,
        noun=import_kind(kind).noun,
        max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
        max_rows=MAX_ROWS,
    )


def import_job_create(
    *, place: Place, user: User, upload: UploadedFile, kind: str = ImportJob.Kind.INTERVENTIONS
) -> ImportJob:
    """Keep the uploaded file as a job and check it (now, or on a worker for a large file).

    Raises SpreadsheetError when the file cannot be read; then nothing is kept. A large file whose
    check cannot be queued (the broker is unreachable) is kept, FAILED with CHECK_UNAVAILABLE."""
    if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            f"The file is {megabytes(upload.size)}; the largest file you can import is "
            f"{megabytes(settings.IMPORT_MAX_UPLOAD_BYTES)}. Split it into smaller files."
        )
    content = upload.read()
    filename = (upload.name or "spreadsheet")[-255:]
    sheet = read_upload(filename=filename, content=content, kind=kind)
    job = ImportJob.objects.create(
        place=place,
        kind=kind,
        uploaded_by=user,
        filename=filename,
        file_format=sheet.file_format,
        content=content,
        status=ImportJob.Status.CHECKING,
        rows_total=len(sheet),
    )
    if _runs_on_worker(job):
        transaction.on_commit(
            lambda: _queue(
                "import_check",
                job.pk,
                if_refused=ImportJob.Status.CHECKING,
                then={"status": ImportJob.Status.FAILED, "error": CHECK_UNAVAILABLE, "finished_at": Now()},
            )
        )
        # Outside any outer transaction the check is queued (or refused) by now.
        job.refresh_from_db(fields=["status", "error", "finished_at"])
    else:
        import_job_check(job_pk=job.pk, sheet=sheet)
        job.refresh_from_db()
    return job


def _runs_on_worker(job: ImportJob) -> bool:
    return job.rows_total > settings.IMPORT_INLINE_MAX_ROWS


def _queue(task_name: str, job_pk: int, *args, if_refused: str, then: dict) -> None:
    """Send the job's task (interventions/tasks.py) to a worker; when the broker cannot be reached,
    update the job, still in status `if_refused`, with `then` instead."""
    from interventions import tasks

    unqueued = ImportJob.objects.filter(pk=job_pk, status=if_refused)
    queue_or_record(getattr(tasks, task_name), job_pk, *args, unqueued=unqueued, record=then)


# --- Check -----------------------------------------------------------------------------------------------


def import_job_check(*, job_pk: int, sheet: Sheet | None = None) -> None:
    """Dry-run every row and keep the preview: for each row, what will happen or what is wrong.
    Writes nothing but the job. Does nothing unless the job is waiting to be checked."""
    job = ImportJob.objects.select_related("place").get(pk=job_pk)
    if job.status != ImportJob.Status.CHECKING:
        return
    try:
        if sheet is None:
            sheet = read_upload(filename=job.filename, content=bytes(job.content), kind=job.kind)
        preview = _check(job, sheet)
    except SpreadsheetError as error:
        _finish(job, status=ImportJob.Status.FAILED, error=error.message)
        return
    except Exception:
        logger.exception("Checking import job %s failed", job.pk)
        _finish(job, status=ImportJob.Status.FAILED, error=CHECK_FAILED)
        return
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKING).update(
        status=ImportJob.Status.READY, preview=preview, rows_done=len(sheet), rows_total=len(sheet), error=""
    )


def _check(job: ImportJob, sheet: Sheet) -> dict:
    """The preview of `sheet` for `job`, from import-export dry runs of CHECK_CHUNK_ROWS rows each."""
    kind = import_kind(job)
    resource = kind.resource(place=job.place, user=job.uploaded_by)
    done = 0
    for start in range(0, len(sheet.rows), CHECK_CHUNK_ROWS):
        chunk = sheet.rows[start : start + CHECK_CHUNK_ROWS]
        resource.row_numbers = [number for number, _ in chunk]
        resource.import_data(_dataset(kind, chunk), dry_run=True, use_transactions=True)
        done += len(chunk)
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=len(sheet))
    return _preview(resource)


def _dataset(kind: ImportKind, rows: list[tuple[int, list]]) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=kind.headings)
    for _, cells in rows:
        dataset.append(cells)
    return dataset


def _preview(resource) -> dict:
    rows = resource.preview_rows
    counts = {action: 0 for action in ("new", "changed", "unchanged", "error")}
    for row in rows:
        counts[row["action"]] += 1
    return {
        "rows": rows,
        "counts": counts,
        "new_organisations": sorted(resource.organisations_to_add, key=str.casefold),
        "checked_at": timezone.now().isoformat(),
    }


# --- Commit ----------------------------------------------------------------------------------------------


def rows_with_problems(job: ImportJob) -> int:
    return job.preview.get("counts", {}).get("error", 0)


def rows_to_import(job: ImportJob) -> int:
    counts = job.preview.get("counts", {})
    return sum(counts.get(action, 0) for action in ("new", "changed", "unchanged"))


def import_job_commit(*, job: ImportJob, user: User, skip_problem_rows: bool) -> None:
    """Import the checked rows, all or nothing. With problem rows, only when the person chose to
    skip them. Runs now for a small file, on a worker for a large one; a job that is not READY
    (already imported, or being imported) is left as it is. When a large file's commit cannot be
    queued (the broker is unreachable), the job is READY again with COMMIT_UNAVAILABLE."""
    problems = rows_with_problems(job)
    if job.status == ImportJob.Status.READY and problems and not skip_problem_rows:
        raise ImportRefused(CHOOSE_TO_SKIP.format(count=_rows(problems), have="has" if problems == 1 else "have"))
    if _runs_on_worker(job):
        with transaction.atomic():
            if _claim(job, user=user, skip_problem_rows=skip_problem_rows):
                # Refused, nothing was written: the job is as it was when checked, to import later.
                transaction.on_commit(
                    lambda: _queue(
                        "import_commit",
                        job.pk,
                        user.pk,
                        if_refused=ImportJob.Status.COMMITTING,
                        then={
                            "status": ImportJob.Status.READY,
                            "rows_done": F("rows_total"),
                            "result": {},
                            "error": COMMIT_UNAVAILABLE,
                        },
                    )
                )
        return
    try:
        with transaction.atomic():
            if _claim(job, user=user, skip_problem_rows=skip_problem_rows):
                _commit(job.pk, user)
    except _RowsNowFail as refusal:
        _recheck_after_refusal(job.pk, refusal.problems)
    except Exception:
        # Rolled back, so the job is READY again: say so, and let the person try again.
        logger.exception("Committing import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(error=COMMIT_FAILED)


def import_job_commit_claimed(*, job_pk: int, user_pk: int) -> None:
    """The worker's half of import_job_commit: import a job already claimed (COMMITTING)."""
    try:
        user = User.objects.get(pk=user_pk)
        with transaction.atomic():
            _commit(job_pk, user)
    except _RowsNowFail as refusal:
        _recheck_after_refusal(job_pk, refusal.problems)
    except Exception:
        logger.exception("Committing import job %s failed", job_pk)
        ImportJob.objects.filter(pk=job_pk, status=ImportJob.Status.COMMITTING).update(
            status=ImportJob.Status.READY, error=COMMIT_FAILED
        )


def _claim(job: ImportJob, *, user: User, skip_problem_rows: bool) -> bool:
    """READY → COMMITTING, once: the conditional UPDATE holds the job's row until the surrounding
    transaction ends, so a concurrent claim waits and then finds it no longer READY."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.COMMITTING,
        rows_done=0,
        error="",
        result={"skip_problem_rows": skip_problem_rows, "committed_by": user.username},
    )
    return bool(claimed)


def _commit(job_pk: int, user: User) -> None:
    """Inside the caller's transaction: import the job's rows and mark it DONE, or raise."""
    job = ImportJob.objects.select_for_update().select_related("place").get(pk=job_pk)
    if job.status != ImportJob.Status.COMMITTING:
        return  # done already (a task delivered twice)
    kind = import_kind(job)
    sheet = read_upload(filename=job.filename, content=bytes(job.content), kind=job.kind)
    preview_rows = job.preview.get("rows", [])
    skipped = {row["row"] for row in preview_rows if row["action"] == "error"}
    if skipped and not job.result.get("skip_problem_rows"):
        # import_job_commit refuses this before the job is claimed; this guards against any other caller.
        raise RuntimeError(f"Import job {job.pk} has problem rows and nobody chose to skip them")
    expected = {row["row"]: (row["pk"], row["version"]) for row in preview_rows}
    rows = [(number, cells) for number, cells in sheet.rows if number not in skipped]
    done, reporting = 0, True

    def on_row(number: int) -> None:
        nonlocal done, reporting
        done += 1
        if reporting and done % PROGRESS_EVERY_ROWS == 0:
            reporting = _report_commit_progress(job.pk, done)

    resource = kind.resource(
        place=job.place, user=user, expected=expected, change_reason=f"Imported from {job.filename}", on_row=on_row
    )
    resource.row_numbers = [number for number, _ in rows]
    result = resource.import_data(_dataset(kind, rows), dry_run=False, use_transactions=True)
    if result.has_errors():
        # An exception, not a problem with the data (logged with its row by the resource).
        raise RuntimeError(f"Import job {job.pk}: a row could not be written")
    preview = _preview(resource)
    if preview["counts"]["error"] or result.has_validation_errors():
        raise _RowsNowFail(preview["counts"]["error"] or 1)
    counts = preview["counts"]
    job.status = ImportJob.Status.DONE
    job.rows_done = len(rows)
    job.finished_at = timezone.now()
    job.result = {
        **job.result,
        "new": counts["new"],
        "changed": counts["changed"],
        "unchanged": counts["unchanged"],
        "skipped": len(skipped),
        "organisations_added": preview["new_organisations"],
    }
    job.save(update_fields=["status", "rows_done", "finished_at", "result"])
    transaction.on_commit(lambda: _forget_commit_progress(job.pk))


def _recheck_after_refusal(job_pk: int, problems: int) -> None:
    """The commit was rolled back because rows fail now: check the file again, so the preview
    shows the problems as they are now, and say what happened."""
    ImportJob.objects.filter(pk=job_pk, status__in=[ImportJob.Status.READY, ImportJob.Status.COMMITTING]).update(
        status=ImportJob.Status.CHECKING, rows_done=0
    )
    _forget_commit_progress(job_pk)
    import_job_check(job_pk=job_pk)
    ImportJob.objects.filter(pk=job_pk).update(
        error=ROWS_NOW_FAIL.format(count=_rows(problems), verb="has" if problems == 1 else "have")
    )


def _finish(job: ImportJob, *, status: str, error: str = "") -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=status, error=error, finished_at=timezone.now())


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


# --- Progress --------------------------------------------------------------------------------------------


def _progress_key(job_pk: int) -> str:
    return f"interventions:import-progress:{job_pk}"


def import_job_progress(job: ImportJob) -> Progress:
    """How far a check or commit has gone: the job's own count, or the commit's (in the cache)."""
    done = job.rows_done
    if job.status == ImportJob.Status.COMMITTING:
        done = max(done, _commit_progress(job.pk))
    return Progress(done=min(done, job.rows_total), total=job.rows_total)


def _commit_progress(job_pk: int) -> int:
    """The rows a commit has reported done in the cache. With Redis unreachable, none: the page
    shows the job's own count rather than failing."""
    try:
        return cache.get(_progress_key(job_pk)) or 0
    except RedisError:
        logger.warning("The cache is unreachable: import job %s shows no commit progress", job_pk)
        return 0


def _report_commit_progress(job_pk: int, done: int) -> bool:
    """Put how far a commit has got in the cache; False when the cache is unreachable, so the
    commit goes on without it (an import within the request needs no Redis) and stops trying
    (each try can wait for the connect timeout)."""
    try:
        cache.set(_progress_key(job_pk), done, PROGRESS_TIMEOUT_SECONDS)
    except RedisError:
        logger.warning("The cache is unreachable: import job %s goes on without reporting progress", job_pk)
        return False
    return True


def _forget_commit_progress(job_pk: int) -> None:
    try:
        cache.delete(_progress_key(job_pk))
    except RedisError:  # it expires after PROGRESS_TIMEOUT_SECONDS, and is read only while committing
        logger.warning("The cache is unreachable: import job %s's commit progress is left to expire", job_pk)


# --- What the pages show ---------------------------------------------------------------------------------


def import_job_preview_rows(job: ImportJob, *, problems_only: bool = False) -> list[dict]:
    """The checked rows, those with problems first, each group in spreadsheet order."""
    rows = job.preview.get("rows", [])
    if problems_only:
        return [row for row in rows if row["action"] == "error"]
    return sorted(rows, key=lambda row: (row["action"] != "error", row["row"]))


def import_job_summary(job: ImportJob) -> str:
    """What a finished import did, in a sentence or two."""
    result = job.result
    parts = [f"{_count(result.get('new', 0), import_kind(job).noun)} added", f"{result.get('changed', 0):,} changed"]
    if result.get("unchanged"):
        parts.append(f"{result['unchanged']:,} unchanged")
    summary = f"Imported ‘{job.filename}’: " + ", ".join(parts) + "."
    if result.get("skipped"):
        summary += f" {_rows(result['skipped'])} with problems {'was' if result['skipped'] == 1 else 'were'} skipped."
    added = result.get("organisations_added", [])
    if added:
        summary += f" {_count(len(added), 'organisation')} added: {', '.join(added[:10])}"
        summary += f" and {len(added) - 10:,} more." if len(added) > 10 else "."
    return summary


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")
