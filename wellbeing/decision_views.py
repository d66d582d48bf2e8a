"""Decision assessments' pages: the register, the summary, an assessment's page, its form, and the
submit and decide actions (POST only, each with its own small form on the assessment's page)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from wellbeing import decision_selectors as selectors
from wellbeing import decision_services as services
from wellbeing.access import place_view, user_can
from wellbeing.concurrency import EditConflict
from wellbeing.decision_filters import DecisionFilter
from wellbeing.decision_forms import DecideForm, DecisionAssessmentForm, SummaryYearForm, VersionForm, effect_formset
from wellbeing.history import last_editor
from wellbeing.models import DecisionAssessment, Place

REGISTER_PAGE_SIZE = 25


@place_view("place.view")
def decision_list(request: HttpRequest, place: Place) -> HttpResponse:
    filterset = DecisionFilter(
        request.GET,
        queryset=selectors.decision_register_queryset(place=place),
        place=place,
        years=selectors.decision_years(place=place),
    )
    # An invalid filter value (another place's outcome id) lists nothing rather than everything.
    queryset = filterset.qs if filterset.is_valid() else DecisionAssessment.objects.none()
    page = Paginator(queryset, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "wellbeing/decision_list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_edit": user_can(request.user, "decision.edit", place),
        },
    )


@place_view("place.view")
def decision_summary(request: HttpRequest, place: Place) -> HttpResponse:
    years = selectors.decision_years(place=place)
    form = SummaryYearForm(request.GET or {"year": timezone.localdate().year}, years=years)
    year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
    return render(
        request,
        "wellbeing/decision_summary.html",
        {"form": form, "summary": selectors.decision_summary(place=place, year=year)},
    )


@place_view("place.view")
def decision_detail(request: HttpRequest, place: Place, decision_pk: int) -> HttpResponse:
    assessment = selectors.decision_for_page(place=place, pk=decision_pk)
    return _detail(request, place, assessment)


def _detail(request: HttpRequest, place: Place, assessment: DecisionAssessment, *, decide_form=None, status=200):
    can_edit = user_can(request.user, "decision.edit", place)
    can_decide = user_can(request.user, "decision.decide", place)
    Status = DecisionAssessment.Status
    context = {
        "assessment": assessment,
        "effects": assessment.effect_list,
        "missing": services.missing_effects(assessment) if assessment.status == Status.DRAFT else [],
        "history": selectors.decision_history(assessment=assessment),
        "can_edit": can_edit and assessment.is_editable,
        "submit_form": VersionForm(assessment=assessment) if can_edit and assessment.status == Status.DRAFT else None,
        "decide_form": (decide_form or DecideForm(assessment=assessment))
        if can_decide and assessment.status == Status.SUBMITTED
        else None,
    }
    return render(request, "wellbeing/decision_detail.html", context, status=status)


@place_view("decision.edit", methods=("GET", "POST"))
def decision_create(request: HttpRequest, place: Place) -> HttpResponse:
    form = DecisionAssessmentForm(request.POST or None, place=place, initial={"owner": request.user.pk})
    effects = effect_formset(request.POST or None, place=place)
    if request.method == "POST" and form.is_valid() and effects.is_valid():
        assessment = services.decision_assessment_create(place=place, user=request.user, form=form, effects=effects)
        messages.success(request, f"‘{assessment.title}’ was saved as a draft.")
        return redirect("wellbeing:decision_detail", place_slug=place.slug, decision_pk=assessment.pk)
    return render(request, "wellbeing/decision_form.html", {"form": form, "effects": effects, "assessment": None})


@place_view("decision.edit", methods=("GET", "POST"))
def decision_edit(request: HttpRequest, place: Place, decision_pk: int) -> HttpResponse:
    assessment = selectors.decision_for_edit(place=place, pk=decision_pk)
    if assessment.is_decided:
        return _refused(request, place, assessment, services.decided_message(assessment))
    form = DecisionAssessmentForm(request.POST or None, instance=assessment, place=place)
    effects = effect_formset(request.POST or None, place=place, assessment=assessment)
    conflict = False
    if request.method == "POST" and form.is_valid() and effects.is_valid():
        try:
            services.decision_assessment_update(place=place, user=request.user, form=form, effects=effects)
        except services.DecisionRefused as refusal:
            return _refused(request, place, assessment, str(refusal))
        except EditConflict as error:
            conflict = True
            form, effects = _rebound_at_current_version(request, place, error.current)
        else:
            messages.success(request, f"Your changes to ‘{assessment.title}’ were saved.")
            return redirect("wellbeing:decision_detail", place_slug=place.slug, decision_pk=assessment.pk)
    return render(
        request,
        "wellbeing/decision_form.html",
        {"form": form, "effects": effects, "assessment": assessment, "conflict": conflict},
    )


def _rebound_at_current_version(request: HttpRequest, place: Place, current: DecisionAssessment):
    """The person's own input, kept, with a message saying who saved in the meantime. The version
    becomes the one saved now, so saving again is a deliberate overwrite, not a silent one."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = DecisionAssessmentForm(data, instance=current, place=place)
    effects = effect_formset(data, place=place, assessment=current)
    form.is_valid()
    effects.is_valid()
    form.add_error(
        None,
        f"{last_editor(current)} saved changes to this assessment while you were editing it, so your changes "
        "have not been saved. They are still in the form below. Check the assessment’s page (it opens in a new "
        "tab) to see what changed, then save again to replace their version with yours.",
    )
    return form, effects


@place_view("decision.edit", methods=("POST",))
def decision_submit(request: HttpRequest, place: Place, decision_pk: int) -> HttpResponse:
    assessment = selectors.decision_for_edit(place=place, pk=decision_pk)
    form = VersionForm(request.POST, assessment=assessment)
    form.is_valid()  # the version is optional: a missing one is not compared
    try:
        services.decision_assessment_submit(
            place=place, user=request.user, assessment=assessment, expected_version=form.cleaned_data.get("version")
        )
    except services.DecisionRefused as refusal:
        return _refused(request, place, assessment, str(refusal))
    except EditConflict as error:
        return _refused(request, place, assessment, _changed_message(error.current))
    messages.success(request, f"‘{assessment.title}’ was submitted for decision.")
    return redirect("wellbeing:decision_detail", place_slug=place.slug, decision_pk=assessment.pk)


@place_view("decision.decide", methods=("POST",))
def decision_decide(request: HttpRequest, place: Place, decision_pk: int) -> HttpResponse:
    assessment = selectors.decision_for_page(place=place, pk=decision_pk)
    refusal = services.decide_refusal(assessment)
    if refusal:  # said before the form is read: the page has no decision form to show errors on
        return _refused(request, place, assessment, refusal)
    form = DecideForm(request.POST, assessment=assessment)
    if not form.is_valid():
        return _detail(request, place, assessment, decide_form=form)
    try:
        services.decision_assessment_decide(
            place=place,
            user=request.user,
            assessment=assessment,
            expected_version=form.cleaned_data.get("version"),
            decision=form.cleaned_data["decision"],
            decision_date=form.cleaned_data["decision_date"],
            decision_maker=form.cleaned_data["decision_maker"],
            decision_notes=form.cleaned_data["decision_notes"],
        )
    except services.DecisionRefused as refusal:
        return _refused(request, place, assessment, str(refusal))
    except EditConflict as error:
        return _refused(request, place, assessment, _changed_message(error.current))
    messages.success(request, f"The decision on ‘{assessment.title}’ was recorded.")
    return redirect("wellbeing:decision_detail", place_slug=place.slug, decision_pk=assessment.pk)


def _changed_message(current: DecisionAssessment) -> str:
    return services.CHANGED_SINCE_OPENED.format(who=last_editor(current), title=current.title)


def _refused(request: HttpRequest, place: Place, assessment: DecisionAssessment, message: str) -> HttpResponse:
    """Back to the assessment's page, which says why (a refused change, not a missing page)."""
    messages.error(request, message)
    return redirect("wellbeing:decision_detail", place_slug=place.slug, decision_pk=assessment.pk)
