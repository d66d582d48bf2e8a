"""Writes for decision assessments. Each service owns its transaction: it refuses a wrong
transition or a stale version before writing anything, so nothing is ever half-saved."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from wellbeing.concurrency import EditConflict, save_versioned
from wellbeing.decision_forms import BaseOutcomeEffectFormSet, DecisionAssessmentForm
from wellbeing.models import DecisionAssessment, OutcomeEffect, Place, User, WellbeingOutcome

Status = DecisionAssessment.Status

# Messages a person reads when a transition is refused (asserted on in tests/test_decisions.py).
DECIDED_CANNOT_CHANGE = "‘{title}’ was decided on {date} and cannot be changed."
SUBMIT_NOT_DRAFT = "‘{title}’ has already been submitted for decision, so it cannot be submitted again."
SUBMIT_MISSING_EFFECTS = (
    "‘{title}’ cannot be submitted yet: choose the expected effect on every priority outcome. Still to choose: {names}."
)
DECIDE_NOT_SUBMITTED = "‘{title}’ is still a draft: it must be submitted for decision before a decision is recorded."
CHANGED_SINCE_OPENED = (
    "{who} changed ‘{title}’ after you opened it, so nothing was done. "
    "Read the assessment as it is now, then try again."
)


class DecisionRefused(Exception):
    """A transition or edit the assessment's state does not allow; the message is for the person."""


def decided_message(assessment: DecisionAssessment) -> str:
    return DECIDED_CANNOT_CHANGE.format(title=assessment.title, date=f"{assessment.decision_date:%-d %B %Y}")


def decide_refusal(assessment: DecisionAssessment) -> str | None:
    """Why a decision cannot be recorded on this assessment now, or None if it can."""
    if assessment.is_decided:
        return decided_message(assessment)
    if assessment.status != Status.SUBMITTED:
        return DECIDE_NOT_SUBMITTED.format(title=assessment.title)
    return None


def _locked(assessment: DecisionAssessment, *, place: Place, expected_version: int | None) -> DecisionAssessment:
    """The stored row, locked for this transaction; EditConflict if it moved on since the person
    read it (None skips the comparison)."""
    if assessment.place_id != place.pk:
        raise PermissionError("An assessment is changed only in its own place.")
    current = DecisionAssessment.objects.select_for_update().get(pk=assessment.pk)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(current)
    return current


def _save_effects(*, assessment: DecisionAssessment, effects: list[tuple[WellbeingOutcome, str, str]]) -> None:
    """One row per outcome with an effect or a reason; a row left empty removes the saved one.
    Rows are saved one by one so django-simple-history records each change."""
    saved = {effect.outcome_id: effect for effect in OutcomeEffect.objects.filter(assessment=assessment)}
    for outcome, effect, reason in effects:
        if outcome.place_id != assessment.place_id:  # forms offer nothing else; a last guard
            raise PermissionError("An assessment scores its own place's outcomes only.")
        row = saved.get(outcome.pk)
        if not effect and not reason.strip():
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = OutcomeEffect(assessment=assessment, outcome=outcome)
        elif (row.effect, row.reason) == (effect, reason):
            continue
        row.effect, row.reason = effect, reason
        row.full_clean()
        row.save()


def missing_effects(assessment: DecisionAssessment) -> list[WellbeingOutcome]:
    """The place's priority outcomes this assessment has not yet scored."""
    scored = OutcomeEffect.objects.filter(assessment=assessment).exclude(effect="").values("outcome")
    return list(WellbeingOutcome.objects.for_place(assessment.place_id).exclude(pk__in=scored))


@transaction.atomic
def decision_assessment_create(
    *, place: Place, user: User, form: DecisionAssessmentForm, effects: BaseOutcomeEffectFormSet
) -> DecisionAssessment:
    assessment = form.save(commit=False)
    assessment.place = place
    assessment.status = Status.DRAFT
    assessment.full_clean()
    assessment.save()
    _save_effects(assessment=assessment, effects=effects.effects())
    return assessment


@transaction.atomic
def decision_assessment_update(
    *, place: Place, user: User, form: DecisionAssessmentForm, effects: BaseOutcomeEffectFormSet
) -> DecisionAssessment:
    """Save changes to a draft or submitted assessment. Refused (DecisionRefused) once decided, and
    (EditConflict) if someone else saved it since the form was opened; nothing is written then."""
    assessment = form.instance
    current = _locked(assessment, place=place, expected_version=None)
    if current.is_decided:
        raise DecisionRefused(decided_message(current))
    # Status and decision are never taken from the form: they move only through submit and decide.
    assessment.status = current.status
    assessment.full_clean()
    save_versioned(assessment, expected_version=form.cleaned_data["version"])
    _save_effects(assessment=assessment, effects=effects.effects())
    if assessment.status == Status.SUBMITTED:
        missing = missing_effects(assessment)
        if missing:  # the form says so on each row; this keeps the rule if a form forgets it
            raise DecisionRefused(
                SUBMIT_MISSING_EFFECTS.format(title=assessment.title, names=", ".join(o.title for o in missing))
            )
    return assessment


@transaction.atomic
def decision_assessment_submit(
    *, place: Place, user: User, assessment: DecisionAssessment, expected_version: int | None
) -> DecisionAssessment:
    """Draft → submitted, once every priority outcome has an effect chosen."""
    current = _locked(assessment, place=place, expected_version=expected_version)
    if current.is_decided:
        raise DecisionRefused(decided_message(current))
    if current.status != Status.DRAFT:
        raise DecisionRefused(SUBMIT_NOT_DRAFT.format(title=current.title))
    missing = missing_effects(current)
    if missing:
        raise DecisionRefused(
            SUBMIT_MISSING_EFFECTS.format(title=current.title, names=", ".join(o.title for o in missing))
        )
    current.status = Status.SUBMITTED
    current.submitted_at = timezone.now()
    current.submitted_by = user
    current.version += 1
    current.save()
    return current


@transaction.atomic
def decision_assessment_decide(
    *,
    place: Place,
    user: User,
    assessment: DecisionAssessment,
    expected_version: int | None,
    decision: str,
    decision_date: date,
    decision_maker: str,
    decision_notes: str = "",
) -> DecisionAssessment:
    """Submitted → decided, recording what was decided, when and by whom. After this the
    assessment never changes."""
    current = _locked(assessment, place=place, expected_version=expected_version)
    refusal = decide_refusal(current)
    if refusal:
        raise DecisionRefused(refusal)
    current.status = Status.DECIDED
    current.decision = decision
    current.decision_date = decision_date
    current.decision_maker = decision_maker
    current.decision_notes = decision_notes
    current.decided_at = timezone.now()
    current.decided_by = user
    current.version += 1
    current.full_clean()
    current.save()
    return current
