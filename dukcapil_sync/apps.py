from django.apps import AppConfig


class DukcapilSyncConfig(AppConfig):
    name = "dukcapil_sync"
    verbose_name = "Sinkronisasi Dukcapil"
