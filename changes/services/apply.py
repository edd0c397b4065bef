"""Putting a change into effect (now, or by the periodic job on the 1st) and reversing it."""

import logging
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.models import Account
from core.errors import DomainError, ValidationFailed
from core.models import JobRun, User
from participants.models import Cause, Participant
from participants.services import REASON_MAX_LENGTH, participant_refresh_status

from .. import verification
from ..models import DataChange, Kind, MailingAddress

logger = logging.getLogger(__name__)

# The participant fields a segment change sets, restored by a reversal.
SEGMENT_FACTS = (
    "segment_id",
    "care_class",
    "coverage_start",
    "coverage_end",
    "coverage_end_reason",
    "paid_through",
    "reactivated_on",
    "reactivation_arrears_months",
)
DATE_FACTS = {"coverage_start", "coverage_end", "paid_through", "reactivated_on"}


def _as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def segment_facts(p: Participant) -> dict[str, Any]:
    return {f: _as_json(getattr(p, f)) for f in SEGMENT_FACTS}


def _set_facts(p: Participant, facts: dict[str, Any]) -> None:
    for field, value in facts.items():
        setattr(p, field, parse_date(value) if field in DATE_FACTS and value else value)


def _write(
    p: Participant, change: DataChange, values: dict[str, Any], *, actor: User | None, reason: str
) -> None:
    """Set the values on the locked participant, audited (history row with who and why), then
    re-derive the status (a StatusChange row where it changed)."""
    if change.kind == Kind.ADDRESS:
        if values.get("address"):
            MailingAddress.objects.update_or_create(
                participant=p,
                defaults={"address": values["address"], "district_id": values["district"]},
            )
        else:
            MailingAddress.objects.filter(participant=p).delete()
        return
    if change.kind == Kind.SEGMENT:
        _set_facts(p, values)
    elif change.kind == Kind.FKTP:
        p.fktp_id = values["fktp"]
    elif change.kind == Kind.CARE_CLASS:
        p.care_class = values["care_class"]
    elif change.kind == Kind.NIK:
        p.nik = values["nik"]
    elif change.kind == Kind.PHONE:
        p.phone = values["phone"]
        # The account's contact is where codes and messages go: it follows the change.
        if p.user_id is not None:
            Account.objects.filter(user_id=p.user_id).update(phone=p.phone)
    elif change.kind == Kind.EMAIL:
        p.email = values["email"]
        if p.user_id is not None:
            Account.objects.filter(user_id=p.user_id).update(
                email=p.email, email_key=p.email.strip().lower(), email_verified_at=timezone.now()
            )
            User.objects.filter(pk=p.user_id).update(email=p.email)
    p._change_reason = reason[:REASON_MAX_LENGTH]  # type: ignore[attr-defined]
    p._history_user = actor  # type: ignore[attr-defined]
    p.save()
    participant_refresh_status(participant=p, cause=Cause.DATA_CHANGE, actor=actor, note=reason)


def change_apply(*, change: DataChange, actor: User | None, now: Any) -> None:
    """Inside the caller's transaction, with the change row locked and still open."""
    p = (
        Participant.objects.select_for_update()
        .select_related("segment")
        .get(pk=change.participant_id)
    )
    reason = _("Data change: %(kind)s %(old)s -> %(new)s") % {
        "kind": change.get_kind_display(),
        "old": change.old_label or "-",
        "new": change.new_label,
    }
    _write(p, change, change.new_value, actor=actor, reason=reason)
    DataChange.objects.filter(pk=change.pk).update(state=DataChange.State.APPLIED, applied_at=now)
    change.state, change.applied_at = DataChange.State.APPLIED, now


def scheduled_changes_apply(*, on: date, limit: int | None = None) -> JobRun:
    """The periodic job: every scheduled change due by `on`, each in its own transaction that
    claims the row (SCHEDULED -> APPLIED) together with the participant write. Run twice, or
    after a run killed halfway, a change is applied once: the second run finds it APPLIED.
    `limit` stops after that many (tests use it to stand for a run killed mid-way)."""
    due = DataChange.objects.filter(state=DataChange.State.SCHEDULED, effective_on__lte=on)
    run = JobRun.objects.create(name="data_changes_apply", total=due.count())
    notified: set[str] = set()
    try:
        for change_id in list(due.order_by("effective_on", "pk").values_list("pk", flat=True)):
            if limit is not None and run.done >= limit:
                break
            with transaction.atomic():
                change = (
                    DataChange.objects.select_for_update(skip_locked=True)
                    .select_related("request__requested_by", "request__participant")
                    .filter(pk=change_id, state=DataChange.State.SCHEDULED)
                    .first()
                )
                if change is None:
                    continue  # applied or cancelled meanwhile, or another worker has it
                change_apply(change=change, actor=None, now=timezone.now())
                if str(change.request_id) not in notified:
                    notified.add(str(change.request_id))
                    verification.notify(
                        request=change.request,
                        event="applied",
                        text=_("Your data change is now in effect: %(c)s.") % {"c": str(change)},
                    )
                run.done += 1
                run.changed += 1
                JobRun.objects.filter(pk=run.pk).update(done=run.done, changed=run.changed)
        run.state = JobRun.State.DONE
    except Exception as exc:
        run.state = JobRun.State.FAILED
        run.error = repr(exc)
        logger.exception("data changes job failed after %s changes", run.done)
        raise
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "error", "finished_at", "done", "changed"])
    return run


def change_reverse(*, change: DataChange, actor: User, reason: str) -> DataChange:
    """Staff undo an applied change with a reason: the old value back, audited, the change
    marked REVERSED. Refused when the value has moved on since (a later change, a payment)."""
    reason = (reason or "").strip()
    if not reason:
        message = _("A reason is required to reverse a change.")
        raise ValidationFailed(message, fields={"reverse_reason": [message]})
    with transaction.atomic():
        locked = (
            DataChange.objects.select_for_update()
            .select_related("request__requested_by", "request__participant")
            .get(pk=change.pk)
        )
        if locked.state != DataChange.State.APPLIED:
            raise DomainError(
                _("Only a change in effect can be reversed (this one is %(s)s).")
                % {"s": locked.get_state_display()},
                code="CHANGE_NOT_APPLIED",
            )
        p = (
            Participant.objects.select_for_update()
            .select_related("segment")
            .get(pk=locked.participant_id)
        )
        if _current(p, locked) != locked.new_value:
            raise DomainError(
                _(
                    "The data changed again since (a later change or a payment): correct it "
                    "in the participant's record instead."
                ),
                code="CHANGE_SUPERSEDED",
            )
        note = _("Reversed by staff: %(r)s") % {"r": reason}
        _write(p, locked, locked.old_value, actor=actor, reason=note)
        now = timezone.now()
        DataChange.objects.filter(pk=locked.pk).update(
            state=DataChange.State.REVERSED,
            reversed_at=now,
            reversed_by=actor,
            reverse_reason=reason[:200],
        )
        locked.refresh_from_db()
        verification.notify(
            request=locked.request,
            event="reversed",
            event_id=str(locked.pk),
            text=_("A data change was reversed by the branch office: %(c)s. Reason: %(r)s")
            % {"c": str(locked), "r": reason},
        )
    return locked


def _current(p: Participant, change: DataChange) -> dict[str, Any]:
    if change.kind == Kind.SEGMENT:
        return segment_facts(p)
    if change.kind == Kind.FKTP:
        return {"fktp": p.fktp_id}
    if change.kind == Kind.CARE_CLASS:
        return {"care_class": p.care_class}
    if change.kind == Kind.NIK:
        return {"nik": p.nik}
    if change.kind == Kind.PHONE:
        return {"phone": p.phone}
    if change.kind == Kind.EMAIL:
        return {"email": p.email}
    address = MailingAddress.objects.filter(participant=p).first()
    return {"address": address.address, "district": address.district_id} if address else {}
