"""The illustrative demo place: idempotent, labelled on every page, never under production settings."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.routes import all_routes, fill
from wellbeing.models import PlaceMembership, User, WellbeingOutcome
from wellbeing.services import demo_place_seed

pytestmark = pytest.mark.usefixtures("reference_data")


def test_seeding_twice_gives_one_place_seven_outcomes_and_five_role_users_with_new_passwords():
    first = demo_place_seed()
    second = demo_place_seed()
    assert first.place == second.place
    assert WellbeingOutcome.objects.filter(place=first.place).count() == 7
    assert PlaceMembership.objects.filter(place=first.place).count() == 5
    assert {login[2] for login in second.logins} == {
        "Viewer",
        "Analyst",
        "Officer",
        "Partnership lead",
        "Place administrator",
    }
    assert [login[1] for login in first.logins] != [login[1] for login in second.logins]
    username, password, _ = second.logins[0]
    assert User.objects.get(username=username).check_password(password)


def test_demo_outcomes_are_linked_to_npf_outcomes_and_indicators():
    demo = demo_place_seed()
    fair_work = WellbeingOutcome.objects.get(place=demo.place, title="Fair work, particularly for women")
    assert set(fair_work.national_outcomes.values_list("code", flat=True)) == {"FWB", "HRI"}
    assert fair_work.national_indicators.filter(name="Pay gap").exists()


def test_seed_demo_command_prints_the_logins(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "demo-officer" in out and "password:" in out


@override_settings(DEMO_DATA_ALLOWED=False)
def test_seed_demo_refuses_under_production_settings():
    with pytest.raises(CommandError, match="only created when DEBUG is on"):
        call_command("seed_demo")
    assert not User.objects.filter(username__startswith="demo-").exists()


def test_every_page_of_the_demo_place_says_it_is_illustrative(client):
    demo = demo_place_seed()
    client.force_login(User.objects.get(username="demo-admin"))
    place_routes = [
        route
        for route in all_routes()
        if route.is_place_scoped
        and route.parameters == ["place_slug"]
        and "GET" in route.callback.access_policy.methods  # not an action such as the bulk assignment
    ]
    assert len(place_routes) >= 2
    for route in place_routes:
        url = fill(route, {"place_slug": demo.place.slug})
        response = client.get(url, follow=True)  # a fragment's URL opened as a page redirects to its page
        assert response.status_code == 200, url
        if not response["Content-Type"].startswith("text/html"):
            continue  # a download (the register's export), not a page
        assert "Illustrative demo data" in response.content.decode(), url


def test_other_places_carry_no_demo_label(client, cast):
    client.force_login(cast.a.viewer)
    assert "Illustrative demo data" not in client.get("/places/place-a/").content.decode()
