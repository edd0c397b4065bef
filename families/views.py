"""Info Peserta: the participant's family with each member's status, reason and remedy."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.auth import signed_in_user
from core.cache import kept
from participants.selectors import participant_status_history

from .models import FamilyCard
from .selectors import family_facts_for_user, family_view_for_user


@login_required
def family(request: HttpRequest) -> HttpResponse:
    user, on = signed_in_user(request), timezone.localdate()
    # The family's summary and members are rendered once and kept under the fact tokens of
    # the family (families.selectors.family_facts_for_user): a payment, a sync result or a
    # correction gives the next request a new key. The sync panel is read each time.
    facts = family_facts_for_user(user=user)
    if facts is None:
        raise Http404
    key = facts.key("family-page", translation.get_language(), on.isoformat())

    def compute() -> dict[str, str] | None:
        view = family_view_for_user(user=user, on=on)
        if view is None:
            return None
        return {
            name: render_to_string(f"families/_{name}.html", {"view": view}, request=request)
            for name in ("summary", "members")
        }

    parts = kept(key, compute, settings.FAMILY_READ_CACHE_SECONDS)
    if parts is None:
        raise Http404
    # The panel filters by the family's id only: no need to read the card again.
    family_card = FamilyCard(pk=facts.family_id)
    return render(request, "families/family.html", {"parts": parts, "family": family_card})


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
