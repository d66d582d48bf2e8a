"""The intervention map's pages: the register, an intervention's page, and its edit form."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

from interventions import group_selectors, selectors, services
from interventions.filters import InterventionFilter
from interventions.forms import InterventionForm, contribution_formset
from interventions.models import Contribution, Intervention
from interventions.resources import export_interventions
from wellbeing.access import place_view, user_can
from wellbeing.concurrency import EditConflict
from wellbeing.freshness import stale_before
from wellbeing.history import last_editor
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
    # Ties (many rows share a status or kind) are broken by id, so no row repeats or goes missing
    # between pages.
    queryset = queryset.order_by(*queryset.query.order_by, "pk").prefetch_related(
        group_selectors.place_assignments_prefetch(place=place)
    )
    page = Paginator(queryset, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    can_assign = user_can(request.user, "group.assign", place)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "sort": filterset.form.cleaned_data.get("sort") if filterset.is_valid() else None,
        "can_edit": user_can(request.user, "intervention.edit", place),
        "can_import": user_can(request.user, "intervention.import", place),
        "stale_before": stale_before(),
        # The bulk assignment (interventions/group_views.py) sits with the results, so it follows
        # every filter change; it returns to this very list.
        "can_assign": can_assign,
        "assign_groups": list(group_selectors.delivery_groups_for_place(place=place)) if can_assign else [],
        "filtered_group": filterset.form.cleaned_data.get("group") if filterset.is_valid() else None,
        "next": request.get_full_path(),
    }
    # htmx asks for the results alone, except when it restores a page from history (back button
    # after its cache is gone): then it needs the whole page.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "interventions/_register_results.html" if partial else "interventions/register.html"
    response = render(request, template, {**context, "partial": partial})
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


@place_view("place.view")
def register_export(request: HttpRequest, place: Place) -> HttpResponse:
    file_format = request.GET.get("format", "xlsx")
    if file_format not in {"csv", "xlsx"}:
        raise Http404("Exports are CSV or XLSX.")
    filterset = _register_filter(request, place)
    queryset = filterset.qs if filterset.is_valid() else Intervention.objects.none()
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
    conflict = False
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
                conflict = True
                form, formset = _rebound_at_current_versions(request, place, intervention, formset_class, error)
            except services.LinksClash as error:
                formset.non_form_errors().append(str(error))
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


def _rebound_at_current_versions(request, place, intervention, formset_class, error: EditConflict):
    """The person's own input, kept, with a message saying who saved in the meantime. The versions
    become the ones saved now, so saving again (after reading the other change) is a deliberate
    overwrite rather than a silent one."""
    data = request.POST.copy()
    current = Intervention.objects.get(pk=intervention.pk)
    data["version"] = str(current.version)
    versions = dict(Contribution.objects.filter(intervention=current).for_place(place).values_list("pk", "version"))
    for index in range(int(data.get("contributions-TOTAL_FORMS") or 0)):
        pk = data.get(f"contributions-{index}-id")
        if pk and pk.isdigit() and int(pk) in versions:
            data[f"contributions-{index}-version"] = str(versions[int(pk)])
    form = None if current.is_shared_national else InterventionForm(data, instance=current, place=place)
    formset = formset_class(data, instance=current, place=place, prefix="contributions")
    message = (
        f"{last_editor(error.current)} saved changes to this intervention while you were editing it, so your "
        "changes have not been saved. They are still in the form below. Check the intervention’s page (it opens "
        "in a new tab) to see what changed, then save again to replace their version with yours."
    )
    formset.is_valid()
    if form is None:
        formset.non_form_errors().append(message)
    else:
        form.is_valid()
        form.add_error(None, message)
    return form, formset
