"""The settings, configured only by environment variables (cookiecutter-django style).

Debug is opt-in: `make run` (the embedded default) sets DJANGO_DEBUG=1 and gets SQLite in
./var/, Celery tasks in-process and the mock Dukcapil registry served by the same process.
Without it (production): SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL, REDIS_URL, DUKCAPIL_URL,
DUKCAPIL_API_KEY, ALLOWED_HOSTS.

`DJANGO_SETTINGS_MODULE=jkn_portal.settings` names this package. Its parts are read in this
order; each imports from the ones before it what it builds on (DEBUG, VAR_DIR, TIME_ZONE, ...).
"""

from .api import *  # noqa: F403
from .base import *  # noqa: F403
from .domain import *  # noqa: F403
from .dukcapil import *  # noqa: F403
from .jobs import *  # noqa: F403
from .messaging import *  # noqa: F403
from .monitoring import *  # noqa: F403
from .security import *  # noqa: F403
