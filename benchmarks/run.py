"""Benchmark runner: builds synthetic data of a given size in a throw-away database and prints,
for each page, the median server time, its ratio to a trivial view measured in the same run, and
the number of SQL queries. Times are in-process (Django's test client): server time, no network.

    python benchmarks/run.py --places 32 --outcomes 30
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shift_bench python benchmarks/run.py

The database named by BENCH_DATABASE_URL (default: build/benchmark.sqlite3) is emptied first (its
schema dropped and migrated afresh); its name must contain "bench".
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--places", type=int, default=32, help="council places to build (default 32)")
    parser.add_argument("--outcomes", type=int, default=30, help="key wellbeing outcomes per place (default 30)")
    parser.add_argument(
        "--interventions-per-place",
        type=int,
        default=0,
        help="interventions per place; needs the intervention map (not built yet), so only 0 is accepted now",
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (default 30)")
    return parser.parse_args()


def setup_django() -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{BASE_DIR / 'build' / 'benchmark.sqlite3'}"
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def reset_schema() -> None:
    """Start from an empty schema, so the benchmark never runs on a stale one."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if "bench" not in Path(name).name:
        sys.exit(f"Refusing to empty database {name!r}: its name must contain 'bench'.")
    if connection.vendor == "sqlite":
        connection.close()
        Path(name).unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


def build_data(*, places: int, outcomes: int):
    from django.core.management import call_command
    from django.db import transaction

    from wellbeing.models import (
        NationalIndicator,
        NationalOutcome,
        Place,
        PlaceMembership,
        Role,
        User,
        WellbeingOutcome,
    )

    call_command("load_reference", verbosity=0)
    national = list(NationalOutcome.objects.all())
    indicators = list(NationalIndicator.objects.all())
    with transaction.atomic():
        analyst = User.objects.create_user("bench-analyst", password="bench-password-0123")  # noqa: S106
        created = Place.objects.bulk_create(
            Place(name=f"Bench place {i:03d}", slug=f"bench-place-{i:03d}", kind=Place.Kind.COUNCIL)
            for i in range(places)
        )
        PlaceMembership.objects.bulk_create(
            PlaceMembership(user=analyst, place=place, role=Role.ANALYST) for place in created
        )
        rows = WellbeingOutcome.objects.bulk_create(
            WellbeingOutcome(place=place, title=f"Outcome {n} of {place.name}", priority_rank=n + 1)
            for place in created
            for n in range(outcomes)
        )
        NationalLinks = WellbeingOutcome.national_outcomes.through
        IndicatorLinks = WellbeingOutcome.national_indicators.through
        NationalLinks.objects.bulk_create(
            NationalLinks(wellbeingoutcome=row, nationaloutcome=national[(row.pk + k) % len(national)])
            for row in rows
            for k in range(3)
        )
        IndicatorLinks.objects.bulk_create(
            IndicatorLinks(wellbeingoutcome=row, nationalindicator=indicators[(row.pk * 7 + k) % len(indicators)])
            for row in rows
            for k in range(5)
        )
    return analyst, created[0]


def measure(client, url: str, repeat: int) -> tuple[float, int]:
    from django.db import connection

    response = client.get(url)  # warm up
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}; the benchmark needs 200.")
    # Counted with an execute wrapper: the query log is reset when each request starts.
    executed = []
    with connection.execute_wrapper(lambda execute, sql, *rest: executed.append(sql) or execute(sql, *rest)):
        client.get(url)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(executed)


def main() -> None:
    args = parse_args()
    if args.interventions_per_place:
        sys.exit("--interventions-per-place needs the intervention map, which is not built yet; use 0.")
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    reset_schema()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    analyst, place = build_data(places=args.places, outcomes=args.outcomes)
    build_seconds = time.perf_counter() - started

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(analyst)
    pages = [
        ("trivial view (/healthz/)", "/healthz/"),
        ("home: your places", "/"),
        ("place overview", f"/places/{place.slug}/"),
        ("NPF reference", "/npf/"),
    ]
    print(
        f"database: {connection.vendor}; {args.places} places × {args.outcomes} outcomes "
        f"(each linked to 3 NPF outcomes and 5 indicators); built in {build_seconds:.1f} s; "
        f"{args.repeat} timed requests per page"
    )
    results = [(label, *measure(client, url, args.repeat)) for label, url in pages]
    baseline = results[0][1]
    print(f"{'page':<28}{'median ms':>12}{'× trivial':>12}{'queries':>10}")
    for label, median, queries in results:
        print(f"{label:<28}{median * 1000:>12.2f}{median / baseline:>12.1f}{queries:>10}")


if __name__ == "__main__":
    main()
