"""Writes of registrations: a new family by KK (`new_family`), the same at the branch counter
(`counter`), a member added to a family (`members`)."""

from .counter import NotCounterStaff, counter_registration_start, counter_registration_submit
from .members import NewMember, family_member_add
from .new_family import (
    STEP_ORDER,
    class_quote,
    first_payment_amount,
    registration_accept_terms,
    registration_payment_restart,
    registration_set_class,
    registration_set_contact,
    registration_set_kk,
    registration_set_members,
    registration_start,
    registration_submit,
    registration_verify_contact,
    registrations_expire_drafts,
    required_members,
)

__all__ = [
    "STEP_ORDER",
    "NewMember",
    "NotCounterStaff",
    "class_quote",
    "counter_registration_start",
    "counter_registration_submit",
    "family_member_add",
    "first_payment_amount",
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
