"""Pages to add and change a wellbeing outcome's local indicators and to add their observations.
The indicators themselves are shown on the outcome's page (views.outcome_detail)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from wellbeing.access import object_get_for_place, place_view
from wellbeing.concurrency import EditConflict
from wellbeing.indicator_forms import LocalIndicatorForm, ObservationForm, duplicate_date_message
from wellbeing.indicator_services import DuplicateObservation, indicator_save, observation_add
from wellbeing.models import LocalIndicator, Place, WellbeingOutcome

RECENT_OBSERVATIONS = 10  # listed beside the form, newest first, so a date already taken is seen

CONFLICT_MESSAGE = (
    "Someone else saved this indicator while you were editing it, so your changes have not been saved. "
    "They are still in the form below: check the outcome's page, then save again to replace their version "
    "with yours."
)


def _outcome(place: Place, outcome_pk: int) -> WellbeingOutcome:
    return object_get_for_place(WellbeingOutcome.objects, place=place, pk=outcome_pk)


def _indicator(outcome: WellbeingOutcome, indicator_pk: int) -> LocalIndicator:
    """The outcome's indicator, or 404 — also for another outcome's or another place's indicator."""
    indicator = LocalIndicator.objects.filter(outcome=outcome, pk=indicator_pk).first()
    if indicator is None:
        raise Http404("No such indicator for this outcome.")
    return indicator


def _back_to_outcome(place: Place, outcome: WellbeingOutcome, indicator: LocalIndicator) -> HttpResponse:
    response = redirect("wellbeing:outcome_detail", place_slug=place.slug, outcome_pk=outcome.pk)
    response["Location"] += f"#indicator-{indicator.pk}"
    return response


@place_view("indicator.edit", methods=("GET", "POST"))
def indicator_create(request: HttpRequest, place: Place, outcome_pk: int) -> HttpResponse:
    return _indicator_form(request, place, outcome=_outcome(place, outcome_pk), indicator=None)


@place_view("indicator.edit", methods=("GET", "POST"))
def indicator_edit(request: HttpRequest, place: Place, outcome_pk: int, indicator_pk: int) -> HttpResponse:
    outcome = _outcome(place, outcome_pk)
    return _indicator_form(request, place, outcome=outcome, indicator=_indicator(outcome, indicator_pk))


def _indicator_form(
    request: HttpRequest, place: Place, *, outcome: WellbeingOutcome, indicator: LocalIndicator | None
) -> HttpResponse:
    form = LocalIndicatorForm(request.POST or None, instance=indicator, outcome=outcome)
    if request.method == "POST" and form.is_valid():
        try:
            saved = indicator_save(place=place, outcome=outcome, form=form)
        except EditConflict as conflict:
            data = request.POST.copy()
            data["version"] = str(conflict.current.version)
            form = LocalIndicatorForm(data, instance=LocalIndicator.objects.get(pk=indicator.pk), outcome=outcome)
            form.is_valid()
            form.add_error(None, CONFLICT_MESSAGE)
        else:
            messages.success(request, f"‘{saved.name}’ was saved.")
            return _back_to_outcome(place, outcome, saved)
    return render(request, "wellbeing/indicator_form.html", {"form": form, "outcome": outcome, "indicator": indicator})


@place_view("indicator.edit", methods=("GET", "POST"))
def observation_create(request: HttpRequest, place: Place, outcome_pk: int, indicator_pk: int) -> HttpResponse:
    outcome = _outcome(place, outcome_pk)
    indicator = _indicator(outcome, indicator_pk)
    form = ObservationForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            observation = observation_add(indicator=indicator, form=form)
        except DuplicateObservation as duplicate:
            form.add_error("date", duplicate_date_message(duplicate.existing))
        else:
            messages.success(
                request, f"The observation for {observation.date:%-d %B %Y} was added to ‘{indicator.name}’."
            )
            if "add_another" in request.POST:
                return redirect(
                    "wellbeing:observation_create",
                    place_slug=place.slug,
                    outcome_pk=outcome.pk,
                    indicator_pk=indicator.pk,
                )
            return _back_to_outcome(place, outcome, indicator)
    return render(
        request,
        "wellbeing/observation_form.html",
        {
            "form": form,
            "outcome": outcome,
            "indicator": indicator,
            "observations": indicator.observations.order_by("-date")[:RECENT_OBSERVATIONS],
        },
    )
