from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Inti"

    def ready(self) -> None:
        # Connects the per-address login failure counter (core.auth.count_address_failure).
        from . import auth  # noqa: F401
