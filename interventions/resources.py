"""The intervention spreadsheet: one set of columns for import, export and the blank template.

`InterventionResource` is a django-import-export resource for one place. Import-export runs the
rows (dry run, row results, transactions); this module decides what a cell means and says what is
wrong with it in words a council officer can act on. Each row is matched to an intervention of
the place by its Reference, else by title and lead organisation (ignoring case), else it is new.

Cells are read leniently: choices by label or value in any case, dates as dd/mm/yyyy, yyyy-mm-dd
or Excel dates, amounts with £ and thousands separators, lists separated by "; " (or new lines).
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from import_export import resources, widgets
from import_export.fields import Field
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history

from interventions.models import REFERENCE_PREFIX, Contribution, Intervention
from interventions.spreadsheets import clean_text
from partnerships.models import Organisation
from wellbeing.models import BudgetLine, CwbPillar, Place, PlaceMembership, User, WellbeingOutcome
from wellbeing.spreadsheets import CONTENT_TYPES, CSV, XLSX, SheetData, write_csv, write_xlsx

logger = logging.getLogger(__name__)

# --- The columns, in the order of the template -------------------------------------------------------

REFERENCE = "Reference"
TITLE = "Title"
KIND = "Kind"
LEVEL = "Level"
STATUS = "Status"
LEAD = "Lead organisation"
PARTNERS = "Partner organisations"
OWNER = "Owner"
START = "Start date"
END = "End date"
BUDGET = "Budget (£)"
FUNDING = "Funding source"
PILLARS = "CWB pillars"
DESCRIPTION = "Description"
EVIDENCE = "Evidence links"
CONTRIBUTIONS = "Contributions"

# (resource field name, column heading); the field name is the model attribute where there is one.
COLUMNS: list[tuple[str, str]] = [
    ("reference", REFERENCE),
    ("title", TITLE),
    ("kind", KIND),
    ("level", LEVEL),
    ("status", STATUS),
    ("lead_organisation", LEAD),
    ("partners", PARTNERS),
    ("owner", OWNER),
    ("start_date", START),
    ("end_date", END),
    ("budget_gbp", BUDGET),
    ("funding_source", FUNDING),
    ("cwb_pillars", PILLARS),
    ("description", DESCRIPTION),
    ("evidence_links", EVIDENCE),
    ("contributions", CONTRIBUTIONS),
]
HEADINGS = [heading for _, heading in COLUMNS]
HEADING_FOR = dict(COLUMNS)
COLUMN_WIDTHS = [11, 40, 12, 11, 12, 30, 36, 16, 12, 12, 13, 24, 28, 50, 40, 60]

SEPARATOR = "; "
_LIST_SPLIT = re.compile(r"[;\n]")
_REFERENCE = re.compile(rf"^(?:{REFERENCE_PREFIX[:-1]}-?)?0*(\d{{1,9}})$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_BRACKETS = re.compile(r"^(?P<title>.*?)\s*\((?P<details>[^()]*)\)$")
# Excel's day numbers for 1 January 1950 to 31 December 2100: a number outside them is not a date
# anyone meant (2025 typed into a date cell would otherwise be 17 July 1905).
_EXCEL_DAYS = (18264, 73415)

UNEXPECTED_ROW_PROBLEM = (
    "This row could not be checked because of an unexpected problem. Try again; if it keeps happening, "
    "tell your service team."
)


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def split_list(text: str) -> list[str]:
    """ "A; B" (or one per line) → ["A", "B"], blanks dropped."""
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- Widgets: a cell ↔ a value --------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    def __init__(self, column: str, *, max_length: int | None = None, required: str = "", multiline=False):
        super().__init__(coerce_to_string=False)
        self.column, self.max_length, self.required, self.multiline = column, max_length, required, multiline

    def clean(self, value, row=None, **kwargs) -> str:
        text = clean_text(value, multiline=self.multiline)
        if not text and self.required:
            raise ValueError(self.required)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(
                f"{self.column} is {len(text):,} characters long; it can be at most {self.max_length:,} characters"
            )
        return text

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ChoiceWidget(widgets.Widget):
    """A choice by its label or its stored value, in any case: "Project", "project", " PROJECT "."""

    def __init__(self, column: str, choices, *, refused: dict[str, str] | None = None):
        super().__init__(coerce_to_string=False)
        self.column, self.choices, self.refused = column, choices, refused or {}
        self.lookup = {}
        for value, label in choices.choices:
            self.lookup[_folded(value)] = value
            self.lookup[_folded(label)] = value
        self.allowed = [label for value, label in choices.choices if value not in self.refused]

    def clean(self, value, row=None, **kwargs) -> str:
        text = clean_text(value)
        if not text:
            raise ValueError(f"Enter the {self.column.lower()}: {_or_list(self.allowed)}")
        choice = self.lookup.get(_folded(text))
        if choice is None:
            raise ValueError(
                f"‘{_shown(text)}’ in {self.column} is not one of the allowed values: {_or_list(self.allowed)}"
            )
        if choice in self.refused:
            raise ValueError(self.refused[choice])
        return choice

    def render(self, value, obj=None, **kwargs):
        return self.choices(value).label if value else ""


class DateWidget(widgets.Widget):
    """dd/mm/yyyy, yyyy-mm-dd, an Excel date cell, or an Excel day number."""

    def __init__(self, column: str):
        super().__init__(coerce_to_string=False)
        self.column = column

    def clean(self, value, row=None, **kwargs) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return self._excel_day(value, str(value))
        text = clean_text(value)
        if match := _UK_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            return self._real_date(text, year, month, day)
        if match := _ISO_DATE.match(text):
            year, month, day = (int(part) for part in match.groups())
            return self._real_date(text, year, month, day)
        if text.isdigit() and _EXCEL_DAYS[0] <= int(text) <= _EXCEL_DAYS[1]:
            return self._excel_day(int(text), text)  # a date cell saved to CSV as its day number
        raise ValueError(f"‘{_shown(text)}’ in {self.column} is not a date: use dd/mm/yyyy, for example 31/03/2026")

    def _real_date(self, text: str, year: int, month: int, day: int) -> date:
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"‘{text}’ in {self.column} is not a real date: use dd/mm/yyyy") from None

    def _excel_day(self, number, text: str) -> date:
        if not _EXCEL_DAYS[0] <= number <= _EXCEL_DAYS[1]:
            raise ValueError(f"‘{_shown(text)}’ in {self.column} is not a date: use dd/mm/yyyy, for example 31/03/2026")
        return from_excel(number).date()

    def render(self, value, obj=None, **kwargs):
        return value


class MoneyWidget(widgets.Widget):
    """Pounds: 12500, 12,500.00, £12,500, or a number cell. Never negative; at most pennies."""

    def __init__(self, column: str, *, max_digits: int, decimal_places: int):
        super().__init__(coerce_to_string=False)
        self.column, self.max_whole = column, max_digits - decimal_places
        self.places = decimal_places

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool):
            raise ValueError(self._not_an_amount(clean_text(value)))
        if isinstance(value, float):
            amount = round(Decimal(repr(value)), self.places)  # a spreadsheet number: binary noise below pennies
        elif isinstance(value, (int, Decimal)):
            amount = Decimal(value)
        else:
            text = clean_text(value)
            plain = re.sub(r"[£,\s]|gbp", "", text, flags=re.IGNORECASE)
            if plain.startswith("(") and plain.endswith(")"):
                plain = "-" + plain[1:-1]  # accounting style for a negative amount
            try:
                amount = Decimal(plain)
            except InvalidOperation:
                raise ValueError(self._not_an_amount(text)) from None
            if not amount.is_finite():
                raise ValueError(self._not_an_amount(text))
            if amount.as_tuple().exponent < -self.places:
                raise ValueError(f"‘{_shown(text)}’ in {self.column} has fractions of a penny: round it to pennies")
        if amount < 0:
            raise ValueError(f"{self.column} cannot be negative (it is {amount:,})")
        if amount >= Decimal(10) ** self.max_whole:
            raise ValueError(f"{self.column} is too large: it must be less than £{10**self.max_whole:,}")
        return amount

    def _not_an_amount(self, text: str) -> str:
        return (
            f"‘{_shown(text)}’ in {self.column} is not an amount of money: enter pounds, for example 12500 or 12,500.00"
        )

    def render(self, value, obj=None, **kwargs):
        return value


class OwnerWidget(widgets.Widget):
    """A member of the place, by username or email address."""

    def __init__(self, resource: "InterventionResource"):
        super().__init__(coerce_to_string=False)
        self.resource = resource

    def clean(self, value, row=None, **kwargs) -> User | None:
        text = clean_text(value)
        if not text:
            # Every intervention has a named owner: a blank cell keeps the current one, and makes
            # the person importing the owner of a new row.
            return self.resource.current_owner() or self.resource.user
        user = self.resource.members.get(text.casefold())
        current = self.resource.current_owner()
        if user is None and current and text.casefold() in (current.username.casefold(), current.email.casefold()):
            user = current  # no longer a member, but already the owner: an exported row imports unchanged
        if user is None:
            raise ValueError(
                f"‘{_shown(text)}’ in {OWNER} is not a member of {self.resource.place.name}: use the username or "
                "email address of someone with access to this place"
            )
        return user

    def render(self, value, obj=None, **kwargs):
        return value.username if value else ""


class OrganisationWidget(widgets.Widget):
    """An organisation of the place or a national body, by name in any case; an unknown name is a
    new organisation of the place, added when the import is committed."""

    def __init__(self, resource: "InterventionResource"):
        super().__init__(coerce_to_string=False)
        self.resource = resource

    def clean(self, value, row=None, **kwargs) -> Organisation:
        text = clean_text(value)
        if not text:
            raise ValueError("Enter the lead organisation: every intervention needs one")
        return self.resource.organisation_named(text)

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


# --- The resource ----------------------------------------------------------------------------------------


@dataclass
class _Row:
    """What the resource learns about the row being imported."""

    number: int
    errors: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    new_organisation_names: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    matched: Intervention | BudgetLine | None = None

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def _organisation_key(organisation: Organisation):
    """The same key for an organisation this import adds before and after it is saved."""
    if getattr(organisation, "added_by_import", False):
        return ("new", _folded(organisation.name))
    return organisation.pk


class SpreadsheetRowResource(resources.ModelResource):
    """What InterventionResource and interventions/budget_resources.py BudgetLineResource share:
    the same interface (`user`, `expected`, `change_reason`, `on_row`, `row_numbers`,
    `preview_rows`), so interventions/importing.py runs either, and the same handling of one row
    (its number, the duplicate-in-file checks, its errors, its preview). A subclass sets its
    columns and the words for what a row is, and reads the place in `_load`."""

    columns: list[tuple[str, str]] = []  # (field name, column heading), in the spreadsheet's order
    noun = ""  # "intervention": what one row is
    a_noun = ""  # "an intervention"
    match_field = ""  # the field a row is matched on when it has no reference
    match_words = ""  # "title and lead organisation": what matches a row without a reference
    not_validated = frozenset({"place", "version"})  # fields full_clean leaves alone
    row_logger = logger
    unexpected_log = "Unexpected problem importing row %s"

    class Meta:  # a subclass's Meta adds model, fields, import_order and export_order
        import_id_fields = ()  # rows are matched by get_or_init_instance below
        skip_diff = True  # what changed is worked out per column, below
        report_skipped = True  # unchanged rows are reported, as "unchanged"
        clean_model_instances = True
        use_transactions = True

    def __init__(
        self,
        *,
        place: Place,
        user: User | None = None,
        expected: dict[int, tuple[int | None, int | None]] | None = None,
        change_reason: str = "Imported from a spreadsheet",
        on_row: Callable[[int], None] | None = None,
    ):
        super().__init__()
        self.place, self.user, self.expected = place, user, expected
        self.change_reason, self.on_row = change_reason, on_row
        self.row_numbers: list[int] = []  # spreadsheet row number of each dataset row
        self.preview_rows: list[dict] = []
        self._loaded = False
        self._row: _Row | None = None
        self._seen_pks: dict[int, int] = {}
        self._seen_new: dict[tuple, int] = {}
        self.organisations_to_add: set[str] = set()  # names, from rows that will be imported

    def before_import(self, dataset, **kwargs):
        if not self._loaded:
            self._load(lock=not self._is_dry_run(kwargs))

    def _load(self, *, lock: bool) -> None:
        raise NotImplementedError

    # --- One row ---

    def import_row(self, row, instance_loader, **kwargs):
        number = self.row_numbers[kwargs["row_number"] - 1] if self.row_numbers else kwargs["row_number"] + 1
        self._row = _Row(number=number)
        row_result = super().import_row(row, instance_loader, **kwargs)
        self.preview_rows.append(self._preview_row(row, row_result))
        if self.on_row:
            self.on_row(number)
        return row_result

    def _referenced_pk(self, reference: str, pattern: re.Pattern, prefix: str) -> int | None:
        """The pk a Reference cell names (INT-00042, 42), or None, the row told so, if it names none."""
        match = pattern.match(reference.replace(" ", ""))
        if match is None:
            self._row.error(
                "reference",
                f"‘{_shown(reference)}’ in {REFERENCE} is not a reference: references look like "
                f"{prefix}00042. Leave it empty for a new {self.noun}",
            )
            return None
        return int(match.group(1))

    def _not_ours(self, reference: str) -> None:
        self._row.error(
            "reference",
            f"‘{_shown(reference)}’ is not the reference of one of {self.place.name}'s {self.noun}s: leave "
            f"{REFERENCE} empty to add a new {self.noun}",
        )

    def _ambiguous(self, candidates: list) -> None:
        references = _or_list([candidate.reference for candidate in candidates])
        self._row.error(
            "reference",
            f"{len(candidates)} {self.noun}s have this {self.match_words} ({references}): put the one you mean in "
            f"{REFERENCE}",
        )

    def _settle_match(self, row, matched, key: tuple | None, *, by_reference: bool):
        """get_or_init_instance's end: a row's match (or its key, for a new one) once in the file,
        and unchanged since the preview. `key` is None when the row lacks what matches it."""
        state = self._row
        if matched is not None:
            earlier = self._seen_pks.get(matched.pk)
            if earlier:
                state.error(
                    "reference" if by_reference else self.match_field,
                    f"Row {earlier} is also {matched.reference}: {self.a_noun} can appear only once in the file",
                )
                matched = None
            else:
                self._seen_pks[matched.pk] = state.number
        elif key and not state.errors:
            earlier = self._seen_new.get(key)
            if earlier:
                state.error(
                    self.match_field,
                    f"Row {earlier} has the same {self.match_words}: {self.a_noun} can appear only once in the file",
                )
            else:
                self._seen_new[key] = state.number
        self._check_unchanged_since_preview(matched)
        state.matched = matched
        if matched is None:
            return self.init_instance(row), True
        return matched, False

    def _check_unchanged_since_preview(self, matched) -> None:
        if self.expected is None:
            return
        state = self._row
        pk, version = self.expected.get(state.number, (None, None))
        now = (matched.pk, matched.version) if matched else (None, None)
        if now == (pk, version):
            return
        if matched is not None and matched.pk == pk:
            message = f"Someone changed {matched.reference} after the file was checked"
        elif matched is not None:
            message = f"After the file was checked, this row came to match {matched.reference}"
        else:
            message = f"After the file was checked, the {self.noun} this row matched was changed or removed"
        state.error(NON_FIELD_ERRORS, f"{message}: check the file again before importing it")

    def init_instance(self, row=None):
        return self._meta.model(place=self.place)

    def _import_with_errors(self, instance, row, **kwargs) -> dict:
        """The library's import of the row's columns into `instance`, and the row's problems so far
        as column key → [ValidationError], the shape ValidationError.update_error_dict merges into."""
        errors = {key: [ValidationError(message) for message in messages] for key, messages in self._row.errors.items()}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        return errors

    def _note_changes(self, values: dict) -> None:
        """The row's comparable values, and the columns in which they differ from its match."""
        state = self._row
        state.values = values
        if state.matched is not None:
            original = self.originals[state.matched.pk]
            state.changes = [
                heading for name, heading in self.columns if name in original and original[name] != values[name]
            ]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        # Foreign keys were resolved against this place above; constraints are checked above in
        # words, and by the database when the rows are written.
        exclude = {*errors, *self.not_validated}
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        state = self._row
        return not import_validation_errors and state.matched is not None and not state.changes

    def save_m2m(self, instance, row, **kwargs):
        pass  # written with the instance, in save_instance

    def after_import(self, dataset, result, **kwargs):
        pass  # ModelResource would reset the id sequence; ids here always come from the database

    # --- The preview: what happens to each row, in words ---

    def _preview_title(self, row) -> str:
        raise NotImplementedError

    def _preview_row(self, row, row_result) -> dict:
        state = self._row
        action = {"new": "new", "update": "changed", "skip": "unchanged"}.get(row_result.import_type, "error")
        errors = []
        if row_result.validation_error is not None:
            errors = self._errors_in_words(row_result.validation_error)
        if row_result.errors:
            for error in row_result.errors:
                self.row_logger.error(self.unexpected_log, state.number, exc_info=error.error)
            errors.append(["", UNEXPECTED_ROW_PROBLEM])
        if errors:
            action = "error"
        elif action in ("new", "changed"):
            self.organisations_to_add.update(state.new_organisation_names)
        matched = state.matched
        return {
            "row": state.number,
            "action": action,
            "reference": matched.reference if matched else "",
            "pk": matched.pk if matched else None,
            "version": matched.version if matched else None,
            "title": _shown(self._preview_title(row), 120),
            "changes": state.changes if action == "changed" else [],
            "notes": state.notes if action in ("new", "changed") else [],
            "errors": errors,
        }

    def _errors_in_words(self, error: ValidationError) -> list[list[str]]:
        order = {name: position for position, (name, _) in enumerate(self.columns)}
        heading_for = dict(self.columns)
        items = []
        for key, problems in error.error_dict.items():
            column = heading_for.get(key, "")
            for problem in problems:
                items.append((order.get(key, -1), column, _in_words(column, problem)))
        return [[column, message] for _, column, message in sorted(items, key=lambda item: item[0])]

    # --- Export ---

    def iter_queryset(self, queryset):
        # One evaluation with its prefetches, whatever the size (the library would page it,
        # adding queries per 100 rows).
        yield from queryset

    def dehydrate_reference(self, instance) -> str:
        return instance.reference

    # --- Writing ---

    def _write_related(self, model, changed: list, added: list, removed) -> None:
        """Save, add and delete an instance's related rows (contributions, shares), each change in
        its history by the person importing, for the import's reason."""
        for related in changed:
            related._history_user = self.user
            related._change_reason = self.change_reason
            related.save()
        if added:
            bulk_create_with_history(added, model, default_user=self.user, default_change_reason=self.change_reason)
        for related in removed:
            related._history_user = self.user
            related._change_reason = self.change_reason
            related.delete()


class InterventionResource(SpreadsheetRowResource):
    """The interventions of one place, as rows of the spreadsheet.

    `user` is the person importing (history, assessments); `expected` maps a spreadsheet row
    number to the intervention (pk, version) the checked preview matched, so a commit can refuse
    a row whose intervention someone changed since; `on_row` is told each finished row number."""

    reference = Field(column_name=REFERENCE)
    title = Field(
        attribute="title",
        column_name=TITLE,
        widget=TextWidget(TITLE, max_length=200, required="Enter a title: every intervention needs one"),
    )
    kind = Field(attribute="kind", column_name=KIND, widget=ChoiceWidget(KIND, Intervention.Kind))
    level = Field(
        attribute="level",
        column_name=LEVEL,
        widget=ChoiceWidget(
            LEVEL,
            Intervention.Level,
            refused={
                Intervention.Level.NATIONAL: (
                    "National interventions are managed centrally and cannot be imported: use Local or Regional, "
                    "or remove the row"
                )
            },
        ),
    )
    status = Field(attribute="status", column_name=STATUS, widget=ChoiceWidget(STATUS, Intervention.Status))
    lead_organisation = Field(attribute="lead_organisation", column_name=LEAD)
    partners = Field(column_name=PARTNERS)
    owner = Field(attribute="owner", column_name=OWNER)
    start_date = Field(attribute="start_date", column_name=START, widget=DateWidget(START))
    end_date = Field(attribute="end_date", column_name=END, widget=DateWidget(END))
    budget_gbp = Field(
        attribute="budget_gbp", column_name=BUDGET, widget=MoneyWidget(BUDGET, max_digits=14, decimal_places=2)
    )
    funding_source = Field(attribute="funding_source", column_name=FUNDING, widget=TextWidget(FUNDING, max_length=200))
    cwb_pillars = Field(column_name=PILLARS)
    description = Field(
        attribute="description", column_name=DESCRIPTION, widget=TextWidget(DESCRIPTION, multiline=True)
    )
    evidence_links = Field(
        attribute="evidence_links", column_name=EVIDENCE, widget=TextWidget(EVIDENCE, multiline=True)
    )
    contributions = Field(column_name=CONTRIBUTIONS)

    columns = COLUMNS
    noun, a_noun = "intervention", "an intervention"
    match_field, match_words = "title", "title and lead organisation"
    not_validated = frozenset({"place", "lead_organisation", "owner", "version"})

    class Meta:
        model = Intervention
        fields = tuple(name for name, _ in COLUMNS)
        import_order = fields
        export_order = fields

    def __init__(self, *, place: Place, **kwargs):
        super().__init__(place=place, **kwargs)
        self.fields["lead_organisation"].widget = OrganisationWidget(self)
        self.fields["owner"].widget = OwnerWidget(self)
        self.new_organisations: dict[str, Organisation] = {}

    # --- What the place has, read once per import (a fixed number of queries) ---

    def _load(self, *, lock: bool) -> None:
        place = self.place
        interventions = (
            Intervention.objects.owned_by(place)
            .select_related("lead_organisation", "owner")
            .prefetch_related(
                "partners",
                "cwb_pillars",
                Prefetch(
                    "contributions",
                    queryset=Contribution.objects.filter(outcome__place=place).select_related("outcome"),
                ),
            )
        )
        if lock:
            # Nobody changes these interventions while the import writes (a no-op on SQLite,
            # which lets one writer in at a time anyway).
            interventions = interventions.select_for_update(of=("self",))
        self.interventions = {intervention.pk: intervention for intervention in interventions}
        self.originals = {pk: self._values_of(intervention) for pk, intervention in self.interventions.items()}
        self.by_title_and_lead: dict[tuple, list[int]] = {}
        for pk, intervention in self.interventions.items():
            key = (_folded(intervention.title), intervention.lead_organisation_id)
            self.by_title_and_lead.setdefault(key, []).append(pk)
        national = Intervention.objects.filter(place__isnull=True).values_list("pk", "title", "lead_organisation_id")
        self.national_pks = set()
        self.national_by_title_and_lead = {}
        for pk, title, lead_id in national:
            self.national_pks.add(pk)
            self.national_by_title_and_lead[(_folded(title), lead_id)] = pk
        self.organisations: dict[str, Organisation] = {}
        # National bodies first, so the place's own organisation wins when both have the name.
        for organisation in Organisation.objects.for_place(place).order_by(F("place").asc(nulls_first=True)):
            self.organisations[_folded(organisation.name)] = organisation
        self.outcomes = {_folded(o.title): o for o in WellbeingOutcome.objects.for_place(place)}
        self.pillars = {}
        for pillar in CwbPillar.objects.all():
            self.pillars[_folded(pillar.code)] = pillar
            self.pillars[_folded(pillar.name)] = pillar
        self.members: dict[str, User] = {}
        emails: dict[str, list[User]] = {}
        for membership in PlaceMembership.objects.filter(place=place).select_related("user"):
            user = membership.user
            self.members[user.username.casefold()] = user
            if user.email:
                emails.setdefault(user.email.casefold(), []).append(user)
        for email, users in emails.items():
            if len(users) == 1:
                self.members.setdefault(email, users[0])
        self._loaded = True

    def current_owner(self) -> User | None:
        """The owner of the intervention the row being imported matched, if any."""
        matched = self._row.matched if self._row else None
        return matched.owner if matched else None

    def organisation_named(self, name: str) -> Organisation:
        key = _folded(name)
        found = self.organisations.get(key) or self.new_organisations.get(key)
        if found is None:
            found = Organisation(place=self.place, name=" ".join(name.split())[:200], sector=Organisation.Sector.OTHER)
            found.added_by_import = True
            self.new_organisations[key] = found
        return found

    # --- One row ---

    def get_or_init_instance(self, instance_loader, row):
        state = self._row
        title = clean_text(row.get(TITLE))
        lead_name = clean_text(row.get(LEAD))
        lead_key = _organisation_key(self.organisation_named(lead_name)) if lead_name else None
        key = (_folded(title), lead_key)
        reference = clean_text(row.get(REFERENCE))
        matched = None
        if reference:
            pk = self._referenced_pk(reference, _REFERENCE, REFERENCE_PREFIX)
            if pk is None:
                pass  # _referenced_pk said why
            elif pk in self.national_pks:
                state.error(
                    "reference",
                    f"{REFERENCE_PREFIX}{pk:05d} is a national intervention, managed centrally: an import cannot "
                    "change it. "
                    "Remove the row",
                )
            elif pk not in self.interventions:
                self._not_ours(reference)
            else:
                matched = self.interventions[pk]
                others = [other for other in self.by_title_and_lead.get(key, []) if other != pk]
                if title and lead_key and others:
                    state.error(
                        "title",
                        f"{self.interventions[others[0]].reference} already has this title and lead organisation: "
                        "an intervention can be in the register only once",
                    )
        elif title and lead_key:
            national = self.national_by_title_and_lead.get(key)
            candidates = self.by_title_and_lead.get(key, [])
            if national:
                state.error(
                    "title",
                    f"This is the national intervention {REFERENCE_PREFIX}{national:05d}, managed centrally: an import "
                    "cannot change it. Remove the row, or give local work its own title",
                )
            elif len(candidates) > 1:
                self._ambiguous([self.interventions[pk] for pk in candidates])
            elif candidates:
                matched = self.interventions[candidates[0]]
        return self._settle_match(row, matched, key if title and lead_key else None, by_reference=bool(reference))

    def import_instance(self, instance, row, **kwargs):
        state = self._row
        errors = self._import_with_errors(instance, row, **kwargs)
        values = self._parse_lists(row, errors)
        if "start_date" not in errors and "end_date" not in errors:
            start, end = instance.start_date, instance.end_date
            if start and end and end < start:
                errors["end_date"] = [
                    ValidationError(
                        f"{END} ({end:%d/%m/%Y}) is before the start date ({start:%d/%m/%Y}): an intervention "
                        "cannot end before it starts"
                    )
                ]
        if errors:
            raise ValidationError(errors)
        values.update(
            {
                name: getattr(instance, name)
                for name in ("title", "kind", "level", "status", "start_date", "end_date", "budget_gbp")
            }
        )
        values["lead_organisation"] = _organisation_key(instance.lead_organisation)
        values["owner"] = instance.owner_id
        values["funding_source"] = instance.funding_source
        values["description"] = instance.description
        values["evidence_links"] = tuple(instance.evidence_link_list)
        for organisation in [instance.lead_organisation, *values["_partner_objects"]]:
            if (
                getattr(organisation, "added_by_import", False)
                and organisation.name not in state.new_organisation_names
            ):
                state.new_organisation_names.append(organisation.name)
                state.notes.append(f"will add organisation ‘{organisation.name}’")
        self._note_changes(values)

    def _parse_lists(self, row, errors: dict) -> dict:
        """Partner organisations, CWB pillars and contributions: several values in one cell."""
        partners = [self.organisation_named(name) for name in split_list(clean_text(row.get(PARTNERS)))]
        pillars, unknown = [], []
        for name in split_list(clean_text(row.get(PILLARS))):
            pillar = self.pillars.get(_folded(name))
            if pillar is None:
                unknown.append(name)
            elif pillar not in pillars:
                pillars.append(pillar)
        if unknown:
            names = _or_list(sorted({p.name for p in self.pillars.values()}))
            errors["cwb_pillars"] = [
                ValidationError(f"‘{_shown(name)}’ in {PILLARS} is not a Community Wealth Building pillar: use {names}")
                for name in unknown
            ]
        contributions, problems = self._parse_contributions(clean_text(row.get(CONTRIBUTIONS), multiline=True))
        if problems:
            errors["contributions"] = [ValidationError(problem) for problem in problems]
        return {
            "partners": frozenset(_organisation_key(o) for o in partners),
            "_partner_objects": partners,
            "cwb_pillars": frozenset(p.pk for p in pillars),
            "_pillar_objects": pillars,
            "contributions": frozenset(
                (outcome.pk, strength, effectiveness, basis)
                for outcome, (strength, effectiveness, basis) in contributions.items()
            ),
            "_contributions": contributions,
        }

    _DETAIL_WORDS = {
        **{_folded(v): ("strength", v) for v, _ in Contribution.Strength.choices},
        **{_folded(v): ("effectiveness", v) for v, _ in Contribution.Effectiveness.choices},
        **{_folded(v): ("basis", v) for v, _ in Contribution.Basis.choices},
    }
    _DETAILS_HELP = (
        "in the brackets give the strength (primary, secondary or enabling), then the effectiveness (strong, "
        "moderate, limited or unknown), then the basis (evaluated, monitored, expected or anecdotal)"
    )

    def _parse_contributions(self, text: str) -> tuple[dict, list[str]]:
        """`Outcome title (strength, effectiveness, basis); Other outcome (secondary)`."""
        contributions: dict[WellbeingOutcome, tuple[str, str, str]] = {}
        problems = []
        for item in split_list(text):
            outcome_title, details = item, []
            bracketed = _BRACKETS.match(item)
            if bracketed and _folded(item) not in self.outcomes:
                outcome_title = bracketed.group("title")
                details = [word.strip() for word in bracketed.group("details").split(",") if word.strip()]
            outcome = self.outcomes.get(_folded(outcome_title))
            if outcome is None:
                problems.append(
                    f"“{_shown(outcome_title, 80)}” is not one of {self.place.name}'s wellbeing outcomes: use the "
                    "outcome titles listed in the template"
                )
                continue
            chosen = {"strength": Contribution.Strength.PRIMARY, "effectiveness": Contribution.Effectiveness.UNKNOWN}
            chosen["basis"] = Contribution.Basis.EXPECTED
            given = set()
            for word in details:
                kind_and_value = self._DETAIL_WORDS.get(_folded(word))
                if kind_and_value is None:
                    problems.append(
                        f"‘{_shown(word)}’ (for “{_shown(outcome.title)}”) is not a strength, effectiveness or basis: "
                        f"{self._DETAILS_HELP}"
                    )
                    break
                kind, value = kind_and_value
                if kind in given:
                    problems.append(f"“{_shown(outcome.title)}” is given two values for {kind}: {self._DETAILS_HELP}")
                    break
                given.add(kind)
                chosen[kind] = value
            if outcome in contributions:
                problems.append(f"“{_shown(outcome.title)}” is listed twice in {CONTRIBUTIONS}")
            contributions[outcome] = (chosen["strength"], chosen["effectiveness"], chosen["basis"])
        return contributions, problems

    # --- Writing (commit only: a dry run writes nothing) ---

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return
        values = self._row.values
        changes = set(self._row.changes)
        for organisation in [instance.lead_organisation, *values["_partner_objects"]]:
            if organisation.pk is None:
                organisation.save()
        instance.lead_organisation = instance.lead_organisation  # take the id of a just-added organisation
        if not is_create:
            instance.version += 1  # open edit forms now refuse to overwrite this import
        # One history record for the row, written below once its partners and pillars are set
        # (simple-history would write one for the save and one more for each many-to-many change).
        instance.skip_history_when_saving = True
        written = {}  # through model → the rows just added, for a new intervention
        try:
            instance.save(force_insert=is_create)
            for name, column, objects in [
                ("partners", PARTNERS, values["_partner_objects"]),
                ("cwb_pillars", PILLARS, values["_pillar_objects"]),
            ]:
                relation = getattr(Intervention, name)
                if is_create:
                    source, target = relation.field.m2m_field_name(), relation.field.m2m_reverse_field_name()
                    written[relation.through] = relation.through.objects.bulk_create(
                        relation.through(**{source: instance, target: o}) for o in objects
                    )
                elif column in changes:
                    getattr(instance, name).set(objects)
        finally:
            del instance.skip_history_when_saving
        record_history(
            instance, update=not is_create, user=self.user, reason=self.change_reason, through_rows=written or None
        )
        if is_create or CONTRIBUTIONS in changes:
            self._save_contributions(instance, values["_contributions"], existing=not is_create)

    def _save_contributions(self, instance: Intervention, wanted: dict, *, existing: bool) -> None:
        """Make the intervention's contributions to this place's outcomes match the column. A
        changed effectiveness or basis is a new assessment, by the person importing, today."""
        today = timezone.localdate()
        current = {c.outcome_id: c for c in instance.contributions.all()} if existing else {}
        added, changed = [], []
        for outcome, (strength, effectiveness, basis) in wanted.items():
            contribution = current.pop(outcome.pk, None)
            if contribution is None:
                contribution = Contribution(intervention=instance, outcome=outcome, strength=strength)
                contribution.effectiveness, contribution.basis = effectiveness, basis
                if effectiveness != Contribution.Effectiveness.UNKNOWN:
                    contribution.assessed_by, contribution.assessed_on = self.user, today
                added.append(contribution)
                continue
            if (contribution.strength, contribution.effectiveness, contribution.basis) == (
                strength,
                effectiveness,
                basis,
            ):
                continue
            if (contribution.effectiveness, contribution.basis) != (effectiveness, basis):
                contribution.assessed_by, contribution.assessed_on = self.user, today
            contribution.strength, contribution.effectiveness, contribution.basis = strength, effectiveness, basis
            changed.append(contribution)
        self._write_related(Contribution, changed, added, current.values())

    # --- The preview: what happens to each row, in words ---

    def _preview_title(self, row) -> str:
        return clean_text(row.get(TITLE))

    # --- Export ---

    def dehydrate_partners(self, intervention: Intervention) -> str:
        return SEPARATOR.join(sorted((o.name for o in intervention.partners.all()), key=str.casefold))

    def dehydrate_cwb_pillars(self, intervention: Intervention) -> str:
        return SEPARATOR.join(sorted(p.name for p in intervention.cwb_pillars.all()))

    def dehydrate_contributions(self, intervention: Intervention) -> str:
        contributions = sorted(
            (c for c in intervention.contributions.all() if c.outcome.place_id == self.place.pk),
            key=lambda c: (c.outcome.priority_rank, c.outcome.title.casefold()),
        )
        return SEPARATOR.join(f"{c.outcome.title} ({c.strength}, {c.effectiveness}, {c.basis})" for c in contributions)

    def _values_of(self, intervention: Intervention) -> dict:
        """An intervention as the comparable values import_instance makes of a row."""
        return {
            "title": intervention.title,
            "kind": intervention.kind,
            "level": intervention.level,
            "status": intervention.status,
            "lead_organisation": intervention.lead_organisation_id,
            "partners": frozenset(o.pk for o in intervention.partners.all()),
            "owner": intervention.owner_id,
            "start_date": intervention.start_date,
            "end_date": intervention.end_date,
            "budget_gbp": intervention.budget_gbp,
            "funding_source": clean_text(intervention.funding_source),
            "cwb_pillars": frozenset(p.pk for p in intervention.cwb_pillars.all()),
            "description": clean_text(intervention.description, multiline=True),
            "evidence_links": tuple(intervention.evidence_link_list),
            "contributions": frozenset(
                (c.outcome_id, c.strength, c.effectiveness, c.basis) for c in intervention.contributions.all()
            ),
        }


@cache
def _history_of(model) -> tuple:
    """(history manager, [(through model, snapshot model, source field name, attnames)]) for a
    model with simple-history; looked up once (each lookup builds a manager class)."""
    manager = model.history
    snapshots = [
        (
            m2m.remote_field.through,
            getattr(manager.model, m2m.name).model,
            m2m.m2m_field_name(),
            [f.attname for f in m2m.remote_field.through._meta.fields],
        )
        for m2m in manager.model._history_m2m_fields
    ]
    return manager, snapshots


def record_history(instance, *, update: bool, user: User | None, reason: str, through_rows: dict | None = None):
    """One simple-history record of `instance` with the snapshot of its many-to-many fields, as
    simple-history's own save writes it, for an instance saved (and its many-to-many fields
    changed) with `skip_history_when_saving`. Uses the history manager's bulk helper: one INSERT
    for the record, and an INSERT per many-to-many field (after a SELECT of its rows, unless
    `through_rows` gives them: through model → its rows for this instance)."""
    manager, snapshots = _history_of(type(instance))
    [record] = manager.bulk_history_create([instance], update=update, default_user=user, default_change_reason=reason)
    for through, snapshot, source, attnames in snapshots:
        if through_rows is not None:
            rows = [[getattr(row, attname) for attname in attnames] for row in through_rows[through]]
        else:
            rows = through.objects.filter(**{source: instance}).values_list(*attnames)
        if rows:
            snapshot.objects.bulk_create(
                snapshot(history=record, **dict(zip(attnames, row, strict=True))) for row in rows
            )


def _in_words(column: str, error: ValidationError) -> str:
    """A model validation message, said for the spreadsheet (Django's defaults name no column)."""
    params = error.params or {}
    if error.code == "max_length":
        return (
            f"{column} is {params.get('show_value', 0):,} characters long; it can be at most {params['limit_value']:,}"
        )
    if error.code in ("blank", "null", "required"):
        return f"Enter the {column.lower()}"
    if error.code == "invalid_choice":
        return f"‘{_shown(str(params.get('value', '')))}’ in {column} is not one of the allowed values"
    message = error.message % params if params else error.message
    return str(message)


# --- Export and the blank template -------------------------------------------------------------------------


def interventions_for_export(queryset: QuerySet, place: Place) -> QuerySet:
    """The place's own interventions from `queryset`, with everything the columns show, in four
    queries whatever the number of rows. National interventions are left out: they are managed
    centrally, and a row for one could not be imported back."""
    return (
        queryset.filter(place=place)
        .select_related("lead_organisation", "owner")
        .prefetch_related(
            "partners",
            "cwb_pillars",
            Prefetch(
                "contributions",
                queryset=Contribution.objects.filter(outcome__place=place).select_related("outcome"),
            ),
        )
    )


def _filename(place: Place, what: str, file_format: str) -> str:
    return f"{place.slug}-{what}-{timezone.localdate():%Y-%m-%d}.{file_format}"


def export_file(place: Place, what: str, sheet: SheetData, file_format: str) -> tuple[bytes, str, str]:
    """An export's one sheet as CSV or XLSX: (content, content type, file name)."""
    content = write_csv(sheet.headers, sheet.rows) if file_format == CSV else write_xlsx([sheet])
    return content, CONTENT_TYPES[file_format], _filename(place, what, file_format)


def allowed_value_rows(lists: list[tuple[str, list[str]]]) -> list[list[str | None]]:
    """The ‘Allowed values’ sheet's rows: one column per (heading, values), blank below the shorter."""
    longest = max(len(items) for _, items in lists)
    return [[items[i] if i < len(items) else None for _, items in lists] for i in range(longest)]


def choice_validation(heading: str, position: int, count: int) -> DataValidation:
    """A drop-down on the column `heading` of the import's first sheet, offering the `count` values
    of column `position` (from 1) of the ‘Allowed values’ sheet."""
    letter = get_column_letter(position)
    validation = DataValidation(
        type="list",
        formula1=f"'Allowed values'!${letter}$2:${letter}${count + 1}",
        allow_blank=True,
        errorStyle="warning",
        showErrorMessage=True,
        error=f"Choose one of the values on the ‘Allowed values’ sheet for {heading}.",
    )
    return validation


def export_interventions(queryset: QuerySet, place: Place, file_format: str) -> tuple[bytes, str, str]:
    """The interventions as the import spreadsheet (CSV UTF-8 with a byte order mark, or XLSX),
    every formula-like cell escaped: (content, content type, file name)."""
    if file_format not in (CSV, XLSX):
        raise ValueError(f"Unknown export format {file_format!r}")
    dataset = InterventionResource(place=place).export(interventions_for_export(queryset, place))
    rows = [list(row) for row in dataset]
    return export_file(place, "interventions", SheetData("Interventions", HEADINGS, rows, COLUMN_WIDTHS), file_format)


@dataclass(frozen=True)
class AllowedValues:
    kinds: list[str]
    levels: list[str]
    statuses: list[str]
    strengths: list[str]
    effectiveness: list[str]
    bases: list[str]
    outcomes: list[str]
    pillars: list[str]


def allowed_values(place: Place) -> AllowedValues:
    """What the choice columns accept, and this place's outcome titles and the CWB pillars."""
    return AllowedValues(
        kinds=[label for _, label in Intervention.Kind.choices],
        levels=[label for value, label in Intervention.Level.choices if value != Intervention.Level.NATIONAL],
        statuses=[label for _, label in Intervention.Status.choices],
        strengths=[value for value, _ in Contribution.Strength.choices],
        effectiveness=[value for value, _ in Contribution.Effectiveness.choices],
        bases=[value for value, _ in Contribution.Basis.choices],
        outcomes=list(
            WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title").values_list("title", flat=True)
        ),
        pillars=list(CwbPillar.objects.order_by("name").values_list("name", flat=True)),
    )


COLUMN_GUIDANCE = [
    (REFERENCE, "Leave empty for a new intervention. Keep the reference (INT-00042) to change one already recorded."),
    (TITLE, "Required. At most 200 characters."),
    (KIND, "Required. One of the kinds on the ‘Allowed values’ sheet."),
    (LEVEL, "Required: Local or Regional. National interventions are managed centrally."),
    (STATUS, "Required. One of the statuses on the ‘Allowed values’ sheet."),
    (LEAD, "Required. An organisation not yet recorded is added when you import."),
    (PARTNERS, "Optional. Names separated by semicolons, for example: NHS Forth Valley; Forth Valley College."),
    (
        OWNER,
        "The username or email address of someone with access to this place. Left blank, a new "
        "intervention is owned by the person importing the file, and an existing one keeps its owner.",
    ),
    (START, "Optional. A date, dd/mm/yyyy."),
    (END, "Optional. A date, dd/mm/yyyy, not before the start date."),
    (BUDGET, "Optional. Pounds, for example 12500 or 12,500.00."),
    (FUNDING, "Optional. At most 200 characters."),
    (PILLARS, "Optional. Community Wealth Building pillars separated by semicolons."),
    (DESCRIPTION, "Optional."),
    (EVIDENCE, "Optional. Web addresses starting https://, one per line."),
    (
        CONTRIBUTIONS,
        "Optional. Wellbeing outcomes this intervention contributes to, separated by semicolons, each with "
        "(strength, effectiveness, basis) if you know them, for example: "
        "Fair work (primary, moderate, monitored); Child poverty (secondary). "
        "Left out, they are primary, unknown, expected.",
    ),
]


def import_template(place: Place, file_format: str) -> tuple[bytes, str, str]:
    """The blank spreadsheet to fill in. XLSX: the columns, then sheets of allowed values (this
    place's outcome titles and the CWB pillars among them) and guidance, with drop-down lists
    on the choice columns. CSV: the column headings only (the import page lists the values)."""
    if file_format == CSV:
        return write_csv(HEADINGS, []), CONTENT_TYPES[CSV], _filename(place, "interventions-template", CSV)
    if file_format != XLSX:
        raise ValueError(f"Unknown template format {file_format!r}")
    values = allowed_values(place)
    lists = [
        (KIND, values.kinds),
        (LEVEL, values.levels),
        (STATUS, values.statuses),
        ("Contribution strength", values.strengths),
        ("Effectiveness", values.effectiveness),
        ("Basis", values.bases),
        (f"Wellbeing outcomes of {place.name}", values.outcomes),
        (PILLARS, values.pillars),
    ]
    allowed_rows = allowed_value_rows(lists)
    validations = []
    for position, (heading, items) in enumerate(lists[:3], start=1):
        validation = choice_validation(heading, position, len(items))
        column = get_column_letter(HEADINGS.index(heading) + 1)
        validation.add(f"{column}2:{column}10001")
        validations.append(validation)
    content = write_xlsx(
        [
            SheetData("Interventions", HEADINGS, [], COLUMN_WIDTHS),
            SheetData(
                "Allowed values", [heading for heading, _ in lists], allowed_rows, [16, 12, 14, 22, 16, 14, 50, 28]
            ),
            SheetData("Guidance", ["Column", "What to enter"], COLUMN_GUIDANCE, [24, 120]),
        ],
        validations=validations,
    )
    return content, CONTENT_TYPES[XLSX], _filename(place, "interventions-template", XLSX)
