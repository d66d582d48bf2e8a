"""Places and roles: members see their places, outsiders get 404, the wrong role gets 403."""

import re

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, PlaceFactory, UserFactory, WellbeingOutcomeFactory
from wellbeing.models import Role

NON_ADMIN_ROLES = [role for role in Role if role != Role.PLACE_ADMIN]


def overview_url(place) -> str:
    return reverse("wellbeing:place_overview", kwargs={"place_slug": place.slug})


def members_url(place) -> str:
    return reverse("wellbeing:place_members", kwargs={"place_slug": place.slug})


def test_home_lists_only_my_places_with_my_role(client, cast):
    client.force_login(cast.a.officer)
    page = client.get("/").content.decode()
    assert "Place A" in page and "Officer" in page
    assert "Place B" not in page


def test_home_tells_a_person_with_no_places_who_to_ask(client, cast):
    client.force_login(cast.outsider)
    assert "Ask your council's place administrator" in client.get("/").content.decode()


def test_anonymous_people_are_sent_to_sign_in_and_back(client, cast):
    response = client.get(overview_url(cast.a.place))
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={overview_url(cast.a.place)}"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_its_place_overview_with_its_outcomes(client, cast, role):
    client.force_login(cast.a.member(role))
    response = client.get(overview_url(cast.a.place))
    assert response.status_code == 200
    assert "Fair work for women in Place A" in response.content.decode()
    assert "Secret outcome of Place B" not in response.content.decode()


def test_it_returns_404_for_other_place(client, cast):
    client.force_login(cast.a.place_admin)
    assert client.get(overview_url(cast.b.place)).status_code == 404
    assert client.get(members_url(cast.b.place)).status_code == 404


def test_an_unknown_place_and_a_forbidden_place_look_the_same(client, cast):
    client.force_login(cast.a.viewer)
    unknown = client.get("/places/no-such-place/")
    forbidden = client.get(overview_url(cast.b.place))
    assert unknown.status_code == forbidden.status_code == 404

    def without_csrf_token(response) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert without_csrf_token(unknown) == without_csrf_token(forbidden)


def test_a_superuser_who_is_not_a_member_gets_404_too(client, cast):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(overview_url(cast.a.place)).status_code == 404


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_it_returns_403_with_the_roles_needed_for_people_and_roles(client, cast, role):
    client.force_login(cast.a.member(role))
    response = client.get(members_url(cast.a.place))
    assert response.status_code == 403
    page = response.content.decode()
    assert "You need to be a place administrator in Place A" in page
    assert f"Your role here is {role.label.lower()}" in page


def test_place_admin_sees_the_people_of_their_place_only(client, cast):
    client.force_login(cast.a.place_admin)
    page = client.get(members_url(cast.a.place)).content.decode()
    assert "a-officer" in page and "b-officer" not in page


def test_it_returns_405_for_the_wrong_method(client, cast):
    client.force_login(cast.a.place_admin)
    assert client.post(overview_url(cast.a.place)).status_code == 405


def test_a_region_lists_its_member_councils_and_a_council_its_regions(client, cast):
    region = PlaceFactory(
        name="Test City Region Deal", slug="test-region", kind="region", region_kind="city region deal"
    )
    region.member_councils.add(cast.a.place)
    MembershipFactory(place=region, user=cast.a.viewer, role=Role.ANALYST)
    client.force_login(cast.a.viewer)
    assert "Place A" in client.get(overview_url(region)).content.decode()
    assert "Test City Region Deal" in client.get(overview_url(cast.a.place)).content.decode()


def test_the_navigation_offers_people_and_roles_only_to_place_admins(client, cast):
    client.force_login(cast.a.officer)
    assert "People and roles" not in client.get(overview_url(cast.a.place)).content.decode()
    client.force_login(cast.a.place_admin)
    assert "People and roles" in client.get(overview_url(cast.a.place)).content.decode()


def test_outcomes_are_listed_in_priority_order(client, cast):
    WellbeingOutcomeFactory(place=cast.a.place, title="Lowest priority outcome", priority_rank=50)
    WellbeingOutcomeFactory(place=cast.a.place, title="Top priority outcome", priority_rank=0)
    client.force_login(cast.a.viewer)
    page = client.get(overview_url(cast.a.place)).content.decode()
    assert (
        page.index("Top priority outcome")
        < page.index("Fair work for women in Place A")
        < page.index("Lowest priority outcome")
    )


def test_signed_out_pages_have_no_empty_navigation_landmark(client, cast):
    page = client.get("/accounts/login/").content.decode()
    assert "govuk-service-navigation" not in page
    client.force_login(cast.a.viewer)
    assert "Sign out" in client.get("/").content.decode()


def test_an_object_of_another_place_is_404_through_the_access_module(cast):
    from django.http import Http404

    from wellbeing.access import object_get_for_place
    from wellbeing.models import WellbeingOutcome

    own = WellbeingOutcome.objects.get(place=cast.a.place)
    other = WellbeingOutcome.objects.get(place=cast.b.place)
    assert object_get_for_place(WellbeingOutcome.objects, place=cast.a.place, pk=own.pk) == own
    with pytest.raises(Http404):
        object_get_for_place(WellbeingOutcome.objects, place=cast.a.place, pk=other.pk)


def test_place_permissions_refuse_to_be_checked_against_anything_but_a_place(cast):
    from wellbeing.access import user_can
    from wellbeing.models import WellbeingOutcome

    outcome = WellbeingOutcome.objects.get(place=cast.a.place)
    with pytest.raises(TypeError, match="checked against a Place"):
        user_can(cast.a.viewer, "place.view", outcome)
