from django.urls import path

from .views import CardVerifyView

urlpatterns = [
    path("cards/verify/<str:token>/", CardVerifyView.as_view(), name="api-card-verify"),
]
