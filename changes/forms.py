"""Request shapes of the Ubah Data pages (400-style field errors); the rules are services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

CLASS_CHOICES = [(1, _("Class 1")), (2, _("Class 2")), (3, _("Class 3"))]
DIGITS = {"inputmode": "numeric", "autocomplete": "off"}


class SegmentForm(forms.Form):
    card_numbers = forms.MultipleChoiceField(
        label=_("Members who move to PBPU (Mandiri)"), widget=forms.CheckboxSelectMultiple
    )
    care_class = forms.TypedChoiceField(
        label=_("Class"), choices=CLASS_CHOICES, coerce=int, initial=3
    )
    bank = forms.ChoiceField(
        label=_("Bank for autodebit"),
        choices=[
            ("BRI", "BRI"),
            ("BNI", "BNI"),
            ("MANDIRI", "Mandiri"),
            ("BTN", "BTN"),
            ("BCA", "BCA"),
        ],
    )
    account_number = forms.RegexField(
        label=_("Account number"),
        regex=r"^[0-9]{8,20}$",
        widget=forms.TextInput(attrs=DIGITS),
        error_messages={"invalid": _("The account number is 8 to 20 digits.")},
    )
    account_holder = forms.CharField(label=_("Account holder"), max_length=120)
    consent = forms.BooleanField(
        label=_(
            "I register this account for autodebit of the monthly contribution "
            "(simulation: no bank is called)."
        ),
    )


class FktpForm(forms.Form):
    card_number = forms.ChoiceField(label=_("Member"))
    facility_code = forms.ChoiceField(label="FKTP", widget=forms.RadioSelect)
    whole_family = forms.BooleanField(label=_("For the whole family"), required=False)


class ClassForm(forms.Form):
    care_class = forms.TypedChoiceField(label=_("New class"), choices=CLASS_CHOICES, coerce=int)


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("New phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("New e-mail"), max_length=254)


class AddressForm(forms.Form):
    province = forms.ChoiceField(label=_("Province"))
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    district = forms.ChoiceField(label=_("District (kecamatan)"), required=False)
    address = forms.CharField(
        label=_("Street, number, RT/RW, village"), max_length=255, required=False
    )


class NikForm(forms.Form):
    card_number = forms.ChoiceField(label=_("Newborn"))
    nik = forms.RegexField(
        label=_("NIK on the new KK"),
        regex=r"^[0-9]{16}$",
        widget=forms.TextInput(attrs=DIGITS),
        error_messages={"invalid": _("The NIK is 16 digits.")},
    )


class ConfirmForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[0-9]{6}$",
        required=False,
        widget=forms.TextInput(attrs={**DIGITS, "autocomplete": "one-time-code"}),
        error_messages={"invalid": _("Enter the 6 digits.")},
    )
    pin = forms.RegexField(
        label="PIN",
        regex=r"^[0-9]{6}$",
        required=False,
        widget=forms.PasswordInput(attrs=DIGITS),
        error_messages={"invalid": _("Enter the 6 digits.")},
    )
