"""A place's key wellbeing outcomes: the priorities found in Stages 1–4 of the toolkit."""

from django.db import models
from simple_history.models import HistoricalRecords

from wellbeing.concurrency import Versioned
from wellbeing.models.npf import NationalIndicator, NationalOutcome
from wellbeing.models.places import Place
from wellbeing.querysets import PlaceScopedQuerySet


class WellbeingOutcome(Versioned):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="wellbeing_outcomes")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    priority_rank = models.PositiveSmallIntegerField(help_text="1 is the highest priority.")
    drivers = models.TextField(
        blank=True, help_text="The underlying causes found in earlier stages of the toolkit, one per line."
    )
    national_outcomes = models.ManyToManyField(NationalOutcome, related_name="wellbeing_outcomes", blank=True)
    national_indicators = models.ManyToManyField(NationalIndicator, related_name="wellbeing_outcomes", blank=True)

    objects = PlaceScopedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[national_outcomes, national_indicators], excluded_fields=["version"])

    class Meta:
        ordering = ["place", "priority_rank", "title"]
        constraints = [
            models.UniqueConstraint(fields=["place", "title"], name="unique_outcome_title_per_place"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def driver_list(self) -> list[str]:
        return [line.strip() for line in self.drivers.splitlines() if line.strip()]
