from wellbeing.models.npf import NationalIndicator, NationalOutcome
from wellbeing.models.outcomes import WellbeingOutcome
from wellbeing.models.places import Place, PlaceMembership, Role, User
from wellbeing.models.reference import AnchorInstitutionType, CwbPillar, FairWorkCriterion

__all__ = [
    "AnchorInstitutionType",
    "CwbPillar",
    "FairWorkCriterion",
    "NationalIndicator",
    "NationalOutcome",
    "Place",
    "PlaceMembership",
    "Role",
    "User",
    "WellbeingOutcome",
]
