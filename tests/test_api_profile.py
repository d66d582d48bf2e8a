"""The profile page: a person makes, sees and revokes their own API tokens (api/profile_views.py)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken


def _create(client, **data):
    return client.post("/accounts/profile/tokens/", {"name": "Power BI", "expires_in": "90", **data})


def _api(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/places/")


def test_a_new_token_is_shown_once_and_works(client, cast):
    client.force_login(cast.a.analyst)
    response = _create(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = response.context["new_token"]
    page = response.content.decode()
    assert token in page
    assert "This is the only time it is shown" in page
    stored = ApiToken.objects.get(user=cast.a.analyst)
    assert stored.name == "Power BI"
    assert token not in (stored.digest, stored.token_key)  # only a hash and a prefix are kept
    assert timedelta(days=89) < stored.expiry - timezone.now() <= timedelta(days=90)
    assert _api(token).status_code == 200

    again = client.get("/accounts/profile/").content.decode()
    assert token not in again
    assert stored.token_key in again  # the prefix, so the person can tell which is which
    assert "Power BI" in again


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter what the token is for"),
        ({"name": "x" * 101}, "name", "What the token is for must be 100 characters or fewer"),
        ({"expires_in": ""}, "expires_in", "Choose when the token should stop working"),
        ({"expires_in": "3650"}, "expires_in", "Choose 30 days, 90 days or 1 year"),
    ],
)
def test_a_token_form_with_a_mistake_says_what_and_makes_nothing(client, cast, data, field, message):
    client.force_login(cast.a.analyst)
    response = _create(client, **data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not response.context["new_token"]
    assert not ApiToken.objects.exists()


def test_one_token_more_than_the_limit_is_refused_with_a_message_and_nothing_made(client, cast):
    for number in range(services.TOKEN_LIMIT - 1):
        services.token_create(user=cast.a.analyst, name=f"Notebook {number}", expires_in_days=30)
    # An expired token no longer counts, nor does someone else's.
    services.token_create(user=cast.a.analyst, name="Old one", expires_in_days=30)
    ApiToken.objects.filter(name="Old one").update(expiry=timezone.now() - timedelta(minutes=1))
    services.token_create(user=cast.a.officer, name="Someone else's", expires_in_days=30)
    client.force_login(cast.a.analyst)
    assert _create(client, name="The tenth").context["new_token"]

    response = _create(client, name="The eleventh")
    assert response.status_code == 200
    message = "You have 10 tokens, the most you can have: revoke one you no longer use first"
    assert response.context["form"].non_field_errors() == [message]
    page = response.content.decode()
    assert 'class="govuk-error-summary' in page
    assert message in page
    assert "<title>Error: " in page
    assert not response.context["new_token"]
    assert not ApiToken.objects.filter(name="The eleventh").exists()
    assert ApiToken.objects.filter(user=cast.a.analyst).count() == services.TOKEN_LIMIT + 1  # with the expired one
    with pytest.raises(services.TokenLimitReached):
        services.token_create(user=cast.a.analyst, name="Straight to the service", expires_in_days=30)

    # Revoking one makes room for another.
    digest = ApiToken.objects.get(name="Notebook 0").digest
    client.post("/accounts/profile/tokens/revoke/", {"token": digest})
    assert _api(_create(client, name="The eleventh").context["new_token"]).status_code == 200


def test_revoking_a_token_stops_it_at_once(client, cast):
    client.force_login(cast.a.analyst)
    token = _create(client).context["new_token"]
    kept = _create(client, name="Notebook").context["new_token"]
    digest = ApiToken.objects.get(name="Power BI").digest
    response = client.post("/accounts/profile/tokens/revoke/", {"token": digest}, follow=True)
    assert "The token ‘Power BI’ was revoked: it no longer works." in response.content.decode()
    assert _api(token).status_code == 401
    assert _api(kept).status_code == 200


def test_nobody_can_revoke_another_persons_token(client, cast):
    _, token = services.token_create(user=cast.a.officer, name="Officer's", expires_in_days=30)
    client.force_login(cast.a.analyst)
    response = client.post("/accounts/profile/tokens/revoke/", {"token": ApiToken.objects.get().digest}, follow=True)
    assert "That token had already been revoked or had expired." in response.content.decode()
    assert _api(token).status_code == 200


def test_making_and_revoking_tokens_need_the_pages_csrf_token(cast):
    """Another site cannot make a token in someone's name, nor revoke theirs, through their session."""
    _, kept = services.token_create(user=cast.a.analyst, name="Notebook", expires_in_days=30)
    digest = ApiToken.objects.get().digest
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.a.analyst)
    assert _create(client).status_code == 403
    assert client.post("/accounts/profile/tokens/revoke/", {"token": digest}).status_code == 403
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Notebook"]
    assert _api(kept).status_code == 200

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get("/accounts/profile/").content.decode())
    assert _create(client, csrfmiddlewaretoken=csrf.group(1)).status_code == 200
    assert ApiToken.objects.count() == 2


def test_the_profile_lists_only_the_persons_working_tokens(client, cast):
    services.token_create(user=cast.a.officer, name="Someone else's", expires_in_days=30)
    services.token_create(user=cast.a.analyst, name="Old one", expires_in_days=30)
    ApiToken.objects.filter(name="Old one").update(expiry=timezone.now() - timedelta(minutes=1))
    services.token_create(user=cast.a.analyst, name="Current one", expires_in_days=30)
    client.force_login(cast.a.analyst)
    response = client.get("/accounts/profile/")
    assert [t.name for t in response.context["tokens"]] == ["Current one"]
    assert "Someone else" not in response.content.decode()


def test_the_profile_is_linked_from_every_signed_in_page(client, cast):
    client.force_login(cast.a.viewer)
    assert 'href="/accounts/profile/"' in client.get("/").content.decode()
