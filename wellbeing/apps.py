from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    verbose_name = "Places, people and wellbeing outcomes"

    # A place's archive (wellbeing/place_archive.py): model → lookup from a row to its place. Their
    # many-to-many and history tables follow; the place and the people its rows name are added there.
    place_archive_tables = {
        "PlaceMembership": "place",
        "WellbeingOutcome": "place",
        "StrategicPlan": "place",
        "StrategicOutcome": "plan__place",
        "LocalIndicator": "outcome__place",
        "Observation": "indicator__outcome__place",
        "BudgetLine": "place",
        "BudgetShare": "line__place",
        "DecisionAssessment": "place",
        "OutcomeEffect": "assessment__place",
    }
    # Reference data (manage.py load_reference): not copied, matched by these natural keys on restore.
    place_archive_reference = {
        "NationalOutcome": ("framework_version", "code"),
        "NationalIndicator": ("framework_version", "code"),
        "CwbPillar": ("code",),
        "FairWorkCriterion": ("code",),
        "AnchorInstitutionType": ("code",),
    }
