"""The demo's fixed identities that the README lists and demos rely on (DESIGN.md 6): branch
offices, FKTP facilities and the demo families with their stories. Data only; `demo.seed`
writes it, each app's part in `demo.parts`.

Dates are relative to the day of the first run (arrears of 1 and 30 months, a reactivation 10
days ago, a newborn 12 days old) and are kept on later runs.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from core.nik import make_nik
from families.models import Relationship
from participants.models import CoverageEndReason, RegistryHold
from participants.status import month_index, month_start

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
    district: str = ""  # empty: the family's district (DemoFamily fills it in)
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

    def __post_init__(self) -> None:
        # Every member's NIK was issued where the family lives, unless the member says otherwise.
        for member in self.members:
            member.district = member.district or self.district

    @property
    def district(self) -> str:
        """A KK number starts with the code of the district (kecamatan) that issued it."""
        return self.kk_number[:6]


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
            "AKTIF members, a Dukcapil name mismatch, a paid newborn without NIK (AKTIF, "
            "note NIK belum terbit)",
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
                    "Rudi Hartono", date(1975, 5, 10), "L", Relationship.HEAD, 7, login=True
                ),
                DemoMember("Yuliana Hartono", date(1978, 8, 30), "P", Relationship.SPOUSE, 4),
                DemoMember(
                    "Kevin Hartono",
                    date(2001, 11, 2),
                    "L",
                    Relationship.CHILD,
                    9,
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
                    "Hendra Gunawan", date(1970, 4, 4), "L", Relationship.HEAD, 12, login=True
                ),
                DemoMember("Lina Marlina", date(1972, 12, 12), "P", Relationship.SPOUSE, 5),
                DemoMember(
                    "Sutrisno",
                    date(1942, 6, 1),
                    "L",
                    Relationship.OTHER,
                    2,
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
                    "Fajar Nugroho", date(1990, 10, 5), "L", Relationship.HEAD, 31, login=True
                ),
                DemoMember("Rina Kusuma", date(1992, 1, 25), "P", Relationship.SPOUSE, 8),
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
                    "Slamet Riyadi", date(1968, 2, 14), "L", Relationship.HEAD, 40, login=True
                ),
                DemoMember("Sumarni", date(1971, 6, 6), "P", Relationship.SPOUSE, 13),
                DemoMember(
                    "Wahyu Riyadi",
                    date(1999, 3, 3),
                    "L",
                    Relationship.CHILD,
                    22,
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
                    login=True,
                    facts={"salary": 9_500_000},
                ),
                DemoMember("Nadia Putri", date(1987, 4, 20), "P", Relationship.SPOUSE, 17),
                DemoMember("Raka Hakim", date(2015, 9, 9), "L", Relationship.CHILD, 6),
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
        DemoFamily(
            9,
            "3174011203200009",
            "KC0901",
            "0901P001",
            "Jl. Tebet Timur Dalam VI No. 2, Tebet, Jakarta Selatan",
            "PBPU",
            3,
            [
                DemoMember(
                    "Yusuf Maulana", date(1979, 5, 12), "L", Relationship.HEAD, 71, login=True
                ),
                DemoMember("Rina Marlina", date(1982, 8, 30), "P", Relationship.SPOUSE, 71),
                DemoMember(
                    "Putri Maulana",
                    date(2011, 10, 3),
                    "P",
                    Relationship.CHILD,
                    71,
                    facts={"segment": "PBI_APBN", "paid_through": None},
                ),
            ],
            {"paid_through": month_start(cur - 1)},
            "a mixed-segment KK: PBPU parents billed Rp70.000, a PBI child never on their bill",
        ),
        DemoFamily(
            10,
            "3174021504210010",
            "KC0901",
            "0901P002",
            "Jl. Setiabudi Tengah No. 9, Setiabudi, Jakarta Selatan",
            "PBPU",
            1,
            [
                DemoMember(
                    "Dimas Anggara", date(1994, 2, 14), "L", Relationship.HEAD, 72, login=True
                ),
                DemoMember("Laras Sekar", date(1996, 6, 6), "P", Relationship.SPOUSE, 72),
            ],
            {"paid_through": None, "coverage_start": today - timedelta(days=3)},
            "a new registrant awaiting the first payment (TIDAK AKTIF, Rp300.000 and the VA)",
        ),
        DemoFamily(
            11,
            "3174032006220011",
            "KC0901",
            "0901P003",
            "Jl. Mampang Prapatan XIV No. 21, Mampang Prapatan, Jakarta Selatan",
            "PBPU",
            2,
            [
                DemoMember(
                    "Wahyu Hidayat", date(1977, 12, 1), "L", Relationship.HEAD, 73, login=True
                ),
                DemoMember("Sri Wahyuni", date(1980, 4, 4), "P", Relationship.SPOUSE, 73),
            ],
            {
                "paid_through": month_start(cur - 1),
                "reactivated_on": month_start(cur) - timedelta(days=3),
                "reactivation_arrears_months": 4,
            },
            "reactivated late last month, this month due: the due payment and the denda note",
        ),
    ]


def card_number(family_key: int, member_index: int) -> str:
    # Demo card numbers start with 0001: synthetic benchmark data uses another range.
    return f"00010{family_key:02d}{member_index:02d}0000"


def demo_logins(today: date | None = None) -> list[tuple[str, str]]:
    """(NIK, story) of every demo participant login, for the README and tests."""
    logins = []
    for family in demo_families(today or timezone.localdate()):
        head = next(m for m in family.members if m.login)
        assert head.nik is not None  # a login's username is its NIK
        logins.append((head.nik, family.story))
    return logins
