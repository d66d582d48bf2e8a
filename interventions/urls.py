from django.urls import path

from interventions import gap_views, group_urls, import_views, organisation_urls, report_views, views

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
    # /places/<place_slug>/budgets/import/ — budget lines from a spreadsheet, on the same pages as above
    path(
        "places/<slug:place_slug>/budgets/import/template/",
        import_views.budget_import_template,
        name="budget_import_template",
    ),
    path("places/<slug:place_slug>/budgets/import/", import_views.budget_import_upload, name="budget_import_upload"),
    path(
        "places/<slug:place_slug>/budgets/import/<int:budget_import_pk>/",
        import_views.budget_import_preview,
        name="budget_import_preview",
    ),
    path(
        "places/<slug:place_slug>/budgets/import/<int:budget_import_pk>/commit/",
        import_views.budget_import_commit,
        name="budget_import_commit",
    ),
    path(
        "places/<slug:place_slug>/budgets/import/<int:budget_import_pk>/progress/",
        import_views.budget_import_progress,
        name="budget_import_progress",
    ),
    # /places/<place_slug>/gaps/ — the gap analysis (interventions/gap_views.py)
    path("places/<slug:place_slug>/gaps/", gap_views.gap_analysis_page, name="gap_analysis"),
    path("places/<slug:place_slug>/gaps/print/", gap_views.gap_analysis_print, name="gap_analysis_print"),
    path(
        "places/<slug:place_slug>/gaps/regions/<slug:region_slug>/",
        gap_views.region_gap_analysis,
        name="region_gap_analysis",
    ),
    # GAP REPORT URLS (interventions/report_views.py) go here
    path("places/<slug:place_slug>/gaps/reports/", report_views.gap_reports, name="gap_reports"),
    path(
        "places/<slug:place_slug>/gaps/reports/progress/",
        report_views.gap_reports_progress,
        name="gap_reports_progress",
    ),
    path(
        "places/<slug:place_slug>/gaps/reports/<int:report_pk>/download/",
        report_views.gap_report_download,
        name="gap_report_download",
    ),
    # Pages that bring partnerships and interventions together: a delivery group's dashboard and
    # assignments (interventions/group_urls.py), an organisation's page (interventions/organisation_urls.py)
    *group_urls.urlpatterns,
    *organisation_urls.urlpatterns,
]
