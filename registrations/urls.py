from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("pendaftaran/", views.start, name="start"),
    path("info-peserta/tambah-anggota/", views.member_add, name="member_add"),
    path("info-peserta/tambah-anggota/<str:public_id>/", views.member_added, name="member_added"),
    path("pendaftaran/<str:public_id>/", views.flow, name="flow"),
]
