"""Reads that span models. Every place-scoped read takes a place that wellbeing.access resolved."""

from django.db.models import Prefetch, QuerySet

from wellbeing.models import NationalIndicator, NationalOutcome, Place, PlaceMembership, WellbeingOutcome
from wellbeing.models.npf import NPF_2018


def place_members(*, place: Place) -> QuerySet[PlaceMembership]:
    return (
        PlaceMembership.objects.filter(place=place)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def wellbeing_outcomes_for_place(*, place: Place) -> QuerySet[WellbeingOutcome]:
    return WellbeingOutcome.objects.for_place(place).prefetch_related(
        Prefetch("national_outcomes", queryset=NationalOutcome.objects.order_by("name")),
        Prefetch("national_indicators", queryset=NationalIndicator.objects.order_by("name")),
    )


def place_overview(*, place: Place) -> dict:
    """What the overview page shows: the place's outcomes, and its regions or member councils."""
    return {
        "outcomes": list(wellbeing_outcomes_for_place(place=place)),
        "member_councils": list(place.member_councils.order_by("name")) if place.is_region else [],
        "regions": [] if place.is_region else list(place.regions.order_by("name")),
    }


def npf_outcomes_with_indicators(*, framework_version: str = NPF_2018) -> QuerySet[NationalOutcome]:
    return (
        NationalOutcome.objects.filter(framework_version=framework_version)
        .order_by("name")
        .prefetch_related(Prefetch("indicators", queryset=NationalIndicator.objects.order_by("name")))
    )


def health_summary() -> dict:
    """A cheap database round trip for health checks."""
    return {"places": Place.objects.count()}
