"""The one place that decides who may see and do what in a place.

Every place-scoped view is wrapped in `place_view`, which resolves the place from the URL for the
signed-in person: a person who is not a member gets 404 (the same page as for a place that does
not exist), a member whose role lacks the permission gets 403 with a page that says which roles
may do it. Every place-scoped read then goes through `for_place(place)` on a queryset, and single
objects through `object_get_for_place`, which answers 404 for another place's object.

Role checks are `rules` predicates in a rule set of our own (PLACE_RULES), built from PERMISSIONS.
They are not Django permissions: `user.has_perm` plays no part, so being a Django superuser grants
nothing inside a place (superusers work in the Django admin).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from wellbeing.models import Place, PlaceMembership, Role

ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Permission:
    roles: frozenset[Role]
    description: str  # completes "You need to be … to …" on the 403 page


# Permission name → who holds it. Later issues add theirs here (as names: wellbeing imports no
# app above it).
PERMISSIONS: dict[str, Permission] = {
    "place.view": Permission(ALL_ROLES, "see this place"),
    "place.view_members": Permission(frozenset({Role.PLACE_ADMIN}), "see the people who have access to this place"),
    "place.export": Permission(frozenset({Role.PLACE_ADMIN}), "download all of this place's data as an archive"),
    "outcome.edit": Permission(frozenset({Role.OFFICER, Role.PLACE_ADMIN}), "add or change wellbeing outcomes"),
    "intervention.edit": Permission(
        frozenset({Role.OFFICER, Role.PLACE_ADMIN}), "add or change interventions and their contributions"
    ),
    "intervention.import": Permission(
        frozenset({Role.OFFICER, Role.PLACE_ADMIN}), "import interventions from a spreadsheet"
    ),
    "gaps.report": Permission(
        frozenset({Role.ANALYST, Role.OFFICER, Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN}),
        "download the gap analysis as a spreadsheet",
    ),
    # The place administrator manages strategic (LOIP) outcomes and their NPF alignment (DESIGN.md).
    "plan.edit": Permission(
        frozenset({Role.PLACE_ADMIN}), "add or change strategic plans, their outcomes and their alignment"
    ),
    "decision.edit": Permission(frozenset({Role.OFFICER, Role.PLACE_ADMIN}), "record and submit decision assessments"),
    "decision.decide": Permission(frozenset({Role.PLACE_ADMIN}), "record the decision on an assessment"),
    "budget.edit": Permission(
        frozenset({Role.OFFICER, Role.PLACE_ADMIN}), "add or change budget lines and the outcomes they are tagged to"
    ),
    "indicator.edit": Permission(
        frozenset({Role.OFFICER, Role.PLACE_ADMIN}), "add or change local indicators and their observations"
    ),
    # Partnerships (toolkit Stage 5, action 4). Officers keep the organisations directory (they name
    # lead organisations on interventions); partnership leads run partnerships, their delivery
    # groups and charters, and assign interventions to groups. Officers see groups but cannot assign.
    "organisation.edit": Permission(
        frozenset({Role.OFFICER, Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN}), "add or change organisations"
    ),
    "partnership.edit": Permission(
        frozenset({Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN}),
        "add or change partnerships, their members and their delivery groups",
    ),
    "group.assign": Permission(
        frozenset({Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN}), "assign interventions to delivery groups"
    ),
    "charter.edit": Permission(
        frozenset({Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN}), "add or change charters and their signatories"
    ),
}


def memberships_for(user) -> list[PlaceMembership]:
    """The person's memberships with their places, by place name: one query per request, kept
    on the user object, so the place, the role and the navigation cost one query together."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_place_memberships", None)
    if cached is None:
        cached = list(PlaceMembership.objects.filter(user=user).select_related("place").order_by("place__name"))
        user._place_memberships = cached
    return cached


def forget_memberships(user) -> None:
    """Call after changing a person's memberships within a request that already read them."""
    user.__dict__.pop("_place_memberships", None)


def role_in_place(user, place: Place) -> Role | None:
    if not isinstance(place, Place):
        # A predicate must never compare another model's id with a place id.
        raise TypeError(f"Place permissions are checked against a Place, not {type(place).__name__}.")
    for membership in memberships_for(user):
        if membership.place_id == place.pk:
            return Role(membership.role)
    return None


def _holds_one_of(roles: frozenset[Role]):
    @rules.predicate(name=f"holds one of {sorted(roles)}")
    def predicate(user, place) -> bool:
        return role_in_place(user, place) in roles

    return predicate


PLACE_RULES = rules.RuleSet()
for _name, _permission in PERMISSIONS.items():
    PLACE_RULES.add_rule(_name, _holds_one_of(_permission.roles))


def user_can(user, permission: str, place: Place) -> bool:
    return PLACE_RULES.test_rule(permission, user, place)


@dataclass(frozen=True)
class PlaceAccess:
    place: Place
    role: Role


def place_get_for_user(*, user, slug: str) -> PlaceAccess:
    """The place with this slug if the person is a member of it; otherwise 404."""
    for membership in memberships_for(user):
        if membership.place.slug == slug:
            return PlaceAccess(place=membership.place, role=Role(membership.role))
    raise Http404("No such place.")


def object_get_for_place(queryset: QuerySet, *, place: Place, **lookup) -> Model:
    """One object of this place, or 404 — also when the object exists in another place."""
    try:
        return queryset.for_place(place).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"No such {queryset.model._meta.verbose_name} in this place.") from None


# --- View decorators: each guards a view and declares its policy for the authorisation matrix ----


@dataclass(frozen=True)
class PlacePolicy:
    """A place-scoped view: anonymous → sign in; non-member → 404; roles without the permission → 403."""

    permission: str
    methods: tuple[str, ...]

    @property
    def allowed_roles(self) -> frozenset[Role]:
        return PERMISSIONS[self.permission].roles


@dataclass(frozen=True)
class SignedInPolicy:
    """Any signed-in person; anonymous → sign in."""

    methods: tuple[str, ...]


@dataclass(frozen=True)
class PublicPolicy:
    """Anyone, signed in or not (sign-in pages, health check)."""

    methods: tuple[str, ...]


def place_view(permission: str = "place.view", *, methods: tuple[str, ...] = ("GET",)) -> Callable:
    """Decorate a view under /places/<place_slug>/…: other methods → 405, sign-in required, 404
    for non-members, 403 for members without `permission`. The view receives `place` instead of
    `place_slug`; `request.place` and `request.place_role` are set for the templates."""
    if permission not in PERMISSIONS:
        raise ValueError(f"Unknown permission {permission!r}: add it to PERMISSIONS.")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @require_http_methods(_allowed(methods))
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, place_slug: str, *args, **kwargs) -> HttpResponse:
            access = place_get_for_user(user=request.user, slug=place_slug)
            if not user_can(request.user, permission, access.place):
                allowed = sorted(role.label.lower() for role in PERMISSIONS[permission].roles)
                raise PermissionDenied(
                    f"You need to be {_or_list(allowed)} in {access.place.name} to "
                    f"{PERMISSIONS[permission].description}. Your role here is {access.role.label.lower()}."
                )
            request.place = access.place
            request.place_role = access.role
            return view(request, *args, place=access.place, **kwargs)

        wrapped.access_policy = PlacePolicy(permission=permission, methods=methods)
        return wrapped

    return decorator


def signed_in_view(*, methods: tuple[str, ...] = ("GET",)) -> Callable:
    """Decorate a view for any signed-in person (not place-scoped)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        wrapped = require_http_methods(_allowed(methods))(login_required(view))
        wrapped.access_policy = SignedInPolicy(methods=methods)
        return wrapped

    return decorator


def public_view(*, methods: tuple[str, ...] = ("GET",)) -> Callable:
    """Decorate a view anyone may open, signed in or not."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        wrapped = require_http_methods(_allowed(methods))(view)
        wrapped.access_policy = PublicPolicy(methods=methods)
        return wrapped

    return decorator


def _allowed(methods: tuple[str, ...]) -> list[str]:
    # HEAD is GET without a body; monitors and link checkers use it.
    return [*methods, "HEAD"] if "GET" in methods and "HEAD" not in methods else list(methods)


def _or_list(words: list[str]) -> str:
    with_article = [("an " if w[0] in "aeiou" else "a ") + w for w in words]
    if len(with_article) == 1:
        return with_article[0]
    return ", ".join(with_article[:-1]) + " or " + with_article[-1]
