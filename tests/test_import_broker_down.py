"""Spreadsheet import with the background service down (README, "Faults and recovery"): a large
file is checked and committed by Celery tasks, and when the broker cannot be reached the page says
so, the job is kept with the message, and nothing is half-saved (interventions/importing.py).

The broker is really unreachable: the project's Celery app, not eager, sends to a loopback port
nothing listens on (`broker_down`, shared with the gap report tests).
"""

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interventions import importing
from interventions.importing import CHECK_UNAVAILABLE, COMMIT_UNAVAILABLE
from interventions.models import ImportJob, Intervention
from tests import test_budget_import as budget
from tests import test_import as interventions
from tests.test_gap_reports import broker_down  # noqa: F401 - the fixture

ROWS = 5
LARGE = 2  # settings.IMPORT_INLINE_MAX_ROWS in these tests: five rows go to a worker

KINDS = {
    "interventions": (
        "import_",
        lambda: interventions.csv_file([interventions.a_row(title=f"Row {n}") for n in range(ROWS)]),
        interventions.database_counts,
    ),
    "budget lines": (
        "budget_import_",
        lambda: budget.csv_file([budget.a_row(cost_centre=f"HS{n}") for n in range(ROWS)]),
        budget.database_counts,
    ),
}


def _url(place, prefix: str, name: str, job: ImportJob | None = None) -> str:
    if prefix == "import_":
        return interventions.import_url(place, f"import_{name}", job)
    return budget.url(place, name, job)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", KINDS)
def test_a_large_upload_with_the_broker_down_is_kept_and_the_person_told(client, cast, settings, broker_down, kind):  # noqa: F811
    prefix, content, database_counts = KINDS[kind]
    settings.IMPORT_INLINE_MAX_ROWS = LARGE
    before = database_counts()
    client.force_login(cast.a.officer)

    response = client.post(
        _url(cast.a.place, prefix, "upload"), {"file": SimpleUploadedFile("big.csv", content())}, follow=True
    )

    job = ImportJob.objects.get()
    assert (job.status, job.error, job.rows_total) == (ImportJob.Status.FAILED, CHECK_UNAVAILABLE, ROWS)
    assert job.finished_at is not None
    assert bytes(job.content) == content()  # kept, as uploaded
    assert response.redirect_chain == [(_url(cast.a.place, prefix, "preview", job), 302)]
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your file could not be imported" in page
    assert CHECK_UNAVAILABLE in page
    assert database_counts() == before  # nothing written


@pytest.mark.django_db(transaction=True)
def test_a_commit_with_the_broker_down_keeps_the_checked_job_to_import_once_it_is_back(
    client,
    cast,
    settings,
    monkeypatch,
    broker_down,  # noqa: F811
):
    client.force_login(cast.a.officer)
    # Checked within the request (the file is small for now), then large enough for a worker.
    response = client.post(
        interventions.import_url(cast.a.place, "import_upload"),
        {"file": SimpleUploadedFile("big.csv", KINDS["interventions"][1]())},
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY
    checked = ImportJob.objects.values().get()
    before = interventions.database_counts()
    settings.IMPORT_INLINE_MAX_ROWS = LARGE

    response = client.post(interventions.import_url(cast.a.place, "import_commit", job), follow=True)

    assert response.redirect_chain == [(interventions.import_url(cast.a.place, "import_preview", job), 302)]
    assert response.status_code == 200
    page = response.content.decode()
    assert COMMIT_UNAVAILABLE in page
    assert "Check what will be imported" in page
    assert f"Import {ROWS} rows" in page  # the button, to try again
    assert interventions.database_counts() == before  # nothing half-saved
    # The job is as it was when checked, but for the message.
    assert ImportJob.objects.values().get() == {**checked, "error": COMMIT_UNAVAILABLE}

    monkeypatch.undo()  # the broker is back (the test settings' eager tasks)
    response = client.post(interventions.import_url(cast.a.place, "import_commit", job), follow=True)

    job.refresh_from_db()
    assert (job.status, job.error, job.result["new"]) == (ImportJob.Status.DONE, "", ROWS)
    assert Intervention.objects.filter(place=cast.a.place).count() == ROWS
    assert COMMIT_UNAVAILABLE not in response.content.decode()


@pytest.fixture
def cache_down(settings):
    """The cache in Redis, on a loopback port nothing listens on (as when Redis stops in production)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": settings.REDIS_TIMEOUTS,
        }
    }


@pytest.mark.django_db(transaction=True)
def test_a_file_imported_within_the_request_needs_no_redis(client, cast, cache_down):
    # More rows than a commit reports progress for (in the cache), fewer than go to a worker.
    rows = importing.PROGRESS_EVERY_ROWS + 10
    client.force_login(cast.a.officer)
    content = interventions.csv_file([interventions.a_row(title=f"Row {n}") for n in range(rows)])
    response = client.post(
        interventions.import_url(cast.a.place, "import_upload"), {"file": SimpleUploadedFile("small.csv", content)}
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READY

    response = client.post(interventions.import_url(cast.a.place, "import_commit", job), follow=True)

    job.refresh_from_db()
    assert (job.status, job.error, job.result["new"]) == (ImportJob.Status.DONE, "", rows)
    assert Intervention.objects.filter(place=cast.a.place).count() == rows
    assert "Your file has been imported" in response.content.decode()
