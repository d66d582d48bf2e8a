"""The sections of a place, in the order the navigation shows them.

Each entry names a URL by string only (wellbeing must not import the apps above it) and the
permission needed to open it. Sections that later issues build are listed in PENDING_SECTIONS;
tests/test_navigation.py checks that every other name resolves, and tells you to move a pending
one out once its view exists.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

PLACE_SECTIONS: list[tuple[str, str, str]] = [
    ("Overview", "wellbeing:place_overview", "place.view"),
    ("Wellbeing outcomes", "wellbeing:outcome_list", "place.view"),
    ("Intervention map", "interventions:register", "place.view"),
    ("Gap analysis", "interventions:gap_analysis", "place.view"),
    ("Alignment", "wellbeing:alignment", "place.view"),
    ("Partnerships", "partnerships:partnership_list", "place.view"),
    ("Budgets", "wellbeing:budgets", "place.view"),
    ("Decisions", "wellbeing:decision_list", "place.view"),
    ("People and roles", "wellbeing:place_members", "place.view_members"),
]

PENDING_SECTIONS: set[str] = set()

# Pages that sit outside a section's own address but belong to it (by their path under the place):
# the organisations directory, charters and delivery group dashboards are part of "Partnerships".
SECTION_ALSO_COVERS: dict[str, tuple[str, ...]] = {
    "partnerships:partnership_list": ("organisations/", "charters/", "groups/"),
}


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    aria_current: str  # "page" for the page itself, "true" for a page inside the section, "" otherwise


def place_sections(*, place_slug: str, current_path: str, can: Callable[[str], bool]) -> list[NavItem]:
    items = []
    place_root = reverse("wellbeing:place_overview", kwargs={"place_slug": place_slug})
    for label, url_name, permission in PLACE_SECTIONS:
        if url_name in PENDING_SECTIONS or not can(permission):
            continue
        href = reverse(url_name, kwargs={"place_slug": place_slug})
        covered = [href, *(place_root + segment for segment in SECTION_ALSO_COVERS.get(url_name, ()))]
        if current_path == href:
            aria_current = "page"
        elif url_name != "wellbeing:place_overview" and current_path.startswith(tuple(covered)):
            aria_current = "true"
        else:
            aria_current = ""
        items.append(NavItem(label=label, href=href, aria_current=aria_current))
    return items


def section_url_resolves(url_name: str) -> bool:
    try:
        reverse(url_name, kwargs={"place_slug": "any-place"})
    except NoReverseMatch:
        return False
    return True
