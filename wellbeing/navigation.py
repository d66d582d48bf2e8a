"""The sections of a place, in the order the navigation shows them.

Each entry names a URL by string only (wellbeing must not import the apps above it) and the
permission needed to open it. A section appears once its URL exists and the person holds the
permission: later issues add views, not navigation code.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

PLACE_SECTIONS: list[tuple[str, str, str]] = [
    ("Overview", "wellbeing:place_overview", "wellbeing.view_place"),
    ("Wellbeing outcomes", "wellbeing:outcome_list", "wellbeing.view_place"),
    ("Intervention map", "interventions:register", "wellbeing.view_place"),
    ("Gap analysis", "interventions:gap_analysis", "wellbeing.view_place"),
    ("Alignment", "wellbeing:alignment", "wellbeing.view_place"),
    ("Partnerships", "partnerships:partnership_list", "wellbeing.view_place"),
    ("Budgets and decisions", "wellbeing:budgets", "wellbeing.view_place"),
    ("People and roles", "wellbeing:place_members", "wellbeing.view_members"),
]


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    current: bool


def place_sections(*, place_slug: str, current_path: str, can: Callable[[str], bool]) -> list[NavItem]:
    items = []
    for label, url_name, permission in PLACE_SECTIONS:
        try:
            href = reverse(url_name, kwargs={"place_slug": place_slug})
        except NoReverseMatch:
            continue  # not built yet
        if not can(permission):
            continue
        is_overview = url_name == "wellbeing:place_overview"
        current = current_path == href if is_overview else current_path.startswith(href)
        items.append(NavItem(label=label, href=href, current=current))
    return items
