"""A place's strategic plans and their outcomes: pages, who may change them, bad input, other
places' objects, concurrent edits and history."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import StrategicOutcomeFactory, StrategicPlanFactory
from wellbeing.models import NationalOutcome, Role, StrategicOutcome, StrategicPlan, WellbeingOutcome
from wellbeing.plan_forms import StrategicOutcomeForm
from wellbeing.services import OTHER_PLACES_OUTCOME, strategic_outcome_save


def _errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".govuk-error-summary__list li")]


def _plan_post(**overrides) -> dict:
    return {
        "title": "Local Outcomes Improvement Plan 2024–2034",
        "kind": "loip",
        "status": "adopted",
        "period_start": "2024",
        "period_end": "2034",
        "description": "Our wellbeing economy LOIP.",
        "link": "",
        **overrides,
    }


def _outcome_post(place, **overrides) -> dict:
    return {
        "title": "Fewer children grow up in poverty",
        "description": "",
        "wellbeing_outcomes": [str(WellbeingOutcome.objects.get(place=place).pk)],
        "national_outcomes": [str(NationalOutcome.objects.get(code="POV").pk)],
        **overrides,
    }


def test_a_place_admin_adds_a_plan_and_an_outcome_linked_to_wellbeing_and_npf_outcomes(client, cast):
    client.force_login(cast.a.place_admin)
    response = client.post("/places/place-a/plans/new/", _plan_post())
    assert response.status_code == 302, _errors(response)
    plan = StrategicPlan.objects.get(place=cast.a.place)
    assert (plan.period, plan.get_kind_display()) == ("2024–2034", "Local Outcomes Improvement Plan")

    response = client.post(f"/places/place-a/plans/{plan.pk}/outcomes/new/", _outcome_post(cast.a.place))
    assert response.status_code == 302, _errors(response)
    outcome = StrategicOutcome.objects.get(plan=plan)
    assert [o.title for o in outcome.wellbeing_outcomes.all()] == ["Fair work for women in Place A"]
    assert [n.code for n in outcome.national_outcomes.all()] == ["POV"]

    page = client.get(response.headers["Location"]).content.decode()
    assert "Fewer children grow up in poverty" in page and "Poverty" in page
    listing = client.get("/places/place-a/plans/").content.decode()
    assert "Fewer children grow up in poverty" in listing and "Fair work for women in Place A" in listing


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST, Role.OFFICER, Role.PARTNERSHIP_LEAD])
def test_only_the_place_admin_may_change_plans_but_every_member_sees_them(client, cast, role):
    plan = StrategicPlanFactory(place=cast.a.place, title="Council plan 2023–2028")
    client.force_login(cast.a.member(role))
    assert "Council plan 2023–2028" in client.get("/places/place-a/plans/").content.decode()
    page = client.get(f"/places/place-a/plans/{plan.pk}/").content.decode()
    assert "Change this plan" not in page and "Add a strategic outcome" not in page
    assert client.post("/places/place-a/plans/new/", _plan_post()).status_code == 403
    assert client.post(f"/places/place-a/plans/{plan.pk}/outcomes/new/", _outcome_post(cast.a.place)).status_code == 403
    assert StrategicPlan.objects.filter(place=cast.a.place).count() == 1
    assert not StrategicOutcome.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter the plan's title"),
        ({"kind": ""}, "Choose what kind of plan this is"),
        ({"status": ""}, "Choose whether the plan is a draft, adopted or superseded"),
        ({"period_start": ""}, "Enter the plan's first year, like 2024"),
        ({"period_start": "twenty"}, "The first year must be a year in numbers, like 2024"),
        ({"period_end": "24"}, "The last year must be a year between 1990 and 2100, like 2024"),
        ({"period_end": "2020"}, "The last year must be 2024 or later, since the plan starts in 2024"),
        ({"link": "not a web address"}, "Enter a web address like https://www.clacks.gov.uk/plan"),
    ],
)
def test_bad_plan_input_is_explained_and_nothing_saved(client, cast, overrides, message):
    client.force_login(cast.a.place_admin)
    response = client.post("/places/place-a/plans/new/", _plan_post(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in _errors(response)), _errors(response)
    assert not StrategicPlan.objects.exists()


def test_a_plan_title_is_unique_in_its_place_but_not_across_places(client, cast):
    StrategicPlanFactory(place=cast.b.place, title="Council plan")
    StrategicPlanFactory(place=cast.a.place, title="LOIP")
    client.force_login(cast.a.place_admin)
    response = client.post("/places/place-a/plans/new/", _plan_post(title="  loip "))
    assert any("Place A already has a plan called ‘loip’" in e for e in _errors(response)), _errors(response)
    assert client.post("/places/place-a/plans/new/", _plan_post(title="Council plan")).status_code == 302


def test_another_places_wellbeing_outcome_is_refused_and_nothing_saved(client, cast):
    """The form offers only this place's outcomes; an id typed into the request is an error."""
    plan = StrategicPlanFactory(place=cast.a.place)
    b_outcome = WellbeingOutcome.objects.get(place=cast.b.place)
    client.force_login(cast.a.place_admin)
    form_page = client.get(f"/places/place-a/plans/{plan.pk}/outcomes/new/").content.decode()
    assert "Fair work for women in Place A" in form_page and "Secret outcome of Place B" not in form_page

    response = client.post(
        f"/places/place-a/plans/{plan.pk}/outcomes/new/",
        _outcome_post(cast.a.place, wellbeing_outcomes=[str(b_outcome.pk)]),
    )
    assert response.status_code == 200
    assert any("Choose wellbeing outcomes of Place A only" in e for e in _errors(response)), _errors(response)
    assert "Secret outcome of Place B" not in response.content.decode()
    assert not StrategicOutcome.objects.exists()


def test_the_service_refuses_another_places_outcome_even_past_the_form(cast):
    plan = StrategicPlanFactory(place=cast.a.place)
    form = StrategicOutcomeForm(_outcome_post(cast.a.place), plan=plan)
    assert form.is_valid(), form.errors
    form.cleaned_data["wellbeing_outcomes"] = [WellbeingOutcome.objects.get(place=cast.b.place)]
    with pytest.raises(PermissionError, match=OTHER_PLACES_OUTCOME):
        strategic_outcome_save(plan=plan, form=form)
    assert not StrategicOutcome.objects.exists()


def test_another_places_plan_and_outcome_are_404_by_id(client, cast):
    b_plan = StrategicPlanFactory(place=cast.b.place, title="Place B's secret plan")
    b_outcome = StrategicOutcomeFactory(plan=b_plan, title="Place B's secret outcome")
    a_plan = StrategicPlanFactory(place=cast.a.place)
    client.force_login(cast.a.place_admin)
    assert client.get(f"/places/place-a/plans/{b_plan.pk}/").status_code == 404
    for url in (
        f"/places/place-a/plans/{b_plan.pk}/edit/",
        f"/places/place-a/plans/{b_plan.pk}/outcomes/new/",
        f"/places/place-a/plans/{b_plan.pk}/outcomes/{b_outcome.pk}/edit/",
        # Place B's outcome under place A's own plan.
        f"/places/place-a/plans/{a_plan.pk}/outcomes/{b_outcome.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, _plan_post(title="Hijacked", version="1")).status_code == 404, url
    b_plan.refresh_from_db()
    b_outcome.refresh_from_db()
    assert (b_plan.title, b_outcome.title) == ("Place B's secret plan", "Place B's secret outcome")
    assert not StrategicOutcome.objects.filter(plan=a_plan).exists()


def test_the_second_of_two_concurrent_plan_edits_is_refused_with_the_input_kept(client, cast):
    plan = StrategicPlanFactory(place=cast.a.place, title="LOIP")
    url = f"/places/place-a/plans/{plan.pk}/edit/"
    client.force_login(cast.a.place_admin)
    assert client.post(url, _plan_post(title="First edit", version="1")).status_code == 302
    response = client.post(url, _plan_post(title="Second edit", version="1"))
    assert any("Someone else saved this plan" in e for e in _errors(response)), _errors(response)
    assert BeautifulSoup(response.content, "html.parser").select_one("#id_title")["value"] == "Second edit"
    plan.refresh_from_db()
    assert (plan.title, plan.version) == ("First edit", 2)
    # Saving the kept input again replaces the first edit, knowingly.
    form = BeautifulSoup(response.content, "html.parser")
    assert form.select_one("#id_version")["value"] == "2"
    assert client.post(url, _plan_post(title="Second edit", version="2")).status_code == 302


def test_the_second_of_two_concurrent_strategic_outcome_edits_is_refused(client, cast):
    plan = StrategicPlanFactory(place=cast.a.place)
    outcome = StrategicOutcomeFactory(plan=plan, title="Before")
    url = f"/places/place-a/plans/{plan.pk}/outcomes/{outcome.pk}/edit/"
    client.force_login(cast.a.place_admin)
    assert client.post(url, _outcome_post(cast.a.place, title="First", version="1")).status_code == 302
    response = client.post(url, _outcome_post(cast.a.place, title="Second", national_outcomes=[], version="1"))
    assert any("Someone else saved this strategic outcome" in e for e in _errors(response)), _errors(response)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_title")["value"] == "Second"
    assert not soup.select("input[name=national_outcomes][checked]")  # the person's unticking is kept
    outcome.refresh_from_db()
    assert (outcome.title, outcome.version) == ("First", 2)
    assert [n.code for n in outcome.national_outcomes.all()] == ["POV"]


def test_the_plan_page_shows_who_changed_the_plan_and_its_outcomes_links(client, cast):
    client.force_login(cast.a.place_admin)
    client.post("/places/place-a/plans/new/", _plan_post(status="draft"))
    plan = StrategicPlan.objects.get(place=cast.a.place)
    client.post(f"/places/place-a/plans/{plan.pk}/edit/", _plan_post(status="adopted", version="1"))
    client.post(f"/places/place-a/plans/{plan.pk}/outcomes/new/", _outcome_post(cast.a.place, national_outcomes=[]))
    outcome = StrategicOutcome.objects.get(plan=plan)
    client.post(
        f"/places/place-a/plans/{plan.pk}/outcomes/{outcome.pk}/edit/", _outcome_post(cast.a.place, version="1")
    )
    client.force_login(cast.a.viewer)
    soup = BeautifulSoup(client.get(f"/places/place-a/plans/{plan.pk}/").content, "html.parser")
    history = soup.select_one("#history-caption").find_parent("table").get_text(" ", strip=True)
    assert "Status : Draft → Adopted" in history
    assert "Changed: Strategic outcome ‘Fewer children grow up in poverty’" in history
    assert "NPF national outcomes : — → Poverty" in history
    assert cast.a.place_admin.get_full_name() in history


def test_the_plan_pages_use_a_fixed_number_of_queries(client, cast):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    plan = StrategicPlanFactory(place=cast.a.place)
    wellbeing = list(WellbeingOutcome.objects.filter(place=cast.a.place))
    national = list(NationalOutcome.objects.all()[:3])
    StrategicOutcomeFactory(plan=plan, wellbeing_outcomes=wellbeing, national_outcomes=national)
    client.force_login(cast.a.viewer)
    few = (count("/places/place-a/plans/"), count(f"/places/place-a/plans/{plan.pk}/"))
    for _ in range(3):
        StrategicOutcomeFactory(
            plan=StrategicPlanFactory(place=cast.a.place), wellbeing_outcomes=wellbeing, national_outcomes=national
        )
    for _ in range(10):
        StrategicOutcomeFactory(plan=plan, wellbeing_outcomes=wellbeing, national_outcomes=national)
    many = (count("/places/place-a/plans/"), count(f"/places/place-a/plans/{plan.pk}/"))
    # List: session, user, memberships, plans, their outcomes, their wellbeing outcomes, their NPF
    # outcomes = 7. Page: the same 7 for the plan, + the plan's history, its outcomes' history, and
    # their two link tables with the linked rows (4) = 13.
    assert few == many == (7, 13)
