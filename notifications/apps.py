from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifikasi"

    def ready(self) -> None:
        from core.pages import register_page_state

        from .selectors import unread_count_page_state

        register_page_state(unread_count_page_state())
