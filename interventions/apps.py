from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = "Intervention map"

    # A place's archive (wellbeing/place_archive.py): model → lookup from a row to its place.
    place_archive_tables = {
        "Intervention": "place",
        # Every contribution to the place's outcomes, also those of shared national interventions.
        "Contribution": "outcome__place",
        "GroupAssignment": "group__partnership__place",
        "ImportJob": "place",
        "GapReport": "place",
    }
    # National interventions (no place) that the place's rows name travel with it; the field names one.
    place_archive_shared = {"Intervention": "title"}
