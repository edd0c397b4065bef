"""Families on the mock registry's KKs that are not yet JKN participants: the README's
"Register a new family" walk-through starts from one of them (data only)."""

from dataclasses import dataclass
from datetime import date

from core.nik import make_nik


@dataclass(frozen=True)
class Newcomer:
    name: str
    birth: date
    sex: str  # L / P
    relationship: str  # the registry's KEPALA, PASANGAN, ANAK, ORANG_TUA, MERTUA, LAINNYA
    date_of_death: date | None = None

    def nik(self, district: str, serial: int) -> str:
        return make_nik(
            district_code=district, birth_date=self.birth, is_female=self.sex == "P", serial=serial
        )


@dataclass(frozen=True)
class NewcomerFamily:
    kk_number: str
    address: str
    story: str
    members: tuple[Newcomer, ...]

    @property
    def district(self) -> str:
        return self.kk_number[:6]

    def people(self) -> list[tuple[str, Newcomer]]:
        # Serials from 9001 keep clear of the demo participants' NIKs.
        return [(m.nik(self.district, 9001 + i), m) for i, m in enumerate(self.members)]


NEWCOMER_FAMILIES = (
    NewcomerFamily(
        kk_number="3174010202260001",
        address="JL. TEBET BARAT DALAM 12, JAKARTA SELATAN",
        story="Hendra Wijaya's family of three: a whole new PBPU family",
        members=(
            Newcomer("HENDRA WIJAYA", date(1985, 8, 17), "L", "KEPALA"),
            Newcomer("MAYA WIJAYA", date(1988, 2, 11), "P", "PASANGAN"),
            Newcomer("NADIA WIJAYA", date(2014, 6, 5), "P", "ANAK"),
        ),
    ),
    NewcomerFamily(
        kk_number="3174010202260002",
        address="JL. KEBON BARU 7, JAKARTA SELATAN",
        story="Agus Pratama's family: his mother is recorded as deceased, so not registered",
        members=(
            Newcomer("AGUS PRATAMA", date(1979, 11, 3), "L", "KEPALA"),
            Newcomer("RINA PRATAMA", date(1982, 4, 21), "P", "PASANGAN"),
            Newcomer("SRI WAHYUNI", date(1950, 1, 9), "P", "ORANG_TUA", date(2025, 6, 30)),
        ),
    ),
    NewcomerFamily(
        kk_number="3201010202260003",
        address="JL. RAYA CIBINONG 45, BOGOR",
        story="Dedi Kurniawan and his son in Cibinong (KC Bogor)",
        members=(
            Newcomer("DEDI KURNIAWAN", date(1990, 3, 15), "L", "KEPALA"),
            Newcomer("FAJAR KURNIAWAN", date(2019, 9, 1), "L", "ANAK"),
        ),
    ),
)
