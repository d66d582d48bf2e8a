"""A place's local indicators: how it measures whether a key wellbeing outcome is shifting.

Each indicator belongs to one wellbeing outcome (its place is the outcome's place), may measure an
NPF national indicator locally, and has dated observations. Whether it is improving is worked out
from its last two observations against its threshold for change, as the NPF does with its
"criteria for change" (wellbeing/indicators.py holds that rule).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from wellbeing.concurrency import Versioned
from wellbeing.models.npf import NationalIndicator
from wellbeing.models.outcomes import WellbeingOutcome

VALUE_DIGITS = 15
VALUE_PLACES = 3
DEFAULT_THRESHOLD = Decimal("5")
MAX_THRESHOLD = Decimal("100")


class LocalIndicatorQuerySet(models.QuerySet):
    def for_place(self, place):
        return self.filter(outcome__place=place)


class LocalIndicator(Versioned):
    class Direction(models.TextChoices):
        INCREASE = "increase", "An increase is an improvement"
        DECREASE = "decrease", "A decrease is an improvement"

    outcome = models.ForeignKey(WellbeingOutcome, on_delete=models.CASCADE, related_name="local_indicators")
    name = models.CharField(max_length=200)
    national_indicator = models.ForeignKey(
        NationalIndicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_indicators",
        verbose_name="NPF national indicator it measures locally",
    )
    unit = models.CharField(max_length=40, help_text="For example %, people, £ or tonnes.")
    direction = models.CharField("direction of improvement", max_length=10, choices=Direction.choices)
    baseline_value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    # The NPF's "criteria for change": a change smaller than this, as a percentage of the previous
    # value, is "maintaining".
    threshold_percent = models.DecimalField(
        "threshold for change (%)",
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_THRESHOLD)],
    )
    source_note = models.TextField("source", blank=True)

    objects = LocalIndicatorQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["outcome", "name"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "name"], name="unique_indicator_name_per_outcome"),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True, baseline_date__isnull=True)
                | Q(baseline_value__isnull=False, baseline_date__isnull=False),
                name="indicator_baseline_value_and_date_together",
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True, target_date__isnull=True)
                | Q(target_value__isnull=False, target_date__isnull=False),
                name="indicator_target_value_and_date_together",
            ),
            models.CheckConstraint(
                condition=Q(threshold_percent__gte=0, threshold_percent__lte=MAX_THRESHOLD),
                name="indicator_threshold_between_0_and_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def place(self):
        return self.outcome.place

    def clean(self) -> None:
        errors = {}
        for part, label in (("baseline", "baseline"), ("target", "target")):
            value, when = getattr(self, f"{part}_value"), getattr(self, f"{part}_date")
            if value is not None and when is None:
                errors[f"{part}_date"] = f"Enter the date of the {label}, or leave the {label} value empty"
            elif when is not None and value is None:
                errors[f"{part}_value"] = f"Enter the {label} value, or leave the {label} date empty"
        if not errors and self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = "The target date must be after the baseline date"
        if errors:
            raise ValidationError(errors)


class ObservationQuerySet(models.QuerySet):
    def for_place(self, place):
        return self.filter(indicator__outcome__place=place)


class Observation(models.Model):
    indicator = models.ForeignKey(LocalIndicator, on_delete=models.CASCADE, related_name="observations")
    date = models.DateField()
    value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    note = models.CharField(max_length=500, blank=True)

    objects = ObservationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "date"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "date"], name="unique_observation_date_per_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} on {self.date:%-d %b %Y}"
