"""`manage.py check_worker` (wellbeing/management/commands/check_worker.py), run as operators run it:
a process of its own with REDIS_URL set. Run with `-s` to see how long it took to give up."""

import socket
import time

import pytest

from tests.test_celery import redis_url, worker  # noqa: F401 - fixtures for the real-worker test
from tests.test_settings import _run


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_with_the_broker_unreachable_it_says_so_in_one_line_and_fails():
    port = _closed_port()
    started = time.monotonic()

    result = _run(["manage.py", "check_worker"], {"DEBUG": "1", "REDIS_URL": f"redis://:s3cret@127.0.0.1:{port}/0"})

    seconds = time.monotonic() - started
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "Error" in line]
    assert line == (
        f"CommandError: The broker at redis://:**@127.0.0.1:{port}/0 is unreachable: "
        f"Error 111 connecting to 127.0.0.1:{port}. Connection refused."
    )
    assert "s3cret" not in result.stdout + result.stderr
    print(f"\ncheck_worker with the broker unreachable gave up in {seconds:.2f} s (process start included).")


@pytest.mark.services
def test_with_a_worker_running_it_says_which_worker_answered(cast, redis_url, worker):  # noqa: F811
    result = _run(["manage.py", "check_worker", "--timeout", "60"], {"DEBUG": "1", "REDIS_URL": redis_url})

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Worker {worker}@")
    assert "places in the database" in result.stdout
