"""Registry API routes, relative to the include prefix `registry/api/v1/`."""

from django.urls import path

from . import views

app_name = "dukcapil_registry"

urlpatterns = [
    path("health", views.health, name="health"),
    # `batch` before `<nik>` so that it is not taken for a NIK.
    path("penduduk/batch", views.person_batch, name="person-batch"),
    path("penduduk/", views.person_list, name="person-list"),
    path("penduduk/<str:nik>", views.person_detail, name="person-detail"),
    path("kk/batch", views.family_card_batch, name="family-card-batch"),
    path("kk/<str:kk_number>", views.family_card_detail, name="family-card-detail"),
    # Demos and tests only: answers 404 unless REGISTRY_CONTROL_KEY is set.
    path("_control", views.control, name="control"),
]
