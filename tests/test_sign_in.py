"""Signing in: throttled by django-axes, demo accounts refused under production settings."""

import pytest
from django.test import override_settings

from tests.factories import PASSWORD


def _sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_correct_password_signs_in_and_lands_on_your_places(client, cast):
    response = _sign_in(client, cast.a.viewer.username, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_after_five_wrong_passwords_sign_in_pauses_even_with_the_right_one(client, cast, settings):
    username = cast.a.viewer.username
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, username, "wrong")
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()

    locked = _sign_in(client, username, "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign-in is paused for this account" in page
    assert "for the next 15 minutes" in page

    assert _sign_in(client, username, PASSWORD).status_code == 429
    # Another person is not affected.
    assert _sign_in(client, cast.a.officer.username, PASSWORD).status_code == 302


def test_a_success_resets_the_count_of_failures(client, cast, settings):
    username = cast.a.viewer.username
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, username, "wrong")
    assert _sign_in(client, username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, username, "wrong").status_code == 200


@pytest.mark.usefixtures("reference_data")
def test_demo_accounts_cannot_sign_in_under_production_settings(client):
    from wellbeing.services import demo_place_seed

    demo = demo_place_seed()
    username, password, _ = demo.logins[0]
    with override_settings(DEMO_DATA_ALLOWED=False):
        response = _sign_in(client, username, password)
    assert response.status_code == 200
    assert "Demo accounts only work where the illustrative demo is set up" in response.content.decode()
    assert _sign_in(client, username, password).status_code == 302


@pytest.mark.parametrize(
    ("minutes", "words"),
    [(1, "1 minute"), (15, "15 minutes"), (60, "1 hour"), (90, "1 hour 30 minutes"), (120, "2 hours")],
)
def test_durations_are_written_in_words(minutes, words):
    from datetime import timedelta

    from wellbeing.templatetags.wellbeing_format import duration_in_words

    assert duration_in_words(timedelta(minutes=minutes)) == words


def test_behind_our_proxy_a_lockout_is_per_real_client_not_per_proxy(client, cast, settings):
    settings.TRUST_X_FORWARDED_PROTO = True
    username = cast.a.viewer.username
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.9", "REMOTE_ADDR": "127.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": username, "password": "wrong"}, **attacker)
    assert response.status_code == 429
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.4", "REMOTE_ADDR": "127.0.0.1"}
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD}, **colleague)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("trusted", "meta", "address"),
    [
        (False, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "10.0.0.1"),
        (True, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "203.0.113.9"),
        # A client's own X-Forwarded-For entries are to the left of the proxy's: never trusted.
        (True, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}, "203.0.113.9"),
        (True, {"REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),
    ],
)
def test_the_client_address_trusts_only_our_proxys_entry(rf, settings, trusted, meta, address):
    from config.client_address import client_address

    settings.TRUST_X_FORWARDED_PROTO = trusted
    request = rf.get("/", **meta)
    assert client_address(request) == address
