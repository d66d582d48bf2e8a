"""Budget pages: the wellbeing budget (spend by outcome and year, with its chart and download),
the register of budget lines, a line's page, and its form with the shares tagged to outcomes."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from wellbeing import budget_selectors as selectors
from wellbeing import budget_services as services
from wellbeing.access import place_view, user_can
from wellbeing.budget_filters import BudgetFilter
from wellbeing.budget_forms import BudgetLineForm, share_formset
from wellbeing.budget_reports import wellbeing_budget_chart, wellbeing_budget_export
from wellbeing.concurrency import EditConflict
from wellbeing.history import last_editor
from wellbeing.models import BudgetLine, Place
from wellbeing.spreadsheets import FORMATS, XLSX

REGISTER_PAGE_SIZE = 25


@place_view("place.view")
def budgets(request: HttpRequest, place: Place) -> HttpResponse:
    budget = selectors.wellbeing_budget(place)
    chart = wellbeing_budget_chart(budget)
    return render(
        request,
        "wellbeing/budgets.html",
        {
            "budget": budget,
            "charts": [chart] if chart else [],
            "can_edit": user_can(request.user, "budget.edit", place),
        },
    )


@place_view("place.view")
def budget_export(request: HttpRequest, place: Place) -> HttpResponse:
    file_format = request.GET.get("format", XLSX)
    if file_format not in FORMATS:
        raise Http404("Exports are CSV or XLSX.")
    content, content_type, filename = wellbeing_budget_export(
        selectors.wellbeing_budget(place), selectors.budget_register_queryset(place=place), file_format=file_format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@place_view("place.view")
def budget_line_list(request: HttpRequest, place: Place) -> HttpResponse:
    filterset = BudgetFilter(
        request.GET,
        queryset=selectors.budget_register_queryset(place=place),
        place=place,
        years=selectors.budget_years(place=place),
    )
    # An invalid filter value (another place's outcome id) lists nothing rather than everything.
    queryset = filterset.qs if filterset.is_valid() else BudgetLine.objects.none()
    page = Paginator(queryset, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "wellbeing/budget_line_list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_edit": user_can(request.user, "budget.edit", place),
        },
    )


@place_view("place.view")
def budget_line_detail(request: HttpRequest, place: Place, line_pk: int) -> HttpResponse:
    line = selectors.budget_line_for_page(place=place, pk=line_pk)
    return render(
        request,
        "wellbeing/budget_line_detail.html",
        {
            "line": line,
            "history": selectors.budget_line_history(line=line),
            "can_edit": user_can(request.user, "budget.edit", place),
        },
    )


@place_view("budget.edit", methods=("GET", "POST"))
def budget_line_create(request: HttpRequest, place: Place) -> HttpResponse:
    form = BudgetLineForm(request.POST or None, place=place)
    shares = share_formset(request.POST or None, place=place)
    if request.method == "POST" and form.is_valid() and shares.is_valid():
        try:
            line = services.budget_line_create(place=place, user=request.user, form=form, shares=shares.shares())
        except services.SharesOverLimit as refusal:
            shares.non_form_errors().append(str(refusal))
        else:
            messages.success(request, f"The budget line ‘{line}’ was added.")
            return redirect("wellbeing:budget_line_detail", place_slug=place.slug, line_pk=line.pk)
    return render(request, "wellbeing/budget_line_form.html", {"form": form, "shares": shares, "line": None})


@place_view("budget.edit", methods=("GET", "POST"))
def budget_line_edit(request: HttpRequest, place: Place, line_pk: int) -> HttpResponse:
    line = selectors.budget_line_for_edit(place=place, pk=line_pk)
    form = BudgetLineForm(request.POST or None, instance=line, place=place)
    shares = share_formset(request.POST or None, place=place, line=line)
    conflict = False
    if request.method == "POST" and form.is_valid() and shares.is_valid():
        try:
            services.budget_line_update(place=place, user=request.user, form=form, shares=shares.shares())
        except services.SharesOverLimit as refusal:
            shares.non_form_errors().append(str(refusal))
        except EditConflict as error:
            conflict = True
            form, shares = _rebound_at_current_version(request, place, error.current)
        else:
            messages.success(request, f"Your changes to the budget line ‘{line}’ were saved.")
            return redirect("wellbeing:budget_line_detail", place_slug=place.slug, line_pk=line.pk)
    return render(
        request,
        "wellbeing/budget_line_form.html",
        {"form": form, "shares": shares, "line": line, "conflict": conflict},
    )


def _rebound_at_current_version(request: HttpRequest, place: Place, current: BudgetLine):
    """The person's own input, kept, with a message saying who saved in the meantime. The version
    becomes the one saved now, so saving again is a deliberate overwrite, not a silent one."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = BudgetLineForm(data, instance=current, place=place)
    shares = share_formset(data, place=place, line=current)
    form.is_valid()
    shares.is_valid()
    form.add_error(
        None,
        f"{last_editor(current)} saved changes to this budget line while you were editing it, so your changes "
        "have not been saved. They are still in the form below. Check the line's page (it opens in a new tab) "
        "to see what changed, then save again to replace their version with yours.",
    )
    return form, shares
