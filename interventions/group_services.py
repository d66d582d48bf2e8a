"""Assigning interventions to a delivery group, and removing them, many at once: the register's bulk
action and the group's dashboard. All or nothing, in one transaction, with a history row for each
assignment and each removal, signed by the person who made it.

The services check again what the form checked: the group is one of the place's, and every
intervention is one the place sees (its own or a shared national one). A national intervention is
assigned per place: place A's group carrying it changes nothing for place B.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from interventions.models import GroupAssignment, Intervention
from partnerships.models import DeliveryGroup
from wellbeing.models import Place, User

NOTHING_SELECTED = "Nothing was saved. Select at least one intervention by ticking its box."
GROUP_OF_ANOTHER_PLACE = (
    "Nothing was saved. The delivery group chosen is not one of {place}’s delivery groups: "
    "choose a group from the list."
)
INTERVENTIONS_NOT_SEEN = (
    "Nothing was saved. One or more of the selected interventions is not one of {place}’s interventions: "
    "select the interventions again from the list."
)
CHANGED_MEANWHILE = (
    "Nothing was saved, because someone else changed the interventions of ‘{group}’ at the same time. "
    "Check the list and try again."
)


class AssignmentRefused(Exception):
    """Nothing was saved; the message says why and what to do."""


@dataclass(frozen=True)
class AssignmentResult:
    group: DeliveryGroup
    changed: int  # assigned (or removed) now
    unchanged: int  # already in the group (or, for a removal, not in it)


def _checked(*, place: Place, group: DeliveryGroup, interventions: Iterable[Intervention]) -> list[Intervention]:
    """The interventions, each once, after checking they and the group belong to the place."""
    unique = list({intervention.pk: intervention for intervention in interventions}.values())
    if not unique:
        raise AssignmentRefused(NOTHING_SELECTED)
    if group.partnership.place_id != place.pk:
        raise AssignmentRefused(GROUP_OF_ANOTHER_PLACE.format(place=place.name))
    pks = {intervention.pk for intervention in unique}
    seen = set(Intervention.objects.for_place(place).filter(pk__in=pks).values_list("pk", flat=True))
    if seen != pks:
        raise AssignmentRefused(INTERVENTIONS_NOT_SEEN.format(place=place.name))
    return unique


def group_assignments_add(
    *, place: Place, user: User, group: DeliveryGroup, interventions: Iterable[Intervention]
) -> AssignmentResult:
    """Assign the interventions to the group; those already in it are left as they are."""
    interventions = _checked(place=place, group=group, interventions=interventions)
    with transaction.atomic():
        already = set(
            GroupAssignment.objects.filter(group=group, intervention__in=interventions).values_list(
                "intervention_id", flat=True
            )
        )
        new = [
            GroupAssignment(group=group, intervention=intervention, assigned_by=user)
            for intervention in interventions
            if intervention.pk not in already
        ]
        for assignment in new:
            assignment.clean()
        try:
            with transaction.atomic():
                bulk_create_with_history(new, GroupAssignment, default_user=user)
        except IntegrityError:  # someone assigned one of them between our read and our write
            raise AssignmentRefused(CHANGED_MEANWHILE.format(group=group.name)) from None
    return AssignmentResult(group=group, changed=len(new), unchanged=len(already))


def group_assignments_remove(
    *, place: Place, user: User, group: DeliveryGroup, interventions: Iterable[Intervention]
) -> AssignmentResult:
    """Remove the interventions from the group; those not in it are left out of the count."""
    interventions = _checked(place=place, group=group, interventions=interventions)
    with transaction.atomic():
        assignments = list(
            GroupAssignment.objects.select_for_update().filter(group=group, intervention__in=interventions)
        )
        for assignment in assignments:
            assignment._history_user = user  # the history row of the removal says who removed it
            assignment.delete()
    return AssignmentResult(group=group, changed=len(assignments), unchanged=len(interventions) - len(assignments))
