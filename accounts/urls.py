from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("daftar-akun/", views.signup_start_view, name="signup"),
    path("daftar-akun/data/", views.signup_details_view, name="signup-details"),
    path("daftar-akun/kode/", views.signup_code_view, name="signup-code"),
    path("daftar-akun/selesai/", views.signup_done_view, name="signup-done"),
    path("lupa-password/", views.reset_start_view, name="reset"),
    path("lupa-password/kirim/", views.reset_channel_view, name="reset-channel"),
    path("lupa-password/kode/", views.reset_code_view, name="reset-code"),
    path("lupa-password/selesai/", views.reset_done_view, name="reset-done"),
    path("akun/", views.account_view, name="account"),
    path("akun/sesi/<int:session_id>/akhiri/", views.session_end_view, name="session-end"),
    path("akun/token/<str:token_key>/cabut/", views.token_end_view, name="token-end"),
    path("akun/pin/", views.pin_view, name="pin"),
    path("akun/pin/kode/", views.pin_code_view, name="pin-code"),
]
