"""Partnerships benchmark: one place with --outcomes outcomes, --interventions interventions (2 outcome
links each) and --organisations organisations; an anchor partnership seating --members of them, with
--groups delivery groups (3 outcomes each) carrying --assigned of the interventions between them; and a
charter (the 7 Fair Work First criteria) with --signatories signatories. Prints the median server time
of the organisations directory, an organisation's page, the partnership and group pages, the group
dashboard, the register and gap analysis filtered to a group, the charter's progress page and the
three exports, each as a ratio to a trivial view measured in the same run, with the number of SQL
queries. Times are in-process (Django's test client): server time, no network.

    python benchmarks/partnerships.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/shift_bench_partnerships python benchmarks/partnerships.py

The database named by BENCH_DATABASE_URL (default: build/benchmark-partnerships.sqlite3) is emptied
first (its schema dropped and migrated afresh); its name must contain "bench".
"""

import argparse
import os
import random
import time
from datetime import date, timedelta

from run import BASE_DIR, build_interventions, build_places, measure, reset_schema, setup_django


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--outcomes", type=int, default=30, help="key wellbeing outcomes (default 30)")
    parser.add_argument("--interventions", type=int, default=2000, help="interventions of the place (default 2000)")
    parser.add_argument("--organisations", type=int, default=200, help="organisations of the place (default 200)")
    parser.add_argument("--members", type=int, default=60, help="organisations on the partnership (default 60)")
    parser.add_argument("--groups", type=int, default=8, help="delivery groups (default 8)")
    parser.add_argument("--assigned", type=int, default=1200, help="interventions in some group (default 1200)")
    parser.add_argument("--signatories", type=int, default=120, help="charter signatories (default 120)")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measurement (default 20)")
    return parser.parse_args()


def build_data(args):
    """Bulk-inserted (no history rows, as for records migrated in before the service)."""
    from django.db import transaction

    from interventions.models import GroupAssignment, Intervention
    from partnerships.models import (
        Charter,
        CharterCommitment,
        DeliveryGroup,
        Membership,
        Organisation,
        Partnership,
        Signatory,
    )
    from wellbeing.models import FairWorkCriterion, WellbeingOutcome

    rng = random.Random(42)  # the same data every run
    analyst, (place,) = build_places(places=1, outcomes=args.outcomes)
    today = date.today()  # noqa: DTZ011 - synthetic data
    sectors = list(Organisation.Sector.values)
    sizes = [value for value in Organisation.SizeBand.values if value]
    with transaction.atomic():
        build_interventions(place, count=args.interventions, owner=analyst)  # makes the first 10 organisations
        Organisation.objects.bulk_create(
            Organisation(
                place=place,
                name=f"Partner organisation {n:03d}",
                sector=sectors[n % len(sectors)],
                is_anchor=n % 7 == 0,
                size_band=sizes[n % len(sizes)],
            )
            for n in range(args.organisations - 10)
        )
        organisations = list(Organisation.objects.filter(place=place).order_by("pk"))
        outcomes = list(WellbeingOutcome.objects.filter(place=place).order_by("priority_rank"))
        partnership = Partnership.objects.create(
            place=place, name="Bench anchor partnership", kind=Partnership.Kind.ANCHOR
        )
        seated = organisations[: args.members]
        Membership.objects.bulk_create(
            Membership(
                partnership=partnership,
                organisation=organisation,
                role=Membership.Role.CHAIR if n == 0 else Membership.Role.MEMBER,
                representative=f"Representative {n}",
                joined_on=today - timedelta(days=30 * (n % 36)),
            )
            for n, organisation in enumerate(seated)
        )
        groups = DeliveryGroup.objects.bulk_create(
            DeliveryGroup(partnership=partnership, name=f"Delivery group {n}", lead_organisation=seated[n])
            for n in range(args.groups)
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
            for organisation in rng.sample(seated, 8)
        )
        interventions = list(Intervention.objects.filter(place=place).order_by("pk"))
        GroupAssignment.objects.bulk_create(
            GroupAssignment(group=groups[n % len(groups)], intervention=intervention, assigned_by=analyst)
            for n, intervention in enumerate(rng.sample(interventions, args.assigned))
        )
        charter = Charter.objects.create(
            place=place, partnership=partnership, name="Bench charter", launched_on=today - timedelta(days=1000)
        )
        commitments = CharterCommitment.objects.bulk_create(
            CharterCommitment(charter=charter, title=criterion.criterion, fair_work_criterion=criterion, position=n)
            for n, criterion in enumerate(FairWorkCriterion.objects.order_by("pk"))
        )
        signatories = Signatory.objects.bulk_create(
            Signatory(charter=charter, organisation=organisation, signed_on=today - timedelta(days=rng.randrange(1000)))
            for organisation in rng.sample(organisations, args.signatories)
        )
        Met = Signatory.commitments_met.through
        Met.objects.bulk_create(
            Met(signatory=signatory, chartercommitment=commitment)
            for signatory in signatories
            for commitment in rng.sample(commitments, rng.randrange(len(commitments) + 1))
        )
    return analyst, place, partnership, groups[0], charter, organisations[0]


def main() -> None:
    args = parse_args()
    os.environ.setdefault("BENCH_DATABASE_URL", f"sqlite:///{BASE_DIR / 'build' / 'benchmark-partnerships.sqlite3'}")
    (BASE_DIR / "build").mkdir(exist_ok=True)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from interventions.models import GroupAssignment

    reset_schema()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    analyst, place, partnership, group, charter, organisation = build_data(args)
    build_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as autovacuum would gather them

    def url(name: str, **kwargs) -> str:
        return reverse(name, kwargs={"place_slug": place.slug, **kwargs})

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(analyst)
    pages = [
        ("trivial view (/healthz/)", "/healthz/"),
        ("organisations directory", url("partnerships:organisation_list")),
        ("directory, search + filter", url("partnerships:organisation_list") + "?q=partner&sector=public"),
        ("organisation page (leads 200)", url("interventions:organisation_detail", organisation_pk=organisation.pk)),
        ("partnerships list", url("partnerships:partnership_list")),
        ("partnership page", url("partnerships:partnership_detail", partnership_pk=partnership.pk)),
        ("delivery group page", url("partnerships:group_detail", partnership_pk=partnership.pk, group_pk=group.pk)),
        ("group dashboard", url("interventions:group_dashboard", group_pk=group.pk)),
        ("register, filtered to group", url("interventions:register") + f"?group={group.pk}"),
        ("gap analysis, filtered to group", url("interventions:gap_analysis") + f"?group={group.pk}"),
        ("charter progress", url("partnerships:charter_detail", charter_pk=charter.pk)),
        (
            "member list export (XLSX)",
            url("partnerships:membership_export", partnership_pk=partnership.pk) + "?format=xlsx",
        ),
        (
            "assignments export (XLSX)",
            url("interventions:assignment_export", partnership_pk=partnership.pk) + "?format=xlsx",
        ),
        ("signatories export (XLSX)", url("partnerships:signatory_export", charter_pk=charter.pk) + "?format=xlsx"),
    ]
    print(
        f"database: {connection.vendor}; one place with {args.outcomes} outcomes, {args.interventions:,} "
        f"interventions, {args.organisations} organisations; a partnership of {args.members} members with "
        f"{args.groups} delivery groups carrying {GroupAssignment.objects.count():,} interventions; a charter "
        f"with {args.signatories} signatories; built in {build_seconds:.1f} s; {args.repeat} timed runs each"
    )
    results = [(label, *measure(client, address, args.repeat)) for label, address in pages]
    baseline = results[0][1]
    print(f"{'measured':<36}{'median ms':>12}{'× trivial':>12}{'queries':>10}")
    for label, median, queries in results:
        print(f"{label:<36}{median * 1000:>12.2f}{median / baseline:>12.1f}{queries:>10}")


if __name__ == "__main__":
    main()
