from django.urls import path

from .views import MyBillsView, MyDendaView, MyPaymentsView, PaymentNotificationView

urlpatterns = [
    path(
        "payments/notifications/",
        PaymentNotificationView.as_view(),
        name="api-payment-notifications",
    ),
    path("me/bills/", MyBillsView.as_view(), name="api-my-bills"),
    path("me/payments/", MyPaymentsView.as_view(), name="api-my-payments"),
    path("me/denda/", MyDendaView.as_view(), name="api-my-denda"),
]
