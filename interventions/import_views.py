"""Spreadsheet import pages: template, upload, preview, commit, progress.

Thin: resolve the place and the job, call a service in interventions/importing.py, render. Both
kinds of import (interventions, budget lines) use the same pages: the views below take the kind
from the URL, and what differs between kinds comes from importing.IMPORT_KINDS. A job of the other
kind is not found (404) at the other kind's addresses.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRefresh

from interventions import importing
from interventions.budget_resources import export_budget_lines
from interventions.import_forms import CommitForm, UploadForm
from interventions.models import ImportJob
from interventions.spreadsheets import SpreadsheetError
from wellbeing.access import object_get_for_place, place_view
from wellbeing.models import Place
from wellbeing.spreadsheets import FORMATS

PREVIEW_PAGE_SIZE = 100
IN_PROGRESS = (ImportJob.Status.CHECKING, ImportJob.Status.COMMITTING)
INTERVENTIONS = ImportJob.Kind.INTERVENTIONS
BUDGET_LINES = ImportJob.Kind.BUDGET_LINES


def _job(place: Place, import_pk: int, kind: str) -> ImportJob:
    # The file itself (up to 5 MB) is only read by the services.
    return object_get_for_place(ImportJob.objects.filter(kind=kind).defer("content"), place=place, pk=import_pk)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The pages, for any kind -------------------------------------------------------------------------------


def _template(request: HttpRequest, place: Place, kind: str) -> HttpResponse:
    file_format = request.GET.get("format", "xlsx")
    if file_format not in FORMATS:
        raise Http404("The template is CSV or XLSX.")
    return _attachment(*importing.import_kind(kind).template(place, file_format))


def _upload(request: HttpRequest, place: Place, kind: str) -> HttpResponse:
    import_kind = importing.import_kind(kind)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.import_job_create(
                place=place, user=request.user, upload=form.cleaned_data["file"], kind=kind
            )
        except SpreadsheetError as error:
            form.add_error("file", error.message)
        else:
            return redirect(import_kind.url_preview, place.slug, job.pk)
    recent = (
        ImportJob.objects.for_place(place)
        .filter(kind=kind)
        .select_related("uploaded_by")
        .defer("content", "preview")[:5]
    )
    return render(
        request,
        "interventions/import_upload.html",
        {"form": form, "kind": import_kind, "allowed": import_kind.allowed_values(place), "recent": recent},
    )


def _preview(request: HttpRequest, place: Place, import_pk: int, kind: str) -> HttpResponse:
    job = _job(place, import_pk, kind)
    return _preview_page(request, job, CommitForm(job=job))


def _preview_page(request: HttpRequest, job: ImportJob, form: CommitForm, status: int = 200) -> HttpResponse:
    problems_only = request.GET.get("show") == "problems"
    rows = importing.import_job_preview_rows(job, problems_only=problems_only)
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "kind": importing.import_kind(job),
        "form": form,
        "page": page,
        "problems_only": problems_only,
        "query": "show=problems" if problems_only else "",
        "counts": job.preview.get("counts", {}),
        "new_organisations": job.preview.get("new_organisations", []),
        "progress": importing.import_job_progress(job),
        "in_progress": job.status in IN_PROGRESS,
    }
    return render(request, "interventions/import_preview.html", context, status=status)


def _commit(request: HttpRequest, place: Place, import_pk: int, kind: str) -> HttpResponse:
    job = _job(place, import_pk, kind)
    preview_url = importing.import_kind(kind).url_preview
    if job.status != ImportJob.Status.READY:
        # A second click or a second tab: the first one is importing it, or has.
        return redirect(preview_url, place.slug, job.pk)
    form = CommitForm(request.POST, job=job)
    if form.is_valid():
        try:
            importing.import_job_commit(
                job=job, user=request.user, skip_problem_rows=form.cleaned_data["skip_problem_rows"]
            )
        except importing.ImportRefused as refusal:
            form.add_error("skip_problem_rows", refusal.message)
        else:
            job.refresh_from_db(fields=["status", "result", "error"])
            if job.status == ImportJob.Status.DONE:
                messages.success(request, importing.import_job_summary(job))
            return redirect(preview_url, place.slug, job.pk)
    return _preview_page(request, job, form, status=200)


def _progress(request: HttpRequest, place: Place, import_pk: int, kind: str) -> HttpResponse:
    """The progress line, polled by htmx; once the work is done, htmx reloads the whole page."""
    job = _job(place, import_pk, kind)
    if request.htmx and job.status not in IN_PROGRESS:
        return HttpResponseClientRefresh()
    return render(
        request,
        "interventions/import_progress.html",
        {"job": job, "progress": importing.import_job_progress(job), "in_progress": job.status in IN_PROGRESS},
    )


# --- Interventions: /places/<place_slug>/interventions/import/… ------------------------------------------

_INTERVENTIONS_PERMISSION = importing.IMPORT_KINDS[INTERVENTIONS].permission


@place_view(_INTERVENTIONS_PERMISSION)
def import_template(request: HttpRequest, place: Place) -> HttpResponse:
    return _template(request, place, INTERVENTIONS)


@place_view(_INTERVENTIONS_PERMISSION, methods=("GET", "POST"))
def import_upload(request: HttpRequest, place: Place) -> HttpResponse:
    return _upload(request, place, INTERVENTIONS)


@place_view(_INTERVENTIONS_PERMISSION)
def import_preview(request: HttpRequest, place: Place, import_pk: int) -> HttpResponse:
    return _preview(request, place, import_pk, INTERVENTIONS)


@place_view(_INTERVENTIONS_PERMISSION, methods=("POST",))
def import_commit(request: HttpRequest, place: Place, import_pk: int) -> HttpResponse:
    return _commit(request, place, import_pk, INTERVENTIONS)


@place_view(_INTERVENTIONS_PERMISSION)
def import_progress(request: HttpRequest, place: Place, import_pk: int) -> HttpResponse:
    return _progress(request, place, import_pk, INTERVENTIONS)


# --- Budget lines: /places/<place_slug>/budgets/import/… -------------------------------------------------

_BUDGET_PERMISSION = importing.IMPORT_KINDS[BUDGET_LINES].permission


@place_view(_BUDGET_PERMISSION)
def budget_import_template(request: HttpRequest, place: Place) -> HttpResponse:
    """The blank template; with ?layout=import, the place's budget lines in the import's columns."""
    if request.GET.get("layout") == "import":
        file_format = request.GET.get("format", "xlsx")
        if file_format not in FORMATS:
            raise Http404("The export is CSV or XLSX.")
        return _attachment(*export_budget_lines(place, file_format))
    return _template(request, place, BUDGET_LINES)


@place_view(_BUDGET_PERMISSION, methods=("GET", "POST"))
def budget_import_upload(request: HttpRequest, place: Place) -> HttpResponse:
    return _upload(request, place, BUDGET_LINES)


@place_view(_BUDGET_PERMISSION)
def budget_import_preview(request: HttpRequest, place: Place, budget_import_pk: int) -> HttpResponse:
    return _preview(request, place, budget_import_pk, BUDGET_LINES)


@place_view(_BUDGET_PERMISSION, methods=("POST",))
def budget_import_commit(request: HttpRequest, place: Place, budget_import_pk: int) -> HttpResponse:
    return _commit(request, place, budget_import_pk, BUDGET_LINES)


@place_view(_BUDGET_PERMISSION)
def budget_import_progress(request: HttpRequest, place: Place, budget_import_pk: int) -> HttpResponse:
    return _progress(request, place, budget_import_pk, BUDGET_LINES)
