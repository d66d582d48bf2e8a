"""/places/<place_slug>/partnerships/: partnerships, their members and their delivery groups
(partnerships/partnership_views.py)."""

from django.urls import path

from partnerships import partnership_views as views

PARTNERSHIP = "places/<slug:place_slug>/partnerships/<int:partnership_pk>/"

urlpatterns = [
    # /places/<place_slug>/partnerships/
    path("places/<slug:place_slug>/partnerships/", views.partnership_list, name="partnership_list"),
    path("places/<slug:place_slug>/partnerships/new/", views.partnership_create, name="partnership_create"),
    path(PARTNERSHIP, views.partnership_detail, name="partnership_detail"),
    path(f"{PARTNERSHIP}edit/", views.partnership_edit, name="partnership_edit"),
    # /places/<place_slug>/partnerships/<partnership_pk>/members/
    path(f"{PARTNERSHIP}members/new/", views.membership_create, name="membership_create"),
    path(f"{PARTNERSHIP}members/export/", views.membership_export, name="membership_export"),
    path(f"{PARTNERSHIP}members/<int:membership_pk>/edit/", views.membership_edit, name="membership_edit"),
    # /places/<place_slug>/partnerships/<partnership_pk>/groups/
    path(f"{PARTNERSHIP}groups/new/", views.group_create, name="group_create"),
    path(f"{PARTNERSHIP}groups/<int:group_pk>/", views.group_detail, name="group_detail"),
    path(f"{PARTNERSHIP}groups/<int:group_pk>/edit/", views.group_edit, name="group_edit"),
]
