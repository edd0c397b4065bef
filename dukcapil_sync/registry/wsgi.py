"""WSGI entry point of the registry as its own service: `gunicorn dukcapil_sync.registry.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dukcapil_sync.registry.standalone_settings")

application = get_wsgi_application()
