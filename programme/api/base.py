"""What the programme's viewsets share: the full set of verbs, and the update shapes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from core.api import PublicReadMixin, RegiaViewSet


class ResourceViewSet(
    PublicReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RegiaViewSet,
):
    """List, retrieve, create, update and delete; writes call services in ``perform_*``.

    ``update_serializer_class`` is the resource with its parent read-only, for PUT and PATCH.
    """

    update_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        return self.serializer_class


def documented(serializer, update_serializer):
    """Tell the schema that PUT and PATCH take the update shape and answer the resource."""
    return extend_schema_view(
        update=extend_schema(request=update_serializer, responses=serializer),
        partial_update=extend_schema(request=update_serializer, responses=serializer),
    )
