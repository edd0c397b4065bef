"""Info Peserta: the "Sinkronkan data keluarga" button, PENANGGUHAN with its reason and
remedy, and the offer of a member Dukcapil lists on the KK, which leads into Tambah anggota
keluarga (registrations)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dukcapil_sync.models import Discrepancy
from families.models import FamilyMembership
from participants.factories import months_ago
from participants.models import Participant
from registrations.models import Registration
from tests.conftest import make_family

from .conftest import new_nik

pytestmark = pytest.mark.django_db

FAMILY_PAGE = "/info-peserta/"


@pytest.fixture
def baby_birth() -> dt.date:
    """Born 5 days before the day the test runs: a newborn within the 28 days."""
    return timezone.localdate() - dt.timedelta(days=5)


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def family_with_mismatch(registry):
    family, head = make_family(2, paid_through=months_ago(0))
    child = family.memberships.order_by("-participant_id").first().participant
    registry.mirror(family, **{child.nik: {"name": "NAMA DI DUKCAPIL"}})
    return family, head, child


def test_info_peserta_offers_the_sync_button(family_with_mismatch):
    _family, head, _child = family_with_mismatch

    page = logged_in(head.user).get(FAMILY_PAGE).content.decode()

    assert 'data-testid="sync-button"' in page
    assert "Sinkronkan data keluarga" in page
    assert "Belum pernah dibandingkan dengan Dukcapil." in page


def test_sync_button_shows_penangguhan_with_reason_and_remedy(family_with_mismatch):
    _family, head, child = family_with_mismatch
    client = logged_in(head.user)

    response = client.post(reverse("dukcapil_sync:family_sync"))
    assert response.status_code == 302 and response["Location"] == FAMILY_PAGE
    page = client.get(FAMILY_PAGE).content.decode()

    assert "1 perbedaan baru ditemukan" in page
    assert 'data-reason="DUKCAPIL_MISMATCH"' in page
    assert "PENANGGUHAN" in page
    assert "nama di Dukcapil: NAMA DI DUKCAPIL" in page
    # The remedy (DESIGN.md 4.4): request a re-sync, or visit the branch with KK and KTP.
    assert "KTP dan KK" in page
    assert "Terakhir dibandingkan dengan Dukcapil" in page


def test_sync_button_is_rate_limited(family_with_mismatch, settings):
    settings.DUKCAPIL_FAMILY_SYNC_RATE = "1/hour"
    _family, head, _child = family_with_mismatch
    client = logged_in(head.user)

    client.post(reverse("dukcapil_sync:family_sync"))
    client.get(FAMILY_PAGE)
    client.post(reverse("dukcapil_sync:family_sync"))
    page = client.get(FAMILY_PAGE).content.decode()

    assert "sudah beberapa kali diminta dari Dukcapil" in page
    assert Discrepancy.objects.count() == 1


def test_registry_down_is_said_plainly(family_with_mismatch, registry):
    _family, head, child = family_with_mismatch
    registry.faults(outage=True)
    client = logged_in(head.user)

    client.post(reverse("dukcapil_sync:family_sync"))
    page = client.get(FAMILY_PAGE).content.decode()

    assert "Dukcapil tidak dapat dihubungi" in page
    child.refresh_from_db()
    assert child.status == "AKTIF"


@pytest.fixture
def newborn_offer(registry, baby_birth):
    family, head = make_family(2, paid_through=months_ago(0))
    registry.mirror(family)
    baby_nik = new_nik(birth_date=baby_birth, sex="L")
    registry.control(
        {
            "action": "birth",
            "kk_number": family.number,
            "nik": baby_nik,
            "name": "RIZKI PRATAMA",
            "birth_date": baby_birth.isoformat(),
            "sex": "L",
            "birth_place": "JAKARTA",
        }
    )
    logged_in(head.user).post(reverse("dukcapil_sync:family_sync"))
    return family, head, baby_nik, Discrepancy.objects.get(kind="NEW_KK_MEMBER")


def test_the_offer_leads_into_tambah_anggota_prefilled_and_is_closed_once_registered(
    newborn_offer, baby_birth
):
    family, head, baby_nik, offer = newborn_offer
    client = logged_in(head.user)

    page = client.get(FAMILY_PAGE).content.decode()
    assert 'data-testid="new-member-offer"' in page
    assert "RIZKI PRATAMA" in page
    # One way to add a member: the offer's button opens Tambah anggota keluarga, filled in
    # from Dukcapil, under its rules (segment, registry check, first payment).
    link = reverse("registrations:member_add") + f"?offer={offer.pk}"
    assert link.replace("&", "&amp;") in page
    form = client.get(link)
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert (initial["nik"], initial["name"], initial["birth_date"], initial["sex"]) == (
        baby_nik,
        "RIZKI PRATAMA",
        baby_birth.isoformat(),
        "L",
    )
    assert initial["relationship"] == "ANAK"

    response = client.post(
        link,
        {
            "offer": offer.pk,
            "relationship": "ANAK",
            "nik": baby_nik,
            "name": "RIZKI PRATAMA",
            "birth_place": "JAKARTA",
            "birth_date": baby_birth.isoformat(),
            "sex": "L",
        },
    )

    assert response.status_code == 302, response.context and response.context.get("error")
    baby = Participant.objects.get(nik=baby_nik)
    assert FamilyMembership.objects.get(participant=baby, valid_to__isnull=True).family == family
    # A PBPU family's newborn waits for the first payment, with the amount and the VA.
    assert (baby.status, baby.status_reason) == ("TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT")
    registration = Registration.objects.get(family=family)
    assert (registration.kind, registration.state, registration.virtual_account) == (
        "NEWBORN",
        "AWAITING_PAYMENT",
        family.virtual_account,
    )
    offer.refresh_from_db()
    assert (offer.status, offer.resolved_by) == ("ACCEPTED", head.user)
    assert offer.detail["registered_card_number"] == baby.card_number
    page = client.get(FAMILY_PAGE).content.decode()
    assert 'data-testid="new-member-offer"' not in page
    assert "RIZKI PRATAMA" in page  # now a member card


def test_the_old_separate_register_path_is_gone(newborn_offer):
    _family, head, baby_nik, offer = newborn_offer
    client = logged_in(head.user)
    assert client.get(f"/info-peserta/anggota-baru/{offer.pk}/").status_code == 404
    assert client.post(f"/info-peserta/anggota-baru/{offer.pk}/").status_code == 404
    assert not Participant.objects.filter(nik=baby_nik).exists()


def test_another_familys_offer_is_not_found(newborn_offer):
    _family, _head, baby_nik, offer = newborn_offer
    _other, stranger = make_family(1, paid_through=months_ago(0))
    client = logged_in(stranger.user)
    link = reverse("registrations:member_add") + f"?offer={offer.pk}"

    assert client.get(link).status_code == 404
    body = {
        "offer": offer.pk,
        "relationship": "ANAK",
        "nik": baby_nik,
        "name": "RIZKI PRATAMA",
        "birth_date": offer.detail["birth_date"],
        "sex": "L",
    }
    assert client.post(link, body).status_code == 404
    assert not Participant.objects.filter(nik=baby_nik).exists()
    offer.refresh_from_db()
    assert offer.status == "OPEN"


def test_the_panel_shows_the_latest_comparison_and_a_failure_only_when_it_came_after():
    from core.models import JobRun
    from dukcapil_sync.models import ParticipantSyncState, SyncRun
    from dukcapil_sync.selectors import family_sync_panel

    family, head = make_family(3, paid_through=months_ago(0))
    other, _ = make_family(1, paid_through=months_ago(0))
    members = [m.participant for m in family.memberships.order_by("participant_id")]
    now = timezone.now()
    assert family_sync_panel(family=family).last_checked_at is None
    # Two members compared at different times, the third never; another family later still.
    for participant, hours_ago in ((members[0], 5), (members[1], 3)):
        ParticipantSyncState.objects.create(
            participant=participant, last_checked_at=now - dt.timedelta(hours=hours_ago)
        )
    ParticipantSyncState.objects.create(
        participant=other.memberships.get().participant, last_checked_at=now
    )

    def run(family_card, state, hours_ago):
        sync = SyncRun.objects.create(
            kind=SyncRun.Kind.FAMILY,
            state=state,
            trigger=SyncRun.Trigger.PARTICIPANT,
            job_run=JobRun.objects.create(name="dukcapil_sync family"),
            family=family_card,
        )
        SyncRun.objects.filter(pk=sync.pk).update(started_at=now - dt.timedelta(hours=hours_ago))

    run(family, SyncRun.State.FAILED, 4)  # before the latest comparison: not shown
    panel = family_sync_panel(family=family)
    assert panel.last_checked_at == now - dt.timedelta(hours=3)
    assert panel.failed_attempt_at is None and panel.offers == []

    run(other, SyncRun.State.FAILED, 1)  # another family's failure: not this family's
    assert family_sync_panel(family=family).failed_attempt_at is None
    run(family, SyncRun.State.FAILED, 2)
    assert family_sync_panel(family=family).failed_attempt_at == now - dt.timedelta(hours=2)
    run(family, SyncRun.State.DONE, 1)  # the latest attempt succeeded
    assert family_sync_panel(family=family).failed_attempt_at is None
