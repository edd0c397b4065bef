"""Staff tools and the outbox page: branch scope, required reason, audit, never a secret."""

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from accounts.factories import participant_with_account
from accounts.models import Account, AccountAuditEntry
from core.factories import BranchOfficeFactory, StaffUserFactory, UserFactory
from messaging.models import Message
from participants.factories import ParticipantFactory

from .helpers import deliver_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return BranchOfficeFactory()


@pytest.fixture
def member(branch):
    participant = ParticipantFactory(branch=branch, fktp__branch=branch)
    member = participant_with_account(participant=participant, email="dewi.lestari@contoh.id")
    AccessAttempt.objects.create(
        username=member.user.username,
        ip_address="10.0.0.9",
        user_agent="x",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/masuk/",
    )
    Account.objects.filter(user=member.user).update(
        pin_locked_until=timezone.now() + timezone.timedelta(minutes=20), pin_hash="x"
    )
    return member


@pytest.fixture
def staff(branch):
    return StaffUserFactory(branch=branch)


def action(client, name, account, reason):
    data = {"action": name, "_selected_action": [account.pk], "apply": "1"}
    if reason is not None:
        data["reason"] = reason
    return client.post("/admin/accounts/account/", data)


def test_staff_sees_lock_state_and_masked_contacts_never_secrets(client, staff, member):
    client.force_login(staff)
    page = client.get("/admin/accounts/account/").content.decode()
    assert "de**********@contoh.id ✓" in page
    assert page.count('class="field-login_locked"><img src="/static/admin/img/icon-yes.svg"') == 1
    assert "dewi.lestari" not in page
    assert member.nik not in page
    detail = client.get(f"/admin/accounts/account/{member.user.account.pk}/change/")
    assert detail.status_code == 200
    assert "pin_hash" not in detail.content.decode()


def test_unlock_needs_a_reason_and_is_audited(client, staff, member):
    client.force_login(staff)
    account = member.user.account
    response = action(client, "unlock", account, reason="")
    assert response.status_code == 200  # the reason form again
    assert AccessAttempt.objects.count() == 1
    assert account.audit.count() == 0

    response = action(client, "unlock", account, reason="Peserta datang ke KC membawa KTP")
    assert response.status_code == 302
    assert AccessAttempt.objects.count() == 0
    account.refresh_from_db()
    assert account.pin_locked_until is None
    entry = account.audit.get()
    assert (entry.action, entry.actor, entry.reason) == (
        AccountAuditEntry.Action.STAFF_UNLOCK,
        staff,
        "Peserta datang ke KC membawa KTP",
    )


def test_staff_reset_message_goes_to_the_registered_email(client, staff, member):
    client.force_login(staff)
    account = member.user.account
    action(client, "send_password_reset", account, reason="Permintaan via telepon 165")
    deliver_all()
    message = Message.objects.get()
    assert (message.template, message.destination, message.state) == (
        "password_reset_by_staff",
        "dewi.lestari@contoh.id",
        "SENT",
    )
    assert "/lupa-password/" in message.body_text
    assert account.audit.get().action == AccountAuditEntry.Action.STAFF_RESET_SENT


def test_staff_of_another_branch_sees_and_changes_nothing(client, member):
    other = StaffUserFactory(branch=BranchOfficeFactory())
    client.force_login(other)
    assert member.nik[-4:] not in client.get("/admin/accounts/account/").content.decode()
    action(client, "unlock", member.user.account, reason="coba")
    assert AccessAttempt.objects.count() == 1
    assert AccountAuditEntry.objects.count() == 0
    detail = client.get(f"/admin/accounts/account/{member.user.account.pk}/change/")
    assert detail.status_code == 302  # not found in the scope: back to the list


def test_outbox_page_is_staff_only_and_branch_scoped(client, staff, member):
    action_client = client
    action_client.force_login(staff)
    action(action_client, "send_password_reset", member.user.account, reason="uji")
    stranger = ParticipantFactory()
    Message.objects.create(
        event_key="other-branch",
        channel="SMS",
        destination="+6281311112222",
        template="account_code",
        body_text="Kode 111222",
        participant=stranger,
    )
    page = client.get("/outbox/").content.decode()
    assert "dewi.lestari@contoh.id" in page
    assert "+6281311112222" not in page

    client.force_login(UserFactory(username=member.nik + "x"))  # a participant
    response = client.get("/outbox/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.logout()
    assert client.get("/outbox/").status_code == 302


def test_failed_message_is_visible_to_branch_staff_and_sent_again(client, staff, member):
    message = Message.objects.create(
        event_key="account-code:failed",
        channel="SMS",
        destination="+6281234567890",
        template="account_code",
        body_text="Kode 123123",
        participant=member,
        state=Message.State.FAILED,
        attempts=4,
        last_error="gateway answered 503",
    )
    client.force_login(staff)
    page = client.get("/admin/messaging/message/?state__exact=FAILED").content.decode()
    assert "+6281234567890" in page and "gagal" in page
    assert "123123" not in page  # staff never read a code in the admin
    client.post(
        "/admin/messaging/message/",
        {"action": "retry_failed", "_selected_action": [message.pk]},
    )
    message.refresh_from_db()
    assert message.state == Message.State.QUEUED
    deliver_all()
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.SENT, 5)
