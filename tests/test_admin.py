"""The Django admin covers every model, and its pages open for staff."""

import pytest
from django.apps import apps
from django.contrib import admin

from tests.factories import UserFactory

PROJECT_APPS = {"wellbeing", "partnerships", "interventions"}


def _is_history_table(model) -> bool:
    # django-simple-history's tables; SimpleHistoryAdmin shows them on each object's history page.
    return model.__name__.startswith("Historical")


def test_every_project_model_is_registered_in_the_admin():
    models = [
        model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS and not _is_history_table(model)
    ]
    missing = [model.__name__ for model in models if not admin.site.is_registered(model)]
    assert models
    assert not missing, f"Register these in their app's admin.py: {missing}"


@pytest.mark.usefixtures("reference_data")
def test_each_admin_list_page_opens_for_a_superuser(client):
    client.force_login(UserFactory(username="admin-user", is_staff=True, is_superuser=True))
    for model in admin.site._registry:
        if model._meta.app_label in PROJECT_APPS:
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("visitor", ["anonymous", "place_admin", "staff_place_admin"])
def test_the_admin_is_for_superusers_only(client, cast, visitor):
    # The admin sees every place's rows: staff status alone must not open it.
    if visitor == "place_admin":
        client.force_login(cast.a.place_admin)
    elif visitor == "staff_place_admin":
        cast.a.place_admin.is_staff = True
        cast.a.place_admin.save(update_fields=["is_staff"])
        client.force_login(cast.a.place_admin)
    response = client.get("/admin/wellbeing/placemembership/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
