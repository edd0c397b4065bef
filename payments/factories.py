"""Factories and builders for payments tests (factory-boy; SubFactory across apps).

`signed` makes a notification exactly as a bank would send it; `bulk_families` writes many
families with `bulk_create` for the job tests, where factories would be too slow."""

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.factories import BranchOfficeFactory, region
from core.models import BranchOffice
from core.nik import make_nik
from families.factories import family_with_members
from families.models import FamilyCard, FamilyMembership, Relationship
from families.services import family_virtual_account
from participants.factories import FacilityFactory, months_ago
from participants.models import Facility, Participant, Segment

from .models import PaymentChannel
from .services import sign


class PaymentChannelFactory(DjangoModelFactory[PaymentChannel]):
    class Meta:
        model = PaymentChannel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"BANK_T{n:03d}")
    name = factory.Sequence(lambda n: f"Bank Uji {n}")
    secret = factory.LazyFunction(lambda: secrets.token_hex(32))


def family_in_arrears(
    *, months: int, size: int = 3, on: date | None = None, **participant_kwargs
) -> FamilyCard:
    """A family whose members paid up to `months` + 1 months ago: `months` months of arrears
    (0: only this month is due)."""
    return family_with_members(
        size=size, paid_through=months_ago(months + 1, on), **participant_kwargs
    )


@dataclass(frozen=True)
class Signed:
    headers: dict[str, str]
    body: bytes

    def client_headers(self) -> dict[str, str]:
        """For django.test.Client: HTTP_X_... keyword arguments."""
        return {"HTTP_" + k.upper().replace("-", "_"): v for k, v in self.headers.items()}


def notification_body(
    *,
    virtual_account: str,
    amount: int,
    transaction_id: str = "TX-0001",
    paid_at: datetime | None = None,
) -> bytes:
    paid = paid_at or timezone.now()
    return json.dumps(
        {
            "transaction_id": transaction_id,
            "virtual_account": virtual_account,
            "amount": amount,
            "paid_at": timezone.localtime(paid).isoformat(timespec="seconds"),
        }
    ).encode()


def signed(
    channel: PaymentChannel,
    body: bytes,
    *,
    at: datetime | None = None,
    secret: str | None = None,
) -> Signed:
    timestamp = str(int((at or timezone.now()).timestamp()))
    signature = sign(secret=secret or channel.secret, timestamp=timestamp, raw_body=body)
    return Signed(
        {"X-Channel-Id": channel.code, "X-Timestamp": timestamp, "X-Signature": signature},
        body,
    )


def ensure_minimum_wages() -> None:
    """Transactional tests flush the table the migrations filled: load it again."""
    from importlib import import_module

    from participants.models import MinimumWage

    if MinimumWage.objects.exists():
        return
    for module in (
        "payments.migrations.0002_minimum_wages_and_staff_permissions",
        "participants.migrations.0004_minimum_wages_2026",
    ):
        migration = import_module(module)
        for code, amount, source in migration.WAGES:
            MinimumWage.objects.update_or_create(
                region_id=code,
                valid_from=migration.VALID_FROM,
                defaults={"monthly_amount": amount, "source": source},
            )


def bulk_families(
    n: int,
    *,
    size: int = 2,
    segment: str = "PBPU",
    care_class: int = 2,
    paid_through: date | None = None,
    salary: int | None = None,
    first: int = 0,
) -> list[FamilyCard]:
    """`n` families of `size` members written with bulk_create (fast; no history rows), with
    their status columns left at the defaults. Card numbers start with 8 + `first`."""
    branch: BranchOffice = BranchOfficeFactory.create()
    facility: Facility = FacilityFactory.create(branch=branch)
    district = region("317401")
    seg = Segment.objects.get(code=segment)
    families = FamilyCard.objects.bulk_create(
        FamilyCard(
            number=f"3174012001{first + i:06d}",
            branch=branch,
            district=district,
            address=f"Jl. Uji No. {first + i}",
            virtual_account=family_virtual_account(kk_number=f"3174012001{first + i:06d}"),
        )
        for i in range(n)
    )
    people = Participant.objects.bulk_create(
        Participant(
            card_number=f"8{first + i:08d}{k:04d}",
            nik=_nik((first + i) * 16 + k),
            name=f"Peserta Uji {first + i}-{k}",
            birth_date=date(1980 + k, 1, 1),
            sex=Participant.Sex.MALE,
            segment=seg,
            care_class=care_class,
            fktp=facility,
            branch=branch,
            salary=salary if k == 0 else None,
            coverage_start=date(2020, 1, 1),
            paid_through=paid_through,
        )
        for i in range(n)
        for k in range(size)
    )
    FamilyMembership.objects.bulk_create(
        FamilyMembership(
            family=families[idx // size],
            participant=p,
            relationship=Relationship.HEAD if idx % size == 0 else Relationship.CHILD,
            is_main=idx % size == 0,
            valid_from=date(2020, 1, 1),
        )
        for idx, p in enumerate(people)
    )
    return families


def _nik(index: int) -> str:
    # Distinct structurally valid NIKs (district, date, serial); payments never checks them
    # against the birth date, and a null NIK would make the status PENANGGUHAN.
    return make_nik(
        district_code="317401",
        birth_date=date(1950, 1, 1) + timedelta(days=index // 9999),
        is_female=False,
        serial=index % 9999 + 1,
    )
