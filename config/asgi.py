import os

from django.core.asgi import get_asgi_application

# production unless told otherwise: a server started without DJANGO_SETTINGS_MODULE fails closed
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_asgi_application()
