"""An organisation's page: its details, what it takes part in within this place (partnerships,
delivery groups, charters), the interventions it leads and supports, and its history.

It lives in interventions because it shows interventions; the directory and the forms that add or
change an organisation are in partnerships/organisation_views.py. A national body is seen from
every place, but its page shows only this place's side of it: this place's partnerships, groups
and charters, and the interventions this place sees.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from interventions.organisation_selectors import organisation_interventions
from partnerships import organisation_selectors
from wellbeing.access import place_view, user_can
from wellbeing.models import Place


@place_view("place.view")
def organisation_detail(request: HttpRequest, place: Place, organisation_pk: int) -> HttpResponse:
    organisation = organisation_selectors.organisation_for_page(place=place, pk=organisation_pk)
    interventions = organisation_interventions(place=place, organisation=organisation)
    return render(
        request,
        "interventions/organisation_detail.html",
        {
            "organisation": organisation,
            "connections": organisation_selectors.organisation_connections(place=place, organisation=organisation),
            "led": interventions.led,
            "supported": interventions.supported,
            "history": organisation_selectors.organisation_history(organisation=organisation),
            "can_edit": not organisation.is_national and user_can(request.user, "organisation.edit", place),
        },
    )
