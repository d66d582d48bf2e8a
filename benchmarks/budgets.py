"""Budget benchmark: one place with --lines budget lines (over three financial years, most tagged
to 1 to 4 of its --outcomes outcomes, some partly or not at all) and a plan of --strategic strategic
outcomes; prints the median server time of the wellbeing budget page, the register of lines (first
page, and filtered by outcome and untagged), the budget's XLSX export and the alignment page, each as
a ratio to a trivial view measured in the same run, with the number of SQL queries. Times are
in-process (Django's test client): server time, no network.

    python benchmarks/budgets.py --lines 5000 --outcomes 30 --strategic 40
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shift_bench_budgets python benchmarks/budgets.py

The database named by BENCH_DATABASE_URL (default: build/benchmark-budgets.sqlite3) is emptied first
(its schema dropped and migrated afresh); its name must contain "bench".
"""

import argparse
import os
import random
import time
from decimal import Decimal

from run import BASE_DIR, build_places, measure, reset_schema, setup_django

YEARS = ("2023/24", "2024/25", "2025/26")
SERVICES = (
    "Economic development",
    "Employability",
    "Housing",
    "Education",
    "Social work",
    "Roads and transport",
    "Leisure and sport",
    "Waste and recycling",
    "Corporate services",
    "Planning",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=5000, help="budget lines of the place (default 5000)")
    parser.add_argument("--outcomes", type=int, default=30, help="key wellbeing outcomes (default 30)")
    parser.add_argument("--strategic", type=int, default=40, help="strategic outcomes in its plan (default 40)")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measurement (default 20)")
    return parser.parse_args()


def build_data(*, lines: int, outcomes: int, strategic: int):
    """Bulk-inserted (no history rows, as for lines migrated in before the service)."""
    from django.db import transaction

    from wellbeing.models import (
        BudgetLine,
        BudgetShare,
        NationalOutcome,
        StrategicOutcome,
        StrategicPlan,
        WellbeingOutcome,
    )

    rng = random.Random(42)  # the same data every run
    analyst, (place,) = build_places(places=1, outcomes=outcomes)
    wellbeing = list(WellbeingOutcome.objects.filter(place=place).order_by("priority_rank"))
    national = list(NationalOutcome.objects.all())
    with transaction.atomic():
        plan = StrategicPlan.objects.create(
            place=place,
            title="Bench LOIP",
            kind=StrategicPlan.Kind.LOIP,
            status=StrategicPlan.Status.ADOPTED,
            period_start=2024,
            period_end=2034,
        )
        rows = StrategicOutcome.objects.bulk_create(
            StrategicOutcome(plan=plan, title=f"Strategic outcome {n}") for n in range(strategic)
        )
        Embeds, Serves = StrategicOutcome.wellbeing_outcomes.through, StrategicOutcome.national_outcomes.through
        Embeds.objects.bulk_create(
            Embeds(strategicoutcome=row, wellbeingoutcome=outcome)
            for row in rows
            for outcome in rng.sample(wellbeing, 3)
        )
        Serves.objects.bulk_create(
            Serves(strategicoutcome=row, nationaloutcome=outcome) for row in rows for outcome in rng.sample(national, 2)
        )
        made = BudgetLine.objects.bulk_create(
            BudgetLine(
                place=place,
                service=SERVICES[n % len(SERVICES)],
                cost_centre=f"CC{n:05d}",
                financial_year=YEARS[n % len(YEARS)],
                kind=BudgetLine.Kind.CAPITAL if n % 5 == 0 else BudgetLine.Kind.REVENUE,
                amount_gbp=Decimal(rng.randrange(10_000, 5_000_000)),
            )
            for n in range(lines)
        )
        shares = []
        for line in made:
            count = rng.choice((0, 1, 2, 3, 4))  # one line in five is untagged
            for outcome in rng.sample(wellbeing, count):
                shares.append(BudgetShare(line=line, outcome=outcome, percent=Decimal(rng.randrange(5, 25))))
        BudgetShare.objects.bulk_create(shares)
    return analyst, place


def main() -> None:
    args = parse_args()
    os.environ.setdefault("BENCH_DATABASE_URL", f"sqlite:///{BASE_DIR / 'build' / 'benchmark-budgets.sqlite3'}")
    (BASE_DIR / "build").mkdir(exist_ok=True)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from wellbeing.models import BudgetLine, BudgetShare, WellbeingOutcome

    reset_schema()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    analyst, place = build_data(lines=args.lines, outcomes=args.outcomes, strategic=args.strategic)
    build_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as autovacuum would gather them

    budgets = f"/places/{place.slug}/budgets/"
    outcome = WellbeingOutcome.objects.filter(place=place).order_by("priority_rank").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(analyst)
    pages = [
        ("trivial view (/healthz/)", "/healthz/"),
        ("wellbeing budget", budgets),
        ("budget lines register", f"{budgets}lines/"),
        ("register, by outcome + untagged", f"{budgets}lines/?outcome={outcome.pk}&untagged=on"),
        ("budget export (XLSX)", f"{budgets}export/?format=xlsx"),
        ("alignment", f"/places/{place.slug}/alignment/"),
    ]
    print(
        f"database: {connection.vendor}; one place with {args.outcomes} outcomes, {args.strategic} strategic "
        f"outcomes, {BudgetLine.objects.count():,} budget lines over {len(YEARS)} years with "
        f"{BudgetShare.objects.count():,} shares; built in {build_seconds:.1f} s; {args.repeat} timed runs each"
    )
    results = [(label, *measure(client, url, args.repeat)) for label, url in pages]
    baseline = results[0][1]
    print(f"{'measured':<36}{'median ms':>12}{'× trivial':>12}{'queries':>10}")
    for label, median, queries in results:
        print(f"{label:<36}{median * 1000:>12.2f}{median / baseline:>12.1f}{queries:>10}")


if __name__ == "__main__":
    main()
