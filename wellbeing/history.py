"""Turning django-simple-history records into what a person reads on an object's page: when, who,
what, and each changed field as "old → new". Shared by every app that shows history."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from wellbeing.models import User

HISTORY_LIMIT = 50  # entries shown on a page, newest first


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: User | None
    subject: str  # e.g. "Intervention", "Link to ‘Warm homes’"
    action: str  # "Created", "Changed" or "Deleted"
    changes: list[Change] = field(default_factory=list)


ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


class Nothing:
    """Stands for 'nothing before' when listing what a new row was created with."""

    def __getattr__(self, name):
        return None


def display_value(record, name: str) -> str:
    if isinstance(record, Nothing):
        return "—"
    model_field = record._meta.get_field(name)
    if model_field.is_relation:
        if getattr(record, model_field.attname) is None:
            return "—"
        try:
            return str(getattr(record, name))
        except ObjectDoesNotExist:  # deleted since; the history row keeps only its id
            return "(deleted)"
    value = getattr(record, name)
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(getattr(record, f"get_{name}_display")())
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
    return str(value)


def field_changes(old, new, fields: list[tuple[str, str]]) -> list[Change]:
    changes = []
    for name, label in fields:
        before, after = display_value(old, name), display_value(new, name)
        if before != after:
            changes.append(Change(label, before, after))
    return changes


def set_changes(old_names: set[str], new_names: set[str], label: str) -> list[Change]:
    if old_names == new_names:
        return []
    return [Change(label, "; ".join(sorted(old_names)) or "—", "; ".join(sorted(new_names)) or "—")]


def entries_for_records(records, *, subject: str, fields: list[tuple[str, str]], sets=None) -> list[HistoryEntry]:
    """Entries for one object's history records (oldest first). `sets(record)` may return
    {label: set of names} for its many-to-many fields, compared between records."""
    entries: list[HistoryEntry] = []
    previous, previous_sets = None, {}
    for record in records:
        current_sets = sets(record) if sets else {}
        action = ACTIONS[record.history_type]
        if previous is None or action == "Created":
            changes = field_changes(Nothing(), record, fields)
            changes += [change for label, names in current_sets.items() for change in set_changes(set(), names, label)]
            entries.append(HistoryEntry(record.history_date, record.history_user, subject, "Created", changes))
        else:
            changes = field_changes(previous, record, fields)
            for label, names in current_sets.items():
                changes += set_changes(previous_sets.get(label, set()), names, label)
            if changes or action == "Deleted":
                entries.append(HistoryEntry(record.history_date, record.history_user, subject, action, changes))
        previous, previous_sets = record, current_sets
    return entries


def last_editor(row) -> str:
    """Who saved a row last, and when, for the message that says someone else saved it meanwhile."""
    last = row.history.select_related("history_user").order_by("-history_date").first() if row.pk else None
    if last is None or last.history_user is None:
        return "Someone else"
    user = last.history_user
    return f"{user.get_full_name() or user.username} (at {timezone.localtime(last.history_date):%H:%M})"
