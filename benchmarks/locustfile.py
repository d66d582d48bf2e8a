"""The simulated people of the load test, and its driver: benchmarks/load.py runs this file as a
process of its own, so gevent's monkey-patching (locust applies it on import) never reaches the
Django code that builds the data.

    LOAD_TARGETS=targets.json python benchmarks/locustfile.py --host http://127.0.0.1:PORT \
        --server-pid GUNICORN_MASTER_PID --result result.json

targets.json (written by load.py) names the place, its interventions, outcomes, partnership and
delivery groups, and the accounts to sign in with. Every person signs in first (the warm-up); then
the gunicorn workers' memory and CPU time are read, `--duration` seconds of browsing are measured,
they are read again, and the figures are written as JSON for load.py to print.

The server runs with production settings behind a simulated TLS proxy (TRUST_X_FORWARDED_PROTO):
every request carries the headers that proxy would add, and the client sends the session and CSRF
cookies (marked Secure) back over loopback HTTP, as the browser does over the proxy's HTTPS.
"""

import argparse
import itertools
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import gevent
import gevent.event
from locust import HttpUser, between, events, task
from locust.env import Environment

TARGETS = json.loads(Path(os.environ["LOAD_TARGETS"]).read_text()) if os.environ.get("LOAD_TARGETS") else {}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Recorder:
    """Every response, as the request event reports it: server errors over the whole run, and the
    response times and failures of the measured phase only (sign-ins are the warm-up)."""

    def __init__(self) -> None:
        self.measuring = False
        self.signed_in = 0
        self.server_errors: Counter[str] = Counter()
        self.examples: list[str] = []
        self.times: dict[str, list[float]] = defaultdict(list)
        self.failures: Counter[str] = Counter()
        self.warmup_times: dict[str, list[float]] = defaultdict(list)
        self.warmup_failures: Counter[str] = Counter()

    def on_request(self, name, response_time, response=None, exception=None, **_) -> None:
        status = getattr(response, "status_code", 0) or 0
        if status >= 500:
            self.server_errors[name] += 1
            if len(self.examples) < 5:
                self.examples.append(f"{status} {getattr(response, 'url', name)}")
        times, failures = (self.times, self.failures) if self.measuring else (self.warmup_times, self.warmup_failures)
        times[name].append(response_time)
        if exception is not None:
            failures[name] += 1
            if len(self.examples) < 5:
                self.examples.append(f"{name}: {exception}")


RECORDER = Recorder()
events.request.add_listener(RECORDER.on_request)


THINK = tuple(float(part) for part in os.environ.get("LOAD_THINK", "1-3").split("-"))
# Opened once everyone has signed in: the sign-in burst (a deliberately slow password hash each)
# is over before browsing starts, so its queue is not part of the browsing figures.
BROWSING = gevent.event.Event()


class Person(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    role = ""

    def on_start(self) -> None:
        origin = self.host.replace("http://", "https://", 1)
        self.client.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})
        self.origin = origin
        self.place = f"/places/{TARGETS['place']}"
        self.sign_in(next(ACCOUNTS[self.role]))
        BROWSING.wait()
        gevent.sleep(random.uniform(0, THINK[1]))  # people do not all click at the same moment

    def keep_cookies(self) -> None:
        """Send the Secure session and CSRF cookies back over loopback HTTP, where the simulated
        proxy stands in for TLS (requests, like a browser, keeps Secure cookies for HTTPS)."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def sign_in(self, username: str) -> None:
        with self.client.get("/accounts/login/", name="sign in (form)", catch_response=True) as response:
            self.keep_cookies()
            token = CSRF_FIELD.search(response.text or "")
            if response.status_code != 200 or not token:
                response.failure(f"sign-in form answered {response.status_code}")
                return
        with self.client.post(
            "/accounts/login/",
            data={"username": username, "password": TARGETS["password"], "csrfmiddlewaretoken": token.group(1)},
            headers={"Origin": self.origin, "Referer": f"{self.origin}/accounts/login/"},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.keep_cookies()
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}, not a redirect")
                return
        RECORDER.signed_in += 1

    def page(self, path: str, name: str) -> None:
        """A page the person may see: anything but 200 (a redirect to sign in, a 403, a 500) fails."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            self.keep_cookies()
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")

    def intervention(self) -> int:
        return random.choice(TARGETS["interventions"])

    def register_page(self) -> None:
        self.page(f"{self.place}/interventions/?page={random.choice(TARGETS['register_pages'])}", "register, a page")


class Analyst(Person):
    """Reads the analysis: the place's dashboard, the register, the gap analysis, partnerships,
    alignment and budgets."""

    weight = 3
    role = "analyst"

    @task(3)
    def overview(self) -> None:
        self.page(f"{self.place}/", "place overview")

    @task(1)
    def home(self) -> None:
        self.page("/", "home: your places")

    @task(3)
    def register(self) -> None:
        self.page(f"{self.place}/interventions/", "register, page 1")

    @task(2)
    def register_pages(self) -> None:
        self.register_page()

    @task(2)
    def register_filtered(self) -> None:
        outcome = random.choice(TARGETS["outcomes"])
        self.page(
            f"{self.place}/interventions/?status=active&outcome={outcome}&assessment=stale&sort=-assessed",
            "register, filtered + sorted",
        )

    @task(3)
    def intervention_page(self) -> None:
        self.page(f"{self.place}/interventions/{self.intervention()}/", "intervention page")

    @task(3)
    def gap_analysis(self) -> None:
        self.page(f"{self.place}/gaps/", "gap analysis")

    @task(1)
    def gap_analysis_for_group(self) -> None:
        self.page(f"{self.place}/gaps/?group={random.choice(TARGETS['groups'])}", "gap analysis, one group")

    @task(1)
    def partnerships(self) -> None:
        self.page(f"{self.place}/partnerships/", "partnerships list")

    @task(1)
    def partnership(self) -> None:
        self.page(f"{self.place}/partnerships/{TARGETS['partnership']}/", "partnership page")

    @task(1)
    def delivery_group(self) -> None:
        group = random.choice(TARGETS["groups"])
        self.page(f"{self.place}/partnerships/{TARGETS['partnership']}/groups/{group}/", "delivery group page")

    @task(1)
    def group_dashboard(self) -> None:
        self.page(f"{self.place}/groups/{random.choice(TARGETS['groups'])}/dashboard/", "group dashboard")

    @task(1)
    def alignment(self) -> None:
        self.page(f"{self.place}/alignment/", "alignment")

    @task(1)
    def budgets(self) -> None:
        self.page(f"{self.place}/budgets/", "wellbeing budget")

    @task(1)
    def budget_lines(self) -> None:
        self.page(f"{self.place}/budgets/lines/", "budget lines")


class Officer(Person):
    """Keeps the register: searches and filters it, opens interventions and their edit forms."""

    weight = 2
    role = "officer"

    @task(2)
    def overview(self) -> None:
        self.page(f"{self.place}/", "place overview")

    @task(3)
    def register(self) -> None:
        self.page(f"{self.place}/interventions/", "register, page 1")

    @task(2)
    def register_pages(self) -> None:
        self.register_page()

    @task(2)
    def register_search(self) -> None:
        self.page(f"{self.place}/interventions/?q={random.randrange(2000):05d}", "register, text search")

    @task(4)
    def intervention_page(self) -> None:
        self.page(f"{self.place}/interventions/{self.intervention()}/", "intervention page")

    @task(2)
    def intervention_edit_form(self) -> None:
        self.page(f"{self.place}/interventions/{self.intervention()}/edit/", "intervention edit form")

    @task(1)
    def outcome_page(self) -> None:
        self.page(f"{self.place}/outcomes/{random.choice(TARGETS['outcomes'])}/", "outcome page")

    @task(1)
    def organisations(self) -> None:
        self.page(f"{self.place}/organisations/", "organisations directory")


# Each simulated person signs in with an account of their own role (cycled if there are more people).
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ACCOUNTS = {role: itertools.cycle(names) for role, names in TARGETS.get("accounts", {}).items()}


def workers(master_pid: int) -> dict[int, tuple[int, float]]:
    """Resident memory (kB) and CPU seconds used so far of each child of the gunicorn master, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master_pid:
                continue
            status = (entry / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if rss:  # fields 11 and 12 (0-based, after the name) are utime and stime, in clock ticks
            found[int(entry.name)] = (int(rss.group(1)), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return found


def load_average() -> str:
    """The 1-minute load average: other work on the machine shows in the figures."""
    return Path("/proc/loadavg").read_text().split()[0]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of the recorded response times (ms)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def summary(times: dict[str, list[float]], failures: Counter) -> dict:
    every = [value for values in times.values() for value in values]
    return {
        "requests": len(every),
        "failures": sum(failures.values()),
        "p50": percentile(every, 0.50) if every else None,
        "p95": percentile(every, 0.95) if every else None,
        "p99": percentile(every, 0.99) if every else None,
        "pages": {
            name: {
                "requests": len(values),
                "failures": failures[name],
                "p50": statistics.median(values),
                "p95": percentile(values, 0.95),
                "max": max(values),
            }
            for name, values in sorted(times.items())
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=float, default=60, help="seconds measured after the warm-up")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of browsing before measuring")
    parser.add_argument("--signin-timeout", type=float, default=180, help="seconds allowed for every sign-in")
    parser.add_argument("--server-pid", type=int, required=True, help="the gunicorn master")
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args()

    environment = Environment(user_classes=[Analyst, Officer], events=events, host=args.host)
    runner = environment.create_local_runner()
    started = time.monotonic()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    # Warm-up: every person signs in (each a password hash on the server) before anything is measured.
    while time.monotonic() - started < args.signin_timeout:
        refused = RECORDER.warmup_failures["sign in"] + RECORDER.warmup_failures["sign in (form)"]
        if RECORDER.signed_in + refused >= args.users:
            break
        gevent.sleep(0.2)
    signin_seconds = time.monotonic() - started
    BROWSING.set()
    gevent.sleep(args.warmup)  # every worker renders the pages once before anything is measured
    start, load_start = workers(args.server_pid), load_average()
    RECORDER.measuring = True
    measured_from = time.monotonic()
    gevent.sleep(args.duration)
    measured_seconds = time.monotonic() - measured_from
    end, load_end = workers(args.server_pid), load_average()
    RECORDER.measuring = False
    runner.quit()

    result = {
        "users": args.users,
        "signed_in": RECORDER.signed_in,
        "signin_seconds": signin_seconds,
        "warmup_seconds": args.warmup,
        "measured_seconds": measured_seconds,
        "warmup": summary(RECORDER.warmup_times, RECORDER.warmup_failures),
        "measured": summary(RECORDER.times, RECORDER.failures),
        "server_errors": sum(RECORDER.server_errors.values()),
        "server_errors_by_page": dict(RECORDER.server_errors),
        "examples": RECORDER.examples,
        "load_start": load_start,
        "load_end": load_end,
        "memory_start_kb": {pid: rss for pid, (rss, _) in start.items()},
        "memory_end_kb": {pid: rss for pid, (rss, _) in end.items()},
        "cpu_seconds": sum(cpu for _, cpu in end.values()) - sum(cpu for _, cpu in start.values()),
    }
    args.result.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    sys.exit(main())
