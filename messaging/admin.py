"""Staff see messages of their branch's participants (read-only) and can retry failed ones."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import Message
from .selectors import messages_for_staff
from .services import message_retry


class StaffReadOnlyAdmin(ReadOnlyAdmin):
    """Read-only for every staff member; what each one sees is decided by get_queryset."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff)


@admin.register(Message)
class MessageAdmin(StaffReadOnlyAdmin):
    list_display = ["created_at", "channel", "destination", "template", "state", "attempts"]
    list_filter = ["state", "channel", "template"]
    search_fields = ["destination", "event_key"]
    actions = ["retry_failed"]
    readonly_fields = [
        "event_key",
        "channel",
        "destination",
        "template",
        "language",
        "subject",
        "state",
        "attempts",
        "last_error",
        "provider_id",
        "created_at",
        "claimed_at",
        "next_attempt_at",
        "sent_at",
        "body_erased",
    ]
    # Bodies hold one-time codes: staff see the outbox page on the embedded default only.
    exclude = ["body_text", "body_html", "user", "participant"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return messages_for_staff(user=request.user)  # type: ignore[arg-type]

    @admin.action(description=_("Send the selected failed messages again"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        retried = 0
        for message in queryset.filter(state=Message.State.FAILED):
            message_retry(message=message, actor=request.user)  # type: ignore[arg-type]
            retried += 1
        self.message_user(
            request, _("%(n)d message(s) queued again.") % {"n": retried}, messages.SUCCESS
        )
