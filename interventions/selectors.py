"""Reads for the intervention map, always scoped to a place, in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from interventions.models import Contribution, Intervention
from wellbeing.access import object_get_for_place
from wellbeing.freshness import stale_before
from wellbeing.models import Place, User


def register_queryset(*, place: Place, today: date | None = None) -> QuerySet:
    """Every intervention the place sees, with what the register shows of its contributions to the
    place's outcomes, computed in SQL (subqueries, so filters on contributions never duplicate rows)."""
    contributions = Contribution.objects.filter(intervention=OuterRef("pk"), outcome__place=place)
    cutoff = stale_before(today)
    return (
        Intervention.objects.for_place(place)
        .select_related("lead_organisation", "owner")
        .annotate(
            outcome_count=Coalesce(
                Subquery(
                    contributions.order_by().values("intervention").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            oldest_assessment=Subquery(
                contributions.order_by().values("intervention").annotate(d=Min("assessed_on")).values("d")
            ),
            stale_count=Coalesce(
                Subquery(
                    contributions.filter(Q(assessed_on__isnull=True) | Q(assessed_on__lt=cutoff))
                    .order_by()
                    .values("intervention")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
        )
    )


def intervention_for_page(*, place: Place, pk: int) -> Intervention:
    """One intervention the place sees (its own or a national one), with what its page shows."""
    queryset = Intervention.objects.select_related("lead_organisation", "owner", "place").prefetch_related(
        "partners",
        "cwb_pillars",
        Prefetch(
            "contributions",
            queryset=Contribution.objects.for_place(place).select_related("outcome", "assessed_by"),
            to_attr="place_contributions",
        ),
    )
    return object_get_for_place(queryset, place=place, pk=pk)


def intervention_for_edit(*, place: Place, pk: int) -> Intervention:
    """An intervention the place sees, for its edit page (a national one: its links to this place's
    outcomes only)."""
    return object_get_for_place(
        Intervention.objects.select_related("lead_organisation", "place").prefetch_related("partners", "cwb_pillars"),
        place=place,
        pk=pk,
    )


# --- History --------------------------------------------------------------------------------------

INTERVENTION_FIELDS = [
    ("title", "Title"),
    ("kind", "Kind"),
    ("level", "Level"),
    ("status", "Status"),
    ("lead_organisation", "Lead organisation"),
    ("owner", "Owner"),
    ("start_date", "Start date"),
    ("end_date", "End date"),
    ("budget_gbp", "Budget (£)"),
    ("funding_source", "Funding source"),
    ("description", "Description"),
    ("evidence_links", "Evidence links"),
]
CONTRIBUTION_FIELDS = [
    ("strength", "Strength"),
    ("effectiveness", "Effectiveness"),
    ("basis", "Basis"),
    ("evidence_note", "Evidence note"),
    ("assessed_on", "Assessed on"),
]
HISTORY_LIMIT = 50


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: User | None
    subject: str  # "Intervention" or "Link to ‘Outcome’"
    action: str  # "Created", "Changed", "Deleted"
    changes: list[Change] = field(default_factory=list)


def _display(record, name: str) -> str:
    value = getattr(record, name)
    if value in (None, ""):
        return "—"
    display = getattr(record, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if name in {"lead_organisation", "owner"}:
        # A deleted organisation or person leaves the id behind in the history row.
        try:
            return str(getattr(record, name))
        except Exception:  # the related row is gone; its id stays behind in the history row
            return "(deleted)"
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
    return str(value)


def _field_changes(old, new, fields) -> list[Change]:
    changes = []
    for name, label in fields:
        before, after = _display(old, name), _display(new, name)
        if before != after:
            changes.append(Change(label, before, after))
    return changes


def _set_changes(old_names: set[str], new_names: set[str], label: str) -> list[Change]:
    if old_names == new_names:
        return []
    return [Change(label, "; ".join(sorted(old_names)) or "—", "; ".join(sorted(new_names)) or "—")]


_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def intervention_history(*, intervention: Intervention, place: Place) -> list[HistoryEntry]:
    """Who changed what, newest first: the intervention's own fields and partners, and its links
    to this place's outcomes (never another place's, for a shared national intervention). Three
    queries, however long the history."""
    records = list(
        Intervention.history.filter(id=intervention.pk)
        .select_related("history_user", "lead_organisation", "owner")
        .prefetch_related(
            "historicalintervention_partners_set__organisation", "historicalintervention_cwb_pillars_set__cwbpillar"
        )
        .order_by("history_date", "history_id")
    )
    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        partners = {row.organisation.name for row in record.historicalintervention_partners_set.all()}
        pillars = {row.cwbpillar.name for row in record.historicalintervention_cwb_pillars_set.all()}
        record.partner_names, record.pillar_names = partners, pillars
        if previous is None:
            entries.append(HistoryEntry(record.history_date, record.history_user, "Intervention", "Created"))
        else:
            changes = [
                *_field_changes(previous, record, INTERVENTION_FIELDS),
                *_set_changes(previous.partner_names, partners, "Partner organisations"),
                *_set_changes(previous.pillar_names, pillars, "CWB pillars"),
            ]
            if changes:
                entries.append(
                    HistoryEntry(record.history_date, record.history_user, "Intervention", "Changed", changes)
                )
        previous = record

    contribution_records = (
        Contribution.history.filter(intervention_id=intervention.pk, outcome__place=place)
        .select_related("history_user", "outcome")
        .order_by("id", "history_date", "history_id")
    )
    previous = None
    for record in contribution_records:
        subject = f"Link to ‘{record.outcome.title}’"
        action = _ACTIONS[record.history_type]
        if previous is None or previous.id != record.id or record.history_type == "+":
            changes = [] if action != "Created" else _field_changes(_Blank(), record, CONTRIBUTION_FIELDS)
            entries.append(HistoryEntry(record.history_date, record.history_user, subject, action, changes))
        else:
            changes = _field_changes(previous, record, CONTRIBUTION_FIELDS)
            if changes or action == "Deleted":
                entries.append(HistoryEntry(record.history_date, record.history_user, subject, action, changes))
        previous = record
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:HISTORY_LIMIT]


class _Blank:
    """Stands for 'nothing before' when listing what a new contribution was created with."""

    def __getattr__(self, name):
        return None
