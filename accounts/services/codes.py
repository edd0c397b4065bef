"""One-time codes: issued with their send limits, delivered by messaging, checked once.

Rules (issue 9 point 6): random 6 digits, single use, valid ACCOUNTS_CODE_TTL_MINUTES, at most
ACCOUNTS_CODE_MAX_ATTEMPTS tries (the next try is refused even with the right code), at most
ACCOUNTS_CODE_SENDS sends per ACCOUNTS_CODE_WINDOW_MINUTES per participant and per destination,
bound to the flow (purpose) and the participant that asked."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import User
from messaging.models import Channel
from messaging.phone import mask_email, mask_phone
from messaging.services import message_queue
from participants.models import Participant

from ..errors import CodeRefused, RateLimited
from ..identity import email_limit_key
from ..models import OneTimeCode

PURPOSE_LABELS = {
    OneTimeCode.Purpose.SIGNUP: _("creating your account"),
    OneTimeCode.Purpose.PASSWORD_RESET: _("resetting your password"),
    OneTimeCode.Purpose.PIN_CHANGE: _("changing your PIN"),
    OneTimeCode.Purpose.DATA_CHANGE: _("changing your participant data"),
}


def _hash(code_id: Any, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{code_id}:{code}".encode(), hashlib.sha256).hexdigest()


def destination_key(channel: str, destination: str) -> str:
    return email_limit_key(destination) if channel == Channel.EMAIL else destination


def masked_destination(channel: str, destination: str) -> str:
    return mask_email(destination) if channel == Channel.EMAIL else mask_phone(destination)


@dataclass(frozen=True)
class IssuedCode:
    request_id: str
    channel: str
    destination_masked: str
    expires_at: Any
    resend_after: Any  # None, or when the next send is allowed


def _check_send_limits(*, participant: Participant, key: str, now: Any) -> None:
    window = timedelta(minutes=settings.ACCOUNTS_CODE_WINDOW_MINUTES)
    since = now - window
    limit = settings.ACCOUNTS_CODE_SENDS
    for recent in (
        OneTimeCode.objects.filter(participant=participant, created_at__gte=since),
        OneTimeCode.objects.filter(destination_key=key, created_at__gte=since),
    ):
        times = list(recent.order_by("created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            retry_after = max(int((times[0] + window - now).total_seconds()) + 1, 1)
            raise RateLimited(
                _(
                    "Too many codes were sent. Wait %(m)d minutes before asking for a new one, "
                    "or call Care Center 165."
                )
                % {"m": (retry_after + 59) // 60},
                code="CODE_SEND_LIMIT",
                retry_after=retry_after,
            )


def code_issue(
    *,
    purpose: str,
    participant: Participant,
    channel: str,
    destination: str,
    user: User | None = None,
    payload: dict[str, Any] | None = None,
    language: str = "id",
) -> IssuedCode:
    """Create a code, replace the participant's earlier open codes for the same flow, and queue
    the message (sent after commit). Refused with RateLimited past the send limits."""
    now = timezone.now()
    key = destination_key(channel, destination)
    with transaction.atomic():
        # Serialise issues for one participant, so two parallel requests cannot both pass the
        # limit check.
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        _check_send_limits(participant=participant, key=key, now=now)
        OneTimeCode.objects.filter(
            participant=participant, purpose=purpose, used_at__isnull=True, replaced_at__isnull=True
        ).update(replaced_at=now)
        code = f"{secrets.randbelow(10**6):06d}"
        otc = OneTimeCode(
            purpose=purpose,
            participant=participant,
            user=user,
            channel=channel,
            destination=destination,
            destination_key=key,
            created_at=now,
            expires_at=now + timedelta(minutes=settings.ACCOUNTS_CODE_TTL_MINUTES),
            payload=payload or {},
        )
        otc.code_hash = _hash(otc.id, code)
        otc.save()
        message_queue(
            event_key=f"account-code:{otc.id}",
            channel=channel,
            destination=destination,
            template="account_code",
            context={
                "code": code,
                "purpose": PURPOSE_LABELS[OneTimeCode.Purpose(purpose)],
                "minutes": settings.ACCOUNTS_CODE_TTL_MINUTES,
            },
            language=language,
            user=user,
            participant=participant,
        )
    return IssuedCode(
        request_id=str(otc.id),
        channel=channel,
        destination_masked=masked_destination(channel, destination),
        expires_at=otc.expires_at,
        resend_after=None,
    )


def code_resend(*, request_id: str, purpose: str, user: User | None = None) -> IssuedCode:
    """A new code for the same flow, participant and destination (the old one stops working)."""
    otc = _find(request_id=request_id, purpose=purpose, user=user)
    return code_issue(
        purpose=otc.purpose,
        participant=otc.participant,
        channel=otc.channel,
        destination=otc.destination,
        user=otc.user,
        payload=otc.payload,
        language=(otc.payload or {}).get("language", "id"),
    )


def _find(*, request_id: str, purpose: str, user: User | None) -> OneTimeCode:
    qs = OneTimeCode.objects.select_related("participant").filter(purpose=purpose)
    if user is not None:
        qs = qs.filter(user=user)
    try:
        return qs.get(pk=request_id)
    except (OneTimeCode.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise CodeRefused(
            _("This code request does not exist. Ask for a new code."), code="CODE_NOT_FOUND"
        ) from exc


def code_consume(
    *, request_id: str, purpose: str, code: str, user: User | None = None
) -> OneTimeCode:
    """Check a code and use it up. Every try counts and is committed, right or wrong, so the
    attempt limit holds even though the caller's later work may fail. Must not run inside the
    caller's transaction (a refusal would roll the counted try back)."""
    now = timezone.now()
    with transaction.atomic():
        try:
            otc = (
                OneTimeCode.objects.select_for_update(of=("self",))
                .select_related("participant", "user")
                .filter(purpose=purpose, **({"user": user} if user is not None else {}))
                .get(pk=request_id)
            )
        except (OneTimeCode.DoesNotExist, ValueError, TypeError, ValidationError):
            otc = None
        if otc is None:
            refusal = CodeRefused(
                _("This code request does not exist. Ask for a new code."), code="CODE_NOT_FOUND"
            )
        elif otc.used_at is not None:
            refusal = CodeRefused(
                _("This code was already used. Ask for a new code."), code="CODE_USED"
            )
        elif otc.attempts >= settings.ACCOUNTS_CODE_MAX_ATTEMPTS:
            refusal = CodeRefused(
                _("Too many wrong tries for this code. Ask for a new code."),
                code="CODE_TOO_MANY_ATTEMPTS",
            )
        elif otc.replaced_at is not None:
            refusal = CodeRefused(
                _("A newer code was sent; use the latest one."), code="CODE_REPLACED"
            )
        elif otc.expires_at <= now:
            refusal = CodeRefused(
                _("This code has expired. Ask for a new code."), code="CODE_EXPIRED"
            )
        else:
            OneTimeCode.objects.filter(pk=otc.pk).update(attempts=F("attempts") + 1)
            entered = "".join((code or "").split())
            if hmac.compare_digest(_hash(otc.id, entered), otc.code_hash):
                OneTimeCode.objects.filter(pk=otc.pk).update(used_at=now)
                otc.used_at = now
                return otc
            left = settings.ACCOUNTS_CODE_MAX_ATTEMPTS - otc.attempts - 1
            refusal = CodeRefused(
                _("Wrong code. %(n)d tries left.") % {"n": left}
                if left
                else _("Wrong code. No tries left: ask for a new code."),
                code="CODE_WRONG",
                fields={"code": [str(_("Wrong code."))]},
            )
    raise refusal
