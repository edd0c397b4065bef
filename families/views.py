"""Info Peserta: the participant's family with each member's status, reason and remedy."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.auth import signed_in_user
from core.cache import kept
from core.pages import kept_page
from participants.selectors import participant_status_history

from .models import FamilyCard
from .selectors import family_page_facts_for_user, family_view_for_user


@login_required
def family(request: HttpRequest) -> HttpResponse:
    user, on = signed_in_user(request), timezone.localdate()
    # The whole page is kept under the family's fact tokens and the page states (core.pages),
    # read in one statement; its summary and members are kept under the fact tokens alone,
    # so a new notification renders the layout again but not the family. A payment, a sync
    # result or a correction gives the next request new keys.
    found = family_page_facts_for_user(user=user)
    if found is None:
        raise Http404
    facts, states = found
    language = translation.get_language()
    seconds = settings.FAMILY_READ_CACHE_SECONDS

    def compute_parts() -> dict[str, str] | None:
        view = family_view_for_user(user=user, on=on)
        if view is None:
            return None
        return {
            name: render_to_string(f"families/_{name}.html", {"view": view}, request=request)
            for name in ("summary", "members")
        }

    def render_page() -> str:
        parts = kept(facts.key("family-page", language, on.isoformat()), compute_parts, seconds)
        if parts is None:
            raise Http404
        # The panel filters by the family's id only: no need to read the card again.
        context = {"parts": parts, "family": FamilyCard(pk=facts.family_id)}
        return render_to_string("families/family.html", context, request=request)

    page_key = facts.key("family-page-whole", language, on.isoformat(), states)
    return kept_page(request, key=page_key, render=render_page, seconds=seconds)


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
