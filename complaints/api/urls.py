from django.urls import path

from .views import (
    ComplaintAttachmentView,
    ComplaintCloseView,
    ComplaintDetailView,
    ComplaintListView,
    ComplaintRepliesView,
    ComplaintResyncView,
)

urlpatterns = [
    path("complaints/", ComplaintListView.as_view(), name="api-complaints"),
    path("complaints/<int:pk>/", ComplaintDetailView.as_view(), name="api-complaint"),
    path(
        "complaints/<int:pk>/replies/",
        ComplaintRepliesView.as_view(),
        name="api-complaint-replies",
    ),
    path("complaints/<int:pk>/close/", ComplaintCloseView.as_view(), name="api-complaint-close"),
    path(
        "complaints/<int:pk>/attachment/",
        ComplaintAttachmentView.as_view(),
        name="api-complaint-attachment",
    ),
    path("complaints/<int:pk>/resync/", ComplaintResyncView.as_view(), name="api-complaint-resync"),
]
