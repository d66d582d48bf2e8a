"""Other public reference lists: Community Wealth Building pillars, Fair Work First criteria,
kinds of anchor institution. Loaded by `manage.py load_reference`; codes are ours, names the sources'."""

from django.db import models


class CwbPillar(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    summary = models.TextField()

    class Meta:
        ordering = ["name"]
        verbose_name = "Community Wealth Building pillar"

    def __str__(self) -> str:
        return self.name


class FairWorkCriterion(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    criterion = models.CharField(max_length=300)

    class Meta:
        ordering = ["id"]
        verbose_name = "Fair Work First criterion"
        verbose_name_plural = "Fair Work First criteria"

    def __str__(self) -> str:
        return self.criterion


class AnchorInstitutionType(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
