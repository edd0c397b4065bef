from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import BranchOffice


class CredentialIssueForm(forms.Form):
    name = forms.CharField(label=_("facility name"), max_length=120)
    provider_code = forms.CharField(label=_("provider code (PPK)"), max_length=12, required=False)
    consumer_id = forms.RegexField(
        label=_("consumer id"),
        regex=r"^[0-9]{1,16}$",
        required=False,
        help_text=_("Digits only. Leave empty to get the next free number."),
        error_messages={"invalid": _("Digits only, at most 16.")},
    )
    branch = forms.ModelChoiceField(label=_("branch office"), queryset=BranchOffice.objects.all())

    def __init__(self, *args: object, branch: BranchOffice | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if branch is not None:
            # Staff issue credentials for their own branch only.
            field = self.fields["branch"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = BranchOffice.objects.filter(pk=branch.pk)
            field.initial = branch
