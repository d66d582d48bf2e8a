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
        "--interventions",
        type=int,
        default=2000,
        help="interventions of the measured place, each linked to 2 of its outcomes (default 2000)",
    )
    parser.add_argument(
        "--other-interventions",
        type=int,
        default=100,
        help="interventions of each other place, so the place filter has rows to skip (default 100)",
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


def build_places(*, places: int, outcomes: int):
    """Reference data, an analyst who is a member of every place, and `places` councils with
    `outcomes` outcomes each (3 NPF outcomes and 5 indicators per outcome). Returns (analyst, places)."""
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
    return analyst, created


def build_data(*, places: int, outcomes: int, interventions: int, other_interventions: int):
    from django.db import transaction

    analyst, created = build_places(places=places, outcomes=outcomes)
    with transaction.atomic():
        for index, place in enumerate(created):
            build_interventions(place, count=interventions if index == 0 else other_interventions, owner=analyst)
    return analyst, created[0]


def build_interventions(place, *, count: int, owner) -> None:
    """Interventions with 2 outcome links each (a third of them assessed over a year ago), 10 lead
    organisations, 2 partners and 1 CWB pillar each; bulk-inserted (no history rows, as for a
    place migrated in before the service)."""
    from datetime import date, timedelta

    from interventions.models import Contribution, Intervention
    from partnerships.models import Organisation
    from wellbeing.models import CwbPillar, WellbeingOutcome

    organisations = Organisation.objects.bulk_create(
        Organisation(place=place, name=f"Organisation {n} of {place.name}") for n in range(10)
    )
    outcomes = list(WellbeingOutcome.objects.filter(place=place))
    pillars = list(CwbPillar.objects.all())
    kinds, statuses = list(Intervention.Kind), list(Intervention.Status)
    rows = Intervention.objects.bulk_create(
        Intervention(
            place=place,
            title=f"Intervention {n:05d} of {place.name}",
            kind=kinds[n % len(kinds)],
            level=Intervention.Level.LOCAL if n % 4 else Intervention.Level.REGIONAL,
            status=statuses[n % len(statuses)],
            lead_organisation=organisations[n % 10],
            owner=owner,
            budget_gbp=1000 * (n % 500),
            description="Synthetic intervention for the benchmark.",
        )
        for n in range(count)
    )
    Partners = Intervention.partners.through
    Partners.objects.bulk_create(
        Partners(intervention=row, organisation=organisations[(row.pk + k) % 10]) for row in rows for k in (1, 2)
    )
    Pillars = Intervention.cwb_pillars.through
    Pillars.objects.bulk_create(Pillars(intervention=row, cwbpillar=pillars[row.pk % len(pillars)]) for row in rows)
    today = date.today()  # noqa: DTZ011 - synthetic data
    Contribution.objects.bulk_create(
        Contribution(
            intervention=row,
            outcome=outcomes[(row.pk + k) % len(outcomes)],
            strength=list(Contribution.Strength)[k],
            effectiveness=list(Contribution.Effectiveness)[row.pk % 4],
            assessed_on=today - timedelta(days=400 if row.pk % 3 == 0 else 30),
        )
        for row in rows
        for k in (0, 1)
    )


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
    if args.outcomes < 2:
        sys.exit("--outcomes must be 2 or more: each intervention links to 2 outcomes.")
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    reset_schema()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    analyst, place = build_data(
        places=args.places,
        outcomes=args.outcomes,
        interventions=args.interventions,
        other_interventions=args.other_interventions,
    )
    build_seconds = time.perf_counter() - started

    from interventions.models import Intervention
    from wellbeing.models import WellbeingOutcome

    register = f"/places/{place.slug}/interventions/"
    outcome = WellbeingOutcome.objects.filter(place=place).first()
    intervention = Intervention.objects.filter(place=place).order_by("pk").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(analyst)
    pages = [
        ("trivial view (/healthz/)", "/healthz/"),
        ("home: your places", "/"),
        ("place overview", f"/places/{place.slug}/"),
        ("NPF reference", "/npf/"),
        ("register, page 1", f"/places/{place.slug}/interventions/"),
        ("register, last page", f"/places/{place.slug}/interventions/?page=last"),
        ("register, filtered+sorted", f"{register}?status=active&outcome={outcome.pk}&assessment=stale&sort=-assessed"),
        ("register, text search", f"{register}?q=00042"),
        ("intervention page", f"{register}{intervention.pk}/"),
        ("outcome page", f"/places/{place.slug}/outcomes/{outcome.pk}/"),
        ("register export, XLSX", f"{register}export/?format=xlsx"),
    ]
    print(
        f"database: {connection.vendor}; {args.places} places × {args.outcomes} outcomes "
        f"(each linked to 3 NPF outcomes and 5 indicators); {args.interventions} interventions in the "
        f"measured place, {args.other_interventions} in each other; built in {build_seconds:.1f} s; "
        f"{args.repeat} timed requests per page"
    )
    results = [(label, *measure(client, url, args.repeat)) for label, url in pages]
    baseline = results[0][1]
    print(f"{'page':<30}{'median ms':>12}{'× trivial':>12}{'queries':>10}")
    for label, median, queries in results:
        print(f"{label:<30}{median * 1000:>12.2f}{median / baseline:>12.1f}{queries:>10}")


if __name__ == "__main__":
    main()
