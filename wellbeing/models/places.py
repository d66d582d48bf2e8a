"""Places (council areas and regions), the people who use the service, and their role in each place."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. Their access to places comes only from PlaceMembership rows."""

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Place(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council area"
        REGION = "region", "Region"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    ons_code = models.CharField(
        "ONS (GSS) code", max_length=9, blank=True, help_text="For example S12000005. Regions have none."
    )
    region_kind = models.CharField(
        max_length=50, blank=True, help_text="For a region, the kind of deal, e.g. city region deal."
    )
    member_councils = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="regions",
        blank=True,
        limit_choices_to={"kind": "council"},
        help_text="For a region, the council areas it brings together.",
    )
    is_demo = models.BooleanField(default=False, help_text="Illustrative demo data: every page of this place says so.")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ons_code"], condition=~models.Q(ons_code=""), name="unique_place_ons_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_region(self) -> bool:
        return self.kind == self.Kind.REGION


class Role(models.TextChoices):
    """A person's role in one place. What each role may do is decided in wellbeing/access.py."""

    VIEWER = "viewer", "Viewer"
    ANALYST = "analyst", "Analyst"
    OFFICER = "officer", "Officer"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership lead"
    PLACE_ADMIN = "place_admin", "Place administrator"


class PlaceMembership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["place__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "place"], name="one_role_per_person_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} in {self.place}"
