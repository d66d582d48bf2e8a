"""The budget line spreadsheet: one set of columns for the import, its template and its export.

`BudgetLineResource` is a django-import-export resource for one place's budget lines, the second
kind of import (interventions/importing.py IMPORT_KINDS). It lives here, not in wellbeing, because
this app owns the import machinery and wellbeing never imports interventions. Each row is matched
to a budget line of the place by its Reference (BUD-00042), else by service, cost centre and
financial year (ignoring case and spaces), else it is a new line. The Shares column is the line's
whole tagging: "Fair work (40%); Child poverty (60%)"; an empty cell leaves the line untagged.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from import_export import resources, widgets
from import_export.fields import Field
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history

from interventions.resources import (
    SEPARATOR,
    UNEXPECTED_ROW_PROBLEM,
    ChoiceWidget,
    MoneyWidget,
    TextWidget,
    _folded,
    _in_words,
    _or_list,
    _shown,
    record_history,
    split_list,
)
from interventions.spreadsheets import clean_text
from wellbeing.budget_forms import percent_text, shares_over_100_message
from wellbeing.models import BudgetLine, BudgetShare, Place, User, WellbeingOutcome
from wellbeing.models.budgets import (
    BUDGET_REFERENCE_PREFIX,
    FINANCIAL_YEAR_MESSAGE,
    ONE_HUNDRED,
    validate_financial_year,
)
from wellbeing.spreadsheets import CONTENT_TYPES, CSV, XLSX, SheetData, write_csv, write_xlsx

logger = logging.getLogger(__name__)

REFERENCE = "Reference"
SERVICE = "Service"
COST_CENTRE = "Cost centre"
YEAR = "Financial year"
AMOUNT = "Amount (£)"
KIND = "Revenue or capital"
DESCRIPTION = "Description"
SHARES = "Shares"

COLUMNS: list[tuple[str, str]] = [
    ("reference", REFERENCE),
    ("service", SERVICE),
    ("cost_centre", COST_CENTRE),
    ("financial_year", YEAR),
    ("amount_gbp", AMOUNT),
    ("kind", KIND),
    ("description", DESCRIPTION),
    ("shares", SHARES),
]
HEADINGS = [heading for _, heading in COLUMNS]
HEADING_FOR = dict(COLUMNS)
COLUMN_WIDTHS = [11, 30, 14, 14, 16, 18, 50, 60]

_REFERENCE = re.compile(rf"^(?:{BUDGET_REFERENCE_PREFIX[:-1]}-?)?0*(\d{{1,9}})$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2})$")
# "Fair work (40%)", "Fair work (40)", and the wellbeing budget export's "Fair work: 40%".
_SHARE = re.compile(r"^(?P<title>.*?)\s*(?:\((?P<bracketed>[^()]*)\)|:\s*(?P<after_colon>[^:]*%))$")


class YearWidget(widgets.Widget):
    """A financial year: 2025/26 or 2025-26."""

    def __init__(self, column: str):
        super().__init__(coerce_to_string=False)
        self.column = column

    def clean(self, value, row=None, **kwargs) -> str:
        text = clean_text(value)
        if not text:
            raise ValueError("Enter the financial year, for example 2025/26")
        match = _YEAR.match(text)
        year = f"{match.group(1)}/{match.group(2)}" if match else text
        try:
            validate_financial_year(year)
        except ValidationError:
            raise ValueError(
                f"‘{_shown(text)}’ in {self.column} is not a financial year. {FINANCIAL_YEAR_MESSAGE}"
            ) from None
        return year

    def render(self, value, obj=None, **kwargs):
        return value or ""


class AmountWidget(MoneyWidget):
    """Pounds, as for an intervention's budget, but required."""

    def clean(self, value, row=None, **kwargs) -> Decimal:
        amount = super().clean(value, row, **kwargs)
        if amount is None:
            raise ValueError("Enter the amount in pounds, for example 125000 or 125,000.00")
        return amount


@dataclass
class _Row:
    number: int
    errors: dict[str, list[str]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    matched: BudgetLine | None = None

    def error(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


class BudgetLineResource(resources.ModelResource):
    """The budget lines of one place, as rows of the spreadsheet. The same interface as
    InterventionResource (`user`, `expected`, `change_reason`, `on_row`, `row_numbers`,
    `preview_rows`), so interventions/importing.py runs either."""

    reference = Field(column_name=REFERENCE)
    service = Field(
        attribute="service",
        column_name=SERVICE,
        widget=TextWidget(SERVICE, max_length=200, required="Enter the service, for example Housing"),
    )
    cost_centre = Field(
        attribute="cost_centre",
        column_name=COST_CENTRE,
        widget=TextWidget(COST_CENTRE, max_length=50, required="Enter the cost centre, as the finance system has it"),
    )
    financial_year = Field(attribute="financial_year", column_name=YEAR, widget=YearWidget(YEAR))
    amount_gbp = Field(
        attribute="amount_gbp", column_name=AMOUNT, widget=AmountWidget(AMOUNT, max_digits=14, decimal_places=2)
    )
    kind = Field(attribute="kind", column_name=KIND, widget=ChoiceWidget(KIND, BudgetLine.Kind))
    description = Field(
        attribute="description", column_name=DESCRIPTION, widget=TextWidget(DESCRIPTION, multiline=True)
    )
    shares = Field(column_name=SHARES)

    class Meta:
        model = BudgetLine
        fields = tuple(name for name, _ in COLUMNS)
        import_order = fields
        export_order = fields
        import_id_fields = ()  # rows are matched by get_or_init_instance below
        skip_diff = True
        report_skipped = True
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
        self.row_numbers: list[int] = []
        self.preview_rows: list[dict] = []
        self.organisations_to_add: set[str] = set()  # the preview's shape; budget lines add none
        self._loaded = False
        self._row: _Row | None = None
        self._seen_pks: dict[int, int] = {}
        self._seen_new: dict[tuple, int] = {}

    # --- What the place has, read once per import ---

    def before_import(self, dataset, **kwargs):
        if not self._loaded:
            self._load(lock=not self._is_dry_run(kwargs))

    def _load(self, *, lock: bool) -> None:
        lines = BudgetLine.objects.for_place(self.place).prefetch_related(
            Prefetch("shares", queryset=BudgetShare.objects.select_related("outcome"))
        )
        if lock:
            lines = lines.select_for_update(of=("self",))
        self.lines = {line.pk: line for line in lines}
        self.originals = {pk: self._values_of(line) for pk, line in self.lines.items()}
        self.by_key: dict[tuple, list[int]] = {}
        for pk, line in self.lines.items():
            self.by_key.setdefault(_key(line.service, line.cost_centre, line.financial_year), []).append(pk)
        self.outcomes = {_folded(o.title): o for o in WellbeingOutcome.objects.for_place(self.place)}
        self._loaded = True

    # --- One row ---

    def import_row(self, row, instance_loader, **kwargs):
        number = self.row_numbers[kwargs["row_number"] - 1] if self.row_numbers else kwargs["row_number"] + 1
        self._row = _Row(number=number)
        row_result = super().import_row(row, instance_loader, **kwargs)
        self.preview_rows.append(self._preview_row(row, row_result))
        if self.on_row:
            self.on_row(number)
        return row_result

    def get_or_init_instance(self, instance_loader, row):
        state = self._row
        year_text = clean_text(row.get(YEAR))
        year_match = _YEAR.match(year_text)
        year = f"{year_match.group(1)}/{year_match.group(2)}" if year_match else year_text
        service, cost_centre = clean_text(row.get(SERVICE)), clean_text(row.get(COST_CENTRE))
        key = _key(service, cost_centre, year) if service and cost_centre and year else None
        reference = clean_text(row.get(REFERENCE))
        matched = None
        if reference:
            match = _REFERENCE.match(reference.replace(" ", ""))
            pk = int(match.group(1)) if match else None
            if pk is None:
                state.error(
                    "reference",
                    f"‘{_shown(reference)}’ in {REFERENCE} is not a reference: references look like "
                    f"{BUDGET_REFERENCE_PREFIX}00042. Leave it empty for a new budget line",
                )
            elif pk not in self.lines:
                state.error(
                    "reference",
                    f"‘{_shown(reference)}’ is not the reference of one of {self.place.name}'s budget lines: leave "
                    f"{REFERENCE} empty to add a new budget line",
                )
            else:
                matched = self.lines[pk]
        elif key:
            candidates = self.by_key.get(key, [])
            if len(candidates) > 1:
                references = _or_list([self.lines[pk].reference for pk in candidates])
                state.error(
                    "reference",
                    f"{len(candidates)} budget lines have this service, cost centre and financial year ({references}): "
                    f"put the one you mean in {REFERENCE}",
                )
            elif candidates:
                matched = self.lines[candidates[0]]
        if matched is not None:
            earlier = self._seen_pks.get(matched.pk)
            if earlier:
                state.error(
                    "reference" if reference else "service",
                    f"Row {earlier} is also {matched.reference}: a budget line can appear only once in the file",
                )
                matched = None
            else:
                self._seen_pks[matched.pk] = state.number
        elif key and not state.errors:
            earlier = self._seen_new.get(key)
            if earlier:
                state.error(
                    "service",
                    f"Row {earlier} has the same service, cost centre and financial year: a budget line can appear "
                    "only once in the file",
                )
            else:
                self._seen_new[key] = state.number
        self._check_unchanged_since_preview(matched)
        state.matched = matched
        if matched is None:
            return self.init_instance(row), True
        return matched, False

    def _check_unchanged_since_preview(self, matched: BudgetLine | None) -> None:
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
            message = "After the file was checked, the budget line this row matched was changed or removed"
        state.error(NON_FIELD_ERRORS, f"{message}: check the file again before importing it")

    def init_instance(self, row=None):
        return BudgetLine(place=self.place)

    def import_instance(self, instance, row, **kwargs):
        state = self._row
        errors = {key: [ValidationError(message) for message in messages] for key, messages in state.errors.items()}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        shares, problems = self._parse_shares(clean_text(row.get(SHARES), multiline=True))
        if problems:
            errors["shares"] = [ValidationError(problem) for problem in problems]
        if errors:
            raise ValidationError(errors)
        values = {name: getattr(instance, name) for name in ("service", "cost_centre", "financial_year", "kind")}
        values["amount_gbp"] = instance.amount_gbp
        values["description"] = instance.description
        values["shares"] = frozenset((outcome.pk, percent) for outcome, percent in shares.items())
        values["_shares"] = shares
        state.values = values
        if state.matched is not None:
            original = self.originals[state.matched.pk]
            state.changes = [
                HEADING_FOR[name] for name, _ in COLUMNS if name in original and original[name] != values[name]
            ]

    def _parse_shares(self, text: str) -> tuple[dict, list[str]]:
        """`Outcome title (40%); Other outcome (60%)` → {outcome: Decimal percent}, [problems]."""
        shares: dict[WellbeingOutcome, Decimal] = {}
        problems = []
        for item in split_list(text):
            match = _SHARE.match(item)
            if match is None:
                problems.append(
                    f"“{_shown(item, 80)}” in {SHARES} has no percentage: give each outcome its share in brackets, "
                    "for example Fair work (40%)"
                )
                continue
            title = match.group("title")
            outcome = self.outcomes.get(_folded(title))
            if outcome is None:
                problems.append(
                    f"“{_shown(title, 80)}” is not one of {self.place.name}'s wellbeing outcomes: use the outcome "
                    "titles listed in the template"
                )
                continue
            percent_cell = (match.group("bracketed") or match.group("after_colon") or "").strip()
            try:
                percent = Decimal(percent_cell.rstrip("%").strip())
            except InvalidOperation:
                percent = None
            if percent is None or not percent.is_finite():
                problems.append(
                    f"‘{_shown(percent_cell)}’ (for “{_shown(outcome.title)}”) is not a percentage: write it as a "
                    "number, for example 40%"
                )
                continue
            if percent <= 0:
                problems.append(f"The share of “{_shown(outcome.title)}” must be more than 0%")
                continue
            if percent > ONE_HUNDRED:
                problems.append(f"The share of “{_shown(outcome.title)}” cannot be more than 100%")
                continue
            if percent.as_tuple().exponent < -2:
                problems.append(
                    f"The share of “{_shown(outcome.title)}” ({percent_cell}) has more than two decimal places"
                )
                continue
            if outcome in shares:
                problems.append(f"“{_shown(outcome.title)}” is listed twice in {SHARES}")
                continue
            shares[outcome] = percent.quantize(Decimal("0.01"))
        total = sum(shares.values(), Decimal("0"))
        if not problems and total > ONE_HUNDRED:
            problems.append(shares_over_100_message(total))  # the budget form's words
        return shares, problems

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        exclude = {*errors, "place", "version"}
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        state = self._row
        return not import_validation_errors and state.matched is not None and not state.changes

    # --- Writing (commit only), through simple-history as the intervention import does ---

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return
        if not is_create:
            instance.version += 1  # open edit forms now refuse to overwrite this import
        instance.skip_history_when_saving = True
        try:
            instance.save(force_insert=is_create)
        finally:
            del instance.skip_history_when_saving
        record_history(instance, update=not is_create, user=self.user, reason=self.change_reason)
        if is_create or SHARES in self._row.changes:
            self._save_shares(instance, self._row.values["_shares"], existing=not is_create)

    def _save_shares(self, line: BudgetLine, wanted: dict, *, existing: bool) -> None:
        current = {share.outcome_id: share for share in line.shares.all()} if existing else {}
        added = []
        for outcome, percent in wanted.items():
            share = current.pop(outcome.pk, None)
            if share is None:
                added.append(BudgetShare(line=line, outcome=outcome, percent=percent))
                continue
            if share.percent == percent:
                continue
            share.percent = percent
            share._history_user = self.user
            share._change_reason = self.change_reason
            share.save()
        if added:
            bulk_create_with_history(
                added, BudgetShare, default_user=self.user, default_change_reason=self.change_reason
            )
        for share in current.values():
            share._history_user = self.user
            share._change_reason = self.change_reason
            share.delete()

    def save_m2m(self, instance, row, **kwargs):
        pass

    def after_import(self, dataset, result, **kwargs):
        pass  # ModelResource would reset the id sequence; ids here always come from the database

    # --- The preview ---

    def _preview_row(self, row, row_result) -> dict:
        state = self._row
        action = {"new": "new", "update": "changed", "skip": "unchanged"}.get(row_result.import_type, "error")
        errors = []
        if row_result.validation_error is not None:
            errors = self._errors_in_words(row_result.validation_error)
        if row_result.errors:
            for error in row_result.errors:
                logger.error("Unexpected problem importing budget row %s", state.number, exc_info=error.error)
            errors.append(["", UNEXPECTED_ROW_PROBLEM])
        if errors:
            action = "error"
        matched = state.matched
        title = " ".join(part for part in (clean_text(row.get(SERVICE)), clean_text(row.get(COST_CENTRE))) if part)
        year = clean_text(row.get(YEAR))
        return {
            "row": state.number,
            "action": action,
            "reference": matched.reference if matched else "",
            "pk": matched.pk if matched else None,
            "version": matched.version if matched else None,
            "title": _shown(f"{title} ({year})" if year else title, 120),
            "changes": state.changes if action == "changed" else [],
            "notes": [],
            "errors": errors,
        }

    def _errors_in_words(self, error: ValidationError) -> list[list[str]]:
        order = {name: position for position, (name, _) in enumerate(COLUMNS)}
        items = []
        for key, problems in error.error_dict.items():
            column = HEADING_FOR.get(key, "")
            for problem in problems:
                items.append((order.get(key, -1), column, _in_words(column, problem)))
        return [[column, message] for _, column, message in sorted(items, key=lambda item: item[0])]

    # --- Export ---

    def iter_queryset(self, queryset):
        yield from queryset

    def dehydrate_reference(self, line: BudgetLine) -> str:
        return line.reference

    def dehydrate_shares(self, line: BudgetLine) -> str:
        return SEPARATOR.join(f"{share.outcome.title} ({percent_text(share.percent)}%)" for share in line.shares.all())

    def _values_of(self, line: BudgetLine) -> dict:
        return {
            "service": line.service,
            "cost_centre": line.cost_centre,
            "financial_year": line.financial_year,
            "amount_gbp": line.amount_gbp,
            "kind": line.kind,
            "description": clean_text(line.description, multiline=True),
            "shares": frozenset((share.outcome_id, share.percent) for share in line.shares.all()),
        }


def _key(service: str, cost_centre: str, year: str) -> tuple:
    return (_folded(service), _folded(cost_centre), year.replace(" ", ""))


# --- Export in the import's columns, and the blank template -------------------------------------------------


def _filename(place: Place, what: str, file_format: str) -> str:
    return f"{place.slug}-{what}-{timezone.localdate():%Y-%m-%d}.{file_format}"


def budget_lines_for_export(place: Place) -> QuerySet:
    return BudgetLine.objects.for_place(place).prefetch_related(
        Prefetch("shares", queryset=BudgetShare.objects.filter(outcome__place=place).select_related("outcome"))
    )


def export_budget_lines(place: Place, file_format: str) -> tuple[bytes, str, str]:
    """The place's budget lines in the import's columns, each with its reference, so the file
    can be changed and imported back: (content, content type, file name)."""
    if file_format not in (CSV, XLSX):
        raise ValueError(f"Unknown export format {file_format!r}")
    rows = [list(row) for row in BudgetLineResource(place=place).export(budget_lines_for_export(place))]
    if file_format == CSV:
        content = write_csv(HEADINGS, rows)
    else:
        content = write_xlsx([SheetData("Budget lines", HEADINGS, rows, COLUMN_WIDTHS)])
    return content, CONTENT_TYPES[file_format], _filename(place, "budget-lines", file_format)


@dataclass(frozen=True)
class AllowedValues:
    kinds: list[str]
    outcomes: list[str]


def allowed_values(place: Place) -> AllowedValues:
    return AllowedValues(
        kinds=[label for _, label in BudgetLine.Kind.choices],
        outcomes=list(
            WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "title").values_list("title", flat=True)
        ),
    )


COLUMN_GUIDANCE = [
    (
        REFERENCE,
        f"Leave empty for a new budget line. Keep the reference ({BUDGET_REFERENCE_PREFIX}00042) to change one "
        "already recorded; without one, a row changes the line with the same service, cost centre and year.",
    ),
    (SERVICE, "Required. The council service, for example Housing. At most 200 characters."),
    (COST_CENTRE, "Required. The finance system's code for the line. At most 50 characters."),
    (YEAR, "Required. The year it starts, then the next year's last two digits: 2025/26 or 2025-26."),
    (AMOUNT, "Required. Pounds, not negative, for example 125000 or 125,000.00."),
    (KIND, "Required: Revenue or Capital."),
    (DESCRIPTION, "Optional."),
    (
        SHARES,
        "Optional. The wellbeing outcomes the line serves, each with its share of the line, separated by "
        "semicolons, for example: Fair work (40%); Child poverty (60%). They cannot add up to more than 100%. "
        "Left empty, the line is tagged to no outcome.",
    ),
]


def import_template(place: Place, file_format: str) -> tuple[bytes, str, str]:
    """The blank spreadsheet. XLSX: the columns, the allowed values (this place's outcome titles
    among them) and guidance; CSV: the headings only (the import page lists the values)."""
    if file_format == CSV:
        return write_csv(HEADINGS, []), CONTENT_TYPES[CSV], _filename(place, "budget-lines-template", CSV)
    if file_format != XLSX:
        raise ValueError(f"Unknown template format {file_format!r}")
    values = allowed_values(place)
    lists = [(KIND, values.kinds), (f"Wellbeing outcomes of {place.name}", values.outcomes)]
    longest = max(len(items) for _, items in lists)
    allowed_rows = [[items[i] if i < len(items) else None for _, items in lists] for i in range(longest)]
    validation = DataValidation(
        type="list",
        formula1=f"'Allowed values'!$A$2:$A${len(values.kinds) + 1}",
        allow_blank=True,
        errorStyle="warning",
        showErrorMessage=True,
        error=f"Choose one of the values on the ‘Allowed values’ sheet for {KIND}.",
    )
    column = get_column_letter(HEADINGS.index(KIND) + 1)
    validation.add(f"{column}2:{column}10001")
    content = write_xlsx(
        [
            SheetData("Budget lines", HEADINGS, [], COLUMN_WIDTHS),
            SheetData("Allowed values", [heading for heading, _ in lists], allowed_rows, [20, 50]),
            SheetData("Guidance", ["Column", "What to enter"], COLUMN_GUIDANCE, [24, 120]),
        ],
        validations=[validation],
    )
    return content, CONTENT_TYPES[XLSX], _filename(place, "budget-lines-template", XLSX)
