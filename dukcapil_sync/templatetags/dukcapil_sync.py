"""The sync panel on Info Peserta (the families template loads it; families' Python code
never imports dukcapil_sync)."""

from typing import Any

from django import template

from families.models import FamilyCard

from ..selectors import family_sync_panel

register = template.Library()


@register.inclusion_tag("dukcapil_sync/_family_panel.html", takes_context=True)
def family_sync_panel_for(context: dict[str, Any], family: FamilyCard) -> dict[str, Any]:
    return {
        "panel": family_sync_panel(family=family),
        "messages": context.get("messages"),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
