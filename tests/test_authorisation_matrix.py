"""Every URL of the project, asked by every kind of visitor.

The test walks the URL resolver, so a new view is in the matrix the moment it is routed. Each
view declares who may reach it next to its code: `place_view(permission)` for place pages
(roles from wellbeing.access.PERMISSION_ROLES), or `declare_access(SignedInPolicy()|PublicPolicy())`.
A view with no declaration fails this test. A URL with a parameter this file cannot fill fails
too: add a provider to URL_KWARGS, pointing at an object of place A.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from wellbeing.access import PlacePolicy, PublicPolicy, SignedInPolicy
from wellbeing.models import Role

# The Django admin has its own staff-only access; it is checked once, below.
EXEMPT_NAMESPACES = {"admin"}

# How to fill each URL parameter for an object owned by place A.
URL_KWARGS = {
    "place_slug": lambda cast: cast.a.place.slug,
}

VISITORS = ["anonymous", "outsider", "other_place_admin", *[f"member:{role.value}" for role in Role]]


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    callback: object


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXEMPT_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or str(entry.pattern))
            yield Route(route=prefix + str(entry.pattern), name=name, callback=entry.callback)


ROUTES = sorted(_walk(get_resolver().url_patterns), key=lambda r: r.route)


def _user_for(visitor: str, cast):
    if visitor == "anonymous":
        return None
    if visitor == "outsider":
        return cast.outsider
    if visitor == "other_place_admin":
        return cast.b.place_admin
    return cast.a.member(Role(visitor.split(":", 1)[1]))


def _expected(policy, visitor: str) -> str:
    if isinstance(policy, PublicPolicy):
        return "ok"
    if visitor == "anonymous":
        return "sign-in"
    if isinstance(policy, SignedInPolicy):
        return "ok"
    assert isinstance(policy, PlacePolicy)
    if visitor in {"outsider", "other_place_admin"}:
        return "404"
    return "ok" if Role(visitor.split(":", 1)[1]) in policy.allowed_roles else "403"


def _outcome(response) -> str:
    if response.status_code in (301, 302) and "/accounts/login/" in response.headers.get("Location", ""):
        return "sign-in"
    if response.status_code in (403, 404):
        return str(response.status_code)
    if response.status_code < 400:
        return "ok"
    return f"error {response.status_code}"


def _fill(route: str, cast) -> str:
    path = route
    while "<" in path:
        start, end = path.index("<"), path.index(">")
        parameter = path[start + 1 : end].split(":")[-1]
        if parameter not in URL_KWARGS:
            pytest.fail(f"Route {route!r} has a parameter {parameter!r} the matrix cannot fill: add it to URL_KWARGS.")
        path = path[:start] + URL_KWARGS[parameter](cast) + path[end + 1 :]
    return "/" + path


def test_every_routed_view_declares_its_access_policy():
    undeclared = [r.name for r in ROUTES if not hasattr(r.callback, "access_policy")]
    assert not undeclared, f"Views with no declared access policy: {undeclared}"


def test_the_matrix_covers_the_place_pages():
    assert {"wellbeing:place_overview", "wellbeing:place_members"} <= {r.name for r in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_each_visitor_gets_what_the_view_declares(client, cast, route):
    policy = route.callback.access_policy
    path = _fill(route.route, cast)
    mismatches = []
    for visitor in VISITORS:
        user = _user_for(visitor, cast)
        client.logout()
        if user is not None:
            client.force_login(user)
        for method in policy.methods:
            response = getattr(client, method.lower())(path)
            expected, got = _expected(policy, visitor), _outcome(response)
            if expected != got:
                mismatches.append(f"{method} {path} as {visitor}: expected {expected}, got {got}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("visitor", ["anonymous", "member:place_admin"])
def test_the_django_admin_is_for_staff_only(client, cast, visitor):
    user = _user_for(visitor, cast)
    if user is not None:
        client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
