"""Budget tagging (Stage 5, action 5: outcomes in budgets).

A budget line is a piece of a place's budget as the finance team keeps it (a service, a cost
centre, a financial year, an amount). Shares tag part of it to the place's key wellbeing outcomes:
"40% of this line serves Poverty". What no share covers is the line's untagged spend. The shares of
a line add up to 100% at most; the forms and the service (inside the transaction) both hold it.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from wellbeing.concurrency import Versioned
from wellbeing.models.outcomes import WellbeingOutcome
from wellbeing.models.places import Place
from wellbeing.querysets import PlaceScopedQuerySet

FINANCIAL_YEAR_PATTERN = r"^\d{4}/\d{2}$"
FINANCIAL_YEAR_MESSAGE = (
    "Enter the financial year as the year it starts, a slash and the last two digits of the next year, "
    "for example 2025/26"
)
ONE_HUNDRED = Decimal("100")
# A budget line's reference, BUD-00042: the spreadsheet import matches rows to lines by it.
BUDGET_REFERENCE_PREFIX = "BUD-"


def budget_line_reference(pk: int) -> str:
    return f"{BUDGET_REFERENCE_PREFIX}{pk:05d}"


def validate_financial_year(value: str) -> None:
    """2025/26: the pattern, and the second year following the first."""
    RegexValidator(FINANCIAL_YEAR_PATTERN, FINANCIAL_YEAR_MESSAGE)(value)
    start, end = value.split("/")
    if (int(start) + 1) % 100 != int(end):
        raise ValidationError(FINANCIAL_YEAR_MESSAGE, code="invalid")


def financial_year_of(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


class BudgetLine(Versioned):
    class Kind(models.TextChoices):
        REVENUE = "revenue", "Revenue"
        CAPITAL = "capital", "Capital"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="budget_lines")
    service = models.CharField(max_length=200, help_text="The council service, for example Housing or Education.")
    cost_centre = models.CharField(max_length=50, help_text="The finance system's code for the line.")
    financial_year = models.CharField(max_length=7, validators=[validate_financial_year])
    amount_gbp = models.DecimalField(
        "amount (£)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), "The amount cannot be negative")],
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REVENUE)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-financial_year", "service", "cost_centre", "pk"]
        indexes = [models.Index(fields=["place", "financial_year"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_gbp__gte=0), name="budget_line_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.cost_centre} ({self.financial_year})"

    @property
    def reference(self) -> str:
        return budget_line_reference(self.pk) if self.pk else ""

    @property
    def untagged_gbp(self) -> Decimal:
        """The part of the amount no share covers; needs the `tagged_percent` the selectors annotate."""
        tagged = getattr(self, "tagged_percent", None) or Decimal("0")
        return (self.amount_gbp * (ONE_HUNDRED - tagged) / ONE_HUNDRED).quantize(Decimal("0.01"))


class BudgetShareQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        return self.filter(line__place=place, outcome__place=place)


class BudgetShare(models.Model):
    """Part of a budget line (a percentage) tagged to one of its place's wellbeing outcomes. Edited
    only through its line, whose version guards it."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="shares")
    outcome = models.ForeignKey(WellbeingOutcome, on_delete=models.CASCADE, related_name="budget_shares")
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "The share must be more than 0%"),
            MaxValueValidator(ONE_HUNDRED, "The share cannot be more than 100%"),
        ],
    )

    objects = BudgetShareQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["outcome__priority_rank", "outcome__title"]
        constraints = [
            models.UniqueConstraint(fields=["line", "outcome"], name="one_share_per_outcome_per_line"),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="budget_share_percent_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} → {self.outcome}: {self.percent}%"

    def clean(self) -> None:
        # A line is tagged to its own place's outcomes only (forms offer nothing else; this also holds in the admin).
        line, outcome = getattr(self, "line", None), getattr(self, "outcome", None)
        if line and outcome and line.place_id != outcome.place_id:
            raise ValidationError({"outcome": "Choose one of the wellbeing outcomes of the budget line's place."})
