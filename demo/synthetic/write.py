"""Writing a batch of generated families: users, participants, KK cards and memberships with
bulk_create in one transaction; the status columns filled from `derive_status`."""

from datetime import date, datetime

from django.db import transaction

from core.models import User
from families.models import FamilyCard, FamilyMembership
from families.services import family_virtual_account
from participants.models import Participant
from participants.status import derive_status

from .generate import CARD_PREFIX, _Family, _References


def _write_batch(
    families: list[_Family], refs: _References, password_hash: str, today: date, now: datetime
) -> None:
    users = [
        User(
            username=f.members[0].nik,
            role=User.Role.PARTICIPANT,
            password=password_hash,
            date_joined=now,
        )
        for f in families
    ]
    cards = [
        FamilyCard(
            number=f.kk_number,
            branch_id=f.branch_id,
            district_id=f.district,
            address=f.address,
            virtual_account=family_virtual_account(kk_number=f.kk_number),
        )
        for f in families
    ]
    participants: list[list[Participant]] = []
    for family, user in zip(families, users, strict=True):
        segment = refs.segments[family.segment_code]
        rows = []
        for position, person in enumerate(family.members):
            p = Participant(
                card_number=f"{CARD_PREFIX}{family.index:010d}{position:02d}",
                nik=person.nik,
                name=person.name,
                birth_place=person.birth_place,
                birth_date=person.birth_date,
                sex=person.sex,
                phone=person.phone,
                email=person.email,
                segment=segment,
                care_class=family.care_class,
                fktp_id=family.facility_id,
                branch_id=family.branch_id,
                salary=family.salary if position == 0 else None,
                user=user if position == 0 else None,
                # Members born after the family joined are covered from birth.
                coverage_start=max(family.coverage_start, person.birth_date),
                paid_through=family.paid_through,
            )
            result = derive_status(p, on=today)
            p.status, p.status_reason, p.status_changed_at = result.status, result.reason, now
            rows.append(p)
        participants.append(rows)
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=1000)
        Participant.objects.bulk_create([p for rows in participants for p in rows], batch_size=1000)
        FamilyCard.objects.bulk_create(cards, batch_size=1000)
        FamilyMembership.objects.bulk_create(
            [
                FamilyMembership(
                    family=card,
                    participant=p,
                    relationship=person.relationship,
                    is_main=position == 0,
                    valid_from=family.issued_on,
                )
                for family, card, rows in zip(families, cards, participants, strict=True)
                for position, (p, person) in enumerate(zip(rows, family.members, strict=True))
            ],
            batch_size=1000,
        )
