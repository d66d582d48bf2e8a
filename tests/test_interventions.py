"""Recording interventions: the form and its outcome links, validation, tenancy, safe concurrent
edits and history."""

from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interventions.models import Contribution, Intervention
from partnerships.models import Organisation
from tests.factories import ContributionFactory, InterventionFactory, OrganisationFactory, WellbeingOutcomeFactory
from wellbeing.fields import FORM_OUT_OF_DATE
from wellbeing.models import CwbPillar, WellbeingOutcome


def _date(prefix: str, value: date | None) -> dict:
    if value is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {f"{prefix}_0": str(value.day), f"{prefix}_1": str(value.month), f"{prefix}_2": str(value.year)}


def _management(total: int, initial: int = 0) -> dict:
    return {
        "contributions-TOTAL_FORMS": str(total),
        "contributions-INITIAL_FORMS": str(initial),
        "contributions-MIN_NUM_FORMS": "0",
        "contributions-MAX_NUM_FORMS": "1000",
    }


def _row(index: int, outcome, **values) -> dict:
    prefix = f"contributions-{index}"
    row = {
        f"{prefix}-outcome": str(outcome.pk) if outcome else "",
        f"{prefix}-strength": values.get("strength", "primary"),
        f"{prefix}-effectiveness": values.get("effectiveness", "unknown"),
        f"{prefix}-basis": values.get("basis", "expected"),
        f"{prefix}-evidence_note": values.get("evidence_note", ""),
        **_date(f"{prefix}-assessed_on", values.get("assessed_on")),
    }
    if "id" in values:
        row[f"{prefix}-id"] = str(values["id"])
        row[f"{prefix}-version"] = str(values.get("version", 1))
    return row


def _intervention_post(cast, **overrides) -> dict:
    lead = overrides.pop("lead", None) or OrganisationFactory(place=cast.a.place, name="Clacks Works")
    data = {
        "title": "Fair Start employability",
        "kind": "programme",
        "level": "local",
        "status": "active",
        "lead_organisation": str(lead.pk),
        "new_lead_organisation": "",
        "new_partners": "",
        "owner": str(cast.a.officer.pk),
        "budget_gbp": "125000",
        "funding_source": "No One Left Behind",
        "description": "Keyworker support into fair work.",
        "evidence_links": "https://www.gov.scot/policies/employment-support/",
        **_date("start_date", date(2024, 4, 1)),
        **_date("end_date", date(2027, 3, 31)),
        **_management(0),
    }
    data.update(overrides)
    return data


def _errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".govuk-error-summary__list li")]


@pytest.fixture
def outcomes(cast):
    first = WellbeingOutcome.objects.get(place=cast.a.place)
    second = WellbeingOutcomeFactory(place=cast.a.place, title="Outcomes for young people", priority_rank=2)
    return first, second


def test_an_officer_adds_an_intervention_with_two_outcome_links(client, cast, outcomes):
    client.force_login(cast.a.officer)
    pillar = CwbPillar.objects.get(code="workforce")
    data = _intervention_post(
        cast,
        cwb_pillars=[str(pillar.pk)],
        new_partners="Forth Valley College\n  clacks works  \n",
        **_management(2),
        **_row(0, outcomes[0], effectiveness="strong", basis="evaluated", evidence_note="2024 evaluation"),
        **_row(1, outcomes[1], strength="enabling"),
    )
    response = client.post(f"/places/{cast.a.place.slug}/interventions/new/", data)
    assert response.status_code == 302, _errors(response)
    intervention = Intervention.objects.get(title="Fair Start employability")
    assert response.headers["Location"] == f"/places/{cast.a.place.slug}/interventions/{intervention.pk}/"
    assert intervention.place == cast.a.place and intervention.version == 1
    # "clacks works" is the lead already there (names match ignoring case); the college is new.
    assert sorted(p.name for p in intervention.partners.all()) == ["Clacks Works", "Forth Valley College"]
    assert Organisation.objects.get(name="Forth Valley College").place == cast.a.place
    strong, enabling = intervention.contributions.order_by("outcome__priority_rank")
    assert (strong.effectiveness, strong.assessed_by, strong.assessed_on) == (
        "strong",
        cast.a.officer,
        timezone.localdate(),
    )
    # Nothing was judged on the second link, so it is not signed as assessed.
    assert (enabling.strength, enabling.assessed_by, enabling.assessed_on) == ("enabling", None, None)
    page = client.get(response.headers["Location"]).content.decode()
    assert "Fair work for women in Place A" in page and "Outcomes for young people" in page
    assert "Created: Intervention" in page and "Created: Link to ‘Outcomes for young people’" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "  "}, "Enter the title of the intervention"),
        ({"lead_organisation": ""}, "Choose the lead organisation, or type the name of a new one below it"),
        ({"owner": ""}, "Choose the person who owns this record"),
        ({"kind": "strategy"}, "Select a valid choice"),
        ({"level": "national"}, "Select a valid choice"),
        (_date("end_date", date(2020, 1, 1)), "End date must be the same as or after the start date"),
        ({"budget_gbp": "-5"}, "Budget cannot be negative"),
        ({"budget_gbp": "lots"}, "Budget must be a number of pounds, like 25000 or 25000.50"),
        ({"evidence_links": "www.example.org"}, "Line 1 is not a web address"),
        ({"start_date_0": "31", "start_date_1": "2", "start_date_2": "2025"}, "Start date must be a real date"),
    ],
)
def test_bad_input_gets_a_specific_message_and_nothing_is_saved(client, cast, overrides, message):
    client.force_login(cast.a.officer)
    response = client.post(f"/places/{cast.a.place.slug}/interventions/new/", _intervention_post(cast, **overrides))
    assert response.status_code == 200
    assert any(message in error for error in _errors(response)), _errors(response)
    assert "Error:" in response.content.decode().split("</title>")[0]
    assert not Intervention.objects.exists()


def test_another_places_outcome_or_organisation_cannot_be_chosen(client, cast, outcomes):
    client.force_login(cast.a.officer)
    b_outcome = WellbeingOutcome.objects.get(place=cast.b.place)
    b_org = OrganisationFactory(place=cast.b.place, name="Place B's secret partner")
    data = _intervention_post(
        cast, partners=[str(b_org.pk)], **_management(1), **_row(0, b_outcome, effectiveness="strong")
    )
    response = client.post(f"/places/{cast.a.place.slug}/interventions/new/", data)
    errors = _errors(response)
    assert "Outcome link 1: Choose one of this place's wellbeing outcomes" in errors
    assert any("Choose partner organisations from the list" in e for e in errors), errors
    assert not Intervention.objects.exists()
    assert "Place B's secret partner" not in response.content.decode()

    response = client.post(
        f"/places/{cast.a.place.slug}/interventions/new/", _intervention_post(cast, lead=b_org, title="Other")
    )
    assert "Choose the lead organisation from the list" in " ".join(_errors(response))


def test_the_same_outcome_twice_is_refused_on_the_row(client, cast, outcomes):
    client.force_login(cast.a.officer)
    data = _intervention_post(cast, **_management(2), **_row(0, outcomes[0]), **_row(1, outcomes[0]))
    response = client.post(f"/places/{cast.a.place.slug}/interventions/new/", data)
    assert "Outcome link 2: ‘Fair work for women in Place A’ is already linked in outcome link 1: choose it once" in (
        _errors(response)
    )
    assert not Intervention.objects.exists()


def test_a_new_lead_organisation_is_added_inline_and_a_duplicate_title_is_refused(client, cast):
    client.force_login(cast.a.officer)
    url = f"/places/{cast.a.place.slug}/interventions/new/"
    data = _intervention_post(cast, new_lead_organisation="  Clackmannanshire   Third Sector Interface ")
    data["lead_organisation"] = ""
    assert client.post(url, data).status_code == 302
    assert Intervention.objects.get().lead_organisation.name == "Clackmannanshire Third Sector Interface"
    response = client.post(url, {**data, "title": "FAIR START EMPLOYABILITY"})
    assert any("already has an intervention called ‘Fair Start employability’" in e for e in _errors(response))
    assert Intervention.objects.count() == 1


def _edit_url(cast, intervention) -> str:
    return f"/places/{cast.a.place.slug}/interventions/{intervention.pk}/edit/"


def test_the_second_of_two_concurrent_edits_is_refused_and_keeps_its_input(client, cast, outcomes):
    intervention = InterventionFactory(place=cast.a.place, title="Retrofit pilot", owner=cast.a.officer)
    lead = intervention.lead_organisation
    # Both people open the form at version 1.
    first = _intervention_post(cast, lead=lead, title="Retrofit pilot", status="paused", version="1")
    second = _intervention_post(
        cast,
        lead=lead,
        title="Retrofit pilot",
        budget_gbp="999",
        version="1",
        **_management(1),
        **_row(0, outcomes[1], evidence_note="Typed by the second person"),
    )
    client.force_login(cast.a.place_admin)
    assert client.post(_edit_url(cast, intervention), first).status_code == 302
    client.force_login(cast.a.officer)
    response = client.post(_edit_url(cast, intervention), second)
    assert response.status_code == 200
    errors = _errors(response)
    assert any("saved changes to this intervention while you were editing it" in e for e in errors), errors
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_budget_gbp")["value"] == "999"  # their input is kept
    assert soup.select_one("input[name=version]")["value"] == "2"
    assert soup.select_one("#id_contributions-0-evidence_note").get_text().strip() == "Typed by the second person"
    intervention.refresh_from_db()
    assert (intervention.status, intervention.budget_gbp, intervention.version) == ("paused", 125000, 2)
    # Having seen the other change, saving again is a deliberate overwrite.
    assert client.post(_edit_url(cast, intervention), {**second, "version": "2"}).status_code == 302
    intervention.refresh_from_db()
    assert (intervention.budget_gbp, intervention.version) == (999, 3)


def test_a_missing_or_tampered_version_is_refused_not_an_overwrite(client, cast):
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    client.force_login(cast.a.officer)
    # Missing: the form cannot tell whose save came first, and says the form is out of date (not
    # that someone else saved). Tampered: the stored version differs, so it is a conflict.
    for version, message in ((None, FORM_OUT_OF_DATE), ("", FORM_OUT_OF_DATE), ("7", "while you were editing it")):
        data = _intervention_post(cast, lead=intervention.lead_organisation, title="Changed")
        if version is not None:
            data["version"] = version
        response = client.post(_edit_url(cast, intervention), data)
        assert response.status_code == 200
        assert any(message in e for e in _errors(response)), _errors(response)
    intervention.refresh_from_db()
    assert intervention.title != "Changed"
    assert intervention.version == 1


def test_editing_links_records_history_with_who_and_what(client, cast, outcomes):
    intervention = InterventionFactory(place=cast.a.place, title="Living wage drive", owner=cast.a.officer)
    link = ContributionFactory(intervention=intervention, outcome=outcomes[0], effectiveness="moderate")
    client.force_login(cast.a.officer)
    data = _intervention_post(
        cast,
        lead=intervention.lead_organisation,
        title="Living wage drive",
        status="completed",
        version="1",
        **_management(2, initial=1),
        **_row(0, outcomes[0], id=link.pk, effectiveness="strong", basis="evaluated", strength="primary"),
        **_row(1, None),
    )
    data["contributions-0-evidence_note"] = link.evidence_note
    response = client.post(_edit_url(cast, intervention), data)
    assert response.status_code == 302, _errors(response)
    link.refresh_from_db()
    assert (link.effectiveness, link.assessed_by) == ("strong", cast.a.officer)
    page = BeautifulSoup(client.get(response.headers["Location"]).content, "html.parser")
    history = page.select_one("#history-caption").find_parent("table").get_text(" ", strip=True)
    assert "Status : Active → Completed" in history
    assert "Effectiveness : Moderate → Strong" in history
    assert cast.a.officer.get_full_name() in history


def test_deleting_a_link_is_recorded(client, cast, outcomes):
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    link = ContributionFactory(intervention=intervention, outcome=outcomes[0])
    client.force_login(cast.a.officer)
    data = _intervention_post(
        cast,
        lead=intervention.lead_organisation,
        title=intervention.title,
        version="1",
        **_management(1, initial=1),
        **_row(0, outcomes[0], id=link.pk, effectiveness=link.effectiveness, basis=link.basis),
    )
    data["contributions-0-DELETE"] = "on"
    assert client.post(_edit_url(cast, intervention), data).status_code == 302
    assert not Contribution.objects.exists()
    page = client.get(f"/places/{cast.a.place.slug}/interventions/{intervention.pk}/").content.decode()
    assert "Deleted: Link to ‘Fair work for women in Place A’" in page


@pytest.fixture
def national(cast):
    scotgov = OrganisationFactory(place=None, name="Scottish Government", sector="public")
    return InterventionFactory(place=None, level="national", title="Scottish Child Payment", lead_organisation=scotgov)


def test_a_national_intervention_is_shared_read_only_and_each_place_keeps_its_own_links(client, cast, national):
    a_link = ContributionFactory(
        intervention=national, outcome=WellbeingOutcome.objects.get(place=cast.a.place), evidence_note="A's note"
    )
    ContributionFactory(
        intervention=national, outcome=WellbeingOutcome.objects.get(place=cast.b.place), evidence_note="B's note"
    )
    client.force_login(cast.b.officer)
    page = client.get(f"/places/{cast.b.place.slug}/interventions/{national.pk}/").content.decode()
    assert "Scottish Child Payment" in page and "shared with every place" in page
    assert "B&#x27;s note" in page and "A&#x27;s note" not in page and "Fair work for women" not in page
    assert "Scottish Child Payment" in client.get(f"/places/{cast.b.place.slug}/interventions/").content.decode()

    # Place A changes only its own link; the intervention itself is not edited by a place.
    client.force_login(cast.a.officer)
    form_page = client.get(f"/places/{cast.a.place.slug}/interventions/{national.pk}/edit/").content.decode()
    assert 'name="title"' not in form_page
    data = {
        **_management(1, initial=1),
        **_row(0, a_link.outcome, id=a_link.pk, effectiveness="limited", basis="monitored", evidence_note="A's note"),
        "title": "Hijacked",
    }
    response = client.post(f"/places/{cast.a.place.slug}/interventions/{national.pk}/edit/", data)
    assert response.status_code == 302, _errors(response)
    national.refresh_from_db()
    a_link.refresh_from_db()
    assert national.title == "Scottish Child Payment" and national.version == 1
    assert a_link.effectiveness == "limited"
    # B sees neither A's link nor its history.
    client.force_login(cast.b.officer)
    page = client.get(f"/places/{cast.b.place.slug}/interventions/{national.pk}/").content.decode()
    assert "Fair work for women" not in page and "Limited" not in page


def test_a_viewer_sees_no_edit_controls(client, cast, outcomes):
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    client.force_login(cast.a.viewer)
    for path in (
        f"/places/{cast.a.place.slug}/interventions/{intervention.pk}/",
        f"/places/{cast.a.place.slug}/outcomes/{outcomes[0].pk}/",
        f"/places/{cast.a.place.slug}/outcomes/",
    ):
        page = client.get(path).content.decode()
        assert "/edit/" not in page and "/new/" not in page, path


def test_stale_assessments_are_flagged(client, cast, outcomes, settings):
    settings.ASSESSMENT_STALE_AFTER_DAYS = 30
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    long_ago = timezone.localdate() - timedelta(days=45)
    ContributionFactory(intervention=intervention, outcome=outcomes[0], assessed_on=long_ago)
    ContributionFactory(intervention=intervention, outcome=outcomes[1], assessed_on=timezone.localdate())
    client.force_login(cast.a.viewer)
    page = client.get(f"/places/{cast.a.place.slug}/interventions/{intervention.pk}/").content.decode()
    assert page.count("Out of date") == 1
    outcome_page = client.get(f"/places/{cast.a.place.slug}/outcomes/{outcomes[0].pk}/").content.decode()
    assert "Out of date" in outcome_page
    listing = client.get(f"/places/{cast.a.place.slug}/outcomes/").content.decode()
    assert "1 out of date" in listing


def test_the_edit_page_offers_to_remove_each_link(client, cast, outcomes):
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    ContributionFactory(intervention=intervention, outcome=outcomes[0])
    client.force_login(cast.a.officer)
    soup = BeautifulSoup(client.get(_edit_url(cast, intervention)).content, "html.parser")
    checkbox = soup.select_one("input[type=checkbox][name='contributions-0-DELETE']")
    assert checkbox is not None
    assert soup.select_one(f"label[for='{checkbox['id']}']").get_text(strip=True) == "Remove this link"


def test_rejudging_a_link_dates_it_today_unless_a_date_is_given(client, cast, outcomes):
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    long_ago = timezone.localdate() - timedelta(days=500)
    link = ContributionFactory(intervention=intervention, outcome=outcomes[0], assessed_on=long_ago)
    client.force_login(cast.a.officer)
    data = _intervention_post(
        cast,
        lead=intervention.lead_organisation,
        title=intervention.title,
        version="1",
        **_management(1, initial=1),
        **_row(0, outcomes[0], id=link.pk, effectiveness="strong", basis=link.basis, assessed_on=long_ago),
    )
    assert client.post(_edit_url(cast, intervention), data).status_code == 302
    link.refresh_from_db()
    assert (link.effectiveness, link.assessed_on, link.version) == ("strong", timezone.localdate(), 2)


def test_a_stale_link_on_a_national_intervention_is_a_conflict_not_an_overwrite(client, cast, national):
    link = ContributionFactory(intervention=national, outcome=WellbeingOutcome.objects.get(place=cast.a.place))
    url = f"/places/{cast.a.place.slug}/interventions/{national.pk}/edit/"
    opened_at = {**_management(1, initial=1), **_row(0, link.outcome, id=link.pk, version=1)}
    client.force_login(cast.a.place_admin)
    first = {**opened_at, "contributions-0-effectiveness": "strong"}
    assert client.post(url, first).status_code == 302
    client.force_login(cast.a.officer)
    second = {**opened_at, "contributions-0-evidence_note": "From the 2025 survey"}
    response = client.post(url, second)
    assert response.status_code == 200
    assert any("saved changes to this intervention while you were editing it" in e for e in _errors(response))
    link.refresh_from_db()
    assert (link.effectiveness, link.evidence_note, link.version) == ("strong", "", 2)
    # The officer's note is still on the form, and saving again now is deliberate.
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#id_contributions-0-evidence_note").get_text().strip() == "From the 2025 survey"
    assert client.post(url, {**second, "contributions-0-version": "2"}).status_code == 302


def test_an_outcome_linked_by_someone_else_meanwhile_is_a_row_error_not_a_crash(client, cast, outcomes):
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    ContributionFactory(intervention=intervention, outcome=outcomes[0])  # saved by someone else meanwhile
    client.force_login(cast.a.officer)
    data = _intervention_post(
        cast,
        lead=intervention.lead_organisation,
        title=intervention.title,
        version="1",
        **_management(1),
        **_row(0, outcomes[0]),
    )
    response = client.post(_edit_url(cast, intervention), data)
    assert response.status_code == 200
    assert any("Someone else linked ‘Fair work for women in Place A’" in e for e in _errors(response))


def test_swapping_two_links_outcomes_is_explained_not_a_crash(client, cast, outcomes):
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    first = ContributionFactory(intervention=intervention, outcome=outcomes[0])
    second = ContributionFactory(intervention=intervention, outcome=outcomes[1])
    client.force_login(cast.a.officer)
    data = _intervention_post(
        cast,
        lead=intervention.lead_organisation,
        title=intervention.title,
        version="1",
        **_management(2, initial=2),
        **_row(0, outcomes[1], id=first.pk, effectiveness=first.effectiveness, basis=first.basis),
        **_row(1, outcomes[0], id=second.pk, effectiveness=second.effectiveness, basis=second.basis),
    )
    response = client.post(_edit_url(cast, intervention), data)
    assert response.status_code == 200
    assert any("save one change at a time" in e for e in _errors(response))
    first.refresh_from_db()
    intervention.refresh_from_db()
    assert first.outcome == outcomes[0] and intervention.version == 1  # nothing half-saved


def test_the_page_survives_a_deleted_partner_and_records_a_links_new_outcome(client, cast, outcomes):
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    gone = OrganisationFactory(place=cast.a.place, name="Wound-up trust")
    intervention.partners.add(gone)
    link = ContributionFactory(intervention=intervention, outcome=outcomes[0])
    link.outcome = outcomes[1]
    link.save()
    gone.delete()
    client.force_login(cast.a.viewer)
    page = client.get(f"/places/{cast.a.place.slug}/interventions/{intervention.pk}/")
    assert page.status_code == 200
    history = BeautifulSoup(page.content, "html.parser").select_one("#history-caption").find_parent("table")
    assert "Outcome : Fair work for women in Place A → Outcomes for young people" in history.get_text(" ", strip=True)


def test_edit_form_queries_do_not_grow_with_links(client, cast):
    intervention = InterventionFactory(place=cast.a.place, owner=cast.a.officer)
    client.force_login(cast.a.officer)
    url = _edit_url(cast, intervention)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    ContributionFactory(intervention=intervention, outcome=WellbeingOutcome.objects.get(place=cast.a.place))
    few = count()
    for _ in range(8):
        ContributionFactory(intervention=intervention, outcome=WellbeingOutcomeFactory(place=cast.a.place))
    assert count() == few


def test_another_places_person_cannot_be_made_owner(client, cast):
    client.force_login(cast.a.officer)
    response = client.post(
        f"/places/{cast.a.place.slug}/interventions/new/", _intervention_post(cast, owner=str(cast.b.officer.pk))
    )
    assert any("owner" in error.lower() for error in _errors(response)), _errors(response)
    assert not Intervention.objects.exists()


def test_another_places_link_on_a_national_intervention_cannot_be_changed(client, cast, national):
    b_link = ContributionFactory(
        intervention=national, outcome=WellbeingOutcome.objects.get(place=cast.b.place), evidence_note="B's note"
    )
    client.force_login(cast.a.officer)
    a_outcome = WellbeingOutcome.objects.get(place=cast.a.place)
    data = {
        **_management(1, initial=1),
        **_row(0, a_outcome, id=b_link.pk, effectiveness="limited", evidence_note="Overwritten by A"),
    }
    response = client.post(f"/places/{cast.a.place.slug}/interventions/{national.pk}/edit/", data)
    assert response.status_code == 200 and _errors(response)
    b_link.refresh_from_db()
    assert (b_link.outcome.place, b_link.evidence_note, b_link.version) == (cast.b.place, "B's note", 1)
    assert "B&#x27;s note" not in response.content.decode()


def test_a_place_intervention_always_has_an_owner(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        InterventionFactory(place=cast.a.place, owner=None)
    assert InterventionFactory(place=None, level="national", owner=None).owner is None


def test_a_link_never_joins_one_places_intervention_to_another_places_outcome(cast):
    from django.core.exceptions import ValidationError

    link = Contribution(
        intervention=InterventionFactory(place=cast.a.place), outcome=WellbeingOutcome.objects.get(place=cast.b.place)
    )
    with pytest.raises(ValidationError, match="the place this intervention belongs to"):
        link.full_clean()
    national = InterventionFactory(place=None, level="national")
    Contribution(intervention=national, outcome=WellbeingOutcome.objects.get(place=cast.b.place)).full_clean()
