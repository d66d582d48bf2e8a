"""Reads for an organisation's page that concern interventions: those it leads and those it
supports as a partner, among the interventions the place sees (its own and the national ones)."""

from dataclasses import dataclass

from django.db.models.functions import Lower

from interventions.models import Intervention
from partnerships.models import Organisation
from wellbeing.models import Place


@dataclass(frozen=True)
class OrganisationInterventions:
    led: list[Intervention]  # it is the lead organisation
    supported: list[Intervention]  # it is one of the partners (each with its lead organisation)


def organisation_interventions(*, place: Place, organisation: Organisation) -> OrganisationInterventions:
    """The interventions the place sees that the organisation leads, and those it supports as a
    partner, by title: two queries, however many."""
    visible = Intervention.objects.for_place(place).order_by(Lower("title"), "pk")
    return OrganisationInterventions(
        led=list(visible.filter(lead_organisation=organisation)),
        supported=list(visible.filter(partners=organisation).select_related("lead_organisation")),
    )
