from wellbeing.models.budgets import BudgetLine, BudgetShare
from wellbeing.models.decisions import DecisionAssessment, OutcomeEffect
from wellbeing.models.indicators import LocalIndicator, Observation
from wellbeing.models.npf import NationalIndicator, NationalOutcome
from wellbeing.models.outcomes import WellbeingOutcome
from wellbeing.models.places import Place, PlaceMembership, Role, User
from wellbeing.models.plans import StrategicOutcome, StrategicPlan
from wellbeing.models.reference import AnchorInstitutionType, CwbPillar, FairWorkCriterion

__all__ = [
    "AnchorInstitutionType",
    "BudgetLine",
    "BudgetShare",
    "CwbPillar",
    "DecisionAssessment",
    "FairWorkCriterion",
    "LocalIndicator",
    "NationalIndicator",
    "NationalOutcome",
    "Observation",
    "OutcomeEffect",
    "Place",
    "PlaceMembership",
    "Role",
    "StrategicOutcome",
    "StrategicPlan",
    "User",
    "WellbeingOutcome",
]
