"""Reads for the organisations directory and an organisation's page, always scoped to a place.

A place sees its own organisations and the national bodies every place shares; it changes only
its own. What an organisation does in a place (its seats on partnerships, its delivery groups, the
charters it signed) is read for that place only, so a national body's page in one place says
nothing about another place.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from partnerships.models import DeliveryGroup, Membership, Organisation, Signatory
from partnerships.similar_names import SimilarName, same_name, similar_names
from wellbeing.access import object_get_for_place
from wellbeing.history import HISTORY_LIMIT, HistoryEntry, entries_for_records
from wellbeing.models import Place


def organisation_directory_queryset(*, place: Place) -> QuerySet:
    """The place's organisations and the national bodies, by name (case ignored, then id, so no
    row repeats or goes missing between pages)."""
    return Organisation.objects.for_place(place).annotate(name_lower=Lower("name")).order_by("name_lower", "pk")


def organisation_for_edit(*, place: Place, pk: int) -> Organisation:
    """One of the place's own organisations; 404 for a national body (read-only) or another place's."""
    return object_get_for_place(Organisation.objects.owned_by(place), place=place, pk=pk)


def organisation_for_page(*, place: Place, pk: int) -> Organisation:
    """An organisation the place sees (its own or a national body); 404 for another place's."""
    return object_get_for_place(Organisation.objects.all(), place=place, pk=pk)


# --- Duplicates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameClashes:
    same: Organisation | None  # the same name, case and spacing ignored: refused
    similar: list[SimilarName[Organisation]]  # similar names (partnerships/similar_names.py): asked about


def organisation_name_clashes(*, place: Place, name: str, exclude_pk: int | None = None) -> NameClashes:
    """Organisations the place sees whose name is the same as `name`, or similar to it, leaving out
    the one being edited. One query: a place's directory is a few hundred names at most."""
    candidates = Organisation.objects.for_place(place).only("pk", "name", "place")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    # The place's own first, so when it and a national body share the name, its own is the one named.
    candidates = list(candidates.order_by(F("place_id").asc(nulls_last=True), "pk"))
    same = next((organisation for organisation in candidates if same_name(organisation.name, name)), None)
    if same is not None:
        return NameClashes(same=same, similar=[])
    return NameClashes(same=None, similar=similar_names(name, candidates))


def national_organisation_with_name(*, name: str) -> Organisation | None:
    """The national body with this name (case ignored, as the database's unique names compare it),
    if any. One query, on the index of national names."""
    return Organisation.objects.filter(place__isnull=True, name__iexact=name).order_by("pk").first()


def organisation_with_name(*, place: Place, name: str) -> Organisation | None:
    """The organisation the place sees with this name (case and spacing ignored), if any."""
    return organisation_name_clashes(place=place, name=name).same


# --- An organisation's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationConnections:
    memberships: list[Membership]  # its seats on this place's partnerships, current first
    groups: list[DeliveryGroup]  # this place's delivery groups it leads (is_lead) or sits in (is_member)
    signatures: list[Signatory]  # this place's charters it signed, with commitments met / in the charter


def organisation_connections(*, place: Place, organisation: Organisation) -> OrganisationConnections:
    """What the organisation takes part in, in this place only: three queries, however many."""
    memberships = (
        Membership.objects.for_place(place)
        .filter(organisation=organisation)
        .select_related("partnership")
        # Current seats first, then the most recently left.
        .order_by(F("left_on").desc(nulls_first=True), Lower("partnership__name"), "pk")
    )
    sits_in = DeliveryGroup.members.through.objects.filter(deliverygroup=OuterRef("pk"), organisation=organisation)
    groups = (
        DeliveryGroup.objects.for_place(place)
        .filter(Q(lead_organisation=organisation) | Exists(sits_in))
        .select_related("partnership")
        .annotate(
            is_lead=ExpressionWrapper(Q(lead_organisation=organisation), output_field=BooleanField()),
            is_member=Exists(sits_in),
        )
        .order_by(Lower("partnership__name"), Lower("name"), "pk")
    )
    signatures = (
        Signatory.objects.for_place(place)
        .filter(organisation=organisation)
        .select_related("charter")
        .annotate(
            met_count=Count("commitments_met", distinct=True),
            commitment_count=Count("charter__commitments", distinct=True),
        )
        .order_by("signed_on", Lower("charter__name"), "pk")
    )
    return OrganisationConnections(memberships=list(memberships), groups=list(groups), signatures=list(signatures))


ORGANISATION_FIELDS = [
    ("name", "Name"),
    ("sector", "Sector"),
    ("is_anchor", "Anchor institution"),
    ("size_band", "Size"),
    ("website", "Website"),
]


YES_NO = {"True": "Yes", "False": "No"}


def organisation_history(*, organisation: Organisation) -> list[HistoryEntry]:
    """Who changed the organisation's details, newest first, in one query."""
    records = organisation.history.select_related("history_user").order_by("history_date", "history_id")
    entries = entries_for_records(records, subject="Organisation", fields=ORGANISATION_FIELDS)
    for entry in entries:
        for change in entry.changes:
            if change.field == "Anchor institution":  # a yes/no, not Python's True/False
                change.old, change.new = YES_NO.get(change.old, change.old), YES_NO.get(change.new, change.new)
    entries.reverse()
    return entries[:HISTORY_LIMIT]
