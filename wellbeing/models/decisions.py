"""Decision assessments (Stage 5, action 5: outcomes in decision-making).

Before a decision (a budget proposal, a policy, a procurement, a capital project) an officer
records the proposal and its expected effect on each of the place's priority wellbeing outcomes.
It goes draft → submitted → decided; once decided it is a record of what was known when the
decision was taken, and never changes again.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from wellbeing.concurrency import Versioned
from wellbeing.models.outcomes import WellbeingOutcome
from wellbeing.models.places import Place
from wellbeing.querysets import PlaceScopedQuerySet


class DecisionAssessment(Versioned):
    class Kind(models.TextChoices):
        BUDGET = "budget", "Budget proposal"
        POLICY = "policy", "Policy"
        PROCUREMENT = "procurement", "Procurement"
        CAPITAL = "capital", "Capital project"
        OTHER = "other", "Other decision"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for decision"
        DECIDED = "decided", "Decided"

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        APPROVED_WITH_CHANGES = "approved_with_changes", "Approved with changes"
        REJECTED = "rejected", "Rejected"
        DEFERRED = "deferred", "Deferred"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="decision_assessments")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="decision_assessments_owned",
        null=True,  # kept when the person leaves; required on the form
        blank=True,
        help_text="The officer who proposes the decision and keeps this assessment up to date.",
    )
    affected_groups = models.TextField(blank=True, help_text="Who is affected, for example children in poverty.")
    mitigations = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_date = models.DateField(null=True, blank=True)
    decision_maker = models.CharField(
        max_length=200, blank=True, help_text="Who took the decision, for example Council or Policy committee."
    )
    decision_notes = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["place", "status"]), models.Index(fields=["place", "decision_date"])]
        constraints = [
            models.CheckConstraint(
                # A decided assessment says what was decided, when and by whom; no other has a decision.
                condition=(Q(status="decided", decision_date__isnull=False) & ~Q(decision="") & ~Q(decision_maker=""))
                | (~Q(status="decided") & Q(decision="") & Q(decision_date__isnull=True)),
                name="decision_recorded_only_when_decided",
                violation_error_message="A decided assessment needs its decision, date and decision maker",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_decided(self) -> bool:
        return self.status == self.Status.DECIDED

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SUBMITTED)


class OutcomeEffectQuerySet(models.QuerySet):
    def for_place(self, place: Place):
        return self.filter(assessment__place=place, outcome__place=place)


class OutcomeEffect(models.Model):
    """An assessment's expected effect on one of its place's wellbeing outcomes. Edited only
    through its assessment, whose version guards it."""

    class Effect(models.TextChoices):
        STRONG_POSITIVE = "strong_positive", "Strong positive"
        POSITIVE = "positive", "Positive"
        NEUTRAL = "neutral", "Neutral"
        NEGATIVE = "negative", "Negative"
        STRONG_NEGATIVE = "strong_negative", "Strong negative"
        UNKNOWN = "unknown", "Unknown"

    HELPS = (Effect.STRONG_POSITIVE, Effect.POSITIVE)
    HARMS = (Effect.NEGATIVE, Effect.STRONG_NEGATIVE)

    assessment = models.ForeignKey(DecisionAssessment, on_delete=models.CASCADE, related_name="effects")
    outcome = models.ForeignKey(WellbeingOutcome, on_delete=models.CASCADE, related_name="decision_effects")
    # Blank while a draft is being written (a reason noted before the effect is chosen); every
    # outcome needs one before the assessment can be submitted.
    effect = models.CharField(max_length=20, choices=Effect.choices, blank=True)
    reason = models.TextField(blank=True)

    objects = OutcomeEffectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["outcome__priority_rank", "outcome__title"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "outcome"], name="one_effect_per_outcome_per_assessment"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} → {self.outcome}: {self.get_effect_display() or 'not chosen'}"

    def clean(self) -> None:
        # A place scores its own outcomes only (forms offer nothing else; this also holds in the admin).
        assessment, outcome = getattr(self, "assessment", None), getattr(self, "outcome", None)
        if assessment and outcome and assessment.place_id != outcome.place_id:
            raise ValidationError({"outcome": "Choose one of the wellbeing outcomes of the assessment's place."})
