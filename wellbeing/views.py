"""Pages for people and places. Views stay thin: resolve access, call a selector, render."""

from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from wellbeing import selectors, services
from wellbeing.access import memberships_for, object_get_for_place, place_view, public_view, signed_in_view, user_can
from wellbeing.concurrency import EditConflict
from wellbeing.forms import WellbeingOutcomeForm
from wellbeing.freshness import stale_before
from wellbeing.history import HISTORY_LIMIT, HistoryEntry
from wellbeing.indicators import TREND_RULE, indicator_history, indicators_for_outcome
from wellbeing.models import Place, WellbeingOutcome
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


# --- Key wellbeing outcomes -----------------------------------------------------------------------


@place_view("place.view")
def outcome_list(request: HttpRequest, place: Place) -> HttpResponse:
    return render(
        request,
        "wellbeing/outcome_list.html",
        {"outcomes": selectors.outcome_list(place=place), "can_edit": user_can(request.user, "outcome.edit", place)},
    )


@place_view("place.view")
def outcome_detail(request: HttpRequest, place: Place, outcome_pk: int) -> HttpResponse:
    outcome = selectors.outcome_for_page(place=place, pk=outcome_pk)
    return render(
        request,
        "wellbeing/outcome_detail.html",
        {
            "outcome": outcome,
            "contributions": outcome.contribution_list,
            "history": _newest_first(selectors.outcome_history(outcome=outcome), indicator_history(outcome=outcome)),
            "stale_before": stale_before(),
            "can_edit": user_can(request.user, "outcome.edit", place),
            "indicators": indicators_for_outcome(outcome=outcome),
            "trend_rule": TREND_RULE,
            "can_edit_indicators": user_can(request.user, "indicator.edit", place),
        },
    )


def _newest_first(*histories: list[HistoryEntry]) -> list[HistoryEntry]:
    return sorted((entry for history in histories for entry in history), key=lambda e: e.when, reverse=True)[
        :HISTORY_LIMIT
    ]


@place_view("outcome.edit", methods=("GET", "POST"))
def outcome_create(request: HttpRequest, place: Place) -> HttpResponse:
    return _outcome_form(request, place, outcome=None)


@place_view("outcome.edit", methods=("GET", "POST"))
def outcome_edit(request: HttpRequest, place: Place, outcome_pk: int) -> HttpResponse:
    outcome = object_get_for_place(WellbeingOutcome.objects, place=place, pk=outcome_pk)
    return _outcome_form(request, place, outcome=outcome)


def _outcome_form(request: HttpRequest, place: Place, *, outcome: WellbeingOutcome | None) -> HttpResponse:
    form = WellbeingOutcomeForm(request.POST or None, instance=outcome, place=place)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.outcome_save(place=place, form=form)
        except EditConflict as conflict:
            data = request.POST.copy()
            data["version"] = str(conflict.current.version)
            form = WellbeingOutcomeForm(data, instance=WellbeingOutcome.objects.get(pk=outcome.pk), place=place)
            form.is_valid()
            form.add_error(
                None,
                "Someone else saved this outcome while you were editing it, so your changes have not been "
                "saved. They are still in the form below: check the outcome's page, then save again to "
                "replace their version with yours.",
            )
        else:
            messages.success(request, f"‘{saved.title}’ was saved.")
            return redirect("wellbeing:outcome_detail", place_slug=place.slug, outcome_pk=saved.pk)
    return render(request, "wellbeing/outcome_form.html", {"form": form, "outcome": outcome})
