from django.urls import path

from . import views

app_name = "cards"

urlpatterns = [
    path("kartu/<str:card_number>/", views.card, name="card"),
    path("kartu/<str:card_number>/kirim-email/", views.card_email, name="email"),
]
