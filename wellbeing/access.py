"""The one place that decides who may see and do what in a place.

Every place-scoped view is wrapped in `place_view`, which resolves the place from the URL for the
signed-in person: a person who is not a member gets 404 (never a hint that the place exists), a
member whose role lacks the permission gets 403 with a page that says which roles may do it.
Every place-scoped read then goes through a queryset's `for_place(place)`.

Role checks are `rules` predicates built from PERMISSION_ROLES below. They are tested through
`rules.has_perm` (the rule set), not `user.has_perm`, so being a Django superuser grants nothing
inside a place: superusers use the Django admin.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from wellbeing.models import Place, PlaceMembership, Role

ALL_ROLES = frozenset(Role)

# Permission name → the roles that hold it. Later issues add their permissions here.
PERMISSION_ROLES: dict[str, frozenset[Role]] = {
    "wellbeing.view_place": ALL_ROLES,
    "wellbeing.view_members": frozenset({Role.PLACE_ADMIN}),
}

# What a person is told on the 403 page when they lack a permission.
PERMISSION_DESCRIPTIONS: dict[str, str] = {
    "wellbeing.view_place": "see this place",
    "wellbeing.view_members": "see the people who have access to this place",
}


def _memberships(user) -> list[PlaceMembership]:
    """The person's memberships with their places: one query per request, kept on the user."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_place_memberships", None)
    if cached is None:
        cached = list(PlaceMembership.objects.filter(user=user).select_related("place"))
        user._place_memberships = cached
    return cached


def user_place_roles(user) -> dict[int, str]:
    """The person's role in each of their places."""
    return {membership.place_id: membership.role for membership in _memberships(user)}


def role_in_place(user, place: Place) -> str | None:
    return user_place_roles(user).get(place.pk)


@dataclass(frozen=True)
class PlaceAccess:
    place: Place
    role: Role


def place_get_for_user(*, user, slug: str) -> PlaceAccess:
    """The place with this slug if the person is a member of it; otherwise 404."""
    for membership in _memberships(user):
        if membership.place.slug == slug:
            return PlaceAccess(place=membership.place, role=Role(membership.role))
    raise Http404("No such place.")


def roles_with_permission(permission: str) -> frozenset[Role]:
    return PERMISSION_ROLES[permission]


def user_can(user, permission: str, place: Place) -> bool:
    return rules.has_perm(permission, user, place)


def place_view(permission: str = "wellbeing.view_place") -> Callable:
    """Decorate a view under /places/<place_slug>/…: sign-in required, 404 for non-members,
    403 for members without `permission`. The view receives `place` instead of `place_slug`,
    and `request.place_role` holds the person's role."""
    if permission not in PERMISSION_ROLES:
        raise ValueError(f"Unknown permission {permission!r}: add it to PERMISSION_ROLES.")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, place_slug: str, *args, **kwargs) -> HttpResponse:
            access = place_get_for_user(user=request.user, slug=place_slug)
            if not user_can(request.user, permission, access.place):
                allowed = sorted(Role(role).label.lower() for role in roles_with_permission(permission))
                raise PermissionDenied(
                    f"You need to be {_or_list(allowed)} in {access.place.name} to "
                    f"{PERMISSION_DESCRIPTIONS.get(permission, 'do this')}. "
                    f"Your role here is {access.role.label.lower()}."
                )
            request.place = access.place
            request.place_role = access.role
            return view(request, *args, place=access.place, **kwargs)

        # Read by the authorisation-matrix test, so every view declares who may reach it.
        wrapped.access_policy = PlacePolicy(permission=permission)
        return wrapped

    return decorator


@dataclass(frozen=True)
class PlacePolicy:
    """A place-scoped view: anonymous → sign in; non-member → 404; roles without the permission → 403."""

    permission: str
    methods: tuple[str, ...] = ("GET",)

    @property
    def allowed_roles(self) -> frozenset[Role]:
        return roles_with_permission(self.permission)


@dataclass(frozen=True)
class SignedInPolicy:
    """Any signed-in person; anonymous → sign in."""

    methods: tuple[str, ...] = ("GET",)


@dataclass(frozen=True)
class PublicPolicy:
    """Anyone, signed in or not (sign-in pages, health check)."""

    methods: tuple[str, ...] = ("GET",)


def declare_access(policy) -> Callable:
    """Declare the access policy of a view that is not place-scoped, for the authorisation matrix."""

    def decorator(view: Callable) -> Callable:
        view.access_policy = policy
        return view

    return decorator


def _or_list(words: list[str]) -> str:
    with_article = [("an " if w[0] in "aeiou" else "a ") + w for w in words]
    if len(with_article) == 1:
        return with_article[0]
    return ", ".join(with_article[:-1]) + " or " + with_article[-1]
