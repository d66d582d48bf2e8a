"""Delivery groups on the intervention side (interventions/group_views.py): the bulk assignment,
a group's dashboard, and a partnership's assignments as a download."""

from django.urls import path

from interventions import group_views

urlpatterns = [
    # /places/<place_slug>/interventions/assign/ — the register's bulk action (POST only)
    path("places/<slug:place_slug>/interventions/assign/", group_views.group_assign, name="group_assign"),
    # /places/<place_slug>/groups/<group_pk>/dashboard/
    path(
        "places/<slug:place_slug>/groups/<int:group_pk>/dashboard/",
        group_views.group_dashboard,
        name="group_dashboard",
    ),
    # /places/<place_slug>/partnerships/<partnership_pk>/assignments/export/?format=csv|xlsx
    path(
        "places/<slug:place_slug>/partnerships/<int:partnership_pk>/assignments/export/",
        group_views.assignment_export,
        name="assignment_export",
    ),
]
