"""The audit log, read-only: administrators read it all, programme managers their programmes'."""

from rest_framework import mixins
from rest_framework.permissions import IsAuthenticated

from core.api import PredicatePermission, RegiaViewSet
from portal.api.filters import AuditEntryFilter
from portal.api.serializers import AuditEntrySerializer
from portal.selectors import audit_entries_visible_to


class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RegiaViewSet):
    """Who did what to which object, when and from where; append-only, so never written here."""

    serializer_class = AuditEntrySerializer
    permission_classes = (IsAuthenticated, PredicatePermission)
    filterset_class = AuditEntryFilter
    search_fields = ["verb", "actor_repr", "target_repr"]
    ordering_fields = ["created_at", "verb", "target_type"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        return audit_entries_visible_to(self.request.user)
