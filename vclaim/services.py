"""Writes for facility credentials: issue, rotate, switch on or off. Each returns what staff
must see once (the secret and the user key), and never stores either in clear."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import ValidationFailed
from core.models import BranchOffice, User

from .models import FacilityCredential
from .sealing import reseal, seal, user_key_digest
from .selectors import credential_forget

FIRST_CONSUMER_ID = 10001


@dataclass(frozen=True)
class IssuedCredential:
    credential: FacilityCredential
    secret: str
    user_key: str | None  # None when a rotation kept the user key


def _next_consumer_id() -> str:
    # A few hundred credentials at most (one per facility system): reading them is cheap.
    taken = [int(c) for c in FacilityCredential.objects.values_list("consumer_id", flat=True)]
    return str(max([FIRST_CONSUMER_ID - 1, *taken]) + 1)


def _forget(credential: FacilityCredential) -> None:
    """This process drops its kept copy now and again after the commit (a request in between
    could have read the old row); other processes within VCLAIM_CREDENTIAL_CACHE_SECONDS."""
    credential_forget(consumer_id=credential.consumer_id)
    transaction.on_commit(partial(credential_forget, consumer_id=credential.consumer_id))


@transaction.atomic
def facility_credential_create(
    *,
    name: str,
    branch: BranchOffice,
    actor: User | None,
    provider_code: str = "",
    consumer_id: str | None = None,
    secret: str | None = None,
    user_key: str | None = None,
) -> IssuedCredential:
    """A new credential with its own facility account. `secret` and `user_key` are generated
    unless given (the demo seed gives the documented ones)."""
    consumer_id = consumer_id or _next_consumer_id()
    if not consumer_id.isdigit() or len(consumer_id) > 16:
        raise ValidationFailed(
            "Consumer id harus berupa angka, paling banyak 16 digit.",
            fields={"consumer_id": ["Consumer id harus berupa angka, paling banyak 16 digit."]},
        )
    if FacilityCredential.objects.filter(consumer_id=consumer_id).exists():
        raise ValidationFailed(
            "Consumer id sudah dipakai.", fields={"consumer_id": ["Consumer id sudah dipakai."]}
        )
    secret = secret or secrets.token_urlsafe(24)
    user_key = user_key or secrets.token_hex(16)
    account = User(username=f"vclaim-{consumer_id}", role=User.Role.FACILITY, branch=branch)
    account.set_unusable_password()
    account.save()
    credential = FacilityCredential.objects.create(
        consumer_id=consumer_id,
        name=name,
        provider_code=provider_code,
        branch=branch,
        account=account,
        secret_encrypted=seal(secret),
        user_key_sha256=user_key_digest(user_key),
        rotated_at=timezone.now(),
        issued_by=actor,
    )
    return IssuedCredential(credential, secret, user_key)


@transaction.atomic
def facility_credential_rotate(
    *,
    credential: FacilityCredential,
    actor: User | None,
    new_user_key: bool = False,
    now: datetime | None = None,
) -> IssuedCredential:
    """A new secret (and user key if asked). The old secret keeps verifying for
    VCLAIM_ROTATION_GRACE_HOURS so that the facility can switch without an outage."""
    now = now or timezone.now()
    credential = FacilityCredential.objects.select_for_update().get(pk=credential.pk)
    secret = secrets.token_urlsafe(24)
    credential.previous_secret_encrypted = credential.secret_encrypted
    credential.previous_valid_until = now + timedelta(hours=settings.VCLAIM_ROTATION_GRACE_HOURS)
    credential.secret_encrypted = seal(secret)
    user_key = None
    if new_user_key:
        user_key = secrets.token_hex(16)
        credential.user_key_sha256 = user_key_digest(user_key)
    credential.rotated_at = now
    credential.issued_by = actor
    credential.save()
    _forget(credential)
    return IssuedCredential(credential, secret, user_key)


@transaction.atomic
def facility_credential_set_active(
    *, credential: FacilityCredential, active: bool, actor: User | None
) -> FacilityCredential:
    """Switch a credential off (or on again) together with its account."""
    credential.is_active = active
    credential.save(update_fields=["is_active"])
    User.objects.filter(pk=credential.account_id).update(is_active=active)
    _forget(credential)
    return credential


@transaction.atomic
def facility_credentials_reseal() -> int:
    """Encrypt every stored secret again with the newest storage key (key rotation)."""
    count = 0
    for credential in FacilityCredential.objects.select_for_update().order_by("pk"):
        credential.secret_encrypted = reseal(credential.secret_encrypted)
        if credential.previous_secret_encrypted:
            credential.previous_secret_encrypted = reseal(credential.previous_secret_encrypted)
        credential.save(update_fields=["secret_encrypted", "previous_secret_encrypted"])
        _forget(credential)
        count += 1
    return count
