"""Celery: eagerly in the embedded default, and end to end through a real Redis to a real worker."""

import os
import subprocess
import sys
import uuid

import pytest
import redis
from celery import Celery
from django.conf import settings

from tests.conftest import REQUIRE_SERVICES
from wellbeing.models import Place
from wellbeing.tasks import health_check

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.django_db
def test_without_redis_the_task_runs_eagerly_in_process(cast):
    result = health_check.delay()
    assert result.get(timeout=1) == {"places": Place.objects.count(), "worker": "eager"}


def _database_url_for_worker() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        message = f"Redis is not reachable at {TEST_REDIS_URL} ({error}); start it (see README)."
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    return TEST_REDIS_URL


@pytest.fixture
def worker(redis_url, transactional_db):
    """A real `celery worker` process on the project's app, using Redis and the test database."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "1",
        "REDIS_URL": redis_url,
        "DATABASE_URL": _database_url_for_worker(),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=WARNING",
        "-n",
        f"{name}@%h",
    ]
    process = subprocess.Popen(
        command, env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    yield name
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)  # shown when the test fails


@pytest.mark.services
def test_a_real_worker_takes_the_task_from_redis_reads_the_database_and_returns_a_result(cast, redis_url, worker):
    # Not the current app: shared tasks sent later in this process must still go through the project's app.
    client = Celery("test-client", broker=redis_url, backend=redis_url, set_as_current=False)
    client.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])

    result = client.send_task("wellbeing.tasks.health_check")
    payload = result.get(timeout=60)

    assert result.state == "SUCCESS"
    assert payload["worker"].startswith(f"{worker}@")
    # The worker counted the places this test committed: it reached the same database.
    assert payload["places"] == Place.objects.count() >= 2
