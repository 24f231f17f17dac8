"""Celery application. tenant-schemas-celery stamps every task with the schema it was sent from and
switches the worker's connection to that schema before the task runs."""

import os

from tenant_schemas_celery.app import CeleryApp

# production unless told otherwise: a server started without DJANGO_SETTINGS_MODULE fails closed
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

app = CeleryApp("mfd")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
