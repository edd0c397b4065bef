from django.urls import path

from . import views

app_name = "families"

urlpatterns = [
    path("info-peserta/", views.family, name="family"),
    path("info-peserta/<str:card_number>/", views.member_detail, name="member"),
]
