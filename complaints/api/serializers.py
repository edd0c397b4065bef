"""Complaint API shapes. Request serializers check the shape (400 with field errors); the
rules are the services' (409 with a code)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Category, Complaint, Reply, Topic


class ReplySerializer(serializers.ModelSerializer):
    text = serializers.CharField(source="display_text")

    class Meta:
        model = Reply
        fields = ["id", "side", "event", "text", "created_at"]


class ComplaintSerializer(serializers.ModelSerializer):
    participant = serializers.SerializerMethodField()
    branch = serializers.CharField(source="branch.name")
    attachment = serializers.SerializerMethodField()
    can_delete = serializers.SerializerMethodField()
    can_reply = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "participant",
            "branch",
            "category",
            "topic",
            "subject",
            "text",
            "status",
            "resync_requested",
            "resync_triggered_at",
            "attachment",
            "created_at",
            "first_branch_reply_at",
            "last_branch_reply_at",
            "last_participant_reply_at",
            "closed_at",
            "can_delete",
            "can_reply",
        ]

    def get_participant(self, obj: Complaint) -> dict[str, str]:
        return {"card_number": obj.participant.card_number, "name": obj.participant.name}

    def get_attachment(self, obj: Complaint) -> dict[str, Any] | None:
        if not obj.attachment:
            return None
        return {
            "name": obj.attachment_name,
            "content_type": obj.attachment_type,
            "size": obj.attachment_size,
            "url": f"/api/v1/complaints/{obj.pk}/attachment/",
        }

    def get_can_delete(self, obj: Complaint) -> bool:
        return obj.status == "OPEN"

    def get_can_reply(self, obj: Complaint) -> bool:
        return (
            obj.status in ("OPEN", "PENANGANAN")
            if self.context.get("staff")
            else (obj.status == "PENANGANAN")
        )


class ComplaintDetailSerializer(ComplaintSerializer):
    replies = ReplySerializer(many=True, read_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "replies"]


class ComplaintCreateSerializer(serializers.Serializer):
    participant = serializers.RegexField(
        r"^[0-9]{13}$",
        help_text=_("Card number of the member of your family the complaint is about."),
        error_messages={"invalid": _("A card number has 13 digits.")},
    )
    category = serializers.ChoiceField(choices=Category.choices)
    topic = serializers.ChoiceField(choices=Topic.choices, default=Topic.GENERAL)
    subject = serializers.CharField(max_length=120)
    text = serializers.CharField(max_length=4000)
    attachment = serializers.FileField(
        required=False, help_text=_("JPEG, PNG or PDF, at most 5 MB (multipart/form-data).")
    )
    resync_requested = serializers.BooleanField(default=False)


class ReplyCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
