"""The families the payments benchmark works on: chosen, put in arrears, snapshotted and
restored afterwards, so the database is left as found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"


CHANNEL = "BENCH"


NOTIFY_PATH = "/api/v1/payments/notifications/"


Log = Callable[[str], None]


@dataclass
class Result:
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Snapshot:
    """The chosen families' participant facts before the run, to put back afterwards."""

    family_ids: list[int]
    participant_ids: list[int]
    rows: list[tuple] = field(default_factory=list)


FACT_FIELDS = (
    "paid_through",
    "reactivated_on",
    "reactivation_arrears_months",
    "status",
    "status_reason",
    "status_changed_at",
)


def _celery_to_broker(redis_url: str, queue: str) -> None:
    """This process sends tasks to Redis (bench/run.py configures Django without a broker,
    which would run them in-process)."""
    from django.conf import settings

    from jkn_portal.celery import app

    settings.PAYMENTS_QUEUE = queue
    app.conf.update(broker_url=redis_url, task_always_eager=False)


def _choose_families(count: int, *, skip: set[int]) -> list[int]:
    from families.models import FamilyMembership

    ids = list(
        FamilyMembership.objects.filter(
            valid_to__isnull=True,
            is_main=True,
            participant__segment_id__in=["PBPU", "BP"],
            participant__card_number__startswith="9",  # synthetic families only
        )
        .order_by("family_id")
        .values_list("family_id", flat=True)
    )
    ids = [i for i in ids if i not in skip]
    if len(ids) < count:
        raise SystemExit(f"only {len(ids)} self-paying synthetic families, {count} needed")
    step = len(ids) / count
    return [ids[int(k * step)] for k in range(count)]


def _prepare_arrears(family_ids: list[int], log: Log) -> Snapshot:
    """One month of arrears plus this month unpaid, bills made, statuses TIDAK AKTIF."""
    from django.db import transaction
    from django.utils import timezone

    from families.models import FamilyMembership
    from participants.models import Participant
    from participants.status import month_index, month_start
    from payments.models import Bill, Payment, PaymentNotification, Reactivation
    from payments.services import bills_generate
    from payments.services.billing import rate_book, wage_book

    participant_ids = list(
        FamilyMembership.objects.filter(
            valid_to__isnull=True, family_id__in=family_ids
        ).values_list("participant_id", flat=True)
    )
    snapshot = Snapshot(family_ids, participant_ids)
    snapshot.rows = list(
        Participant.objects.filter(pk__in=participant_ids).values_list("pk", *FACT_FIELDS)
    )
    today = timezone.localdate()
    current = month_index(today)
    with transaction.atomic():
        _delete_payment_rows(family_ids)
        for chunk in _chunks(participant_ids, 5000):
            Participant.objects.filter(pk__in=chunk).update(
                paid_through=month_start(current - 2),
                reactivated_on=None,
                reactivation_arrears_months=0,
                status="TIDAK_AKTIF",
                status_reason="ARREARS",
                status_changed_at=timezone.now(),
            )
    book, wages = rate_book(), wage_book()
    made = 0
    for month in (month_start(current - 1), month_start(current)):
        for chunk in _chunks(family_ids, 1000):
            made += bills_generate(
                family_ids=chunk, month=month, on=today, rates=book.table(month), wages=wages
            )
    log(f"  {len(family_ids)} families ({len(participant_ids)} people) in arrears, {made} bills")
    assert not Payment.objects.filter(family_id__in=family_ids).exists()
    assert not (Reactivation.objects.filter(family_id__in=family_ids).exists())
    assert Bill.objects.filter(family_id__in=family_ids, state="OPEN").count() == made
    assert PaymentNotification.objects.filter(channel__code=CHANNEL).count() == 0
    return snapshot


def _delete_payment_rows(family_ids: list[int]) -> None:
    from payments.models import Bill, Payment, PaymentNotification, Reactivation

    for chunk in _chunks(family_ids, 5000):
        Bill.objects.filter(family_id__in=chunk).delete()
    PaymentNotification.objects.filter(channel__code=CHANNEL).delete()
    PaymentNotification.history.filter(channel_code=CHANNEL).delete()
    for chunk in _chunks(family_ids, 5000):
        Reactivation.objects.filter(family_id__in=chunk).delete()
        Payment.objects.filter(family_id__in=chunk).delete()
    Payment.history.filter(channel__code=CHANNEL).delete()


def _restore(snapshots: list[Snapshot], started: datetime, log: Log) -> None:
    from django.db import connection, transaction

    from participants.models import Participant, StatusChange

    with transaction.atomic():
        for snap in snapshots:
            _delete_payment_rows(snap.family_ids)
            # One UPDATE ... FROM UNNEST (bulk_update's CASE per row and field is slow here).
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE participants_participant AS p SET paid_through = v.paid_through, "
                    "reactivated_on = v.reactivated_on, "
                    "reactivation_arrears_months = v.months, status = v.status, "
                    "status_reason = v.reason, status_changed_at = v.changed, "
                    # a new token, as every ORM write draws (core.facts)
                    "facts_token = (random() * 4611686018427387903)::bigint "
                    "FROM UNNEST(%s::bigint[], %s::date[], %s::date[], %s::integer[], "
                    "%s::varchar[], %s::varchar[], %s::timestamptz[]) "
                    "AS v(id, paid_through, reactivated_on, months, status, reason, changed) "
                    "WHERE p.id = v.id",
                    [list(column) for column in zip(*snap.rows, strict=True)],
                )
            for chunk in _chunks(snap.participant_ids, 5000):
                StatusChange.objects.filter(
                    participant_id__in=chunk, changed_at__gte=started
                ).delete()
                Participant.history.filter(
                    id__in=chunk,
                    history_date__gte=started,
                    history_change_reason__startswith=CHANNEL,
                ).delete()
    log("  restored the families' facts and statuses; deleted the run's payment rows")


def _chunks(items: list[int], size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
