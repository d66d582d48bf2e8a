"""The organisations directory (partnerships/organisation_views.py). An organisation's page,
/places/<place_slug>/organisations/<organisation_pk>/, is routed by interventions/organisation_urls.py."""

from django.urls import path

from partnerships import organisation_views

urlpatterns = [
    # /places/<place_slug>/organisations/
    path("places/<slug:place_slug>/organisations/", organisation_views.organisation_list, name="organisation_list"),
    path(
        "places/<slug:place_slug>/organisations/new/",
        organisation_views.organisation_create,
        name="organisation_create",
    ),
    path(
        "places/<slug:place_slug>/organisations/<int:organisation_pk>/edit/",
        organisation_views.organisation_edit,
        name="organisation_edit",
    ),
]
