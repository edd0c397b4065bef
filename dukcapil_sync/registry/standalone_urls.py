"""URLconf of the registry run as its own service (see standalone_settings.py).

The path prefix is the same as when the portal serves the registry in-process, so the
portal's DUKCAPIL_URL only changes host and port."""

from django.urls import include, path

urlpatterns = [
    path("registry/api/v1/", include("dukcapil_sync.registry.urls")),
]
