"""Where notifications come from: rows other apps already write, read back (no signal, no
call from those apps). Each source returns, a page at a time, the rows of the last `since`
that have no notification yet and someone to tell (a family member with a login): every row
it returns becomes a notification, so a pass always moves on, and the unique (recipient,
source) key makes a row committed late, or a pass run twice, notified exactly once."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from complaints.models import Reply
from families.models import FamilyMembership
from participants.models import Participant, StatusChange
from payments.models import Bill, Payment

from .models import Kind, Notification

PAGE = 500


@dataclass(frozen=True)
class Event:
    kind: str
    source: str
    recipients: list[int]
    created_at: datetime
    params: dict[str, Any] = field(default_factory=dict)
    link: str = ""


def _unnotified(qs: QuerySet[Any], prefix: str, id_field: str = "id") -> QuerySet[Any]:
    key = Concat(Value(f"{prefix}:"), Cast(id_field, output_field=CharField()))
    return qs.annotate(notification_source=key).exclude(
        Exists(Notification.objects.filter(source=OuterRef("notification_source")))
    )


def _holders_exist(family: Any) -> Exists:
    return Exists(
        FamilyMembership.objects.filter(
            family=family,
            valid_to__isnull=True,
            participant__user__isnull=False,
            participant__retired_at__isnull=True,
        )
    )


def _current_family(participant: Any) -> Subquery:
    return Subquery(
        FamilyMembership.objects.filter(participant=participant, valid_to__isnull=True).values(
            "family_id"
        )[:1]
    )


def _account_holders(*, family_ids: Iterable[int]) -> dict[int, list[int]]:
    """Family id -> its current members who have a login (they read the bell)."""
    holders: dict[int, list[int]] = defaultdict(list)
    rows = FamilyMembership.objects.filter(
        family_id__in=set(family_ids),
        valid_to__isnull=True,
        participant__user__isnull=False,
        participant__retired_at__isnull=True,
    ).values_list("family_id", "participant_id")
    for family_id, participant_id in rows:
        holders[family_id].append(participant_id)
    return holders


def status_changes(*, since: datetime) -> list[Event]:
    """A member's status changed (not the first status at registration), with the reason."""
    qs = (
        StatusChange.objects.filter(changed_at__gte=since)
        .exclude(old_status="")
        .exclude(old_status=F("status"))
        .annotate(family_now=_current_family(OuterRef("participant")))
        .filter(_holders_exist(OuterRef("family_now")))
    )
    rows = list(
        _unnotified(qs, "status")
        .order_by("id")
        .values(
            "id",
            "family_now",
            "participant__name",
            "old_status",
            "status",
            "reason",
            "note",
            "changed_at",
        )[:PAGE]
    )
    holders = _account_holders(family_ids=[r["family_now"] for r in rows])
    return [
        Event(
            Kind.STATUS_CHANGED,
            f"status:{r['id']}",
            holders[r["family_now"]],
            r["changed_at"],
            {
                "name": r["participant__name"],
                "old_status": r["old_status"],
                "status": r["status"],
                "reason": r["reason"],
                "note": r["note"],
            },
            "/info-peserta/",
        )
        for r in rows
    ]


def bills_due(*, today: date, days_ahead: int) -> list[Event]:
    """A family's unpaid bill falls due within `days_ahead` days (iuran is due by the 10th,
    Perpres 64/2020 Pasal 39): one reminder per bill."""
    qs = Bill.objects.filter(
        state=Bill.State.OPEN,
        payer=Bill.Payer.FAMILY,
        due_date__gte=today,
        due_date__lte=today + timedelta(days=days_ahead),
    ).filter(_holders_exist(OuterRef("family")))
    rows = list(
        _unnotified(qs, "bill")
        .order_by("id")
        .values("id", "family_id", "month", "amount", "paid_amount", "due_date")[:PAGE]
    )
    holders = _account_holders(family_ids=[r["family_id"] for r in rows])
    now = timezone.now()
    return [
        Event(
            Kind.BILL_DUE,
            f"bill:{r['id']}",
            holders[r["family_id"]],
            now,
            {
                "month": r["month"].isoformat(),
                "amount": r["amount"] - r["paid_amount"],
                "due_date": r["due_date"].isoformat(),
            },
            "/tagihan/",
        )
        for r in rows
    ]


def payments_confirmed(*, since: datetime) -> list[Event]:
    qs = Payment.objects.filter(credited_at__gte=since).filter(_holders_exist(OuterRef("family")))
    rows = list(
        _unnotified(qs, "payment")
        .order_by("id")
        .values("id", "family_id", "amount", "credited_at")[:PAGE]
    )
    holders = _account_holders(family_ids=[r["family_id"] for r in rows])
    return [
        Event(
            Kind.PAYMENT_CONFIRMED,
            f"payment:{r['id']}",
            holders[r["family_id"]],
            r["credited_at"],
            {"amount": r["amount"]},
            "/riwayat-pembayaran/",
        )
        for r in rows
    ]


def complaint_replies(*, since: datetime) -> list[Event]:
    """The branch answered a complaint, or the job closed it: to whoever filed it."""
    filer = Participant.objects.filter(
        user=OuterRef("complaint__filed_by"), retired_at__isnull=True
    )
    qs = (
        Reply.objects.filter(created_at__gte=since)
        .filter(Q(side=Reply.Side.BRANCH) | Q(event=Reply.Event.AUTO_CLOSED))
        .annotate(filer=Subquery(filer.values("pk")[:1]))
        .filter(filer__isnull=False)
    )
    rows = list(
        _unnotified(qs, "reply")
        .order_by("id")
        .values("id", "side", "complaint_id", "complaint__subject", "filer", "created_at")[:PAGE]
    )
    return [
        Event(
            Kind.COMPLAINT_ANSWERED if r["side"] == Reply.Side.BRANCH else Kind.COMPLAINT_CLOSED,
            f"reply:{r['id']}",
            [r["filer"]],
            r["created_at"],
            {"complaint": r["complaint_id"], "subject": r["complaint__subject"]},
            f"/pengaduan/{r['complaint_id']}/",
        )
        for r in rows
    ]


def data_changes(*, since: datetime) -> list[Event]:
    """A change of a member's data took effect (a staff correction, a Dukcapil value
    applied), with the reason the audit trail recorded."""
    history = Participant.history.model  # type: ignore[attr-defined]
    qs = (
        history.objects.filter(history_date__gte=since, history_type="~")
        .exclude(history_change_reason__isnull=True)
        .exclude(history_change_reason="")
        .annotate(family_now=_current_family(OuterRef("id")))
        .filter(_holders_exist(OuterRef("family_now")))
    )
    rows = list(
        _unnotified(qs, "data", "history_id")
        .order_by("history_id")
        .values("history_id", "family_now", "name", "history_change_reason", "history_date")[:PAGE]
    )
    holders = _account_holders(family_ids=[r["family_now"] for r in rows])
    return [
        Event(
            Kind.DATA_CHANGED,
            f"data:{r['history_id']}",
            holders[r["family_now"]],
            r["history_date"],
            {"name": r["name"], "reason": r["history_change_reason"]},
            "/info-peserta/",
        )
        for r in rows
    ]
