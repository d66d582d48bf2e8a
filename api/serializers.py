"""What each endpoint returns. Every field says what it is (help_text): the OpenAPI schema and the
docs page at /api/v1/docs/ are built from these descriptions. Plain serializers over the objects
the pages' selectors return (models with their annotations, or the analyses' dataclasses)."""

from rest_framework import serializers

from interventions.gap_analysis import COVERAGE_FORMULA, Status
from interventions.models import Contribution, Intervention
from partnerships.models import Membership, Organisation, Partnership
from wellbeing.models import BudgetLine, Place, Role, StrategicPlan

# --- Small shared shapes ----------------------------------------------------------------------------


class NamedReferenceSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The reference list's stable code.")
    name = serializers.CharField(help_text="The name, as the source publishes it.")


class OutcomeReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The wellbeing outcome's id (its /outcomes/ entry).")
    title = serializers.CharField(help_text="The wellbeing outcome's title.")
    priority_rank = serializers.IntegerField(help_text="Its priority in the place: 1 is the highest.")


class OrganisationReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The organisation's id.")
    name = serializers.CharField(help_text="The organisation's name.")


# --- Places ---------------------------------------------------------------------------------------


class PlaceSerializer(serializers.Serializer):
    slug = serializers.SlugField(
        source="place.slug", help_text="The place's address in every other endpoint: /places/{slug}/…"
    )
    name = serializers.CharField(source="place.name", help_text="The council area's or region's name.")
    kind = serializers.ChoiceField(source="place.kind", choices=Place.Kind.choices, help_text="Council area or region.")
    ons_code = serializers.CharField(
        source="place.ons_code", help_text="The ONS (GSS) code, for example S12000005; empty for a region."
    )
    is_demo = serializers.BooleanField(source="place.is_demo", help_text="True for illustrative demo data.")
    role = serializers.ChoiceField(choices=Role.choices, help_text="Your role in this place.")


# --- Wellbeing outcomes ---------------------------------------------------------------------------


class WellbeingOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The outcome's id.")
    title = serializers.CharField(help_text="The key wellbeing outcome's title.")
    description = serializers.CharField(help_text="What the outcome means for the place.")
    priority_rank = serializers.IntegerField(help_text="Its priority in the place: 1 is the highest.")
    drivers = serializers.ListField(
        child=serializers.CharField(),
        source="driver_list",
        help_text="The underlying causes found in earlier stages of the toolkit.",
    )
    national_outcomes = NamedReferenceSerializer(
        many=True, help_text="The NPF national outcomes this outcome is linked to."
    )
    national_indicators = NamedReferenceSerializer(
        many=True, help_text="The NPF national indicators this outcome is linked to."
    )
    contribution_count = serializers.IntegerField(help_text="How many interventions contribute to it.")
    stale_assessment_count = serializers.IntegerField(
        source="stale_count",
        help_text="How many of those contributions' effectiveness assessments are out of date or were never made.",
    )


# --- Interventions --------------------------------------------------------------------------------


class ContributionSerializer(serializers.Serializer):
    outcome = OutcomeReferenceSerializer(help_text="The place's wellbeing outcome the intervention contributes to.")
    strength = serializers.ChoiceField(
        choices=Contribution.Strength.choices, help_text="How directly it contributes: primary, secondary or enabling."
    )
    effectiveness = serializers.ChoiceField(
        choices=Contribution.Effectiveness.choices, help_text="How well it works for this outcome, as assessed."
    )
    basis = serializers.ChoiceField(
        choices=Contribution.Basis.choices, help_text="What the assessment rests on (evaluated, monitored …)."
    )
    evidence_note = serializers.CharField(help_text="The evidence behind the assessment, in words.")
    assessed_on = serializers.DateField(allow_null=True, help_text="When it was last assessed; null if never.")


class DeliveryGroupReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="group.id", help_text="The delivery group's id.")
    name = serializers.CharField(source="group.name", help_text="The delivery group's name.")


class InterventionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The intervention's id.")
    reference = serializers.CharField(help_text="Its stable reference, for example INT-00042.")
    title = serializers.CharField(help_text="The intervention's title.")
    kind = serializers.ChoiceField(choices=Intervention.Kind.choices, help_text="Policy, project, programme …")
    level = serializers.ChoiceField(choices=Intervention.Level.choices, help_text="Local, regional or national.")
    status = serializers.ChoiceField(choices=Intervention.Status.choices, help_text="Planned, active, paused …")
    is_national = serializers.BooleanField(
        source="is_shared_national", help_text="True for a national intervention every place shares."
    )
    lead_organisation = OrganisationReferenceSerializer(help_text="The organisation that leads it.")
    partners = OrganisationReferenceSerializer(many=True, help_text="Partner organisations.")
    start_date = serializers.DateField(allow_null=True, help_text="When it started or starts; null if not known.")
    end_date = serializers.DateField(allow_null=True, help_text="When it ends or ended; null if open-ended.")
    budget_gbp = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Its budget in pounds, as a string; null if none."
    )
    funding_source = serializers.CharField(help_text="Where the money comes from.")
    cwb_pillars = NamedReferenceSerializer(many=True, help_text="The Community Wealth Building pillars it serves.")
    description = serializers.CharField(help_text="What it does.")
    evidence_links = serializers.ListField(
        child=serializers.URLField(), source="evidence_link_list", help_text="Web addresses of its evidence."
    )
    delivery_groups = DeliveryGroupReferenceSerializer(
        many=True, source="place_assignments", help_text="The place's delivery groups that carry it."
    )
    contributions = ContributionSerializer(
        many=True,
        source="place_contributions",
        help_text="What it contributes to each of the place's wellbeing outcomes, by outcome priority.",
    )
    updated_at = serializers.DateTimeField(help_text="When the record last changed.")


class RegisterInterventionSerializer(InterventionSerializer):
    outcome_count = serializers.IntegerField(help_text="How many of the place's outcomes it contributes to.")
    oldest_assessment = serializers.DateField(
        allow_null=True, help_text="The oldest assessment date among its contributions; null if none assessed."
    )
    stale_assessment_count = serializers.IntegerField(
        source="stale_count", help_text="How many of its assessments are out of date or were never made."
    )


# --- The gap analysis -----------------------------------------------------------------------------

_SCORE = {"max_digits": 8, "decimal_places": 1}
_MONEY = {"max_digits": 18, "decimal_places": 2}


class ContributingInterventionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="The intervention's id.")
    reference = serializers.CharField(help_text="Its reference, for example INT-00042.")
    title = serializers.CharField(help_text="Its title.")
    kind = serializers.ChoiceField(choices=Intervention.Kind.choices, help_text="Its kind.")
    level = serializers.ChoiceField(choices=Intervention.Level.choices, help_text="Its level.")
    status = serializers.ChoiceField(
        choices=Intervention.Status.choices, help_text="Its status: only active work scores."
    )
    lead_organisation = serializers.CharField(help_text="The name of its lead organisation.")
    is_national = serializers.BooleanField(help_text="True for a shared national intervention.")
    strength = serializers.ChoiceField(choices=Contribution.Strength.choices, help_text="The link's strength.")
    effectiveness = serializers.ChoiceField(
        choices=Contribution.Effectiveness.choices, help_text="The link's assessed effectiveness."
    )
    score = serializers.DecimalField(**_SCORE, help_text="The link's score: strength weight × effectiveness weight.")
    budget_attributed = serializers.DecimalField(
        **_MONEY, help_text="Its budget's share for this outcome, in pounds (shared by strength weight)."
    )


class CoveringGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="The delivery group's id.")
    name = serializers.CharField(help_text="The delivery group's name.")
    partnership = serializers.CharField(help_text="The name of the partnership it belongs to.")


class OutcomeCoverageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="The wellbeing outcome's id.")
    priority_rank = serializers.IntegerField(help_text="Its priority: 1 is the highest.")
    title = serializers.CharField(help_text="Its title.")
    status = serializers.ChoiceField(
        choices=Status.choices, help_text="gap (nothing active), thin, covered or strong: see coverage_formula."
    )
    score = serializers.DecimalField(**_SCORE, help_text="Its coverage score: the total of its active links' scores.")
    active_count = serializers.IntegerField(help_text="How many active interventions contribute to it.")
    budget_attributed = serializers.DecimalField(
        **_MONEY, help_text="The budget of active interventions attributed to it, in pounds."
    )
    tagged_spend = serializers.DecimalField(
        **_MONEY, help_text="The place's budget tagged to it in spend_year, in pounds."
    )
    national_outcomes = serializers.ListField(
        child=serializers.CharField(), help_text="The names of the NPF national outcomes it is linked to."
    )
    national_indicators = serializers.ListField(
        child=serializers.CharField(), help_text="The names of the NPF national indicators it is linked to."
    )
    delivery_groups = CoveringGroupSerializer(many=True, help_text="The place's delivery groups focusing on it.")
    interventions = ContributingInterventionSerializer(
        many=True, help_text="Every intervention contributing to it (any status), highest score first."
    )


class _AnalysedInterventionSerializer(serializers.Serializer):
    """What the analysis's lists say of each intervention."""

    id = serializers.IntegerField(source="pk", help_text="The intervention's id.")
    reference = serializers.CharField(help_text="Its reference, for example INT-00042.")
    title = serializers.CharField(help_text="Its title.")
    level = serializers.ChoiceField(choices=Intervention.Level.choices, help_text="Its level.")
    status = serializers.ChoiceField(choices=Intervention.Status.choices, help_text="Its status (always active here).")
    lead_organisation = serializers.CharField(help_text="The name of its lead organisation.")


class RankedInterventionSerializer(_AnalysedInterventionSerializer):
    outcome_count = serializers.IntegerField(help_text="How many priority outcomes it reaches.")
    score = serializers.DecimalField(**_SCORE, help_text="The total of its links' scores.")
    outcomes = serializers.ListField(
        child=serializers.CharField(), help_text="The titles of the outcomes it reaches, by priority."
    )


class BuildOnSerializer(_AnalysedInterventionSerializer):
    end_date = serializers.DateField(allow_null=True, help_text="When it ends; null if open-ended.")
    reason = serializers.CharField(help_text="Why it is worth building on: it ends soon, or it is a pilot to scale.")
    best_effectiveness = serializers.ChoiceField(
        choices=Contribution.Effectiveness.choices, help_text="The best effectiveness among its links."
    )


class StatusCountsSerializer(serializers.Serializer):
    gap = serializers.IntegerField(help_text="How many outcomes are gaps.")
    thin = serializers.IntegerField(help_text="How many outcomes are thinly covered.")
    covered = serializers.IntegerField(help_text="How many outcomes are covered.")
    strong = serializers.IntegerField(help_text="How many outcomes are strongly covered.")


class GapAnalysisSerializer(serializers.Serializer):
    computed_on = serializers.DateField(help_text="The day the analysis was worked out (it uses today's date).")
    horizon_months = serializers.IntegerField(help_text="How far ahead build_on looks for effective work that ends.")
    coverage_formula = serializers.SerializerMethodField(help_text="The scoring and status rules, in words.")
    status_counts = StatusCountsSerializer(help_text="How many outcomes have each status.")
    spend_year = serializers.CharField(
        allow_null=True, help_text="The financial year of tagged_spend, for example 2025/26; null without budget lines."
    )
    spend_to_gaps_share = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text="Of the spend tagged to priority outcomes, the percentage going to gap or thin ones; null if none.",
    )
    outcomes = OutcomeCoverageSerializer(many=True, help_text="Every priority outcome's coverage, by priority.")
    shift_the_dial = RankedInterventionSerializer(
        many=True, help_text="Active interventions ranked by how many priority outcomes they reach."
    )
    build_on = BuildOnSerializer(many=True, help_text="Effective work that ends soon or could be scaled.")

    def get_coverage_formula(self, analysis) -> str:
        return COVERAGE_FORMULA


# --- Partnerships and delivery groups -------------------------------------------------------------


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The organisation's id: what the interventions' `lead` filter takes.")
    name = serializers.CharField(help_text="The organisation's name.")
    sector = serializers.ChoiceField(choices=Organisation.Sector.choices, help_text="Public sector, third sector …")
    is_anchor = serializers.BooleanField(
        help_text="True for an anchor institution: rooted in the place and a large employer or buyer."
    )
    size_band = serializers.ChoiceField(
        choices=Organisation.SizeBand.choices,
        help_text="Its size by employees (micro, small, medium, large); empty when not known.",
    )
    website = serializers.CharField(help_text="Its web address, or empty.")
    national = serializers.BooleanField(
        source="is_national", help_text="True for a national body every place shares; false for the place's own."
    )


class MemberSerializer(serializers.Serializer):
    organisation = OrganisationReferenceSerializer(help_text="The member organisation.")
    role = serializers.ChoiceField(choices=Membership.Role.choices, help_text="Chair, member or observer.")
    joined_on = serializers.DateField(allow_null=True, help_text="When it joined; null if not known.")


class PartnershipSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The partnership's id.")
    name = serializers.CharField(help_text="The partnership's name.")
    kind = serializers.ChoiceField(choices=Partnership.Kind.choices, help_text="Anchor partnership, CPP …")
    purpose = serializers.CharField(help_text="What it is for.")
    current_member_count = serializers.IntegerField(help_text="How many organisations are members now.")
    group_count = serializers.IntegerField(help_text="How many delivery groups it has.")
    current_members = MemberSerializer(many=True, help_text="Its current members, by organisation name.")


class PartnershipReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The partnership's id.")
    name = serializers.CharField(help_text="The partnership's name.")


class AssignedInterventionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="intervention.id", help_text="The intervention's id.")
    reference = serializers.CharField(source="intervention.reference", help_text="Its reference.")
    title = serializers.CharField(source="intervention.title", help_text="Its title.")


class DeliveryGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The delivery group's id.")
    name = serializers.CharField(help_text="The delivery group's name.")
    partnership = PartnershipReferenceSerializer(help_text="The partnership it belongs to.")
    remit = serializers.CharField(help_text="What the group is for.")
    lead_organisation = OrganisationReferenceSerializer(allow_null=True, help_text="The lead organisation, if any.")
    outcomes = OutcomeReferenceSerializer(many=True, help_text="The priority outcomes it focuses on.")
    members = OrganisationReferenceSerializer(many=True, help_text="Its member organisations.")
    interventions = AssignedInterventionSerializer(
        many=True, source="assignments", help_text="The interventions assigned to it."
    )


# --- Strategic alignment --------------------------------------------------------------------------


class StrategicOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="outcome.id", help_text="The strategic outcome's id.")
    title = serializers.CharField(source="outcome.title", help_text="The strategic outcome's title.")
    description = serializers.CharField(source="outcome.description", help_text="What it means.")
    plan_id = serializers.IntegerField(source="plan.id", help_text="The id of the plan it belongs to.")
    wellbeing_outcomes = OutcomeReferenceSerializer(many=True, help_text="The key wellbeing outcomes it embeds.")
    national_outcomes = NamedReferenceSerializer(many=True, help_text="The NPF national outcomes it serves.")


class StrategicPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The plan's id.")
    title = serializers.CharField(help_text="The plan's title.")
    kind = serializers.ChoiceField(choices=StrategicPlan.Kind.choices, help_text="LOIP, council plan …")
    status = serializers.ChoiceField(choices=StrategicPlan.Status.choices, help_text="Draft, adopted or superseded.")
    period_start = serializers.IntegerField(help_text="Its first year.")
    period_end = serializers.IntegerField(help_text="Its last year.")
    link = serializers.CharField(help_text="Where it is published (a web address), or empty.")


class EmbeddingSerializer(serializers.Serializer):
    outcome = OutcomeReferenceSerializer(help_text="A key wellbeing outcome.")
    strategic_outcome_ids = serializers.SerializerMethodField(
        help_text="The ids of the strategic outcomes (of current plans) that embed it."
    )

    def get_strategic_outcome_ids(self, embedding) -> list[int]:
        return [row.outcome.pk for row in embedding.strategic_outcomes]


class UnlinkedSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="outcome.id", help_text="The strategic outcome's id.")
    title = serializers.CharField(source="outcome.title", help_text="The strategic outcome's title.")
    plan_id = serializers.IntegerField(source="plan.id", help_text="The id of its plan.")


class AlignmentFlagsSerializer(serializers.Serializer):
    unembedded = OutcomeReferenceSerializer(
        many=True, help_text="Priority wellbeing outcomes that no strategic outcome of a current plan embeds."
    )
    unlinked = UnlinkedSerializer(many=True, help_text="Strategic outcomes tied to no NPF national outcome.")
    unreached = NamedReferenceSerializer(
        many=True, help_text="NPF national outcomes that no strategic outcome of a current plan serves."
    )


class AlignmentSerializer(serializers.Serializer):
    plans = StrategicPlanSerializer(many=True, help_text="The place's current plans (draft or adopted), newest first.")
    superseded_plans = StrategicPlanSerializer(many=True, help_text="Superseded plans, left out of the alignment.")
    strategic_outcomes = StrategicOutcomeSerializer(
        many=True, source="rows", help_text="The current plans' outcomes with what they embed and serve."
    )
    embeddings = EmbeddingSerializer(
        many=True, help_text="Every key wellbeing outcome, by priority, with the strategic outcomes embedding it."
    )
    flags = AlignmentFlagsSerializer(source="*", help_text="Where the place's plans and outcomes are misaligned.")


# --- Budgets --------------------------------------------------------------------------------------


class BudgetShareSerializer(serializers.Serializer):
    outcome = OutcomeReferenceSerializer(help_text="The wellbeing outcome this share of the line is tagged to.")
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="The share, in per cent of the line.")


class BudgetLineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The budget line's id.")
    reference = serializers.CharField(help_text="Its reference, for example BUD-00042.")
    service = serializers.CharField(help_text="The council service, for example Housing.")
    cost_centre = serializers.CharField(help_text="The finance system's code for the line.")
    financial_year = serializers.CharField(help_text="The financial year, for example 2025/26.")
    kind = serializers.ChoiceField(choices=BudgetLine.Kind.choices, help_text="Revenue or capital.")
    amount_gbp = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="The amount, in pounds.")
    description = serializers.CharField(help_text="What the line pays for.")
    tagged_percent = serializers.DecimalField(
        max_digits=7, decimal_places=2, help_text="The percentage of the amount tagged to outcomes."
    )
    untagged_gbp = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="The part of the amount no share covers, in pounds."
    )
    shares = BudgetShareSerializer(many=True, source="share_list", help_text="Its shares tagged to outcomes.")


class OutcomeSpendSerializer(serializers.Serializer):
    outcome = OutcomeReferenceSerializer(help_text="A key wellbeing outcome.")
    by_year = serializers.ListField(
        child=serializers.DecimalField(max_digits=18, decimal_places=2),
        help_text="The spend tagged to it in each year of `years`, in pounds, in the same order.",
    )
    total = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="Its spend over all those years.")


class YearTotalsSerializer(serializers.Serializer):
    year = serializers.CharField(help_text="The financial year.")
    lines = serializers.IntegerField(help_text="How many budget lines it has.")
    budget = serializers.DecimalField(max_digits=18, decimal_places=2, help_text="Its lines' total, in pounds.")
    tagged = serializers.DecimalField(
        max_digits=18, decimal_places=2, help_text="The part tagged to outcomes, in pounds."
    )
    untagged = serializers.DecimalField(
        max_digits=18, decimal_places=2, help_text="The part no share covers, in pounds."
    )


class WellbeingBudgetSerializer(serializers.Serializer):
    years = serializers.ListField(child=serializers.CharField(), help_text="The financial years, oldest first.")
    outcomes = OutcomeSpendSerializer(many=True, help_text="Each priority outcome's tagged spend, by year.")
    totals = YearTotalsSerializer(
        many=True, help_text="Each year's budget, tagged and untagged, in the order of years."
    )
