"""The bell: the participant's notifications (newest first) and the per-channel preferences."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.models import User

from .selectors import notifications_for_user
from .services import notifications_mark_read, preference_of, preference_set
from .texts import notification_text


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=gettext_lazy("By e-mail"), required=False)
    sms = forms.BooleanField(label=gettext_lazy("By SMS"), required=False)


def _participant_user(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if user.role != User.Role.PARTICIPANT:
        raise Http404
    return user


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _participant_user(request)
    page = Paginator(notifications_for_user(user=user), 20).get_page(request.GET.get("page"))
    items = [(n, *notification_text(n)) for n in page]
    response = render(request, "notifications/list.html", {"page": page, "items": items})
    # Shown is read: the bell's count drops once the person has seen them.
    notifications_mark_read(user=user, ids=[n.pk for n in page])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = _participant_user(request)
    current = preference_of(user=user)
    form = PreferenceForm(
        request.POST or None, initial={"email": current.email, "sms": current.sms}
    )
    if request.method == "POST" and form.is_valid():
        preference_set(user=user, email=form.cleaned_data["email"], sms=form.cleaned_data["sms"])
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
