"""Synthetic families for demos and the benchmark: many realistic, valid, deterministic rows.
This module generates them in memory (no queries); `seed` drives it, `references` reads what
it needs, `write` stores a batch.

Synthetic data only, never production: every family head gets a login whose password is the
documented demo password, and all of them share ONE precomputed Argon2 hash (hashing 100000
times would take hours; verification still works per user, since the salt is in the hash).

What makes the rows valid and the run repeatable:
- NIKs are built from real districts (level-3 Region rows) and the person's birth date, with
  +40 on the day for women (DESIGN.md 4.2); the serial is the next free one for that district
  and date, checked against the NIKs and usernames already stored.
- KK numbers are district(6) + issue date DDMMYY + serial(4), unique, and so are their virtual
  accounts (VA_PREFIX + the KK's last 11 digits), checked the same way.
- Card numbers live in a range reserved for synthetic data: "9" + family index (10 digits) +
  member index (2 digits), member 00 being the head. Counting the heads in that range tells
  how many synthetic families exist, so a second run with the same count creates nothing.
- Family `i` draws everything from its own random generator seeded with (seed, i): the same
  seed gives the same families, whether they are created in one run or in several.
- Rows are written with `bulk_create` (ids come back on PostgreSQL and SQLite), one
  transaction per batch of families. bulk_create writes no simple-history rows and no
  StatusChange rows; the status columns are filled from `derive_status` so lists are right.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from faker import Faker

from core.errors import DomainError
from core.nik import make_nik
from families.models import Relationship
from families.services import family_virtual_account
from participants.models import Participant, Segment
from participants.status import month_index, month_start

SYNTHETIC_PASSWORD = "Jkn-demo-2026"  # noqa: S105 - documented demo password, synthetic data only
CARD_PREFIX = "9"
HEAD_CARD_REGEX = r"^9[0-9]{10}00$"
FAMILIES_PER_TRANSACTION = 2000
# JKN started on 1 January 2014: no coverage before it.
JKN_START = date(2014, 1, 1)

# Rough national mix (BPJS Kesehatan 2024 figures, rounded): PBI is half of all participants.
SEGMENT_WEIGHTS = {
    "PBI_APBN": 35,
    "PBI_APBD": 15,
    "PBPU": 30,
    "PPU_BU": 12,
    "PPU_PN": 5,
    "BP": 3,
}
FAMILY_SIZE_WEIGHTS = {1: 10, 2: 15, 3: 22, 4: 25, 5: 15, 6: 8, 7: 5}
SELF_PAID_CLASS_WEIGHTS = {1: 20, 2: 25, 3: 55}
# Share of family members whose NIK was issued in another district (they moved).
MOVED_SHARE = 0.25
PHONE_PREFIXES = (
    "0811",
    "0812",
    "0813",
    "0821",
    "0822",
    "0852",
    "0853",
    "0857",
    "0877",
    "0878",
    "0881",
    "0895",
    "0896",
)
REGENCY_PREFIXES = ("Kabupaten ", "Kota Administrasi ", "Kota ", "Kab. ")


@dataclass
class _References:
    """Everything the generator reads from the database, loaded with a few queries."""

    facilities: list[tuple[int, int, str]]  # (facility id, branch id, regency code)
    districts: list[str]
    districts_by_regency: dict[str, list[str]]
    district_names: dict[str, str]
    district_regency: dict[str, str]
    regency_names: dict[str, str]
    segments: dict[str, Segment]


@dataclass
class _Taken:
    """Numbers already in use (stored or generated in this run)."""

    niks: set[str] = field(default_factory=set)
    kk_numbers: set[str] = field(default_factory=set)
    virtual_accounts: set[str] = field(default_factory=set)


@dataclass
class _Person:
    relationship: str
    name: str
    sex: str
    birth_date: date
    nik: str = ""
    birth_place: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class _Family:
    index: int
    district: str
    kk_number: str
    address: str
    issued_on: date
    facility_id: int
    branch_id: int
    segment_code: str
    care_class: int
    salary: int | None
    coverage_start: date
    paid_through: date | None
    members: list[_Person]


# --- generating one family (pure Python, no queries) ------------------------------------------


K = TypeVar("K")


def _weighted(rng: random.Random, weights: dict[K, int]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _birth_date(rng: random.Random, *, age: int, today: date) -> date:
    """A birth date that makes the person `age` years old today."""
    latest = today.toordinal() - age * 365 - (age // 4)
    return date.fromordinal(latest - rng.randint(0, 364))


def _make_family(
    index: int,
    rng: random.Random,
    fake: Faker,
    refs: _References,
    taken: _Taken,
    today: date,
) -> _Family:
    facility_id, branch_id, regency = rng.choice(refs.facilities)
    # Families live in the regency of their FKTP (a facility serves its neighbourhood).
    district = rng.choice(refs.districts_by_regency.get(regency) or refs.districts)
    members = _make_members(rng, fake, today)
    for person in members:
        _assign_nik(person, rng, refs, taken, family_district=district)
        regency_name = refs.regency_names.get(refs.district_regency[person.nik[:6]], "")
        person.birth_place = _place_name(regency_name)
    head = members[0]
    head.phone = f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**7, 10**8)}"
    if rng.random() < 0.4:
        given = next(w for w in head.name.split() if not w.endswith("."))
        head.email = f"{given.lower().strip(',')}.{index}@example.com"

    segment_code = _weighted(rng, SEGMENT_WEIGHTS)
    care_class, salary = _class_and_salary(rng, segment_code)
    paid_through = _paid_through(rng, segment_code, today)
    # Coverage began on the 1st of a month after JKN started and after the head came of age,
    # and no later than the month paid through (someone in arrears was covered before).
    earliest = max(month_index(JKN_START), month_index(head.birth_date) + 18 * 12 + 1)
    latest = (
        min(month_index(today), month_index(paid_through)) if paid_through else (month_index(today))
    )
    coverage_start = month_start(rng.randint(min(earliest, latest), latest))

    youngest = max(p.birth_date for p in members)
    # The KK is reissued when a child is born: its date is after the youngest member's birth.
    issued_on = date.fromordinal(
        rng.randint(max(youngest.toordinal(), today.toordinal() - 15 * 365), today.toordinal())
    )
    kk_number = _assign_kk_number(rng, taken, district=district, issued_on=issued_on)
    rt, rw = rng.randint(1, 15), rng.randint(1, 12)
    address = (
        f"{fake.street_address()}, RT {rt:03d}/RW {rw:03d}, Kec. {refs.district_names[district]}, "
        f"{refs.regency_names.get(refs.district_regency[district], '')}"
    )[:255]
    return _Family(
        index=index,
        district=district,
        kk_number=kk_number,
        address=address,
        issued_on=issued_on,
        facility_id=facility_id,
        branch_id=branch_id,
        segment_code=segment_code,
        care_class=care_class,
        salary=salary,
        coverage_start=coverage_start,
        paid_through=paid_through,
        members=members,
    )


def _make_members(rng: random.Random, fake: Faker, today: date) -> list[_Person]:
    size = _weighted(rng, FAMILY_SIZE_WEIGHTS)
    male, female = Participant.Sex.MALE, Participant.Sex.FEMALE

    def person(relationship: str, sex: str, age: int) -> _Person:
        return _Person(
            relationship,
            _name(fake, rng, sex=sex, age=age),
            sex,
            _birth_date(rng, age=age, today=today),
        )

    if size == 1:
        # Young people living alone, and widowed elders (more often women).
        age = rng.choice([rng.randint(19, 35), rng.randint(55, 85)])
        sex = female if (age > 50 and rng.random() < 0.65) or rng.random() < 0.35 else male
        return [person(Relationship.HEAD, sex, age)]

    has_spouse = size == 2 or rng.random() < 0.88
    has_elder = size >= 5 and rng.random() < 0.25
    children = size - 1 - int(has_spouse) - int(has_elder)
    head_age = rng.randint(22, 78) if children == 0 else rng.randint(24, 58)
    head_sex = male if has_spouse and rng.random() < 0.96 else rng.choice([male, female])
    members = [person(Relationship.HEAD, head_sex, head_age)]
    youngest_parent_age = head_age
    if has_spouse:
        spouse_sex = female if head_sex == male else male
        gap = rng.randint(-2, 8)
        spouse_age = max(19, head_age - gap if head_sex == male else head_age + gap)
        members.append(person(Relationship.SPOUSE, spouse_sex, spouse_age))
        youngest_parent_age = min(head_age, spouse_age)
    # Children: the first born when the younger parent was 20-30, then one every 1-5 years.
    child_age = youngest_parent_age - rng.randint(20, 30)
    for _ in range(children):
        child_age = max(child_age, 0)
        members.append(person(Relationship.CHILD, rng.choice([male, female]), child_age))
        child_age -= rng.randint(1, 5)
    if has_elder:
        # A widowed parent of the head, living with the family.
        elder_age = min(95, head_age + rng.randint(20, 35))
        elder_sex = female if rng.random() < 0.7 else male
        members.append(person(Relationship.OTHER, elder_sex, elder_age))
    return members


def _name(fake: Faker, rng: random.Random, *, sex: str, age: int) -> str:
    """Indonesian names: often one or two given names, a family name in some regions, and for
    some adults a title (H., Hj., Ir., ...) or a degree (S.E., M.M., ...)."""
    female = sex == Participant.Sex.FEMALE
    parts = [fake.first_name_female() if female else fake.first_name_male()]
    roll = rng.random()
    if roll < 0.25:
        parts.append(fake.first_name_female() if female else fake.first_name_male())
    if roll > 0.15:
        parts.append(fake.last_name_female() if female else fake.last_name_male())
    if age >= 30 and rng.random() < 0.05:
        parts.insert(0, fake.prefix_female() if female else fake.prefix_male())
    name = " ".join(parts)
    if age >= 23 and rng.random() < 0.08:
        name = f"{name}, {fake.suffix()}"
    return name


def _assign_nik(
    person: _Person, rng: random.Random, refs: _References, taken: _Taken, *, family_district: str
) -> None:
    district = family_district
    if person.relationship != Relationship.CHILD and rng.random() < MOVED_SHARE:
        district = rng.choice(refs.districts)
    is_female = person.sex == Participant.Sex.FEMALE
    # Dukcapil numbers people born on the same day in the same district 0001, 0002, ...
    for serial in range(1, 10_000):
        nik = make_nik(
            district_code=district, birth_date=person.birth_date, is_female=is_female, serial=serial
        )
        if nik not in taken.niks:
            taken.niks.add(nik)
            person.nik = nik
            return
    raise DomainError(f"No free NIK serial for {district} {person.birth_date}.", code="NIK_FULL")


def _assign_kk_number(rng: random.Random, taken: _Taken, *, district: str, issued_on: date) -> str:
    day = issued_on
    while True:
        stem = f"{district}{day:%d%m%y}"
        for serial in range(1, 10_000):
            number = f"{stem}{serial:04d}"
            va = family_virtual_account(kk_number=number)
            if number not in taken.kk_numbers and va not in taken.virtual_accounts:
                taken.kk_numbers.add(number)
                taken.virtual_accounts.add(va)
                return number
        day -= timedelta(days=1)


def _place_name(regency_name: str) -> str:
    for prefix in REGENCY_PREFIXES:
        if regency_name.startswith(prefix):
            return regency_name[len(prefix) :][:60]
    return regency_name[:60]


def _class_and_salary(rng: random.Random, segment_code: str) -> tuple[int, int | None]:
    if segment_code in ("PBI_APBN", "PBI_APBD"):
        return 3, None
    if segment_code in ("PPU_PN", "PPU_BU"):
        # Monthly wage in rupiah, rounded to Rp50.000: a long right tail, floor near the
        # lowest regional minimum wage.
        median = 5_500_000 if segment_code == "PPU_PN" else 4_800_000
        salary = max(2_200_000, int(rng.lognormvariate(0, 0.5) * median) // 50_000 * 50_000)
        # Perpres 82/2018 Pasal 23: class II up to Rp4.000.000 a month, class I above.
        return (2 if salary <= 4_000_000 else 1), salary
    return _weighted(rng, SELF_PAID_CLASS_WEIGHTS), None


def _paid_through(rng: random.Random, segment_code: str, today: date) -> date | None:
    """First day of the last paid month: most families are paid up, some owe 1-3 months,
    a few stopped paying about 30 months ago."""
    current = month_index(today)
    if segment_code in ("PBI_APBN", "PBI_APBD"):
        return month_start(current)  # the government pays every month
    roll = rng.random()
    if segment_code in ("PPU_PN", "PPU_BU"):
        if roll < 0.93:
            return month_start(current)
        if roll < 0.98:
            return month_start(current - 1)  # employer pays by the 10th
        return month_start(current - 1 - rng.randint(1, 3))
    if roll < 0.60:
        return month_start(current)
    if roll < 0.68:
        return month_start(current + rng.randint(1, 3))  # paid ahead
    if roll < 0.82:
        return month_start(current - 1)  # this month still due
    if roll < 0.96:
        return month_start(current - 1 - rng.randint(1, 3))
    return month_start(current - 1 - rng.randint(26, 34))
