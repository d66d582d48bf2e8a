"""The gap analysis pages: a place's analysis, its print version, and a region's places side by side."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from interventions.filters import GapAnalysisFilter
from interventions.gap_analysis import COVERAGE_FORMULA, GapAnalysis, gap_analyses, gap_analysis
from interventions.gap_charts import gap_charts
from interventions.gap_reports import filters_in_words
from interventions.models import Intervention
from wellbeing.access import place_view, user_can
from wellbeing.models import Place

# The page lists this many of the "shift the dial" ranking; the reports list every one.
SHIFT_THE_DIAL_SHOWN = 25
BUILD_ON_SHOWN = 50


def _analysis(request: HttpRequest, place: Place) -> tuple[GapAnalysisFilter, GapAnalysis | None]:
    """The filters from the URL and the analysis they select; None when a filter cannot be used
    (another place's organisation, say), which the page says rather than ignoring the filter."""
    filterset = GapAnalysisFilter(request.GET, queryset=Intervention.objects.for_place(place), place=place)
    if not filterset.is_valid():
        return filterset, None
    return filterset, gap_analysis(place=place, interventions=filterset.qs, horizon_months=filterset.horizon_months)


def _query(request: HttpRequest) -> str:
    return request.GET.urlencode()


@place_view("place.view")
def gap_analysis_page(request: HttpRequest, place: Place) -> HttpResponse:
    filterset, analysis = _analysis(request, place)
    context = {
        "filterset": filterset,
        "analysis": analysis,
        "charts": gap_charts(analysis) if analysis else [],
        "formula": COVERAGE_FORMULA,
        "query": _query(request),
        "filtered": any(value for key, value in request.GET.items() if key != "horizon"),
        "shift_shown": SHIFT_THE_DIAL_SHOWN,
        "build_on_shown": BUILD_ON_SHOWN,
        "can_report": user_can(request.user, "gaps.report", place),
        "regions": place.regions.order_by("name"),
    }
    return render(request, "interventions/gap_analysis.html", context)


@place_view("place.view")
def gap_analysis_print(request: HttpRequest, place: Place) -> HttpResponse:
    filterset, analysis = _analysis(request, place)
    return render(
        request,
        "interventions/gap_analysis_print.html",
        {
            "filterset": filterset,
            "analysis": analysis,
            "formula": COVERAGE_FORMULA,
            "query": _query(request),
            "filters_description": filters_in_words(place, _query(request)),
        },
    )


@place_view("place.view")
def region_gap_analysis(request: HttpRequest, place: Place, region_slug: str) -> HttpResponse:
    """The regions a place belongs to (a city region deal, say), their member places side by side:
    those this person may see. A region the place is not in is 404."""
    region = place.regions.filter(slug=region_slug).first()
    if region is None:
        raise Http404("This place is not a member of that region.")
    members = [m for m in region.member_councils.order_by("name") if user_can(request.user, "place.view", m)]
    analyses = list(zip(members, gap_analyses(places=members), strict=True))
    hidden = region.member_councils.count() - len(members)
    return render(
        request,
        "interventions/gap_region.html",
        {"region": region, "analyses": analyses, "hidden": hidden, "formula": COVERAGE_FORMULA},
    )
