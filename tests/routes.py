"""Every routed URL of the project, for tests that must cover all of them."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# The Django admin has its own (superuser-only) access; tests/test_admin.py checks it.
# The read API answers in JSON (401 for anonymous, not a sign-in redirect); tests/test_api.py walks
# every one of its routes with the same questions (anonymous, other place, member, method).
EXEMPT_NAMESPACES = {"admin", "api-v1"}


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    callback: object

    @property
    def is_place_scoped(self) -> bool:
        return "place_slug" in self.parameters

    @property
    def parameters(self) -> list[str]:
        parts = self.route.split("<")[1:]
        return [part.split(">", 1)[0].split(":")[-1] for part in parts]


def _walk(patterns, prefix="", namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXEMPT_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or str(entry.pattern))
            yield Route(route=prefix + str(entry.pattern), name=name, callback=entry.callback)


def all_routes() -> list[Route]:
    return sorted(_walk(get_resolver().url_patterns), key=lambda r: r.route)


def fill(route: Route, values: dict[str, str]) -> str:
    path = route.route
    for parameter in route.parameters:
        start, end = path.index("<"), path.index(">")
        path = path[:start] + values[parameter] + path[end + 1 :]
    return "/" + path
