"""Input checks shared by forms, serializers and the admin: dates in a sensible window and
amounts typed the Indonesian way."""

import re
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# JKN started on 1 January 2014 (Perpres 12/2013): no coverage, bill or stay before that.
JKN_START = date(2014, 1, 1)
# How far ahead a date may be asked about (a planned admission, next month's coverage).
DAYS_AHEAD = 366


def date_window(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return JKN_START, today + timedelta(days=DAYS_AHEAD)


def validate_service_date(value: date) -> None:
    """A date of care or coverage: from the start of JKN to a year ahead. Year 1 or 9999 would
    otherwise be answered with "Tunggakan iuran 95675 bulan"."""
    first, last = date_window()
    if not first <= value <= last:
        raise ValidationError(
            _("Choose a date from %(first)s to %(last)s.")
            % {"first": date_format(first, "j F Y"), "last": date_format(last, "j F Y")},
            code="date_out_of_window",
        )


# Rp 10.000.000 / 10.000.000 / 10 000 000 / 10000000 / 10.000.000,00 (Indonesian: "." groups
# thousands, "," starts the sen). "10,000,000" (English grouping) is accepted as well.
_RUPIAH = re.compile(
    r"^(?:rp\.?)?\s*(?P<int>\d{1,3}(?:([.\s,])\d{3})(?:\2\d{3})*|\d+)(?:,(?P<sen>\d{1,2}))?$",
    re.IGNORECASE,
)


def parse_rupiah(text: str) -> int:
    """Whole rupiah from what a person types; ValueError if it is not an amount."""
    cleaned = text.strip().replace("\u00a0", " ")
    match = _RUPIAH.fullmatch(cleaned)
    if match is None:
        raise ValueError(text)
    if match["sen"] and int(match["sen"]):
        raise ValueError(text)  # iuran and costs are whole rupiah
    return int(re.sub(r"\D", "", match["int"]))


class RupiahField(forms.IntegerField):
    """An amount in whole rupiah, typed as the pages write it ("Rp10.000.000")."""

    widget = forms.TextInput

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_rupiah(str(value))
        except ValueError:
            raise ValidationError(
                _("Type an amount in rupiah, e.g. 10.000.000."), code="invalid"
            ) from None

    def prepare_value(self, value: object) -> object:
        # Shown the way the pages write amounts: 9500000 as "9.500.000".
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}".replace(",", ".")
        return value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        # A text box with the numeric keyboard: a number input refuses "10.000.000".
        attrs = super().widget_attrs(widget)
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs.pop("step", None)
        return {**attrs, "inputmode": "numeric"}


# Indonesian mobile and landline numbers: 08.. / +628.. / 628.. for mobiles, 0 + area code for
# landlines; 9 to 13 digits after the leading 0 (Kominfo numbering plan).
_PHONE = re.compile(r"^(?:\+?62|0)([1-9][0-9]{7,12})$")


def normalize_indonesian_phone(text: str) -> str:
    """ "0812-3456-7890", "+62 812 3456 7890" -> "081234567890"; ValidationError otherwise."""
    compact = re.sub(r"[\s.\-()]", "", text.strip())
    match = _PHONE.fullmatch(compact)
    if match is None:
        raise ValidationError(
            _("Type an Indonesian phone number, e.g. 0812-3456-7890 or +62 812 3456 7890."),
            code="phone",
        )
    return "0" + match[1]
