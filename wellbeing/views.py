"""Pages for people and places. Views stay thin: resolve access, call a selector, render."""

from celery.exceptions import TimeoutError as CeleryTimeout
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.exceptions import OperationalError as BrokerError

from wellbeing import selectors
from wellbeing.access import PublicPolicy, SignedInPolicy, declare_access, place_view
from wellbeing.models import Place
from wellbeing.models.npf import NPF_2018
from wellbeing.tasks import health_check


@declare_access(SignedInPolicy())
@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_for_user(user=request.user)
    return render(request, "home.html", {"memberships": memberships})


@declare_access(SignedInPolicy())
@require_GET
@login_required
def npf(request: HttpRequest) -> HttpResponse:
    outcomes = list(selectors.npf_outcomes_with_indicators())
    indicator_count = len({indicator.pk for outcome in outcomes for indicator in outcome.indicators.all()})
    return render(
        request,
        "wellbeing/npf.html",
        {"outcomes": outcomes, "indicator_count": indicator_count, "framework_version": NPF_2018},
    )


@require_GET
@place_view("wellbeing.view_place")
def place_overview(request: HttpRequest, place: Place) -> HttpResponse:
    return render(request, "wellbeing/place_overview.html", selectors.place_overview(place=place))


@require_GET
@place_view("wellbeing.view_members")
def place_members(request: HttpRequest, place: Place) -> HttpResponse:
    return render(request, "wellbeing/place_members.html", {"memberships": selectors.place_members(place=place)})


@declare_access(PublicPolicy())
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signed_out.html")


@declare_access(PublicPolicy())
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


@declare_access(PublicPolicy())
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker-compose: 200 when the database answers, 503 when not.
    With ?celery=1 it also sends a task through the broker and waits briefly for a worker."""
    checks = {}
    try:
        connection.ensure_connection()
        checks["database"] = "ok"
    except DatabaseError:
        checks["database"] = "unavailable"
    if request.GET.get("celery") == "1":
        try:
            health_check.delay().get(timeout=5)
            checks["celery"] = "ok"
        except (BrokerError, CeleryTimeout, OSError):
            checks["celery"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)
