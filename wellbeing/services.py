"""Writes that touch several rows: loading reference data and building the demo place."""

import csv
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from wellbeing.budget_demo import demo_budget_seed
from wellbeing.concurrency import save_versioned
from wellbeing.decision_demo import demo_decisions_seed
from wellbeing.indicator_demo import demo_indicators_seed
from wellbeing.models import (
    AnchorInstitutionType,
    CwbPillar,
    FairWorkCriterion,
    NationalIndicator,
    NationalOutcome,
    Place,
    PlaceMembership,
    Role,
    StrategicOutcome,
    StrategicPlan,
    User,
    WellbeingOutcome,
)
from wellbeing.models.npf import NPF_2018

REFERENCE_DIR = settings.BASE_DIR / "fixtures" / "reference"


class ReferenceDataError(Exception):
    pass


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


@transaction.atomic
def reference_data_load(*, directory: Path = REFERENCE_DIR) -> dict[str, int]:
    """Create or update all reference data from the CSV files; safe to run again. All or nothing."""
    outcomes = {}
    for row in _read_csv(directory / "npf_national_outcomes.csv"):
        outcomes[row["code"]], _ = NationalOutcome.objects.update_or_create(
            framework_version=NPF_2018,
            code=row["code"],
            defaults={"name": row["name"], "statement": row["statement"]},
        )

    indicator_names: dict[str, str] = {}
    indicator_outcomes: dict[str, list[NationalOutcome]] = {}
    for row in _read_csv(directory / "npf_national_indicators.csv"):
        if row["outcome_code"] not in outcomes:
            raise ReferenceDataError(f"Indicator {row['code']} names unknown outcome {row['outcome_code']!r}.")
        if indicator_names.setdefault(row["code"], row["indicator"]) != row["indicator"]:
            raise ReferenceDataError(
                f"Indicator {row['code']} has two names: {indicator_names[row['code']]!r}, {row['indicator']!r}."
            )
        indicator_outcomes.setdefault(row["code"], []).append(outcomes[row["outcome_code"]])
    for code, linked in indicator_outcomes.items():
        indicator, _ = NationalIndicator.objects.update_or_create(
            framework_version=NPF_2018, code=code, defaults={"name": indicator_names[code]}
        )
        indicator.outcomes.set(linked)

    councils = {}
    for row in _read_csv(directory / "council_areas.csv"):
        councils[row["name"]], _ = Place.objects.update_or_create(
            ons_code=row["ons_code"],
            defaults={"name": row["name"], "kind": Place.Kind.COUNCIL},
            # The slug is in people's bookmarks: set once, kept when a name changes.
            create_defaults={"name": row["name"], "kind": Place.Kind.COUNCIL, "slug": slugify(row["name"])},
        )

    regions = 0
    for row in _read_csv(directory / "regional_deals.csv"):
        if Place.objects.filter(slug=row["code"]).exclude(kind=Place.Kind.REGION).exists():
            raise ReferenceDataError(
                f"Region code {row['code']!r} is already the address of a place that is not a region."
            )
        region, _ = Place.objects.update_or_create(
            slug=row["code"],
            kind=Place.Kind.REGION,
            defaults={"name": row["name"], "region_kind": row["kind"]},
        )
        names = [name.strip() for name in row["member_councils"].split(";") if name.strip()]
        unknown = [name for name in names if name not in councils]
        if unknown:
            raise ReferenceDataError(f"{row['name']} lists councils not in council_areas.csv: {', '.join(unknown)}.")
        region.member_councils.set([councils[name] for name in names])
        regions += 1

    for row in _read_csv(directory / "cwb_pillars.csv"):
        CwbPillar.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "summary": row["summary"]})
    for row in _read_csv(directory / "fair_work_first_criteria.csv"):
        FairWorkCriterion.objects.update_or_create(code=row["code"], defaults={"criterion": row["criterion"]})
    for row in _read_csv(directory / "anchor_institution_types.csv"):
        AnchorInstitutionType.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})

    return {
        "national outcomes": len(outcomes),
        "national indicators": len(indicator_outcomes),
        "council areas": len(councils),
        "regions": regions,
        "CWB pillars": CwbPillar.objects.count(),
        "Fair Work First criteria": FairWorkCriterion.objects.count(),
        "anchor institution types": AnchorInstitutionType.objects.count(),
    }


# --- The illustrative demo place ------------------------------------------------------------------

DEMO_PLACE_SLUG = "clackmannanshire-demo"
DEMO_PLACE_NAME = "Clackmannanshire (illustrative demo)"

# Clackmannanshire's seven draft wellbeing priorities (2023), with the NPF outcomes (by code) and
# indicators each plausibly serves. The links are our illustration, not the council's.
DEMO_OUTCOMES: list[tuple[str, str, list[str], list[str]]] = [
    (
        "Poverty",
        "Fewer households in poverty, and children's life chances no longer set by their family's income.",
        ["POV", "CYP"],
        ["Relative poverty after housing costs", "Persistent poverty", "Food insecurity", "Cost of living"],
    ),
    (
        "Economic opportunity",
        "More people in good work and more local businesses, with the benefits kept in the county.",
        ["ECO", "FWB"],
        ["Economic participation", "Entrepreneurial activity", "The number of businesses"],
    ),
    (
        "Fair work, particularly for women",
        "Secure, fairly paid work with a voice, and the gender pay gap closing.",
        ["FWB", "HRI"],
        ["Employees on the living wage", "Pay gap", "Contractually secure work", "Employee voice"],
    ),
    (
        "Outcomes for young people",
        "Every young person in learning, training or work, with the confidence and skills to get on.",
        ["CYP", "EDU"],
        ["Young people's participation", "Educational attainment", "Confidence of children and young people"],
    ),
    (
        "Health and wellbeing",
        "Longer, healthier lives, and the gap between communities narrowing.",
        ["HEA"],
        ["Healthy life expectancy", "Mental wellbeing", "Physical activity"],
    ),
    (
        "Sustainable place",
        "Town centres and communities that people value, with land and buildings in productive local use.",
        ["COM", "ENV"],
        ["Perceptions of local area", "Community land ownership", "Access to green and blue space"],
    ),
    (
        "Climate and environmental sustainability",
        "A just transition to net zero that brings local jobs.",
        ["ENV", "ECO"],
        ["Greenhouse gas emissions", "Energy from renewable sources", "Carbon footprint"],
    ),
]

DEMO_USERS: list[tuple[str, str, str, Role]] = [
    ("demo-viewer", "Morag", "Viewer", Role.VIEWER),
    ("demo-analyst", "Ailsa", "Analyst", Role.ANALYST),
    ("demo-officer", "Callum", "Officer", Role.OFFICER),
    ("demo-lead", "Fiona", "Lead", Role.PARTNERSHIP_LEAD),
    ("demo-admin", "Euan", "Admin", Role.PLACE_ADMIN),
]


DEMO_USERNAMES = frozenset(username for username, *_ in DEMO_USERS)

# An illustrative LOIP: its outcomes, the demo's wellbeing outcomes each embeds (by title) and the
# NPF outcomes each serves (by code). On purpose, "Climate and environmental sustainability" is
# embedded in none and the last outcome serves no NPF outcome, so the alignment page flags both.
DEMO_PLAN_TITLE = "Clackmannanshire Local Outcomes Improvement Plan 2024–2034 (illustrative)"
DEMO_PLAN_DESCRIPTION = (
    "An illustration of a wellbeing economy LOIP, written for this demo: not the Clackmannanshire Alliance's plan."
)
DEMO_STRATEGIC_OUTCOMES: list[tuple[str, list[str], list[str]]] = [
    ("Fewer children and families live in poverty", ["Poverty", "Outcomes for young people"], ["POV", "CYP"]),
    (
        "Inclusive growth brings good jobs and local businesses",
        ["Economic opportunity", "Fair work, particularly for women"],
        ["ECO", "FWB"],
    ),
    (
        "Young people and women get on in fair work and learning",
        ["Fair work, particularly for women", "Outcomes for young people"],
        ["FWB", "EDU", "HRI"],
    ),
    ("People live longer, healthier lives", ["Health and wellbeing"], ["HEA"]),
    ("Communities are empowered, connected and resilient", ["Sustainable place", "Poverty"], ["COM"]),
    ("Public services are designed with the people who use them", ["Health and wellbeing"], []),
]


class DemoDataRefused(Exception):
    pass


@dataclass
class DemoLogins:
    place: Place
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, password, role label


@transaction.atomic
def demo_place_seed() -> DemoLogins:
    """Build (or refresh) the illustrative demo place and one user per role, with new passwords.

    Refused under production settings: demo users with printed passwords must never exist there.
    """
    if not settings.DEMO_DATA_ALLOWED:
        raise DemoDataRefused("Demo data is only created when DEBUG is on; these are production settings.")
    if not NationalOutcome.objects.exists():
        reference_data_load()

    place, _ = Place.objects.update_or_create(
        slug=DEMO_PLACE_SLUG,
        defaults={"name": DEMO_PLACE_NAME, "kind": Place.Kind.COUNCIL, "is_demo": True, "ons_code": ""},
    )
    national = {outcome.code: outcome for outcome in NationalOutcome.objects.filter(framework_version=NPF_2018)}
    indicators = {i.name: i for i in NationalIndicator.objects.filter(framework_version=NPF_2018)}
    for rank, (title, description, outcome_codes, indicator_names) in enumerate(DEMO_OUTCOMES, start=1):
        missing = [name for name in indicator_names if name not in indicators]
        if missing:
            raise ReferenceDataError(f"Demo outcome {title!r} names unknown NPF indicators: {', '.join(missing)}.")
        outcome, _ = WellbeingOutcome.objects.update_or_create(
            place=place, title=title, defaults={"description": description, "priority_rank": rank}
        )
        outcome.national_outcomes.set([national[code] for code in outcome_codes])
        outcome.national_indicators.set([indicators[name] for name in indicator_names])
    _demo_plan_seed(place=place, national=national)
    demo_indicators_seed(place=place)

    result = DemoLogins(place=place)
    for username, first_name, last_name, role in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username, defaults={"first_name": first_name, "last_name": last_name, "is_active": True}
        )
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save(update_fields=["password"])
        PlaceMembership.objects.update_or_create(user=user, place=place, defaults={"role": role})
        result.logins.append((username, password, role.label))
    demo_decisions_seed(
        place=place, officer=User.objects.get(username="demo-officer"), admin=User.objects.get(username="demo-admin")
    )
    demo_budget_seed(place=place)
    return result


def _demo_plan_seed(*, place: Place, national: dict[str, NationalOutcome]) -> None:
    plan, _ = StrategicPlan.objects.update_or_create(
        place=place,
        title=DEMO_PLAN_TITLE,
        defaults={
            "kind": StrategicPlan.Kind.LOIP,
            "status": StrategicPlan.Status.ADOPTED,
            "period_start": 2024,
            "period_end": 2034,
            "description": DEMO_PLAN_DESCRIPTION,
        },
    )
    wellbeing = {outcome.title: outcome for outcome in WellbeingOutcome.objects.for_place(place)}
    for title, wellbeing_titles, codes in DEMO_STRATEGIC_OUTCOMES:
        outcome, _ = StrategicOutcome.objects.get_or_create(plan=plan, title=title)
        outcome.wellbeing_outcomes.set([wellbeing[name] for name in wellbeing_titles])
        outcome.national_outcomes.set([national[code] for code in codes])


# --- Key wellbeing outcomes -----------------------------------------------------------------------


@transaction.atomic
def outcome_save(*, place: Place, form) -> WellbeingOutcome:
    """Create an outcome of the place, or save changes to one unless someone else saved it since the
    form was opened (wellbeing.concurrency.EditConflict, nothing written)."""
    outcome = form.save(commit=False)
    if outcome.pk is None:
        outcome.place = place
        outcome.save()
    else:
        if outcome.place_id != place.pk:
            raise PermissionError("An outcome is changed only in its own place.")
        save_versioned(outcome, expected_version=form.cleaned_data["version"])
    form.save_m2m()
    return outcome


# --- Strategic plans and their outcomes -----------------------------------------------------------

OTHER_PLACES_OUTCOME = "A strategic outcome can embed only its own place's wellbeing outcomes."


@transaction.atomic
def plan_save(*, place: Place, form) -> StrategicPlan:
    """Create a plan of the place, or save changes to one unless someone else saved it since the
    form was opened (wellbeing.concurrency.EditConflict, nothing written)."""
    plan = form.save(commit=False)
    if plan.pk is None:
        plan.place = place
        plan.save()
    else:
        if plan.place_id != place.pk:
            raise PermissionError("A plan is changed only in its own place.")
        save_versioned(plan, expected_version=form.cleaned_data["version"])
    return plan


@transaction.atomic
def strategic_outcome_save(*, plan: StrategicPlan, form) -> StrategicOutcome:
    """Create an outcome of the plan, or save changes to one (refused as for plans). Its wellbeing
    outcomes must be the plan's place's: the form offers no others, and this refuses them anyway."""
    outcome = form.save(commit=False)
    chosen = form.cleaned_data.get("wellbeing_outcomes") or []
    if any(wellbeing.place_id != plan.place_id for wellbeing in chosen):
        raise PermissionError(OTHER_PLACES_OUTCOME)
    if outcome.pk is None:
        outcome.plan = plan
        outcome.save()
    else:
        if outcome.plan_id != plan.pk:
            raise PermissionError("A strategic outcome is changed only in its own plan.")
        save_versioned(outcome, expected_version=form.cleaned_data["version"])
    form.save_m2m()
    return outcome
