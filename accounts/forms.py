"""Request shape of the account pages; business rules are checked by the services."""

from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from messaging.models import Channel
from messaging.phone import normalize_mobile

from .identity import normalize_identifier

CHANNEL_CHOICES = [(Channel.EMAIL, _("E-mail")), (Channel.SMS, "SMS")]


def password_rules() -> list[str]:
    return [str(t) for t in password_validators_help_texts()]


class IdentifyForm(forms.Form):
    identifier = forms.CharField(
        label=_("NIK or JKN card number"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
        help_text=_("16-digit NIK from your KTP, or the 13-digit number on your JKN card."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    captcha = CaptchaField(
        label=_("Bot check: type the result of the calculation in the picture"),
        error_messages={"invalid": _("Wrong answer to the bot check. Try the new picture.")},
    )

    def clean_identifier(self) -> str:
        try:
            normalize_identifier(self.cleaned_data["identifier"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return self.cleaned_data["identifier"]


class PasswordPairMixin(forms.Form):
    def _check_pair(self, first: str, second: str) -> None:
        data = self.cleaned_data
        if data.get(first) and data.get(second) and data[first] != data[second]:
            self.add_error(second, _("The two passwords differ."))


class SignupDetailsForm(PasswordPairMixin):
    confirm = forms.BooleanField(label=_("Yes, this is me"))
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    channel = forms.ChoiceField(
        label=_("Send the code by"),
        choices=CHANNEL_CHOICES,
        widget=forms.RadioSelect,
        initial=Channel.EMAIL,
    )

    def clean_phone(self) -> str:
        return normalize_mobile(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        self._check_pair("password", "password2")
        return self.cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isdigit()):
            raise ValidationError(_("The code is 6 digits."))
        return code


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(label=_("Send the code to"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, options: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {Channel.EMAIL: _("E-mail"), Channel.SMS: "SMS"}
        field = self.fields["channel"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (o.channel, f"{labels[o.channel]} {o.destination_masked}") for o in options
        ]
        if options:
            field.initial = options[0].channel


class ResetCodeForm(CodeForm, PasswordPairMixin):
    new_password = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        self._check_pair("new_password", "new_password2")
        return self.cleaned_data


class PinSetForm(forms.Form):
    pin = forms.CharField(
        label=_("New 6-digit PIN"),
        max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    pin2 = forms.CharField(
        label=_("PIN again"),
        max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.cleaned_data.get("pin") != self.cleaned_data.get("pin2"):
            self.add_error("pin2", _("The two PINs differ."))
        return self.cleaned_data


class PinChangeStartForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    channel = forms.ChoiceField(
        label=_("Send the code by"),
        choices=CHANNEL_CHOICES,
        widget=forms.RadioSelect,
        initial=Channel.EMAIL,
    )


class PinChangeCodeForm(CodeForm):
    new_pin = forms.CharField(
        label=_("New 6-digit PIN"),
        max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
