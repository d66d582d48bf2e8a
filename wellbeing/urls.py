from django.urls import path

from wellbeing import views

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
]
