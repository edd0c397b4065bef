"""Requests about one person's own data, any time: phone, e-mail, mailing address, and a
newborn's NIK (checked with Dukcapil)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from core.errors import ValidationFailed
from core.models import Region, User
from core.nik import validate_nik_matches
from dukcapil_sync.client import RegistryError
from dukcapil_sync.compare import REGISTRY_CHILD
from dukcapil_sync.services.runs.common import RegistryUnavailableError, interactive_client
from messaging.phone import normalize_mobile
from participants.models import Participant

from .. import verification
from ..models import ChangeRequest, DataChange, Kind
from ..rules import (
    Refusal,
)
from .apply import change_apply
from .common import (
    ChangeRefused,
    Requested,
    caller_family_or_404,
    family_member,
    request_create,
    today,
)


def change_request_contact(*, user: User, kind: str, value: str) -> Requested:
    """Phone (code to the registered e-mail) or e-mail (code to the new e-mail), any time."""
    participant, _family, _members = caller_family_or_404(user)
    value = value.strip()
    if kind == Kind.PHONE:
        try:
            value = normalize_mobile(value)
        except ValidationError as exc:
            raise ValidationFailed(exc.messages[0], fields={"phone": exc.messages}) from exc
        old = participant.phone
    elif kind == Kind.EMAIL:
        try:
            validate_email(value)
        except ValidationError as exc:
            message = _("Enter a valid e-mail address.")
            raise ValidationFailed(message, fields={"email": [message]}) from exc
        if Account.objects.filter(email_key=value.lower()).exclude(user=user).exists():
            message = _("This e-mail belongs to another account.")
            raise ValidationFailed(message, code="EMAIL_TAKEN", fields={"email": [message]})
        old = participant.email
    else:
        raise ValueError(kind)
    field = "phone" if kind == Kind.PHONE else "email"
    with transaction.atomic():
        return request_create(
            user=user,
            participant=participant,
            kind=kind,
            rows=[(participant, {field: old}, {field: value}, old, value)],
            effective_on=today(),
            new_email=value if kind == Kind.EMAIL else "",
        )


def change_request_address(*, user: User, address: str, district_code: str) -> Requested:
    participant, _family, _members = caller_family_or_404(user)
    address = " ".join(address.split())
    if not 5 <= len(address) <= 255:
        message = _("Enter the street, number and RT/RW (5 to 255 characters).")
        raise ValidationFailed(message, fields={"address": [message]})
    district = Region.objects.filter(code=district_code, level=Region.Level.DISTRICT).first()
    if district is None:
        message = _("Choose a district from the list.")
        raise ValidationFailed(message, fields={"district": [message]})
    current = getattr(participant, "mailing_address", None)
    old = {"address": current.address, "district": current.district_id} if current else {}
    with transaction.atomic():
        return request_create(
            user=user,
            participant=participant,
            kind=Kind.ADDRESS,
            rows=[
                (
                    participant,
                    old,
                    {"address": address, "district": district.code},
                    str(current) if current else "",
                    f"{address}, {district.name}",
                )
            ],
            effective_on=today(),
        )


def change_request_newborn_nik(*, user: User, card_number: str, nik: str) -> Requested:
    """The NIK Dukcapil issued for a newborn registered without one (the only NIK change a
    participant may make, DESIGN.md 4.5/4.6): checked against the birth date and sex, then
    against the registry (the person, their birth date and sex, listed on this family's KK
    as a child). Proven by the registry itself, so it applies at once."""
    participant, family, members = caller_family_or_404(user)
    member = family_member(members, card_number)
    nik = "".join(nik.split())
    if member.nik:
        raise ChangeRefused(
            Refusal(
                "NIK_NOT_NEWBORN",
                _(
                    "Only a newborn's first NIK can be added here. A NIK is lifelong: to "
                    "correct one, go to Dukcapil and then the branch office with the KTP and KK."
                ),
            ),
            member=member,
        )
    try:
        validate_nik_matches(
            nik, birth_date=member.birth_date, is_female=member.sex == Participant.Sex.FEMALE
        )
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"nik": exc.messages}) from exc
    if Participant.objects.filter(nik=nik, retired_at__isnull=True).exists():
        message = _("Another live participant already has this NIK: visit the branch office.")
        raise ValidationFailed(message, code="DUPLICATE_NIK", fields={"nik": [message]})
    try:
        person = interactive_client().person(nik)
    except RegistryError as exc:
        raise RegistryUnavailableError(
            _("Dukcapil cannot be reached right now. Nothing was changed; try again later.")
        ) from exc
    if (
        person is None
        or person.kk_number != family.number
        or person.relationship != REGISTRY_CHILD
        or person.birth_date != member.birth_date
        or person.sex != member.sex
    ):
        raise ChangeRefused(
            Refusal(
                "NIK_NOT_AT_DUKCAPIL",
                _(
                    "Dukcapil does not list this NIK as a child on your family card with this "
                    "birth date and sex. Check the NIK on the new KK; if Dukcapil has just "
                    "issued it, try again tomorrow."
                ),
            ),
            member=member,
        )
    now = timezone.now()
    with transaction.atomic():
        request = ChangeRequest.objects.create(
            kind=Kind.NIK,
            requested_by=user,
            participant=participant,
            state=ChangeRequest.State.CONFIRMED,
            confirmed_at=now,
        )
        change = DataChange.objects.create(
            request=request,
            participant=member,
            kind=Kind.NIK,
            old_value={"nik": None},
            new_value={"nik": nik},
            old_label="",
            new_label=nik,
            effective_on=today(),
        )
        change_apply(change=change, actor=user, now=now)
        verification.notify(
            request=request,
            event="confirmed",
            text=_("Your data change is in effect.") + f" NIK {member.name}.",
        )
    return Requested(request, [change], verification.Challenge(False, False))
