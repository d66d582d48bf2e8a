"""Pages for people and places. Views stay thin: resolve access, call a selector, render."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from wellbeing import selectors
from wellbeing.access import memberships_for, place_view, public_view, signed_in_view
from wellbeing.models import Place
from wellbeing.models.npf import NPF_2018


@signed_in_view()
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"memberships": memberships_for(request.user)})


@signed_in_view()
def npf(request: HttpRequest) -> HttpResponse:
    outcomes = list(selectors.npf_outcomes_with_indicators())
    indicator_count = len({indicator.pk for outcome in outcomes for indicator in outcome.indicators.all()})
    return render(
        request,
        "wellbeing/npf.html",
        {"outcomes": outcomes, "indicator_count": indicator_count, "framework_version": NPF_2018},
    )


@place_view("place.view")
def place_overview(request: HttpRequest, place: Place) -> HttpResponse:
    return render(request, "wellbeing/place_overview.html", selectors.place_overview(place=place))


@place_view("place.view_members")
def place_members(request: HttpRequest, place: Place) -> HttpResponse:
    return render(request, "wellbeing/place_members.html", {"memberships": selectors.place_members(place=place)})


@public_view()
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signed_out.html")


@public_view()
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


@public_view()
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker-compose: 200 when the database answers, 503 when not.
    Deliberately cheap and public; `manage.py check_worker` probes the Celery workers."""
    try:
        connection.ensure_connection()
        database = "ok"
    except DatabaseError:
        database = "unavailable"
    healthy = database == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database}, status=200 if healthy else 503
    )
