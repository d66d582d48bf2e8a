"""Writes for local indicators and their observations. Each service owns its transaction; history
rows (django-simple-history) are written by the saves inside it."""

from django.db import IntegrityError, transaction

from wellbeing.concurrency import save_versioned
from wellbeing.models import LocalIndicator, Observation, Place, WellbeingOutcome

OTHER_PLACES_OUTCOME = "An indicator belongs to an outcome of its own place."


class DuplicateObservation(Exception):
    """Another observation for this indicator and date was saved first (a race the form could not see)."""

    def __init__(self, existing: Observation) -> None:
        super().__init__(f"{existing.indicator} already has an observation on {existing.date}.")
        self.existing = existing


@transaction.atomic
def indicator_save(*, place: Place, outcome: WellbeingOutcome, form) -> LocalIndicator:
    """Create an indicator of the outcome, or save changes to one unless someone else saved it since
    the form was opened (wellbeing.concurrency.EditConflict, nothing written). The outcome must be
    the place's: views resolve it for the place, and this refuses any other."""
    if outcome.place_id != place.pk:
        raise PermissionError(OTHER_PLACES_OUTCOME)
    indicator = form.save(commit=False)
    if indicator.pk is None:
        indicator.outcome = outcome
        indicator.full_clean()
        indicator.save()
    else:
        if indicator.outcome_id != outcome.pk:
            raise PermissionError("An indicator is changed only under its own outcome.")
        indicator.full_clean()
        save_versioned(indicator, expected_version=form.cleaned_data["version"])
    return indicator


def observation_add(*, indicator: LocalIndicator, form) -> Observation:
    """Add an observation; DuplicateObservation if one for that date was saved meanwhile."""
    observation = form.save(commit=False)
    observation.indicator = indicator
    try:
        with transaction.atomic():
            observation.save()
    except IntegrityError:
        existing = Observation.objects.filter(indicator=indicator, date=observation.date).first()
        if existing is None:
            raise
        raise DuplicateObservation(existing) from None
    return observation
