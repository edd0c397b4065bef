from django.urls import path

from . import views

urlpatterns = [
    path("me/changes/", views.MyChangesView.as_view(), name="api-my-changes"),
    path("me/changes/segment/", views.SegmentRequestView.as_view(), name="api-change-segment"),
    path("me/changes/fktp/", views.FktpRequestView.as_view(), name="api-change-fktp"),
    path("me/changes/class/", views.ClassRequestView.as_view(), name="api-change-class"),
    path("me/changes/class/quote/", views.ClassQuoteView.as_view(), name="api-class-quote"),
    path("me/changes/phone/", views.PhoneRequestView.as_view(), name="api-change-phone"),
    path("me/changes/email/", views.EmailRequestView.as_view(), name="api-change-email"),
    path("me/changes/address/", views.AddressRequestView.as_view(), name="api-change-address"),
    path("me/changes/nik/", views.NikRequestView.as_view(), name="api-change-nik"),
    path("me/changes/facilities/", views.FacilitiesView.as_view(), name="api-change-facilities"),
    path(
        "me/changes/<uuid:request_id>/confirm/",
        views.ConfirmView.as_view(),
        name="api-change-confirm",
    ),
    path(
        "me/changes/<uuid:request_id>/cancel/", views.CancelView.as_view(), name="api-change-cancel"
    ),
]
