from django.urls import path

from wellbeing import archive_views, budget_views, decision_views, indicator_views, plan_views, views

app_name = "wellbeing"

urlpatterns = [
    # /npf/
    path("npf/", views.npf, name="npf"),
    # /places/<place_slug>/
    path("places/<slug:place_slug>/", views.place_overview, name="place_overview"),
    path("places/<slug:place_slug>/members/", views.place_members, name="place_members"),
    # /places/<place_slug>/archive/ — all of the place's data as one archive (wellbeing/archive_views.py)
    path("places/<slug:place_slug>/archive/", archive_views.place_archive, name="place_archive"),
    path(
        "places/<slug:place_slug>/archive/download/",
        archive_views.place_archive_download,
        name="place_archive_download",
    ),
    path("places/<slug:place_slug>/outcomes/", views.outcome_list, name="outcome_list"),
    path("places/<slug:place_slug>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("places/<slug:place_slug>/outcomes/<int:outcome_pk>/", views.outcome_detail, name="outcome_detail"),
    path("places/<slug:place_slug>/outcomes/<int:outcome_pk>/edit/", views.outcome_edit, name="outcome_edit"),
    # /places/<place_slug>/outcomes/<outcome_pk>/indicators/ — local indicators (wellbeing/indicator_views.py)
    path(
        "places/<slug:place_slug>/outcomes/<int:outcome_pk>/indicators/new/",
        indicator_views.indicator_create,
        name="indicator_create",
    ),
    path(
        "places/<slug:place_slug>/outcomes/<int:outcome_pk>/indicators/<int:indicator_pk>/edit/",
        indicator_views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "places/<slug:place_slug>/outcomes/<int:outcome_pk>/indicators/<int:indicator_pk>/observations/new/",
        indicator_views.observation_create,
        name="observation_create",
    ),
    # /places/<place_slug>/plans/ — strategic plans and their outcomes (wellbeing/plan_views.py)
    path("places/<slug:place_slug>/plans/", plan_views.plan_list, name="plan_list"),
    path("places/<slug:place_slug>/plans/new/", plan_views.plan_create, name="plan_create"),
    path("places/<slug:place_slug>/plans/<int:plan_pk>/", plan_views.plan_detail, name="plan_detail"),
    path("places/<slug:place_slug>/plans/<int:plan_pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path(
        "places/<slug:place_slug>/plans/<int:plan_pk>/outcomes/new/",
        plan_views.strategic_outcome_create,
        name="strategic_outcome_create",
    ),
    path(
        "places/<slug:place_slug>/plans/<int:plan_pk>/outcomes/<int:strategic_outcome_pk>/edit/",
        plan_views.strategic_outcome_edit,
        name="strategic_outcome_edit",
    ),
    # /places/<place_slug>/alignment/ — strategic alignment (wellbeing/alignment.py)
    path("places/<slug:place_slug>/alignment/", plan_views.alignment, name="alignment"),
    path("places/<slug:place_slug>/alignment/export/", plan_views.alignment_download, name="alignment_export"),
    # /places/<place_slug>/budgets/ — the wellbeing budget and the budget lines (wellbeing/budget_views.py)
    path("places/<slug:place_slug>/budgets/", budget_views.budgets, name="budgets"),
    path("places/<slug:place_slug>/budgets/export/", budget_views.budget_export, name="budget_export"),
    path("places/<slug:place_slug>/budgets/lines/", budget_views.budget_line_list, name="budget_line_list"),
    path("places/<slug:place_slug>/budgets/lines/new/", budget_views.budget_line_create, name="budget_line_create"),
    path(
        "places/<slug:place_slug>/budgets/lines/<int:line_pk>/",
        budget_views.budget_line_detail,
        name="budget_line_detail",
    ),
    path(
        "places/<slug:place_slug>/budgets/lines/<int:line_pk>/edit/",
        budget_views.budget_line_edit,
        name="budget_line_edit",
    ),
    # /places/<place_slug>/decisions/
    path("places/<slug:place_slug>/decisions/", decision_views.decision_list, name="decision_list"),
    path("places/<slug:place_slug>/decisions/new/", decision_views.decision_create, name="decision_create"),
    path("places/<slug:place_slug>/decisions/summary/", decision_views.decision_summary, name="decision_summary"),
    path(
        "places/<slug:place_slug>/decisions/<int:decision_pk>/", decision_views.decision_detail, name="decision_detail"
    ),
    path(
        "places/<slug:place_slug>/decisions/<int:decision_pk>/edit/", decision_views.decision_edit, name="decision_edit"
    ),
    path(
        "places/<slug:place_slug>/decisions/<int:decision_pk>/submit/",
        decision_views.decision_submit,
        name="decision_submit",
    ),
    path(
        "places/<slug:place_slug>/decisions/<int:decision_pk>/decide/",
        decision_views.decision_decide,
        name="decision_decide",
    ),
]
