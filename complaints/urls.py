from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("pengaduan/", views.complaint_list, name="list"),
    path("pengaduan/baru/", views.complaint_new, name="new"),
    path("pengaduan/<int:pk>/", views.complaint_detail, name="detail"),
    path("pengaduan/<int:pk>/tanggapan/", views.complaint_reply, name="reply"),
    path("pengaduan/<int:pk>/selesai/", views.complaint_done, name="done"),
    path("pengaduan/<int:pk>/hapus/", views.complaint_remove, name="delete"),
    path("pengaduan/<int:pk>/lampiran/", views.attachment, name="attachment"),
    path("bantuan/", views.help_page, name="help"),
]
