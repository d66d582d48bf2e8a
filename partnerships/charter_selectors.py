"""Reads for charters: the place's charters, one charter's progress (its commitments, its signatories
and what each meets, signatories over time) and its history. Every read takes a place that
wellbeing.access resolved, and costs a fixed number of queries whatever the number of signatories."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from partnerships.models import Charter, CharterCommitment, Signatory
from wellbeing.access import object_get_for_place
from wellbeing.history import HISTORY_LIMIT, HistoryEntry, entries_for_records
from wellbeing.models import Place


def _count_of(queryset: QuerySet) -> Coalesce:
    """The number of rows of `queryset` (filtered on OuterRef), as a subquery."""
    counted = queryset.order_by().values("charter").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def charter_list(*, place: Place) -> QuerySet[Charter]:
    """The place's charters by name, with their partnership and how many signatories and
    commitments each has: one query."""
    return (
        Charter.objects.for_place(place)
        .select_related("partnership")
        .annotate(
            signatory_count=_count_of(Signatory.objects.filter(charter=OuterRef("pk"))),
            commitment_count=_count_of(CharterCommitment.objects.filter(charter=OuterRef("pk"))),
        )
        .order_by("name")
    )


def charter_get(*, place: Place, pk: int) -> Charter:
    """One charter of the place (with its partnership), or 404."""
    return object_get_for_place(Charter.objects.select_related("partnership"), place=place, pk=pk)


def signatory_get(*, charter: Charter, pk: int) -> Signatory:
    """One signatory of this charter (the charter already resolved for the place), or 404: also
    for a signatory of another charter, in this place or another."""
    return object_get_for_place(
        Signatory.objects.filter(charter=charter).select_related("organisation"), place=charter.place, pk=pk
    )


# --- Progress -------------------------------------------------------------------------------------


@dataclass
class SignatoryProgress:
    signatory: Signatory
    met: list[CharterCommitment]  # in the charter's order

    @property
    def met_count(self) -> int:
        return len(self.met)


@dataclass
class MonthCount:
    month: date  # the first of the month
    signed: int  # signatures that month
    total: int  # signatories by the end of the month


@dataclass
class CharterProgress:
    charter: Charter
    commitments: list[CharterCommitment]  # each with met_count: how many signatories meet it
    signatories: list[SignatoryProgress]  # by date signed, then organisation name
    months: list[MonthCount] = field(default_factory=list)

    @property
    def signatory_count(self) -> int:
        return len(self.signatories)

    @property
    def commitment_count(self) -> int:
        return len(self.commitments)

    @property
    def meeting_all_count(self) -> int:
        """Signatories that meet every commitment (none, when the charter has no commitments)."""
        if not self.commitments:
            return 0
        return sum(1 for row in self.signatories if row.met_count == self.commitment_count)

    @property
    def meeting_all_percent(self) -> Decimal | None:
        """The share of signatories meeting every commitment, as a percentage to one place."""
        if not self.signatories or not self.commitments:
            return None
        return (Decimal(100) * self.meeting_all_count / self.signatory_count).quantize(Decimal("0.1"))


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _next_month(month: date) -> date:
    return month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)


def signatories_by_month(signed_on: list[date], *, today: date) -> list[MonthCount]:
    """Cumulative signatories for each month from the first signature's to today's (or to the
    last signature's, if that is later): every month listed, including months with none."""
    if not signed_on:
        return []
    per_month: dict[date, int] = {}
    for day in signed_on:
        per_month[_first_of_month(day)] = per_month.get(_first_of_month(day), 0) + 1
    month, last = min(per_month), max(_first_of_month(today), max(per_month))
    counts, total = [], 0
    while month <= last:
        total += per_month.get(month, 0)
        counts.append(MonthCount(month=month, signed=per_month.get(month, 0), total=total))
        month = _next_month(month)
    return counts


def charter_progress(*, charter: Charter, today: date | None = None) -> CharterProgress:
    """The charter's commitments with how many signatories meet each (counted in SQL), and its
    signatories with the commitments each meets: three queries."""
    commitments = list(
        CharterCommitment.objects.filter(charter=charter).annotate(met_count=Count("met_by")).order_by("position", "pk")
    )
    order = {commitment.pk: index for index, commitment in enumerate(commitments)}
    signatories = list(
        Signatory.objects.filter(charter=charter)
        .select_related("organisation")
        .prefetch_related(Prefetch("commitments_met", queryset=CharterCommitment.objects.filter(charter=charter)))
        .order_by("signed_on", "organisation__name", "pk")
    )
    rows = [
        SignatoryProgress(
            signatory=signatory,
            met=sorted(signatory.commitments_met.all(), key=lambda commitment: order.get(commitment.pk, len(order))),
        )
        for signatory in signatories
    ]
    months = signatories_by_month([s.signed_on for s in signatories], today=today or timezone.localdate())
    return CharterProgress(charter=charter, commitments=commitments, signatories=rows, months=months)


# --- History --------------------------------------------------------------------------------------

CHARTER_FIELDS = [
    ("name", "Name"),
    ("description", "Description"),
    ("launched_on", "Launch date"),
    ("partnership", "Partnership"),
]
COMMITMENT_FIELDS = [("title", "Wording"), ("position", "Position")]
SIGNATORY_FIELDS = [("organisation", "Organisation"), ("signed_on", "Date signed"), ("evidence_note", "Evidence")]


def charter_history(*, charter: Charter) -> list[HistoryEntry]:
    """Who changed the charter, its commitments and its signatories (with the commitments each
    meets), newest first: four queries."""
    entries = entries_for_records(
        Charter.history.filter(id=charter.pk)
        .select_related("history_user", "partnership")
        .order_by("history_date", "history_id"),
        subject="Charter",
        fields=CHARTER_FIELDS,
    )

    commitment_records = list(
        CharterCommitment.history.filter(charter_id=charter.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    # A commitment's wording as it was last recorded: also names commitments removed since.
    titles = {record.id: record.title for record in commitment_records}
    for _, group in groupby(commitment_records, key=lambda record: record.id):
        group = list(group)
        entries += entries_for_records(group, subject=f"Commitment ‘{group[-1].title}’", fields=COMMITMENT_FIELDS)

    signatory_records = list(
        Signatory.history.filter(charter_id=charter.pk)
        .select_related("history_user", "organisation")
        .prefetch_related("historicalsignatory_commitments_met_set")
        .order_by("id", "history_date", "history_id")
    )

    def commitments_met(record) -> dict[str, set[str]]:
        return {
            "Commitments met": {
                titles.get(row.chartercommitment_id, "(a removed commitment)")
                for row in record.historicalsignatory_commitments_met_set.all()
            }
        }

    for _, group in groupby(signatory_records, key=lambda record: record.id):
        group = list(group)
        entries += entries_for_records(
            group, subject=f"Signatory ‘{group[-1].organisation}’", fields=SIGNATORY_FIELDS, sets=commitments_met
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LIMIT]
