"""What is already under way: interventions, and what each contributes to a place's outcomes."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from partnerships.models import DeliveryGroup, Organisation
from wellbeing.concurrency import Versioned
from wellbeing.freshness import stale_before
from wellbeing.models import CwbPillar, Place, WellbeingOutcome
from wellbeing.querysets import PlaceScopedQuerySet

REFERENCE_PREFIX = "INT-"


def validate_evidence_links(value: str) -> None:
    check = URLValidator(schemes=["http", "https"])
    for number, line in enumerate(value.splitlines(), start=1):
        if line.strip():
            try:
                check(line.strip())
            except ValidationError:
                raise ValidationError(
                    f"Line {number} is not a web address: enter one address per line, "
                    "starting https:// (for example https://www.gov.scot/publications/…)."
                ) from None


def intervention_reference(pk: int) -> str:
    """Stable and printed on exports, so a re-imported row finds its intervention."""
    return f"{REFERENCE_PREFIX}{pk:05d}"


class InterventionQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        """What a place sees: its own interventions and the national ones every place shares."""
        return self.filter(Q(place=place) | Q(place__isnull=True, level=Intervention.Level.NATIONAL))

    def owned_by(self, place: Place):
        """What a place may change: its own interventions only, never the shared national ones."""
        return self.filter(place=place)


class Intervention(Versioned):
    class Kind(models.TextChoices):
        POLICY = "policy", "Policy"
        PROJECT = "project", "Project"
        PROGRAMME = "programme", "Programme"
        PRACTICE = "practice", "Practice"
        SERVICE = "service", "Service"

    class Level(models.TextChoices):
        LOCAL = "local", "Local"
        REGIONAL = "regional", "Regional"
        NATIONAL = "national", "National"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"

    # Empty place: a national intervention, recorded centrally and shared read-only with every place.
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="interventions", null=True, blank=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    level = models.CharField(max_length=20, choices=Level.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="interventions_led")
    partners = models.ManyToManyField(Organisation, related_name="interventions_partnered", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interventions_owned",
        null=True,
        blank=True,
        help_text="The person who keeps this record up to date.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    budget_gbp = models.DecimalField("Budget (£)", max_digits=14, decimal_places=2, null=True, blank=True)
    funding_source = models.CharField(max_length=200, blank=True)
    cwb_pillars = models.ManyToManyField(CwbPillar, related_name="interventions", blank=True)
    description = models.TextField(blank=True)
    evidence_links = models.TextField(blank=True, validators=[validate_evidence_links])
    outcomes = models.ManyToManyField(WellbeingOutcome, through="Contribution", related_name="interventions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterventionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[partners, cwb_pillars], excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(place__isnull=True, level="national") | Q(place__isnull=False),
                name="shared_interventions_are_national",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="intervention_ends_after_it_starts",
                violation_error_code="end_before_start",
                violation_error_message="End date must be the same as or after the start date",
            ),
            models.CheckConstraint(
                # A place's own intervention always has someone who keeps it up to date; only the
                # shared national ones, recorded centrally, have no owner in a place.
                condition=Q(place__isnull=True) | Q(owner__isnull=False),
                name="place_interventions_have_an_owner",
                violation_error_code="no_owner",
                violation_error_message="Name the person who keeps this intervention up to date",
            ),
            models.CheckConstraint(
                condition=Q(budget_gbp__isnull=True) | Q(budget_gbp__gte=0),
                name="intervention_budget_not_negative",
                violation_error_code="negative_budget",
                violation_error_message="Budget cannot be negative",
            ),
        ]
        indexes = [models.Index(fields=["place", "title"])]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return intervention_reference(self.pk) if self.pk else ""

    @property
    def is_shared_national(self) -> bool:
        return self.place_id is None

    @property
    def evidence_link_list(self) -> list[str]:
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]

    def get_absolute_url_in(self, place: Place) -> str:
        return reverse("interventions:detail", kwargs={"place_slug": place.slug, "intervention_pk": self.pk})


class ContributionQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        """A place's contributions: those to its own outcomes (also from national interventions)."""
        return self.filter(outcome__place=place)

    def stale(self, today: date | None = None):
        return self.filter(Q(assessed_on__isnull=True) | Q(assessed_on__lt=stale_before(today)))


class Contribution(Versioned):
    class Strength(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ENABLING = "enabling", "Enabling"

    class Effectiveness(models.TextChoices):
        STRONG = "strong", "Strong"
        MODERATE = "moderate", "Moderate"
        LIMITED = "limited", "Limited"
        UNKNOWN = "unknown", "Unknown"

    class Basis(models.TextChoices):
        EVALUATED = "evaluated", "Evaluated"
        MONITORED = "monitored", "Monitored"
        EXPECTED = "expected", "Expected"
        ANECDOTAL = "anecdotal", "Anecdotal"

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="contributions")
    outcome = models.ForeignKey(WellbeingOutcome, on_delete=models.CASCADE, related_name="contributions")
    strength = models.CharField(max_length=20, choices=Strength.choices, default=Strength.PRIMARY)
    effectiveness = models.CharField(max_length=20, choices=Effectiveness.choices, default=Effectiveness.UNKNOWN)
    basis = models.CharField(max_length=20, choices=Basis.choices, default=Basis.EXPECTED)
    evidence_note = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    assessed_on = models.DateField(null=True, blank=True)

    objects = ContributionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["outcome__priority_rank", "outcome__title"]
        constraints = [
            models.UniqueConstraint(fields=["intervention", "outcome"], name="one_contribution_per_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} → {self.outcome}"

    def clean(self) -> None:
        # No link crosses places: a place links its own interventions, or the shared national ones,
        # to its own outcomes (forms offer nothing else; this also holds in the admin).
        intervention, outcome = getattr(self, "intervention", None), getattr(self, "outcome", None)
        if intervention and outcome and intervention.place_id not in (None, outcome.place_id):
            raise ValidationError(
                {"outcome": "Choose one of the wellbeing outcomes of the place this intervention belongs to."}
            )


class GroupAssignmentQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        return self.filter(group__partnership__place=place)


class GroupAssignment(models.Model):
    """An intervention carried by a delivery group. It lives here, not in partnerships, because
    partnerships never knows about interventions (DESIGN.md). An intervention may sit in several
    groups (a national programme can serve two groups' outcomes); a shared national intervention
    is assigned per place, by that place's groups. History records each assignment and removal."""

    group = models.ForeignKey(DeliveryGroup, on_delete=models.CASCADE, related_name="assignments")
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="group_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="group_assignments"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    objects = GroupAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "intervention__title"]
        constraints = [
            models.UniqueConstraint(fields=["group", "intervention"], name="one_assignment_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} in {self.group}"

    def clean(self) -> None:
        group, intervention = getattr(self, "group", None), getattr(self, "intervention", None)
        if group and intervention and intervention.place_id not in (None, group.partnership.place_id):
            raise ValidationError({"intervention": "Choose an intervention of the place this group belongs to."})


class ImportJob(models.Model):
    """One uploaded spreadsheet, from upload through preview to commit. The file is kept in the
    database (uploads are capped at settings.IMPORT_MAX_UPLOAD_BYTES) so a Celery worker on
    another machine can read it without shared storage."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        READY = "ready", "Ready to import"
        COMMITTING = "committing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Could not be read"

    class Kind(models.TextChoices):
        """What the spreadsheet holds: interventions/importing.py IMPORT_KINDS says how each is imported."""

        INTERVENTIONS = "interventions", "Interventions"
        BUDGET_LINES = "budget_lines", "Budget lines"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INTERVENTIONS)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs")
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    content = models.BinaryField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class GapReport(models.Model):
    """One gap analysis written to a file for one person, built by a Celery worker. The file is
    kept in the database (a few hundred kB at most) so the web process can serve it whatever
    machine built it. Reports are personal: only the person who asked sees or downloads theirs."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being written"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="gap_reports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gap_reports")
    file_format = models.CharField(max_length=10, choices=Format.choices)
    query = models.TextField(blank=True, help_text="The gap analysis filters, as the page's query string.")
    filters_description = models.CharField(max_length=500, blank=True, help_text="The filters in words, as asked for.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    content = models.BinaryField(blank=True, default=b"")
    filename = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["place", "requested_by", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="gap_report_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"Gap analysis {self.get_file_format_display()} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
