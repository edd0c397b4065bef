"""The spec-written client against a real gunicorn server on loopback: signs, calls, decrypts
and checks every demo participant's fields and status on the tglSEP date; the user_key header
that gunicorn drops by default, and the strict setting for servers that pass it."""

import os
import re
import subprocess
import sys
import time
from datetime import date

import pytest
from django.utils import timezone

from demo.parts.vclaim import DEMO_CONSUMER_ID, DEMO_SECRET, DEMO_USER_KEY
from demo.seed import seed_demo
from participants.models import Participant
from participants.selectors import live_participants, participant_status

from .client import VClaimClient
from .gunicorn import ROOT, gunicorn_server

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Our reason codes and the statusPeserta every VClaim client sees (README, integrators).
EXPECTED_STATUS = {
    "ACTIVE": ("0", "AKTIF"),
    "PAYMENT_DUE": ("0", "AKTIF"),
    "REACTIVATION_PENALTY": ("0", "AKTIF"),
    "DECEASED": ("1", "MENINGGAL"),
    "SEGMENT_ENDED": ("2", "TIDAK AKTIF: KEPESERTAAN BERAKHIR"),
    "PBI_DELISTED": ("3", "TIDAK AKTIF: DIKELUARKAN DARI DAFTAR PBI"),
    "ARREARS": ("4", "TIDAK AKTIF: TUNGGAKAN IURAN"),
    "NOT_YET_COVERED": ("5", "TIDAK AKTIF: BELUM BERLAKU"),
    "AWAITING_FIRST_PAYMENT": ("6", "TIDAK AKTIF: MENUNGGU PEMBAYARAN PERTAMA"),
    "DUKCAPIL_MISMATCH": ("7", "PENANGGUHAN: DATA BERBEDA DENGAN DUKCAPIL"),
    "DUPLICATE_NIK": ("8", "PENANGGUHAN: NIK GANDA"),
    "NIK_NOT_FOUND": ("9", "PENANGGUHAN: NIK TIDAK DITEMUKAN DI DUKCAPIL"),
    "NEWBORN_UNREGISTERED": ("10", "PENANGGUHAN: BAYI BELUM MEMILIKI NIK"),
    "NIK_MISSING": ("11", "PENANGGUHAN: NIK BELUM TERCATAT"),
    "PPU_NOT_DEPENDANT": ("12", "TIDAK AKTIF: BUKAN ANGGOTA KELUARGA PPU"),
}
EXPECTED_SEGMENT = {
    "PPU_PN": ("2", "PENYELENGGARA NEGARA"),
    "PPU_BU": ("13", "PEGAWAI SWASTA"),
    "PBPU": ("14", "PEKERJA MANDIRI"),
    "BP": ("15", "BUKAN PEKERJA"),
    "PBI_APBN": ("21", "PBI (APBN)"),
    "PBI_APBD": ("22", "PBI (APBD)"),
}


@pytest.fixture(scope="module")
def server(django_db_setup):
    """gunicorn with its default settings (it drops `user_key`), shared by the module's tests;
    each test's data is read live from the test database."""
    with gunicorn_server() as url:
        yield url


@pytest.fixture
def demo(transactional_db):
    """The demo data with its facility credential (10001, as the README documents it)."""
    seed_demo(log=lambda _msg: None)


def client(url: str, **kw) -> VClaimClient:
    return VClaimClient(
        url + "/vclaim-rest/",
        DEMO_CONSUMER_ID,
        DEMO_SECRET,
        kw.pop("user_key", DEMO_USER_KEY),
        **kw,
    )


def test_every_demo_participant_through_gunicorn(demo, server):
    today = timezone.localdate()
    participants = list(live_participants().order_by("card_number"))
    seen_codes = set()
    vclaim = client(server)
    for p in participants:
        answer = vclaim.peserta_by_card(p.card_number, today.isoformat())
        assert (answer.http_status, answer.code) == (200, "200"), p
        peserta = answer.document["peserta"]
        reason = participant_status(participant=p, on=today).reason
        assert peserta["statusPeserta"] == dict(
            zip(("kode", "keterangan"), EXPECTED_STATUS[reason], strict=True)
        ), (p.name, reason)
        assert peserta["jenisPeserta"] == dict(
            zip(("kode", "keterangan"), EXPECTED_SEGMENT[p.segment_id], strict=True)
        )
        assert (peserta["noKartu"], peserta["nama"], peserta["sex"], peserta["tglLahir"]) == (
            p.card_number,
            p.name.upper(),
            p.sex,
            p.birth_date.isoformat(),
        )
        assert peserta["hakKelas"]["kode"] == str(p.care_class)
        assert peserta["provUmum"]["kdProvider"] == p.fktp.code
        seen_codes.add(peserta["statusPeserta"]["kode"])
    # NIK lookups answer the same participant, with the NIK in full.
    head = Participant.objects.get(nik="3174010101800001")
    answer = vclaim.peserta_by_nik(head.nik, today.isoformat())
    assert (answer.document["peserta"]["noKartu"], answer.document["peserta"]["nik"]) == (
        head.card_number,
        head.nik,
    )
    # The demo data shows every status a facility meets (a paid newborn without a NIK is AKTIF
    # with a note, DESIGN 4.5; a new registrant awaits the first payment).
    assert {"0", "1", "2", "3", "4", "6", "7", "8", "9"} <= seen_codes


def test_errors_through_gunicorn(demo, server):
    head = Participant.objects.get(nik="3174010101800001")
    vclaim = client(server)
    stale = str(int(time.time()) - 600)
    answers = [
        vclaim.peserta_by_card(head.card_number, "2026-11-21", signature="eA=="),
        vclaim.peserta_by_card(head.card_number, "2026-11-21", timestamp=stale),
        vclaim.peserta_by_card("0009999999999", "2026-11-21"),
        vclaim.peserta_by_card(head.card_number, "2026-11-31"),
    ]
    assert [(a.http_status, a.code, a.message, a.document) for a in answers] == [
        (200, "401", "Signature tidak valid.", None),
        (200, "401", "X-timestamp berselisih lebih dari 5 menit dari waktu server.", None),
        (200, "201", "Peserta tidak ditemukan.", None),
        (200, "400", "Format tglSEP salah; gunakan yyyy-MM-dd.", None),
    ]


def test_gunicorn_drops_user_key_and_the_facade_still_answers(demo, server):
    head = Participant.objects.get(nik="3174010101800001")
    day = date(2026, 11, 21).isoformat()
    # gunicorn drops `user_key` before Django sees it: even a wrong one does not arrive...
    wrong_dropped = client(server, user_key="salah").peserta_by_card(head.card_number, day)
    assert wrong_dropped.code == "200"
    # ...while the same header spelled with a hyphen passes and is checked.
    hyphen = client(server, user_key="salah", user_key_header="user-key")
    assert hyphen.peserta_by_card(head.card_number, day).message == "user_key tidak valid."
    right = client(server, user_key_header="user-key")
    assert right.peserta_by_card(head.card_number, day).code == "200"

    with gunicorn_server(env={"VCLAIM_REQUIRE_USER_KEY": "1"}) as url:
        # Required behind a server that drops it: every call fails. Hence the default (off).
        answer = client(url).peserta_by_card(head.card_number, day)
        assert (answer.code, answer.message) == ("401", "Header user_key wajib diisi.")

    with gunicorn_server("--header-map", "dangerous", env={"VCLAIM_REQUIRE_USER_KEY": "1"}) as url:
        assert client(url).peserta_by_card(head.card_number, day).code == "200"
        wrong = client(url, user_key="salah").peserta_by_card(head.card_number, day)
        assert (wrong.code, wrong.message) == ("401", "user_key tidak valid.")


def test_the_readme_integrator_example_runs_as_written(demo, server):
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## For facility systems") :]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    assert example, "the integrator section lost its Python example"

    run = subprocess.run(
        [sys.executable, "-c", example.group(1)],
        env={**os.environ, "VCLAIM_URL": f"{server}/vclaim-rest/"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "200 OK"
    assert lines[1].startswith("BUDI SANTOSO {'kode': '0', 'keterangan': 'AKTIF'}")
    assert lines[2] == "200 OK"
    assert "'kode': '0901P001', 'nama': 'PUSKESMAS KECAMATAN TEBET'" in lines[3]
