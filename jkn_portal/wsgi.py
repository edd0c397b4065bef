import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jkn_portal.settings")
application = get_wsgi_application()

from .embedded_beat import start_embedded_beat  # noqa: E402 - needs the settings loaded

start_embedded_beat()
