"""Faults and recovery (README, "Faults and recovery"): Redis stopped, a worker killed in the middle
of an export, PostgreSQL restarted. Each test starts the real services it needs as processes of its
own (tests/services.py): gunicorn serving the project with production settings, redis-server,
Celery workers, a PostgreSQL cluster. It breaks one and checks what a person would see.

The figures (request time with Redis down, how long redelivery took) are printed, not asserted:
run with `-s` to see them.
"""

import html
import io
import re
import signal
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from api.urls import urlpatterns as api_urlpatterns
from interventions import gap_reports
from interventions.gap_reports import BACKGROUND_UNAVAILABLE, gap_report_request
from interventions.models import GapReport, ImportJob, Intervention
from tests import services
from tests.factories import PASSWORD, ContributionFactory, InterventionFactory, WellbeingOutcomeFactory
from tests.routes import Route, all_routes, fill
from tests.test_authorisation_matrix import _values
from tests.test_settings import _run

# Seconds after which the test's workers put back a task whose worker died (production: 1 hour).
VISIBILITY_TIMEOUT = 5


def _signs_in_for_real(user) -> None:
    """The cast's passwords are hashed with MD5 to be fast; the app under test only knows the
    production hashers."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])


def _every_page(cast) -> list[str]:
    """Every GET route of the project, filled with place A's objects as the authorisation matrix
    fills them (each a page the place administrator may see)."""
    paths = []
    for route in all_routes():
        if "GET" in route.callback.access_policy.methods:
            paths.append(fill(route, _values(route, cast, cast.a, owner=cast.a.place_admin)))
    return paths


def _every_api_address(cast) -> list[str]:
    """The read API's GET addresses for place A: outside all_routes (its answers are JSON, walked by
    tests/test_api.py), but served by the same app, so they must hold up without Redis too."""
    values = {"place_slug": cast.a.place.slug, "pk": str(InterventionFactory(place=cast.a.place).pk)}
    return [
        fill(Route(route=f"api/v1/{pattern.pattern}", name=pattern.name, callback=pattern.callback), values)
        for pattern in api_urlpatterns
        if pattern.name != "not_found"
    ]


def _pages_of_imports_being_committed(place_cast) -> list[str]:
    """The pages watching a large import being committed: the only pages that read the cache
    (Redis), for the rows the commit has done so far."""
    paths = []
    for kind, preview, progress, parameter in (
        (ImportJob.Kind.INTERVENTIONS, "import_preview", "import_progress", "import_pk"),
        (ImportJob.Kind.BUDGET_LINES, "budget_import_preview", "budget_import_progress", "budget_import_pk"),
    ):
        job = ImportJob.objects.create(
            place=place_cast.place,
            kind=kind,
            uploaded_by=place_cast.place_admin,
            filename="large.csv",
            file_format="csv",
            content=b"",
            status=ImportJob.Status.COMMITTING,
            rows_total=500,
            rows_done=500,
        )
        for name in (preview, progress):
            paths.append(
                reverse(f"interventions:{name}", kwargs={"place_slug": place_cast.place.slug, parameter: job.pk})
            )
    return paths


def _ask_for_a_report(browser: services.Browser, place) -> tuple[GapReport, str, float]:
    """Ask for an Excel report on the reports page, as a person does: the report kept, the page
    shown after, and how long the request took."""
    known = list(GapReport.objects.values_list("pk", flat=True))
    path = reverse("interventions:gap_reports", kwargs={"place_slug": place.slug})
    browser.get(path)
    started = time.monotonic()
    response = browser.post(path, {"file_format": GapReport.Format.XLSX, "query": ""})
    seconds = time.monotonic() - started
    assert response.status_code == 302, f"Asking for a report answered {response.status_code}"
    page = browser.get(response.headers["Location"])
    assert page.status_code == 200
    (report,) = GapReport.objects.exclude(pk__in=known)  # one request, one report
    return report, html.unescape(page.text), seconds


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_every_page_serves_and_a_report_request_is_kept_and_said_unavailable(
    cast, tmp_path, figures
):
    _signs_in_for_real(cast.a.place_admin)
    pages = _every_page(cast) + _pages_of_imports_being_committed(cast.a) + _every_api_address(cast)
    place = cast.a.place
    with services.redis_server(tmp_path, started=False) as redis_server:
        env = services.app_environment(REDIS_URL=redis_server.url, DATABASE_URL=services.database_url())
        with services.gunicorn(env, tmp_path) as app:
            browser = services.Browser(app.url)
            browser.sign_in(cast.a.place_admin.username, PASSWORD)

            # Redis down since the app started: the request is kept, and the person told why it waits.
            refused_cold, page, seconds_cold = _ask_for_a_report(browser, place)
            assert BACKGROUND_UNAVAILABLE in page

            # Redis back, the app not restarted: the next request is queued.
            redis_server.start()
            queued, _, _ = _ask_for_a_report(browser, place)
            assert queued.status == GapReport.Status.QUEUED
            assert redis_server.client().llen("celery") == 1

            # Redis stops under the running app, which holds connections to it.
            redis_server.stop()
            slowest, answers = 0.0, {}
            for path in pages:
                started = time.monotonic()
                response = browser.get(path)
                slowest = max(slowest, time.monotonic() - started)
                answers[path] = response.status_code
            broken = {path: status for path, status in answers.items() if status >= 500}
            assert not broken, f"Pages that fail with Redis stopped: {broken}\n{app.process.output()[-5000:]}"
            # Signed in throughout: nothing sent the person to sign in again.
            assert all(status in (200, 302) for status in answers.values()), answers
            refused_warm, page, seconds_warm = _ask_for_a_report(browser, place)
            assert BACKGROUND_UNAVAILABLE in page

    for refused in (refused_cold, refused_warm):
        assert (refused.status, refused.error, refused.file_format) == (
            GapReport.Status.FAILED,
            BACKGROUND_UNAVAILABLE,
            GapReport.Format.XLSX,
        )
        assert refused.finished_at is not None and refused.requested_by == cast.a.place_admin
        assert not refused.content
    queued.refresh_from_db()
    assert queued.status == GapReport.Status.QUEUED  # untouched by the refusals after it
    figures.append(
        f"  Redis stopped: {len(pages)} pages visited, none failed (slowest {slowest:.2f} s); asking for a "
        f"report said reports are unavailable in {seconds_cold:.2f} s (Redis down since the app started) "
        f"and {seconds_warm:.2f} s (Redis stopped under the running app)."
    )


# --- A worker killed in the middle of an export ------------------------------------------------------


def test_a_visibility_timeout_no_longer_than_a_task_may_run_is_refused():
    # Otherwise a task still running would be handed to a second worker as well.
    result = _run(["manage.py", "check"], {"DEBUG": "1", "CELERY_VISIBILITY_TIMEOUT": "1800"})
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT (1800 s) must be longer than CELERY_TASK_TIME_LIMIT (1800 s)" in result.stderr


def _waiting_for_the_lock(table: str) -> tuple[str, int] | None:
    """(application name, backend pid) of a worker's connection waiting for a lock on `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.application_name, a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
            "WHERE NOT l.granted AND l.relation = %s::regclass AND a.application_name LIKE 'faults-worker-%%'",
            [table],
        )
        rows = cursor.fetchall()
    assert len(rows) <= 1, f"More than one worker is building the report: {rows}"
    return rows[0] if rows else None


def _work_in(place_cast) -> None:
    outcome = WellbeingOutcomeFactory(place=place_cast.place, title="Warm homes", priority_rank=2)
    for n in range(3):
        ContributionFactory(
            intervention=InterventionFactory(place=place_cast.place, owner=place_cast.officer, title=f"Work {n}"),
            outcome=outcome,
            effectiveness="strong",
        )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_export_leaves_the_report_to_another_worker_which_finishes_it(cast, tmp_path, figures):
    if not services.uses_postgresql():
        services.skip_or_fail(
            "Needs PostgreSQL (DATABASE_URL=postgres://…): the test holds the export mid-build with LOCK TABLE."
        )
    _work_in(cast.a)
    table = Intervention._meta.db_table
    with services.redis_server(tmp_path) as redis_server, services.stopped_at_exit() as workers:
        broker = redis_server.client()
        with services.tasks_sent_to(redis_server.url):
            report = gap_report_request(place=cast.a.place, user=cast.a.analyst, file_format="xlsx", query="")
        assert report.status == GapReport.Status.QUEUED and broker.llen("celery") == 1

        # Hold the interventions table, so the build stops once it has claimed the report and
        # reaches the analysis; then start two workers. One takes the task and waits.
        lock = connection.get_new_connection(connection.get_connection_params())
        try:
            with lock.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
            for name in ("faults-worker-a", "faults-worker-b"):
                env = services.app_environment(
                    REDIS_URL=redis_server.url,
                    DATABASE_URL=services.database_url(application_name=name),
                    CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
                    CELERY_TASK_TIME_LIMIT=str(VISIBILITY_TIMEOUT - 1),
                )
                workers[name] = services.celery_worker(name, env, tmp_path)
            taker, _ = services.wait_for(
                lambda: _waiting_for_the_lock(table), timeout=60, what="a worker to start building the report"
            )
            report.refresh_from_db()
            assert (report.status, report.progress) == (GapReport.Status.RUNNING, gap_reports.PROGRESS_STARTED)
            ((_, delivered_at),) = broker.zrange("unacked_index", 0, -1, withscores=True)

            workers[taker].kill()
            killed_at = time.time()
            assert workers[taker].returncode == -signal.SIGKILL
            # Killed before the visibility timeout ran out: only the kill can hand the task on.
            assert killed_at - delivered_at < VISIBILITY_TIMEOUT, "Too slow to kill the worker in time."
        finally:
            lock.close()  # releases the table

        (survivor,) = set(workers) - {taker}
        report = services.wait_for(
            lambda: GapReport.objects.filter(pk=report.pk, status__in=["done", "failed"]).first(),
            timeout=60,
            what=f"{survivor} to finish the report",
            watch=workers[survivor],
        )
        finished_after = time.time() - killed_at
        assert (report.status, report.error, report.progress) == (GapReport.Status.DONE, "", 100)
        workbook = load_workbook(io.BytesIO(bytes(report.content)))
        assert workbook.sheetnames == ["About this report", "Coverage", "Shift the dial", "Build on", "Gaps"]
        coverage = [row[1] for row in workbook["Coverage"].iter_rows(min_row=2, values_only=True)]
        assert coverage == ["Fair work for women in Place A", "Warm homes"]
        # Acknowledged by the survivor once done: nothing is left to deliver again.
        services.wait_for(
            lambda: broker.hlen("unacked") == 0 and broker.llen("celery") == 0,
            timeout=10,
            what="the task to be acknowledged",
        )
        assert re.search(r"Task interventions\.tasks\.gap_report_build\[.+\] succeeded", workers[survivor].output())
        assert GapReport.objects.count() == 1
    figures.append(
        f"  Worker killed {killed_at - delivered_at:.1f} s after taking the task; the other worker had "
        f"finished the report {finished_after:.1f} s after the kill (visibility timeout {VISIBILITY_TIMEOUT} s)."
    )


# --- PostgreSQL restarted --------------------------------------------------------------------------------


def _app_connections(cluster: services.PostgresCluster, database: str) -> list[int]:
    """Backend pids of the app's connections to the private cluster."""
    import psycopg

    with psycopg.connect(cluster.url(database), autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'faults-gunicorn'").fetchall()
    return [pid for (pid,) in rows]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_after_postgresql_restarts_the_next_request_succeeds_without_restarting_the_app(cast, tmp_path, figures):
    if not services.uses_postgresql():
        services.skip_or_fail("Needs PostgreSQL (DATABASE_URL=postgres://…): SQLite has no server to restart.")
    _signs_in_for_real(cast.a.place_admin)
    page = reverse("wellbeing:place_overview", kwargs={"place_slug": cast.a.place.slug})
    with services.postgres_cluster() as cluster:
        cluster.copy_test_database("shift_faults_restart")
        env = services.app_environment(
            DATABASE_URL=cluster.url("shift_faults_restart", application_name="faults-gunicorn"),
            # Connections persist between requests (the default is 60 s; longer, so this test's
            # connection cannot expire of age and hide the restart).
            CONN_MAX_AGE="600",
        )
        with services.gunicorn(env, tmp_path) as app:
            browser = services.Browser(app.url)
            browser.sign_in(cast.a.place_admin.username, PASSWORD)
            assert browser.get(page).status_code == 200
            (before,) = _app_connections(cluster, "shift_faults_restart")  # kept open between requests
            app_workers, server_pid = app.process.children(), cluster.postmaster_pid()

            cluster.restart()

            assert cluster.postmaster_pid() != server_pid
            started = time.monotonic()
            response = browser.get(page)
            seconds = time.monotonic() - started
            assert response.status_code == 200, f"{response.status_code}\n{app.process.output()[-5000:]}"
            assert "Place A" in response.text  # still signed in: the session is in the database
            (after,) = _app_connections(cluster, "shift_faults_restart")
            assert after != before  # a new connection, made by the app itself
            assert app.process.children() == app_workers  # the same gunicorn worker: nothing restarted
    figures.append(
        f"  PostgreSQL restarted under the running app: the next request answered 200 in {seconds:.2f} s "
        "on a new connection, from the same gunicorn worker, still signed in."
    )
