"""Shared fixtures: reference data once per session, and a fixed cast of personas in two places.

`cast.a.officer` is the officer of place A, `cast.b.viewer` the viewer of place B, and
`cast.outsider` belongs to no place. Every role has one member in each place.
"""

import os
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from tests.factories import PASSWORD, MembershipFactory, PlaceFactory, UserFactory, WellbeingOutcomeFactory
from wellbeing.models import NationalOutcome, Place, Role, User

# Live-server tests drive Chromium from the test thread, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# In CI a test must fail, not skip, when a service or the browser is missing.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") == "1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a persona; the cast has eleven. Hashing itself is Django's to test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference_data(db):
    """Reference data in the database. Transactional tests (live server) flush tables after
    each test, so they reload it; for the rest it is already there from the session."""
    if not NationalOutcome.objects.exists():
        call_command("load_reference", verbosity=0)


@dataclass
class PlaceCast:
    place: Place
    viewer: User
    analyst: User
    officer: User
    partnership_lead: User
    place_admin: User

    def member(self, role: Role) -> User:
        return getattr(self, role.value)


@dataclass
class Cast:
    a: PlaceCast
    b: PlaceCast
    outsider: User
    password: str = PASSWORD


def _place_cast(place: Place, prefix: str) -> PlaceCast:
    members = {
        role.value: MembershipFactory(place=place, role=role, user=UserFactory(username=f"{prefix}-{role.value}")).user
        for role in Role
    }
    return PlaceCast(place=place, **members)


@pytest.fixture
def cast(reference_data) -> Cast:
    place_a = PlaceFactory(name="Place A", slug="place-a")
    place_b = PlaceFactory(name="Place B", slug="place-b")
    WellbeingOutcomeFactory(place=place_a, title="Fair work for women in Place A", priority_rank=1)
    WellbeingOutcomeFactory(place=place_b, title="Secret outcome of Place B", priority_rank=1)
    return Cast(
        a=_place_cast(place_a, "a"),
        b=_place_cast(place_b, "b"),
        outsider=UserFactory(username="outsider"),
    )


FIGURES_KEY = pytest.StashKey[list[str]]()


@pytest.fixture
def figures(request) -> list[str]:
    """Lines of measured figures (load, schemathesis examples, fault recovery times) that the run
    prints at its end, pass or fail, so the CI log carries them. Figures, never assertions on time."""
    lines = request.config.stash.setdefault(FIGURES_KEY, [])
    start = len(lines)
    yield lines
    # Name the test in front of what it added.
    if len(lines) > start:
        lines.insert(start, f"{request.node.nodeid}:")


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(FIGURES_KEY, [])
    if lines:
        terminalreporter.section("figures")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_sessionfinish(session, exitstatus):
    """With REQUIRE_SERVICES=1 (CI), a skipped test fails the run: nothing may hide behind a skip."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if REQUIRE_SERVICES and skipped:
        reporter.write_line(f"REQUIRE_SERVICES=1: {len(skipped)} test(s) skipped; CI treats a skip as a failure.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return [
        f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({database['NAME']})",
        f"redis for the worker test: {os.environ.get('TEST_REDIS_URL', 'redis://127.0.0.1:6379/15')}",
        f"chromium: {os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium')}; REQUIRE_SERVICES={int(REQUIRE_SERVICES)}",
    ]
