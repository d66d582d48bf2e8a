from django.urls import path

from wellbeing import views

app_name = "wellbeing"

urlpatterns = [
    # /npf/
    path("npf/", views.npf, name="npf"),
    # /places/<place_slug>/
    path("places/<slug:place_slug>/", views.place_overview, name="place_overview"),
    path("places/<slug:place_slug>/members/", views.place_members, name="place_members"),
]
