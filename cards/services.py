"""KIS Digital: the QR code's signed token, and the card as a PDF.

The token holds the card number and the time it was signed, signed with the portal's secret
(django.core.signing): a faskes that scans it asks GET /api/v1/cards/verify/<token>/ for the
live status. It never holds the NIK, and it expires after CARD_TOKEN_MAX_AGE_SECONDS, so a
screenshot of an old card does not vouch for today."""

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import segno
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF

from core.enqueue import enqueue_on_commit
from core.errors import DomainError
from core.formatting import mask_number
from families.selectors import MemberView
from participants.models import Participant

TOKEN_SALT = "cards.kis-digital"
CARD_EMAIL_INTERVAL_SECONDS = 60


class CardTokenError(DomainError):
    http_status = 400


@dataclass(frozen=True)
class CardToken:
    token: str
    card_number: str
    signed_at: datetime
    expires_at: datetime


def card_token_issue(*, card_number: str) -> CardToken:
    return card_token_read(token=signing.dumps({"c": card_number}, salt=TOKEN_SALT))


def card_token_read(*, token: str) -> CardToken:
    """The card number a token vouches for; refused when tampered with or expired."""
    max_age = settings.CARD_TOKEN_MAX_AGE_SECONDS
    try:
        value = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise CardTokenError(
            gettext_lazy(
                "This card's QR code has expired. Ask the participant to open the card again."
            ),
            code="CARD_TOKEN_EXPIRED",
        ) from exc
    except signing.BadSignature as exc:
        raise CardTokenError(
            gettext_lazy("This is not a valid KIS Digital QR code."), code="CARD_TOKEN_INVALID"
        ) from exc
    card_number = value.get("c") if isinstance(value, dict) else None
    if not isinstance(card_number, str):
        raise CardTokenError(
            gettext_lazy("This is not a valid KIS Digital QR code."), code="CARD_TOKEN_INVALID"
        )
    # A valid token's middle part is its signing time (base 62 seconds, django.core.signing).
    signed_at = datetime.fromtimestamp(signing.b62_decode(token.split(":")[-2]), tz=UTC)
    return CardToken(
        token=token,
        card_number=card_number,
        signed_at=signed_at,
        expires_at=signed_at + timedelta(seconds=max_age),
    )


def card_qr_svg(*, token: str) -> str:
    """The QR code as inline SVG markup (no script, no style attribute: fits the CSP)."""
    return segno.make(token, error="m").svg_inline(scale=5, light="#fff", border=4)


def card_qr_png(*, token: str) -> bytes:
    out = io.BytesIO()
    segno.make(token, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def _latin1(text: str) -> str:
    # The PDF's built-in Helvetica covers Latin-1: Indonesian names fit; anything else is "?".
    return text.encode("latin-1", errors="replace").decode("latin-1")


def card_pdf(*, member: MemberView, token: CardToken) -> bytes:
    """The card as a one-page PDF (credit-card proportions on A6), with the same QR code."""
    p = member.participant
    pdf = FPDF(orientation="L", unit="mm", format=(105, 148))  # A6
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_fill_color(11, 90, 162)
    pdf.rect(0, 0, 148, 16, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 14)
    pdf.set_xy(8, 4)
    pdf.cell(0, 8, "KIS Digital - JKN")
    pdf.set_text_color(29, 41, 57)
    rows = [
        (_("Name"), p.name),
        (_("Card no."), p.card_number),
        ("NIK", mask_number(p.nik) or "-"),
        ("FKTP", p.fktp.name),
        (_("Class"), str(p.care_class)),
        (_("Segment"), p.segment.name),
        (_("Status"), member.status.status_label),
    ]
    y: float = 22
    for label, value in rows:
        pdf.set_xy(8, y)
        pdf.set_font("Helvetica", "", 8)
        pdf.cell(24, 5, _latin1(str(label)))
        pdf.set_font("Helvetica", "B", 9)
        pdf.multi_cell(62, 5, _latin1(str(value)))
        y = max(y + 8, pdf.get_y() + 2)
    pdf.image(io.BytesIO(card_qr_png(token=token.token)), x=98, y=24, w=44, h=44)
    pdf.set_font("Helvetica", "", 7)
    pdf.set_xy(96, 70)
    valid = timezone.localtime(token.expires_at).strftime("%d-%m-%Y %H:%M")
    pdf.multi_cell(48, 4, _latin1(_("QR valid until %(t)s") % {"t": valid}), align="C")
    return bytes(pdf.output())


class CardEmailRefused(DomainError):
    pass


def card_email_request(*, member: MemberView, viewer: Participant) -> str:
    """ "Kirim Email": queue the card as a PDF to the account holder's registered e-mail,
    after commit. A second press within a minute sends nothing more."""
    if not viewer.email:
        raise CardEmailRefused(
            gettext_lazy("No e-mail address is registered for your account."), code="NO_EMAIL"
        )
    key = f"cards:email:{viewer.pk}:{member.participant.pk}"
    if not cache.add(key, 1, timeout=CARD_EMAIL_INTERVAL_SECONDS):
        raise CardEmailRefused(
            gettext_lazy("The card was sent less than a minute ago: look in your inbox."),
            code="CARD_EMAIL_RECENT",
        )
    enqueue_on_commit("cards.tasks.send_card_email", member.participant.pk, viewer.pk)
    return viewer.email


def card_email_send(*, member: MemberView, viewer: Participant) -> None:
    token = card_token_issue(card_number=member.participant.card_number)
    with translation.override("id"):
        subject = _("KIS Digital of %(name)s") % {"name": member.participant.name}
        body = _(
            "Attached is the KIS Digital card of %(name)s (card %(card)s) as a PDF. Its QR code "
            "is valid until %(until)s; open the card in JKN Portal for a fresh one."
        ) % {
            "name": member.participant.name,
            "card": member.participant.card_number,
            "until": timezone.localtime(token.expires_at).strftime("%d-%m-%Y %H:%M"),
        }
        pdf = card_pdf(member=member, token=token)
    message = EmailMessage(subject=subject, body=body, to=[viewer.email])
    message.attach(f"kis-digital-{member.participant.card_number}.pdf", pdf, "application/pdf")
    message.send()
