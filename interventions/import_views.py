"""Spreadsheet import pages: template, upload, preview, commit, progress.

Thin: resolve the place and the job, call a service in interventions/importing.py, render.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRefresh

from interventions import importing
from interventions.import_forms import CommitForm, UploadForm
from interventions.models import ImportJob
from interventions.resources import allowed_values
from interventions.resources import import_template as template_file
from interventions.spreadsheets import SpreadsheetError
from wellbeing.access import object_get_for_place, place_view
from wellbeing.models import Place
from wellbeing.spreadsheets import FORMATS

PREVIEW_PAGE_SIZE = 100
IN_PROGRESS = (ImportJob.Status.CHECKING, ImportJob.Status.COMMITTING)


def _job(place: Place, import_pk: int) -> ImportJob:
    # The file itself (up to 5 MB) is only read by the services.
    return object_get_for_place(ImportJob.objects.defer("content"), place=place, pk=import_pk)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@place_view("intervention.import")
def import_template(request: HttpRequest, place: Place) -> HttpResponse:
    file_format = request.GET.get("format", "xlsx")
    if file_format not in FORMATS:
        raise Http404("The template is CSV or XLSX.")
    return _attachment(*template_file(place, file_format))


@place_view("intervention.import", methods=("GET", "POST"))
def import_upload(request: HttpRequest, place: Place) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.import_job_create(place=place, user=request.user, upload=form.cleaned_data["file"])
        except SpreadsheetError as error:
            form.add_error("file", error.message)
        else:
            return redirect("interventions:import_preview", place_slug=place.slug, import_pk=job.pk)
    recent = ImportJob.objects.for_place(place).select_related("uploaded_by").defer("content", "preview")[:5]
    return render(
        request,
        "interventions/import_upload.html",
        {"form": form, "allowed": allowed_values(place), "recent": recent},
    )


@place_view("intervention.import")
def import_preview(request: HttpRequest, place: Place, import_pk: int) -> HttpResponse:
    job = _job(place, import_pk)
    return _preview_page(request, job, CommitForm(job=job))


def _preview_page(request: HttpRequest, job: ImportJob, form: CommitForm, status: int = 200) -> HttpResponse:
    problems_only = request.GET.get("show") == "problems"
    rows = importing.import_job_preview_rows(job, problems_only=problems_only)
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "job": job,
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


@place_view("intervention.import", methods=("POST",))
def import_commit(request: HttpRequest, place: Place, import_pk: int) -> HttpResponse:
    job = _job(place, import_pk)
    if job.status != ImportJob.Status.READY:
        # A second click or a second tab: the first one is importing it, or has.
        return redirect("interventions:import_preview", place_slug=place.slug, import_pk=job.pk)
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
            return redirect("interventions:import_preview", place_slug=place.slug, import_pk=job.pk)
    return _preview_page(request, job, form, status=200)


@place_view("intervention.import")
def import_progress(request: HttpRequest, place: Place, import_pk: int) -> HttpResponse:
    """The progress line, polled by htmx; once the work is done, htmx reloads the whole page."""
    job = _job(place, import_pk)
    if request.htmx and job.status not in IN_PROGRESS:
        return HttpResponseClientRefresh()
    return render(
        request,
        "interventions/import_progress.html",
        {"job": job, "progress": importing.import_job_progress(job), "in_progress": job.status in IN_PROGRESS},
    )
