"""Gap analysis reports: ask for one, watch it being written, download it.

Thin: resolve the place, call interventions/gap_reports.py, render. Reports are personal: a
person sees and downloads only their own, and another person's report is 404 like another place's.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRefresh

from interventions.gap_reports import (
    RECENT_REPORTS,
    filters_in_words,
    gap_report_get_for_person,
    gap_report_request,
    gap_reports_for_person,
    normalised_query,
)
from interventions.models import GapReport
from interventions.report_forms import GapReportForm
from wellbeing.access import place_view
from wellbeing.models import Place
from wellbeing.spreadsheets import CONTENT_TYPES


def _recent(request: HttpRequest, place: Place) -> list[GapReport]:
    return list(gap_reports_for_person(place=place, user=request.user)[:RECENT_REPORTS])


@place_view("gaps.report", methods=("GET", "POST"))
def gap_reports(request: HttpRequest, place: Place) -> HttpResponse:
    """The person's recent reports, and the form asking for one with the gap analysis filters
    (given in the query string, as the gap analysis page has them)."""
    if request.method == "POST":
        form = GapReportForm(request.POST)
        if form.is_valid():
            report = gap_report_request(place=place, user=request.user, **form.cleaned_data)
            if report.status == GapReport.Status.FAILED:
                messages.error(request, report.error)
            # Back to the list, keeping the filters for the next report.
            url = reverse("interventions:gap_reports", kwargs={"place_slug": place.slug})
            return redirect(f"{url}?{report.query}" if report.query else url)
    else:
        form = GapReportForm(
            initial={"file_format": GapReport.Format.XLSX, "query": normalised_query(request.GET.urlencode())}
        )
    query = normalised_query(form["query"].value() or "")
    reports = _recent(request, place)
    context = {
        "form": form,
        "query": query,
        "filters_description": filters_in_words(place, query),
        "reports": reports,
        "unfinished": [report for report in reports if not report.is_finished],
    }
    return render(request, "interventions/gap_reports.html", context)


@place_view("gaps.report")
def gap_reports_progress(request: HttpRequest, place: Place) -> HttpResponse:
    """The progress lines, polled by htmx; once nothing is being written, htmx reloads the page.
    Opened as a page of its own (a bookmark, no JavaScript), it is the list of reports."""
    if not request.htmx:
        return redirect("interventions:gap_reports", place_slug=place.slug)
    unfinished = [report for report in _recent(request, place) if not report.is_finished]
    if request.htmx and not unfinished:
        return HttpResponseClientRefresh()
    return render(request, "interventions/_gap_reports_progress.html", {"unfinished": unfinished})


@place_view("gaps.report")
def gap_report_download(request: HttpRequest, place: Place, report_pk: int) -> HttpResponse:
    report = gap_report_get_for_person(place=place, user=request.user, pk=report_pk)
    if report is None or report.status != GapReport.Status.DONE:
        raise Http404("No such report of yours in this place, or it is not ready.")
    response = HttpResponse(bytes(report.content), content_type=CONTENT_TYPES[report.file_format])
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
