from django.apps import AppConfig


class DukcapilSyncConfig(AppConfig):
    name = "dukcapil_sync"
    verbose_name = "Sinkronisasi Dukcapil"

    def ready(self) -> None:
        from core.pages import register_page_state

        from .selectors import sync_panel_page_state

        register_page_state(sync_panel_page_state())
