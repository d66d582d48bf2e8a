from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Organisations and partnerships"

    # A place's archive (wellbeing/place_archive.py): model → lookup from a row to its place.
    place_archive_tables = {
        "Organisation": "place",
        "Partnership": "place",
        "Membership": "partnership__place",
        "DeliveryGroup": "partnership__place",
        "Charter": "place",
        "CharterCommitment": "charter__place",
        "Signatory": "charter__place",
    }
    # National organisations (no place) that the place's rows name travel with it; the field names one.
    place_archive_shared = {"Organisation": "name"}
