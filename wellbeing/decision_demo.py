"""Three ILLUSTRATIVE decision assessments for the demo place: one draft, one submitted, one decided.

The proposals are the kind a Scottish council weighs; their scores, reasons, dates and decisions are
invented for the demo and are not the position of Clackmannanshire Council or anyone else. Dates
are offsets from the day of seeding, so the decided one falls in the summary's current year unless
the demo is seeded in the first weeks of January.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from wellbeing.models import DecisionAssessment, OutcomeEffect, Place, User, WellbeingOutcome

E = OutcomeEffect.Effect
Kind = DecisionAssessment.Kind
Status = DecisionAssessment.Status
Decision = DecisionAssessment.Decision


@dataclass(frozen=True)
class DemoDecision:
    title: str
    kind: str
    description: str
    affected_groups: str
    mitigations: str
    status: str
    effects: dict[str, tuple[str, str]]  # outcome title → (effect, reason); a missing outcome is unscored
    decision: str = ""
    decided_days_ago: int | None = None
    decision_maker: str = ""
    decision_notes: str = ""


DEMO_DECISIONS = [
    DemoDecision(
        title="School-holiday food and activities, 2027/28 (illustrative)",
        kind=Kind.BUDGET,
        description="Fund free meals and activities in every school holiday for children entitled to free "
        "school meals, run with community groups in each town.",
        affected_groups="Children in poverty and their families; lone parents, most of them women; community "
        "groups who deliver the activities.",
        mitigations="Transport for rural Hillfoots villages; places kept for children not registered for free "
        "meals so that nobody is singled out.",
        status=Status.DECIDED,
        effects={
            "Poverty": (E.STRONG_POSITIVE, "Cuts holiday food costs for the families with the least."),
            "Outcomes for young people": (E.POSITIVE, "Keeps children active and learning over the holidays."),
            "Health and wellbeing": (E.POSITIVE, "Healthy meals and physical activity."),
            "Fair work, particularly for women": (E.POSITIVE, "Childcare lets parents, mostly mothers, keep shifts."),
            "Economic opportunity": (E.NEUTRAL, "Small local spend; no lasting jobs."),
            "Sustainable place": (E.NEUTRAL, "Uses existing school and community buildings."),
            "Climate and environmental sustainability": (E.UNKNOWN, "Depends on how food is sourced."),
        },
        decision=Decision.APPROVED_WITH_CHANGES,
        decided_days_ago=20,
        decision_maker="Council",
        decision_notes="Approved for the summer and October holidays only; Easter and Christmas to be reviewed.",
    ),
    DemoDecision(
        title="Community benefits in the housing repairs contract (illustrative)",
        kind=Kind.PROCUREMENT,
        description="Require the new five-year housing repairs contractor to pay the real Living Wage, "
        "recruit apprentices locally and buy from local suppliers.",
        affected_groups="Council tenants; young people looking for apprenticeships; local small firms.",
        mitigations="Lots sized so that local firms can bid; support to small firms with the tender.",
        status=Status.SUBMITTED,
        effects={
            "Economic opportunity": (E.STRONG_POSITIVE, "Local supply chain and spend kept in the county."),
            "Fair work, particularly for women": (E.POSITIVE, "Real Living Wage and a trades pathway for women."),
            "Outcomes for young people": (E.POSITIVE, "Ten apprenticeships a year."),
            "Poverty": (E.POSITIVE, "Better-paid local jobs."),
            "Health and wellbeing": (E.NEUTRAL, "No direct effect expected."),
            "Sustainable place": (E.POSITIVE, "Better-kept homes and streets."),
            "Climate and environmental sustainability": (E.UNKNOWN, "Retrofit standards not yet set."),
        },
    ),
    DemoDecision(
        title="Weekday closure of a recycling centre (illustrative)",
        kind=Kind.POLICY,
        description="Open the smaller recycling centre at weekends only, to save staff costs.",
        affected_groups="Households without a car; older people; staff whose hours would fall.",
        mitigations="Bulky uplift at a reduced charge; redeploy staff to the main centre.",
        status=Status.DRAFT,
        effects={
            "Climate and environmental sustainability": (E.NEGATIVE, "Less recycling, more fly-tipping likely."),
            "Sustainable place": (E.NEGATIVE, "Fly-tipping harms how people see their area."),
            "Fair work, particularly for women": (E.NEGATIVE, "Fewer hours for part-time staff."),
            "Poverty": (E.UNKNOWN, "Depends on the uplift charge."),
        },
    ),
]


def _assign(instance, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def demo_decisions_seed(
    *, place: Place, officer: User, admin: User, today: date | None = None
) -> list[DecisionAssessment]:
    """Create or refresh the demo's assessments (matched by title), saving only what changed, so a
    second run writes no history. Called inside demo_place_seed's transaction."""
    today = today or timezone.localdate()
    outcomes = {outcome.title: outcome for outcome in WellbeingOutcome.objects.for_place(place)}
    seeded = []
    for spec in DEMO_DECISIONS:
        decided = spec.status == Status.DECIDED
        submitted = spec.status in (Status.SUBMITTED, Status.DECIDED)
        decision_date = today - timedelta(days=spec.decided_days_ago) if decided else None
        assessment = DecisionAssessment.objects.filter(place=place, title=spec.title).first()
        assessment = assessment or DecisionAssessment(place=place, title=spec.title)
        values = {
            "kind": spec.kind,
            "description": spec.description,
            "affected_groups": spec.affected_groups,
            "mitigations": spec.mitigations,
            "owner": officer,
            "status": spec.status,
            "submitted_by": officer if submitted else None,
            "decision": spec.decision,
            "decision_date": decision_date,
            "decision_maker": spec.decision_maker,
            "decision_notes": spec.decision_notes,
            "decided_by": admin if decided else None,
        }
        if _assign(assessment, values) or assessment.pk is None:
            if submitted and assessment.submitted_at is None:
                assessment.submitted_at = timezone.now()
            if not submitted:
                assessment.submitted_at = None
            assessment.decided_at = timezone.now() if decided else None
            assessment.full_clean()
            assessment.save()
        saved = {effect.outcome_id: effect for effect in OutcomeEffect.objects.filter(assessment=assessment)}
        for title, (effect, reason) in spec.effects.items():
            row = saved.pop(outcomes[title].pk, None) or OutcomeEffect(assessment=assessment, outcome=outcomes[title])
            if _assign(row, {"effect": effect, "reason": reason}) or row.pk is None:
                row.save()
        for stray in saved.values():  # an outcome the spec leaves unscored
            stray.delete()
        seeded.append(assessment)
    return seeded
