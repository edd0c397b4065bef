"""Branch staff and payments in the admin: scope, the reconciliation inbox, the audited match
of an unknown VA, the reactivation log (DESIGN.md 1)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.factories import BranchOfficeFactory, StaffUserFactory, UserFactory
from core.models import STAFF_GROUP_NAME
from payments.factories import PaymentChannelFactory, family_in_arrears, notification_body
from payments.models import Bill, Payment, PaymentNotification
from payments.services import (
    UnknownVirtualAccount,
    family_bills_ensure,
    notification_receive,
    sign,
)

pytestmark = pytest.mark.django_db


def staff_client(branch) -> Client:
    user = StaffUserFactory.create(branch=branch)
    user.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
    client = Client()
    client.force_login(user)
    return client


def unmatched_notification(channel, amount: int = 100_000) -> PaymentNotification:
    body = notification_body(virtual_account="8888800000000009", amount=amount)
    timestamp = str(int(timezone.now().timestamp()))
    with pytest.raises(UnknownVirtualAccount):
        notification_receive(
            channel_code=channel.code,
            timestamp=timestamp,
            signature=sign(secret=channel.secret, timestamp=timestamp, raw_body=body),
            raw_body=body,
        )
    return PaymentNotification.objects.get(outcome="UNMATCHED")


def test_staff_see_the_bills_of_their_branch_only():
    mine, theirs = BranchOfficeFactory(), BranchOfficeFactory()
    family = family_in_arrears(months=0, size=1, branch=mine)
    other = family_in_arrears(months=0, size=1, branch=theirs)
    for f in (family, other):
        family_bills_ensure(family=f, on=timezone.localdate())
    client = staff_client(mine)

    page = client.get(reverse("admin:payments_bill_changelist"))

    assert page.status_code == 200
    assert list(page.context["cl"].queryset) == list(Bill.objects.filter(family=family))
    other_bill = Bill.objects.get(family=other)
    assert client.get(reverse("admin:payments_bill_change", args=[other_bill.pk])).status_code in (
        302,
        404,
    )


def test_staff_match_an_unknown_va_to_a_family_of_their_branch_with_a_reason(
    django_capture_on_commit_callbacks,
):
    branch = BranchOfficeFactory()
    family = family_in_arrears(months=0, size=1, branch=branch)
    notification = unmatched_notification(PaymentChannelFactory())
    client = staff_client(branch)
    inbox = client.get(
        reverse("admin:payments_paymentnotification_changelist"), {"outcome__exact": "UNMATCHED"}
    )
    match_url = reverse("admin:payments_paymentnotification_match", args=[notification.pk])
    assert match_url in inbox.content.decode()

    missing_reason = client.post(match_url, {"virtual_account": family.virtual_account})
    with django_capture_on_commit_callbacks():
        done = client.post(
            match_url, {"virtual_account": family.virtual_account, "reason": "Mutasi bank 21/11"}
        )

    assert missing_reason.status_code == 200 and "reason" in missing_reason.context["form"].errors
    assert done.status_code == 302
    payment = Payment.objects.get()
    assert (payment.family_id, payment.result) == (family.pk, "SETTLED")
    notification.refresh_from_db()
    assert notification.outcome == "MATCHED"
    audit = notification.history.first()
    assert audit.history_change_reason == "Mutasi bank 21/11"
    assert audit.history_user_id == notification.resolved_by_id


def test_staff_cannot_match_to_another_branchs_family():
    branch, elsewhere = BranchOfficeFactory(), BranchOfficeFactory()
    other_family = family_in_arrears(months=0, size=1, branch=elsewhere)
    notification = unmatched_notification(PaymentChannelFactory())
    client = staff_client(branch)

    response = client.post(
        reverse("admin:payments_paymentnotification_match", args=[notification.pk]),
        {"virtual_account": other_family.virtual_account, "reason": "salah cabang"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["virtual_account"] == [
        "Tidak ada keluarga di kantor cabang Anda dengan virtual account ini."
    ]
    assert Payment.objects.count() == 0
    assert PaymentNotification.objects.get().outcome == "UNMATCHED"


def test_a_view_only_account_cannot_match():
    branch = BranchOfficeFactory()
    notification = unmatched_notification(PaymentChannelFactory())
    user = StaffUserFactory.create(branch=branch)
    user.user_permissions.add(Permission.objects.get(codename="view_paymentnotification"))
    client = Client()
    client.force_login(user)

    response = client.get(
        reverse("admin:payments_paymentnotification_match", args=[notification.pk])
    )

    assert response.status_code == 403


def test_the_reactivation_log_payments_and_rates_are_in_the_admin():
    client = staff_client(BranchOfficeFactory())

    for name in ("reactivation", "payment", "paymentnotification"):
        assert client.get(reverse(f"admin:payments_{name}_changelist")).status_code == 200
    for name in ("contributionrate", "minimumwage"):  # rates beside the segments
        assert client.get(reverse(f"admin:participants_{name}_changelist")).status_code == 200
    # Channel secrets are a superuser's business.
    assert client.get(reverse("admin:payments_paymentchannel_changelist")).status_code == 403


def test_a_superuser_makes_a_new_channel_secret_shown_once():
    channel = PaymentChannelFactory(secret="lama")
    admin = UserFactory(is_staff=True, is_superuser=True, role="ADMIN")
    client = Client()
    client.force_login(admin)

    response = client.post(
        reverse("admin:payments_paymentchannel_changelist"),
        {"action": "new_secret", "_selected_action": [channel.pk]},
        follow=True,
    )

    channel.refresh_from_db()
    assert channel.secret != "lama" and len(channel.secret) == 64
    assert channel.secret in response.content.decode()
    assert (
        channel.secret
        not in client.get(
            reverse("admin:payments_paymentchannel_change", args=[channel.pk])
        ).content.decode()
    )
