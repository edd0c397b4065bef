from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("outbox/", views.OutboxView.as_view(), name="outbox"),
]
