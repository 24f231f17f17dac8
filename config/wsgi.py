import os

from django.core.wsgi import get_wsgi_application

# production unless told otherwise: a server started without DJANGO_SETTINGS_MODULE fails closed
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_wsgi_application()
