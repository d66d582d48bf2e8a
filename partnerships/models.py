"""Who delivers (toolkit Stage 5, action 4, "connect delivery partners"): the organisations of a
place, the partnerships they sit in (an anchor partnership, the community planning partnership …),
the delivery groups a partnership sets up around its priority outcomes, and charters (a Good
Employment Charter) that organisations sign.

This app sits on the first floor (DESIGN.md): it knows places, people and wellbeing outcomes, never
interventions. Which interventions a delivery group carries is recorded in `interventions`
(GroupAssignment), and the group's dashboard lives there too.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from wellbeing.concurrency import Versioned
from wellbeing.models import FairWorkCriterion, Place, WellbeingOutcome
from wellbeing.querysets import PlaceScopedQuerySet


class OrganisationQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        """The place's own organisations and the national bodies every place shares."""
        return self.filter(Q(place=place) | Q(place__isnull=True))

    def owned_by(self, place: Place):
        """The organisations this place may change (never the shared national bodies)."""
        return self.filter(place=place)


class Organisation(Versioned):
    class Sector(models.TextChoices):
        PUBLIC = "public", "Public sector"
        PRIVATE = "private", "Private sector"
        THIRD_SECTOR = "third_sector", "Third sector"
        COMMUNITY = "community", "Community"
        EDUCATION = "education", "Education"
        HEALTH = "health", "Health and social care"
        HOUSING = "housing", "Housing"
        OTHER = "other", "Other"

    class SizeBand(models.TextChoices):
        # The UK's usual employee bands (micro, small, medium, large).
        UNKNOWN = "", "Not known"
        MICRO = "micro", "Micro (0 to 9 employees)"
        SMALL = "small", "Small (10 to 49 employees)"
        MEDIUM = "medium", "Medium (50 to 249 employees)"
        LARGE = "large", "Large (250 or more employees)"

    # Empty place: a national body (Scottish Government, Skills Development Scotland …) shared,
    # read-only, with every place.
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="organisations", null=True, blank=True)
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices, default=Sector.OTHER)
    is_anchor = models.BooleanField(
        "anchor institution",
        default=False,
        help_text="Rooted in the place by its mission, land or buildings, and a large employer or buyer.",
    )
    size_band = models.CharField("size", max_length=10, choices=SizeBand.choices, blank=True, default="")
    website = models.URLField(max_length=500, blank=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

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


class Partnership(Versioned):
    class Kind(models.TextChoices):
        ANCHOR = "anchor", "Anchor partnership"
        CPP = "cpp", "Community planning partnership"
        CITY_REGION_DEAL = "city_region_deal", "City region deal board"
        OTHER = "other", "Other partnership"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="partnerships")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    purpose = models.TextField(blank=True)
    # People of the place who hold the partnership lead role there (forms offer no one else).
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="partnerships_led", blank=True)

    objects = PlaceScopedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[leads], excluded_fields=["version"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("place", Lower("name"), name="unique_partnership_name_per_place"),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        return self.filter(partnership__place=place)

    def current(self, on=None):
        """Members who have not left (or, given a date, who were members that day)."""
        if on is None:
            return self.filter(left_on__isnull=True)
        return self.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=on)).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=on)
        )


class Membership(Versioned):
    """An organisation's seat on a partnership, from the day it joined to the day it left."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"
        OBSERVER = "observer", "Observer"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    representative = models.CharField(
        max_length=200, blank=True, help_text="The person who speaks for the organisation, and their job title."
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["partnership", "organisation__name", "pk"]
        constraints = [
            # An organisation may leave and join again, but sits only once at a time.
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership_per_organisation",
                violation_error_message="This organisation is already a member of the partnership",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joining",
                violation_error_code="left_before_joining",
                violation_error_message="The date it left must be the same as or after the date it joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None

    def clean(self) -> None:
        partnership, organisation = getattr(self, "partnership", None), getattr(self, "organisation", None)
        if partnership and organisation and organisation.place_id not in (None, partnership.place_id):
            raise ValidationError({"organisation": "Choose an organisation from this place’s directory."})


class DeliveryGroupQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        return self.filter(partnership__place=place)


class DeliveryGroup(Versioned):
    """A group within a partnership that takes on some of the place's priority outcomes. Which
    interventions it carries is recorded in interventions.GroupAssignment."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="delivery_groups")
    name = models.CharField(max_length=200)
    remit = models.TextField(blank=True)
    # Only the partnership's place's outcomes and organisations: forms offer no others, services refuse them.
    outcomes = models.ManyToManyField(WellbeingOutcome, related_name="delivery_groups", blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="delivery_groups_led", null=True, blank=True
    )
    members = models.ManyToManyField(Organisation, related_name="delivery_groups", blank=True)

    objects = DeliveryGroupQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[outcomes, members], excluded_fields=["version"])

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [
            models.UniqueConstraint("partnership", Lower("name"), name="unique_group_name_per_partnership"),
        ]

    def __str__(self) -> str:
        return self.name


class Charter(Versioned):
    """A set of commitments organisations sign up to, such as a Good Employment Charter."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="charters")
    # The partnership that rolls it out, if any.
    partnership = models.ForeignKey(
        Partnership, on_delete=models.SET_NULL, related_name="charters", null=True, blank=True
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    launched_on = models.DateField(null=True, blank=True)

    objects = PlaceScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("place", Lower("name"), name="unique_charter_name_per_place"),
        ]

    def __str__(self) -> str:
        return self.name


class CharterCommitmentQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        return self.filter(charter__place=place)


class CharterCommitment(models.Model):
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="commitments")
    title = models.CharField(max_length=300)
    # The Fair Work First criterion it was seeded from (fixtures/reference/), if any.
    fair_work_criterion = models.ForeignKey(
        FairWorkCriterion, on_delete=models.PROTECT, related_name="charter_commitments", null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = CharterCommitmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["charter", "position", "pk"]
        constraints = [
            models.UniqueConstraint("charter", Lower("title"), name="unique_commitment_title_per_charter"),
        ]

    def __str__(self) -> str:
        return self.title


class SignatoryQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        return self.filter(charter__place=place)


class Signatory(Versioned):
    """An organisation that signed a charter, and which of its commitments it meets."""

    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="signatures")
    signed_on = models.DateField()
    commitments_met = models.ManyToManyField(CharterCommitment, related_name="met_by", blank=True)
    evidence_note = models.TextField(blank=True)

    objects = SignatoryQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[commitments_met], excluded_fields=["version"])

    class Meta:
        ordering = ["charter", "signed_on", "organisation__name"]
        verbose_name_plural = "signatories"
        constraints = [
            models.UniqueConstraint(
                fields=["charter", "organisation"],
                name="one_signature_per_organisation",
                violation_error_message="This organisation has already signed the charter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} signed {self.charter}"

    def clean(self) -> None:
        charter, organisation = getattr(self, "charter", None), getattr(self, "organisation", None)
        if charter and organisation and organisation.place_id not in (None, charter.place_id):
            raise ValidationError({"organisation": "Choose an organisation from this place’s directory."})
