"""The Celery application. Configuration comes from Django settings under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shift_the_dial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
