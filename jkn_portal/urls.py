from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.api_views import LogoutView, TokenView
from imports.views import import_view
from jkn_portal.operations import health, metrics
from vclaim.api.urls import VCLAIM_BASE

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("", include("families.api.urls")),
    path("", include("participants.api.urls")),
    path("", include("payments.api.urls")),
    path("", include("dukcapil_sync.api.urls")),
    path("", include("changes.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("cards.api.urls")),
    path("", include("registrations.api.urls")),
    path("", include("accounts.api.urls")),
    path("", include("notifications.api.urls")),
]

urlpatterns = [
    # For load balancers and Prometheus (docs/operations.md).
    path("healthz", health.ready, name="healthz"),
    path("healthz/live", health.live, name="healthz-live"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/imports/", admin.site.admin_view(import_view), name="admin-imports"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # VClaim-compatible facade for hospital systems (issue 13); base path in any letter case.
    re_path(VCLAIM_BASE, include("vclaim.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    path("captcha/", include("captcha.urls")),
    path("", include("accounts.urls")),
    path("", include("messaging.urls")),
    # Before families: "info-peserta/sinkronkan/" is not a card number.
    path("", include("dukcapil_sync.urls")),
    # Before families too: "info-peserta/tambah-anggota/".
    path("", include("registrations.urls")),
    path("", include("families.urls")),
    path("", include("payments.urls")),
    path("", include("changes.urls")),
    path("", include("complaints.urls")),
    path("", include("cards.urls")),
    path("", include("notifications.urls")),
]

if settings.REGISTRY_EMBEDDED:
    # Embedded default: the mock Dukcapil registry is served by this same process.
    urlpatterns.append(path("registry/api/v1/", include("dukcapil_sync.registry.urls")))

urlpatterns.append(path("", RedirectView.as_view(pattern_name="families:family")))
