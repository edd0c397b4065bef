"""KIS Digital pages: a member's card with its QR code, and "Kirim Email" (the card as a PDF
to the registered e-mail). Scope: a member of the caller's own family; anyone else is 404."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.models import User
from families.selectors import FamilyView, MemberView, family_view_for_user

from .services import card_email_request, card_qr_svg, card_token_issue


def _member(request: HttpRequest, card_number: str) -> tuple[FamilyView, MemberView]:
    view = family_view_for_user(user=cast(User, request.user), on=timezone.localdate())
    member = view.member(card_number) if view else None
    if view is None or member is None:
        raise Http404
    return view, member


@login_required
@never_cache  # the QR code expires: never show a cached one
def card(request: HttpRequest, card_number: str) -> HttpResponse:
    view, member = _member(request, card_number)
    token = card_token_issue(card_number=member.participant.card_number)
    return render(
        request,
        "cards/card.html",
        {
            "view": view,
            "member": member,
            "token": token,
            # segno's own SVG markup, made from our token only: nothing user-typed in it.
            "qr_svg": mark_safe(card_qr_svg(token=token.token)),  # noqa: S308
            "email": view.viewer.email,
        },
    )


@login_required
@require_POST
def card_email(request: HttpRequest, card_number: str) -> HttpResponse:
    view, member = _member(request, card_number)
    try:
        address = card_email_request(member=member, viewer=view.viewer)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The card is on its way to %(email)s as a PDF.") % {"email": address}
        )
    return redirect("cards:card", card_number=card_number)
