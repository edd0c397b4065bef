from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifikasi/", views.notification_list, name="list"),
    path("notifikasi/pengaturan/", views.preferences, name="preferences"),
]
