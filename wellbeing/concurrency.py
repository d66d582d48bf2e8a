"""Optimistic locking: a save is refused when someone else saved the row since the form was opened.

A versioned model carries `version`; its edit form carries the version it was opened at (a hidden
field). `save_versioned` locks the row, compares, and saves with the next version, inside the
caller's transaction, so the comparison and the write cannot interleave with another save.
"""

from django.db import models, transaction


class EditConflict(Exception):
    """Someone else saved this row after the person opened the form."""

    def __init__(self, current):
        super().__init__(f"{current._meta.verbose_name} was changed by someone else.")
        self.current = current


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def save_versioned(instance: Versioned, *, expected_version: int) -> None:
    """Save `instance` (already carrying the person's changes) unless the stored row moved on."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("save_versioned must run inside transaction.atomic().")
    model = type(instance)
    current = model.objects.select_for_update().get(pk=instance.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    instance.version = current.version + 1
    instance.save()
