"""Factories with realistic en_GB data. Reference data (NPF, councils) is loaded, not made up."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from interventions.models import Contribution, GroupAssignment, Intervention
from partnerships.models import (
    Charter,
    CharterCommitment,
    DeliveryGroup,
    Membership,
    Organisation,
    Partnership,
    Signatory,
)
from wellbeing.models import (
    DecisionAssessment,
    OutcomeEffect,
    Place,
    PlaceMembership,
    Role,
    StrategicOutcome,
    StrategicPlan,
    User,
    WellbeingOutcome,
)

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test personas only

factory.Faker._DEFAULT_LOCALE = "en_GB"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.gov.uk")
    password = factory.django.Password(PASSWORD)


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Test council {n}")
    slug = factory.Sequence(lambda n: f"test-council-{n}")
    kind = Place.Kind.COUNCIL


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = PlaceMembership

    user = factory.SubFactory(UserFactory)
    place = factory.SubFactory(PlaceFactory)
    role = Role.VIEWER


class WellbeingOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = WellbeingOutcome

    place = factory.SubFactory(PlaceFactory)
    title = factory.Sequence(lambda n: f"Wellbeing outcome {n}")
    description = factory.Faker("sentence")
    priority_rank = factory.Sequence(lambda n: n + 1)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = Organisation.Sector.OTHER


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention
        skip_postgeneration_save = True

    place = factory.SubFactory(PlaceFactory)
    title = factory.Sequence(lambda n: f"Intervention {n}")
    kind = Intervention.Kind.PROJECT
    level = Intervention.Level.LOCAL
    status = Intervention.Status.ACTIVE
    lead_organisation = factory.SubFactory(OrganisationFactory, place=factory.SelfAttribute("..place"))
    # A place's intervention always has an owner; a shared national one (no place) has none.
    owner = factory.Maybe("place", yes_declaration=factory.SubFactory(UserFactory), no_declaration=None)
    description = factory.Faker("sentence")


class ContributionFactory(DjangoModelFactory):
    class Meta:
        model = Contribution

    intervention = factory.SubFactory(InterventionFactory)
    outcome = factory.SubFactory(WellbeingOutcomeFactory, place=factory.SelfAttribute("..intervention.place"))
    strength = Contribution.Strength.PRIMARY
    effectiveness = Contribution.Effectiveness.MODERATE
    basis = Contribution.Basis.MONITORED
    assessed_on = factory.LazyFunction(timezone.localdate)


class DecisionAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = DecisionAssessment

    place = factory.SubFactory(PlaceFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    kind = DecisionAssessment.Kind.BUDGET
    description = factory.Faker("sentence")
    owner = factory.SubFactory(UserFactory)
    affected_groups = "Children in poverty"


class OutcomeEffectFactory(DjangoModelFactory):
    class Meta:
        model = OutcomeEffect

    assessment = factory.SubFactory(DecisionAssessmentFactory)
    outcome = factory.SubFactory(WellbeingOutcomeFactory, place=factory.SelfAttribute("..assessment.place"))
    effect = OutcomeEffect.Effect.POSITIVE
    reason = factory.Faker("sentence")


class StrategicPlanFactory(DjangoModelFactory):
    class Meta:
        model = StrategicPlan

    place = factory.SubFactory(PlaceFactory)
    title = factory.Sequence(lambda n: f"Local Outcomes Improvement Plan {n}")
    kind = StrategicPlan.Kind.LOIP
    status = StrategicPlan.Status.ADOPTED
    period_start = 2024
    period_end = 2034


class StrategicOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = StrategicOutcome
        skip_postgeneration_save = True

    plan = factory.SubFactory(StrategicPlanFactory)
    title = factory.Sequence(lambda n: f"Strategic outcome {n}")
    description = factory.Faker("sentence")

    @factory.post_generation
    def wellbeing_outcomes(self, create, extracted, **kwargs):
        if create and extracted:
            self.wellbeing_outcomes.set(extracted)

    @factory.post_generation
    def national_outcomes(self, create, extracted, **kwargs):
        if create and extracted:
            self.national_outcomes.set(extracted)


class LocalIndicatorFactory(DjangoModelFactory):
    class Meta:
        model = "wellbeing.LocalIndicator"  # by label: the factories above keep their import list

    outcome = factory.SubFactory(WellbeingOutcomeFactory)
    name = factory.Sequence(lambda n: f"Local indicator {n}")
    unit = "%"
    direction = "increase"


class ObservationFactory(DjangoModelFactory):
    class Meta:
        model = "wellbeing.Observation"

    indicator = factory.SubFactory(LocalIndicatorFactory)
    date = factory.Sequence(lambda n: timezone.localdate().replace(year=2000 + n % 25, month=3, day=31))
    value = factory.Sequence(lambda n: 50 + n)


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = "wellbeing.BudgetLine"  # by label: the factories above keep their import list

    place = factory.SubFactory(PlaceFactory)
    service = factory.Sequence(lambda n: f"Service {n}")
    cost_centre = factory.Sequence(lambda n: f"CC{n:04d}")
    financial_year = "2025/26"
    kind = "revenue"
    amount_gbp = 100000


class BudgetShareFactory(DjangoModelFactory):
    class Meta:
        model = "wellbeing.BudgetShare"

    line = factory.SubFactory(BudgetLineFactory)
    outcome = factory.SubFactory(WellbeingOutcomeFactory, place=factory.SelfAttribute("..line.place"))
    percent = 50


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Anchor partnership {n}")
    kind = Partnership.Kind.ANCHOR
    purpose = factory.Faker("sentence")


class PartnershipMembershipFactory(DjangoModelFactory):
    """An organisation's seat on a partnership (not a person's place membership: MembershipFactory)."""

    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory, place=factory.SelfAttribute("..partnership.place"))
    representative = factory.Faker("name")
    role = Membership.Role.MEMBER


class DeliveryGroupFactory(DjangoModelFactory):
    class Meta:
        model = DeliveryGroup
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Delivery group {n}")
    remit = factory.Faker("sentence")

    @factory.post_generation
    def outcomes(self, create, extracted, **kwargs):
        if create and extracted:
            self.outcomes.set(extracted)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class GroupAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = GroupAssignment

    group = factory.SubFactory(DeliveryGroupFactory)
    intervention = factory.SubFactory(InterventionFactory, place=factory.SelfAttribute("..group.partnership.place"))


class CharterFactory(DjangoModelFactory):
    class Meta:
        model = Charter

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Good Employment Charter {n}")
    description = factory.Faker("sentence")


class CharterCommitmentFactory(DjangoModelFactory):
    class Meta:
        model = CharterCommitment

    charter = factory.SubFactory(CharterFactory)
    title = factory.Sequence(lambda n: f"Commitment {n}")
    position = factory.Sequence(lambda n: n)


class SignatoryFactory(DjangoModelFactory):
    class Meta:
        model = Signatory
        skip_postgeneration_save = True

    charter = factory.SubFactory(CharterFactory)
    organisation = factory.SubFactory(OrganisationFactory, place=factory.SelfAttribute("..charter.place"))
    signed_on = factory.Faker("date_between", start_date="-3y", end_date="today")

    @factory.post_generation
    def commitments_met(self, create, extracted, **kwargs):
        if create and extracted:
            self.commitments_met.set(extracted)
