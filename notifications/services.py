"""Writes of notifications: collect new events into the list, hand e-mail and SMS to the
messaging outbox (which sends them by Celery after commit, once per event key), mark read,
and the per-channel preferences."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from core.models import User
from messaging.models import Channel
from messaging.phone import normalize_mobile
from messaging.services import message_queue
from participants.models import Participant

from . import sources
from .models import Notification, Preference
from .texts import notification_text

# Pages of sources.PAGE rows per source and pass; the next pass (a minute later) goes on.
MAX_PAGES = 20


@dataclass(frozen=True)
class CollectResult:
    created: int
    messages: int


def preference_of(*, user: User) -> Preference:
    """The user's preference; defaults (e-mail on, SMS off) until they change it."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


@transaction.atomic
def preference_set(*, user: User, email: bool, sms: bool) -> Preference:
    preference, _created = Preference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms}
    )
    return preference


def _deliver(notification: Notification, recipient: Participant) -> int:
    """Queue the e-mail and SMS the recipient asked for. The event key names the
    notification and channel: queued twice, still one message."""
    if recipient.user is None:
        return 0
    preference = preference_of(user=recipient.user)
    with translation.override("id"):
        title, body = notification_text(notification)
    link = f"{settings.PORTAL_BASE_URL.rstrip('/')}{notification.link}"
    context = {"title": title, "body": body, "link": link}
    queued = 0
    if preference.email and recipient.email:
        message_queue(
            event_key=f"notification:{notification.pk}:email",
            channel=Channel.EMAIL,
            destination=recipient.email,
            template="notification",
            context=context,
            user=recipient.user,
            participant=recipient,
        )
        queued += 1
    if preference.sms and recipient.phone:
        try:
            number = normalize_mobile(recipient.phone)
        except ValidationError:
            number = ""
        if number:
            message_queue(
                event_key=f"notification:{notification.pk}:sms",
                channel=Channel.SMS,
                destination=number,
                template="notification",
                context=context,
                user=recipient.user,
                participant=recipient,
            )
            queued += 1
    return queued


def _record(event: sources.Event, recipients: dict[int, Participant]) -> tuple[int, int]:
    created = queued = 0
    for recipient_id in event.recipients:
        try:
            with transaction.atomic():
                notification, is_new = Notification.objects.get_or_create(
                    recipient_id=recipient_id,
                    source=event.source,
                    defaults={
                        "kind": event.kind,
                        "params": event.params,
                        "link": event.link,
                        "created_at": event.created_at,
                    },
                )
        except IntegrityError:
            continue  # another worker recorded it at the same moment: theirs to send
        if is_new:
            created += 1
            queued += _deliver(notification, recipients[recipient_id])
    return created, queued


def notifications_collect(*, now: datetime | None = None) -> CollectResult:
    """One pass over every source. Each event's notifications and messages commit together;
    a crash between events loses nothing (the next pass finds what is left)."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.NOTIFICATIONS_LOOKBACK_HOURS)
    today = timezone.localdate(now)
    pages = [
        lambda: sources.status_changes(since=since),
        lambda: sources.bills_due(today=today, days_ahead=settings.NOTIFICATIONS_BILL_DUE_DAYS),
        lambda: sources.payments_confirmed(since=since),
        lambda: sources.complaint_replies(since=since),
        lambda: sources.data_changes(since=since),
    ]
    created = queued = 0
    for next_page in pages:
        # Every row a source returns is notified now, so the next page is new rows.
        for _page in range(MAX_PAGES):
            events = next_page()
            if not events:
                break
            ids = {pk for event in events for pk in event.recipients}
            recipients = {
                p.pk: p for p in Participant.objects.filter(pk__in=ids).select_related("user")
            }
            for event in events:
                with transaction.atomic():
                    c, q = _record(event, recipients)
                created, queued = created + c, queued + q
    return CollectResult(created=created, messages=queued)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the caller's notifications read (all, or those `ids` of theirs)."""
    qs = Notification.objects.filter(recipient__user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
