"""Writes of the registration flow (Pendaftaran Peserta Baru, DESIGN.md 4.4 and 4.5).

A draft moves through the steps in order (a step may be repeated: going back is allowed, going
past an unfinished step is not). Nothing reaches participants or families before
`registration_submit`, which creates the family, its members and the first payment's VA in one
transaction: a refusal there leaves nothing behind. Two people submitting the same KK at once
meet at the family card's unique number: one family, the other is told it is registered.

Along the flow's seams: `draft` (start, terms, the lock and expiry every step shares),
`family_card` (the KK from Dukcapil, who must register, their details and the class),
`contact` (the e-mail and its code), `submit` (the family, its first bill and VA)."""

from .contact import registration_set_contact, registration_verify_contact
from .draft import (
    COVERED_ELSEWHERE,
    DECEASED,
    NEW_FAMILY_SEGMENT,
    REQUIRED,
    STEP_ORDER,
    DraftExpired,
    registration_accept_terms,
    registration_start,
    registrations_expire_drafts,
)
from .family_card import (
    KkFound,
    class_quote,
    kk_examine,
    registration_set_class,
    registration_set_kk,
    registration_set_members,
    required_members,
)
from .submit import (
    KkAlreadyRegistered,
    first_payment_amount,
    registration_payment_restart,
    registration_submit,
)

__all__ = [
    "COVERED_ELSEWHERE",
    "DECEASED",
    "NEW_FAMILY_SEGMENT",
    "REQUIRED",
    "STEP_ORDER",
    "DraftExpired",
    "KkAlreadyRegistered",
    "KkFound",
    "class_quote",
    "first_payment_amount",
    "kk_examine",
    "registration_accept_terms",
    "registration_payment_restart",
    "registration_set_class",
    "registration_set_contact",
    "registration_set_kk",
    "registration_set_members",
    "registration_start",
    "registration_submit",
    "registration_verify_contact",
    "registrations_expire_drafts",
    "required_members",
]
