from django.urls import path

from . import views

app_name = "dukcapil_sync"

urlpatterns = [
    path("info-peserta/sinkronkan/", views.family_sync_request, name="family_sync"),
]
