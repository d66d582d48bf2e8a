"""Writes for charters, their commitments and their signatories. Each service owns its transaction,
writes rows one by one so django-simple-history records each change, and re-checks what the form
checked, because the database may have moved on since.

Every write to a charter's commitments or signatories first locks the charter's row, so removing a
commitment and ticking it on a signatory cannot interleave: whichever comes second sees the other's
result (and is refused with a message if it no longer makes sense).
"""

import math

from django.db import IntegrityError, transaction
from django.db.models import Count

from partnerships.charter_forms import ALREADY_SIGNED, COMMITMENT_GONE, MET_COUNT_CHANGED
from partnerships.models import Charter, CharterCommitment, Signatory
from wellbeing.concurrency import save_versioned
from wellbeing.models import FairWorkCriterion, Place

OTHER_PLACES_PARTNERSHIP = "A charter can be rolled out only by a partnership of its own place."
OTHER_PLACES_ORGANISATION = "A charter is signed only by its place's own organisations or national bodies."
OTHER_CHARTERS_COMMITMENT = "A signatory can meet only the commitments of the charter it signed."
DUPLICATE_CHARTER = "{place} already has a charter called ‘{name}’: choose another name"
DUPLICATE_COMMITMENTS = "Two commitments would have the same wording, ‘{title}’: each commitment must be different"


class CharterRefused(Exception):
    """The change cannot be made as it stands; the message says why, for the person. Nothing is
    written: raising inside the transaction rolls back everything done before it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- Charters -------------------------------------------------------------------------------------


@transaction.atomic
def charter_create(*, place: Place, form) -> Charter:
    """A new charter of the place, with the Fair Work First criteria as its commitments if the
    form asks for them."""
    charter = form.save(commit=False)
    charter.place = place
    _check_partnership(charter)
    charter.full_clean(validate_constraints=False)  # the database holds the unique name
    try:
        with transaction.atomic():
            charter.save()
    except IntegrityError:
        raise CharterRefused(DUPLICATE_CHARTER.format(place=place.name, name=charter.name), field="name") from None
    if form.cleaned_data.get("seed_fair_work"):
        commitments_seed_from_fair_work(charter=charter)
    return charter


@transaction.atomic
def commitments_seed_from_fair_work(*, charter: Charter) -> list[CharterCommitment]:
    """One commitment for each Fair Work First criterion (fixtures/reference/), in the order of the
    reference file, after any commitments the charter has. A criterion it already has (by wording)
    is skipped. All of them or none: its own transaction (joining the caller's, if any)."""
    existing = list(CharterCommitment.objects.filter(charter=charter))
    titles = {commitment.title.casefold() for commitment in existing}
    position = max((commitment.position for commitment in existing), default=0)
    created = []
    for criterion in FairWorkCriterion.objects.order_by("pk"):
        if criterion.criterion.casefold() in titles:
            continue
        position += 1
        commitment = CharterCommitment(
            charter=charter, title=criterion.criterion, fair_work_criterion=criterion, position=position
        )
        commitment.full_clean(validate_constraints=False)
        commitment.save()
        created.append(commitment)
    return created


@transaction.atomic
def charter_update(*, place: Place, form, commitments: list[dict]) -> Charter:
    """Save the charter and its commitments as the form has them, unless someone else saved the
    charter (or its commitments) since the form was opened (wellbeing.concurrency.EditConflict):
    then nothing is written. `commitments` is CommitmentFormSet.changes()."""
    charter = form.instance
    if charter.place_id != place.pk:
        raise PermissionError("A charter is changed only in its own place.")
    _check_partnership(charter)
    charter.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            # Locks the charter's row: signatory writes wait for it (see the module's docstring).
            save_versioned(charter, expected_version=form.cleaned_data["version"])
    except IntegrityError:
        raise CharterRefused(DUPLICATE_CHARTER.format(place=place.name, name=charter.name), field="name") from None
    _save_commitments(charter=charter, rows=commitments)
    return charter


def _check_partnership(charter: Charter) -> None:
    if charter.partnership is not None and charter.partnership.place_id != charter.place_id:
        raise PermissionError(OTHER_PLACES_PARTNERSHIP)  # forms offer no other; a last guard


def _save_commitments(*, charter: Charter, rows: list[dict]) -> None:
    """Remove, reword, reorder and add commitments. The positions become 1, 2, 3 … in the order
    the form asks for: by the position given, a commitment moved to a position coming before the
    one that was already there, and new ones without a position at the end."""
    saved = {
        commitment.pk: commitment
        for commitment in CharterCommitment.objects.filter(charter=charter).annotate(met_count=Count("met_by"))
    }
    for row in rows:
        if row["commitment"] is not None and row["commitment"].pk not in saved:
            raise CharterRefused(COMMITMENT_GONE.format(title=row["commitment"].title))

    for row in [row for row in rows if row["remove"]]:
        commitment = saved.pop(row["commitment"].pk)
        if commitment.met_count != row["met_count"]:
            raise CharterRefused(MET_COUNT_CHANGED.format(title=commitment.title, count=commitment.met_count))
        # From each signatory's side, so their history records that they no longer meet it.
        for signatory in Signatory.objects.filter(charter=charter, commitments_met=commitment):
            signatory.commitments_met.remove(commitment)
        commitment.delete()

    kept = [row for row in rows if not row["remove"]]
    on_form = {row["commitment"].pk for row in kept if row["commitment"] is not None}
    # A commitment the form did not list keeps its wording and its place in the order.
    kept += [
        {"commitment": commitment, "title": commitment.title, "position": commitment.position, "remove": False}
        for pk, commitment in saved.items()
        if pk not in on_form
    ]

    def order(item: tuple[int, dict]) -> tuple:
        index, row = item
        commitment, position = row["commitment"], row["position"]
        moved = commitment is None or position != saved[commitment.pk].position
        return (math.inf if position is None else position, 0 if moved else 1, index)

    ordered = [row for _, row in sorted(enumerate(kept), key=order)]
    titles: set[str] = set()
    for row in ordered:
        if row["title"].casefold() in titles:
            raise CharterRefused(DUPLICATE_COMMITMENTS.format(title=row["title"]))
        titles.add(row["title"].casefold())

    # Pass 1: reword the saved commitments, each also taking its final position (so its history
    # has one record for the save). Pass 2: add the new ones and move the others. Only after pass 1
    # is the wording a saved commitment gives up free for a new one to take.
    final = {id(row): position for position, row in enumerate(ordered, start=1)}
    renamed = [
        row for row in ordered if row["commitment"] is not None and row["title"] != saved[row["commitment"].pk].title
    ]
    given_up = {saved[row["commitment"].pk].title.casefold(): row["commitment"].pk for row in renamed}

    def takes_another_wording(row: dict) -> bool:
        holder = given_up.get(row["title"].casefold())
        return holder is not None and (row["commitment"] is None or holder != row["commitment"].pk)

    if any(takes_another_wording(row) for row in ordered):
        # A wording is handed on (two commitments swap wording, one takes another's, or a new one
        # takes a reworded one's): park the reworded ones under temporary titles first,
        # unrecorded, so the unique wording holds at every step.
        for row in renamed:
            parked = saved[row["commitment"].pk]
            parked.title = f"(being renamed {parked.pk})"
            parked.skip_history_when_saving = True
            parked.save(update_fields=["title"])
            del parked.skip_history_when_saving
    for row in renamed:
        _save_commitment(saved[row["commitment"].pk], title=row["title"], position=final[id(row)])

    reworded = {id(row) for row in renamed}
    for row in ordered:
        if id(row) in reworded:
            continue
        if row["commitment"] is None:
            commitment = CharterCommitment(charter=charter)
        else:
            commitment = saved[row["commitment"].pk]
            if commitment.position == final[id(row)]:
                continue
        _save_commitment(commitment, title=row["title"], position=final[id(row)])


def _save_commitment(commitment: CharterCommitment, *, title: str, position: int) -> None:
    commitment.title, commitment.position = title, position
    commitment.full_clean(validate_constraints=False)
    commitment.save()


# --- Signatories ----------------------------------------------------------------------------------


@transaction.atomic
def signatory_create(*, charter: Charter, form) -> Signatory:
    """An organisation signs the charter. Refused (CharterRefused, on the organisation) if it has
    signed already, also when someone else recorded its signature a moment ago."""
    _lock(charter)
    signatory = form.save(commit=False)
    signatory.charter = charter
    commitments = _checked(signatory, form.cleaned_data.get("commitments_met") or [])
    signatory.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            signatory.save()
    except IntegrityError:
        raise CharterRefused(
            ALREADY_SIGNED.format(organisation=signatory.organisation.name), field="organisation"
        ) from None
    signatory.commitments_met.set(commitments)
    return signatory


@transaction.atomic
def signatory_update(*, charter: Charter, form) -> Signatory:
    """Save changes to a signature, unless someone else saved it since the form was opened
    (EditConflict) or the change cannot be made (CharterRefused); then nothing is written."""
    _lock(charter)
    signatory = form.instance
    if signatory.charter_id != charter.pk:
        raise PermissionError("A signatory is changed only in its own charter.")
    commitments = _checked(signatory, form.cleaned_data.get("commitments_met") or [])
    signatory.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            save_versioned(signatory, expected_version=form.cleaned_data["version"])
    except IntegrityError:
        raise CharterRefused(
            ALREADY_SIGNED.format(organisation=signatory.organisation.name), field="organisation"
        ) from None
    signatory.commitments_met.set(commitments)
    return signatory


def _lock(charter: Charter) -> None:
    Charter.objects.select_for_update().get(pk=charter.pk)


def _checked(signatory: Signatory, chosen) -> list[CharterCommitment]:
    """The chosen commitments, each still one of the charter's (read again, under the lock)."""
    organisation = signatory.organisation
    if organisation.place_id not in (None, signatory.charter.place_id):
        raise PermissionError(OTHER_PLACES_ORGANISATION)
    if any(commitment.charter_id != signatory.charter_id for commitment in chosen):
        raise PermissionError(OTHER_CHARTERS_COMMITMENT)
    current = {
        commitment.pk: commitment
        for commitment in CharterCommitment.objects.filter(
            charter_id=signatory.charter_id, pk__in=[c.pk for c in chosen]
        )
    }
    for commitment in chosen:
        if commitment.pk not in current:
            raise CharterRefused(COMMITMENT_GONE.format(title=commitment.title), field="commitments_met")
    return [current[commitment.pk] for commitment in chosen]
