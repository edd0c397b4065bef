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
