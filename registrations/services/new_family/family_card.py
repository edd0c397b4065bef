"""The KK step and what follows from it: the family card pulled from Dukcapil and, per person,
who must register with the family; each member's contact and FKTP; the class and its quote."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from core.models import BranchOffice, Region
from core.nik import validate_kk_number
from families.models import FamilyCard
from participants.models import Participant

from ...models import Registration
from ...registry import family_pull
from ...selectors import facilities_near, family_monthly_quote
from .draft import (
    COVERED_ELSEWHERE,
    DECEASED,
    NEW_FAMILY_SEGMENT,
    REQUIRED,
    Step,
    later_step,
    locked_draft,
    touch,
)


def covered_elsewhere(niks: list[str]) -> dict[str, Participant]:
    return {
        p.nik: p
        for p in Participant.objects.select_related("segment").filter(
            nik__in=niks, retired_at__isnull=True
        )
        if p.nik
    }


@dataclass(frozen=True)
class KkFound:
    """What Dukcapil says of a KK not yet registered, and the branch that serves it."""

    kk_number: str
    branch: BranchOffice
    kk: dict[str, Any]  # address, district_code, branch_id
    members: list[dict[str, Any]]  # one row per person on the card, with its case


def kk_examine(*, kk_number: str) -> KkFound:
    """Pull the KK from Dukcapil and decide, per person, who must register with the family.
    Reads only: a refusal here leaves nothing behind."""
    kk_number = kk_number.strip()
    try:
        validate_kk_number(kk_number)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"kk_number": exc.messages}) from exc
    pulled = family_pull(kk_number=kk_number)
    if pulled is None:
        message = _(
            "This KK number is not known to Dukcapil. Check the number on your family card; "
            "if it is right, update your data at the Dukcapil office, or ask Care Center 165."
        )
        raise DomainError(message, code="KK_NOT_FOUND", fields={"kk_number": [message]})
    if FamilyCard.objects.filter(number=kk_number).exists():
        message = _(
            "This KK is already registered with JKN. To add a family member, the family's "
            "main participant logs in and uses Info Peserta > Tambah anggota keluarga."
        )
        raise DomainError(message, code="KK_ALREADY_REGISTERED", fields={"kk_number": [message]})
    district = Region.objects.filter(
        code=pulled.card.district_code, level=Region.Level.DISTRICT
    ).first()
    branch = (
        BranchOffice.objects.filter(regency_id=district.parent_id).first() if district else None
    )
    if district is None or branch is None:
        message = _(
            "No BPJS Kesehatan branch office serves this KK's district yet. Please register "
            "at the nearest branch office with your KK and KTP."
        )
        raise DomainError(message, code="NO_BRANCH", fields={"kk_number": [message]})
    existing = covered_elsewhere([m.nik for m in pulled.card.members])
    members: list[dict[str, Any]] = []
    for m in pulled.card.members:
        person = pulled.people.get(m.nik)
        row: dict[str, Any] = {
            "nik": m.nik,
            "name": m.name,
            "birth_place": person.birth_place if person else "",
            "birth_date": m.birth_date.isoformat(),
            "sex": m.sex,
            "relationship": m.relationship,
            "case": REQUIRED,
            "note": "",
            "phone": "",
            "email": "",
            "fktp_id": None,
        }
        if person is not None and not person.is_alive:
            row["case"] = DECEASED
            row["note"] = _("Recorded as deceased by Dukcapil: not registered.")
        elif m.nik in existing:
            row["case"] = COVERED_ELSEWHERE
            row["note"] = _(
                "Already a JKN participant (segment %(segment)s): covered, not required."
            ) % {"segment": existing[m.nik].segment.name}
        members.append(row)
    if not any(r["case"] == REQUIRED for r in members):
        message = _("Everyone on this KK is already a JKN participant: nothing to register.")
        raise DomainError(message, code="NOTHING_TO_REGISTER", fields={"kk_number": [message]})
    return KkFound(
        kk_number=kk_number,
        branch=branch,
        kk={"address": pulled.card.address, "district_code": district.code, "branch_id": branch.pk},
        members=members,
    )


def counter_branch_check(*, registration: Registration, found: KkFound) -> None:
    """Staff at the counter register only families of their own branch: the family, its
    registration and its later corrections all stay in one branch's scope."""
    if registration.counter_reason and registration.branch_id != found.branch.pk:
        message = _(
            "This KK belongs to %(branch)s. Staff register families of their own branch only: "
            "send the family to that branch office."
        ) % {"branch": found.branch.name}
        raise DomainError(message, code="OTHER_BRANCH", fields={"kk_number": [message]})


def kk_store(locked: Registration, found: KkFound) -> None:
    """Record what the KK step found on the (locked) draft and move on to the members."""
    locked.kk_number = found.kk_number
    locked.branch = found.branch
    locked.data = {"terms_accepted": True, "kk": found.kk, "members": found.members}
    locked.contact_verified_at = None
    touch(locked, step=Step.MEMBERS)


def registration_set_kk(*, registration: Registration, kk_number: str) -> Registration:
    """Pull the KK from Dukcapil and decide, per person, who must register with the family."""
    # Refuse an expired or submitted draft before asking the registry.
    with transaction.atomic():
        locked_draft(registration, at_least=Step.KK)
    # The registry is asked outside the transaction: no row lock held over a network call.
    found = kk_examine(kk_number=kk_number)
    with transaction.atomic():
        locked = locked_draft(registration, at_least=Step.KK)
        counter_branch_check(registration=locked, found=found)
        kk_store(locked, found)
    return locked


def required_members(registration: Registration) -> list[dict[str, Any]]:
    return [m for m in registration.data.get("members", []) if m["case"] == REQUIRED]


def registration_set_members(
    *, registration: Registration, members: list[dict[str, Any]]
) -> Registration:
    """Each required member's phone, e-mail and FKTP. Everyone on the KK registers together
    for PBPU (DESIGN.md 4.5): a member left out refuses the step with who and why."""
    with transaction.atomic():
        locked = locked_draft(registration, at_least=Step.MEMBERS)
        district = Region.objects.get(code=locked.data["kk"]["district_code"])
        allowed = {f.pk for f in facilities_near(district=district)}
        given = {str(m.get("nik", "")): m for m in members}
        on_card = {m["nik"] for m in locked.data["members"]}
        fields: dict[str, list[str]] = {}
        unknown = sorted(set(given) - on_card)
        if unknown:
            fields["members"] = [
                _("%(nik)s is not on this KK at Dukcapil.") % {"nik": nik} for nik in unknown
            ]
        missing = [m for m in required_members(locked) if m["nik"] not in given]
        if missing:
            fields.setdefault("members", []).extend(
                _(
                    "%(name)s is missing: listed on the KK at Dukcapil and not yet a JKN "
                    "participant, so must register with the family."
                )
                % {"name": m["name"]}
                for m in missing
            )
            message = _("Everyone on the KK registers together. Missing: %(names)s.") % {
                "names": ", ".join(m["name"] for m in missing)
            }
            raise ValidationFailed(message, code="PARTIAL_FAMILY", fields=fields)
        if fields:
            raise ValidationFailed(fields["members"][0], fields=fields)
        rows = []
        for row in locked.data["members"]:
            if row["case"] == REQUIRED:
                choice = given[row["nik"]]
                try:
                    fktp_id = int(choice.get("fktp_id") or 0)
                except (TypeError, ValueError):
                    fktp_id = 0
                if fktp_id not in allowed:
                    fields[f"members.{row['nik']}.fktp_id"] = [
                        _("Choose an FKTP near the family's district.")
                    ]
                row = {
                    **row,
                    "phone": str(choice.get("phone") or "")[:16],
                    "email": str(choice.get("email") or "")[:254],
                    "fktp_id": fktp_id,
                }
            rows.append(row)
        if fields:
            raise ValidationFailed(_("Choose an FKTP for every member."), fields=fields)
        locked.data = {**locked.data, "members": rows}
        touch(locked, step=later_step(locked, Step.CLASS))
    return locked


def registration_set_class(*, registration: Registration, care_class: int) -> Registration:
    if care_class not in (1, 2, 3):
        message = _("Choose class 1, 2 or 3.")
        raise ValidationFailed(message, fields={"care_class": [message]})
    with transaction.atomic():
        locked = locked_draft(registration, at_least=Step.CLASS)
        locked.data = {**locked.data, "care_class": care_class}
        touch(locked, step=later_step(locked, Step.CONTACT))
    return locked


def class_quote(*, registration: Registration, care_class: int, on: date) -> dict[str, Any]:
    """Iuran per member and the family total for a class, as the user chooses it."""
    members = required_members(registration)
    per_member, total = family_monthly_quote(
        members=[(date.fromisoformat(m["birth_date"]), m["relationship"]) for m in members],
        segment_code=NEW_FAMILY_SEGMENT,
        care_class=care_class,
        district_code=registration.data.get("kk", {}).get("district_code", ""),
        on=on,
    )
    return {
        "care_class": care_class,
        "per_member": per_member,
        "members": len(members),
        "total": total,
    }
