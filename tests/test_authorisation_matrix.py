"""Every URL of the project, asked by every kind of visitor.

The test walks the URL resolver, so a new view is in the matrix the moment it is routed. Each view
declares who may reach it, with the decorator that also enforces it (wellbeing/access.py):
`place_view(permission)`, `signed_in_view()` or `public_view()`. A view without one fails here.

What each permission should allow is written again below, independently, in EXPECTED_ROLES:
widening a permission in wellbeing/access.py without changing this table fails the test.

A URL with a parameter besides place_slug needs a provider in OBJECT_PROVIDERS returning that
object's value for a given place's cast; the matrix then also asks for place B's object under
place A's address and expects 404 from every member of A.
"""

import pytest
from django.test import Client

from interventions.models import GapReport, ImportJob, Intervention
from partnerships.models import Charter, DeliveryGroup, Organisation, Partnership
from tests.factories import (
    BudgetLineFactory,
    BudgetShareFactory,
    CharterCommitmentFactory,
    CharterFactory,
    ContributionFactory,
    DecisionAssessmentFactory,
    DeliveryGroupFactory,
    InterventionFactory,
    LocalIndicatorFactory,
    OrganisationFactory,
    OutcomeEffectFactory,
    PartnershipFactory,
    PartnershipMembershipFactory,
    SignatoryFactory,
    StrategicOutcomeFactory,
    StrategicPlanFactory,
)
from tests.routes import all_routes, fill
from wellbeing.access import PERMISSIONS, PlacePolicy, PublicPolicy, SignedInPolicy
from wellbeing.models import Place, Role, StrategicPlan, WellbeingOutcome

# Written out, not imported: a new role must be given each permission here on purpose.
EXPECTED_ROLES = {
    "place.view": {Role.VIEWER, Role.ANALYST, Role.OFFICER, Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN},
    "place.view_members": {Role.PLACE_ADMIN},
    "place.export": {Role.PLACE_ADMIN},
    "outcome.edit": {Role.OFFICER, Role.PLACE_ADMIN},
    "intervention.edit": {Role.OFFICER, Role.PLACE_ADMIN},
    "intervention.import": {Role.OFFICER, Role.PLACE_ADMIN},
    "gaps.report": {Role.ANALYST, Role.OFFICER, Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN},
    "plan.edit": {Role.PLACE_ADMIN},
    "decision.edit": {Role.OFFICER, Role.PLACE_ADMIN},
    "decision.decide": {Role.PLACE_ADMIN},
    "budget.edit": {Role.OFFICER, Role.PLACE_ADMIN},
    "indicator.edit": {Role.OFFICER, Role.PLACE_ADMIN},
    "organisation.edit": {Role.OFFICER, Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN},
    "partnership.edit": {Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN},
    "group.assign": {Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN},
    "charter.edit": {Role.PARTNERSHIP_LEAD, Role.PLACE_ADMIN},
}
STRICT_CSP = {"script-src": "'self'", "style-src": "'self'", "frame-ancestors": "'none'", "object-src": "'none'"}


def _outcome_of(place_cast) -> str:
    return str(WellbeingOutcome.objects.filter(place=place_cast.place).order_by("pk").first().pk)


def _intervention_of(place_cast) -> str:
    intervention = Intervention.objects.filter(place=place_cast.place).order_by("pk").first()
    if intervention is None:
        intervention = InterventionFactory(place=place_cast.place, owner=place_cast.officer)
        outcome = WellbeingOutcome.objects.filter(place=place_cast.place).order_by("pk").first()
        ContributionFactory(intervention=intervention, outcome=outcome)
    return str(intervention.pk)


def _import_job_of(place_cast) -> str:
    job = ImportJob.objects.create(
        place=place_cast.place,
        uploaded_by=place_cast.officer,
        filename="interventions.csv",
        file_format="csv",
        content=b"",
        status=ImportJob.Status.DONE,
    )
    return str(job.pk)


def _budget_import_job_of(place_cast) -> str:
    job = ImportJob.objects.create(
        place=place_cast.place,
        uploaded_by=place_cast.officer,
        kind=ImportJob.Kind.BUDGET_LINES,
        filename="budget-lines.csv",
        file_format="csv",
        content=b"",
        status=ImportJob.Status.DONE,
    )
    return str(job.pk)


def _gap_report_of(place_cast, owner=None) -> str:
    report = GapReport.objects.create(
        place=place_cast.place,
        requested_by=owner or place_cast.place_admin,
        file_format=GapReport.Format.CSV,
        status=GapReport.Status.DONE,
        content=b"Priority rank,Outcome\r\n",
        filename=f"gap-analysis-{place_cast.place.slug}.csv",
    )
    return str(report.pk)


def _region_of(place_cast) -> str:
    """A region (a city region deal, say) that the place is a member of."""
    region, _ = Place.objects.get_or_create(
        slug=f"region-of-{place_cast.place.slug}",
        defaults={"name": f"Region of {place_cast.place.name}", "kind": Place.Kind.REGION},
    )
    region.member_councils.add(place_cast.place)
    return region.slug


def _decision_of(place_cast) -> str:
    """A draft assessment of the place, scoring its first outcome."""
    assessment = DecisionAssessmentFactory(place=place_cast.place, owner=place_cast.officer)
    outcome = WellbeingOutcome.objects.filter(place=place_cast.place).order_by("pk").first()
    OutcomeEffectFactory(assessment=assessment, outcome=outcome)
    return str(assessment.pk)


def _plan(place_cast) -> StrategicPlan:
    """The place's first strategic plan, with one outcome embedding the place's first outcome."""
    plan = StrategicPlan.objects.filter(place=place_cast.place).order_by("pk").first()
    if plan is None:
        plan = StrategicPlanFactory(place=place_cast.place)
        outcome = WellbeingOutcome.objects.filter(place=place_cast.place).order_by("pk").first()
        StrategicOutcomeFactory(plan=plan, wellbeing_outcomes=[outcome])
    return plan


def _plan_of(place_cast) -> str:
    return str(_plan(place_cast).pk)


def _strategic_outcome_of(place_cast) -> str:
    return str(_plan(place_cast).outcomes.order_by("pk").first().pk)


def _indicator_of(place_cast) -> str:
    """A local indicator of the place's first outcome (the outcome the matrix puts in the address)."""
    outcome = WellbeingOutcome.objects.filter(place=place_cast.place).order_by("pk").first()
    indicator = outcome.local_indicators.order_by("pk").first() or LocalIndicatorFactory(outcome=outcome)
    return str(indicator.pk)


def _budget_line_of(place_cast) -> str:
    """A budget line of the place, tagged in part to its first outcome."""
    line = BudgetLineFactory(place=place_cast.place)
    outcome = WellbeingOutcome.objects.filter(place=place_cast.place).order_by("pk").first()
    BudgetShareFactory(line=line, outcome=outcome, percent=40)
    return str(line.pk)


def _organisation_of(place_cast) -> str:
    """One of the place's own organisations (never a national body, which every place shares)."""
    organisation = Organisation.objects.filter(place=place_cast.place).order_by("pk").first()
    return str((organisation or OrganisationFactory(place=place_cast.place)).pk)


def _partnership(place_cast) -> Partnership:
    """The place's first partnership, with one member organisation."""
    partnership = Partnership.objects.filter(place=place_cast.place).order_by("pk").first()
    if partnership is None:
        partnership = PartnershipFactory(place=place_cast.place)
        PartnershipMembershipFactory(partnership=partnership)
    return partnership


def _partnership_of(place_cast) -> str:
    return str(_partnership(place_cast).pk)


def _membership_of(place_cast) -> str:
    return str(_partnership(place_cast).memberships.order_by("pk").first().pk)


def _group_of(place_cast) -> str:
    """A delivery group of the place's first partnership, focused on the place's first outcome."""
    group = DeliveryGroup.objects.filter(partnership__place=place_cast.place).order_by("pk").first()
    if group is None:
        outcome = WellbeingOutcome.objects.filter(place=place_cast.place).order_by("pk").first()
        group = DeliveryGroupFactory(partnership=_partnership(place_cast), outcomes=[outcome])
    return str(group.pk)


def _charter(place_cast) -> Charter:
    """The place's first charter, with a commitment and a signatory that meets it."""
    charter = Charter.objects.filter(place=place_cast.place).order_by("pk").first()
    if charter is None:
        charter = CharterFactory(place=place_cast.place)
        commitment = CharterCommitmentFactory(charter=charter)
        SignatoryFactory(charter=charter, commitments_met=[commitment])
    return charter


def _charter_of(place_cast) -> str:
    return str(_charter(place_cast).pk)


def _signatory_of(place_cast) -> str:
    return str(_charter(place_cast).signatories.order_by("pk").first().pk)


# parameter → function(place_cast) giving the URL value of an object of that place.
OBJECT_PROVIDERS: dict = {
    "outcome_pk": _outcome_of,
    "intervention_pk": _intervention_of,
    "import_pk": _import_job_of,
    "budget_import_pk": _budget_import_job_of,
    "report_pk": _gap_report_of,
    "region_slug": _region_of,
    "plan_pk": _plan_of,
    "strategic_outcome_pk": _strategic_outcome_of,
    "decision_pk": _decision_of,
    "line_pk": _budget_line_of,
    "indicator_pk": _indicator_of,
    "organisation_pk": _organisation_of,
    "partnership_pk": _partnership_of,
    "membership_pk": _membership_of,
    "group_pk": _group_of,
    "charter_pk": _charter_of,
    "signatory_pk": _signatory_of,
}
# Objects that belong to one person (a gap report): their provider also takes the owner, and each
# member visiting asks for their own; another member's is 404 (tests/test_gap_reports.py).
PERSONAL_PARAMETERS = {"report_pk"}

VISITORS = ["anonymous", "outsider", "other_place_admin", *[f"member:{role.value}" for role in Role]]
PLACE_A_MARKER = "Fair work for women in Place A"
PLACE_B_MARKER = "Secret outcome of Place B"

ROUTES = all_routes()


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
    if visitor in {"outsider", "other_place_admin"}:
        return "404"
    return "ok" if Role(visitor.split(":", 1)[1]) in EXPECTED_ROLES[policy.permission] else "403"


def _outcome(response, policy) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/accounts/login/"):
        return "sign-in"
    if response.status_code in (403, 404, 405):
        return str(response.status_code)
    if response.status_code == 200:
        return "ok"
    # A redirect is fine for pages that are not place-scoped (sign-out → signed-out page); a
    # place page may only redirect within its own place.
    if response.status_code == 302 and (not isinstance(policy, PlacePolicy) or location.startswith("/places/place-a/")):
        return "ok"
    return f"unexpected {response.status_code} {location}".strip()


def _login(client, user) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


def _values(route, cast, place_cast_for_objects, owner=None) -> dict[str, str]:
    values = {"place_slug": cast.a.place.slug}
    for parameter in route.parameters:
        if parameter == "place_slug":
            continue
        if parameter not in OBJECT_PROVIDERS:
            pytest.fail(f"{route.route!r} has a parameter {parameter!r}: add a provider to OBJECT_PROVIDERS.")
        if parameter in PERSONAL_PARAMETERS:
            values[parameter] = OBJECT_PROVIDERS[parameter](place_cast_for_objects, owner)
        else:
            values[parameter] = OBJECT_PROVIDERS[parameter](place_cast_for_objects)
    return values


def test_the_permission_table_says_what_this_test_expects():
    assert {name: permission.roles for name, permission in PERMISSIONS.items()} == EXPECTED_ROLES


def test_every_routed_view_declares_its_access_policy_and_place_pages_are_place_scoped():
    undeclared = [r.name for r in ROUTES if not hasattr(r.callback, "access_policy")]
    assert not undeclared, f"Views with no access decorator: {undeclared}"
    unscoped = [r.name for r in ROUTES if r.is_place_scoped and not isinstance(r.callback.access_policy, PlacePolicy)]
    assert not unscoped, f"Place URLs not guarded by place_view: {unscoped}"
    misplaced = [r.name for r in ROUTES if isinstance(r.callback.access_policy, PlacePolicy) and not r.is_place_scoped]
    assert not misplaced, f"place_view on a URL outside /places/<place_slug>/: {misplaced}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_each_visitor_gets_what_the_view_declares(client, cast, route):
    policy = route.callback.access_policy
    path = fill(route, _values(route, cast, cast.a))
    personal = PERSONAL_PARAMETERS & set(route.parameters)
    mismatches = []
    for visitor in VISITORS:
        _login(client, _user_for(visitor, cast))
        if personal and visitor.startswith("member:"):
            path = fill(route, _values(route, cast, cast.a, owner=_user_for(visitor, cast)))
        for method in ("GET", "HEAD", "POST"):
            response = getattr(client, method.lower())(path)
            declared = method in policy.methods or (method == "HEAD" and "GET" in policy.methods)
            expected = _expected(policy, visitor) if declared else "405"
            got = _outcome(response, policy)
            if expected != got:
                mismatches.append(f"{method} {path} as {visitor}: expected {expected}, got {got}")
            # A download may stream (the place archive): read it the same way.
            content = b"".join(response.streaming_content) if response.streaming else response.content
            body = content.decode(errors="replace")
            if PLACE_B_MARKER in body:
                mismatches.append(f"{method} {path} as {visitor}: shows place B's data")
            if visitor in {"anonymous", "outsider", "other_place_admin"} and PLACE_A_MARKER in body:
                mismatches.append(f"{method} {path} as {visitor}: shows place A's data to a non-member")
            directives = dict(
                part.strip().split(" ", 1)
                for part in response.headers.get("Content-Security-Policy", "").split(";")
                if part.strip()
            )
            if any(directives.get(name) != value for name, value in STRICT_CSP.items()):
                mismatches.append(f"{method} {path} as {visitor}: CSP is not strict: {directives}")
    assert not mismatches, "\n".join(mismatches)


OBJECT_ROUTES = [r for r in ROUTES if set(r.parameters) - {"place_slug"}]

# Defined once an object URL exists (none yet): an empty parametrisation would be a skip, and CI
# fails on skips.
if OBJECT_ROUTES:

    @pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name)
    def test_another_places_object_under_this_places_address_is_404(client, cast, route):
        """Every member who may use the view gets 404 for place B's object, by each method the view
        takes. A role without the permission gets the 403 it gets for any id (the refusal comes
        before the lookup, so it says nothing about whether the object exists)."""
        assert _values(route, cast, cast.b) != _values(route, cast, cast.a), "a provider ignores its place"
        path = fill(route, _values(route, cast, cast.b))
        policy = route.callback.access_policy
        for role in Role:
            _login(client, cast.a.member(role))
            for method in policy.methods:
                response = getattr(client, method.lower())(path)
                expected = 404 if role in EXPECTED_ROLES[policy.permission] else 403
                assert response.status_code == expected, f"{method} {path} as {role}"
                assert PLACE_B_MARKER not in response.content.decode(errors="replace")


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if "POST" in r.callback.access_policy.methods], ids=lambda r: r.name
)
def test_a_post_without_the_csrf_token_is_refused_with_a_styled_page(cast, route):
    client = Client(enforce_csrf_checks=True)
    if not isinstance(route.callback.access_policy, PublicPolicy):
        client.force_login(cast.a.place_admin)
    response = client.post(fill(route, _values(route, cast, cast.a)))
    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()
