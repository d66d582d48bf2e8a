"""Who delivers: organisations (and, in a later issue, partnerships and delivery groups)."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from wellbeing.models import Place


class OrganisationQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        """The place's own organisations and the national bodies every place shares."""
        return self.filter(Q(place=place) | Q(place__isnull=True))

    def owned_by(self, place: Place):
        """The organisations this place may change (never the shared national bodies)."""
        return self.filter(place=place)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        COLLEGE = "college", "College or university"
        HOUSING = "housing", "Housing association"
        HEALTH = "health", "NHS board or health and social care partnership"
        EMPLOYER = "employer", "Employer"
        THIRD_SECTOR = "third_sector", "Community or third sector organisation"
        NATIONAL_BODY = "national_body", "Scottish Government or national body"
        OTHER = "other", "Other"

    # Empty place: a national body (Scottish Government, Skills Development Scotland …) shared,
    # read-only, with every place.
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="organisations", null=True, blank=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "place", Lower("name"), name="unique_organisation_name_per_place", condition=Q(place__isnull=False)
            ),
            models.UniqueConstraint(
                Lower("name"), name="unique_national_organisation_name", condition=Q(place__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.place_id is None
