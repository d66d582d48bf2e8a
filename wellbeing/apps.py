from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    verbose_name = "Places, people and wellbeing outcomes"
