"""Spreadsheet import benchmark: builds a 10,000-row XLSX for one place and times reading it,
checking it (the dry run behind the preview) and committing it, printing rows per second and
each time as a ratio to a baseline measured in the same run (openpyxl reading every cell of the
same file). Times are in-process: no web server, no Celery (the services the tasks call).

    python benchmarks/import_xlsx.py --rows 10000
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shift_bench python benchmarks/import_xlsx.py

The database named by BENCH_DATABASE_URL (default: build/benchmark-import.sqlite3) is emptied
first (its schema dropped and migrated afresh); its name must contain "bench".
"""

import argparse
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the generated file (default 10,000)")
    parser.add_argument("--outcomes", type=int, default=30, help="wellbeing outcomes of the place (default 30)")
    parser.add_argument(
        "--existing",
        type=int,
        default=0,
        help="interventions already recorded that the file's first rows update, by title and lead (default 0)",
    )
    return parser.parse_args()


def setup_django() -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{BASE_DIR / 'build' / 'benchmark-import.sqlite3'}"
    )
    os.environ.pop("REDIS_URL", None)  # Celery eager; the services are timed directly anyway
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def reset_schema() -> None:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if "bench" not in Path(name).name:
        sys.exit(f"Refusing to empty database {name!r}: its name must contain 'bench'.")
    if connection.vendor == "sqlite":
        connection.close()
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


def build_place(*, outcomes: int, existing: int):
    from django.core.management import call_command
    from django.db import transaction

    from interventions.models import Intervention
    from partnerships.models import Organisation
    from wellbeing.models import Place, PlaceMembership, Role, User, WellbeingOutcome

    call_command("load_reference", verbosity=0)
    with transaction.atomic():
        place = Place.objects.create(name="Bench council", slug="bench-council", kind=Place.Kind.COUNCIL)
        officer = User.objects.create_user("bench-officer", email="officer@bench.example")
        PlaceMembership.objects.create(user=officer, place=place, role=Role.OFFICER)
        titles = [f"Outcome {n}" for n in range(outcomes)]
        WellbeingOutcome.objects.bulk_create(
            WellbeingOutcome(place=place, title=title, priority_rank=n + 1) for n, title in enumerate(titles)
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(place=place, name=f"Organisation {n}") for n in range(40)
        )
        for n in range(existing):
            Intervention.objects.create(
                place=place,
                title=f"Intervention {n}",
                kind="project",
                level="local",
                status="planned",
                lead_organisation=organisations[n % 20],
            )
    return place, officer, titles


def build_file(*, rows: int, outcome_titles: list[str]) -> bytes:
    from openpyxl import Workbook

    from interventions.resources import HEADINGS

    rng = random.Random(42)  # the same file every run
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Interventions")
    sheet.append(HEADINGS)
    kinds, statuses = ["Policy", "Project", "Programme", "Practice", "Service"], ["Planned", "Active", "Completed"]
    pillars = ["Spending", "Fair work", "Land and property", "Inclusive ownership", "Finance"]
    for n in range(rows):
        start = date(2024, 4, 1) + timedelta(days=rng.randrange(700))
        chosen = rng.sample(outcome_titles, 2)
        sheet.append(
            [
                "",
                f"Intervention {n}",
                rng.choice(kinds),
                rng.choice(["Local", "Regional"]),
                rng.choice(statuses),
                f"Organisation {n % 20}",
                f"Organisation {20 + n % 7}; New partner {n % 50}",
                "bench-officer" if n % 3 else "",
                start,
                start + timedelta(days=365 + rng.randrange(700)),
                rng.randrange(1_000, 2_000_000),
                "Shared Prosperity Fund",
                "; ".join(rng.sample(pillars, 2)),
                "Support for people into fair work, with partners across the area.\nSecond line of description.",
                "https://www.gov.scot/publications/example/",
                f"{chosen[0]} (primary, moderate, monitored); {chosen[1]} (secondary)",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_with_openpyxl(content: bytes) -> int:
    """The baseline: what reading every cell of the file costs, with nothing else done."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    cells = 0
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        cells += len(row)
    return cells


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main() -> None:
    args = parse_args()
    setup_django()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection

    from interventions import importing
    from interventions.models import Contribution, Intervention

    reset_schema()
    call_command("migrate", verbosity=0)
    place, officer, outcome_titles = build_place(outcomes=args.outcomes, existing=args.existing)
    content = build_file(rows=args.rows, outcome_titles=outcome_titles)
    # Time the services, not the queue: run the check in-process whatever the size.
    settings.IMPORT_INLINE_MAX_ROWS = args.rows + 1
    settings.IMPORT_MAX_UPLOAD_BYTES = max(settings.IMPORT_MAX_UPLOAD_BYTES, len(content) + 1)

    baseline, _ = timed(lambda: read_with_openpyxl(content))
    reading, _ = timed(lambda: importing.read_upload(filename="bench.xlsx", content=content))
    upload = SimpleUploadedFile("bench.xlsx", content)
    checking, job = timed(lambda: importing.import_job_create(place=place, user=officer, upload=upload))
    checking -= reading  # import_job_create reads the file again before checking it
    job.refresh_from_db()
    if job.status != "ready":
        sys.exit(f"The check did not finish: {job.status} {job.error}")
    committing, _ = timed(lambda: importing.import_job_commit(job=job, user=officer, skip_problem_rows=True))
    job.refresh_from_db()
    if job.status != "done":
        sys.exit(f"The commit did not finish: {job.status} {job.error}")

    print(
        f"database: {connection.vendor}; file: {args.rows:,} rows, {len(content) / 1024 / 1024:.1f} MB; "
        f"{args.outcomes} outcomes; {args.existing:,} interventions already recorded"
    )
    print(f"preview: {job.preview['counts']}; result: new {job.result['new']:,}, changed {job.result['changed']:,}")
    print(
        f"written: {Intervention.objects.count():,} interventions, {Contribution.objects.count():,} contributions, "
        f"{Intervention.history.count():,} intervention history rows"
    )
    print(f"{'step':<44}{'seconds':>10}{'rows/s':>10}{'× baseline':>12}")
    for label, seconds in [
        ("baseline: openpyxl reads every cell", baseline),
        ("read and validate the file (read_upload)", reading),
        ("check: the dry run behind the preview", checking),
        ("commit: one transaction, with history", committing),
    ]:
        print(f"{label:<44}{seconds:>10.2f}{args.rows / seconds:>10,.0f}{seconds / baseline:>12.1f}")


if __name__ == "__main__":
    main()
