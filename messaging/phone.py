"""Indonesian mobile numbers (parsed by Google's libphonenumber through `phonenumbers`)."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalize_mobile(value: str) -> str:
    """'0812-3456-7890', '+62 812 3456 7890' or '62812...' -> '+6281234567890' (E.164).

    Only Indonesian mobile numbers: a code sent by SMS to a landline never arrives."""
    raw = (value or "").strip()
    if raw.startswith("62"):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a phone number such as 0812-3456-7890."), "phone") from exc
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid Indonesian mobile number."), "phone")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise ValidationError(_("Enter a mobile number: codes are sent by SMS."), "phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national(e164: str) -> str:
    """+6281234567890 -> 081234567890 (how Indonesians write their number)."""
    return "0" + e164[3:] if e164.startswith("+62") else e164


def mask_phone(e164: str) -> str:
    """+6281234567890 -> 0812*****7890."""
    number = national(e164)
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_email(email: str) -> str:
    """budi.santoso@gmail.com -> bu**********@gmail.com."""
    local, _sep, domain = (email or "").partition("@")
    if not domain:
        return ""
    shown = local[:2] if len(local) > 2 else local[:1]
    return shown + "*" * max(len(local) - len(shown), 3) + "@" + domain
