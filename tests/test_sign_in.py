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
