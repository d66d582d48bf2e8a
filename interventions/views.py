"""The intervention map's pages: the register, an intervention's page, and its edit form."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from interventions import selectors, services
from interventions.filters import InterventionFilter
from interventions.forms import InterventionForm, contribution_formset
from interventions.models import Intervention
from wellbeing.access import place_view, user_can
from wellbeing.concurrency import EditConflict
from wellbeing.freshness import stale_before
from wellbeing.models import Place

REGISTER_PAGE_SIZE = 25


def _register_filter(request: HttpRequest, place: Place) -> InterventionFilter:
    data = request.GET.copy()
    data.setdefault("sort", "title")
    return InterventionFilter(data, queryset=selectors.register_queryset(place=place), place=place)


@place_view("place.view")
def register(request: HttpRequest, place: Place) -> HttpResponse:
    filterset = _register_filter(request, place)
    # An invalid filter value (say, another place's outcome id) lists nothing rather than everything.
    queryset = filterset.qs if filterset.is_valid() else Intervention.objects.none()
    page = Paginator(queryset, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "sort": filterset.form.cleaned_data.get("sort") if filterset.is_valid() else None,
        "can_edit": user_can(request.user, "intervention.edit", place),
        "can_import": user_can(request.user, "intervention.import", place),
        "stale_before": stale_before(),
    }
    template = "interventions/_register_results.html" if request.htmx else "interventions/register.html"
    return render(request, template, context)


@place_view("place.view")
def register_export(request: HttpRequest, place: Place) -> HttpResponse:
    file_format = request.GET.get("format", "xlsx")
    if file_format not in {"csv", "xlsx"}:
        raise Http404("Exports are CSV or XLSX.")
    filterset = _register_filter(request, place)
    queryset = filterset.qs if filterset.is_valid() else Intervention.objects.none()
    from interventions.resources import export_interventions  # TEMP until the import work lands

    content, content_type, filename = export_interventions(queryset, place=place, file_format=file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@place_view("place.view")
def intervention_detail(request: HttpRequest, place: Place, intervention_pk: int) -> HttpResponse:
    intervention = selectors.intervention_for_page(place=place, pk=intervention_pk)
    return render(
        request,
        "interventions/detail.html",
        {
            "intervention": intervention,
            "contributions": intervention.place_contributions,
            "history": selectors.intervention_history(intervention=intervention, place=place),
            "can_edit": user_can(request.user, "intervention.edit", place),
            "stale_before": stale_before(),
        },
    )


@place_view("intervention.edit", methods=("GET", "POST"))
def intervention_create(request: HttpRequest, place: Place) -> HttpResponse:
    formset_class = contribution_formset(extra=2)
    if request.method == "POST":
        form = InterventionForm(request.POST, place=place)
        formset = formset_class(request.POST, instance=Intervention(), place=place, prefix="contributions")
        if form.is_valid() and formset.is_valid():
            intervention = services.intervention_create(place=place, user=request.user, form=form, formset=formset)
            messages.success(request, f"‘{intervention.title}’ was added as {intervention.reference}.")
            return redirect(intervention.get_absolute_url_in(place))
    else:
        form = InterventionForm(place=place, initial={"owner": request.user.pk, "level": Intervention.Level.LOCAL})
        formset = formset_class(instance=Intervention(), place=place, prefix="contributions")
    return render(request, "interventions/form.html", {"form": form, "formset": formset, "intervention": None})


@place_view("intervention.edit", methods=("GET", "POST"))
def intervention_edit(request: HttpRequest, place: Place, intervention_pk: int) -> HttpResponse:
    intervention = selectors.intervention_for_edit(place=place, pk=intervention_pk)
    shared = intervention.is_shared_national
    formset_class = contribution_formset(extra=1)
    conflict = None
    if request.method == "POST":
        form = None if shared else InterventionForm(request.POST, instance=intervention, place=place)
        formset = formset_class(request.POST, instance=intervention, place=place, prefix="contributions")
        if (form is None or form.is_valid()) and formset.is_valid():
            try:
                if shared:
                    services.national_contributions_update(
                        place=place, user=request.user, intervention=intervention, formset=formset
                    )
                else:
                    services.intervention_update(place=place, user=request.user, form=form, formset=formset)
            except EditConflict as error:
                conflict = error.current
                form = _conflicted_form(request, place=place, intervention=intervention, current=conflict)
            else:
                messages.success(request, f"Your changes to ‘{intervention.title}’ were saved.")
                return redirect(intervention.get_absolute_url_in(place))
    else:
        form = None if shared else InterventionForm(instance=intervention, place=place)
        formset = formset_class(instance=intervention, place=place, prefix="contributions")
    return render(
        request,
        "interventions/form.html",
        {"form": form, "formset": formset, "intervention": intervention, "conflict": conflict},
    )


def _conflicted_form(request: HttpRequest, *, place: Place, intervention: Intervention, current) -> InterventionForm:
    """The person's own input, kept, with an error saying what happened. Its version becomes the
    one now saved, so saving again (after reading the other change) is a deliberate overwrite."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = InterventionForm(data, instance=Intervention.objects.get(pk=intervention.pk), place=place)
    form.is_valid()
    who = _last_editor(current)
    form.add_error(
        None,
        f"{who} saved this intervention while you were editing it, so your changes have not been saved. "
        "Your changes are still in the form below. Check the intervention’s page (it opens in a new tab) "
        "to see what they changed, then save again to replace their version with yours.",
    )
    return form


def _last_editor(intervention: Intervention) -> str:
    last = intervention.history.select_related("history_user").order_by("-history_date").first()
    if last is None or last.history_user is None:
        return "Someone else"
    user = last.history_user
    when = timezone.localtime(last.history_date).strftime("%H:%M")
    return f"{user.get_full_name() or user.username} (at {when})"
