"""The read API (api/): who reaches what, what each endpoint returns, filters, pages and query counts.

Every API route is walked with the same questions the authorisation matrix asks of the pages
(tests/test_authorisation_matrix.py exempts the API namespace because its answers are JSON):
anonymous or a bad token → 401; a member of another place → 404, also for an object of place B
asked for under place A's address; a member of the place in any role → 200; any method but GET,
HEAD or OPTIONS → 405. Place B's data never appears in an answer to a member of place A.
"""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from api import services
from api.models import ApiToken
from api.urls import urlpatterns as api_urlpatterns
from interventions.gap_analysis import gap_analysis
from interventions.models import Intervention
from partnerships import organisation_selectors
from partnerships.models import Organisation
from partnerships.organisation_filters import OrganisationFilter
from partnerships.organisation_selectors import organisation_directory_queryset
from tests.factories import (
    BudgetLineFactory,
    BudgetShareFactory,
    ContributionFactory,
    DeliveryGroupFactory,
    GroupAssignmentFactory,
    InterventionFactory,
    OrganisationFactory,
    PartnershipFactory,
    PartnershipMembershipFactory,
    StrategicOutcomeFactory,
    StrategicPlanFactory,
    WellbeingOutcomeFactory,
)
from wellbeing.models import CwbPillar, NationalOutcome, Role, WellbeingOutcome

PLACE_B_WORD = "Secret"  # every object of place B has it in its name


def token_for(user, days: int = 30) -> str:
    return services.token_create(user=user, name="Tests", expires_in_days=days)[1]


def client_with(token: str | None) -> APIClient:
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _fill_place(place_cast, prefix: str = "") -> dict:
    """One of everything the API lists, in the place; names start with `prefix`."""
    place = place_cast.place
    outcome = WellbeingOutcome.objects.filter(place=place).order_by("pk").first()
    organisation = OrganisationFactory(place=place, name=f"{prefix}Organisation")
    intervention = InterventionFactory(
        place=place, title=f"{prefix}Intervention", lead_organisation=organisation, owner=place_cast.officer
    )
    ContributionFactory(intervention=intervention, outcome=outcome)
    partnership = PartnershipFactory(place=place, name=f"{prefix}Partnership")
    PartnershipMembershipFactory(partnership=partnership, organisation=organisation)
    group = DeliveryGroupFactory(
        partnership=partnership, name=f"{prefix}Group", outcomes=[outcome], members=[organisation]
    )
    GroupAssignmentFactory(group=group, intervention=intervention)
    plan = StrategicPlanFactory(place=place, title=f"{prefix}Plan")
    StrategicOutcomeFactory(
        plan=plan,
        title=f"{prefix}Strategic outcome",
        wellbeing_outcomes=[outcome],
        national_outcomes=list(NationalOutcome.objects.order_by("pk")[:1]),
    )
    line = BudgetLineFactory(place=place, service=f"{prefix}Service")
    BudgetShareFactory(line=line, outcome=outcome, percent=40)
    return {"intervention": intervention, "outcome": outcome, "organisation": organisation, "group": group}


@pytest.fixture
def places(cast):
    return {"a": _fill_place(cast.a), "b": _fill_place(cast.b, prefix=PLACE_B_WORD + " ")}


def _api_routes() -> list[URLPattern]:
    return [p for p in api_urlpatterns if p.name not in {"schema", "docs", "not_found"}]


def _path(pattern: URLPattern, slug: str, pk: int | None = None) -> str:
    route = str(pattern.pattern).replace("<slug:place_slug>", slug).replace("<int:pk>", str(pk))
    return "/api/v1/" + route


ROUTES = _api_routes()


def test_every_api_route_is_walked_here():
    names = {p.name for p in ROUTES}
    assert names == {
        "place_list",
        "outcome_list",
        "intervention_list",
        "intervention_detail",
        "gap_analysis",
        "organisation_list",
        "partnership_list",
        "delivery_group_list",
        "alignment",
        "budget_line_list",
        "wellbeing_budget",
    }


@pytest.mark.parametrize("route", ROUTES, ids=lambda p: p.name)
def test_each_visitor_gets_what_the_api_promises(cast, places, route):
    a, b = cast.a.place, cast.b.place
    own = _path(route, a.slug, places["a"]["intervention"].pk)
    place_scoped = "place_slug" in str(route.pattern)
    problems = []

    def expect(client, path, status, who, method="get"):
        response = getattr(client, method)(path)
        if response.status_code != status:
            problems.append(f"{method.upper()} {path} as {who}: expected {status}, got {response.status_code}")
        # Every answer, errors included, is one person's: no shared cache may keep it.
        if not {"private", "no-store"} <= _cache_directives(response):
            problems.append(f"{method.upper()} {path} as {who}: Cache-Control {response.get('Cache-Control')!r}")
        if method != "head" and response.status_code != 204:
            assert response["Content-Type"] == "application/json", path
            if PLACE_B_WORD in response.content.decode() and who != "member of B":
                problems.append(f"{path} as {who}: shows place B's data")
        return response

    # Anonymous, a token that is not one, a revoked token, an expired token: 401 with a message.
    revoked = token_for(cast.a.viewer)
    services.token_revoke(user=cast.a.viewer, digest=ApiToken.objects.get(token_key=revoked[:15]).digest)
    expired = token_for(cast.a.viewer)
    ApiToken.objects.filter(token_key=expired[:15]).update(expiry=timezone.now() - timedelta(seconds=1))
    for who, token in [("anonymous", None), ("bad token", "0" * 64), ("revoked", revoked), ("expired", expired)]:
        response = expect(client_with(token), own, 401, who)
        assert response.json()["detail"], who
        assert response["WWW-Authenticate"] == "Token"

    if place_scoped:
        # Not a member of place A (no place at all, or place B): 404, as for a place that does not exist.
        for who, user in [("outsider", cast.outsider), ("member of B", cast.b.place_admin)]:
            response = expect(client_with(token_for(user)), own, 404, who)
            assert response.json() == {"detail": "No such place."}
        expect(client_with(token_for(cast.a.viewer)), _path(route, "no-such-place", 1), 404, "viewer of A")

    # Every role in place A reads it; it answers HEAD too, and nothing writes (the place
    # administrator, who may change everything on the pages, included).
    for role in Role:
        expect(client_with(token_for(cast.a.member(role))), own, 200, f"{role.label} of A")
    admin = client_with(token_for(cast.a.place_admin))
    expect(admin, own, 200, "place admin of A", method="head")
    for method in ("post", "put", "patch", "delete"):
        expect(admin, own, 405, "place admin of A", method=method)

    if "<int:pk>" in str(route.pattern):
        # Place B's object under place A's address: 404 for a member of A.
        other = _path(route, a.slug, places["b"]["intervention"].pk)
        expect(client_with(token_for(cast.a.place_admin)), other, 404, "place admin of A")
    # A member of B reads B's own data at B's address.
    if place_scoped:
        expect(
            client_with(token_for(cast.b.viewer)),
            _path(route, b.slug, places["b"]["intervention"].pk),
            200,
            "member of B",
        )
    assert not problems, "\n".join(problems)


def _cache_directives(response) -> set[str]:
    return {directive.strip().split("=")[0] for directive in response.get("Cache-Control", "").split(",")}


def test_a_deactivated_persons_token_and_session_stop_working(client, cast):
    token = token_for(cast.a.analyst)
    client.force_login(cast.a.analyst)
    cast.a.analyst.is_active = False
    cast.a.analyst.save(update_fields=["is_active"])
    by_token = client_with(token).get("/api/v1/places/")
    assert by_token.status_code == 401
    assert by_token.json() == {"detail": "User inactive or deleted."}
    assert client.get("/api/v1/places/").status_code == 401


def test_api_answers_carry_the_sites_security_headers(cast):
    response = client_with(token_for(cast.a.viewer)).get(f"/api/v1/places/{cast.a.place.slug}/interventions/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert {"private", "no-store", "no-cache", "must-revalidate"} <= _cache_directives(response)


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_any_other_address_under_the_api_is_a_json_404(cast, method):
    client = client_with(token_for(cast.a.viewer))
    for path in ("/api/v1/nothing/", "/api/v1/places/place-a/interventions/not-a-number/", "/api/v1/places/place-a"):
        response = getattr(client, method)(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "There is no such address in the API: see /api/v1/docs/."}


def test_a_signed_in_person_can_open_the_api_in_the_browser(client, cast):
    client.force_login(cast.a.analyst)
    response = client.get("/api/v1/places/")
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "slug": "place-a",
            "name": "Place A",
            "kind": "council",
            "ons_code": cast.a.place.ons_code,
            "is_demo": False,
            "role": "analyst",
        }
    ]


def test_the_places_list_is_the_persons_places_with_their_roles(cast):
    response = client_with(token_for(cast.outsider)).get("/api/v1/places/")
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


# --- What the endpoints return ----------------------------------------------------------------------


def test_a_national_intervention_shows_only_this_places_contributions(cast, places):
    national = InterventionFactory(
        place=None,
        level=Intervention.Level.NATIONAL,
        title="National programme",
        lead_organisation=OrganisationFactory(place=None, name="Scottish Government"),
    )
    ContributionFactory(intervention=national, outcome=places["a"]["outcome"])
    ContributionFactory(intervention=national, outcome=places["b"]["outcome"], evidence_note=PLACE_B_WORD)
    national.cwb_pillars.set(CwbPillar.objects.order_by("pk")[:1])
    client = client_with(token_for(cast.a.viewer))

    listed = client.get(f"/api/v1/places/{cast.a.place.slug}/interventions/").json()
    titles = [row["title"] for row in listed["results"]]
    assert titles == ["Intervention", "National programme"]  # sorted by title, as the register
    row = listed["results"][1]
    assert row["is_national"] is True
    assert [c["outcome"]["id"] for c in row["contributions"]] == [places["a"]["outcome"].pk]
    assert row["cwb_pillars"][0]["code"] == CwbPillar.objects.order_by("pk").first().code
    assert row["reference"] == national.reference

    detail = client.get(f"/api/v1/places/{cast.a.place.slug}/interventions/{national.pk}/").json()
    assert [c["outcome"]["id"] for c in detail["contributions"]] == [places["a"]["outcome"].pk]
    assert PLACE_B_WORD not in str(detail)
    own = client.get(f"/api/v1/places/{cast.a.place.slug}/interventions/{places['a']['intervention'].pk}/").json()
    assert [g["name"] for g in own["delivery_groups"]] == ["Group"]


def test_the_register_filters_work_as_on_the_page(cast, places):
    a = cast.a.place
    InterventionFactory(place=a, title="A policy", kind=Intervention.Kind.POLICY, owner=cast.a.officer)
    client = client_with(token_for(cast.a.viewer))
    url = f"/api/v1/places/{a.slug}/interventions/"

    assert [r["title"] for r in client.get(url, {"kind": "policy"}).json()["results"]] == ["A policy"]
    assert [
        r["title"] for r in client.get(url, {"kind": ["policy", "project"], "sort": "-title"}).json()["results"]
    ] == ["Intervention", "A policy"]
    assert [r["title"] for r in client.get(url, {"group": "none"}).json()["results"]] == ["A policy"]
    assert [r["title"] for r in client.get(url, {"group": places["a"]["group"].pk}).json()["results"]] == [
        "Intervention"
    ]
    assert [r["title"] for r in client.get(url, {"q": places["a"]["intervention"].reference}).json()["results"]] == [
        "Intervention"
    ]


@pytest.mark.parametrize(
    ("url", "query", "field"),
    [
        ("interventions/", {"lead": "b-organisation"}, "lead"),
        ("interventions/", {"group": "b-group"}, "group"),
        ("interventions/", {"outcome": "b-outcome"}, "outcome"),
        ("interventions/", {"kind": "spaceship"}, "kind"),
        ("interventions/", {"sort": "secret"}, "sort"),
        ("gap-analysis/", {"horizon": "7"}, "horizon"),
        ("gap-analysis/", {"lead": "b-organisation"}, "lead"),
        ("budgets/lines/", {"year": "1999/00"}, "year"),
        ("budgets/lines/", {"outcome": "b-outcome"}, "outcome"),
        ("organisations/", {"sector": "spaceship"}, "sector"),
        ("organisations/", {"scope": "everywhere"}, "scope"),
        ("organisations/", {"sort": "secret"}, "sort"),
    ],
)
def test_a_filter_that_cannot_be_used_is_400_with_a_message_for_it(cast, places, url, query, field):
    """Another place's organisation, group or outcome is refused, never silently widened or emptied."""
    ids = {
        "b-organisation": places["b"]["organisation"].pk,
        "b-group": places["b"]["group"].pk,
        "b-outcome": places["b"]["outcome"].pk,
    }
    query = {name: str(ids.get(value, value)) for name, value in query.items()}
    response = client_with(token_for(cast.a.viewer)).get(f"/api/v1/places/{cast.a.place.slug}/{url}", query)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert "Select a valid choice" in body[field][0]
    assert PLACE_B_WORD not in response.content.decode()


def test_pages_of_results(cast, places):
    a = cast.a.place
    for number in range(4):
        InterventionFactory(place=a, title=f"Extra {number}", owner=cast.a.officer)
    client = client_with(token_for(cast.a.viewer))
    url = f"/api/v1/places/{a.slug}/interventions/"
    first = client.get(url, {"page_size": 2}).json()
    assert first["count"] == 5
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    titles = [r["title"] for page in (first, second, third) for r in page["results"]]
    assert titles == ["Extra 0", "Extra 1", "Extra 2", "Extra 3", "Intervention"]
    assert third["next"] is None
    beyond = client.get(url, {"page": 9})
    assert beyond.status_code == 404
    assert beyond.json() == {"detail": "Invalid page."}
    for size in ("1000", "0", "ten"):
        refused = client.get(url, {"page_size": size})
        assert refused.status_code == 400
        assert refused.json() == {"page_size": ["Enter the page size as a whole number from 1 to 200"]}


def test_the_gap_analysis_is_the_pages_computation(cast, places):
    a = cast.a.place
    client = client_with(token_for(cast.a.viewer))
    body = client.get(f"/api/v1/places/{a.slug}/gap-analysis/", {"horizon": 24}).json()
    expected = gap_analysis(place=a, horizon_months=24)
    assert body["horizon_months"] == 24
    assert [(o["id"], o["status"], Decimal(o["score"])) for o in body["outcomes"]] == [
        (o.pk, o.status, o.score) for o in expected.outcomes
    ]
    assert body["status_counts"] == expected.status_counts
    assert body["outcomes"][0]["delivery_groups"][0]["name"] == "Group"
    assert body["spend_year"] == "2025/26"
    # Filtered to work no group carries, the outcome's only intervention drops out: a gap.
    filtered = client.get(f"/api/v1/places/{a.slug}/gap-analysis/", {"group": "none"}).json()
    assert filtered["outcomes"][0]["status"] == "gap"
    assert filtered["outcomes"][0]["interventions"] == []


def test_alignment_budgets_partnerships_and_groups(cast, places):
    a = cast.a.place
    client = client_with(token_for(cast.a.viewer))
    get = lambda url, **query: client.get(f"/api/v1/places/{a.slug}/{url}", query).json()  # noqa: E731

    alignment = get("alignment/")
    assert [p["title"] for p in alignment["plans"]] == ["Plan"]
    assert alignment["strategic_outcomes"][0]["wellbeing_outcomes"][0]["id"] == places["a"]["outcome"].pk
    assert places["a"]["outcome"].pk not in [o["id"] for o in alignment["flags"]["unembedded"]]
    assert len(alignment["flags"]["unreached"]) == NationalOutcome.objects.count() - 1

    lines = get("budgets/lines/")["results"]
    assert [(line["service"], line["tagged_percent"], line["untagged_gbp"]) for line in lines] == [
        ("Service", "40.00", "60000.00")
    ]
    assert get("budgets/lines/", year="2025/26")["count"] == 1
    assert get("budgets/lines/", untagged="true")["count"] == 1
    budget = get("budgets/")
    assert budget["years"] == ["2025/26"]
    assert budget["outcomes"][0]["total"] == "40000.00"

    partnership = get("partnerships/")["results"][0]
    assert (partnership["name"], partnership["current_member_count"], partnership["group_count"]) == (
        "Partnership",
        1,
        1,
    )
    assert partnership["current_members"][0]["organisation"]["name"] == "Organisation"
    group = get("delivery-groups/")["results"][0]
    assert group["interventions"] == [
        {
            "id": places["a"]["intervention"].pk,
            "reference": places["a"]["intervention"].reference,
            "title": "Intervention",
        }
    ]
    assert [o["id"] for o in group["outcomes"]] == [places["a"]["outcome"].pk]
    outcomes = get("outcomes/")["results"]
    assert (outcomes[0]["title"], outcomes[0]["contribution_count"]) == ("Fair work for women in Place A", 1)


def test_the_organisations_are_the_directory_pages_with_its_filters(cast, places):
    a = cast.a.place
    OrganisationFactory(
        place=None,
        name="Skills Development Scotland",
        sector=Organisation.Sector.PUBLIC,
        is_anchor=True,
        size_band=Organisation.SizeBand.LARGE,
        website="https://www.skillsdevelopmentscotland.co.uk",
    )
    OrganisationFactory(place=a, name="anchor housing", sector=Organisation.Sector.HOUSING, is_anchor=True)
    client = client_with(token_for(cast.a.viewer))
    url = f"/api/v1/places/{a.slug}/organisations/"

    def names(**query) -> list[str]:
        response = client.get(url, query)
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    page = OrganisationFilter({}, queryset=organisation_directory_queryset(place=a)).qs  # the directory page's own list
    assert names() == [organisation.name for organisation in page]
    assert names() == ["anchor housing", "Organisation", "Skills Development Scotland"]  # case ignored
    assert PLACE_B_WORD not in str(names())
    national = client.get(url, {"scope": "national"}).json()["results"]
    assert national == [
        {
            "id": national[0]["id"],
            "name": "Skills Development Scotland",
            "sector": "public",
            "is_anchor": True,
            "size_band": "large",
            "website": "https://www.skillsdevelopmentscotland.co.uk",
            "national": True,
        }
    ]
    assert names(scope="local") == ["anchor housing", "Organisation"]
    assert names(anchor="yes", scope="local") == ["anchor housing"]
    assert names(anchor="no") == ["Organisation"]
    assert names(sector=["housing", "public"]) == ["anchor housing", "Skills Development Scotland"]
    assert names(size="unknown") == ["anchor housing", "Organisation"]
    assert names(q="SKILLS") == ["Skills Development Scotland"]
    assert names(sort="-name") == ["Skills Development Scotland", "Organisation", "anchor housing"]
    # The ids it lists are the ones the register's `lead` filter takes.
    lead = next(row["id"] for row in client.get(url, {"q": "Organisation"}).json()["results"])
    led = client.get(f"/api/v1/places/{a.slug}/interventions/", {"lead": lead}).json()["results"]
    assert [row["title"] for row in led] == ["Intervention"]


# --- Query counts: the lists do not grow with their rows --------------------------------------------


def _count(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), [q["sql"] for q in captured.captured_queries]


# The fixed queries of any place endpoint by token: the token (1), the person's other tokens (knox
# deletes expired ones) (1), the memberships with their places (1); then the endpoint's own.
QUERY_BUDGETS = {
    # + count, page, lead/owner joined; partners, pillars, group assignments, contributions (4 prefetches)
    "interventions/": 3 + 2 + 4,
    # + count, page, NPF outcomes, NPF indicators
    "outcomes/": 3 + 2 + 2,
    # + count, page
    "organisations/": 3 + 2,
    # + count, page, current members with their organisations
    "partnerships/": 3 + 2 + 1,
    # + count, page, outcomes, members, assignments with interventions
    "delivery-groups/": 3 + 2 + 3,
    # + years (the year filter's choices), count, page, shares with outcomes
    "budgets/lines/": 3 + 1 + 2 + 1,
    # Answers that are one object, not pages (the pages' own computations):
    # + outcomes, their NPF outcomes, NPF indicators, groups per outcome, contributions with their
    # interventions, budget lines tagged in the spend year
    "gap-analysis/": 3 + 6,
    # + plans, strategic outcomes, their wellbeing outcomes, their NPF outcomes, the wellbeing
    # outcomes, the NPF outcomes, local indicators, their newest observations
    "alignment/": 3 + 8,
    # + outcomes, shares' spend by outcome and year, lines' totals by year
    "budgets/": 3 + 3,
}


@pytest.mark.parametrize("url", QUERY_BUDGETS)
def test_list_queries_do_not_grow_with_rows(cast, places, url):
    a = cast.a.place
    client = client_with(token_for(cast.a.viewer))
    full = f"/api/v1/places/{a.slug}/{url}"
    few, _ = _count(client, full)
    outcome = places["a"]["outcome"]
    organisations = [OrganisationFactory(place=a) for _ in range(3)]
    for number in range(12):
        intervention = InterventionFactory(place=a, owner=cast.a.officer, lead_organisation=organisations[0])
        intervention.partners.set(organisations)
        intervention.cwb_pillars.set(CwbPillar.objects.all()[:2])
        ContributionFactory(intervention=intervention, outcome=outcome)
        ContributionFactory(intervention=intervention, outcome=WellbeingOutcomeFactory(place=a))
        partnership = PartnershipFactory(place=a)
        PartnershipMembershipFactory(partnership=partnership, organisation=organisations[number % 3])
        group = DeliveryGroupFactory(partnership=partnership, outcomes=[outcome], members=organisations)
        GroupAssignmentFactory(group=group, intervention=intervention)
        BudgetShareFactory(
            line=BudgetLineFactory(place=a, financial_year=f"20{10 + number}/{11 + number}"), outcome=outcome
        )
        WellbeingOutcomeFactory(place=a).national_outcomes.set(NationalOutcome.objects.all()[:3])
    many, sql = _count(client, full)
    assert few == many == QUERY_BUDGETS[url], "\n".join(sql)


# --- A fault of the server -------------------------------------------------------------------------


def test_a_server_error_under_the_api_is_json_and_logged_with_its_traceback(cast, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("The directory's query broke")

    # Forcing a fault in the code under the view (not standing in for the database).
    monkeypatch.setattr(organisation_selectors, "organisation_directory_queryset", broken)
    client = client_with(token_for(cast.a.viewer))
    client.raise_request_exception = False
    url = f"/api/v1/places/{cast.a.place.slug}/organisations/"
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(url)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "A server error occurred."}
    assert {"private", "no-store"} <= _cache_directives(response)
    assert "broke" not in response.content.decode()  # no detail of the fault for the client
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert [record.getMessage() for record in logged] == [f"Internal Server Error: {url}"]  # once, not twice
    assert logged[0].exc_info[0] is RuntimeError
    assert "The directory's query broke" in caplog.text  # the traceback

    # Error reporters hear of it as of any other: the test client's own receiver raises it by default.
    client.raise_request_exception = True
    with pytest.raises(RuntimeError, match="query broke"):
        client.get(url)


def test_a_fault_in_the_schema_is_json_too(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("The schema broke")

    monkeypatch.setattr(SchemaGenerator, "get_schema", broken)
    client.raise_request_exception = False
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert (response.status_code, response.json()) == (500, {"detail": "A server error occurred."})


# --- The schema and the docs page -------------------------------------------------------------------


def test_the_schema_describes_every_endpoint_and_field(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert len(schema["paths"]) == len(ROUTES)
    undescribed = []
    for path, item in schema["paths"].items():
        assert set(item) - {"parameters"} == {"get"}, f"{path} answers more than GET"
        operation = item["get"]
        if not (operation.get("summary") and operation.get("description")):
            undescribed.append(path)
        undescribed += [f"{path} ?{p['name']}" for p in operation["parameters"] if not p.get("description")]
        assert {"200", "401", "404"} <= set(operation["responses"]), path
        assert {"knoxApiToken", "cookieAuth"} <= {name for s in operation["security"] for name in s}, path
    for name, component in schema["components"]["schemas"].items():
        if name.startswith("Paginated"):
            continue  # count, next, previous, results: DRF's own, explained on the docs page
        undescribed += [
            f"{name}.{field}" for field, spec in component.get("properties", {}).items() if not spec.get("description")
        ]
    assert not undescribed, f"Describe these: {undescribed}"


def test_the_docs_page_lists_every_endpoint_with_its_fields(client, cast):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    for route in ROUTES:
        assert (
            "/api/v1/" + str(route.pattern).replace("<slug:place_slug>", "{place_slug}").replace("<int:pk>", "{id}")
            in page
        )
    assert "Only interventions this delivery group carries" in page  # a filter's description
    assert "The link&#x27;s score" in page or "The link's score" in page  # a response field's description
    assert "Authorization: Token" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in page  # no inline script (base.html's scripts all have a src)


def test_generating_the_schema_leaves_the_pages_filter_labels_alone():
    """drf-spectacular once cached label-less form fields on the pages' filter sets, and the gap
    reports' cover sheets said "None: Active" (the suite caught it only in a later test file)."""
    from interventions.filters import GapAnalysisFilter, InterventionFilter

    SchemaGenerator().get_schema(request=None, public=True)

    for filterset_class in (GapAnalysisFilter, InterventionFilter):
        cached = [name for name, f in filterset_class.base_filters.items() if getattr(f, "_field", None) is not None]
        assert cached == [], f"{filterset_class.__name__} keeps form fields built without their labels"
