"""A partnership's delivery groups: the group's page and its links to the dashboard and the register,
the form and its scoped choices, other partnerships' and places' objects, concurrent edits, history
and the query budget."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import DeliveryGroup
from partnerships.partnership_forms import DeliveryGroupForm
from partnerships.partnership_services import NOT_A_MEMBER, OTHER_PLACES_OUTCOME, group_save
from tests.factories import (
    DeliveryGroupFactory,
    OrganisationFactory,
    PartnershipFactory,
    PartnershipMembershipFactory,
    WellbeingOutcomeFactory,
)
from wellbeing.fields import FORM_OUT_OF_DATE
from wellbeing.models import Role, WellbeingOutcome


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _errors(response) -> list[str]:
    return [li.get_text(" ", strip=True) for li in _soup(response).select(".govuk-error-summary__list li")]


def _setting(place):
    """A partnership with two current members, one that has left, and the place's two outcomes."""
    partnership = PartnershipFactory(place=place, name="Anchor partnership")
    council = OrganisationFactory(place=place, name="Council")
    college = OrganisationFactory(place=place, name="College")
    gone = OrganisationFactory(place=place, name="Former member")
    PartnershipMembershipFactory(partnership=partnership, organisation=council)
    PartnershipMembershipFactory(partnership=partnership, organisation=college)
    PartnershipMembershipFactory(partnership=partnership, organisation=gone, left_on=datetime.date(2024, 1, 1))
    outcomes = [
        WellbeingOutcome.objects.get(place=place),
        WellbeingOutcomeFactory(place=place, title="Outcomes for young people", priority_rank=2),
    ]
    return partnership, {"council": council, "college": college, "gone": gone}, outcomes


def _post(organisations, outcomes, **overrides) -> dict:
    return {
        "name": "Fair work delivery group",
        "remit": "Roll out the Good Employment Charter.",
        "outcomes": [str(outcome.pk) for outcome in outcomes],
        "lead_organisation": str(organisations["council"].pk),
        "members": [str(organisations["council"].pk), str(organisations["college"].pk)],
        **overrides,
    }


def _url(partnership, suffix: str = "") -> str:
    return f"/places/{partnership.place.slug}/partnerships/{partnership.pk}/groups/{suffix}"


def test_a_lead_creates_a_group_and_its_page_links_to_the_dashboard_and_the_register(client, cast):
    partnership, organisations, outcomes = _setting(cast.a.place)
    client.force_login(cast.a.partnership_lead)
    response = client.post(_url(partnership, "new/"), _post(organisations, outcomes[:1]))
    assert response.status_code == 302, _errors(response)
    group = DeliveryGroup.objects.get()
    assert response.headers["Location"] == _url(partnership, f"{group.pk}/")
    assert (group.lead_organisation, set(group.members.all()), list(group.outcomes.all())) == (
        organisations["council"],
        {organisations["council"], organisations["college"]},
        outcomes[:1],
    )

    soup = _soup(client.get(response.headers["Location"]))
    text = " ".join(soup.get_text(" ").split())
    assert "Roll out the Good Employment Charter." in text and "Anchor partnership" in text
    assert "Council" in text and "College" in text and "Fair work for women in Place A" in text
    dashboard = soup.find("a", string="Open the group's dashboard")
    assert dashboard["href"] == f"/places/place-a/groups/{group.pk}/dashboard/"
    register = soup.find("a", string="See its interventions in the register")
    assert register["href"] == f"/places/place-a/interventions/?group={group.pk}"
    assert soup.find("a", href=f"/places/place-a/outcomes/{outcomes[0].pk}/")


def test_the_form_offers_only_current_members_and_the_places_outcomes(client, cast):
    partnership, _, _ = _setting(cast.a.place)
    OrganisationFactory(place=cast.a.place, name="Not in the partnership")
    client.force_login(cast.a.partnership_lead)
    page = client.get(_url(partnership, "new/")).content.decode()
    assert "Council" in page and "College" in page and "Outcomes for young people" in page
    assert "Former member" not in page and "Not in the partnership" not in page
    assert "Secret outcome of Place B" not in page
    assert "Only current members of Anchor partnership can be chosen" in page


@pytest.mark.parametrize("who", ["gone", "outsider", "other_place"])
def test_an_organisation_that_is_not_a_current_member_is_a_form_error(client, cast, who):
    partnership, organisations, outcomes = _setting(cast.a.place)
    other = {
        "gone": organisations["gone"],
        "outsider": OrganisationFactory(place=cast.a.place, name="Not in the partnership"),
        "other_place": OrganisationFactory(place=cast.b.place, name="Place B College"),
    }[who]
    client.force_login(cast.a.partnership_lead)
    for overrides in ({"lead_organisation": str(other.pk)}, {"members": [str(other.pk)]}):
        response = client.post(_url(partnership, "new/"), _post(organisations, outcomes, **overrides))
        assert response.status_code == 200
        assert any(
            "Choose organisations that are current members of Anchor partnership" in e for e in _errors(response)
        )
    assert not DeliveryGroup.objects.exists()


def test_another_places_outcome_is_a_form_error_and_the_service_refuses_it_too(client, cast):
    partnership, organisations, outcomes = _setting(cast.a.place)
    b_outcome = WellbeingOutcome.objects.get(place=cast.b.place)
    client.force_login(cast.a.partnership_lead)
    response = client.post(_url(partnership, "new/"), _post(organisations, [b_outcome]))
    assert any("Choose wellbeing outcomes of Place A only" in e for e in _errors(response)), _errors(response)
    assert "Secret outcome of Place B" not in response.content.decode()

    # A form bypassed (its choices widened) still cannot write another place's outcome or a non-member.
    form = DeliveryGroupForm(_post(organisations, outcomes), partnership=partnership)
    form.fields["outcomes"].queryset = WellbeingOutcome.objects.all()
    form.data = {**form.data, "outcomes": [str(b_outcome.pk)]}
    assert form.is_valid(), form.errors
    with pytest.raises(PermissionError, match=OTHER_PLACES_OUTCOME):
        group_save(partnership=partnership, form=form)
    form = DeliveryGroupForm(_post(organisations, outcomes), partnership=partnership)
    form.fields["members"].queryset = form.fields["members"].queryset.model.objects.all()
    form.data = {**form.data, "members": [str(organisations["gone"].pk)]}
    assert form.is_valid(), form.errors
    with pytest.raises(PermissionError, match=NOT_A_MEMBER):
        group_save(partnership=partnership, form=form)
    assert not DeliveryGroup.objects.exists()


def test_an_organisation_that_left_since_stays_choosable_on_its_group_and_is_labelled(client, cast):
    partnership, organisations, outcomes = _setting(cast.a.place)
    group = DeliveryGroupFactory(
        partnership=partnership,
        name="Old group",
        lead_organisation=organisations["gone"],
        members=[organisations["gone"]],
    )
    client.force_login(cast.a.partnership_lead)
    page = client.get(_url(partnership, f"{group.pk}/edit/")).content.decode()
    assert "Former member (has left the partnership)" in page
    post = _post(
        organisations, outcomes, name="Old group", lead_organisation=str(organisations["gone"].pk), version="1"
    )
    post["members"] = [str(organisations["gone"].pk), str(organisations["college"].pk)]
    response = client.post(_url(partnership, f"{group.pk}/edit/"), post)
    assert response.status_code == 302, _errors(response)
    assert set(group.members.all()) == {organisations["gone"], organisations["college"]}


def test_a_group_name_is_unique_in_its_partnership_only(client, cast):
    partnership, organisations, outcomes = _setting(cast.a.place)
    DeliveryGroupFactory(partnership=partnership, name="Fair work delivery group")
    other = PartnershipFactory(place=cast.a.place)
    client.force_login(cast.a.partnership_lead)
    response = client.post(_url(partnership, "new/"), _post(organisations, outcomes, name=" fair WORK delivery group"))
    assert "Anchor partnership already has a delivery group called ‘fair WORK delivery group’" in _errors(response)
    response = client.post(_url(other, "new/"), {"name": "Fair work delivery group"})
    assert response.status_code == 302, _errors(response)


@pytest.mark.parametrize(("overrides", "message"), [({"name": ""}, "Enter the delivery group's name")])
def test_bad_group_input_is_explained(client, cast, overrides, message):
    partnership, organisations, outcomes = _setting(cast.a.place)
    client.force_login(cast.a.place_admin)
    response = client.post(_url(partnership, "new/"), _post(organisations, outcomes, **overrides))
    assert message in _errors(response)
    assert not DeliveryGroup.objects.exists()


def test_a_group_is_reached_only_under_its_own_partnership(client, cast):
    partnership, organisations, outcomes = _setting(cast.a.place)
    other = PartnershipFactory(place=cast.a.place)
    group = DeliveryGroupFactory(partnership=other, name="Other partnership's group")
    b_group = DeliveryGroupFactory(partnership=PartnershipFactory(place=cast.b.place), name="Place B's group")
    client.force_login(cast.a.place_admin)
    for foreign in (group, b_group):
        assert client.get(_url(partnership, f"{foreign.pk}/")).status_code == 404
        assert client.get(_url(partnership, f"{foreign.pk}/edit/")).status_code == 404
        post = _post(organisations, outcomes, name="Taken over", version="1")
        assert client.post(_url(partnership, f"{foreign.pk}/edit/"), post).status_code == 404
    # Place B's group under its own partnership, but at Place A's address, is 404 too.
    b_edit = f"/places/place-a/partnerships/{b_group.partnership.pk}/groups/{b_group.pk}/edit/"
    assert client.post(b_edit, _post(organisations, outcomes, name="Taken over", version="1")).status_code == 404
    assert client.get(_url(other, f"{group.pk}/")).status_code == 200
    assert sorted(DeliveryGroup.objects.values_list("name", "version")) == [
        ("Other partnership's group", 1),
        ("Place B's group", 1),
    ]
    assert set(group.members.all()) == set() and set(group.outcomes.all()) == set()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST, Role.OFFICER])
def test_officers_and_readers_see_a_group_but_cannot_change_it(client, cast, role):
    partnership, organisations, outcomes = _setting(cast.a.place)
    group = DeliveryGroupFactory(partnership=partnership, name="Fair work group")
    client.force_login(cast.a.member(role))
    page = client.get(_url(partnership, f"{group.pk}/")).content.decode()
    assert "Fair work group" in page and "Change this group" not in page
    assert "Open the group&#x27;s dashboard" in page or "Open the group's dashboard" in page
    assert client.post(_url(partnership, "new/"), _post(organisations, outcomes)).status_code == 403
    assert client.post(_url(partnership, f"{group.pk}/edit/"), _post(organisations, outcomes)).status_code == 403
    assert DeliveryGroup.objects.get().name == "Fair work group"


def test_editing_a_group_someone_else_saved_meanwhile_keeps_the_input_and_saves_nothing(client, cast):
    partnership, organisations, outcomes = _setting(cast.a.place)
    group = DeliveryGroupFactory(partnership=partnership, name="Fair work group", remit="First")
    url = _url(partnership, f"{group.pk}/edit/")
    client.force_login(cast.a.place_admin)
    assert (
        client.post(
            url, _post(organisations, outcomes, name="Fair work group", remit="Second", version="1")
        ).status_code
        == 302
    )
    client.force_login(cast.a.partnership_lead)
    response = client.post(url, _post(organisations, outcomes, name="Fair work group", remit="Mine", version="1"))
    errors = _errors(response)
    assert any("saved changes to this delivery group while you were editing it" in e for e in errors), errors
    assert "Mine" in response.content.decode()
    group.refresh_from_db()
    assert (group.remit, group.version) == ("Second", 2)


@pytest.mark.parametrize("version", [None, "", "two"])
def test_a_group_edit_without_the_version_it_was_opened_at_is_refused_as_out_of_date(client, cast, version):
    partnership, organisations, outcomes = _setting(cast.a.place)
    group = DeliveryGroupFactory(partnership=partnership, name="Fair work group", remit="Old")
    client.force_login(cast.a.partnership_lead)
    post = _post(organisations, outcomes, name="Fair work group", remit="New")
    if version is not None:
        post["version"] = version
    response = client.post(_url(partnership, f"{group.pk}/edit/"), post)
    assert response.status_code == 200
    assert _errors(response) == [FORM_OUT_OF_DATE]
    group.refresh_from_db()
    assert (group.remit, group.version, group.members.count()) == ("Old", 1, 0)


def test_the_group_history_shows_its_outcomes_and_organisations_changing(client, cast):
    partnership, organisations, outcomes = _setting(cast.a.place)
    client.force_login(cast.a.partnership_lead)
    client.post(_url(partnership, "new/"), _post(organisations, outcomes[:1]))
    group = DeliveryGroup.objects.get()
    post = _post(organisations, outcomes, version="1")
    post["members"] = [str(organisations["college"].pk)]
    assert client.post(_url(partnership, f"{group.pk}/edit/"), post).status_code == 302
    table = _soup(client.get(_url(partnership, f"{group.pk}/"))).select_one("#history-caption").find_parent("table")
    text = " ".join(table.get_text(" ").split())
    assert "Created: Delivery group ‘Fair work delivery group’" in text
    assert (
        "Outcomes : Fair work for women in Place A → Fair work for women in Place A; Outcomes for young people" in text
    )
    assert "Member organisations : College; Council → College" in text
    assert cast.a.partnership_lead.get_full_name() in text


def test_the_group_page_queries_do_not_grow_with_members_outcomes_and_history(client, cast):
    # 1 session, 1 user, 1 memberships (access); 1 partnership, 1 group with its lead, 1 its
    # outcomes, 1 its members; history: 1 records with leads, 2 their outcomes, 2 their members.
    partnership, organisations, outcomes = _setting(cast.a.place)
    group = DeliveryGroupFactory(partnership=partnership, members=[organisations["council"]], outcomes=outcomes[:1])
    client.force_login(cast.a.viewer)

    def count() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(partnership, f"{group.pk}/")).status_code == 200
        return len(captured), [q["sql"] for q in captured.captured_queries]

    few, _ = count()
    for _ in range(20):
        organisation = OrganisationFactory(place=cast.a.place)
        PartnershipMembershipFactory(partnership=partnership, organisation=organisation)
        group.members.add(organisation)
        group.outcomes.add(WellbeingOutcomeFactory(place=cast.a.place))
        group.remit += "."
        group.save()
    many, sql = count()
    assert few == many == 12, "\n".join(sql)
