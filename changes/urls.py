from django.urls import path

from . import views

app_name = "changes"

urlpatterns = [
    path("ubah-data/", views.index, name="index"),
    path("ubah-data/segmen/", views.segment, name="segment"),
    path("ubah-data/fktp/", views.fktp, name="fktp"),
    path("ubah-data/kelas/", views.care_class, name="class"),
    path("ubah-data/telepon/", views.phone, name="phone"),
    path("ubah-data/email/", views.email, name="email"),
    path("ubah-data/alamat/", views.address, name="address"),
    path("ubah-data/nik/", views.newborn_nik, name="nik"),
    path("ubah-data/<uuid:request_id>/verifikasi/", views.confirm, name="confirm"),
    path("ubah-data/<uuid:request_id>/batal/", views.cancel, name="cancel"),
]
