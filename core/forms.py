from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import User
from .nik import validate_nik


class LoginForm(AuthenticationForm):
    """Participant login with NIK (or the 13-digit card number, see accounts.backends) +
    password. The NIK's shape is checked before any password is tried, so a typo gets a precise
    message and does not count as a failed login."""

    username = forms.CharField(
        label=_("NIK or card number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "username"}
        ),
    )

    # "Ingat saya": read by accounts.receivers when the session is recorded.
    remember_me = forms.BooleanField(label=_("Remember me"), required=False)

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong NIK, card number or password."),
        "not_participant": _("This login is for participants. Staff use the admin site."),
    }

    def clean_username(self) -> str:
        # People copy the NIK from the KTP with spaces or dots between the groups.
        nik = "".join(ch for ch in self.cleaned_data["username"] if ch not in " .-")
        if len(nik) == 13 and nik.isdigit():
            return nik  # a JKN card number
        try:
            validate_nik(nik)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return nik

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if user.role != User.Role.PARTICIPANT:
            raise ValidationError(self.error_messages["not_participant"], code="not_participant")
