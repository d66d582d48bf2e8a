"""Real services for the fault tests (tests/test_faults.py): a private redis-server, gunicorn serving
the project, Celery workers and a private PostgreSQL cluster. Each is a process the test starts on a
free port, waits for with a deadline, and stops or kills itself, on failure too; its output goes to
a log file that the test prints when it fails."""

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
import redis
import requests
from django.conf import settings

from tests.conftest import REQUIRE_SERVICES

# The app as production runs it (DEBUG off, so real error pages), reachable over plain HTTP on
# 127.0.0.1. Static files are not collected for these tests, so templates use plain static URLs.
PRODUCTION_LIKE = {
    "DEBUG": "0",
    "SECRET_KEY": f"faults-test-{secrets.token_hex(16)}",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_MANIFEST": "0",
    "LOG_LEVEL": "WARNING",
}
# Settings the tests decide for each process; never inherited from the shell running pytest.
_NOT_INHERITED = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "REDIS_URL",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "CELERY_VISIBILITY_TIMEOUT",
    "CELERY_TASK_TIME_LIMIT",
}


def skip_or_fail(reason: str) -> None:
    """Skip for a missing service, except in CI (REQUIRE_SERVICES=1), where that is a failure."""
    if REQUIRE_SERVICES:
        pytest.fail(reason)
    pytest.skip(reason)


def uses_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, watch: "Process | None" = None):
    """Poll `condition` until it returns something true, and return that; fail after `timeout`
    seconds (or as soon as the watched process has exited) saying what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if watch is not None and not watch.running:
            raise AssertionError(
                f"{watch.name} exited ({watch.returncode}) while waiting for {what}:\n{watch.output()}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout} s waiting for {what}.")
        time.sleep(0.1)


class Process:
    """A child process with its output in `<log_dir>/<name>.log`."""

    def __init__(self, name: str, command: list[str], *, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log = Path(log_dir) / f"{name}.log"
        with open(self.log, "ab") as log:
            self.popen = subprocess.Popen(
                command, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind, as when a machine or the OOM killer takes a worker."""
        if self.running:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        if self.running:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def children(self) -> list[int]:
        """The process's child pids (gunicorn's workers), from /proc."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return sorted(int(pid) for pid in path.read_text().split()) if path.exists() else []


@contextlib.contextmanager
def stopped_at_exit() -> Iterator[dict[str, Process]]:
    """A dict for the test to put processes in: each is stopped at the end, and their output
    printed if the test failed."""
    processes: dict[str, Process] = {}
    try:
        yield processes
    except BaseException:
        for name, process in processes.items():
            print(f"--- {name} ({process.log})\n{process.output()[-10000:]}")
        raise
    finally:
        for process in processes.values():
            process.stop()


def app_environment(**values: str) -> dict[str, str]:
    """The environment of a process running the project: this one's, production-like, plus `values`."""
    inherited = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    return {**inherited, **PRODUCTION_LIKE, **values}


def database_url(application_name: str = "") -> str:
    """The test database (pytest-django's), as a DATABASE_URL for another process. On PostgreSQL,
    `application_name` names the process's connections in pg_stat_activity."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"{url}?application_name={application_name}" if application_name else url


# --- Redis -------------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own on a free port, with nothing saved to disk."""

    def __init__(self, log_dir: Path) -> None:
        self.executable = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not os.access(self.executable, os.X_OK):
            skip_or_fail("redis-server is not installed (Debian: apt-get install redis-server).")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_dir = log_dir
        self.process: Process | None = None

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=0, socket_connect_timeout=2, socket_timeout=5)

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.exceptions.ConnectionError:
            return False

    def start(self) -> None:
        command = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = Process("redis", command, env=dict(os.environ), log_dir=self.log_dir)
        wait_for(self._answers, timeout=20, what=f"redis-server on port {self.port}", watch=self.process)

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; with nothing saved, what it held is gone."""
        if self.process is not None:
            self.process.stop()
        wait_for(lambda: not self._answers(), timeout=10, what="redis-server to stop")


@contextlib.contextmanager
def redis_server(log_dir: Path, *, started: bool = True) -> Iterator[RedisServer]:
    """A private redis-server; with started=False, only its address, for the test to start later."""
    server = RedisServer(log_dir)
    try:
        if started:
            server.start()
        yield server
    finally:
        if server.process is not None:
            server.process.stop()


@contextlib.contextmanager
def tasks_sent_to(redis_url: str) -> Iterator[None]:
    """This process's Celery app sends tasks through `redis_url` instead of running them eagerly."""
    from config.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    app._pool, app.amqp._producer_pool = None, None
    try:
        yield
    finally:
        app.conf.update(saved)
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool, app.amqp._producer_pool = None, None
        kombu.pools.reset()  # or the next sender to this address is handed the closed pool


# --- The app and its workers -----------------------------------------------------------------------------


class WebServer:
    def __init__(self, url: str, process: Process) -> None:
        self.url, self.process = url, process


def _answers_http(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_dir: Path) -> Iterator[WebServer]:
    """The project under gunicorn, as production serves it: one sync worker, so every request goes
    through the same process and its persistent database connection."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--threads", "1", "--timeout", "120", "--graceful-timeout", "5"]
    process = Process("gunicorn", command, env=env, log_dir=log_dir)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(
            lambda: _answers_http(f"{url}/healthz/"), timeout=60, what="gunicorn to serve /healthz/", watch=process
        )
        yield WebServer(url, process)
    except BaseException:
        print(f"--- gunicorn ({process.log})\n{process.output()[-10000:]}")
        raise
    finally:
        process.stop()


def celery_worker(name: str, env: dict[str, str], log_dir: Path) -> Process:
    """A real `celery worker` on the project's app, with the solo pool as tests/test_celery.py runs it."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO", "-n", f"{name}@%h"]
    return Process(name, command, env=env, log_dir=log_dir)


class Browser:
    """A person's browser over plain HTTP. It keeps cookies itself: the production settings mark them
    Secure, which requests would not send to http://127.0.0.1. It sends Origin, as browsers do with
    a form, for Django's CSRF check."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if method == "POST":
            headers["Origin"] = self.base_url
        response = requests.request(
            method, self.base_url + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, str]) -> requests.Response:
        """A form submission, with the CSRF token of the page last read."""
        return self.request("POST", path, data={**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})

    def post_and_follow(self, path: str, data: dict[str, str]) -> requests.Response:
        response = self.post(path, data)
        assert response.status_code == 302, f"POST {path} answered {response.status_code}:\n{response.text[:2000]}"
        return self.get(response.headers["Location"])

    def sign_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302 and "sessionid" in self.cookies, f"Sign-in failed: {response.status_code}"


# --- A private PostgreSQL cluster -----------------------------------------------------------------------


class PostgresCluster:
    """A PostgreSQL server of the test's own: initdb'd into a temporary directory, on a free port,
    run as the postgres user when the test runs as root (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
        initdb = found[-1] if found else shutil.which("initdb")
        if not initdb:
            skip_or_fail("The PostgreSQL server programs (initdb, pg_ctl) are not installed.")
        self.bin = Path(initdb).parent
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="faults-pg-"))
        self.data = self.directory / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.directory, user="postgres")

    def _run(self, *command: str, timeout: float = 60) -> None:
        completed = subprocess.run(
            [*self.as_postgres, *command], capture_output=True, text=True, timeout=timeout, check=False
        )
        assert completed.returncode == 0, f"{' '.join(command)} failed:\n{completed.stdout}\n{completed.stderr}"

    def start(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def restart(self) -> None:
        """Stop (fast: every connection is cut) and start again with the same options (the log file
        is not one of them: without it the server would hold this process's output open)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str, application_name: str = "") -> str:
        url = f"postgres://postgres@127.0.0.1:{self.port}/{database}"
        return f"{url}?application_name={application_name}" if application_name else url

    def copy_test_database(self, name: str) -> None:
        """The test database as it is now (schema and committed rows), as database `name` here."""
        db = settings.DATABASES["default"]
        source_env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
        source = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"], db["NAME"]]
        target = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        subprocess.run([str(self.bin / "createdb"), *target, name], check=True, timeout=30)
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", *source],
            env=source_env,
            capture_output=True,
            check=True,
            timeout=60,
        )
        subprocess.run(
            [str(self.bin / "psql"), *target, "-q", "-v", "ON_ERROR_STOP=1", "-d", name],
            input=dump.stdout,
            capture_output=True,
            check=True,
            timeout=60,
        )

    def remove(self) -> None:
        with contextlib.suppress(AssertionError, subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    except BaseException:
        print(
            f"--- PostgreSQL ({cluster.log})\n{cluster.log.read_text(errors='replace') if cluster.log.exists() else ''}"
        )
        raise
    finally:
        cluster.remove()
