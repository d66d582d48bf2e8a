"""Writes that touch several rows: saving an intervention with its contributions, organisations
added on the way. Views call these; nothing here reads the request."""

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from interventions.forms import BaseContributionFormSet, InterventionForm
from interventions.models import Intervention
from partnerships.models import Organisation
from wellbeing.concurrency import save_versioned
from wellbeing.models import Place, User


def organisation_get_or_create(*, place: Place, name: str) -> Organisation:
    """The place's (or a national) organisation of this name, ignoring case; else a new one of the place."""
    existing = (
        Organisation.objects.for_place(place)
        .annotate(lower_name=Lower("name"))
        .filter(lower_name=name.lower())
        .order_by("place_id")  # the place's own before a national one of the same name
        .first()
    )
    return existing or Organisation.objects.create(place=place, name=name)


def _apply_organisations(*, form: InterventionForm, place: Place, intervention: Intervention) -> None:
    new_lead = form.cleaned_data.get("new_lead_organisation")
    if new_lead:
        intervention.lead_organisation = organisation_get_or_create(place=place, name=new_lead)


def _save_partners_and_contributions(
    *, form: InterventionForm, formset: BaseContributionFormSet, place: Place, user: User, intervention: Intervention
) -> None:
    form.save_m2m()
    new_partners = [organisation_get_or_create(place=place, name=name) for name in form.cleaned_data["new_partners"]]
    if new_partners:
        intervention.partners.add(*new_partners)
    formset.instance = intervention
    _save_contributions(formset=formset, user=user)


def _save_contributions(*, formset: BaseContributionFormSet, user: User) -> None:
    """A changed judgement (effectiveness, basis, note or date) is signed by the person who made it,
    dated today unless they gave the date it was made."""
    today = timezone.localdate()
    for contribution_form in formset.forms:
        if contribution_form in formset.deleted_forms or not contribution_form.has_changed():
            continue
        if contribution_form.assessment_changed():
            contribution_form.instance.assessed_by = user
            if not contribution_form.cleaned_data.get("assessed_on"):
                contribution_form.instance.assessed_on = today
    formset.save()


@transaction.atomic
def intervention_create(
    *, place: Place, user: User, form: InterventionForm, formset: BaseContributionFormSet
) -> Intervention:
    intervention = form.save(commit=False)
    intervention.place = place
    _apply_organisations(form=form, place=place, intervention=intervention)
    intervention.save()
    _save_partners_and_contributions(form=form, formset=formset, place=place, user=user, intervention=intervention)
    return intervention


@transaction.atomic
def intervention_update(
    *, place: Place, user: User, form: InterventionForm, formset: BaseContributionFormSet
) -> Intervention:
    """Save the person's changes, unless someone else saved the intervention since they opened
    the form: then wellbeing.concurrency.EditConflict is raised and nothing is written."""
    intervention = form.instance
    if intervention.place_id != place.pk:
        raise PermissionError("Shared national interventions are changed centrally, not by a place.")
    form.save(commit=False)  # readies form.save_m2m()
    _apply_organisations(form=form, place=place, intervention=intervention)
    save_versioned(intervention, expected_version=form.cleaned_data["version"] or 0)
    _save_partners_and_contributions(form=form, formset=formset, place=place, user=user, intervention=intervention)
    return intervention


@transaction.atomic
def national_contributions_update(
    *, place: Place, user: User, intervention: Intervention, formset: BaseContributionFormSet
) -> None:
    """A place's links from a shared national intervention to its own outcomes. The national
    intervention itself is not touched (its history is seen by every place)."""
    if not intervention.is_shared_national:
        raise ValueError("Use intervention_update for a place's own intervention.")
    _save_contributions(formset=formset, user=user)
