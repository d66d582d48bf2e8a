"""/places/<place_slug>/charters/ — charters, their commitments and signatories (charter_views.py)."""

from django.urls import path

from partnerships import charter_views

CHARTER = "places/<slug:place_slug>/charters/<int:charter_pk>/"

urlpatterns = [
    # /places/<place_slug>/charters/
    path("places/<slug:place_slug>/charters/", charter_views.charter_list, name="charter_list"),
    path("places/<slug:place_slug>/charters/new/", charter_views.charter_create, name="charter_create"),
    path(CHARTER, charter_views.charter_detail, name="charter_detail"),
    path(f"{CHARTER}edit/", charter_views.charter_edit, name="charter_edit"),
    # /places/<place_slug>/charters/<charter_pk>/signatories/
    path(f"{CHARTER}signatories/new/", charter_views.signatory_create, name="signatory_create"),
    path(
        f"{CHARTER}signatories/<int:signatory_pk>/edit/",
        charter_views.signatory_edit,
        name="signatory_edit",
    ),
    path(f"{CHARTER}signatories/export/", charter_views.signatory_export, name="signatory_export"),
]
