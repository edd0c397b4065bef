"""Info Peserta is kept whole (core.pages) and is never stale: whatever the page shows (the
family's facts, the bell, the sync panel, messages, the language) shows on the next request
after it changes, and the CSRF token in a kept page is this request's and is accepted."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.factories import StaffUserFactory
from core.models import JobRun
from dukcapil_sync.models import Discrepancy, Kind, ParticipantSyncState, SyncRun
from dukcapil_sync.services.decisions import discrepancy_keep
from notifications.models import Notification
from notifications.services import notifications_mark_read
from participants.factories import months_ago
from participants.models import Participant
from participants.services import participants_record_payment
from tests.conftest import make_family

pytestmark = pytest.mark.django_db

PAGE = "/info-peserta/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def page(client: Client) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def family():
    family, head = make_family(2, paid_through=months_ago(0))
    client = signed_in(head.user)
    page(client)  # kept from here on
    return family, head, client


def test_a_repeated_page_is_kept_and_read_in_three_statements(family):
    family_card, _head, client = family
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    # The session, its user, and the family's facts with the page states: no template.
    assert len(queries.captured_queries) == 3
    assert not response.templates
    assert family_card.number in response.content.decode()


def test_the_csrf_token_of_a_kept_page_is_fresh_and_accepted(family):
    _family, head, _client = family
    client = signed_in(head.user, enforce_csrf_checks=True)
    first, second = page(client), page(client)
    tokens = TOKEN.findall(first) + TOKEN.findall(second)
    assert tokens and len(set(TOKEN.findall(second))) == 1
    assert TOKEN.findall(first)[0] != TOKEN.findall(second)[0]  # masked anew, not replayed
    assert "csrf-hole-" not in second
    # The kept page's token signs the participant out.
    response = client.post("/keluar/", {"csrfmiddlewaretoken": TOKEN.findall(second)[0]})
    assert response.status_code == 302
    assert client.get(PAGE).status_code == 302


def test_a_payment_shows_on_the_next_page(family):
    family_card, head, client = family
    Participant.objects.filter(memberships__family=family_card).update(paid_through=months_ago(5))
    assert 'data-reason="ARREARS"' in page(client)
    participants_record_payment(
        participant_ids=[m.participant_id for m in family_card.memberships.all()],
        paid_through=months_ago(0),
        confirmed_on=dt.date.today(),
        note="test",
    )
    assert 'data-reason="ARREARS"' not in page(client)


def test_a_new_notification_shows_in_the_bell_and_goes_when_read(family):
    _family, head, client = family
    assert 'data-testid="unread-count"' not in page(client)
    Notification.objects.create(
        recipient=head, kind="STATUS", source="test:1", created_at=timezone.now()
    )
    assert re.search(r'data-testid="unread-count">1<', page(client))
    notifications_mark_read(user=head.user)
    assert 'data-testid="unread-count"' not in page(client)


def test_a_failed_sync_shows_on_the_next_page(family):
    family_card, _head, client = family
    assert 'data-testid="sync-failed"' not in page(client)
    SyncRun.objects.create(
        kind=SyncRun.Kind.FAMILY,
        state=SyncRun.State.FAILED,
        trigger=SyncRun.Trigger.PARTICIPANT,
        job_run=JobRun.objects.create(name="dukcapil_sync family"),
        family=family_card,
    )
    assert 'data-testid="sync-failed"' in page(client)


def test_a_comparison_with_dukcapil_shows_on_the_next_page(family):
    family_card, head, client = family
    assert 'data-testid="sync-last-checked">Belum pernah' in page(client)
    ParticipantSyncState.objects.create(participant=head, last_checked_at=timezone.now())
    assert 'data-testid="sync-last-checked">Terakhir dibandingkan' in page(client)


def test_an_offer_closed_among_several_is_gone_from_the_next_page(family):
    family_card, _head, client = family
    now = timezone.now()

    def offer(name: str) -> Discrepancy:
        return Discrepancy.objects.create(
            kind=Kind.NEW_KK_MEMBER,
            family=family_card,
            branch=family_card.branch,
            key=name,
            detail={"name": name, "birth_date": "2026-11-01"},
            first_seen_at=now,
            last_seen_at=now,
        )

    first, _second = offer("BAYI SATU"), offer("BAYI DUA")
    assert "BAYI SATU" in page(client) and "BAYI DUA" in page(client)
    staff = StaffUserFactory(branch=family_card.branch)
    discrepancy_keep(discrepancy=first, actor=staff, reason="Bukan anggota keluarga ini")
    html = page(client)
    assert "BAYI SATU" not in html and "BAYI DUA" in html


def test_the_language_chosen_shows_on_the_next_page(family):
    _family, _head, client = family
    assert "<h1>Info Peserta</h1>" in page(client)
    client.post("/i18n/setlang/", {"language": "en", "next": PAGE})
    assert "<h1>Participant info</h1>" in page(client)


def test_a_query_string_is_answered_but_never_kept(family):
    _family, _head, client = family
    for _ in range(2):
        response = client.get(f"{PAGE}?n=1")
        assert response.status_code == 200
        assert response.templates  # rendered for that request: no copy kept to serve again


def test_each_participant_is_kept_apart():
    (family_a, head_a), (family_b, head_b) = make_family(1), make_family(1)
    client_a, client_b = signed_in(head_a.user), signed_in(head_b.user)
    for _ in range(2):
        html_a, html_b = page(client_a), page(client_b)
        assert family_a.number in html_a and family_b.number not in html_a
        assert family_b.number in html_b and family_a.number not in html_b
