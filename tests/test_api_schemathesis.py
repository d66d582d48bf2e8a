"""Schemathesis against the read API's own OpenAPI schema: for every operation it generates requests
(valid and invalid parameters) and checks each answer with its default checks: no server error,
the status code and content type are ones the schema documents, the body conforms to the schema,
invalid input is refused, and an unauthenticated request is refused.

Bounded so CI stays quick and repeatable: at most MAX_EXAMPLES examples per operation, derandomised.
Requests carry a real knox token of a member of place A and go through the WSGI application, against
place A's address (a generated slug would only ever meet 404). How many examples each operation got
is printed (pytest -s) and written to test-artifacts/schemathesis-examples.txt.
"""

from collections import Counter

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from api import services
from tests.conftest import FIGURES_KEY
from tests.factories import (
    BudgetLineFactory,
    BudgetShareFactory,
    ContributionFactory,
    DeliveryGroupFactory,
    GroupAssignmentFactory,
    InterventionFactory,
    PartnershipFactory,
    PartnershipMembershipFactory,
    StrategicOutcomeFactory,
    StrategicPlanFactory,
)
from wellbeing.models import CwbPillar, WellbeingOutcome

MAX_EXAMPLES = 25
# Every operation must really have been exercised: schemathesis gives each at least this many.
MIN_EXAMPLES_PER_OPERATION = 5
REPORT = django_settings.BASE_DIR / "test-artifacts" / "schemathesis-examples.txt"

EXAMPLES: Counter = Counter()


@pytest.fixture
def wsgi_in_the_test_transaction():
    """Django closes a connection in a transaction at the end of each request; its test client stops
    that for the test's transaction to survive, and so must a test that calls the WSGI application."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def member(cast, wsgi_in_the_test_transaction):
    """Place A with something in every list, and a token of its analyst."""
    place = cast.a.place
    outcome = WellbeingOutcome.objects.get(place=place)
    intervention = InterventionFactory(place=place, owner=cast.a.officer)
    pillar = CwbPillar.objects.order_by("pk").first()
    intervention.cwb_pillars.set([pillar])
    ContributionFactory(intervention=intervention, outcome=outcome)
    partnership = PartnershipFactory(place=place)
    PartnershipMembershipFactory(partnership=partnership)
    group = DeliveryGroupFactory(partnership=partnership, outcomes=[outcome])
    GroupAssignmentFactory(group=group, intervention=intervention)
    StrategicOutcomeFactory(plan=StrategicPlanFactory(place=place), wellbeing_outcomes=[outcome])
    line = BudgetLineFactory(place=place)
    BudgetShareFactory(line=line, outcome=outcome)
    _, token = services.token_create(user=cast.a.analyst, name="Schemathesis", expires_in_days=30)
    return {
        "slug": place.slug,
        "token": token,
        # A filter naming an id is valid only with one of the place's own (any other is a 400, as on
        # the pages): valid requests get these, invalid ones keep what schemathesis made.
        "path": {"id": intervention.pk},
        "query": {
            "lead": intervention.lead_organisation_id,
            "outcome": outcome.pk,
            "group": group.pk,
            "pillar": pillar.code,
            "year": line.financial_year,
        },
    }


# Loaded when the module is collected, through the WSGI application (the schema view reads no
# database). schemathesis.pytest.from_fixture would load it per test, but 4.32.5 sets pytest's
# Node._nodeid, which pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


@pytest.fixture
def examples_tried():
    """Each operation really was exercised: schemathesis tried at least MIN_EXAMPLES_PER_OPERATION."""
    before = sum(EXAMPLES.values())
    yield
    tried = sum(EXAMPLES.values()) - before
    assert tried >= MIN_EXAMPLES_PER_OPERATION, f"only {tried} examples"


@pytest.fixture(scope="module", autouse=True)
def example_report(request):
    yield
    if not EXAMPLES:
        return
    lines = [f"{count:4d}  {label}" for label, count in sorted(EXAMPLES.items())]
    lines.append(f"{sum(EXAMPLES.values()):4d}  in total, over {len(EXAMPLES)} operations")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    # Into the run's "figures" section (tests/conftest.py), so the CI log carries the counts.
    figures = request.config.stash.setdefault(FIGURES_KEY, [])
    figures += ["schemathesis examples tried per operation:", *(f"  {line}" for line in lines)]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_the_api_conforms_to_its_schema(case, member, examples_tried):
    EXAMPLES[case.operation.label] += 1
    if "place_slug" in (case.path_parameters or {}):
        case.path_parameters["place_slug"] = member["slug"]
    if case.meta.generation.mode.is_positive:
        for name, value in member["path"].items():
            if name in (case.path_parameters or {}):
                case.path_parameters[name] = value
        for name, value in member["query"].items():
            if (case.query or {}).get(name) not in (None, "", "none"):
                case.query[name] = value
    case.call_and_validate(headers={"Authorization": f"Token {member['token']}"})
