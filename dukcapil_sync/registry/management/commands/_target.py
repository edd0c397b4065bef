"""Which registry a registry command changes, said on every run (issue 16, point 3).

Under the registry service's own settings it is that service's database. Under the portal's
settings it is the embedded registry, which the portal's sync reads only when
REGISTRY_EMBEDDED is on; with a registry service instead, changing the portal's unused copy
would do nothing visible, so the command refuses and says how to reach the service."""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection


def registry_target() -> str:
    database = connection.settings_dict["NAME"]
    if not hasattr(settings, "REGISTRY_EMBEDDED"):
        return f"registry service (database {database})"
    if not settings.REGISTRY_EMBEDDED:
        raise CommandError(
            "This portal reads the registry service at "
            f"{getattr(settings, 'DUKCAPIL_URL', '?')} (REGISTRY_EMBEDDED=0), not these tables. "
            "Run the command under the service's settings and database: "
            "DJANGO_SETTINGS_MODULE=dukcapil_sync.registry.standalone_settings "
            "REGISTRY_DATABASE_URL=... manage.py <command> ..."
        )
    return f"embedded registry (portal database {database})"
