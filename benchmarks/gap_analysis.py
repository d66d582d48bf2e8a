"""Gap analysis benchmark: builds places of a given size in a throw-away database and prints the
median server time of the gap analysis pages (a place's analysis, filtered, its print version and a
region of all the places side by side), of the computation alone, of its one contributions query
alone and of the XLSX report, each as a ratio to a trivial view measured in the same run, with the
number of SQL queries. Times are in-process (Django's test client): server time, no network.

    python benchmarks/gap_analysis.py --places 32 --interventions 2000 --outcomes 30
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shift_bench_gaps python benchmarks/gap_analysis.py

Each place sees --interventions interventions: its own and the shared national ones (one in twenty),
each linked to 3 of the place's outcomes (mixed strength and effectiveness, about 70% active,
budgets set, half with an end date); the last 3 outcomes have no links (gaps) and one has only
enabling links (thin). One analyst is a member of every place; a region holds them all.

The database named by BENCH_DATABASE_URL (default: build/benchmark-gaps.sqlite3) is emptied first
(its schema dropped and migrated afresh); its name must contain "bench".
"""

import argparse
import os
import random
import statistics
import time
from datetime import date, timedelta

from run import BASE_DIR, build_places, measure, reset_schema, setup_django

LINKS_PER_INTERVENTION = 3
NATIONAL_SHARE = 20  # one intervention in twenty a place sees is a shared national one
GAP_OUTCOMES = 3  # the last outcomes, which nothing links to
ACTIVE_SHARE = 0.7


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--places", type=int, default=32, help="council places, all in one region (default 32)")
    parser.add_argument(
        "--interventions",
        type=int,
        default=2000,
        help="interventions each place sees (its own and the shared national ones), 3 links each (default 2000)",
    )
    parser.add_argument("--outcomes", type=int, default=30, help="key wellbeing outcomes per place (default 30)")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measurement (default 20)")
    return parser.parse_args()


def build_data(*, places: int, outcomes: int, interventions: int):
    """Bulk-inserted (no history rows, as for places migrated in before the service)."""
    from django.db import transaction

    from interventions.models import Intervention
    from partnerships.models import Organisation
    from wellbeing.models import Place, WellbeingOutcome

    rng = random.Random(42)  # the same data every run
    analyst, councils = build_places(places=places, outcomes=outcomes)
    with transaction.atomic():
        region = Place.objects.create(name="Bench region", slug="bench-region", kind=Place.Kind.REGION)
        region.member_councils.set(councils)
        shared_count = max(1, interventions // NATIONAL_SHARE)
        national_bodies = Organisation.objects.bulk_create(Organisation(name=f"National body {n}") for n in range(5))
        shared = Intervention.objects.bulk_create(
            _intervention(rng, n, place=None, lead=national_bodies[n % 5], owner=None) for n in range(shared_count)
        )
        for place in councils:
            organisations = Organisation.objects.bulk_create(
                Organisation(place=place, name=f"Organisation {n} of {place.name}") for n in range(10)
            )
            own = Intervention.objects.bulk_create(
                _intervention(rng, n, place=place, lead=organisations[n % 10], owner=analyst)
                for n in range(interventions - shared_count)
            )
            _link(rng, [*own, *shared], list(WellbeingOutcome.objects.filter(place=place).order_by("priority_rank")))
    return analyst, councils[0], region


def _intervention(rng: random.Random, n: int, *, place, lead, owner):
    from interventions.models import Intervention

    active = rng.random() < ACTIVE_SHARE
    start = date(2024, 4, 1) + timedelta(days=rng.randrange(700))
    if place is None:
        level = Intervention.Level.NATIONAL
    else:
        level = Intervention.Level.LOCAL if n % 4 else Intervention.Level.REGIONAL
    return Intervention(
        place=place,
        title=f"National intervention {n:05d}" if place is None else f"Intervention {n:05d} of {place.name}",
        kind=list(Intervention.Kind)[n % len(Intervention.Kind)],
        level=level,
        status=Intervention.Status.ACTIVE
        if active
        else rng.choice([Intervention.Status.PLANNED, Intervention.Status.PAUSED, Intervention.Status.COMPLETED]),
        lead_organisation=lead,
        owner=owner,
        start_date=start,
        end_date=start + timedelta(days=365 + rng.randrange(1000)) if rng.random() < 0.5 else None,
        budget_gbp=rng.randrange(5_000, 2_000_000),
        description="Synthetic intervention for the gap analysis benchmark.",
    )


def _link(rng: random.Random, interventions, outcomes) -> None:
    """3 links per intervention to distinct outcomes, higher priorities more often; none to the
    last GAP_OUTCOMES outcomes (gaps); only enabling links to the one before them (thin)."""
    from interventions.models import Contribution

    linked = outcomes[:-GAP_OUTCOMES] if len(outcomes) > GAP_OUTCOMES + LINKS_PER_INTERVENTION else outcomes
    thin = linked[-1] if len(linked) > LINKS_PER_INTERVENTION else None
    weights = [1 / (index + 1) ** 0.5 for index in range(len(linked))]
    strengths, effectiveness = list(Contribution.Strength), list(Contribution.Effectiveness)
    rows = []
    for intervention in interventions:
        chosen: set = set()
        while len(chosen) < LINKS_PER_INTERVENTION:
            chosen.add(rng.choices(linked, weights)[0])
        for outcome in sorted(chosen, key=lambda o: o.priority_rank):
            rows.append(
                Contribution(
                    intervention=intervention,
                    outcome=outcome,
                    strength=Contribution.Strength.ENABLING if outcome is thin else rng.choice(strengths),
                    effectiveness=rng.choice(effectiveness),
                    assessed_on=date(2026, 1, 1) - timedelta(days=rng.randrange(600)),
                )
            )
    Contribution.objects.bulk_create(rows)


def timed_median(function, repeat: int) -> tuple[float, int, object]:
    """Median seconds of `function()` over `repeat` runs after one warm-up, the number of SQL
    queries one run makes, and its result."""
    from django.db import connection

    function()  # warm up
    executed = []
    with connection.execute_wrapper(lambda execute, sql, *rest: executed.append(sql) or execute(sql, *rest)):
        result = function()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(executed), result


def main() -> None:
    args = parse_args()
    if args.outcomes < GAP_OUTCOMES + LINKS_PER_INTERVENTION + 1:
        raise SystemExit(f"--outcomes must be {GAP_OUTCOMES + LINKS_PER_INTERVENTION + 1} or more.")
    os.environ.setdefault("BENCH_DATABASE_URL", f"sqlite:///{BASE_DIR / 'build' / 'benchmark-gaps.sqlite3'}")
    (BASE_DIR / "build").mkdir(exist_ok=True)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from interventions import gap_analysis as analysis_module
    from interventions.gap_reports import gap_analysis_xlsx
    from interventions.models import Contribution, Intervention

    reset_schema()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    analyst, place, region = build_data(places=args.places, outcomes=args.outcomes, interventions=args.interventions)
    build_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # Planner statistics, as autovacuum would have gathered them on a live database after this many
        # inserts: without them PostgreSQL guesses 1 outcome and 50 interventions a place, and the
        # contributions query probes the unique index 60,000 times (about 4 times slower here).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    seen = Intervention.objects.for_place(place).count()
    links = Contribution.objects.for_place(place).count()
    active = Intervention.objects.for_place(place).filter(status=Intervention.Status.ACTIVE).count()
    gaps = f"/places/{place.slug}/gaps/"
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(analyst)
    pages = [
        ("trivial view (/healthz/)", "/healthz/"),
        ("gap analysis", gaps),
        ("gap analysis, active + local", f"{gaps}?status=active&level=local"),
        ("gap analysis, print", f"{gaps}print/"),
        (f"region view ({args.places} places)", f"{gaps}regions/{region.slug}/"),
    ]
    print(
        f"database: {connection.vendor}; {args.places} places × {args.outcomes} outcomes, all in one region; "
        f"the measured place sees {seen:,} interventions ({Intervention.objects.filter(place=None).count()} "
        f"shared national, {active / seen:.0%} active) with {links:,} links; "
        f"{Intervention.objects.count():,} interventions and {Contribution.objects.count():,} links in all; "
        f"built in {build_seconds:.1f} s{' (then analysed)' if connection.vendor == 'postgresql' else ''}; "
        f"{args.repeat} timed runs each"
    )
    results = [(label, *measure(client, url, args.repeat)) for label, url in pages]
    baseline = results[0][1]

    helper = getattr(analysis_module, "_contribution_rows", None)
    computation, computation_queries, analysis = timed_median(
        lambda: analysis_module.gap_analysis(place=place), args.repeat
    )
    results.append(("gap_analysis() alone", computation, computation_queries))
    if helper is not None:
        query, query_queries, rows = timed_median(lambda: list(helper(place=place, interventions=None)), args.repeat)
        results.append((f"its contributions query ({len(rows):,} rows)", query, query_queries))
    else:  # the helper has gone: time the same query as the analysis makes it
        fields = analysis_module.CONTRIBUTION_FIELDS
        query, query_queries, rows = timed_median(
            lambda: list(Contribution.objects.for_place(place).order_by().values(*fields)), args.repeat
        )
        results.append((f"contributions values() ({len(rows):,} rows)", query, query_queries))
    export, export_queries, content = timed_median(
        lambda: gap_analysis_xlsx(analysis, filters_description="All interventions"), args.repeat
    )
    results.append((f"XLSX report ({len(content) / 1024:,.0f} KB)", export, export_queries))

    print(
        f"analysis: {len(analysis.outcomes)} outcomes ({analysis.status_counts}); shift the dial "
        f"{len(analysis.shift_the_dial):,}; build on {len(analysis.build_on):,}"
    )
    print(f"{'measured':<36}{'median ms':>12}{'× trivial':>12}{'queries':>10}")
    for label, median, queries in results:
        print(f"{label:<36}{median * 1000:>12.2f}{median / baseline:>12.1f}{queries:>10}")


if __name__ == "__main__":
    main()
