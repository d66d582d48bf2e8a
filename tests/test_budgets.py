"""Budget tagging: the 100% rule (form and service, racing edits too), the wellbeing budget's sums,
tenancy, safe concurrent edits, history, the export's safety, the demo lines and query budgets."""

import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories import BudgetLineFactory, BudgetShareFactory, WellbeingOutcomeFactory
from wellbeing import budget_services as services
from wellbeing.budget_forms import BudgetLineForm, share_formset
from wellbeing.budget_selectors import latest_tagged_spend, wellbeing_budget
from wellbeing.concurrency import EditConflict
from wellbeing.models import BudgetLine, BudgetShare, WellbeingOutcome
from wellbeing.services import demo_place_seed


@pytest.fixture
def outcomes(cast) -> list[WellbeingOutcome]:
    """Place A's priority outcomes, in priority order."""
    WellbeingOutcomeFactory(place=cast.a.place, title="Child poverty", priority_rank=2)
    WellbeingOutcomeFactory(place=cast.a.place, title="Net zero", priority_rank=3)
    return list(WellbeingOutcome.objects.for_place(cast.a.place).order_by("priority_rank"))


def _base(cast) -> str:
    return f"/places/{cast.a.place.slug}/budgets/"


def _errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".govuk-error-summary__list li")]


def _post(shares: list[tuple[object, object]] = (), *, version=None, rows: int = 3, **overrides) -> dict:
    """The line form's data; `shares` are (outcome pk, percent) rows, padded with blank rows."""
    data = {
        "service": "Housing",
        "cost_centre": "HS3100",
        "financial_year": "2025/26",
        "kind": "capital",
        "amount_gbp": "200000",
        "description": "Retrofit",
        "shares-TOTAL_FORMS": str(max(rows, len(shares))),
        "shares-INITIAL_FORMS": "0",
        "shares-MIN_NUM_FORMS": "0",
        "shares-MAX_NUM_FORMS": "1000",
    }
    if version is not None:
        data["version"] = str(version)
    for index, (outcome, percent) in enumerate(shares):
        data[f"shares-{index}-outcome"] = str(outcome)
        data[f"shares-{index}-percent"] = str(percent)
    data.update(overrides)
    return data


# --- The 100% rule ---------------------------------------------------------------------------------


def test_shares_over_100_percent_are_refused_by_the_form_with_the_total(client, cast, outcomes):
    client.force_login(cast.a.officer)
    response = client.post(f"{_base(cast)}lines/new/", _post([(outcomes[0].pk, 60), (outcomes[1].pk, 55)]))
    assert response.status_code == 200
    assert "The shares add up to 115%: they cannot be more than 100%" in _errors(response)
    assert not BudgetLine.objects.exists()


def test_the_formset_says_the_total_with_its_decimals(cast, outcomes):
    shares = share_formset(_post([(outcomes[0].pk, "60.25"), (outcomes[1].pk, "40")]), place=cast.a.place)
    assert not shares.is_valid()
    assert shares.non_form_errors() == ["The shares add up to 100.25%: they cannot be more than 100%"]


def test_the_service_refuses_over_100_percent_and_writes_nothing(cast, outcomes):
    form = BudgetLineForm(_post(), place=cast.a.place)
    assert form.is_valid(), form.errors
    with pytest.raises(services.SharesOverLimit, match=r"^The shares add up to 115%: they cannot be more than 100%$"):
        services.budget_line_create(
            place=cast.a.place,
            user=cast.a.officer,
            form=form,
            shares=[(outcomes[0], Decimal("60")), (outcomes[1], Decimal("55"))],
        )
    assert not BudgetLine.objects.exists() and not BudgetShare.objects.exists()


def test_two_racing_edits_cannot_take_a_line_past_100_percent(cast, outcomes):
    """Each edit alone is under 100%; the second, made from a form opened before the first was
    saved, would add up to 130% with it. The service reads the total back inside its transaction."""
    line = BudgetLineFactory(place=cast.a.place)
    BudgetShareFactory(line=line, outcome=outcomes[0], percent=50)
    # A write that bypasses the form (another edit committed meanwhile) adds a share of 30%.
    BudgetShareFactory(line=line, outcome=outcomes[1], percent=30)
    form = BudgetLineForm(_post(version=line.version), instance=line, place=cast.a.place)
    assert form.is_valid(), form.errors
    with pytest.raises(services.SharesOverLimit, match="add up to 130%"):
        # This person's form saw only the first share and raises it to 70% and adds Net zero at 30%.
        services.budget_line_update(
            place=cast.a.place,
            user=cast.a.officer,
            form=form,
            shares=[(outcomes[0], Decimal("70")), (outcomes[1], Decimal("30")), (outcomes[2], Decimal("30"))],
        )
    assert sorted(BudgetShare.objects.values_list("percent", flat=True)) == [Decimal("30"), Decimal("50")]
    line.refresh_from_db()
    assert line.version == 1 and line.service != "Housing"


def test_exactly_100_percent_is_accepted_and_the_officer_reaches_the_line(client, cast, outcomes):
    client.force_login(cast.a.officer)
    response = client.post(f"{_base(cast)}lines/new/", _post([(outcomes[0].pk, "62.5"), (outcomes[1].pk, "37.5")]))
    line = BudgetLine.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{_base(cast)}lines/{line.pk}/"
    assert line.place == cast.a.place and line.cost_centre == "HS3100"
    assert {(s.outcome_id, s.percent) for s in line.shares.all()} == {
        (outcomes[0].pk, Decimal("62.50")),
        (outcomes[1].pk, Decimal("37.50")),
    }
    page = client.get(response["Location"]).content.decode()
    assert "Child poverty" in page and "£75,000" in page  # 37.5% of £200,000


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("", "40"), "Share 1: Choose the wellbeing outcome this share serves"),
        (("OUTCOME", ""), "Share 1: Enter the share of the line that serves ‘Fair work for women in Place A’"),
        (("OUTCOME", "0"), "Share 1: The share must be more than 0%"),
        (("OUTCOME", "101"), "Share 1: The share cannot be more than 100%"),
        (("OUTCOME", "forty"), "Share 1: The share must be a number, like 40 or 12.5"),
    ],
)
def test_a_share_row_says_what_is_wrong(client, cast, outcomes, row, message):
    client.force_login(cast.a.officer)
    outcome = str(outcomes[0].pk) if row[0] == "OUTCOME" else row[0]
    response = client.post(f"{_base(cast)}lines/new/", _post([(outcome, row[1])]))
    assert message in _errors(response)


@pytest.mark.parametrize(
    ("year", "ok"), [("2025/26", True), ("2025-26", True), ("2025/27", False), ("25/26", False), ("2025", False)]
)
def test_the_financial_year_must_read_like_2025_26(cast, year, ok):
    form = BudgetLineForm(_post(financial_year=year), place=cast.a.place)
    assert form.is_valid() is ok
    if not ok:
        assert form.errors["financial_year"] == [
            "Enter the financial year as the year it starts, a slash and the last two digits of the next year, "
            "for example 2025/26"
        ]


def test_a_negative_amount_is_refused(cast):
    form = BudgetLineForm(_post(amount_gbp="-5"), place=cast.a.place)
    assert form.errors["amount_gbp"] == ["The amount cannot be negative"]


def test_the_same_outcome_twice_is_refused(client, cast, outcomes):
    client.force_login(cast.a.officer)
    response = client.post(f"{_base(cast)}lines/new/", _post([(outcomes[0].pk, 10), (outcomes[0].pk, 20)]))
    assert any("already has a share (share 1)" in error for error in _errors(response))


# --- Tenancy ---------------------------------------------------------------------------------------


def test_another_places_outcome_is_refused_by_the_form(client, cast, outcomes):
    secret = WellbeingOutcome.objects.get(place=cast.b.place)
    client.force_login(cast.a.officer)
    response = client.post(f"{_base(cast)}lines/new/", _post([(secret.pk, 10)]))
    assert "Share 1: Choose one of this place's wellbeing outcomes" in _errors(response)
    assert not BudgetLine.objects.exists()
    page = client.get(f"{_base(cast)}lines/new/").content.decode()
    assert "Secret outcome of Place B" not in page


def test_another_places_outcome_is_refused_by_the_model_and_the_service(cast, outcomes):
    secret = WellbeingOutcome.objects.get(place=cast.b.place)
    line = BudgetLineFactory(place=cast.a.place)
    with pytest.raises(ValidationError, match="wellbeing outcomes of the budget line's place"):
        BudgetShare(line=line, outcome=secret, percent=10).full_clean()
    form = BudgetLineForm(_post(), place=cast.a.place)
    assert form.is_valid()
    with pytest.raises(PermissionError):
        services.budget_line_create(place=cast.a.place, user=cast.a.officer, form=form, shares=[(secret, Decimal(1))])
    assert BudgetLine.objects.count() == 1


@pytest.mark.parametrize("suffix", ["", "edit/"])
def test_another_places_line_is_404(client, cast, suffix):
    line = BudgetLineFactory(place=cast.b.place)
    client.force_login(cast.a.place_admin)
    assert client.get(f"{_base(cast)}lines/{line.pk}/{suffix}").status_code == 404


def test_the_register_filter_refuses_another_places_outcome(client, cast):
    BudgetLineFactory(place=cast.a.place)
    secret = WellbeingOutcome.objects.get(place=cast.b.place)
    client.force_login(cast.a.viewer)
    response = client.get(f"{_base(cast)}lines/?outcome={secret.pk}")
    assert "0 budget lines" in response.content.decode()


def test_a_viewer_reads_but_cannot_add(client, cast):
    client.force_login(cast.a.viewer)
    assert client.get(f"{_base(cast)}lines/new/").status_code == 403
    assert "Add a budget line" not in client.get(_base(cast)).content.decode()


# --- Concurrent edits and history ------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_keeps_the_persons_input(client, cast, outcomes):
    line = BudgetLineFactory(place=cast.a.place, service="Housing", amount_gbp=100)
    client.force_login(cast.a.officer)
    opened = line.version
    # Someone else saves first.
    first = client.post(f"{_base(cast)}lines/{line.pk}/edit/", _post(version=opened, service="Housing services"))
    assert first.status_code == 302
    second = client.post(f"{_base(cast)}lines/{line.pk}/edit/", _post(version=opened, service="Council housing"))
    assert second.status_code == 200
    assert any("saved changes to this budget line while you were editing it" in e for e in _errors(second))
    assert 'value="Council housing"' in second.content.decode()
    line.refresh_from_db()
    assert line.service == "Housing services" and line.version == opened + 1


def test_the_lines_page_shows_who_changed_the_line_and_its_shares(client, cast, outcomes):
    client.force_login(cast.a.officer)
    client.post(f"{_base(cast)}lines/new/", _post([(outcomes[0].pk, 40)]))
    line = BudgetLine.objects.get()
    client.post(f"{_base(cast)}lines/{line.pk}/edit/", _post([(outcomes[0].pk, 45)], version=line.version))
    soup = BeautifulSoup(client.get(f"{_base(cast)}lines/{line.pk}/").content, "html.parser")
    history = soup.select_one("#history ~ div table").get_text(" ", strip=True)
    assert "Share for ‘Fair work for women in Place A’" in history
    assert "40.00 → 45.00" in history
    assert "a-officer" in history or cast.a.officer.get_full_name() in history


# --- The wellbeing budget ------------------------------------------------------------------------


def test_the_budget_sums_shares_and_untagged_spend_by_year(cast, outcomes):
    fair_work, poverty, net_zero = outcomes
    place = cast.a.place
    # 2024/25: £1,000 tagged 25% fair work, 50% poverty; £300 untagged.
    old = BudgetLineFactory(place=place, financial_year="2024/25", amount_gbp=Decimal("1000"))
    BudgetShareFactory(line=old, outcome=fair_work, percent=25)
    BudgetShareFactory(line=old, outcome=poverty, percent=50)
    BudgetLineFactory(place=place, financial_year="2024/25", amount_gbp=Decimal("300"))
    # 2025/26: £2,000 at 100% poverty, £999.99 at 33.33% net zero.
    new = BudgetLineFactory(place=place, financial_year="2025/26", amount_gbp=Decimal("2000"))
    BudgetShareFactory(line=new, outcome=poverty, percent=100)
    odd = BudgetLineFactory(place=place, financial_year="2025/26", amount_gbp=Decimal("999.99"))
    BudgetShareFactory(line=odd, outcome=net_zero, percent=Decimal("33.33"))
    # Another place's budget never counts.
    BudgetShareFactory(line=BudgetLineFactory(place=cast.b.place, amount_gbp=10**6), percent=100)

    budget = wellbeing_budget(place)
    assert budget.years == ("2024/25", "2025/26")
    assert [(s.outcome.title, s.by_year, s.total) for s in budget.outcomes] == [
        (fair_work.title, (Decimal("250.00"), Decimal("0.00")), Decimal("250.00")),
        ("Child poverty", (Decimal("500.00"), Decimal("2000.00")), Decimal("2500.00")),
        ("Net zero", (Decimal("0.00"), Decimal("333.30")), Decimal("333.30")),
    ]
    assert [(t.year, t.lines, t.budget, t.tagged, t.untagged) for t in budget.totals] == [
        ("2024/25", 2, Decimal("1300.00"), Decimal("750.00"), Decimal("550.00")),
        ("2025/26", 2, Decimal("2999.99"), Decimal("2333.30"), Decimal("666.69")),
    ]
    only_new = wellbeing_budget(place, years=["2025/26"])
    assert only_new.years == ("2025/26",) and only_new.totals[0].untagged == Decimal("666.69")


def test_a_place_without_lines_has_an_empty_budget_and_a_page_that_says_so(client, cast, outcomes):
    budget = wellbeing_budget(cast.a.place)
    assert budget.years == () and not budget.has_lines and all(s.total == 0 for s in budget.outcomes)
    client.force_login(cast.a.viewer)
    assert "has no budget lines yet" in client.get(_base(cast)).content.decode()


def test_the_page_shows_the_tables_and_the_chart_with_the_same_numbers(client, cast, outcomes):
    line = BudgetLineFactory(place=cast.a.place, financial_year="2025/26", amount_gbp=Decimal("1000"))
    BudgetShareFactory(line=line, outcome=outcomes[1], percent=40)
    client.force_login(cast.a.viewer)
    soup = BeautifulSoup(client.get(_base(cast)).content, "html.parser")
    row = soup.select_one(f'#outcome-spend-table tr[data-outcome="{outcomes[1].pk}"]')
    assert row.select_one("[data-spend]").get_text(strip=True) == "£400"
    year = soup.select_one('#years-table tr[data-year="2025/26"]')
    assert year.select_one("[data-untagged]").get_text(strip=True) == "£600"
    assert soup.select_one("#chart-wellbeing-budget-data") is not None
    chart_rows = [tr.get_text(" ", strip=True) for tr in soup.select("#chart-wellbeing-budget-caption ~ tbody tr")]
    assert "2. Child poverty 400" in chart_rows and "Untagged 600" in chart_rows


def test_latest_tagged_spend_reads_each_places_latest_year_in_one_query(cast, outcomes, django_assert_num_queries):
    old = BudgetLineFactory(place=cast.a.place, financial_year="2024/25", amount_gbp=1000)
    BudgetShareFactory(line=old, outcome=outcomes[0], percent=100)
    new = BudgetLineFactory(place=cast.a.place, financial_year="2025/26", amount_gbp=1000)
    BudgetShareFactory(line=new, outcome=outcomes[1], percent=20)
    BudgetLineFactory(place=cast.b.place, financial_year="2023/24")  # nothing tagged
    with django_assert_num_queries(1):
        spend = latest_tagged_spend(places=[cast.a.place, cast.b.place])
    assert spend[cast.a.place.pk].year == "2025/26"
    assert spend[cast.a.place.pk].by_outcome == {outcomes[1].pk: Decimal("200.00")}
    assert spend[cast.b.place.pk].year == "2023/24" and spend[cast.b.place.pk].by_outcome == {}


# --- The register ----------------------------------------------------------------------------------


def test_the_register_filters_by_year_kind_service_outcome_and_untagged(client, cast, outcomes):
    place = cast.a.place
    housing = BudgetLineFactory(place=place, service="Housing", kind="capital", financial_year="2024/25")
    BudgetShareFactory(line=housing, outcome=outcomes[0], percent=100)
    schools = BudgetLineFactory(place=place, service="Education", financial_year="2025/26")
    BudgetShareFactory(line=schools, outcome=outcomes[1], percent=30)
    untagged = BudgetLineFactory(place=place, service="Corporate services", financial_year="2025/26")
    client.force_login(cast.a.viewer)

    def listed(query: str) -> set[int]:
        soup = BeautifulSoup(client.get(f"{_base(cast)}lines/?{query}").content, "html.parser")
        return {int(row["data-line"]) for row in soup.select("#budget-lines-table tbody tr")}

    assert listed("") == {housing.pk, schools.pk, untagged.pk}
    assert listed("year=2025/26") == {schools.pk, untagged.pk}
    assert listed("kind=capital") == {housing.pk}
    assert listed("service=educ") == {schools.pk}
    assert listed(f"outcome={outcomes[1].pk}") == {schools.pk}
    assert listed("untagged=on") == {schools.pk, untagged.pk}
    assert listed("untagged=on&year=2024/25") == set()


# --- Export ----------------------------------------------------------------------------------------


def test_the_export_has_no_formula_cells_with_a_hostile_service_name(client, cast, outcomes):
    hostile = '=HYPERLINK("http://evil.example","click")'
    line = BudgetLineFactory(place=cast.a.place, service=hostile, description="+1+1")
    BudgetShareFactory(line=line, outcome=outcomes[0], percent=10)
    WellbeingOutcome.objects.filter(pk=outcomes[1].pk).update(title="@SUM(A1:A2)")
    client.force_login(cast.a.viewer)
    response = client.get(f"{_base(cast)}export/?format=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    texts = []
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert "'" + hostile in texts and "'@SUM(A1:A2)" in texts and "'+1+1" in texts
    lines = list(workbook["Budget lines"].iter_rows(values_only=True))
    assert lines[1][4] == 100000 and lines[1][6] == 90000  # amounts stay numbers
    csv = client.get(f"{_base(cast)}export/?format=csv").content.decode("utf-8-sig")
    assert "'@SUM(A1:A2)" in csv and "\n@" not in csv and ",@" not in csv
    assert client.get(f"{_base(cast)}export/?format=pdf").status_code == 404


# --- Demo ------------------------------------------------------------------------------------------


def test_the_demo_has_tagged_partly_tagged_and_untagged_lines_and_seeding_twice_changes_nothing(reference_data):
    demo = demo_place_seed()
    lines = BudgetLine.objects.filter(place=demo.place)
    assert 14 <= lines.count() <= 20
    assert set(lines.values_list("financial_year", flat=True)) == {"2024/25", "2025/26"}
    budget = wellbeing_budget(demo.place)
    assert all(total.tagged > 0 and total.untagged > 0 for total in budget.totals)
    history = (BudgetLine.history.count(), BudgetShare.history.count())
    demo_place_seed()
    assert BudgetLine.objects.filter(place=demo.place).count() == lines.count()
    assert (BudgetLine.history.count(), BudgetShare.history.count()) == history


# --- Query budgets ---------------------------------------------------------------------------------


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


def _grow(cast, outcomes, count: int) -> None:
    for number in range(count):
        line = BudgetLineFactory(place=cast.a.place, financial_year=("2024/25", "2025/26")[number % 2])
        for outcome in outcomes[: number % 3 + 1]:
            BudgetShareFactory(line=line, outcome=outcome, percent=20)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # 1 session, 1 user, 1 memberships; 1 outcomes, 1 shares' spend by outcome and year, 1 lines by year.
        ("", 6),
        # 1 session, 1 user, 1 memberships; 1 years (filter choices), 1 outcomes (filter choices),
        # 1 count, 1 the page of lines, 1 their shares with outcomes.
        ("lines/", 8),
        # as above, and 1 the chosen outcome (the filter checks it is one of the place's).
        ("lines/?untagged=on&outcome=OUTCOME", 9),
        # 1 session, 1 user, 1 memberships; 1 the line, 1 its shares; history: 1 line, 1 shares.
        ("lines/LINE/", 7),
        # 1 session, 1 user, 1 memberships; 1 the line, 1 outcomes, 1 its shares.
        ("lines/LINE/edit/", 6),
    ],
)
def test_budget_pages_queries_do_not_grow_from_2_to_40_lines(client, cast, outcomes, path, expected):
    client.force_login(cast.a.officer)
    _grow(cast, outcomes, 2)
    line = BudgetLine.objects.order_by("pk").first()
    url = _base(cast) + path.replace("OUTCOME", str(outcomes[0].pk)).replace("LINE", str(line.pk))
    few, _ = _queries(client, url)
    _grow(cast, outcomes, 38)
    for share in BudgetShare.objects.filter(line=line):  # more history on the line's page
        share.percent = 10
        share.save()
    many, sql = _queries(client, url)
    assert few == many == expected, sql


def test_the_export_queries_do_not_grow(client, cast, outcomes):
    client.force_login(cast.a.viewer)
    _grow(cast, outcomes, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(f"{_base(cast)}export/?format=xlsx")
    _grow(cast, outcomes, 38)
    with CaptureQueriesContext(connection) as many:
        client.get(f"{_base(cast)}export/?format=xlsx")
    assert len(few) == len(many)


def test_the_service_refuses_a_stale_version_and_writes_nothing(cast, outcomes):
    line = BudgetLineFactory(place=cast.a.place, service="Housing")
    BudgetLine.objects.filter(pk=line.pk).update(version=2)  # someone else saved meanwhile
    form = BudgetLineForm(_post(version=1, service="Council housing"), instance=line, place=cast.a.place)
    assert form.is_valid()
    with pytest.raises(EditConflict):
        services.budget_line_update(
            place=cast.a.place, user=cast.a.officer, form=form, shares=[(outcomes[0], Decimal("10"))]
        )
    assert not BudgetShare.objects.exists()
    assert BudgetLine.objects.get(pk=line.pk).service == "Housing"


def test_chart_tables_separate_thousands_in_pounds_and_scores():
    from decimal import Decimal

    from wellbeing.templatetags.chart_tags import cell

    assert [cell(140000), cell(Decimal("12345.67")), cell(Decimal("3")), cell("Untagged")] == [
        "140,000",
        "12,345.7",
        "3.0",
        "Untagged",
    ]
