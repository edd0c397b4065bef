"""A member's data changes on the member page (the families template loads this; families'
Python code never imports changes)."""

from django import template

from participants.models import Participant

from ..selectors import member_changes

register = template.Library()


@register.inclusion_tag("changes/_changes_table.html")
def member_change_history(participant: Participant) -> dict:
    return {"changes": list(member_changes(participant=participant)[:100]), "show_member": False}
