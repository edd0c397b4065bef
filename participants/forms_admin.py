"""The staff correction form: request shape and the checks `participant_correct` would refuse,
so that a bad correction comes back as a field error instead of reaching the service."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.nik import validate_nik_matches
from core.validators import RupiahField, normalize_indonesian_phone

from .models import Participant
from .services import CORRECTABLE_FIELDS

REASON_REQUIRED = _("A reason is required for every correction.")


class ParticipantCorrectionForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("reason for the correction"),
        max_length=100,  # simple-history's history_change_reason column
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required. Kept in the change history and shown with the status history."),
        error_messages={"required": REASON_REQUIRED},
    )

    # Wider than the stored 16 characters: "+62 812-3456-7890" is stored as "081234567890".
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)
    salary = RupiahField(
        label=_("salary (Rp)"),
        required=False,
        min_value=0,
        help_text=_("PPU only: the monthly salary, e.g. 9.500.000."),
    )

    class Meta:
        model = Participant
        fields = sorted(CORRECTABLE_FIELDS)
        labels = {
            "user": _("login account"),
            "coverage_end_reason": _("reason coverage ended"),
        }

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone") or ""
        return normalize_indonesian_phone(phone) if phone else ""

    def clean_care_class(self) -> int | None:
        # The database refuses any other class too, but with a message staff cannot read.
        care_class = self.cleaned_data.get("care_class")
        if care_class is not None and care_class not in (1, 2, 3):
            raise ValidationError(_("The class is 1, 2 or 3."), code="care_class")
        return care_class

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        nik, birth_date, sex = data.get("nik"), data.get("birth_date"), data.get("sex")
        if nik and birth_date and sex:
            try:
                validate_nik_matches(
                    nik, birth_date=birth_date, is_female=sex == Participant.Sex.FEMALE
                )
            except ValidationError as exc:
                self.add_error("nik", exc)
        # The live-NIK unique constraint is conditional on retired_at, which is not on this
        # form, so ModelForm skips it: check here rather than fail on the database.
        if (
            nik
            and "nik" in self.changed_data
            and Participant.objects.filter(nik=nik, retired_at__isnull=True)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("nik", _("This NIK already belongs to another participant."))
        return data

    def correction_changes(self) -> dict[str, Any]:
        """The corrected fields and their new values, for `participant_correct`."""
        return {f: self.cleaned_data[f] for f in self.changed_data if f in CORRECTABLE_FIELDS}
