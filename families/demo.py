"""Demo data: fixed identities that the README lists and demos rely on (DESIGN.md 6).

Idempotent: every row is found by its natural key (branch code, FKTP code, username, card
number, KK number) before it is created, so running it again changes nothing. Dates are
relative to the day of the first run (arrears of 1 and 30 months, a reactivation 10 days ago,
a newborn 12 days old) and are kept on later runs.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from core.factories import DEMO_PASSWORD
from core.models import STAFF_GROUP_NAME, BranchOffice, Region, User
from core.nik import make_nik
from participants.models import (
    Cause,
    CoverageEndReason,
    Facility,
    Participant,
    RegistryHold,
    Segment,
)
from participants.services import participant_refresh_status
from participants.status import month_index, month_start

from .models import FamilyCard, Relationship
from .services import family_card_create, family_members_set

HEAD_NIK = "3174010101800001"

BRANCHES = [
    ("KC0901", "KC Jakarta Selatan", "3174"),
    ("KC1001", "KC Bogor", "3201"),
]

# (code, name, kind, district, branch code)
FACILITIES = [
    ("0901P001", "Puskesmas Kecamatan Tebet", "PUSKESMAS", "317401", "KC0901"),
    ("0901P002", "Puskesmas Kecamatan Setiabudi", "PUSKESMAS", "317402", "KC0901"),
    ("0901P003", "Puskesmas Kecamatan Mampang Prapatan", "PUSKESMAS", "317403", "KC0901"),
    ("0901P004", "Puskesmas Kecamatan Pasar Minggu", "PUSKESMAS", "317404", "KC0901"),
    ("0901K001", "Klinik Pratama Sehat Tebet", "KLINIK", "317401", "KC0901"),
    ("0901D001", "dr. Ratna Wulandari (Dokter Keluarga)", "DOKTER", "317406", "KC0901"),
    ("1001P001", "Puskesmas Cibinong", "PUSKESMAS", "320101", "KC1001"),
    ("1001P002", "Puskesmas Gunung Putri", "PUSKESMAS", "320102", "KC1001"),
    ("1001P003", "Puskesmas Citeureup", "PUSKESMAS", "320103", "KC1001"),
    ("1001K001", "Klinik Pratama Medika Sukaraja", "KLINIK", "320104", "KC1001"),
    ("1001D001", "dr. Agus Salim (Dokter Keluarga)", "DOKTER", "320106", "KC1001"),
]


@dataclass
class DemoMember:
    name: str
    birth: date
    sex: str
    relationship: str
    serial: int = 1
    district: str = "317401"
    has_nik: bool = True
    login: bool = False
    registry_name: str | None = None  # differs from ours: a deliberate Dukcapil mismatch
    in_registry: bool = True
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def nik(self) -> str | None:
        if not self.has_nik:
            return None
        return make_nik(
            district_code=self.district,
            birth_date=self.birth,
            is_female=self.sex == "P",
            serial=self.serial,
        )


@dataclass
class DemoFamily:
    key: int
    kk_number: str
    branch: str
    fktp: str
    address: str
    segment: str
    care_class: int
    members: list[DemoMember]
    family_facts: dict[str, object] = field(default_factory=dict)
    story: str = ""


def demo_families(today: date) -> list[DemoFamily]:
    cur = month_index(today)
    paid_now = month_start(cur)
    newborn = today - timedelta(days=12)
    return [
        DemoFamily(
            1,
            "3174011503100001",
            "KC0901",
            "0901P001",
            "Jl. Tebet Barat Dalam II No. 14, Tebet, Jakarta Selatan",
            "PBPU",
            2,
            [
                DemoMember("Budi Santoso", date(1980, 1, 1), "L", Relationship.HEAD, 1, login=True),
                DemoMember("Siti Rahayu", date(1983, 3, 15), "P", Relationship.SPOUSE, 1),
                DemoMember("Andi Pratama Santoso", date(2008, 7, 21), "L", Relationship.CHILD, 3),
                DemoMember(
                    "Dewi Lestari",
                    date(2012, 2, 9),
                    "P",
                    Relationship.CHILD,
                    2,
                    registry_name="Dewi Lestari Santoso",
                    facts={
                        "registry_hold": RegistryHold.DUKCAPIL_MISMATCH,
                        "hold_note": "nama di Dukcapil: DEWI LESTARI SANTOSO",
                    },
                ),
                DemoMember(
                    "Bayi Ny. Siti Rahayu",
                    newborn,
                    "L",
                    Relationship.CHILD,
                    has_nik=False,
                    in_registry=False,
                ),
            ],
            {"paid_through": paid_now},
            "AKTIF members, a Dukcapil name mismatch, a newborn without NIK",
        ),
        DemoFamily(
            2,
            "3174021002150002",
            "KC0901",
            "0901P002",
            "Jl. Karet Pasar Baru Barat V No. 3, Setiabudi, Jakarta Selatan",
            "PBPU",
            3,
            [
                DemoMember(
                    "Rudi Hartono",
                    date(1975, 5, 10),
                    "L",
                    Relationship.HEAD,
                    7,
                    district="317402",
                    login=True,
                ),
                DemoMember(
                    "Yuliana Hartono",
                    date(1978, 8, 30),
                    "P",
                    Relationship.SPOUSE,
                    4,
                    district="317402",
                ),
                DemoMember(
                    "Kevin Hartono",
                    date(2001, 11, 2),
                    "L",
                    Relationship.CHILD,
                    9,
                    district="317402",
                    in_registry=False,
                    facts={"registry_hold": RegistryHold.NIK_NOT_FOUND},
                ),
            ],
            {"paid_through": month_start(cur - 2)},
            "arrears of 1 month (TIDAK AKTIF), a NIK unknown to Dukcapil",
        ),
        DemoFamily(
            3,
            "3201012004180003",
            "KC1001",
            "1001P001",
            "Kp. Pabuaran RT 02/RW 05, Cibinong, Kabupaten Bogor",
            "PBPU",
            1,
            [
                DemoMember(
                    "Hendra Gunawan",
                    date(1970, 4, 4),
                    "L",
                    Relationship.HEAD,
                    12,
                    district="320101",
                    login=True,
                ),
                DemoMember(
                    "Lina Marlina",
                    date(1972, 12, 12),
                    "P",
                    Relationship.SPOUSE,
                    5,
                    district="320101",
                ),
                DemoMember(
                    "Sutrisno",
                    date(1942, 6, 1),
                    "L",
                    Relationship.OTHER,
                    2,
                    district="320101",
                    facts={"date_of_death": today - timedelta(days=40)},
                ),
            ],
            {"paid_through": month_start(cur - 31)},
            "arrears of 30 months (24 are charged), a deceased member",
        ),
        DemoFamily(
            4,
            "3201022206190004",
            "KC1001",
            "1001P002",
            "Perum Griya Bukit Jaya Blok C2 No. 7, Gunungputri, Kabupaten Bogor",
            "BP",
            3,
            [
                DemoMember(
                    "Agus Setiawan",
                    date(1988, 9, 17),
                    "L",
                    Relationship.HEAD,
                    21,
                    district="320102",
                    login=True,
                    facts={
                        "registry_hold": RegistryHold.DUPLICATE_NIK,
                        "hold_note": "NIK yang sama juga tercatat pada kartu 0001099010000.",
                    },
                ),
            ],
            {"paid_through": paid_now},
            "a duplicate NIK (PENANGGUHAN)",
        ),
        DemoFamily(
            5,
            "3174030105200005",
            "KC0901",
            "0901P003",
            "Jl. Kapten Tendean No. 21, Mampang Prapatan, Jakarta Selatan",
            "PBPU",
            2,
            [
                DemoMember(
                    "Fajar Nugroho",
                    date(1990, 10, 5),
                    "L",
                    Relationship.HEAD,
                    31,
                    district="317403",
                    login=True,
                ),
                DemoMember(
                    "Rina Kusuma", date(1992, 1, 25), "P", Relationship.SPOUSE, 8, district="317403"
                ),
            ],
            {
                "paid_through": paid_now,
                "reactivated_on": today - timedelta(days=10),
                "reactivation_arrears_months": 4,
            },
            "reactivated 10 days ago: AKTIF with the DENDA PELAYANAN note",
        ),
        DemoFamily(
            6,
            "3201031708160006",
            "KC1001",
            "1001P003",
            "Kp. Gunung Sari RT 01/RW 03, Citeureup, Kabupaten Bogor",
            "PBI_APBN",
            3,
            [
                DemoMember(
                    "Slamet Riyadi",
                    date(1968, 2, 14),
                    "L",
                    Relationship.HEAD,
                    40,
                    district="320103",
                    login=True,
                ),
                DemoMember(
                    "Sumarni", date(1971, 6, 6), "P", Relationship.SPOUSE, 13, district="320103"
                ),
                DemoMember(
                    "Wahyu Riyadi",
                    date(1999, 3, 3),
                    "L",
                    Relationship.CHILD,
                    22,
                    district="320103",
                    facts={
                        "coverage_end": month_start(cur - 1) - timedelta(days=1),
                        "coverage_end_reason": CoverageEndReason.PBI_DELISTED,
                    },
                ),
            ],
            {},
            "a PBI family (state pays), one member removed from the PBI list",
        ),
        DemoFamily(
            7,
            "3174040309170007",
            "KC0901",
            "0901P004",
            "Jl. Raya Ragunan No. 45, Pasar Minggu, Jakarta Selatan",
            "PPU_BU",
            1,
            [
                DemoMember(
                    "Irfan Hakim",
                    date(1985, 11, 11),
                    "L",
                    Relationship.HEAD,
                    50,
                    district="317404",
                    login=True,
                    facts={"salary": 9_500_000},
                ),
                DemoMember(
                    "Nadia Putri",
                    date(1987, 4, 20),
                    "P",
                    Relationship.SPOUSE,
                    17,
                    district="317404",
                ),
                DemoMember(
                    "Raka Hakim", date(2015, 9, 9), "L", Relationship.CHILD, 6, district="317404"
                ),
            ],
            {"paid_through": paid_now},
            "a PPU family (employer pays)",
        ),
        DemoFamily(
            8,
            "3174061211150008",
            "KC0901",
            "0901D001",
            "Jl. Cilandak KKO No. 8, Cilandak, Jakarta Selatan",
            "PPU_PN",
            1,
            [
                DemoMember(
                    "Bambang Sudarsono",
                    date(1964, 8, 17),
                    "L",
                    Relationship.HEAD,
                    60,
                    district="317406",
                    login=True,
                    facts={
                        "salary": 7_000_000,
                        "coverage_end": month_start(cur - 2) - timedelta(days=1),
                        "coverage_end_reason": CoverageEndReason.SEGMENT_ENDED,
                    },
                ),
            ],
            {"paid_through": month_start(cur - 3)},
            "a civil servant whose PPU membership ended (SEGMENT_ENDED)",
        ),
    ]


def card_number(family_key: int, member_index: int) -> str:
    # Demo card numbers start with 0001: synthetic benchmark data uses another range.
    return f"00010{family_key:02d}{member_index:02d}0000"


def _user(username: str, *, role: str, branch: BranchOffice | None = None, **extra) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, branch=branch, **extra)
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def seed_demo(*, today: date | None = None, log: Callable[[str], None] = print) -> None:
    today = today or timezone.localdate()
    branches = {}
    for code, name, regency in BRANCHES:
        branches[code], _ = BranchOffice.objects.get_or_create(
            code=code, defaults={"name": name, "regency_id": regency}
        )
    facilities = {}
    for code, name, kind, district, branch in FACILITIES:
        facilities[code], _ = Facility.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "district_id": district,
                "branch": branches[branch],
            },
        )
    log(f"branches: {len(branches)}, FKTP: {len(facilities)}")

    staff_group = Group.objects.filter(name=STAFF_GROUP_NAME).first()
    for username, branch in (("staff_jaksel", "KC0901"), ("staff_bogor", "KC1001")):
        staff = _user(username, role=User.Role.STAFF, branch=branches[branch], is_staff=True)
        if staff_group:
            staff.groups.add(staff_group)
    _user("faskes_demo", role=User.Role.FACILITY)
    _user("admin", role=User.Role.ADMIN, is_staff=True, is_superuser=True)

    segments = {s.code: s for s in Segment.objects.all()}
    created = 0
    for fam in demo_families(today):
        if FamilyCard.objects.filter(number=fam.kk_number).exists():
            continue
        branch = branches[fam.branch]
        card = family_card_create(
            number=fam.kk_number,
            branch=branch,
            district=Region.objects.get(code=fam.kk_number[:6]),
            address=fam.address,
        )
        rows = []
        for i, m in enumerate(fam.members, start=1):
            user = _user(m.nik, role=User.Role.PARTICIPANT) if m.login and m.nik else None
            facts = {**fam.family_facts, **m.facts}
            p = Participant.objects.create(
                card_number=card_number(fam.key, i),
                nik=m.nik,
                name=m.name,
                birth_place="Jakarta" if fam.branch == "KC0901" else "Bogor",
                birth_date=m.birth,
                sex=m.sex,
                segment=segments[fam.segment],
                care_class=fam.care_class,
                fktp=facilities[fam.fktp],
                branch=branch,
                user=user,
                coverage_start=m.birth if not m.has_nik else date(2018, 1, 1),
                **facts,
            )
            rows.append((p, m.relationship))
        family_members_set(family=card, members=rows, valid_from=date(2018, 1, 1))
        for p, _rel in rows:
            participant_refresh_status(participant=p, cause=Cause.REGISTRATION)
        created += 1
    _seed_duplicate_record(segments=segments, facilities=facilities, branches=branches)
    log(f"demo families created: {created} (of {len(demo_families(today))})")
    _seed_registry(today=today, log=log)
    _seed_payments(today=today, log=log)


def _seed_duplicate_record(*, segments, facilities, branches) -> None:
    """The older record behind demo family 4's DUPLICATE_NIK: retired, same NIK."""
    if Participant.objects.filter(card_number="0001099010000").exists():
        return
    keep = Participant.objects.get(card_number=card_number(4, 1))
    Participant.objects.create(
        card_number="0001099010000",
        nik=keep.nik,
        name=keep.name.upper(),
        birth_place=keep.birth_place,
        birth_date=keep.birth_date,
        sex=keep.sex,
        segment=segments["PBPU"],
        care_class=3,
        fktp=facilities["1001P002"],
        branch=branches["KC1001"],
        coverage_start=date(2016, 1, 1),
        paid_through=date(2017, 6, 1),
        retired_at=timezone.now(),
        merged_into=keep,
        status="TIDAK_AKTIF",
        status_reason="DUPLICATE_NIK",
    )


def _seed_registry(*, today: date, log: Callable[[str], None]) -> None:
    """The mock Dukcapil registry holds the same people, except the deliberate mismatches.
    On the embedded default it shares this database; in production it seeds itself."""
    try:
        from dukcapil_sync.registry import services as registry
    except ImportError:  # registry not installed in this deployment
        log("registry: not embedded, skipped")
        return
    count = 0
    for fam in demo_families(today):
        listed = []
        for m in fam.members:
            if not m.nik or not m.in_registry:
                continue
            death = m.facts.get("date_of_death")
            registry.registry_upsert_person(
                nik=m.nik,
                name=(m.registry_name or m.name).upper(),
                birth_place="JAKARTA" if fam.branch == "KC0901" else "BOGOR",
                birth_date=m.birth,
                sex=m.sex,
                address=fam.address.upper(),
                is_alive=death is None,
                date_of_death=death,
            )
            listed.append((m.nik, str(m.relationship)))
            count += 1
        registry.registry_upsert_family(
            kk_number=fam.kk_number,
            address=fam.address.upper(),
            district_code=fam.kk_number[:6],
            members=listed,
            valid_from=date(2018, 1, 1),
        )
    log(f"registry: {count} people on {len(demo_families(today))} KK")


def demo_logins(today: date | None = None) -> list[tuple[str, str]]:
    """(NIK, story) of every demo participant login, for the README and tests."""
    return [
        (next(m.nik for m in f.members if m.login), f.story)
        for f in demo_families(today or timezone.localdate())
    ]


def _seed_payments(*, today: date, log: Callable[[str], None]) -> None:
    """Bills of the demo families' unpaid months and the demo payment channels. Payments
    depends on families, never the reverse: imported here, at run time, like the registry."""
    try:
        from payments.demo import seed_demo_payments
    except ImportError:  # payments not installed in this deployment
        log("payments: not installed, skipped")
        return
    seed_demo_payments(kk_numbers=[f.kk_number for f in demo_families(today)], today=today, log=log)
