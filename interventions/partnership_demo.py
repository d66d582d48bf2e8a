"""The demo place's illustrative anchor partnership, its four delivery groups (with interventions
assigned) and a Good Employment Charter with signatories.

ILLUSTRATIVE, like interventions/demo.py. Clackmannanshire's pilot did lead to a Wellbeing Economy
Anchor Partnership and a Good Employment Charter (shared/reference/domain-notes.md §5), but their
membership, groups and signatories are not public: every seat, representative, group, date and
commitment met below is invented for the demo. The organisations are the demo's own
(interventions/demo.py), so this runs after demo_interventions_seed.

What the demo shows on purpose:
- one priority outcome, DEMO_UNGROUPED_OUTCOME, that no delivery group covers (flagged on the
  partnership page);
- some active interventions touching a group's outcomes but in no group ("could join this group");
- one past member (left the partnership), and signatures spread over the charter's life.

Idempotent: rows are matched by name (or organisation), and relations are set only when they differ,
so a second run writes no history.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from interventions import demo
from interventions.models import GroupAssignment, Intervention
from partnerships.models import (
    Charter,
    CharterCommitment,
    DeliveryGroup,
    Membership,
    Organisation,
    Partnership,
    Signatory,
)
from wellbeing.models import FairWorkCriterion, Place, User, WellbeingOutcome
from wellbeing.services import DemoDataRefused

CHANGE_REASON = demo.CHANGE_REASON

PARTNERSHIP_NAME = "Clackmannanshire Wellbeing Economy Anchor Partnership (illustrative)"
CHARTER_NAME = "Clackmannanshire Good Employment Charter (illustrative)"
DEMO_UNGROUPED_OUTCOME = demo.HEALTH


@dataclass(frozen=True)
class DemoSeat:
    organisation: str
    representative: str
    role: str
    joined_days_ago: int
    left_days_ago: int | None = None


SEATS: list[DemoSeat] = [
    DemoSeat(demo.COUNCIL, "Chief Executive (illustrative)", Membership.Role.CHAIR, 900),
    DemoSeat(demo.COLLEGE, "Principal (illustrative)", Membership.Role.MEMBER, 900),
    DemoSeat(demo.UNIVERSITY, "Deputy Principal (illustrative)", Membership.Role.MEMBER, 720),
    DemoSeat(demo.NHS, "Director of Public Health (illustrative)", Membership.Role.MEMBER, 900),
    DemoSeat(demo.HSCP, "Chief Officer (illustrative)", Membership.Role.OBSERVER, 600),
    DemoSeat(demo.OCHIL_VIEW, "Chief Executive (illustrative)", Membership.Role.MEMBER, 900),
    DemoSeat(demo.PARAGON, "Director of Development (illustrative)", Membership.Role.MEMBER, 540),
    DemoSeat(demo.KINGDOM, "Head of Development (illustrative)", Membership.Role.MEMBER, 900, left_days_ago=300),
    DemoSeat(demo.TSI, "Chief Officer (illustrative)", Membership.Role.MEMBER, 900),
    DemoSeat(demo.CREDIT_UNION, "General Manager (illustrative)", Membership.Role.MEMBER, 480),
    DemoSeat(demo.EMPLOYER_ENGINEERING, "Managing Director", Membership.Role.MEMBER, 420),
    DemoSeat(demo.EMPLOYER_FOODS, "Owner", Membership.Role.MEMBER, 240),
]


@dataclass(frozen=True)
class DemoGroup:
    name: str
    remit: str
    outcomes: tuple[str, ...]
    lead: str
    members: tuple[str, ...]
    interventions: tuple[str, ...]


GROUPS: list[DemoGroup] = [
    DemoGroup(
        "Fair work and good employment",
        "Grow secure, fairly paid work with a voice, led by the anchors as employers, and roll out the "
        "Good Employment Charter.",
        (demo.FAIR_WORK, demo.ECONOMIC),
        demo.COUNCIL,
        (demo.COUNCIL, demo.NHS, demo.COLLEGE, demo.EMPLOYER_ENGINEERING, demo.EMPLOYER_FOODS),
        (
            "Clackmannanshire Good Employment Charter",
            "Real Living Wage accreditation drive",
            "Council gender pay gap action plan",
            "Fair Work First conditions on public funding",
        ),
    ),
    DemoGroup(
        "Family wellbeing and tackling poverty",
        "Raise family incomes and cut the cost of being poor, with support where families already go.",
        (demo.POVERTY, demo.YOUNG_PEOPLE),
        demo.TSI,
        (demo.TSI, demo.COUNCIL, demo.NHS, demo.HSCP, demo.CREDIT_UNION),
        (
            "Clackmannanshire Family Wellbeing Partnership",
            "Income maximisation advice in GP practices",
            "School clothing grant uplift",
            "Credit union growth partnership",
        ),
    ),
    DemoGroup(
        "Skills and young people",
        "Every young person in learning, training or work, with routes into the anchors' own jobs.",
        (demo.YOUNG_PEOPLE, demo.ECONOMIC),
        demo.COLLEGE,
        (demo.COLLEGE, demo.UNIVERSITY, demo.COUNCIL, demo.EMPLOYER_ENGINEERING),
        (
            "Developing the Young Workforce in Clackmannanshire schools",
            "Modern Apprenticeships in council services",
            "No One Left Behind: Clackmannanshire employability service",
        ),
    ),
    DemoGroup(
        "Net zero homes and places",
        "Warm, affordable homes and a just transition to net zero that brings local jobs.",
        (demo.CLIMATE, demo.PLACE),
        demo.OCHIL_VIEW,
        (demo.OCHIL_VIEW, demo.PARAGON, demo.COUNCIL),
        (
            "Council housing retrofit and zero emissions heat",
            "Area-based insulation scheme for private homes",
            "New social rented homes with housing association partners",
        ),
    ),
]

CHARTER_LAUNCHED_DAYS_AGO = 600

# Signatories: organisation, days ago it signed, and the Fair Work First criteria (by code) it meets.
SIGNATORIES: list[tuple[str, int, tuple[str, ...]]] = [
    (
        demo.COUNCIL,
        590,
        ("voice", "development", "zero_hours", "pay_gap_diversity", "living_wage", "flexible", "fire_rehire"),
    ),
    (demo.NHS, 560, ("voice", "development", "zero_hours", "pay_gap_diversity", "living_wage", "fire_rehire")),
    (demo.COLLEGE, 500, ("voice", "development", "zero_hours", "living_wage", "fire_rehire")),
    (demo.OCHIL_VIEW, 430, ("voice", "development", "living_wage", "flexible", "fire_rehire")),
    (demo.TSI, 380, ("development", "zero_hours", "pay_gap_diversity", "living_wage", "flexible", "fire_rehire")),
    (demo.EMPLOYER_ENGINEERING, 300, ("development", "zero_hours", "living_wage", "fire_rehire")),
    (demo.CREDIT_UNION, 200, ("zero_hours", "living_wage", "flexible", "fire_rehire")),
    (demo.EMPLOYER_FOODS, 120, ("living_wage", "zero_hours", "fire_rehire")),
    (demo.EMPLOYER_CARE, 40, ("living_wage", "development")),
]


@transaction.atomic
def demo_partnerships_seed(place: Place, *, today: date | None = None) -> dict[str, int]:
    """Create or update the demo place's partnership, groups, assignments and charter; safe to run again."""
    if not place.is_demo:
        raise DemoDataRefused(f"{place.name} is not a demo place: illustrative partnerships are never added to it.")
    today = today or timezone.localdate()
    organisations = {o.name: o for o in Organisation.objects.for_place(place)}
    outcomes = {o.title: o for o in WellbeingOutcome.objects.for_place(place)}
    interventions = {i.title: i for i in Intervention.objects.for_place(place)}
    lead = User.objects.filter(username="demo-lead").first()
    _check(organisations, outcomes, interventions)

    partnership = Partnership.objects.filter(place=place, name__iexact=PARTNERSHIP_NAME).first()
    values = {
        "name": PARTNERSHIP_NAME,
        "kind": Partnership.Kind.ANCHOR,
        "purpose": "Anchor institutions working together, as employers, buyers and owners of land and buildings, "
        "on the place's priority wellbeing outcomes.",
    }
    if partnership is None:
        partnership = Partnership(place=place, **values)
        demo._save_with_history(partnership)
    elif demo._assign(partnership, values):
        partnership.version += 1
        demo._save_with_history(partnership)
    demo._set_if_changed(partnership.leads, [lead] if lead else [])

    for seat in SEATS:
        organisation = organisations[seat.organisation]
        membership = partnership.memberships.filter(organisation=organisation).order_by("pk").first()
        values = {
            "representative": seat.representative,
            "role": seat.role,
            "joined_on": today - timedelta(days=seat.joined_days_ago),
            "left_on": None if seat.left_days_ago is None else today - timedelta(days=seat.left_days_ago),
        }
        if membership is None:
            demo._save_with_history(Membership(partnership=partnership, organisation=organisation, **values))
        elif demo._assign(membership, values):
            membership.version += 1
            demo._save_with_history(membership)

    assignments = 0
    for spec in GROUPS:
        group = partnership.delivery_groups.filter(name__iexact=spec.name).first()
        values = {"name": spec.name, "remit": spec.remit, "lead_organisation": organisations[spec.lead]}
        if group is None:
            group = DeliveryGroup(partnership=partnership, **values)
            demo._save_with_history(group)
        elif demo._assign(group, values):
            group.version += 1
            demo._save_with_history(group)
        demo._set_if_changed(group.outcomes, [outcomes[title] for title in spec.outcomes])
        demo._set_if_changed(group.members, [organisations[name] for name in spec.members])
        assigned = set(group.assignments.values_list("intervention_id", flat=True))
        for title in spec.interventions:
            intervention = interventions[title]
            if intervention.pk not in assigned:
                demo._save_with_history(GroupAssignment(group=group, intervention=intervention, assigned_by=lead))
            assignments += 1

    charter = Charter.objects.filter(place=place, name__iexact=CHARTER_NAME).first()
    values = {
        "name": CHARTER_NAME,
        "partnership": partnership,
        "description": "Employers in the county commit to the Fair Work First criteria, and report each year "
        "which they meet.",
        "launched_on": today - timedelta(days=CHARTER_LAUNCHED_DAYS_AGO),
    }
    if charter is None:
        charter = Charter(place=place, **values)
        demo._save_with_history(charter)
    elif demo._assign(charter, values):
        charter.version += 1
        demo._save_with_history(charter)
    commitments = {}
    for position, criterion in enumerate(FairWorkCriterion.objects.order_by("pk")):
        commitment = charter.commitments.filter(fair_work_criterion=criterion).first()
        values = {"title": criterion.criterion, "position": position}
        if commitment is None:
            commitment = CharterCommitment(charter=charter, fair_work_criterion=criterion, **values)
            demo._save_with_history(commitment)
        elif demo._assign(commitment, values):
            demo._save_with_history(commitment)
        commitments[criterion.code] = commitment
    for name, days_ago, codes in SIGNATORIES:
        organisation = organisations[name]
        signatory = charter.signatories.filter(organisation=organisation).first()
        values = {
            "signed_on": today - timedelta(days=days_ago),
            "evidence_note": "Illustrative: the demo's own example of a signatory's annual return.",
        }
        if signatory is None:
            signatory = Signatory(charter=charter, organisation=organisation, **values)
            demo._save_with_history(signatory)
        elif demo._assign(signatory, values):
            signatory.version += 1
            demo._save_with_history(signatory)
        demo._set_if_changed(signatory.commitments_met, [commitments[code] for code in codes])

    return {
        "partnerships": 1,
        "members": len(SEATS),
        "delivery groups": len(GROUPS),
        "group assignments": assignments,
        "charter commitments": len(commitments),
        "charter signatories": len(SIGNATORIES),
    }


def _check(organisations: dict, outcomes: dict, interventions: dict) -> None:
    wanted_organisations = (
        {seat.organisation for seat in SEATS}
        | {name for spec in GROUPS for name in (spec.lead, *spec.members)}
        | {name for name, *_ in SIGNATORIES}
    )
    wanted_outcomes = {title for spec in GROUPS for title in spec.outcomes}
    wanted_interventions = {title for spec in GROUPS for title in spec.interventions}
    problems = []
    if missing := sorted(wanted_organisations - organisations.keys()):
        problems.append(f"no organisations named {', '.join(missing)} (run demo_interventions_seed first)")
    if missing := sorted(wanted_outcomes - outcomes.keys()):
        problems.append(f"no outcomes titled {', '.join(missing)} (run demo_place_seed first)")
    if missing := sorted(wanted_interventions - interventions.keys()):
        problems.append(f"no interventions titled {', '.join(missing)} (run demo_interventions_seed first)")
    if DEMO_UNGROUPED_OUTCOME in wanted_outcomes:
        problems.append(f"{DEMO_UNGROUPED_OUTCOME!r} is given to a group, but the demo leaves it to none")
    if not FairWorkCriterion.objects.exists():
        problems.append("no Fair Work First criteria (run load_reference first)")
    if problems:
        raise demo.DemoSeedError("The demo partnership cannot be seeded: " + "; ".join(problems) + ".")
