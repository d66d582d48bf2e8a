"""Pages for a place's strategic plans, their outcomes, and the strategic alignment view."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from wellbeing import selectors, services
from wellbeing.access import object_get_for_place, place_view, user_can
from wellbeing.alignment import alignment_export, alignment_for_place, alignment_sankey
from wellbeing.concurrency import EditConflict
from wellbeing.models import Place, StrategicOutcome, StrategicPlan
from wellbeing.plan_forms import StrategicOutcomeForm, StrategicPlanForm
from wellbeing.spreadsheets import FORMATS, XLSX

CONFLICT_MESSAGE = (
    "Someone else saved this {what} while you were editing it, so your changes have not been saved. "
    "They are still in the form below: check the plan's page, then save again to replace their version with yours."
)


# --- Plans ----------------------------------------------------------------------------------------


@place_view("place.view")
def plan_list(request: HttpRequest, place: Place) -> HttpResponse:
    return render(
        request,
        "wellbeing/plan_list.html",
        {"plans": selectors.plan_list(place=place), "can_edit": user_can(request.user, "plan.edit", place)},
    )


@place_view("place.view")
def plan_detail(request: HttpRequest, place: Place, plan_pk: int) -> HttpResponse:
    plan = selectors.plan_for_page(place=place, pk=plan_pk)
    return render(
        request,
        "wellbeing/plan_detail.html",
        {
            "plan": plan,
            "history": selectors.plan_history(plan=plan),
            "can_edit": user_can(request.user, "plan.edit", place),
        },
    )


@place_view("plan.edit", methods=("GET", "POST"))
def plan_create(request: HttpRequest, place: Place) -> HttpResponse:
    return _plan_form(request, place, plan=None)


@place_view("plan.edit", methods=("GET", "POST"))
def plan_edit(request: HttpRequest, place: Place, plan_pk: int) -> HttpResponse:
    plan = object_get_for_place(StrategicPlan.objects, place=place, pk=plan_pk)
    return _plan_form(request, place, plan=plan)


def _plan_form(request: HttpRequest, place: Place, *, plan: StrategicPlan | None) -> HttpResponse:
    form = StrategicPlanForm(request.POST or None, instance=plan, place=place)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.plan_save(place=place, form=form)
        except EditConflict as conflict:
            form = _form_after_conflict(
                StrategicPlanForm, request, conflict, StrategicPlan.objects.get(pk=plan.pk), place=place
            )
            form.add_error(None, CONFLICT_MESSAGE.format(what="plan"))
        else:
            messages.success(request, f"‘{saved.title}’ was saved.")
            return redirect("wellbeing:plan_detail", place_slug=place.slug, plan_pk=saved.pk)
    return render(request, "wellbeing/plan_form.html", {"form": form, "plan": plan})


# --- Strategic outcomes ---------------------------------------------------------------------------


@place_view("plan.edit", methods=("GET", "POST"))
def strategic_outcome_create(request: HttpRequest, place: Place, plan_pk: int) -> HttpResponse:
    plan = object_get_for_place(StrategicPlan.objects, place=place, pk=plan_pk)
    return _strategic_outcome_form(request, place, plan=plan, outcome=None)


@place_view("plan.edit", methods=("GET", "POST"))
def strategic_outcome_edit(request: HttpRequest, place: Place, plan_pk: int, strategic_outcome_pk: int) -> HttpResponse:
    plan = object_get_for_place(StrategicPlan.objects, place=place, pk=plan_pk)
    outcome = selectors.strategic_outcome_get(plan=plan, pk=strategic_outcome_pk)
    return _strategic_outcome_form(request, place, plan=plan, outcome=outcome)


def _strategic_outcome_form(
    request: HttpRequest, place: Place, *, plan: StrategicPlan, outcome: StrategicOutcome | None
) -> HttpResponse:
    form = StrategicOutcomeForm(request.POST or None, instance=outcome, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.strategic_outcome_save(plan=plan, form=form)
        except EditConflict as conflict:
            current = StrategicOutcome.objects.get(pk=outcome.pk)
            form = _form_after_conflict(StrategicOutcomeForm, request, conflict, current, plan=plan)
            form.add_error(None, CONFLICT_MESSAGE.format(what="strategic outcome"))
        else:
            messages.success(request, f"‘{saved.title}’ was saved.")
            return redirect("wellbeing:plan_detail", place_slug=place.slug, plan_pk=plan.pk)
    return render(request, "wellbeing/strategic_outcome_form.html", {"form": form, "plan": plan, "outcome": outcome})


def _form_after_conflict(form_class, request: HttpRequest, conflict: EditConflict, current, **kwargs):
    """The person's input again, now carrying the saved version, so saving again replaces it."""
    data = request.POST.copy()
    data["version"] = str(conflict.current.version)
    form = form_class(data, instance=current, **kwargs)
    form.is_valid()
    return form


# --- Alignment ------------------------------------------------------------------------------------


@place_view("place.view")
def alignment(request: HttpRequest, place: Place) -> HttpResponse:
    result = alignment_for_place(place=place)
    chart = alignment_sankey(result)
    return render(
        request,
        "wellbeing/alignment.html",
        {
            "alignment": result,
            "charts": [chart] if chart else [],
            "can_edit": user_can(request.user, "plan.edit", place),
        },
    )


@place_view("place.view")
def alignment_download(request: HttpRequest, place: Place) -> HttpResponse:
    file_format = request.GET.get("format", XLSX)
    if file_format not in FORMATS:
        raise Http404("Exports are CSV or XLSX.")
    content, content_type, filename = alignment_export(alignment_for_place(place=place), file_format=file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
