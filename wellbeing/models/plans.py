"""A place's strategic plans (LOIP, council plan, Community Wealth Building action plan, city region
deal) and their outcomes, each linked to the place's key wellbeing outcomes and to NPF national
outcomes: toolkit Stage 5's action 3, "embed key wellbeing outcomes in local strategic outcomes"."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from wellbeing.concurrency import Versioned
from wellbeing.models.npf import NationalOutcome
from wellbeing.models.outcomes import WellbeingOutcome
from wellbeing.models.places import Place
from wellbeing.querysets import PlaceScopedQuerySet

EARLIEST_YEAR = 1990
LATEST_YEAR = 2100


class StrategicPlan(Versioned):
    class Kind(models.TextChoices):
        LOIP = "loip", "Local Outcomes Improvement Plan"
        COUNCIL_PLAN = "council_plan", "Council plan"
        CWB_ACTION_PLAN = "cwb_action_plan", "Community Wealth Building action plan"
        CITY_REGION_DEAL = "city_region_deal", "City region deal"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ADOPTED = "adopted", "Adopted"
        SUPERSEDED = "superseded", "Superseded"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="strategic_plans")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Plans run over whole years ("2024–2034"); a year is what people know and write.
    period_start = models.PositiveSmallIntegerField("first year")
    period_end = models.PositiveSmallIntegerField("last year")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    description = models.TextField(blank=True)
    link = models.URLField("where it is published", max_length=500, blank=True)

    objects = PlaceScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["place", "-period_start", "title"]
        constraints = [
            models.UniqueConstraint(fields=["place", "title"], name="unique_plan_title_per_place"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="plan_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        if self.period_start == self.period_end:
            return str(self.period_start)
        return f"{self.period_start}–{self.period_end}"

    @property
    def is_current(self) -> bool:
        """Adopted or draft: a superseded plan no longer counts towards the place's alignment."""
        return self.status != self.Status.SUPERSEDED

    def clean(self) -> None:
        errors = {}
        for name, label in (("period_start", "first year"), ("period_end", "last year")):
            year = getattr(self, name)
            if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
                errors[name] = f"The {label} must be a year between {EARLIEST_YEAR} and {LATEST_YEAR}, like 2024"
        start, end = self.period_start, self.period_end
        if not errors and start and end and end < start:
            errors["period_end"] = f"The last year must be {start} or later, since the plan starts in {start}"
        if errors:
            raise ValidationError(errors)


class StrategicOutcomeQuerySet(models.QuerySet):
    def for_place(self, place):
        return self.filter(plan__place=place)


class StrategicOutcome(Versioned):
    plan = models.ForeignKey(StrategicPlan, on_delete=models.CASCADE, related_name="outcomes")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Only the plan's place's outcomes: forms offer no others and services refuse them.
    wellbeing_outcomes = models.ManyToManyField(WellbeingOutcome, related_name="strategic_outcomes", blank=True)
    national_outcomes = models.ManyToManyField(NationalOutcome, related_name="strategic_outcomes", blank=True)

    objects = StrategicOutcomeQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[wellbeing_outcomes, national_outcomes], excluded_fields=["version"])

    class Meta:
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="unique_strategic_outcome_title_per_plan"),
        ]

    def __str__(self) -> str:
        return self.title
