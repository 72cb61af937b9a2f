from rest_framework import serializers

from core.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_repr",
            "verb",
            "target_type",
            "target_id",
            "target_repr",
            "data",
            "ip_address",
            "user_agent",
        ]
        read_only_fields = fields
