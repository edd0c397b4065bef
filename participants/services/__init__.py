"""Every write to participants: business rules as small keyword-only functions.

Changes a participant can see run in a transaction, take the acting user and leave an audit
record (django-simple-history rows with a change reason, StatusChange rows for status).

A package by what is written: `refresh` (the status, stored and recorded), `corrections`
(staff corrections and merging a duplicate), `payments` (a payment's facts), `registry`
(Dukcapil's facts) and `registration` (a new participant, their login). Every name stays
importable from here."""

from .corrections import CORRECTABLE_FIELDS, participant_correct, participant_retire_as_duplicate
from .payments import PaymentFacts, participants_record_payment, participants_record_payments
from .refresh import REASON_MAX_LENGTH, participant_refresh_status, participants_refresh_statuses
from .registration import ISSUED_CARD_PREFIX, participant_link_user, participant_register
from .registry import (
    REGISTRY_FACT_FIELDS,
    RegistryFactChange,
    participants_apply_registry_facts,
)

__all__ = [
    "CORRECTABLE_FIELDS",
    "ISSUED_CARD_PREFIX",
    "REASON_MAX_LENGTH",
    "REGISTRY_FACT_FIELDS",
    "PaymentFacts",
    "RegistryFactChange",
    "participant_correct",
    "participant_link_user",
    "participant_refresh_status",
    "participant_register",
    "participant_retire_as_duplicate",
    "participants_apply_registry_facts",
    "participants_record_payment",
    "participants_record_payments",
    "participants_refresh_statuses",
]
