"""Delivery groups' pages on the intervention side: assigning interventions to a group (the
register's bulk action, also used by the group's dashboard), the group's dashboard, and the export
of a partnership's assignments. The group's own page lives in partnerships and links here."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse

from interventions import group_selectors
from interventions.gap_analysis import COVERAGE_FORMULA
from interventions.group_exports import assignments_export
from interventions.group_forms import REMOVE, GroupAssignForm
from interventions.group_services import (
    AssignmentRefused,
    AssignmentResult,
    group_assignments_add,
    group_assignments_remove,
)
from wellbeing.access import place_view, user_can
from wellbeing.models import Place
from wellbeing.spreadsheets import FORMATS, XLSX


def _back(next_url: str, place: Place) -> str:
    """Where to go after the action: the page it came from (the filtered register, a dashboard),
    when that is a page of this place on this site that can be opened; the register otherwise.
    Never another site, another place, or an address that is not one of our pages."""
    default = reverse("interventions:register", kwargs={"place_slug": place.slug})
    if not next_url or any(ord(character) < 32 for character in next_url) or "\\" in next_url:
        return default
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc or not parts.path.startswith(f"/places/{place.slug}/"):
        return default
    try:
        match = resolve(parts.path)
    except Resolver404:
        return default
    policy = getattr(match.func, "access_policy", None)
    if match.kwargs.get("place_slug") != place.slug or policy is None or "GET" not in policy.methods:
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _interventions(count: int) -> str:
    return f"{count} intervention{'' if count == 1 else 's'}"


def _were(count: int) -> str:
    return f"{_interventions(count)} {'was' if count == 1 else 'were'}"


def assigned_message(result: AssignmentResult) -> str:
    """For example: "3 interventions assigned to ‘Fair work’. 1 intervention was already in it."."""
    if not result.changed:
        selected = "the selected intervention was" if result.unchanged == 1 else f"all {_were(result.unchanged)}"
        return f"Nothing changed: {selected} already in ‘{result.group.name}’."
    message = f"{_interventions(result.changed)} assigned to ‘{result.group.name}’."
    return message + (f" {_were(result.unchanged)} already in it." if result.unchanged else "")


def removed_message(result: AssignmentResult) -> str:
    """For example: "2 interventions removed from ‘Fair work’. 1 intervention was not in it."."""
    if not result.changed:
        return f"Nothing changed: none of the selected interventions was in ‘{result.group.name}’."
    message = f"{_interventions(result.changed)} removed from ‘{result.group.name}’."
    return message + (f" {_were(result.unchanged)} not in it." if result.unchanged else "")


@place_view("group.assign", methods=("POST",))
def group_assign(request: HttpRequest, place: Place) -> HttpResponse:
    form = GroupAssignForm(request.POST, place=place)
    back = _back(request.POST.get("next", ""), place)
    if not form.is_valid():
        messages.error(request, form.refusal())
        return redirect(back)
    data = form.cleaned_data
    remove = data["action"] == REMOVE
    service = group_assignments_remove if remove else group_assignments_add
    try:
        result = service(place=place, user=request.user, group=data["group"], interventions=data["interventions"])
    except AssignmentRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, removed_message(result) if remove else assigned_message(result))
    return redirect(back)


@place_view("place.view")
def group_dashboard(request: HttpRequest, place: Place, group_pk: int) -> HttpResponse:
    group = group_selectors.group_get_for_place(place=place, pk=group_pk)
    dashboard = group_selectors.group_dashboard(place=place, group=group)
    return render(
        request,
        "interventions/group_dashboard.html",
        {
            "group": group,
            "dashboard": dashboard,
            "formula": COVERAGE_FORMULA,
            "can_assign": user_can(request.user, "group.assign", place),
            "next": request.get_full_path(),
        },
    )


@place_view("place.view")
def assignment_export(request: HttpRequest, place: Place, partnership_pk: int) -> HttpResponse:
    file_format = request.GET.get("format", XLSX)
    if file_format not in FORMATS:
        raise Http404("Exports are CSV or XLSX.")
    partnership = group_selectors.partnership_get_for_place(place=place, pk=partnership_pk)
    rows = group_selectors.partnership_assignments(place=place, partnership=partnership)
    content, content_type, filename = assignments_export(
        rows, place=place, partnership=partnership, file_format=file_format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
