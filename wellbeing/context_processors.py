from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from wellbeing.access import user_can
from wellbeing.navigation import place_sections


def service(request: HttpRequest) -> dict:
    """The service name everywhere; on place pages (set by access.place_view) the place, the
    person's role and the place's sections for the navigation."""
    context = {"service_name": settings.SERVICE_NAME}
    place = getattr(request, "place", None)
    if place is not None:
        context["place"] = place
        context["place_role_label"] = request.place_role.label
        context["place_sections"] = SimpleLazyObject(
            lambda: place_sections(
                place_slug=place.slug,
                current_path=request.path,
                can=lambda permission: user_can(request.user, permission, place),
            )
        )
    return context
