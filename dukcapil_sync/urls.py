from django.urls import path

from . import views

app_name = "dukcapil_sync"

urlpatterns = [
    path("info-peserta/sinkronkan/", views.family_sync_request, name="family_sync"),
    path("info-peserta/anggota-baru/<int:pk>/", views.register_member, name="register_member"),
]
