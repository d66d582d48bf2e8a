"""A place's key wellbeing outcomes: the priorities found in Stages 1–4 of the toolkit."""

from django.db import models

from wellbeing.models.npf import NationalIndicator, NationalOutcome
from wellbeing.models.places import Place
from wellbeing.querysets import PlaceScopedQuerySet


class WellbeingOutcome(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="wellbeing_outcomes")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    priority_rank = models.PositiveSmallIntegerField(help_text="1 is the highest priority.")
    national_outcomes = models.ManyToManyField(NationalOutcome, related_name="wellbeing_outcomes", blank=True)
    national_indicators = models.ManyToManyField(NationalIndicator, related_name="wellbeing_outcomes", blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["place", "priority_rank", "title"]
        constraints = [
            models.UniqueConstraint(fields=["place", "title"], name="unique_outcome_title_per_place"),
        ]

    def __str__(self) -> str:
        return self.title
