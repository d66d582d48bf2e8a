"""The organisations directory of a place: search, filters, and adding or changing the place's own
organisations. An organisation's page, which shows the interventions it leads and supports,
lives in interventions/organisation_views.py (partnerships never imports interventions: the
links to it below are URL names)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from partnerships import organisation_selectors as selectors
from partnerships import organisation_services as services
from partnerships.models import Organisation
from partnerships.organisation_filters import OrganisationFilter
from partnerships.organisation_forms import OrganisationForm
from wellbeing.access import place_view, user_can
from wellbeing.concurrency import EditConflict
from wellbeing.history import last_editor
from wellbeing.models import Place

DIRECTORY_PAGE_SIZE = 25


@place_view("place.view")
def organisation_list(request: HttpRequest, place: Place) -> HttpResponse:
    filterset = OrganisationFilter(request.GET, queryset=selectors.organisation_directory_queryset(place=place))
    # An invalid filter value lists nothing rather than everything.
    queryset = filterset.qs if filterset.is_valid() else Organisation.objects.none()
    queryset = queryset.order_by(*queryset.query.order_by, "pk")  # ties broken by id between pages
    page = Paginator(queryset, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnerships/organisation_list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "sort": (filterset.form.cleaned_data.get("sort") if filterset.is_valid() else None) or ["name"],
            "filtered": any(value for key, value in request.GET.items() if key not in {"page", "sort"}),
            "can_edit": user_can(request.user, "organisation.edit", place),
        },
    )


@place_view("organisation.edit", methods=("GET", "POST"))
def organisation_create(request: HttpRequest, place: Place) -> HttpResponse:
    return _organisation_form(request, place, organisation=None)


@place_view("organisation.edit", methods=("GET", "POST"))
def organisation_edit(request: HttpRequest, place: Place, organisation_pk: int) -> HttpResponse:
    organisation = selectors.organisation_for_edit(place=place, pk=organisation_pk)
    return _organisation_form(request, place, organisation=organisation)


def _organisation_form(request: HttpRequest, place: Place, *, organisation: Organisation | None) -> HttpResponse:
    form = OrganisationForm(request.POST or None, instance=organisation, place=place)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.organisation_save(place=place, form=form)
        except EditConflict as error:
            conflict = True
            form = _rebound_at_current_version(request, place, error.current)
        except services.DuplicateOrganisation as error:
            form.refuse_duplicate(error.existing, error.name)
        else:
            if organisation is None:
                messages.success(request, f"‘{saved.name}’ was added to the directory.")
            else:
                messages.success(request, f"Your changes to ‘{saved.name}’ were saved.")
            return redirect("interventions:organisation_detail", place_slug=place.slug, organisation_pk=saved.pk)
    return render(
        request,
        "partnerships/organisation_form.html",
        {"form": form, "organisation": organisation, "conflict": conflict},
    )


def _rebound_at_current_version(request: HttpRequest, place: Place, current: Organisation) -> OrganisationForm:
    """The person's own input, kept, with a message saying who saved in the meantime. The version
    becomes the one saved now, so saving again is a deliberate overwrite, not a silent one."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = OrganisationForm(data, instance=current, place=place)
    form.is_valid()
    form.add_error(
        None,
        f"{last_editor(current)} saved changes to this organisation while you were editing it, so your changes "
        "have not been saved. They are still in the form below. Check the organisation’s page (it opens in a new "
        "tab) to see what changed, then save again to replace their version with yours.",
    )
    return form
