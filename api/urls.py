"""/api/v1/: the read API (api/views.py), its OpenAPI schema and its docs page (api/docs.py)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import docs, views

app_name = "api-v1"

PLACE = "places/<slug:place_slug>/"

urlpatterns = [
    # /api/v1/schema/, /api/v1/docs/
    # The OpenAPI schema, for anyone: it describes the API, and holds no data.
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    # /api/v1/places/
    path("places/", views.PlaceList.as_view(), name="place_list"),
    # /api/v1/places/<place_slug>/…
    path(f"{PLACE}outcomes/", views.OutcomeList.as_view(), name="outcome_list"),
    path(f"{PLACE}interventions/", views.InterventionList.as_view(), name="intervention_list"),
    path(f"{PLACE}interventions/<int:pk>/", views.InterventionDetail.as_view(), name="intervention_detail"),
    path(f"{PLACE}gap-analysis/", views.GapAnalysisView.as_view(), name="gap_analysis"),
    path(f"{PLACE}organisations/", views.OrganisationList.as_view(), name="organisation_list"),
    path(f"{PLACE}partnerships/", views.PartnershipList.as_view(), name="partnership_list"),
    path(f"{PLACE}delivery-groups/", views.DeliveryGroupList.as_view(), name="delivery_group_list"),
    path(f"{PLACE}alignment/", views.AlignmentView.as_view(), name="alignment"),
    path(f"{PLACE}budgets/lines/", views.BudgetLineList.as_view(), name="budget_line_list"),
    path(f"{PLACE}budgets/", views.WellbeingBudgetView.as_view(), name="wellbeing_budget"),
    # Anything else under /api/v1/: a JSON 404 (Django's own 404 page is HTML).
    re_path(r"^.*$", views.NoSuchEndpoint.as_view(), name="not_found"),
]
