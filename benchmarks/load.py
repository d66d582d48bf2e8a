"""Load test: the main pages at the benchmark size, served by gunicorn under production settings on
loopback, browsed by 50 simulated people at once for a fixed time (locust, benchmarks/locustfile.py).

    python benchmarks/load.py                      # 50 users, 60 s measured, the benchmark data set
    python benchmarks/load.py --duration 15 --size small
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shift_bench_load python benchmarks/load.py

Everyone signs in first (a deliberately slow password hash each), then browses for --warmup seconds
before --duration seconds are measured. Prints the requests per second, p50/p95/p99 latency, the
workers' CPU time a request, failures and server errors (5xx) of the measured phase, each page's
p50/p95, the sign-in burst, and the resident memory of each gunicorn worker after the warm-up and at
the end. Exits non-zero if any request failed or the server answered 5xx.

The data set is benchmarks/run.py's (32 places × 30 outcomes, 2,000 interventions in the measured
place and 100 in each other), with a partnership of 8 delivery groups carrying 1,200 of them, a LOIP
of 40 strategic outcomes and 5,000 budget lines added to the measured place. It is built once in the
database named by BENCH_DATABASE_URL (created if missing; its name must contain "bench") and reused
while it is complete; --rebuild drops and rebuilds it.

gunicorn runs `config.wsgi` with DEBUG off, a random SECRET_KEY and TRUST_X_FORWARDED_PROTO, as in
docker-compose.yml behind its TLS proxy (the simulated people send the proxy's headers). Static files
are not requested (browsers cache them); --collectstatic collects them into STATIC_ROOT first, as the
Dockerfile does, so pages render hashed asset names from the manifest exactly as in production.
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from run import BASE_DIR, build_data, reset_schema, setup_django

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shift_bench_load"
PASSWORD = "load-test-password-0123"  # noqa: S105 - synthetic accounts in a throw-away database
PARTNERSHIP = "Load test anchor partnership"


@dataclass(frozen=True)
class Size:
    places: int
    outcomes: int
    interventions: int
    other_interventions: int
    groups: int
    assigned: int
    strategic: int
    budget_lines: int


SIZES = {
    # benchmarks/run.py's defaults, plus partnerships.py's groups and budgets.py's lines in the same place.
    "full": Size(32, 30, 2000, 100, 8, 1200, 40, 5000),
    "small": Size(4, 30, 500, 50, 8, 300, 40, 1000),
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="simulated people at once (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="people started a second (default 10)")
    parser.add_argument("--duration", type=float, default=60, help="seconds measured after sign-in (default 60)")
    parser.add_argument("--warmup", type=float, default=10, help="seconds browsed before measuring (default 10)")
    parser.add_argument("--think", default="1-3", help="seconds each person waits between pages (default 1-3)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4: 2 per core)")
    parser.add_argument("--size", choices=sorted(SIZES), default="full", help="data set (default full)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data set even if it is complete")
    parser.add_argument("--collectstatic", action="store_true", help="serve hashed static names, as in production")
    parser.add_argument("--timeout", type=float, default=900, help="hard limit on the whole run, seconds (default 900)")
    return parser.parse_args()


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database if it does not exist yet (SQLite files create themselves)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    connect = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
    }
    try:
        with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **connect) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
                connection.execute(f'CREATE DATABASE "{config["NAME"]}"')
    except psycopg.OperationalError as error:
        sys.exit(
            f"PostgreSQL is not reachable at {connect['host']}:{connect['port']} ({error}). Start it, or set "
            "BENCH_DATABASE_URL (for example sqlite:///build/benchmark-load.sqlite3)."
        )


def is_complete(size: Size) -> bool:
    from interventions.models import GroupAssignment, Intervention
    from partnerships.models import Partnership
    from wellbeing.models import BudgetLine, Place, StrategicOutcome, WellbeingOutcome

    place = Place.objects.filter(slug="bench-place-000").first()
    return bool(
        place
        and Place.objects.filter(slug__startswith="bench-place-").count() == size.places
        and WellbeingOutcome.objects.filter(place=place).count() == size.outcomes
        and Intervention.objects.filter(place=place).count() == size.interventions
        and Partnership.objects.filter(place=place, name=PARTNERSHIP).exists()
        and GroupAssignment.objects.filter(group__partnership__place=place).count() == size.assigned
        and StrategicOutcome.objects.filter(plan__place=place).count() == size.strategic
        and BudgetLine.objects.filter(place=place).count() == size.budget_lines
    )


def build_extras(place, owner, size: Size) -> None:
    """What the other pages need in the measured place: a partnership whose delivery groups carry
    some of its interventions, a LOIP embedding its outcomes, and tagged budget lines. Bulk-inserted."""
    import random
    from decimal import Decimal

    from django.db import transaction

    from interventions.models import GroupAssignment, Intervention
    from partnerships.models import DeliveryGroup, Membership, Organisation, Partnership
    from wellbeing.models import (
        BudgetLine,
        BudgetShare,
        NationalOutcome,
        StrategicOutcome,
        StrategicPlan,
        WellbeingOutcome,
    )

    rng = random.Random(42)  # the same data every build
    organisations = list(Organisation.objects.filter(place=place).order_by("pk"))
    outcomes = list(WellbeingOutcome.objects.filter(place=place).order_by("priority_rank"))
    national = list(NationalOutcome.objects.all())
    with transaction.atomic():
        partnership = Partnership.objects.create(place=place, name=PARTNERSHIP, kind=Partnership.Kind.ANCHOR)
        Membership.objects.bulk_create(
            Membership(partnership=partnership, organisation=organisation) for organisation in organisations
        )
        groups = DeliveryGroup.objects.bulk_create(
            DeliveryGroup(partnership=partnership, name=f"Delivery group {n}", lead_organisation=organisations[n % 10])
            for n in range(size.groups)
        )
        Focus, Members = DeliveryGroup.outcomes.through, DeliveryGroup.members.through
        Focus.objects.bulk_create(
            Focus(deliverygroup=group, wellbeingoutcome=outcomes[(3 * n + k) % len(outcomes)])
            for n, group in enumerate(groups)
            for k in range(3)
        )
        Members.objects.bulk_create(
            Members(deliverygroup=group, organisation=organisation)
            for group in groups
            for organisation in rng.sample(organisations, 4)
        )
        interventions = list(Intervention.objects.filter(place=place).order_by("pk"))
        GroupAssignment.objects.bulk_create(
            GroupAssignment(group=groups[n % len(groups)], intervention=intervention, assigned_by=owner)
            for n, intervention in enumerate(rng.sample(interventions, size.assigned))
        )
        plan = StrategicPlan.objects.create(
            place=place,
            title="Load test LOIP",
            kind=StrategicPlan.Kind.LOIP,
            status=StrategicPlan.Status.ADOPTED,
            period_start=2024,
            period_end=2034,
        )
        strategic = StrategicOutcome.objects.bulk_create(
            StrategicOutcome(plan=plan, title=f"Strategic outcome {n}") for n in range(size.strategic)
        )
        Embeds, Serves = StrategicOutcome.wellbeing_outcomes.through, StrategicOutcome.national_outcomes.through
        Embeds.objects.bulk_create(
            Embeds(strategicoutcome=row, wellbeingoutcome=outcome)
            for row in strategic
            for outcome in rng.sample(outcomes, 3)
        )
        Serves.objects.bulk_create(
            Serves(strategicoutcome=row, nationaloutcome=outcome)
            for row in strategic
            for outcome in rng.sample(national, 2)
        )
        years = ("2023/24", "2024/25", "2025/26")
        lines = BudgetLine.objects.bulk_create(
            BudgetLine(
                place=place,
                service=f"Service {n % 10}",
                cost_centre=f"CC{n:05d}",
                financial_year=years[n % len(years)],
                kind=BudgetLine.Kind.CAPITAL if n % 5 == 0 else BudgetLine.Kind.REVENUE,
                amount_gbp=Decimal(rng.randrange(10_000, 5_000_000)),
            )
            for n in range(size.budget_lines)
        )
        BudgetShare.objects.bulk_create(
            BudgetShare(line=line, outcome=outcome, percent=Decimal(rng.randrange(5, 25)))
            for line in lines
            for outcome in rng.sample(outcomes, rng.choice((0, 1, 2, 3, 4)))  # one line in five untagged
        )


def prepare_data(size: Size, *, rebuild: bool) -> str:
    """Build the data set unless a complete one is there; returns what was done, for the report."""
    from django.core.management import call_command
    from django.db import connection

    from wellbeing.models import Place, User

    reuse = not rebuild and "django_migrations" in connection.introspection.table_names()
    if reuse:
        call_command("migrate", verbosity=0)  # new migrations apply to the kept data, as in production
        if is_complete(size):
            return "reused"
    reset_schema()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build_data(
        places=size.places,
        outcomes=size.outcomes,
        interventions=size.interventions,
        other_interventions=size.other_interventions,
    )
    build_extras(Place.objects.get(slug="bench-place-000"), User.objects.get(username="bench-analyst"), size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as autovacuum would gather them
    return f"built in {time.perf_counter() - started:.1f} s"


def prepare_people(users: int) -> dict[str, list[str]]:
    """An account per simulated person and role (one password hash for all: hashing is slow on purpose)."""
    from axes.models import AccessAttempt
    from django.contrib.auth.hashers import make_password

    from wellbeing.models import Place, PlaceMembership, Role, User

    place = Place.objects.get(slug="bench-place-000")
    User.objects.filter(username__startswith="load-").delete()
    AccessAttempt.objects.filter(username__startswith="load-").delete()
    password = make_password(PASSWORD)
    accounts = {role: [f"load-{role.value}-{n:03d}" for n in range(users)] for role in (Role.ANALYST, Role.OFFICER)}
    for role, names in accounts.items():
        made = User.objects.bulk_create(User(username=name, password=password) for name in names)
        PlaceMembership.objects.bulk_create(PlaceMembership(user=user, place=place, role=role) for user in made)
    return {role.value: names for role, names in accounts.items()}


def targets(accounts: dict[str, list[str]]) -> dict:
    from interventions.models import Intervention
    from partnerships.models import DeliveryGroup, Partnership
    from wellbeing.models import Place, WellbeingOutcome

    place = Place.objects.get(slug="bench-place-000")
    interventions = list(Intervention.objects.filter(place=place).values_list("pk", flat=True))
    last = -(-len(interventions) // 25)  # the register shows 25 a page
    return {
        "place": place.slug,
        "password": PASSWORD,
        "accounts": accounts,
        "interventions": interventions,
        "outcomes": list(WellbeingOutcome.objects.filter(place=place).values_list("pk", flat=True)),
        "partnership": Partnership.objects.get(place=place, name=PARTNERSHIP).pk,
        "groups": list(DeliveryGroup.objects.filter(partnership__place=place).values_list("pk", flat=True)),
        "register_pages": sorted({1, 2, 3, max(1, last // 2), last}),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, *, manifest: bool) -> dict[str, str]:
    """Production settings (README, "Production"), as docker-compose.yml runs them behind a TLS proxy."""
    unset = {"DEBUG", "SECRET_KEY", "REDIS_URL", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT"}
    return {
        **{key: value for key, value in os.environ.items() if key not in unset},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUST_X_FORWARDED_PROTO": "1",
        "DATABASE_URL": database_url,
        "STATIC_MANIFEST": "1" if manifest else "0",
        "LOG_LEVEL": "WARNING",
    }


def wait_until_serving(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode} before serving")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/healthz/", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass  # not listening yet
        finally:
            connection.close()
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer /healthz/ within {timeout:.0f} s")


def megabytes(memory: dict[str, int]) -> str:
    values = [kb / 1024 for _, kb in sorted(memory.items(), key=lambda item: int(item[0]))]
    return " ".join(f"{value:.1f}" for value in values) + f" (sum {sum(values):.1f}, {len(values)} workers)"


def report(result: dict, *, args, database: str, data: str, size: str) -> list[str]:
    """Print the figures; returns the problems that make the run fail."""
    measured, warmup = result["measured"], result["warmup"]
    seconds = result["measured_seconds"]
    print(
        f"load: {result['users']} users ({args.think} s between pages), measured for {seconds:.0f} s after all "
        f"signed in and {result['warmup_seconds']:.0f} s of warm-up browsing; gunicorn, {args.workers} sync "
        f"workers, production settings; {database}; data set {size} ({data})"
    )
    print(f"requests: {measured['requests']} in {seconds:.1f} s = {measured['requests'] / seconds:.1f} requests/s")
    if measured["requests"]:
        print(f"latency ms: p50 {measured['p50']:.0f}  p95 {measured['p95']:.0f}  p99 {measured['p99']:.0f}")
    if measured["requests"]:
        print(
            f"server CPU: the workers used {result['cpu_seconds']:.1f} CPU s while measured, "
            f"{1000 * result['cpu_seconds'] / measured['requests']:.0f} ms a request"
        )
    print(f"failures: {measured['failures'] + warmup['failures']}")
    print(f"server errors (5xx): {result['server_errors']}")
    print(f"machine load average (1 min) at start {result['load_start']}, at end {result['load_end']}")
    print(f"worker memory MB at start: {megabytes(result['memory_start_kb'])}")
    print(f"worker memory MB at end: {megabytes(result['memory_end_kb'])}")
    sign_in = warmup["pages"].get("sign in")
    if sign_in:
        print(
            f"sign-in (before the figures above): {sign_in['requests']} people in {result['signin_seconds']:.1f} s, "
            f"p50 {sign_in['p50']:.0f} ms, p95 {sign_in['p95']:.0f} ms, max {sign_in['max']:.0f} ms"
        )
    print(f"{'page':<32}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'failed':>8}")
    for name, page in measured["pages"].items():
        print(
            f"{name:<32}{page['requests']:>10}{page['p50']:>10.0f}{page['p95']:>10.0f}"
            f"{page['max']:>10.0f}{page['failures']:>8}"
        )
    problems = []
    if result["signed_in"] < result["users"]:
        problems.append(f"only {result['signed_in']} of {result['users']} people signed in")
    if measured["failures"] + warmup["failures"]:
        problems.append(f"{measured['failures'] + warmup['failures']} requests failed")
    if result["server_errors"]:
        problems.append(f"{result['server_errors']} server errors: {result['server_errors_by_page']}")
    if not measured["requests"]:
        problems.append("nothing was measured")
    replaced = set(result["memory_end_kb"]) - set(result["memory_start_kb"])
    if replaced or len(result["memory_end_kb"]) != args.workers:
        problems.append(f"gunicorn replaced {len(replaced)} workers during the run (a crash or a timeout)")
    if problems and result["examples"]:
        print("first problems: " + "; ".join(result["examples"]))
    return problems


class OutOfTime(Exception):
    pass


def main() -> int:
    args = parse_args()
    size = SIZES[args.size]

    def out_of_time(*_):
        raise OutOfTime(f"the load test passed its hard limit of {args.timeout:.0f} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.timeout))

    database_url = os.environ.setdefault("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    setup_django()
    from django.db import connection

    data = prepare_data(size, rebuild=args.rebuild)
    accounts = prepare_people(args.users)
    database = f"{connection.vendor} ({connection.settings_dict['NAME']})"
    work = Path(tempfile.mkdtemp(prefix="shift-load-"))
    (work / "targets.json").write_text(json.dumps(targets(accounts)))
    connection.close()
    print(f"data set {args.size}: {data}", flush=True)

    environment = server_environment(database_url, manifest=args.collectstatic)
    if args.collectstatic:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            env=environment,
            cwd=BASE_DIR,
            check=True,
            timeout=600,
        )
    port = free_port()
    log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.workers}",
            "--worker-class=sync",
            "--timeout=120",
        ],
        env=environment,
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    problems = []
    try:
        wait_until_serving(port, server)
        signin_timeout = 180
        driver = subprocess.run(  # noqa: S603
            [
                sys.executable,
                str(BASE_DIR / "benchmarks" / "locustfile.py"),
                f"--host=http://127.0.0.1:{port}",
                f"--users={args.users}",
                f"--spawn-rate={args.spawn_rate}",
                f"--duration={args.duration}",
                f"--warmup={args.warmup}",
                f"--signin-timeout={signin_timeout}",
                f"--server-pid={server.pid}",
                f"--result={work / 'result.json'}",
            ],
            env={**os.environ, "LOAD_TARGETS": str(work / "targets.json"), "LOAD_THINK": args.think},
            cwd=BASE_DIR,
            timeout=signin_timeout + args.warmup + args.duration + 120,
            capture_output=True,
            text=True,
        )
        if driver.returncode != 0:
            print(driver.stdout[-3000:], driver.stderr[-5000:], sep="\n")
            problems.append(f"the locust driver exited with code {driver.returncode}")
        else:
            result = json.loads((work / "result.json").read_text())
            problems += report(result, args=args, database=database, data=data, size=args.size)
    except (OutOfTime, RuntimeError, subprocess.TimeoutExpired) as error:
        problems.append(str(error))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        signal.alarm(0)
    if problems:
        tail = (work / "gunicorn.log").read_text().splitlines()[-60:]
        print("gunicorn log (last lines):", *tail, sep="\n")
        print("FAILED: " + "; ".join(problems))
    shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
