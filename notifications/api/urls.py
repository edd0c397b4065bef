from django.urls import path

from .views import MarkReadView, MyNotificationsView, PreferencesView

urlpatterns = [
    path("me/notifications/", MyNotificationsView.as_view(), name="api-notifications"),
    path("me/notifications/read/", MarkReadView.as_view(), name="api-notifications-read"),
    path(
        "me/notifications/preferences/",
        PreferencesView.as_view(),
        name="api-notification-preferences",
    ),
]
