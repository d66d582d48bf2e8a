"""Decision assessments: the workflow and its refusals, read-only once decided, tenancy, safe
concurrent edits, the summary's counts and the query budgets of the register and the summary."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import DecisionAssessmentFactory, OutcomeEffectFactory, WellbeingOutcomeFactory
from wellbeing import decision_services as services
from wellbeing.decision_demo import DEMO_DECISIONS
from wellbeing.models import DecisionAssessment, OutcomeEffect, WellbeingOutcome
from wellbeing.services import demo_place_seed

Effect = OutcomeEffect.Effect
Status = DecisionAssessment.Status
Decision = DecisionAssessment.Decision


@pytest.fixture
def outcomes(cast) -> list[WellbeingOutcome]:
    """Place A's priority outcomes, in the order the form lists them."""
    WellbeingOutcomeFactory(place=cast.a.place, title="Child poverty", priority_rank=2)
    WellbeingOutcomeFactory(place=cast.a.place, title="Net zero", priority_rank=3)
    return list(WellbeingOutcome.objects.for_place(cast.a.place))


def _base(cast) -> str:
    return f"/places/{cast.a.place.slug}/decisions/"


def _errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".govuk-error-summary__list li")]


def _banner(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return " ".join(p.get_text(" ", strip=True) for p in soup.select(".govuk-notification-banner__heading"))


def _post(cast, outcomes, *, effects=None, version=None, **overrides) -> dict:
    """The assessment form's data; `effects` maps an outcome to (effect, reason)."""
    effects = effects or {}
    data = {
        "title": "Close the Alloa day centre",
        "kind": "policy",
        "description": "Merge two day centres into one.",
        "owner": str(cast.a.officer.pk),
        "affected_groups": "Older people, carers",
        "mitigations": "Free transport to the other centre",
        "effects-TOTAL_FORMS": str(len(outcomes)),
        "effects-INITIAL_FORMS": str(len(outcomes)),
        "effects-MIN_NUM_FORMS": "0",
        "effects-MAX_NUM_FORMS": "1000",
    }
    if version is not None:
        data["version"] = str(version)
    for index, outcome in enumerate(outcomes):
        effect, reason = effects.get(outcome, ("", ""))
        data[f"effects-{index}-outcome"] = str(outcome.pk)
        data[f"effects-{index}-effect"] = effect
        data[f"effects-{index}-reason"] = reason
    data.update(overrides)
    return data


def _all_scored(outcomes) -> dict:
    return {outcome: (Effect.POSITIVE, f"Helps {outcome.title}") for outcome in outcomes}


def _assessment(cast, outcomes, *, status=Status.DRAFT, scored=True, **fields) -> DecisionAssessment:
    decided = status == Status.DECIDED
    assessment = DecisionAssessmentFactory(
        place=cast.a.place,
        owner=cast.a.officer,
        status=status,
        decision=fields.pop("decision", Decision.APPROVED if decided else ""),
        decision_date=fields.pop("decision_date", timezone.localdate() if decided else None),
        decision_maker=fields.pop("decision_maker", "Council" if decided else ""),
        **fields,
    )
    if scored:
        for outcome in outcomes:
            OutcomeEffectFactory(assessment=assessment, outcome=outcome, effect=Effect.POSITIVE)
    return assessment


# --- Recording an assessment ----------------------------------------------------------------------


def test_the_form_has_one_row_per_priority_outcome_in_priority_order(client, cast, outcomes):
    client.force_login(cast.a.officer)
    soup = BeautifulSoup(client.get(f"{_base(cast)}new/").content, "html.parser")
    legends = [legend.get_text(strip=True) for legend in soup.select(".app-formset-row > fieldset > legend")]
    assert legends == [outcome.title for outcome in outcomes]
    assert len(soup.select('input[type="radio"][name="effects-0-effect"]')) == len(Effect.choices)


def test_an_officer_saves_a_draft_with_its_effects_and_the_edit_form_is_prefilled(client, cast, outcomes):
    client.force_login(cast.a.officer)
    effects = {outcomes[0]: (Effect.NEGATIVE, "Fewer hours for women"), outcomes[2]: ("", "Not yet known")}
    response = client.post(f"{_base(cast)}new/", _post(cast, outcomes, effects=effects))
    assert response.status_code == 302, _errors(response)
    assessment = DecisionAssessment.objects.get(title="Close the Alloa day centre")
    assert (assessment.place, assessment.status, assessment.owner) == (cast.a.place, Status.DRAFT, cast.a.officer)
    saved = {e.outcome: (e.effect, e.reason) for e in assessment.effects.all()}
    assert saved == {outcomes[0]: ("negative", "Fewer hours for women"), outcomes[2]: ("", "Not yet known")}
    edit = BeautifulSoup(client.get(f"{_base(cast)}{assessment.pk}/edit/").content, "html.parser")
    assert edit.select_one('input[name="effects-0-effect"][checked]')["value"] == "negative"
    assert edit.select_one('textarea[name="effects-2-reason"]').get_text(strip=True) == "Not yet known"
    page = client.get(response.headers["Location"]).content.decode()
    assert "Fewer hours for women" in page and "Created: Effect on" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter a short name for the proposal"),
        ({"kind": ""}, "Choose what kind of decision this is"),
        ({"owner": ""}, "Choose the lead officer"),
        ({"effects-0-effect": "brilliant"}, "Choose one of the effects listed"),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, cast, outcomes, overrides, message):
    client.force_login(cast.a.officer)
    response = client.post(f"{_base(cast)}new/", _post(cast, outcomes, **overrides))
    assert response.status_code == 200
    assert any(message in error for error in _errors(response)), _errors(response)
    assert not DecisionAssessment.objects.exists() and not OutcomeEffect.objects.exists()


def test_another_places_outcome_in_the_effects_is_refused_and_nothing_saved(client, cast, outcomes):
    b_outcome = WellbeingOutcome.objects.get(place=cast.b.place)
    client.force_login(cast.a.officer)
    data = _post(cast, outcomes, effects=_all_scored(outcomes), **{"effects-1-outcome": str(b_outcome.pk)})
    response = client.post(f"{_base(cast)}new/", data)
    assert response.status_code == 200
    assert any("not one of this place's wellbeing outcomes" in e for e in _errors(response)), _errors(response)
    assert not DecisionAssessment.objects.exists() and not OutcomeEffect.objects.exists()

    assessment = _assessment(cast, outcomes, scored=False)
    response = client.post(f"{_base(cast)}{assessment.pk}/edit/", {**data, "version": "1", "title": "Renamed"})
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert assessment.title != "Renamed" and not OutcomeEffect.objects.exists()
    assert not OutcomeEffect.objects.filter(outcome=b_outcome).exists()


def test_an_effect_on_another_places_outcome_fails_model_validation(cast, outcomes):
    effect = OutcomeEffect(
        assessment=_assessment(cast, outcomes, scored=False),
        outcome=WellbeingOutcome.objects.get(place=cast.b.place),
        effect=Effect.POSITIVE,
    )
    with pytest.raises(Exception, match="wellbeing outcomes of the assessment's place"):
        effect.full_clean()


# --- The workflow ---------------------------------------------------------------------------------


def test_draft_to_submitted_to_decided(client, cast, outcomes):
    assessment = _assessment(cast, outcomes)
    client.force_login(cast.a.officer)
    page = BeautifulSoup(client.get(f"{_base(cast)}{assessment.pk}/").content, "html.parser")
    assert page.find("button", string="Submit for decision") is not None
    assert page.find("button", string="Record the decision") is None  # an officer does not decide
    response = client.post(f"{_base(cast)}{assessment.pk}/submit/", {"version": "1"}, follow=True)
    assert "was submitted for decision" in _banner(response)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.submitted_by, assessment.version) == (Status.SUBMITTED, cast.a.officer, 2)
    assert assessment.submitted_at is not None

    client.force_login(cast.a.place_admin)
    decided_on = timezone.localdate() - timedelta(days=3)
    response = client.post(
        f"{_base(cast)}{assessment.pk}/decide/",
        {
            "version": "2",
            "decision": "approved_with_changes",
            "decision_date_0": str(decided_on.day),
            "decision_date_1": str(decided_on.month),
            "decision_date_2": str(decided_on.year),
            "decision_maker": "  Policy   committee ",
            "decision_notes": "Only in term time",
        },
        follow=True,
    )
    assert "was recorded" in _banner(response)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.decision, assessment.decision_date) == (
        Status.DECIDED,
        Decision.APPROVED_WITH_CHANGES,
        decided_on,
    )
    assert (assessment.decision_maker, assessment.decided_by) == ("Policy committee", cast.a.place_admin)
    assert [r.status for r in assessment.history.order_by("history_date")] == ["draft", "submitted", "decided"]


def test_submitting_with_an_outcome_unscored_is_refused_naming_it(client, cast, outcomes):
    assessment = _assessment(cast, outcomes, scored=False)
    OutcomeEffectFactory(assessment=assessment, outcome=outcomes[0], effect=Effect.NEUTRAL)
    OutcomeEffectFactory(assessment=assessment, outcome=outcomes[1], effect="", reason="Thinking")
    client.force_login(cast.a.officer)
    response = client.post(f"{_base(cast)}{assessment.pk}/submit/", {"version": "1"}, follow=True)
    expected = services.SUBMIT_MISSING_EFFECTS.format(title=assessment.title, names="Child poverty, Net zero")
    assert expected in _banner(response)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.version) == (Status.DRAFT, 1)


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (Status.DRAFT, "decide", services.DECIDE_NOT_SUBMITTED),
        (Status.SUBMITTED, "submit", services.SUBMIT_NOT_DRAFT),
    ],
)
def test_a_wrong_transition_is_refused_with_a_clear_message(client, cast, outcomes, status, action, message):
    assessment = _assessment(cast, outcomes, status=status)
    client.force_login(cast.a.place_admin)
    data = {"version": "1", "decision": "approved", "decision_maker": "Council"}
    response = client.post(f"{_base(cast)}{assessment.pk}/{action}/", data, follow=True)
    assert message.format(title=assessment.title) in _banner(response)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.version, assessment.decision) == (status, 1, "")


def test_only_a_place_admin_records_the_decision(client, cast, outcomes):
    assessment = _assessment(cast, outcomes, status=Status.SUBMITTED)
    client.force_login(cast.a.officer)
    response = client.post(f"{_base(cast)}{assessment.pk}/decide/", {"version": "1", "decision": "approved"})
    assert response.status_code == 403
    assert "place administrator" in response.content.decode()
    client.force_login(cast.a.viewer)
    assert client.post(f"{_base(cast)}{assessment.pk}/submit/", {"version": "1"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED


def test_bad_decision_input_is_explained_on_the_page_and_nothing_changes(client, cast, outcomes):
    assessment = _assessment(cast, outcomes, status=Status.SUBMITTED)
    client.force_login(cast.a.place_admin)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        f"{_base(cast)}{assessment.pk}/decide/",
        {
            "version": "1",
            "decision": "approved_with_changes",
            "decision_date_0": str(tomorrow.day),
            "decision_date_1": str(tomorrow.month),
            "decision_date_2": str(tomorrow.year),
            "decision_maker": "",
        },
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert "Date of the decision must be today or in the past" in errors
    assert "Enter who took the decision, for example Council" in errors
    assert "Say what was changed when a proposal is approved with changes" in errors
    assessment.refresh_from_db()
    assert (assessment.status, assessment.version) == (Status.SUBMITTED, 1)


def test_a_submitted_assessment_can_be_changed_but_keeps_every_effect(client, cast, outcomes):
    assessment = _assessment(cast, outcomes, status=Status.SUBMITTED)
    client.force_login(cast.a.officer)
    url = f"{_base(cast)}{assessment.pk}/edit/"
    cleared = _post(cast, outcomes, effects=_all_scored(outcomes), version=1, **{"effects-2-effect": ""})
    response = client.post(url, cleared)
    assert response.status_code == 200
    assert any("a submitted assessment needs one for every outcome" in e for e in _errors(response))
    response = client.post(url, _post(cast, outcomes, effects=_all_scored(outcomes), version=1))
    assert response.status_code == 302, _errors(response)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.title, assessment.version) == (
        Status.SUBMITTED,
        "Close the Alloa day centre",
        2,
    )


# --- Read-only once decided -----------------------------------------------------------------------


def test_a_decided_assessment_is_read_only_on_the_page_and_to_direct_posts(client, cast, outcomes):
    decided_on = date(2026, 3, 4)
    assessment = _assessment(cast, outcomes, status=Status.DECIDED, decision_date=decided_on)
    message = f"‘{assessment.title}’ was decided on 4 March 2026 and cannot be changed."
    client.force_login(cast.a.place_admin)
    page = client.get(f"{_base(cast)}{assessment.pk}/")
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("a", string="Change this assessment") is None
    assert soup.find("button", string="Submit for decision") is None
    assert soup.find("button", string="Record the decision") is None
    assert "decided on 4 March 2026 and cannot be changed" in soup.select_one("#decided-notice").get_text()

    url = f"{_base(cast)}{assessment.pk}"
    response = client.get(f"{url}/edit/", follow=True)
    assert response.redirect_chain[-1][0] == f"{url}/" and message in _banner(response)
    attempts = {
        "edit": _post(cast, outcomes, effects={outcomes[0]: (Effect.STRONG_NEGATIVE, "Rewritten")}, version=1),
        "submit": {"version": "1"},
        "decide": {
            "version": "1",
            "decision": "rejected",
            "decision_date_0": "1",
            "decision_date_1": "1",
            "decision_date_2": "2026",
            "decision_maker": "Someone else",
        },
    }
    for action, data in attempts.items():
        response = client.post(f"{url}/{action}/", data, follow=True)
        assert message in _banner(response), action
    assessment.refresh_from_db()
    assert (assessment.title, assessment.decision, assessment.decision_maker, assessment.version) == (
        assessment.title,
        Decision.APPROVED,
        "Council",
        1,
    )
    assert set(assessment.effects.values_list("effect", flat=True)) == {Effect.POSITIVE}
    assert assessment.history.count() == 1


def test_the_update_service_refuses_a_decided_assessment_even_without_the_view(cast, outcomes):
    from wellbeing.decision_forms import DecisionAssessmentForm, effect_formset

    assessment = _assessment(cast, outcomes, status=Status.SUBMITTED)
    data = _post(cast, outcomes, effects=_all_scored(outcomes), version=1)
    form = DecisionAssessmentForm(data, instance=assessment, place=cast.a.place)
    effects = effect_formset(data, place=cast.a.place, assessment=assessment)
    assert form.is_valid() and effects.is_valid()
    DecisionAssessment.objects.filter(pk=assessment.pk).update(
        status=Status.DECIDED, decision=Decision.REJECTED, decision_date=date(2026, 1, 5), decision_maker="Council"
    )
    with pytest.raises(services.DecisionRefused, match="decided on 5 January 2026"):
        services.decision_assessment_update(place=cast.a.place, user=cast.a.officer, form=form, effects=effects)
    assert DecisionAssessment.objects.get(pk=assessment.pk).title != "Close the Alloa day centre"


# --- Tenancy and concurrency ----------------------------------------------------------------------


def test_another_places_assessment_is_404_by_every_route(client, cast, outcomes):
    b_assessment = DecisionAssessmentFactory(place=cast.b.place, title="Secret proposal of Place B")
    client.force_login(cast.a.place_admin)
    base = f"{_base(cast)}{b_assessment.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.get(f"{base}/edit/").status_code == 404
    for action in ("edit", "submit", "decide"):
        assert client.post(f"{base}/{action}/", {"version": "1", "title": "Taken"}).status_code == 404
    assert "Secret proposal" not in client.get(_base(cast)).content.decode()
    b_assessment.refresh_from_db()
    assert (b_assessment.title, b_assessment.status) == ("Secret proposal of Place B", Status.DRAFT)


def test_the_second_of_two_concurrent_edits_is_refused_with_the_input_kept(client, cast, outcomes):
    assessment = _assessment(cast, outcomes, scored=False)
    url = f"{_base(cast)}{assessment.pk}/edit/"
    client.force_login(cast.a.place_admin)
    first = _post(cast, outcomes, version=1, title="First edit")
    assert client.post(url, first).status_code == 302
    client.force_login(cast.a.officer)
    second = _post(cast, outcomes, effects={outcomes[0]: (Effect.NEGATIVE, "My reason")}, version=1, title="Second")
    response = client.post(url, second)
    assert response.status_code == 200
    assert any("saved changes to this assessment while you were editing it" in e for e in _errors(response))
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_title")["value"] == "Second"
    assert soup.select_one('input[name="effects-0-effect"][checked]')["value"] == "negative"
    assert soup.select_one('textarea[name="effects-0-reason"]').get_text(strip=True) == "My reason"
    assert soup.select_one('input[name="version"]')["value"] == "2"  # saving again overwrites, deliberately
    assessment.refresh_from_db()
    assert (assessment.title, assessment.version) == ("First edit", 2)
    assert not OutcomeEffect.objects.exists()


def test_a_decision_on_a_version_changed_since_the_page_was_opened_is_refused(client, cast, outcomes):
    assessment = _assessment(cast, outcomes, status=Status.SUBMITTED, version=3)
    client.force_login(cast.a.place_admin)
    today = timezone.localdate()
    response = client.post(
        f"{_base(cast)}{assessment.pk}/decide/",
        {
            "version": "2",
            "decision": "approved",
            "decision_date_0": str(today.day),
            "decision_date_1": str(today.month),
            "decision_date_2": str(today.year),
            "decision_maker": "Council",
        },
        follow=True,
    )
    assert "after you opened it, so nothing was done" in _banner(response)
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED


# --- The register and the summary -----------------------------------------------------------------


def test_the_register_filters_by_status_kind_decision_year_and_harmed_outcome(client, cast, outcomes):
    this_year = timezone.localdate().year
    draft = _assessment(cast, outcomes, title="Draft budget", kind="budget")
    decided = _assessment(
        cast, outcomes, status=Status.DECIDED, title="Old policy", kind="policy", decision_date=date(2024, 5, 1)
    )
    harmful = _assessment(cast, outcomes, status=Status.SUBMITTED, title="Harmful procurement", kind="procurement")
    OutcomeEffect.objects.filter(assessment=harmful, outcome=outcomes[1]).update(effect=Effect.STRONG_NEGATIVE)
    client.force_login(cast.a.viewer)

    def listed(query: str) -> list[str]:
        soup = BeautifulSoup(client.get(f"{_base(cast)}?{query}").content, "html.parser")
        return sorted(a.get_text(strip=True) for a in soup.select("tbody th a"))

    assert listed("") == sorted([draft.title, decided.title, harmful.title])
    assert listed("status=draft&status=submitted") == ["Draft budget", "Harmful procurement"]
    assert listed("kind=policy") == ["Old policy"]
    assert listed("decision=approved") == ["Old policy"]
    assert listed("year=2024") == ["Old policy"]
    assert listed(f"year={this_year}") == []
    assert listed(f"harms={outcomes[1].pk}") == ["Harmful procurement"]
    assert listed(f"harms={outcomes[0].pk}") == []
    b_outcome = WellbeingOutcome.objects.get(place=cast.b.place)
    response = client.get(f"{_base(cast)}?harms={b_outcome.pk}")
    assert listed(f"harms={b_outcome.pk}") == []
    assert "These filters cannot be used" in response.content.decode()


def test_the_summary_counts_decisions_that_go_ahead_by_year_and_effect(client, cast, outcomes):
    first, second, third = outcomes
    this_year = timezone.localdate().year
    on = date(this_year, 1, 1)

    def decided(title, decision, when, effects):
        assessment = _assessment(
            cast, outcomes, scored=False, status=Status.DECIDED, title=title, decision=decision, decision_date=when
        )
        for outcome, effect in effects.items():
            OutcomeEffectFactory(assessment=assessment, outcome=outcome, effect=effect)

    decided("A", Decision.APPROVED, on, {first: Effect.STRONG_POSITIVE, second: Effect.NEGATIVE, third: "neutral"})
    decided("B", Decision.APPROVED_WITH_CHANGES, on, {first: Effect.POSITIVE, second: Effect.STRONG_NEGATIVE})
    decided("C", Decision.REJECTED, on, {first: Effect.POSITIVE, second: Effect.NEGATIVE})  # not counted
    decided("D", Decision.APPROVED, date(this_year - 1, 12, 31), {first: Effect.NEGATIVE, third: Effect.POSITIVE})
    submitted = _assessment(cast, outcomes, status=Status.SUBMITTED, title="E")  # not decided: not counted
    assert submitted.effects.count() == 3
    client.force_login(cast.a.analyst)

    def table(query: str = "") -> dict[str, list[str]]:
        soup = BeautifulSoup(client.get(f"{_base(cast)}summary/{query}").content, "html.parser")
        return {
            row.th.get_text(strip=True): [td.get_text(" ", strip=True).split(" ")[0] for td in row.select("td")[1:]]
            for row in soup.select("tbody tr")
        }

    assert table() == {
        first.title: ["2", "0", "0"],
        second.title: ["0", "2", "0"],
        third.title: ["0", "0", "1"],
    }
    assert table(f"?year={this_year - 1}") == {
        first.title: ["0", "1", "0"],
        second.title: ["0", "0", "0"],
        third.title: ["1", "0", "0"],
    }
    summary_text = client.get(f"{_base(cast)}summary/").content.decode()
    assert "3 decisions were recorded" in summary_text and "of which 2 go ahead" in summary_text
    assert "Choose one of the years listed" in client.get(f"{_base(cast)}summary/?year=1850").content.decode()


def _queries(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def _grow(cast, outcomes, count: int) -> None:
    for number in range(count):
        status = [Status.DRAFT, Status.SUBMITTED, Status.DECIDED][number % 3]
        assessment = _assessment(cast, outcomes, status=status, title=f"Proposal {number}")
        OutcomeEffect.objects.filter(assessment=assessment, outcome=outcomes[0]).update(effect=Effect.NEGATIVE)


def test_register_queries_do_not_grow_with_assessments(client, cast, outcomes):
    # 1 session, 1 user, 1 memberships (access), 1 years for the year filter, 1 the chosen outcome
    # checked to be the place's, 1 count, 1 the page of assessments with owners and effect counts,
    # 1 outcomes for the "expected to harm" select.
    client.force_login(cast.a.viewer)
    url = f"{_base(cast)}?status=draft&status=submitted&status=decided&harms={outcomes[0].pk}"
    _grow(cast, outcomes, 2)
    few, _ = _queries(client, url)
    _grow(cast, outcomes, 18)
    many, sql = _queries(client, url)
    assert few == many == 8, "\n".join(sql)


def test_summary_queries_do_not_grow_with_decisions(client, cast, outcomes):
    # 1 session, 1 user, 1 memberships (access), 1 years for the select, 1 outcomes with their
    # counts, 1 the year's totals.
    client.force_login(cast.a.viewer)
    url = f"{_base(cast)}summary/"
    _grow(cast, outcomes, 2)
    few, _ = _queries(client, url)
    _grow(cast, outcomes, 18)
    many, sql = _queries(client, url)
    assert few == many == 6, "\n".join(sql)


def test_the_summary_page_and_register_show_the_counted_numbers(client, cast, outcomes):
    _grow(cast, outcomes, 3)  # one draft, one submitted, one decided (approved today)
    client.force_login(cast.a.viewer)
    soup = BeautifulSoup(client.get(f"{_base(cast)}summary/").content, "html.parser")
    harmed = soup.find("a", string=outcomes[0].title).find_parent("tr").select("td")[2]
    assert harmed.get_text(" ", strip=True).startswith("1")
    assert client.get(harmed.a["href"]).status_code == 200


# --- The demo -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("reference_data")
def test_the_demo_has_one_draft_one_submitted_and_one_decided_assessment_and_seeds_idempotently():
    place = demo_place_seed().place
    history = DecisionAssessment.history.count() + OutcomeEffect.history.count()
    demo_place_seed()
    assessments = DecisionAssessment.objects.filter(place=place)
    assert sorted(assessments.values_list("status", flat=True)) == ["decided", "draft", "submitted"]
    assert assessments.count() == len(DEMO_DECISIONS) == 3
    assert DecisionAssessment.history.count() + OutcomeEffect.history.count() == history  # nothing rewritten
    submitted = assessments.get(status=Status.SUBMITTED)
    assert not services.missing_effects(submitted)
    assert services.missing_effects(assessments.get(status=Status.DRAFT))
    assert not OutcomeEffect.objects.filter(assessment__place=place).exclude(outcome__place=place).exists()
