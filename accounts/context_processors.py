"""Template context for every page: whether to ask the participant to set their PIN.

Reads only the session flag set at login (accounts.receivers), so pages make no query."""

from typing import Any

from django.http import HttpRequest

from .receivers import PIN_PROMPT


def pin_prompt(request: HttpRequest) -> dict[str, Any]:
    session = getattr(request, "session", None)
    return {"pin_missing": bool(session is not None and session.get(PIN_PROMPT))}
