"""Writes that touch several rows: saving an intervention with its contributions, organisations
added on the way. Views call these; nothing here reads the request."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from interventions.forms import BaseContributionFormSet, InterventionForm
from interventions.models import Contribution, Intervention
from partnerships.models import Organisation
from wellbeing.concurrency import EditConflict, save_versioned
from wellbeing.models import Place, User


def organisation_get_or_create(*, place: Place, name: str) -> Organisation:
    """The place's (or a national) organisation of this name, ignoring case; else a new one of the place."""
    existing = (
        Organisation.objects.for_place(place)
        .annotate(lower_name=Lower("name"))
        .filter(lower_name=name.lower())
        .order_by(F("place_id").asc(nulls_last=True))  # the place's own before a national one of that name
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


class LinksClash(Exception):
    """Two links of one save swapped outcomes, or someone else linked the same outcome meanwhile."""


def _save_contributions(*, formset: BaseContributionFormSet, user: User) -> None:
    """Save the links. Each changed or removed link must still be at the version the form was
    opened at (EditConflict otherwise). A changed judgement (effectiveness, basis or note) is
    signed by the person who made it and dated today unless they gave the date it was made."""
    today = timezone.localdate()
    for contribution_form in formset.forms:
        deleting = contribution_form in formset.deleted_forms
        if not contribution_form.instance.pk or not (deleting or contribution_form.has_changed()):
            continue
        current = Contribution.objects.select_for_update().filter(pk=contribution_form.instance.pk).first()
        if current is None or current.version != (contribution_form.cleaned_data.get("version") or 0):
            raise EditConflict(current or contribution_form.instance)
        contribution_form.instance.version = current.version + 1
    for contribution_form in formset.forms:
        if contribution_form in formset.deleted_forms or not contribution_form.has_changed():
            continue
        if contribution_form.assessment_changed():
            contribution_form.instance.assessed_by = user
            given = contribution_form.cleaned_data.get("assessed_on")
            if not given or "assessed_on" not in contribution_form.changed_data:
                contribution_form.instance.assessed_on = today
    try:
        with transaction.atomic():
            formset.save()
    except IntegrityError:
        raise LinksClash(
            "Two links cannot take the same outcome. If you swapped the outcomes of two links, or someone else "
            "linked the same outcome meanwhile, save one change at a time."
        ) from None


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
    save_versioned(intervention, expected_version=form.cleaned_data["version"])
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
