"""The facade in-process: envelope, codes, decrypted fields, paths, rotation, rate limit and the
lookup log. The same client runs through a real gunicorn server in test_gunicorn.py."""

import time
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from families.factories import family_with_members
from participants.models import EligibilityLookup, Participant
from vclaim.models import FacilityCredential
from vclaim.services import facility_credential_rotate, facility_credential_set_active

from .client import VClaimClient
from .conftest import CONSUMER_ID, SECRET, USER_KEY, django_transport

SEP = "2026-11-21"


@pytest.fixture
def member(db) -> Participant:
    family = family_with_members(size=2, paid_through=date(2026, 11, 1))
    return family.memberships.get(is_main=True).participant


def only_strings_or_null(value) -> bool:
    if isinstance(value, dict):
        return all(only_strings_or_null(v) for v in value.values())
    return value is None or isinstance(value, str)


def test_card_lookup_answers_the_decrypted_peserta(vclaim, member):
    answer = vclaim.peserta_by_card(member.card_number, SEP)

    assert (answer.http_status, answer.code, answer.message) == (200, "200", "OK")
    peserta = answer.document["peserta"]
    assert only_strings_or_null(answer.document)
    assert peserta["noKartu"] == member.card_number
    assert peserta["nik"] == member.nik[:4] + "********" + member.nik[-4:]
    assert peserta["nama"] == member.name.upper()
    assert peserta["sex"] == "L"
    assert peserta["tglLahir"] == "1985-06-15"
    assert peserta["pisa"] == "1"
    assert peserta["statusPeserta"] == {"kode": "0", "keterangan": "AKTIF"}
    assert peserta["jenisPeserta"] == {"kode": "14", "keterangan": "PEKERJA MANDIRI"}
    assert peserta["hakKelas"] == {"kode": "3", "keterangan": "KELAS III"}
    assert peserta["provUmum"] == {
        "kdProvider": member.fktp.code,
        "nmProvider": member.fktp.name.upper(),
    }
    assert peserta["tglTMT"] == "2020-01-01"
    assert peserta["tglTAT"] is None
    assert peserta["umur"]["umurSaatPelayanan"] == "41 tahun ,5 bulan ,6 hari"
    assert peserta["mr"] == {"noMR": None, "noTelepon": None}
    assert peserta["informasi"] == {
        "dinsos": None,
        "noSKTM": None,
        "prolanisPRB": None,
        "dendaPelayanan": None,
    }
    assert peserta["cob"] == {
        "noAsuransi": None,
        "nmAsuransi": None,
        "tglTMT": None,
        "tglTAT": None,
    }
    assert answer.headers["Cache-Control"].startswith("max-age=0")


def test_status_is_the_one_on_the_sep_date(vclaim, member):
    # Paid through November 2026: unpaid December, so TIDAK AKTIF from 1 January 2027.
    assert vclaim.peserta_by_card(member.card_number, "2026-12-31").document["peserta"][
        "statusPeserta"
    ] == {"kode": "0", "keterangan": "AKTIF"}
    Participant.objects.filter(pk=member.pk).update(paid_through=date(2026, 9, 1))
    peserta = vclaim.peserta_by_card(member.card_number, "2026-12-01").document["peserta"]
    assert peserta["statusPeserta"] == {"kode": "4", "keterangan": "TIDAK AKTIF: TUNGGAKAN IURAN"}
    # A day in October, before the arrears began, was still covered.
    peserta = vclaim.peserta_by_card(member.card_number, "2026-10-15").document["peserta"]
    assert peserta["statusPeserta"]["kode"] == "0"


def test_nik_lookup_shows_the_nik_it_was_asked_for_and_the_child_relationship(vclaim, member):
    child = member.memberships.get().family.memberships.get(is_main=False).participant

    answer = vclaim.peserta_by_nik(child.nik, SEP)

    assert answer.code == "200"
    assert answer.document["peserta"]["nik"] == child.nik
    assert answer.document["peserta"]["noKartu"] == child.card_number
    assert answer.document["peserta"]["pisa"] == "4"


@pytest.mark.parametrize(
    "path",
    [
        "peserta/nokartu/{card}/tglsep/{sep}",
        "PESERTA/NOKARTU/{card}/TGLSEP/{sep}/",
        "Peserta/noKartu/{card}/tglSEP/{sep}/",
    ],
)
def test_paths_match_in_any_letter_case_with_or_without_trailing_slash(vclaim, member, path):
    answer = vclaim.get(path.format(card=member.card_number, sep=SEP))
    assert (answer.code, answer.document["peserta"]["noKartu"]) == ("200", member.card_number)


def test_base_path_in_another_letter_case(credential, member):
    client = VClaimClient(
        "/VClaim-Rest/", CONSUMER_ID, SECRET, USER_KEY, transport=django_transport(Client())
    )
    assert client.peserta_by_card(member.card_number, SEP).code == "200"


def lookups() -> list[tuple]:
    return list(
        EligibilityLookup.objects.order_by("id").values_list(
            "account__username", "channel", "kind", "asked_number", "result", "participant_id"
        )
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"signature": "c2lnbmF0dXJlLXNhbGFo"}, "Signature tidak valid."),
        # Seconds from now, computed when the test runs (not when it is collected).
        ({"timestamp": -301}, "X-timestamp berselisih lebih dari 5 menit dari waktu server."),
        ({"timestamp": +400}, "X-timestamp berselisih lebih dari 5 menit dari waktu server."),
        ({"timestamp": "2026-12-02T10:00:00"}, "X-timestamp harus berupa detik Unix (UTC)."),
    ],
)
def test_bad_signature_or_timestamp_answers_401_and_reads_nothing(vclaim, member, change, message):
    if isinstance(change.get("timestamp"), int):
        change = {"timestamp": str(int(time.time()) + change["timestamp"])}

    answer = vclaim.peserta_by_card(member.card_number, SEP, **change)

    assert (answer.http_status, answer.code, answer.message) == (200, "401", message)
    assert answer.document is None
    assert lookups() == []


def test_a_timestamp_within_five_minutes_is_accepted(vclaim, member):
    answer = vclaim.peserta_by_card(member.card_number, SEP, timestamp=str(int(time.time()) - 280))
    assert answer.code == "200"


def test_unknown_and_switched_off_consumers_answer_401(vclaim, credential, member):
    stranger = VClaimClient("/vclaim-rest/", "99999", SECRET, USER_KEY, transport=vclaim.transport)
    answer = stranger.peserta_by_card(member.card_number, SEP)
    assert (answer.code, answer.message) == ("401", "Consumer id tidak terdaftar atau tidak aktif.")

    facility_credential_set_active(credential=credential, active=False, actor=None)
    answer = vclaim.peserta_by_card(member.card_number, SEP)
    assert (answer.code, answer.message) == ("401", "Consumer id tidak terdaftar atau tidak aktif.")


def test_missing_headers_answer_401(credential):
    response = Client().get("/vclaim-rest/Peserta/nokartu/0001001010000/tglSEP/2026-11-21")
    assert response.status_code == 200
    assert response.json() == {
        "metaData": {
            "code": "401",
            "message": "Header X-cons-id, X-timestamp dan X-signature wajib diisi.",
        },
        "response": None,
    }


def test_unknown_card_answers_201_and_is_logged(vclaim, credential):
    answer = vclaim.peserta_by_card("0009999999999", SEP)

    assert (answer.code, answer.message, answer.document) == (
        "201",
        "Peserta tidak ditemukan.",
        None,
    )
    assert lookups() == [("vclaim-20001", "VCLAIM", "CARD", "0009999999999", "NOT_FOUND", None)]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("Peserta/nokartu/{card}/tglSEP/2026-13-01", "Format tglSEP salah; gunakan yyyy-MM-dd."),
        ("Peserta/nokartu/{card}/tglSEP/21-11-2026", "Format tglSEP salah; gunakan yyyy-MM-dd."),
        ("Peserta/nokartu/{card}/tglSEP/2026-02-30", "Format tglSEP salah; gunakan yyyy-MM-dd."),
        ("Peserta/nokartu/{card}/tglSEP/", "Format tglSEP salah; gunakan yyyy-MM-dd."),
        ("Peserta/nokartu/123456789012/tglSEP/2026-11-21", "Nomor kartu harus 13 digit angka."),
        ("Peserta/nokartu/000100101000A/tglSEP/2026-11-21", "Nomor kartu harus 13 digit angka."),
    ],
)
def test_malformed_input_answers_400_and_reads_nothing(vclaim, member, path, message):
    answer = vclaim.get(path.format(card=member.card_number))

    assert (answer.code, answer.message, answer.document) == ("400", message, None)
    assert lookups() == []


def test_dates_outside_the_window_answer_400(vclaim, member):
    latest = timezone.localdate() + timedelta(days=366)
    for day in ("2013-12-31", (latest + timedelta(days=1)).isoformat(), "9999-12-31"):
        answer = vclaim.peserta_by_card(member.card_number, day)
        assert (answer.code, answer.message) == (
            "400",
            f"tglSEP harus antara 2014-01-01 dan {latest.isoformat()}.",
        )


def test_malformed_nik_names_what_is_wrong(vclaim, member):
    answer = vclaim.peserta_by_nik("317401010180000", SEP)
    assert answer.code == "400"
    assert answer.message.startswith("NIK tidak valid: ")


def test_unknown_service_and_other_methods(vclaim, credential):
    assert vclaim.get("SEP/insert").code == "404"
    response = Client().post("/vclaim-rest/Peserta/nokartu/0001001010000/tglSEP/2026-11-21")
    assert response.json()["metaData"] == {
        "code": "405",
        "message": "Metode tidak didukung; gunakan GET.",
    }


def test_user_key_may_be_missing_but_never_wrong(vclaim, member, settings):
    vclaim.user_key = None
    assert vclaim.peserta_by_card(member.card_number, SEP).code == "200"

    vclaim.user_key = "salah"
    answer = vclaim.peserta_by_card(member.card_number, SEP)
    assert (answer.code, answer.message) == ("401", "user_key tidak valid.")

    settings.VCLAIM_REQUIRE_USER_KEY = True
    vclaim.user_key = None
    answer = vclaim.peserta_by_card(member.card_number, SEP)
    assert (answer.code, answer.message) == ("401", "Header user_key wajib diisi.")
    vclaim.user_key = USER_KEY
    assert vclaim.peserta_by_card(member.card_number, SEP).code == "200"


def test_rotation_keeps_the_old_secret_for_the_grace_period_only(
    vclaim, credential, member, settings
):
    # The end of the grace period is written straight to the row below, as time passing
    # would end it: no process may keep the credential it read (vclaim.selectors).
    settings.VCLAIM_CREDENTIAL_CACHE_SECONDS = 0
    issued = facility_credential_rotate(credential=credential, actor=None)

    # The old secret still signs (and keys the answer) during the grace period...
    assert vclaim.peserta_by_card(member.card_number, SEP).code == "200"
    new = VClaimClient(
        "/vclaim-rest/", CONSUMER_ID, issued.secret, USER_KEY, transport=vclaim.transport
    )
    answer = new.peserta_by_card(member.card_number, SEP)
    assert (answer.code, answer.document["peserta"]["noKartu"]) == ("200", member.card_number)

    # ...and not after it.
    FacilityCredential.objects.filter(pk=credential.pk).update(
        previous_valid_until=timezone.now() - timedelta(seconds=1)
    )
    assert vclaim.peserta_by_card(member.card_number, SEP).code == "401"
    assert new.peserta_by_card(member.card_number, SEP).code == "200"


def test_the_secret_is_stored_encrypted_and_the_user_key_hashed(credential):
    stored = FacilityCredential.objects.values_list("secret_encrypted", "user_key_sha256").get()
    assert SECRET not in stored[0]
    assert USER_KEY not in stored[1]
    assert len(stored[1]) == 64


def test_faskes_reference(vclaim, member):
    answer = vclaim.get(f"referensi/faskes/{member.fktp.code.lower()}/1")
    assert answer.code == "200"
    assert answer.document == {
        "faskes": [{"kode": member.fktp.code, "nama": member.fktp.name.upper()}]
    }
    by_name = vclaim.get("referensi/faskes/puskesmas uji/1")
    assert {"kode": member.fktp.code, "nama": member.fktp.name.upper()} in by_name.document[
        "faskes"
    ]
    assert vclaim.get("referensi/faskes/puskesmas/2").message == "Faskes tidak ditemukan."
    assert vclaim.get("referensi/faskes/puskesmas/3").code == "400"


def test_lookups_are_rate_limited_per_account_across_channels(vclaim, credential, member, settings):
    from tests.conftest import bearer

    # A day's window: a minute's could roll over in the middle of the test.
    settings.ELIGIBILITY_RATE_LIMIT = "3/day"
    api = bearer(credential.account)
    for _ in range(2):
        response = api.get(f"/api/v1/eligibility/?card_number={member.card_number}&date={SEP}")
        assert response.status_code == 200
    assert vclaim.peserta_by_card(member.card_number, SEP).code == "200"

    answer = vclaim.peserta_by_card(member.card_number, SEP)

    assert answer.code == "429"
    assert answer.message.startswith("Terlalu banyak permintaan; coba lagi dalam ")
    assert 1 <= int(answer.headers["Retry-After"]) <= 86400
    response = api.get(f"/api/v1/eligibility/?card_number={member.card_number}&date={SEP}")
    assert response.status_code == 429
    assert response.json()["code"] == "RATE_LIMITED"
    # Refused lookups read nothing and are not in the log.
    assert [row[1] for row in lookups()] == ["API", "API", "VCLAIM"]


def test_each_lookup_is_logged_with_who_whom_when_and_channel(vclaim, credential, member):
    before = timezone.now()
    vclaim.peserta_by_card(member.card_number, SEP)
    vclaim.peserta_by_nik(member.nik, "2026-11-20")

    rows = list(EligibilityLookup.objects.order_by("id"))
    assert [
        (r.account_id, r.channel, r.kind, r.asked_number, r.participant_id, r.result,
         r.service_date, r.client_address)
        for r in rows
    ] == [
        (credential.account_id, "VCLAIM", "CARD", member.card_number, member.pk, "AKTIF",
         date(2026, 11, 21), "127.0.0.1"),
        (credential.account_id, "VCLAIM", "NIK", member.nik, member.pk, "AKTIF",
         date(2026, 11, 20), "127.0.0.1"),
    ]  # fmt: skip
    assert all(before <= r.asked_at <= timezone.now() for r in rows)


def test_storage_key_rotation_keeps_credentials_working(vclaim, credential, member, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.VCLAIM_SECRET_KEYS = [old_key]
    call_command("vclaim_reencrypt")
    assert vclaim.peserta_by_card(member.card_number, SEP).code == "200"

    # A new key first in the list: old ciphertexts still decrypt; re-encrypting moves them.
    settings.VCLAIM_SECRET_KEYS = [new_key, old_key]
    assert vclaim.peserta_by_card(member.card_number, SEP).code == "200"
    call_command("vclaim_reencrypt")
    settings.VCLAIM_SECRET_KEYS = [new_key]
    assert vclaim.peserta_by_card(member.card_number, SEP).code == "200"


def test_a_lookup_after_a_payment_or_a_hold_shows_the_new_status(vclaim, member):
    # The answer is cached under the family's fact tokens: a write to the participant gives
    # the next lookup a fresh one (core/facts.py).
    first = vclaim.peserta_by_card(member.card_number, SEP)
    assert first.document["peserta"]["statusPeserta"]["kode"] == "0"
    Participant.objects.filter(pk=member.pk).update(registry_hold="DUPLICATE_NIK")
    held = vclaim.peserta_by_card(member.card_number, SEP)
    assert held.document["peserta"]["statusPeserta"]["kode"] == "8"
    Participant.objects.filter(pk=member.pk).update(registry_hold="")
    again = vclaim.peserta_by_card(member.card_number, SEP)
    assert again.document["peserta"]["statusPeserta"]["kode"] == "0"
    assert EligibilityLookup.objects.filter(participant=member).count() == 3
