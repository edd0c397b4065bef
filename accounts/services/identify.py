"""Step one of account creation and Lupa Password: find the participant by NIK or card number
and check the birth date. What an anonymous caller learns is limited to what issue 9 step 2
needs, and the views rate-limit it per IP address."""

from dataclasses import dataclass
from datetime import date

from django.core import signing
from django.utils.translation import gettext_lazy as _

from messaging.models import Channel
from messaging.phone import mask_email, mask_phone
from participants.models import Participant

from ..errors import AccountExists, IdentityMismatch, NoAccount, NotAParticipant
from ..identity import normalize_identifier
from ..models import Account

IDENTITY_SALT = "accounts.identity"
IDENTITY_MAX_AGE = 20 * 60


@dataclass(frozen=True)
class ChannelOption:
    channel: str
    destination_masked: str


def participant_by_identifier(identifier: str) -> Participant | None:
    kind, number = normalize_identifier(identifier)
    lookup = {"nik": number} if kind == "nik" else {"card_number": number}
    return (
        Participant.objects.select_related("user__account")
        .filter(retired_at__isnull=True, **lookup)
        .first()
    )


def account_channels(account: Account | None) -> list[ChannelOption]:
    if account is None:
        return []
    options = []
    if account.email:
        options.append(ChannelOption(Channel.EMAIL, mask_email(account.email)))
    if account.phone:
        options.append(ChannelOption(Channel.SMS, mask_phone(account.phone)))
    return options


def _account_of(participant: Participant) -> Account | None:
    user = participant.user
    return getattr(user, "account", None) if user is not None else None


def signup_identify(*, identifier: str, birth_date: date) -> Participant:
    participant = participant_by_identifier(identifier)
    if participant is None:
        raise NotAParticipant(
            _(
                "This number is not registered as a JKN participant. Register as a new "
                "participant first (Pendaftaran Peserta Baru, coming to this portal), at your "
                "branch office, or through Care Center 165 / PANDAWA WhatsApp 0811-8165-165."
            )
        )
    if participant.birth_date != birth_date:
        raise IdentityMismatch(
            _("The birth date does not match our data for this number."),
            fields={"birth_date": [str(_("The birth date does not match our data."))]},
        )
    if participant.user_id is not None:
        hints = ", ".join(o.destination_masked for o in account_channels(_account_of(participant)))
        raise AccountExists(
            _(
                "An account already exists for this participant (NIK sudah terdaftar). Log in "
                "with your NIK or card number and password, or choose Forgot password to get a "
                "code at the registered contact%(hints)s. No access to it any more? Visit your "
                "branch office with your KTP and KK."
            )
            % {"hints": f" ({hints})" if hints else ""}
        )
    return participant


def password_reset_identify(
    *, identifier: str, birth_date: date
) -> tuple[Participant, list[ChannelOption]]:
    participant = participant_by_identifier(identifier)
    if participant is None or participant.birth_date != birth_date or participant.user is None:
        raise NoAccount(
            _(
                "No account matches this number and birth date. Check both, or create an "
                "account first."
            )
        )
    options = account_channels(_account_of(participant))
    if not options:
        raise NoAccount(
            _(
                "This account has no registered e-mail or phone to send a code to. Visit your "
                "branch office with your KTP and KK, or call Care Center 165."
            ),
            code="NO_CONTACT",
        )
    return participant, options


def identity_token(*, participant: Participant, flow: str) -> str:
    """Carries the result of step one to the next step (the API has no session)."""
    return signing.dumps({"p": participant.pk, "f": flow}, salt=IDENTITY_SALT)


def identity_from_token(*, token: str, flow: str) -> Participant:
    try:
        data = signing.loads(token, salt=IDENTITY_SALT, max_age=IDENTITY_MAX_AGE)
    except signing.BadSignature as exc:
        raise IdentityMismatch(
            _("This step expired. Start again with your NIK or card number."),
            code="IDENTITY_EXPIRED",
            fields={"identity_token": [str(_("Expired or invalid."))]},
        ) from exc
    participant = (
        Participant.objects.select_related("user__account").filter(pk=data.get("p")).first()
    )
    if participant is None or data.get("f") != flow:
        raise IdentityMismatch(
            _("This step expired. Start again with your NIK or card number."),
            code="IDENTITY_EXPIRED",
            fields={"identity_token": [str(_("Expired or invalid."))]},
        )
    return participant
