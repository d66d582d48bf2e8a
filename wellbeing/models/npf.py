"""Scotland's National Performance Framework: national outcomes and national indicators (reference data)."""

from django.db import models

NPF_2018 = "2018"


class NationalOutcome(models.Model):
    # A revised set of outcomes was proposed in 2024; a version lets it sit beside the 2018 one.
    framework_version = models.CharField(max_length=10, default=NPF_2018)
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=100)
    statement = models.TextField()

    class Meta:
        ordering = ["framework_version", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "code"], name="unique_npf_outcome_code"),
        ]

    def __str__(self) -> str:
        return self.name


class NationalIndicator(models.Model):
    framework_version = models.CharField(max_length=10, default=NPF_2018)
    # Ours, stable across renames (fixtures/reference/npf_national_indicators.csv).
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    # Three indicators (greenhouse gas emissions, natural capital, carbon footprint) sit under
    # two outcomes, so this is many-to-many.
    outcomes = models.ManyToManyField(NationalOutcome, related_name="indicators")

    class Meta:
        ordering = ["framework_version", "name"]
        constraints = [
            # The code is the key; names may be corrected, even swapped, in one load.
            models.UniqueConstraint(fields=["framework_version", "code"], name="unique_npf_indicator_code"),
        ]

    def __str__(self) -> str:
        return self.name
