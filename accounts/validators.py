"""Password rules for participant accounts (added to AUTH_PASSWORD_VALIDATORS), shown to the
user before they type through Django's help texts."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassesValidator:
    """At least one upper-case letter, one lower-case letter, one digit and one symbol."""

    def validate(self, password: str, user: Any = None) -> None:
        missing = []
        if not re.search(r"[A-Z]", password):
            missing.append(_("an upper-case letter"))
        if not re.search(r"[a-z]", password):
            missing.append(_("a lower-case letter"))
        if not re.search(r"[0-9]", password):
            missing.append(_("a digit"))
        if not re.search(r"[^A-Za-z0-9]", password):
            missing.append(_("a symbol such as ! @ # -"))
        if missing:
            raise ValidationError(
                _("The password needs %(missing)s.") % {"missing": ", ".join(missing)},
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return _("Use upper- and lower-case letters, a digit and a symbol.")


class IdentityNumberValidator:
    """Refuses a password containing the NIK, the card number, the birth date or a 6-digit
    run of them: the first things someone holding the KTP would try."""

    def validate(self, password: str, user: Any = None) -> None:
        numbers = [n for n in getattr(user, "identity_numbers", []) if n]
        username = getattr(user, "username", "") or ""
        if username.isdigit():
            numbers.append(username)
        digits = re.sub(r"\D", "", password)
        for number in numbers:
            runs = {number[i : i + 6] for i in range(0, max(len(number) - 5, 1))}
            if number in password or any(run in digits for run in runs if len(run) == 6):
                raise ValidationError(
                    _("The password must not contain your NIK, card number or birth date."),
                    code="password_identity_number",
                )

    def get_help_text(self) -> str:
        return _("Do not use your NIK, card number or birth date.")
