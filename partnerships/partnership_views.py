"""Pages for a place's partnerships: the list, a partnership's page (members, delivery groups, the
outcomes no group covers, the picture, history), its forms, its members and its delivery groups.

A delivery group's dashboard and its interventions live in `interventions` (this app never imports
it): the group's page links to them by URL name."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from partnerships import partnership_selectors as selectors
from partnerships import partnership_services as services
from partnerships.models import DeliveryGroup, Membership, Partnership
from partnerships.partnership_charts import partnership_picture
from partnerships.partnership_exports import membership_export as write_member_list
from partnerships.partnership_forms import DeliveryGroupForm, MembershipForm, PartnershipForm
from wellbeing.access import place_view, user_can
from wellbeing.concurrency import EditConflict
from wellbeing.history import last_editor
from wellbeing.models import Place
from wellbeing.spreadsheets import FORMATS, XLSX

CONFLICT_MESSAGE = (
    "{who} saved changes to this {what} while you were editing it, so your changes have not been saved. "
    "They are still in the form below. Check the {page} (it opens in a new tab) to see what changed, then save "
    "again to replace their version with yours."
)


def _conflict_form(form_class, request: HttpRequest, current, *, what: str, page: str, **kwargs):
    """The person's own input again, now carrying the version saved meanwhile, so saving again is a
    deliberate overwrite, with a message saying who saved."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = form_class(data, instance=current, **kwargs)
    form.is_valid()
    form.add_error(None, CONFLICT_MESSAGE.format(who=last_editor(current), what=what, page=page))
    return form


# --- Partnerships ---------------------------------------------------------------------------------


@place_view("place.view")
def partnership_list(request: HttpRequest, place: Place) -> HttpResponse:
    return render(
        request,
        "partnerships/partnership_list.html",
        {
            "partnerships": selectors.partnership_list(place=place),
            "can_edit": user_can(request.user, "partnership.edit", place),
        },
    )


@place_view("place.view")
def partnership_detail(request: HttpRequest, place: Place, partnership_pk: int) -> HttpResponse:
    page = selectors.partnership_for_page(place=place, pk=partnership_pk)
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "page": page,
            "partnership": page.partnership,
            "picture": partnership_picture(page.groups),
            "history": selectors.partnership_history(partnership=page.partnership),
            "can_edit": user_can(request.user, "partnership.edit", place),
        },
    )


@place_view("partnership.edit", methods=("GET", "POST"))
def partnership_create(request: HttpRequest, place: Place) -> HttpResponse:
    return _partnership_form(request, place, partnership=None)


@place_view("partnership.edit", methods=("GET", "POST"))
def partnership_edit(request: HttpRequest, place: Place, partnership_pk: int) -> HttpResponse:
    return _partnership_form(request, place, partnership=selectors.partnership_get(place=place, pk=partnership_pk))


def _partnership_form(request: HttpRequest, place: Place, *, partnership: Partnership | None) -> HttpResponse:
    form = PartnershipForm(request.POST or None, instance=partnership, place=place)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.partnership_save(place=place, form=form)
        except EditConflict as error:
            conflict = True
            form = _conflict_form(
                PartnershipForm, request, error.current, what="partnership", page="partnership's page", place=place
            )
        except services.DuplicateName as refusal:
            form.add_error("name", str(refusal))
        else:
            messages.success(request, f"‘{saved.name}’ was saved.")
            return redirect("partnerships:partnership_detail", place_slug=place.slug, partnership_pk=saved.pk)
    return render(
        request,
        "partnerships/partnership_form.html",
        {"form": form, "partnership": partnership, "conflict": conflict},
    )


# --- Members --------------------------------------------------------------------------------------


@place_view("partnership.edit", methods=("GET", "POST"))
def membership_create(request: HttpRequest, place: Place, partnership_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(place=place, pk=partnership_pk)
    return _membership_form(request, place, partnership=partnership, membership=None)


@place_view("partnership.edit", methods=("GET", "POST"))
def membership_edit(request: HttpRequest, place: Place, partnership_pk: int, membership_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(place=place, pk=partnership_pk)
    membership = selectors.membership_get(partnership=partnership, pk=membership_pk)
    return _membership_form(request, place, partnership=partnership, membership=membership)


def _membership_form(
    request: HttpRequest, place: Place, *, partnership: Partnership, membership: Membership | None
) -> HttpResponse:
    form = MembershipForm(request.POST or None, instance=membership, partnership=partnership)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.membership_save(partnership=partnership, form=form)
        except EditConflict as error:
            conflict = True
            form = _conflict_form(
                MembershipForm,
                request,
                error.current,
                what="membership",
                page="partnership's page",
                partnership=partnership,
            )
        except services.DuplicateMembership as refusal:
            form.add_error(form.duplicate_field, str(refusal))
        except services.OverlappingMembership as refusal:
            form.add_error("joined_on", str(refusal))
        else:
            verb = "added to" if membership is None else "saved for"
            messages.success(request, f"{saved.organisation.name} was {verb} ‘{partnership.name}’.")
            url = reverse(
                "partnerships:partnership_detail", kwargs={"place_slug": place.slug, "partnership_pk": partnership.pk}
            )
            return redirect(f"{url}#members")
    return render(
        request,
        "partnerships/membership_form.html",
        {"form": form, "partnership": partnership, "membership": membership, "conflict": conflict},
    )


@place_view("place.view")
def membership_export(request: HttpRequest, place: Place, partnership_pk: int) -> HttpResponse:
    file_format = request.GET.get("format", XLSX)
    if file_format not in FORMATS:
        raise Http404("Member lists are CSV or XLSX.")
    partnership = selectors.partnership_get(place=place, pk=partnership_pk)
    content, content_type, filename = write_member_list(
        partnership=partnership,
        memberships=selectors.membership_export_rows(partnership=partnership),
        file_format=file_format,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Delivery groups ------------------------------------------------------------------------------


@place_view("place.view")
def group_detail(request: HttpRequest, place: Place, partnership_pk: int, group_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(place=place, pk=partnership_pk)
    group = selectors.group_get(partnership=partnership, pk=group_pk)
    return render(
        request,
        "partnerships/group_detail.html",
        {
            "group": group,
            "partnership": partnership,
            "history": selectors.group_history(group=group),
            "can_edit": user_can(request.user, "partnership.edit", place),
        },
    )


@place_view("partnership.edit", methods=("GET", "POST"))
def group_create(request: HttpRequest, place: Place, partnership_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(place=place, pk=partnership_pk)
    return _group_form(request, place, partnership=partnership, group=None)


@place_view("partnership.edit", methods=("GET", "POST"))
def group_edit(request: HttpRequest, place: Place, partnership_pk: int, group_pk: int) -> HttpResponse:
    partnership = selectors.partnership_get(place=place, pk=partnership_pk)
    group = selectors.group_get(partnership=partnership, pk=group_pk)
    return _group_form(request, place, partnership=partnership, group=group)


def _group_form(
    request: HttpRequest, place: Place, *, partnership: Partnership, group: DeliveryGroup | None
) -> HttpResponse:
    form = DeliveryGroupForm(request.POST or None, instance=group, partnership=partnership)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.group_save(partnership=partnership, form=form)
        except EditConflict as error:
            conflict = True
            form = _conflict_form(
                DeliveryGroupForm,
                request,
                error.current,
                what="delivery group",
                page="group's page",
                partnership=partnership,
            )
        except services.DuplicateName as refusal:
            form.add_error("name", str(refusal))
        else:
            messages.success(request, f"The delivery group ‘{saved.name}’ was saved.")
            return redirect(
                "partnerships:group_detail", place_slug=place.slug, partnership_pk=partnership.pk, group_pk=saved.pk
            )
    return render(
        request,
        "partnerships/group_form.html",
        {"form": form, "partnership": partnership, "group": group, "conflict": conflict},
    )
