from django.urls import path

from interventions import import_views, views

app_name = "interventions"

urlpatterns = [
    # /places/<place_slug>/interventions/
    path("places/<slug:place_slug>/interventions/", views.register, name="register"),
    path("places/<slug:place_slug>/interventions/export/", views.register_export, name="export"),
    path("places/<slug:place_slug>/interventions/new/", views.intervention_create, name="create"),
    path("places/<slug:place_slug>/interventions/<int:intervention_pk>/", views.intervention_detail, name="detail"),
    path("places/<slug:place_slug>/interventions/<int:intervention_pk>/edit/", views.intervention_edit, name="edit"),
    # /places/<place_slug>/interventions/import/ — spreadsheet import (interventions/import_views.py)
    # IMPORT URLS START
    path(
        "places/<slug:place_slug>/interventions/import/template/",
        import_views.import_template,
        name="import_template",
    ),
    path("places/<slug:place_slug>/interventions/import/", import_views.import_upload, name="import_upload"),
    path(
        "places/<slug:place_slug>/interventions/import/<int:import_pk>/",
        import_views.import_preview,
        name="import_preview",
    ),
    path(
        "places/<slug:place_slug>/interventions/import/<int:import_pk>/commit/",
        import_views.import_commit,
        name="import_commit",
    ),
    path(
        "places/<slug:place_slug>/interventions/import/<int:import_pk>/progress/",
        import_views.import_progress,
        name="import_progress",
    ),
    # IMPORT URLS END
]
