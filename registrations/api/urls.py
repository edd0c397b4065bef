from django.urls import path

from . import views

urlpatterns = [
    path("me/family/members/", views.MyFamilyMembersView.as_view(), name="api-family-members"),
    path("registrations/", views.RegistrationCreateView.as_view(), name="api-registrations"),
    path(
        "registrations/<str:public_id>/",
        views.RegistrationDetailView.as_view(),
        name="api-registration",
    ),
    path("registrations/<str:public_id>/terms/", views.TermsView.as_view()),
    path("registrations/<str:public_id>/kk/", views.KkView.as_view()),
    path("registrations/<str:public_id>/members/", views.MembersView.as_view()),
    path("registrations/<str:public_id>/class/", views.ClassView.as_view()),
    path("registrations/<str:public_id>/contact/", views.ContactView.as_view()),
    path("registrations/<str:public_id>/verify/", views.VerifyView.as_view()),
    path("registrations/<str:public_id>/submit/", views.SubmitView.as_view()),
    path("registrations/<str:public_id>/payment/restart/", views.PaymentRestartView.as_view()),
]
