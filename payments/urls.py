from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("tagihan/", views.bills, name="bills"),
    path("tagihan/bayar-simulasi/", views.simulate_payment, name="simulate"),
    path("riwayat-pembayaran/", views.history, name="history"),
]
