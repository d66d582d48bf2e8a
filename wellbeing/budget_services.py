"""Writes for budget lines and their shares. Each service owns its transaction: the line is saved
(refused if someone else saved it since the form was opened), its shares are brought in line with
the form, and the shares' total is checked again in the database before the transaction commits,
with the line's row locked, so two edits racing each other cannot take a line past 100% either."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from wellbeing.budget_forms import BudgetLineForm, shares_over_100_message
from wellbeing.concurrency import save_versioned
from wellbeing.models import BudgetLine, BudgetShare, Place, User, WellbeingOutcome
from wellbeing.models.budgets import ONE_HUNDRED

OTHER_PLACES_OUTCOME = "A budget line is tagged to its own place's wellbeing outcomes only."

Shares = list[tuple[WellbeingOutcome, Decimal]]


class SharesOverLimit(Exception):
    """The shares of a line would add up to more than 100%; the message is for the person."""


@transaction.atomic
def budget_line_create(*, place: Place, user: User, form: BudgetLineForm, shares: Shares) -> BudgetLine:
    line = form.save(commit=False)
    line.place = place
    line.full_clean()
    line.save()
    _save_shares(line=line, shares=shares)
    return line


@transaction.atomic
def budget_line_update(*, place: Place, user: User, form: BudgetLineForm, shares: Shares) -> BudgetLine:
    """Save the person's changes to a line and its shares, unless someone else saved the line
    since they opened the form (wellbeing.concurrency.EditConflict): then nothing is written."""
    line = form.instance
    if line.place_id != place.pk:
        raise PermissionError("A budget line is changed only in its own place.")
    line.full_clean()
    save_versioned(line, expected_version=form.cleaned_data["version"])  # locks the line's row
    _save_shares(line=line, shares=shares)
    return line


def _save_shares(*, line: BudgetLine, shares: Shares) -> None:
    """One row per outcome; an outcome no longer listed loses its share. Rows are saved one by one
    so django-simple-history records each change. Then the total, read back from the database."""
    saved = {share.outcome_id: share for share in BudgetShare.objects.filter(line=line)}
    wanted = {}
    for outcome, percent in shares:
        if outcome.place_id != line.place_id:  # forms offer nothing else; a last guard
            raise PermissionError(OTHER_PLACES_OUTCOME)
        wanted[outcome.pk] = (outcome, percent)
    for outcome_pk, share in saved.items():
        if outcome_pk not in wanted:
            share.delete()
    for outcome_pk, (outcome, percent) in wanted.items():
        share = saved.get(outcome_pk) or BudgetShare(line=line, outcome=outcome)
        if share.pk is not None and share.percent == percent:
            continue
        share.percent = percent
        share.full_clean()
        share.save()
    total = BudgetShare.objects.filter(line=line).aggregate(total=Sum("percent"))["total"] or Decimal("0")
    if total > ONE_HUNDRED:
        # Raising inside the transaction rolls back the line and every share written above.
        raise SharesOverLimit(shares_over_100_message(total))
