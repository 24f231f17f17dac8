"""Image build only (`collectstatic` in the Dockerfile): production's apps and static storage, no secrets and
no connections. Never served: wsgi, asgi and Celery start on prod.py, which refuses what is missing."""

from .base import *  # noqa: F403

SECRET_KEY = "collectstatic-only-not-a-secret"
DEBUG = False
