"""The staff-only outbox page: every message sent, newest first, with its delivery state."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from .models import Message
from .selectors import messages_for_staff


@method_decorator(staff_member_required, name="dispatch")
class OutboxView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        qs = messages_for_staff(user=request.user)  # type: ignore[arg-type]
        state = request.GET.get("state", "")
        if state in Message.State.values:
            qs = qs.filter(state=state)
        destination = request.GET.get("to", "").strip()
        if destination:
            qs = qs.filter(destination__icontains=destination)
        page = Paginator(qs, 25).get_page(request.GET.get("page"))
        return render(
            request,
            "messaging/outbox.html",
            {"page": page, "states": Message.State.choices, "state": state, "to": destination},
        )
