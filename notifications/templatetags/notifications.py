from typing import Any

from django import template

from core.models import User

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    count = unread_count(user=user) if isinstance(user, User) else 0
    return {"count": count}
