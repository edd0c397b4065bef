"""Who a participant says they are: NIK or card number, normalised the same way everywhere, so
no limit can be dodged by spaces, dots or by switching between the two numbers."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.nik import validate_nik

_SEPARATORS = re.compile(r"[\s.\-_/]")


def normalize_identifier(value: str) -> tuple[str, str]:
    """' 3174.0101 0180-0001 ' -> ('nik', '3174010101800001'); 13 digits -> ('card', ...)."""
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    if not digits.isdigit():
        raise ValidationError(_("Enter your 16-digit NIK or 13-digit JKN card number."), "format")
    if len(digits) == 16:
        try:
            validate_nik(digits)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return "nik", digits
    if len(digits) == 13:
        return "card", digits
    raise ValidationError(_("Enter your 16-digit NIK or 13-digit JKN card number."), "length")


def normalize_email(value: str) -> str:
    """The account's e-mail as stored and as uniqueness sees it: trimmed, lower-case."""
    return unicodedata.normalize("NFKC", value or "").strip().lower()


def email_limit_key(value: str) -> str:
    """The e-mail as send limits see it: also without dots and '+tag' in the local part, since
    most providers deliver 'b.udi+x@...' to 'budi@...'."""
    local, _sep, domain = normalize_email(value).partition("@")
    local = local.split("+", 1)[0].replace(".", "")
    return f"{local}@{domain}"


def mask_name(name: str) -> str:
    """'Budi Santoso' -> 'BU** SA*****': enough to recognise oneself, not to learn a name."""
    words = []
    for word in name.upper().split():
        shown = word[:2]
        words.append(shown + "*" * max(len(word) - len(shown), 2))
    return " ".join(words)
