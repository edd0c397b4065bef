from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The mock Dukcapil registry: its own tables, reached by the portal only over HTTP."""

    name = "dukcapil_sync.registry"
    label = "dukcapil_registry"
    verbose_name = "Mock Dukcapil registry"
