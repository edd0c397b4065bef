"""Info Peserta: the participant's family with each member's status, reason and remedy."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.auth import signed_in_user
from participants.selectors import participant_status_history

from .selectors import family_view_for_user


@login_required
def family(request: HttpRequest) -> HttpResponse:
    view = family_view_for_user(user=signed_in_user(request), on=timezone.localdate())
    if view is None:
        raise Http404
    return render(request, "families/family.html", {"view": view})


@login_required
def member_detail(request: HttpRequest, card_number: str) -> HttpResponse:
    view = family_view_for_user(user=signed_in_user(request), on=timezone.localdate())
    member = view.member(card_number) if view else None
    if view is None or member is None:
        # Another family's card answers exactly like a card that does not exist.
        raise Http404
    history = participant_status_history(participant=member.participant)[:100]
    return render(
        request,
        "families/member_detail.html",
        {"view": view, "member": member, "history": history},
    )
