"""Styled error pages, and a 500 page that leaks nothing."""

import pytest
from django.test import Client, override_settings
from django.urls import path


def _explode(request):
    raise RuntimeError("database password is hunter2")


urlpatterns = [path("explode/", _explode)]


def test_unknown_address_gets_the_styled_404_page(client, cast):
    client.force_login(cast.a.viewer)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "govuk-template__body" in page


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_crash_gets_the_styled_500_page_without_details():
    response = Client(raise_request_exception=False).get("/explode/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "hunter2" not in page and "Traceback" not in page
