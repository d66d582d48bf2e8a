"""Charter pages: the place's charters, a charter's progress (its commitments, signatories, charts
and history), its form with the commitments, the signatory form, and the signatories' download."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from partnerships import charter_selectors as selectors
from partnerships import charter_services as services
from partnerships.charter_charts import commitments_met, signatories_over_time
from partnerships.charter_exports import signatory_export as signatory_spreadsheet
from partnerships.charter_forms import CharterForm, SignatoryForm, commitment_formset, error_links
from partnerships.models import Charter, Signatory
from wellbeing.access import place_view, user_can
from wellbeing.concurrency import EditConflict
from wellbeing.history import last_editor
from wellbeing.models import Place
from wellbeing.spreadsheets import FORMATS, XLSX

CONFLICT_MESSAGE = (
    "{who} saved changes to this {what} while you were editing it, so your changes have not been saved. "
    "They are still in the form below. Check the charter's page (it opens in a new tab) to see what changed, "
    "then save again to replace their version with yours."
)


def _detail_url(place: Place, charter: Charter, anchor: str = "") -> str:
    url = reverse("partnerships:charter_detail", kwargs={"place_slug": place.slug, "charter_pk": charter.pk})
    return f"{url}#{anchor}" if anchor else url


# --- Charters -------------------------------------------------------------------------------------


@place_view("place.view")
def charter_list(request: HttpRequest, place: Place) -> HttpResponse:
    return render(
        request,
        "partnerships/charter_list.html",
        {"charters": selectors.charter_list(place=place), "can_edit": user_can(request.user, "charter.edit", place)},
    )


@place_view("place.view")
def charter_detail(request: HttpRequest, place: Place, charter_pk: int) -> HttpResponse:
    charter = selectors.charter_get(place=place, pk=charter_pk)
    progress = selectors.charter_progress(charter=charter)
    charts = [chart for chart in (signatories_over_time(progress), commitments_met(progress)) if chart]
    return render(
        request,
        "partnerships/charter_detail.html",
        {
            "charter": charter,
            "progress": progress,
            "charts": charts,
            "history": selectors.charter_history(charter=charter),
            "can_edit": user_can(request.user, "charter.edit", place),
        },
    )


@place_view("charter.edit", methods=("GET", "POST"))
def charter_create(request: HttpRequest, place: Place) -> HttpResponse:
    form = CharterForm(request.POST or None, place=place)
    if request.method == "POST" and form.is_valid():
        try:
            charter = services.charter_create(place=place, form=form)
        except services.CharterRefused as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            messages.success(request, f"The charter ‘{charter.name}’ was added.")
            return redirect(_detail_url(place, charter))
    return render(
        request, "partnerships/charter_form.html", {"form": form, "charter": None, "error_links": error_links(form)}
    )


@place_view("charter.edit", methods=("GET", "POST"))
def charter_edit(request: HttpRequest, place: Place, charter_pk: int) -> HttpResponse:
    charter = selectors.charter_get(place=place, pk=charter_pk)
    form = CharterForm(request.POST or None, instance=charter, place=place)
    formset = commitment_formset(request.POST or None, charter=charter)
    conflict = False
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.charter_update(place=place, form=form, commitments=formset.changes())
        except EditConflict as error:
            conflict = True
            form, formset = _charter_rebound(request, place, error.current)
        except services.CharterRefused as refusal:
            if refusal.field:
                form.add_error(refusal.field, str(refusal))
            else:
                formset.non_form_errors().append(str(refusal))
        else:
            messages.success(request, f"Your changes to ‘{form.instance.name}’ were saved.")
            return redirect(_detail_url(place, charter))
    return render(
        request,
        "partnerships/charter_form.html",
        {
            "form": form,
            "formset": formset,
            "charter": charter,
            "conflict": conflict,
            "error_links": error_links(form, formset),
        },
    )


def _charter_rebound(request: HttpRequest, place: Place, current: Charter):
    """The person's own input, kept, now carrying the version saved since: saving again is a
    deliberate overwrite, not a silent one."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = CharterForm(data, instance=current, place=place)
    formset = commitment_formset(data, charter=current)
    form.is_valid()
    formset.is_valid()
    form.add_error(None, CONFLICT_MESSAGE.format(who=last_editor(current), what="charter"))
    return form, formset


# --- Signatories ----------------------------------------------------------------------------------


@place_view("charter.edit", methods=("GET", "POST"))
def signatory_create(request: HttpRequest, place: Place, charter_pk: int) -> HttpResponse:
    charter = selectors.charter_get(place=place, pk=charter_pk)
    form = SignatoryForm(request.POST or None, place=place, charter=charter)
    if request.method == "POST" and form.is_valid():
        try:
            signatory = services.signatory_create(charter=charter, form=form)
        except services.CharterRefused as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            messages.success(request, f"{signatory.organisation.name} was added as a signatory.")
            return redirect(_detail_url(place, charter, "signatories"))
    return _signatory_page(request, form, charter=charter, signatory=None)


@place_view("charter.edit", methods=("GET", "POST"))
def signatory_edit(request: HttpRequest, place: Place, charter_pk: int, signatory_pk: int) -> HttpResponse:
    charter = selectors.charter_get(place=place, pk=charter_pk)
    signatory = selectors.signatory_get(charter=charter, pk=signatory_pk)
    form = SignatoryForm(request.POST or None, instance=signatory, place=place, charter=charter)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.signatory_update(charter=charter, form=form)
        except EditConflict as error:
            conflict = True
            form = _signatory_rebound(request, place, charter, error.current)
        except services.CharterRefused as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            messages.success(request, f"Your changes to {form.instance.organisation.name}'s signature were saved.")
            return redirect(_detail_url(place, charter, "signatories"))
    return _signatory_page(request, form, charter=charter, signatory=signatory, conflict=conflict)


def _signatory_rebound(request: HttpRequest, place: Place, charter: Charter, current: Signatory) -> SignatoryForm:
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = SignatoryForm(data, instance=current, place=place, charter=charter)
    form.is_valid()
    form.add_error(None, CONFLICT_MESSAGE.format(who=last_editor(current), what="signature"))
    return form


def _signatory_page(
    request: HttpRequest,
    form: SignatoryForm,
    *,
    charter: Charter,
    signatory: Signatory | None,
    conflict: bool = False,
) -> HttpResponse:
    return render(
        request,
        "partnerships/signatory_form.html",
        {
            "form": form,
            "charter": charter,
            "signatory": signatory,
            "conflict": conflict,
            "error_links": error_links(form),
        },
    )


@place_view("place.view")
def signatory_export(request: HttpRequest, place: Place, charter_pk: int) -> HttpResponse:
    file_format = request.GET.get("format", XLSX)
    if file_format not in FORMATS:
        raise Http404("Exports are CSV or XLSX.")
    charter = selectors.charter_get(place=place, pk=charter_pk)
    content, content_type, filename = signatory_spreadsheet(
        selectors.charter_progress(charter=charter), file_format=file_format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
