"""The read API's endpoints: thin, like the pages. Each place-scoped endpoint resolves the place for
the person through wellbeing.access (a non-member gets 404, as on the pages), then reads through the
selector and filter set the matching page uses, so the API and the pages cannot disagree."""

from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.functions import Lower
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers
from api.filters import PlaceFilterBackend
from api.schema import BAD_REQUEST, ID, NOT_FOUND_PAGE, UNAUTHORISED, FilterDoc, place_responses
from interventions import group_selectors
from interventions import selectors as intervention_selectors
from interventions.filters import HORIZONS, GapAnalysisFilter, InterventionFilter
from interventions.gap_analysis import gap_analysis
from interventions.models import Contribution, GroupAssignment, Intervention
from partnerships import organisation_selectors, partnership_selectors
from partnerships.models import DeliveryGroup, Membership, Organisation, Partnership
from partnerships.organisation_filters import UNKNOWN_SIZE, OrganisationFilter
from wellbeing import budget_selectors
from wellbeing import selectors as wellbeing_selectors
from wellbeing.access import PERMISSIONS, memberships_for, place_get_for_user, user_can
from wellbeing.alignment import alignment_for_place
from wellbeing.budget_filters import BudgetFilter
from wellbeing.models import BudgetLine, WellbeingOutcome

# The filters the register and the gap analysis share (interventions/filters.py _InterventionFacets).
FACET_DOCS = {
    "kind": FilterDoc("Only interventions of these kinds; repeat it for several (?kind=project&kind=programme)."),
    "level": FilterDoc("Only interventions at these levels; repeat it for several."),
    "status": FilterDoc("Only interventions with these statuses; repeat it for several."),
    "lead": FilterDoc("Only interventions led by this organisation (its id, from /organisations/).", ID),
    "group": FilterDoc(
        "Only interventions this delivery group carries (its id, from /delivery-groups/), or `none` for those "
        "no delivery group of the place carries.",
        {"type": "string", "pattern": "^(none|[0-9]+)$"},
    ),
    "pillar": FilterDoc(
        "Only interventions serving this Community Wealth Building pillar (its code, as cwb_pillars[].code).",
        {"type": "string"},
    ),
}

PLACE_SLUG = OpenApiParameter(
    "place_slug", str, OpenApiParameter.PATH, description="The place's slug, as /api/v1/places/ lists it."
)


class NotForSharedCaches:
    """Every answer is for one person (their places, their role): a proxy or CDN between them and
    us must not keep a copy to hand to someone else, nor the browser one to show after sign-out."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)  # Cache-Control: …, no-store, private
        return response


@extend_schema(
    tags=["Places"],
    summary="Your places",
    description="The places you are a member of, with your role in each: the slugs the other endpoints take.",
    responses={
        200: serializers.PlaceSerializer(many=True),
        400: BAD_REQUEST,
        401: UNAUTHORISED,
        404: NOT_FOUND_PAGE,
    },
)
class PlaceList(NotForSharedCaches, generics.ListAPIView):
    serializer_class = serializers.PlaceSerializer

    def get_queryset(self):
        return memberships_for(self.request.user)


class PlaceAPIView(NotForSharedCaches, generics.GenericAPIView):
    """An endpoint under /places/{place_slug}/: the place is resolved for the person before anything
    else, with the permission the matching page needs."""

    permission = "place.view"
    filter_defaults: dict[str, str] = {}

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # authentication first: anonymous → 401
        access = place_get_for_user(user=request.user, slug=kwargs["place_slug"])  # non-member → 404
        if not user_can(request.user, self.permission, access.place):
            raise PermissionDenied(
                f"Your role in {access.place.name} does not let you {PERMISSIONS[self.permission].description}."
            )
        self.place = access.place

    def filterset_extra_kwargs(self) -> dict:
        return {}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view for the schema
            return self.queryset
        return self.place_queryset(self.place)


@extend_schema(
    tags=["Wellbeing outcomes"],
    summary="Key wellbeing outcomes",
    description="The place's key wellbeing outcomes by priority, with their NPF links and how many "
    "interventions contribute to each (as on the Wellbeing outcomes page).",
    parameters=[PLACE_SLUG],
    responses=place_responses(serializers.WellbeingOutcomeSerializer(many=True), bad_request=True),
)
class OutcomeList(PlaceAPIView, generics.ListAPIView):
    serializer_class = serializers.WellbeingOutcomeSerializer
    queryset = WellbeingOutcome.objects.none()

    def place_queryset(self, place):
        return wellbeing_selectors.outcome_list(place=place).order_by("priority_rank", "title", "pk")


def _intervention_prefetches(place) -> list:
    return [
        Prefetch("partners", queryset=Organisation.objects.order_by(Lower("name"), "pk")),
        "cwb_pillars",
        group_selectors.place_assignments_prefetch(place=place),
        Prefetch(
            "contributions",
            queryset=Contribution.objects.for_place(place).select_related("outcome"),
            to_attr="place_contributions",
        ),
    ]


@extend_schema(
    tags=["Interventions"],
    summary="The intervention register",
    description="Every intervention the place sees (its own and the shared national ones), each with its "
    "contributions to the place's outcomes. The filters are the register page's; `sort` defaults to title.",
    parameters=[PLACE_SLUG],
    responses=place_responses(serializers.RegisterInterventionSerializer(many=True), bad_request=True),
)
class InterventionList(PlaceAPIView, generics.ListAPIView):
    serializer_class = serializers.RegisterInterventionSerializer
    queryset = Intervention.objects.none()
    filter_backends = [PlaceFilterBackend]
    filterset_class = InterventionFilter
    filter_defaults = {"sort": "title"}
    filter_docs = {
        **FACET_DOCS,
        "q": FilterDoc("Words in the title or description, or a reference such as INT-00042."),
        "outcome": FilterDoc("Only interventions contributing to this wellbeing outcome (its id).", ID),
        "effectiveness": FilterDoc("Only interventions with at least one contribution of this effectiveness."),
        "assessment": FilterDoc(
            "`stale`: with an assessment out of date or never made; `current`: all assessments up to date."
        ),
        "sort": FilterDoc("The order of the results, title by default; a leading minus sign reverses it."),
    }

    def place_queryset(self, place):
        return intervention_selectors.register_queryset(place=place).prefetch_related(*_intervention_prefetches(place))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Ties (many rows share a status) are broken by id, so no row repeats or goes missing between pages.
        return queryset.order_by(*queryset.query.order_by, "pk")


@extend_schema(
    tags=["Interventions"],
    summary="One intervention",
    description="One intervention the place sees, with its contributions to the place's outcomes.",
    parameters=[PLACE_SLUG, OpenApiParameter("id", int, OpenApiParameter.PATH, description="The intervention's id.")],
    responses=place_responses(serializers.InterventionSerializer),
)
class InterventionDetail(PlaceAPIView, generics.RetrieveAPIView):
    serializer_class = serializers.InterventionSerializer
    queryset = Intervention.objects.none()

    def get_object(self):
        intervention = intervention_selectors.intervention_for_page(place=self.place, pk=self.kwargs["pk"])
        prefetch_related_objects([intervention], group_selectors.place_assignments_prefetch(place=self.place))
        return intervention


@extend_schema(
    tags=["Gap analysis"],
    summary="The gap analysis",
    description="How well each priority outcome is covered by the work the place sees, with the same "
    "computation and filters as the Gap analysis page: coverage scores and statuses, the interventions "
    "that reach several outcomes (shift the dial) and effective work to build on.",
    parameters=[PLACE_SLUG],
    responses=place_responses(serializers.GapAnalysisSerializer, bad_request=True),
)
class GapAnalysisView(PlaceAPIView):
    serializer_class = serializers.GapAnalysisSerializer
    queryset = Intervention.objects.none()
    filter_backends = [PlaceFilterBackend]
    filterset_class = GapAnalysisFilter
    filter_docs = {
        **FACET_DOCS,
        "horizon": FilterDoc(
            "How many months ahead build_on looks for effective work that ends (12 unless you ask); it filters "
            "nothing.",
            {"type": "integer", "enum": [months for months, _ in HORIZONS]},
        ),
    }
    pagination_class = None

    def place_queryset(self, place):
        return Intervention.objects.for_place(place)

    def get(self, request, *args, **kwargs) -> Response:
        filterset = PlaceFilterBackend().validated_filterset(request, self.get_queryset(), self)
        analysis = gap_analysis(place=self.place, interventions=filterset.qs, horizon_months=filterset.horizon_months)
        return Response(self.get_serializer(analysis).data)


@extend_schema(
    tags=["Partnerships"],
    summary="Organisations",
    description="The organisations directory: the place's own organisations and the national bodies every "
    "place shares, by name, with the directory page's filters. Their ids are what the interventions' `lead` "
    "filter takes.",
    parameters=[PLACE_SLUG],
    responses=place_responses(serializers.OrganisationSerializer(many=True), bad_request=True),
)
class OrganisationList(PlaceAPIView, generics.ListAPIView):
    serializer_class = serializers.OrganisationSerializer
    queryset = Organisation.objects.none()
    filter_backends = [PlaceFilterBackend]
    filterset_class = OrganisationFilter
    filterset_takes_place = False
    filter_docs = {
        "q": FilterDoc("All or part of the organisation's name (case ignored)."),
        "sector": FilterDoc(
            "Only organisations of these sectors; repeat it for several (?sector=public&sector=health)."
        ),
        "anchor": FilterDoc("`yes`: only anchor institutions; `no`: only the others; left out: both."),
        "size": FilterDoc(
            f"Only organisations of these size bands; repeat it for several. `{UNKNOWN_SIZE}` is the size not known."
        ),
        "scope": FilterDoc("`local`: only the place's own organisations; `national`: only national bodies."),
        "sort": FilterDoc("The order of the results, name by default; `-name` reverses it."),
    }

    def place_queryset(self, place):
        return organisation_selectors.organisation_directory_queryset(place=place)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Ties (two names the same but for case) are broken by id, so no row repeats or goes missing between pages.
        return queryset.order_by(*queryset.query.order_by, "pk")


@extend_schema(
    tags=["Partnerships"],
    summary="Partnerships",
    description="The place's partnerships with their current members and how many delivery groups each has.",
    parameters=[PLACE_SLUG],
    responses=place_responses(serializers.PartnershipSerializer(many=True), bad_request=True),
)
class PartnershipList(PlaceAPIView, generics.ListAPIView):
    serializer_class = serializers.PartnershipSerializer
    queryset = Partnership.objects.none()

    def place_queryset(self, place):
        current = (
            Membership.objects.current().select_related("organisation").order_by(Lower("organisation__name"), "pk")
        )
        return (
            partnership_selectors.partnership_list(place=place)
            .prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_members"))
            .order_by(Lower("name"), "pk")
        )


@extend_schema(
    tags=["Partnerships"],
    summary="Delivery groups",
    description="The place's delivery groups, by partnership and name, with the priority outcomes they focus "
    "on, their member organisations and the interventions assigned to them.",
    parameters=[PLACE_SLUG],
    responses=place_responses(serializers.DeliveryGroupSerializer(many=True), bad_request=True),
)
class DeliveryGroupList(PlaceAPIView, generics.ListAPIView):
    serializer_class = serializers.DeliveryGroupSerializer
    queryset = DeliveryGroup.objects.none()

    def place_queryset(self, place):
        return (
            group_selectors.delivery_groups_for_place(place=place)
            .select_related("lead_organisation")
            .prefetch_related(
                Prefetch(
                    "outcomes", queryset=WellbeingOutcome.objects.for_place(place).order_by("priority_rank", "pk")
                ),
                Prefetch("members", queryset=Organisation.objects.order_by(Lower("name"), "pk")),
                Prefetch(
                    "assignments",
                    queryset=GroupAssignment.objects.select_related("intervention").order_by(
                        Lower("intervention__title"), "pk"
                    ),
                ),
            )
        )


@extend_schema(
    tags=["Strategic alignment"],
    summary="Strategic alignment",
    description="How the place's current strategic plans (LOIP, council plan …) embed its key wellbeing "
    "outcomes and serve the NPF national outcomes, with the misalignments flagged, as on the Alignment page.",
    parameters=[PLACE_SLUG],
    responses=place_responses(serializers.AlignmentSerializer),
)
class AlignmentView(PlaceAPIView):
    serializer_class = serializers.AlignmentSerializer
    pagination_class = None

    def get(self, request, *args, **kwargs) -> Response:
        return Response(self.get_serializer(alignment_for_place(place=self.place)).data)


@extend_schema(
    tags=["Budgets"],
    summary="Budget lines",
    description="The place's budget lines with the shares tagged to its outcomes, newest year first. The "
    "filters are the budget lines page's.",
    parameters=[PLACE_SLUG],
    responses=place_responses(serializers.BudgetLineSerializer(many=True), bad_request=True),
)
class BudgetLineList(PlaceAPIView, generics.ListAPIView):
    serializer_class = serializers.BudgetLineSerializer
    queryset = BudgetLine.objects.none()
    filter_backends = [PlaceFilterBackend]
    filterset_class = BudgetFilter
    filter_docs = {
        "year": FilterDoc(
            "Only lines of this financial year, for example 2025/26 (one the place has lines in).",
            {"type": "string", "pattern": "^[0-9]{4}/[0-9]{2}$"},
        ),
        "kind": FilterDoc("Only lines of these kinds; repeat it for both."),
        "service": FilterDoc("Only lines whose service's name contains these words."),
        "outcome": FilterDoc("Only lines with a share tagged to this wellbeing outcome (its id).", ID),
        "untagged": FilterDoc(
            "`true`: only lines whose shares cover less than all of the amount; `false`, or left out: every line. "
            "(It is the page's checkbox: any other value counts as true.)",
            {"type": "string"},
        ),
    }

    def place_queryset(self, place):
        return budget_selectors.budget_register_queryset(place=place)

    def filterset_extra_kwargs(self) -> dict:
        return {"years": budget_selectors.budget_years(place=self.place)}


@extend_schema(
    tags=["Budgets"],
    summary="The wellbeing budget",
    description="Spend tagged to each priority outcome by financial year, and each year's untagged spend, as "
    "on the Budgets page.",
    parameters=[PLACE_SLUG],
    responses=place_responses(serializers.WellbeingBudgetSerializer),
)
class WellbeingBudgetView(PlaceAPIView):
    serializer_class = serializers.WellbeingBudgetSerializer
    pagination_class = None

    def get(self, request, *args, **kwargs) -> Response:
        return Response(self.get_serializer(budget_selectors.wellbeing_budget(self.place)).data)


@extend_schema(exclude=True)
class NoSuchEndpoint(NotForSharedCaches, APIView):
    """Any other address under /api/v1/: a JSON 404 like the rest of the API, not the HTML page."""

    authentication_classes: list = []
    permission_classes: list = []

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("There is no such address in the API: see /api/v1/docs/.")

    def get(self, request, *args, **kwargs):
        self.http_method_not_allowed(request)
