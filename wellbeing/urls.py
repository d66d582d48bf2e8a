from django.urls import path

from wellbeing import decision_views, plan_views, views

app_name = "wellbeing"

urlpatterns = [
    # /npf/
    path("npf/", views.npf, name="npf"),
    # /places/<place_slug>/
    path("places/<slug:place_slug>/", views.place_overview, name="place_overview"),
    path("places/<slug:place_slug>/members/", views.place_members, name="place_members"),
    path("places/<slug:place_slug>/outcomes/", views.outcome_list, name="outcome_list"),
    path("places/<slug:place_slug>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("places/<slug:place_slug>/outcomes/<int:outcome_pk>/", views.outcome_detail, name="outcome_detail"),
    path("places/<slug:place_slug>/outcomes/<int:outcome_pk>/edit/", views.outcome_edit, name="outcome_edit"),
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
