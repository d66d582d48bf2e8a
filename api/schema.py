"""What the schema says beyond what drf-spectacular reads from the views: the error answers each
endpoint can give, so a client (and schemathesis) knows every status code it may meet."""

import copy
from dataclasses import dataclass

from drf_spectacular import openapi
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.plumbing import build_parameter_type
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers


class AutoSchema(openapi.AutoSchema):
    def get_filter_backends(self) -> list:
        # The filters of a view that answers one object (the gap analysis) are documented too, not
        # only those of lists.
        return getattr(self.view, "filter_backends", [])


ErrorSerializer = inline_serializer(
    "Error",
    {"detail": serializers.CharField(help_text="What went wrong, in words.")},
)

UNAUTHORISED = OpenApiResponse(
    ErrorSerializer,
    description="No token or session, or a token that is wrong, revoked or expired "
    "(`Authorization: Token <your token>`).",
)
NOT_FOUND_PLACE = OpenApiResponse(
    ErrorSerializer, description="No such place among yours (you are not a member of it), or no such page of results."
)
NOT_FOUND_PAGE = OpenApiResponse(ErrorSerializer, description="No such page of results.")
BAD_REQUEST = OpenApiResponse(
    {
        "type": "object",
        "description": "Each filter that could not be used, with what was wrong with it.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description="A filter value or page size that cannot be used (another place's organisation, say), with a "
    "message for each.",
)


def place_responses(ok, *, bad_request: bool = False) -> dict:
    """The answers of an endpoint under /places/{place_slug}/; `bad_request` for one with filters or pages."""
    responses = {200: ok, 401: UNAUTHORISED, 404: NOT_FOUND_PLACE}
    if bad_request:
        responses[400] = BAD_REQUEST
    return responses


# --- The filters' parameters ----------------------------------------------------------------------


@dataclass(frozen=True)
class FilterDoc:
    """What a filter means, for a client; `schema` replaces django-filter's guessed type (an id, say,
    where the filter set's choice list is only known once the place is)."""

    description: str
    schema: dict | None = None


ID = {"type": "integer"}


class PlaceFilterExtension(DjangoFilterExtension):
    """The pages' filter sets, documented in the view's own words (`filter_docs`)."""

    target_class = "api.filters.PlaceFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        # A copy: drf-spectacular reads `filter_field.field`, which builds and caches the form field
        # on the filter set's class-level filter before it knows its model, so without a label; every
        # later filter set copies that field, and the pages' reports said "None: Active".
        filter_field = copy.deepcopy(filter_field)
        documented = getattr(auto_schema.view, "filter_docs", {}).get(field_name)
        if documented is None or documented.schema is None:
            parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        else:
            parameters = [
                build_parameter_type(name=field_name, schema=documented.schema, location=OpenApiParameter.QUERY)
            ]
        for parameter in parameters:
            if documented is not None:
                parameter["description"] = documented.description
            if parameter["schema"].get("type") != "array":
                # As on the pages' forms, an empty value means "any" (a list filter: no value at all).
                parameter["allowEmptyValue"] = True
        return parameters
