"""An organisation's page (interventions/organisation_views.py): here, not in partnerships, because
it shows the interventions the organisation leads and supports. The directory and its forms are
routed by partnerships/organisation_urls.py."""

from django.urls import path

from interventions import organisation_views

urlpatterns = [
    # /places/<place_slug>/organisations/<organisation_pk>/
    path(
        "places/<slug:place_slug>/organisations/<int:organisation_pk>/",
        organisation_views.organisation_detail,
        name="organisation_detail",
    ),
]
