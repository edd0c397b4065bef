"""The decrypted VClaim documents: `{"peserta": {...}}` and `{"faskes": [...]}`.

Every value is a string or null, as VClaim clients expect. The status is the one of
`participants.selectors.participant_status` on the tglSEP date: the one status function, with
the family's facts, exactly as the eligibility API answers.
The code tables below are ours (documented in the README's integrator section): VClaim's own
tables distinguish more cases than our data holds."""

import calendar
from datetime import date
from typing import Any

from django.utils import timezone

from core.formatting import mask_number
from families.models import Relationship
from participants.models import Facility, Participant, Reason, Status
from participants.status import StatusResult

# statusPeserta by reason code; kode "0" is AKTIF, as in VClaim.
STATUS_CODES: dict[str, tuple[str, str]] = {
    Reason.ACTIVE: ("0", "AKTIF"),
    Reason.PAYMENT_DUE: ("0", "AKTIF"),
    Reason.REACTIVATION_PENALTY: ("0", "AKTIF"),
    Reason.DECEASED: ("1", "MENINGGAL"),
    Reason.SEGMENT_ENDED: ("2", "TIDAK AKTIF: KEPESERTAAN BERAKHIR"),
    Reason.PBI_DELISTED: ("3", "TIDAK AKTIF: DIKELUARKAN DARI DAFTAR PBI"),
    Reason.ARREARS: ("4", "TIDAK AKTIF: TUNGGAKAN IURAN"),
    Reason.NOT_YET_COVERED: ("5", "TIDAK AKTIF: BELUM BERLAKU"),
    Reason.AWAITING_FIRST_PAYMENT: ("6", "TIDAK AKTIF: MENUNGGU PEMBAYARAN PERTAMA"),
    Reason.DUKCAPIL_MISMATCH: ("7", "PENANGGUHAN: DATA BERBEDA DENGAN DUKCAPIL"),
    Reason.DUPLICATE_NIK: ("8", "PENANGGUHAN: NIK GANDA"),
    Reason.NIK_NOT_FOUND: ("9", "PENANGGUHAN: NIK TIDAK DITEMUKAN DI DUKCAPIL"),
    Reason.NEWBORN_UNREGISTERED: ("10", "PENANGGUHAN: BAYI BELUM MEMILIKI NIK"),
    Reason.NIK_MISSING: ("11", "PENANGGUHAN: NIK BELUM TERCATAT"),
    Reason.PPU_NOT_DEPENDANT: ("12", "TIDAK AKTIF: BUKAN ANGGOTA KELUARGA PPU"),
}
# A reason added later falls back on its status.
STATUS_FALLBACK = {
    Status.AKTIF: ("0", "AKTIF"),
    Status.TIDAK_AKTIF: ("98", "TIDAK AKTIF"),
    Status.PENANGGUHAN: ("99", "PENANGGUHAN"),
}

# jenisPeserta by our segment code. VClaim splits PPU PN into PNS/TNI/Polri/pejabat; our
# data does not, so PPU PN answers one code.
SEGMENT_CODES: dict[str, tuple[str, str]] = {
    "PPU_PN": ("2", "PENYELENGGARA NEGARA"),
    "PPU_BU": ("13", "PEGAWAI SWASTA"),
    "PBPU": ("14", "PEKERJA MANDIRI"),
    "BP": ("15", "BUKAN PEKERJA"),
    "PBI_APBN": ("21", "PBI (APBN)"),
    "PBI_APBD": ("22", "PBI (APBD)"),
}

CLASS_NAMES = {1: "KELAS I", 2: "KELAS II", 3: "KELAS III"}

# pisa (hubungan keluarga): 1 peserta, 2 suami, 3 istri, 4 anak, 5 tambahan.
PISA_MAIN, PISA_HUSBAND, PISA_WIFE, PISA_CHILD, PISA_OTHER = "1", "2", "3", "4", "5"


def status_code(result: StatusResult) -> tuple[str, str]:
    return STATUS_CODES.get(result.reason) or STATUS_FALLBACK[Status(result.status)]


def age_text(birth: date, on: date) -> str:
    """ "46 tahun ,10 bulan ,20 hari", the way VClaim writes ages."""
    if on < birth:
        return "0 tahun ,0 bulan ,0 hari"
    years, months, days = on.year - birth.year, on.month - birth.month, on.day - birth.day
    if days < 0:
        months -= 1
        prev_year, prev_month = (on.year, on.month - 1) if on.month > 1 else (on.year - 1, 12)
        days += calendar.monthrange(prev_year, prev_month)[1]
    if months < 0:
        years -= 1
        months += 12
    return f"{years} tahun ,{months} bulan ,{days} hari"


def pisa(*, relationship: str | None, is_main: bool, sex: str) -> str:
    if is_main or relationship == Relationship.HEAD:
        return PISA_MAIN
    if relationship == Relationship.SPOUSE:
        return PISA_HUSBAND if sex == Participant.Sex.MALE else PISA_WIFE
    if relationship == Relationship.CHILD:
        return PISA_CHILD
    return PISA_OTHER


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def peserta_document(
    participant: Participant,
    *,
    result: StatusResult,
    service_date: date,
    today: date,
    asked_by_nik: bool,
    relationship: str | None,
    is_main: bool,
) -> dict[str, Any]:
    """The facility learns no more than it needs: the NIK is shown in full only when it was
    the question, the phone number masked (both as on the portal's eligibility API)."""
    p = participant
    code, label = status_code(result)
    segment_code, segment_label = SEGMENT_CODES.get(p.segment_id, ("0", p.segment.name.upper()))
    end = p.coverage_end or p.date_of_death
    penalty = None
    if result.penalty_until:
        penalty = (
            f"DENDA PELAYANAN RAWAT INAP s.d. {result.penalty_until.isoformat()} "
            f"({result.penalty_months} bulan)"
        )
    return {
        "peserta": {
            "noKartu": p.card_number,
            "nik": (p.nik if asked_by_nik else mask_number(p.nik)) or None,
            "nama": p.name.upper(),
            "sex": p.sex,
            "tglLahir": p.birth_date.isoformat(),
            "pisa": pisa(relationship=relationship, is_main=is_main, sex=p.sex),
            "statusPeserta": {"kode": code, "keterangan": label},
            "jenisPeserta": {"kode": segment_code, "keterangan": segment_label},
            "hakKelas": {"kode": str(p.care_class), "keterangan": CLASS_NAMES[p.care_class]},
            "provUmum": {"kdProvider": p.fktp.code, "nmProvider": p.fktp.name.upper()},
            "tglTMT": p.coverage_start.isoformat(),
            "tglTAT": _iso(end),
            "tglCetakKartu": timezone.localtime(p.created_at).date().isoformat(),
            "umur": {
                "umurSaatPelayanan": age_text(p.birth_date, service_date),
                "umurSekarang": age_text(p.birth_date, today),
            },
            "mr": {"noMR": None, "noTelepon": mask_number(p.phone) or None},
            "informasi": {
                "dinsos": None,
                "noSKTM": None,
                "prolanisPRB": None,
                "dendaPelayanan": penalty,
            },
            "cob": {"noAsuransi": None, "nmAsuransi": None, "tglTMT": None, "tglTAT": None},
        }
    }


def faskes_document(facilities: list[Facility]) -> dict[str, Any]:
    return {"faskes": [{"kode": f.code, "nama": f.name.upper()} for f in facilities]}
