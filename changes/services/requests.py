"""A participant's requests under the rules of DESIGN.md 4.6 (segment, FKTP, class): each
member concerned checked (a refusal names the rule, the member and the first possible day),
then the request and its code."""

from dataclasses import replace
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.models import User
from participants.contributions import arrears_months
from participants.models import Facility, Participant

from ..models import AutodebitConsent, FacilityCapacity, Kind
from ..rules import (
    CLASS_SEGMENTS,
    PBPU,
    Refusal,
    class_refusal,
    first_of_next_month,
    fktp_refusal,
    segment_refusal,
)
from ..selectors import value_since
from .apply import segment_facts
from .common import (
    ChangeRefused,
    Requested,
    caller_family_or_404,
    family_member,
    request_create,
    today,
)


def change_request_segment(
    *,
    user: User,
    card_numbers: list[str],
    care_class: int,
    bank: str,
    account_number: str,
    account_holder: str,
    on: date | None = None,
) -> Requested:
    """Segment to PBPU (Mandiri) for the chosen members, with the autodebit consent the
    guide requires. Effective on confirmation: the VA and this month's amount are issued and
    the members wait for their first payment (AWAITING_FIRST_PAYMENT)."""
    on = on or today()
    if care_class not in (1, 2, 3):
        raise ValidationFailed(
            _("Choose class 1, 2 or 3."), fields={"care_class": [_("Choose class 1, 2 or 3.")]}
        )
    if not card_numbers:
        message = _("Choose at least one member.")
        raise ValidationFailed(message, fields={"card_numbers": [message]})
    if not (account_number.isdigit() and 8 <= len(account_number) <= 20):
        message = _("The account number is 8 to 20 digits.")
        raise ValidationFailed(message, fields={"account_number": [message]})
    participant, _family, members = caller_family_or_404(user)
    chosen = [family_member(members, c) for c in dict.fromkeys(card_numbers)]
    pbpu_arrears = max(
        (arrears_months(m, on=on) for m in members if m.segment_id == PBPU), default=0
    )
    rows = []
    for m in chosen:
        refusal = segment_refusal(
            segment_id=m.segment_id,
            segment_since=value_since(m, Kind.SEGMENT),
            coverage_end=m.coverage_end,
            deceased=bool(m.date_of_death and m.date_of_death <= on),
            family_pbpu_arrears=pbpu_arrears,
            on=on,
        )
        if refusal:
            raise ChangeRefused(refusal, member=m)
        new = {
            "segment_id": PBPU,
            "care_class": care_class,
            "coverage_start": on.isoformat(),
            "coverage_end": None,
            "coverage_end_reason": "",
            "paid_through": None,
            "reactivated_on": None,
            "reactivation_arrears_months": 0,
        }
        rows.append(
            (
                m,
                segment_facts(m),
                new,
                f"{m.segment.name}, kelas {m.care_class}",
                f"PBPU (Mandiri), kelas {care_class}",
            )
        )
    with transaction.atomic():
        requested = request_create(
            user=user, participant=participant, kind=Kind.SEGMENT, rows=rows, effective_on=on
        )
        AutodebitConsent.objects.create(
            request=requested.request,
            bank=bank[:20],
            account_number=account_number,
            account_holder=account_holder[:120],
        )
    return requested


def fktp_options_refusal(*, member: Participant, facility: Facility, on: date) -> Refusal | None:
    return fktp_refusal(
        segment_id=member.segment_id,
        since=value_since(member, Kind.FKTP),
        on=on,
        current_id=member.fktp_id,
        new_id=facility.pk,
        new_is_full=FacilityCapacity.objects.filter(facility=facility, is_full=True).exists(),
    )


def change_request_fktp(
    *,
    user: User,
    card_number: str,
    facility_code: str,
    whole_family: bool,
    on: date | None = None,
) -> Requested:
    """FKTP for one member or the whole family, effective the 1st of next month."""
    on = on or today()
    participant, _family, members = caller_family_or_404(user)
    member = family_member(members, card_number)
    facility = Facility.objects.filter(code=facility_code).first()
    if facility is None:
        message = _("Choose an FKTP from the list.")
        raise ValidationFailed(message, fields={"facility": [message]})
    chosen = [m for m in members if m.fktp_id != facility.pk] if whole_family else [member]
    if not chosen:
        raise ChangeRefused(Refusal("FKTP_UNCHANGED", _("This is already the family's FKTP.")))
    rows = []
    skipped: list[tuple[Participant, Refusal]] = []
    for m in chosen:
        refusal = fktp_options_refusal(member=m, facility=facility, on=on)
        if refusal and not whole_family:
            raise ChangeRefused(refusal, member=m)
        if refusal:
            skipped.append((m, refusal))  # e.g. a newborn not yet 3 months at their FKTP
            continue
        rows.append((m, {"fktp": m.fktp_id}, {"fktp": facility.pk}, m.fktp.name, facility.name))
    if not rows:
        member, refusal = skipped[0]
        raise ChangeRefused(refusal, member=member)
    with transaction.atomic():
        requested = request_create(
            user=user,
            participant=participant,
            kind=Kind.FKTP,
            rows=rows,
            effective_on=first_of_next_month(on),
        )
    return replace(requested, skipped=skipped)


def change_request_class(*, user: User, care_class: int, on: date | None = None) -> Requested:
    """Class for the whole family together (its PBPU/BP members), effective next month."""
    on = on or today()
    if care_class not in (1, 2, 3):
        raise ValidationFailed(
            _("Choose class 1, 2 or 3."), fields={"care_class": [_("Choose class 1, 2 or 3.")]}
        )
    participant, _family, members = caller_family_or_404(user)
    alive = [m for m in members if not (m.date_of_death and m.date_of_death <= on)]
    # Only the members who choose a class move; in a mixed family the others (PBI, PPU)
    # follow their payer (DESIGN.md 4.5).
    paying = [m for m in alive if m.segment_id in CLASS_SEGMENTS] or alive[:1]
    arrears = max((arrears_months(m, on=on) for m in paying), default=0)
    rows = []
    for m in paying:
        refusal = class_refusal(
            segment_id=m.segment_id,
            since=value_since(m, Kind.CARE_CLASS),
            on=on,
            current=m.care_class,
            new=care_class,
            arrears_months=arrears,
        )
        if refusal:
            raise ChangeRefused(refusal, member=m)
        rows.append(
            (
                m,
                {"care_class": m.care_class},
                {"care_class": care_class},
                f"kelas {m.care_class}",
                f"kelas {care_class}",
            )
        )
    with transaction.atomic():
        return request_create(
            user=user,
            participant=participant,
            kind=Kind.CARE_CLASS,
            rows=rows,
            effective_on=first_of_next_month(on),
        )
