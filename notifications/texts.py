"""What a notification says, in the reader's language (the list) or Indonesian (e-mail, SMS)."""

from datetime import date

from django.utils.translation import gettext as _

from core.formatting import rupiah
from participants.models import Reason, Status

from .models import Kind, Notification


def _label(choices: type[Status] | type[Reason], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def notification_text(notification: Notification) -> tuple[str, str]:
    """(title, body) of a notification."""
    p = notification.params
    kind = notification.kind
    if kind == Kind.STATUS_CHANGED:
        title = _("Status of %(name)s: %(status)s") % {
            "name": p["name"],
            "status": _label(Status, p["status"]),
        }
        body = _("Changed from %(old)s to %(new)s. Reason: %(reason)s.") % {
            "old": _label(Status, p["old_status"]),
            "new": _label(Status, p["status"]),
            "reason": _label(Reason, p["reason"]),
        }
        if p.get("note"):
            body += f" {p['note']}"
        return title, body
    if kind == Kind.BILL_DUE:
        due = date.fromisoformat(p["due_date"])
        return (
            _("Contribution due on %(date)s") % {"date": due.strftime("%d-%m-%Y")},
            _(
                "The bill for %(month)s, %(amount)s, is due on %(date)s. "
                "Pay it to keep every member AKTIF."
            )
            % {
                "month": date.fromisoformat(p["month"]).strftime("%m-%Y"),
                "amount": rupiah(p["amount"]),
                "date": due.strftime("%d-%m-%Y"),
            },
        )
    if kind == Kind.PAYMENT_CONFIRMED:
        return (
            _("Payment of %(amount)s received") % {"amount": rupiah(p["amount"])},
            _("Your payment of %(amount)s is confirmed and recorded.")
            % {"amount": rupiah(p["amount"])},
        )
    if kind == Kind.COMPLAINT_ANSWERED:
        return (
            _("Complaint #%(id)s answered") % {"id": p["complaint"]},
            _("The branch office answered your complaint “%(subject)s”.")
            % {"subject": p["subject"]},
        )
    if kind == Kind.COMPLAINT_CLOSED:
        return (
            _("Complaint #%(id)s closed") % {"id": p["complaint"]},
            _("Your complaint “%(subject)s” was closed: no reply came after the branch's answer.")
            % {"subject": p["subject"]},
        )
    return (
        _("Data of %(name)s changed") % {"name": p["name"]},
        _("A change to the data of %(name)s took effect: %(reason)s.")
        % {"name": p["name"], "reason": p["reason"]},
    )
