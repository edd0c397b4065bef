from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reference_changed_after_migrate(**kwargs: Any) -> None:
    # A data migration may change reference rows through historical models, which do not
    # draw a new epoch themselves (core.facts): a migrate run does it once for them all.
    from .facts import reference_changed

    reference_changed()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Inti"

    def ready(self) -> None:
        # Connects the per-address login failure counter (core.auth.count_address_failure).
        from . import auth  # noqa: F401

        post_migrate.connect(_reference_changed_after_migrate, sender=self)
