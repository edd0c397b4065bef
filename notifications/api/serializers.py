from typing import Any

from rest_framework import serializers

from core.api import MAX_ID

from ..models import Notification
from ..texts import notification_text


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read"]

    def get_title(self, obj: Notification) -> str:
        return notification_text(obj)[0]

    def get_body(self, obj: Notification) -> str:
        return notification_text(obj)[1]

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
        help_text="Leave out to mark every notification read.",
    )


class PreferenceSerializer(serializers.Serializer):
    email = serializers.BooleanField()
    sms = serializers.BooleanField()

    def to_representation(self, instance: Any) -> dict[str, bool]:
        return {"email": instance.email, "sms": instance.sms}
