"""The staff correction form: request shape and the checks `participant_correct` would refuse,
so that a bad correction comes back as a field error instead of reaching the service."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.nik import validate_nik_matches

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

    class Meta:
        model = Participant
        fields = sorted(CORRECTABLE_FIELDS)

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
