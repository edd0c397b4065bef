from django.urls import path

from . import views

urlpatterns = [
    path("accounts/captcha/", views.CaptchaView.as_view(), name="accounts-captcha"),
    path(
        "accounts/signup/identify/",
        views.SignupIdentifyView.as_view(),
        name="accounts-signup-identify",
    ),
    path("accounts/signup/", views.SignupView.as_view(), name="accounts-signup"),
    path(
        "accounts/signup/verify/", views.SignupVerifyView.as_view(), name="accounts-signup-verify"
    ),
    path("accounts/codes/resend/", views.ResendView.as_view(), name="accounts-code-resend"),
    path(
        "accounts/password-reset/identify/",
        views.ResetIdentifyView.as_view(),
        name="accounts-reset-identify",
    ),
    path("accounts/password-reset/", views.ResetStartView.as_view(), name="accounts-reset"),
    path(
        "accounts/password-reset/confirm/",
        views.ResetConfirmView.as_view(),
        name="accounts-reset-confirm",
    ),
    path("accounts/me/", views.MeView.as_view(), name="accounts-me"),
    path("accounts/sessions/", views.SessionsView.as_view(), name="accounts-sessions"),
    path(
        "accounts/sessions/<int:session_id>/",
        views.SessionDetailView.as_view(),
        name="accounts-session",
    ),
    path("accounts/tokens/", views.TokensView.as_view(), name="accounts-tokens"),
    path(
        "accounts/tokens/<str:token_key>/", views.TokenDetailView.as_view(), name="accounts-token"
    ),
    path("accounts/pin/", views.PinView.as_view(), name="accounts-pin"),
    path("accounts/pin/verify/", views.PinVerifyView.as_view(), name="accounts-pin-verify"),
    path("accounts/pin/change/", views.PinChangeView.as_view(), name="accounts-pin-change"),
    path(
        "accounts/pin/change/confirm/",
        views.PinChangeConfirmView.as_view(),
        name="accounts-pin-change-confirm",
    ),
]
