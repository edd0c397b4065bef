"""Forms of the participant pages: request shape only; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Topic


class ComplaintForm(forms.Form):
    participant = forms.ChoiceField(label=_("Family member"))
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Subject"), max_length=120)
    text = forms.CharField(label=_("Your complaint"), max_length=4000, widget=forms.Textarea)
    attachment = forms.FileField(
        label=_("Attachment (optional): photo or PDF, at most 5 MB"), required=False
    )
    resync_requested = forms.BooleanField(
        label=_("Ask the branch to re-sync my family's data with Dukcapil"), required=False
    )
    topic = forms.ChoiceField(choices=Topic.choices, widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, members: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["participant"].choices = members  # type: ignore[attr-defined]
        self.fields["attachment"].widget.attrs["accept"] = "image/jpeg,image/png,application/pdf"


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), max_length=4000, widget=forms.Textarea)
