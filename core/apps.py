from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reference_changed_after_migrate(using: str = "default", **kwargs: Any) -> None:
    # A data migration may change reference rows through historical models, which do not
    # draw a new epoch themselves (core.facts): a migrate run does it once for them all
    # (unless it stopped before the epoch's table exists: `migrate core 0004`).
    from django.db import connections

    from .facts import reference_changed
    from .models import ReferenceEpoch

    if ReferenceEpoch._meta.db_table in connections[using].introspection.table_names():
        reference_changed()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Inti"

    def ready(self) -> None:
        # Connects the per-address login failure counter (core.auth.count_address_failure).
        from . import auth  # noqa: F401

        post_migrate.connect(_reference_changed_after_migrate, sender=self)
