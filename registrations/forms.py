from typing import Any

from captcha.fields import CaptchaField
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models import Relationship


class MemberAddForm(forms.Form):
    relationship = forms.ChoiceField(
        label=_("Relationship"),
        choices=[(r.value, r.label) for r in Relationship if r != Relationship.HEAD],
    )
    nik = forms.RegexField(
        label="NIK",
        regex=r"^[0-9]{16}$",
        required=False,
        error_messages={"invalid": _("A NIK has 16 digits.")},
    )
    birth_certificate_number = forms.CharField(
        label=_("Birth certificate number (newborn without a NIK yet)"),
        required=False,
        max_length=40,
    )
    name = forms.CharField(label=_("Name (as on the KK)"), max_length=120)
    birth_place = forms.CharField(label=_("Birth place"), max_length=60, required=False)
    birth_date = forms.DateField(
        label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("L", _("male")), ("P", _("female"))])

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("nik") and not data.get("birth_certificate_number"):
            self.add_error(
                "nik", _("Enter the NIK, or the birth-certificate number for a newborn.")
            )
        return data


class KkForm(forms.Form):
    kk_number = forms.CharField(label=_("KK number (16 digits)"), max_length=16)
    captcha = CaptchaField(
        label=_("Bot check: type the result of the calculation in the picture"),
        error_messages={"invalid": _("Wrong answer to the bot check. Try the new picture.")},
    )


class CounterStartForm(forms.Form):
    """Branch staff at the counter, first page: why, and the family's KK."""

    counter_reason = forms.CharField(
        label=_("Reason (registration at the counter)"),
        max_length=255,
        help_text=_("Required: kept on the registration and in each new participant's history."),
        error_messages={"required": _("Staff registering at the counter must give a reason.")},
    )
    kk_number = forms.RegexField(
        label=_("KK number (16 digits)"),
        regex=r"^[0-9]{16}$",
        error_messages={"invalid": _("A KK number has 16 digits.")},
    )
    terms_accepted = forms.BooleanField(
        label=_("The family has read and accepted the terms"),
        error_messages={"required": _("The family must accept the terms to register.")},
    )


class CounterSubmitForm(forms.Form):
    """Second page: each member's FKTP (and contact), the class, the family's contact and the
    family's consent. One FKTP field per member who must register, named `fktp_<NIK>`."""

    care_class = forms.TypedChoiceField(
        label=_("Class"), coerce=int, choices=[(1, "I"), (2, "II"), (3, "III")]
    )
    email = forms.EmailField(
        label=_("E-mail (the virtual account is sent there)"),
        error_messages={
            "required": _("An e-mail address is needed: the virtual account is sent there.")
        },
    )
    phone = forms.RegexField(
        label=_("Mobile number"),
        regex=r"^\+?[0-9]{9,15}$",
        required=False,
        error_messages={"invalid": _("A mobile number has 9 to 15 digits.")},
    )
    consent = forms.BooleanField(
        label=_("The family agrees to the statement (the data are true)"),
        error_messages={"required": _("The family must agree to the statement to register.")},
    )

    def __init__(
        self,
        *args: Any,
        members: list[dict[str, Any]],
        facilities: list[tuple[int, str]],
        quotes: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.member_niks = [m["nik"] for m in members]
        self.fields["care_class"].choices = [  # type: ignore[attr-defined]
            (c, f"{label} · {quotes[c]}") for c, label in ((1, "I"), (2, "II"), (3, "III"))
        ]
        for m in members:
            self.fields[f"fktp_{m['nik']}"] = forms.TypedChoiceField(
                label=_("FKTP of %(name)s") % {"name": m["name"]},
                coerce=int,
                choices=[("", "---------"), *facilities],
                error_messages={"required": _("Choose an FKTP near the family's district.")},
            )

    def member_rows(self) -> list[dict[str, Any]]:
        """The members step's input, as `registration_set_members` takes it."""
        return [
            {"nik": nik, "fktp_id": self.cleaned_data[f"fktp_{nik}"]} for nik in self.member_niks
        ]
