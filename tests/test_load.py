"""The load test in its short CI form: benchmarks/load.py, 50 simulated people for 15 seconds (after
signing in and 10 seconds of warm-up) against gunicorn under production settings, on the full
benchmark data set. It must finish with every request answered and no server error; its figures are
never asserted as timings. They are printed (pytest -s shows them) and written to
test-artifacts/load-test.txt, for the CI log and the closing note.

On PostgreSQL (CI) it uses its own database on the same server, created and dropped here; with the
embedded SQLite default it runs against a SQLite file of its own.
"""

import os
import re
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings

from tests.conftest import REQUIRE_SERVICES

DATABASE_NAME = "shift_bench_load_ci"  # load.py empties only databases whose name contains "bench"
DURATION = 15
REPORT = settings.BASE_DIR / "test-artifacts" / "load-test.txt"


def _postgres_admin(config: dict):
    return psycopg.connect(
        dbname="postgres",
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        autocommit=True,
        connect_timeout=5,
    )


@pytest.fixture
def load_database_url(tmp_path):
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / (DATABASE_NAME + '.sqlite3')}"
        return
    config = db
    try:
        admin = _postgres_admin(config)
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at {config['HOST']}:{config['PORT']} ({error}); start it (see README)."
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
        yield f"postgres://{auth}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{DATABASE_NAME}"
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')


def test_fifty_people_browse_the_main_pages_under_gunicorn_without_a_server_error(load_database_url, figures):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
    env["BENCH_DATABASE_URL"] = load_database_url
    result = subprocess.run(
        [
            sys.executable,
            str(settings.BASE_DIR / "benchmarks" / "load.py"),
            "--users=50",
            f"--duration={DURATION}",
            "--size=full",
            "--timeout=240",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout
    print(output)  # the whole output: shown with -s, and when the test fails
    # The summary lines (not the per-page table) go to the run's "figures" section.
    figures.extend(
        f"  {line}"
        for line in output.splitlines()
        if re.match(r"^(load|requests|latency|server|failures|machine|worker memory|sign-in):? ", line)
    )
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(output)
    assert result.returncode == 0, output[-4000:] + result.stderr[-4000:]

    def line(pattern: str) -> re.Match:
        found = re.search(pattern, output, re.MULTILINE)
        assert found, f"no line matching {pattern!r} in the output"
        return found

    requests = line(r"^requests: (\d+) in ([\d.]+) s = ([\d.]+) requests/s$")
    assert int(requests.group(1)) > 0 and float(requests.group(2)) >= DURATION
    line(r"^latency ms: p50 \d+\s+p95 \d+\s+p99 \d+$")
    assert line(r"^failures: (\d+)$").group(1) == "0"
    assert line(r"^server errors \(5xx\): (\d+)$").group(1) == "0"
    for moment in ("start", "end"):
        memory = line(rf"^worker memory MB at {moment}: ([\d. ]+) \(sum ([\d.]+), (\d+) workers\)$")
        assert memory.group(3) == "4", "every gunicorn worker was still running"
    line(r"^sign-in \(before the figures above\): 50 people")
