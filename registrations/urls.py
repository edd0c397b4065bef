from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("pendaftaran/", views.start, name="start"),
    path("pendaftaran/<str:public_id>/", views.flow, name="flow"),
]
