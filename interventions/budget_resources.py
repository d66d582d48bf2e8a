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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from import_export import widgets
from import_export.fields import Field
from openpyxl.utils import get_column_letter

from interventions.resources import (
    SEPARATOR,
    ChoiceWidget,
    MoneyWidget,
    SpreadsheetRowResource,
    TextWidget,
    _filename,
    _folded,
    _shown,
    allowed_value_rows,
    choice_validation,
    export_file,
    record_history,
    split_list,
)
from interventions.spreadsheets import clean_text
from wellbeing.budget_forms import percent_text, shares_over_100_message
from wellbeing.models import BudgetLine, BudgetShare, Place, WellbeingOutcome
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


class BudgetLineResource(SpreadsheetRowResource):
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

    columns = COLUMNS
    noun, a_noun = "budget line", "a budget line"
    match_field, match_words = "service", "service, cost centre and financial year"
    row_logger = logger
    unexpected_log = "Unexpected problem importing budget row %s"

    class Meta:
        model = BudgetLine
        fields = tuple(name for name, _ in COLUMNS)
        import_order = fields
        export_order = fields

    # --- What the place has, read once per import ---

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

    def get_or_init_instance(self, instance_loader, row):
        year_text = clean_text(row.get(YEAR))
        year_match = _YEAR.match(year_text)
        year = f"{year_match.group(1)}/{year_match.group(2)}" if year_match else year_text
        service, cost_centre = clean_text(row.get(SERVICE)), clean_text(row.get(COST_CENTRE))
        key = _key(service, cost_centre, year) if service and cost_centre and year else None
        reference = clean_text(row.get(REFERENCE))
        matched = None
        if reference:
            pk = self._referenced_pk(reference, _REFERENCE, BUDGET_REFERENCE_PREFIX)
            if pk is None:
                pass  # _referenced_pk said why
            elif pk not in self.lines:
                self._not_ours(reference)
            else:
                matched = self.lines[pk]
        elif key:
            candidates = self.by_key.get(key, [])
            if len(candidates) > 1:
                self._ambiguous([self.lines[pk] for pk in candidates])
            elif candidates:
                matched = self.lines[candidates[0]]
        return self._settle_match(row, matched, key, by_reference=bool(reference))

    def import_instance(self, instance, row, **kwargs):
        errors = self._import_with_errors(instance, row, **kwargs)
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
        self._note_changes(values)

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
        added, changed = [], []
        for outcome, percent in wanted.items():
            share = current.pop(outcome.pk, None)
            if share is None:
                added.append(BudgetShare(line=line, outcome=outcome, percent=percent))
                continue
            if share.percent == percent:
                continue
            share.percent = percent
            changed.append(share)
        self._write_related(BudgetShare, changed, added, current.values())

    # --- The preview ---

    def _preview_title(self, row) -> str:
        title = " ".join(part for part in (clean_text(row.get(SERVICE)), clean_text(row.get(COST_CENTRE))) if part)
        year = clean_text(row.get(YEAR))
        return f"{title} ({year})" if year else title

    # --- Export ---

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
    return export_file(place, "budget-lines", SheetData("Budget lines", HEADINGS, rows, COLUMN_WIDTHS), file_format)


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
    allowed_rows = allowed_value_rows(lists)
    validation = choice_validation(KIND, 1, len(values.kinds))
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
