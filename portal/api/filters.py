import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry

# The range of the database's ids (a 64-bit integer): anything outside is refused with a 400.
ID_RANGE = {"min_value": 1, "max_value": 2**63 - 1}


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class AuditEntryFilter(django_filters.FilterSet):
    # By id: filtering by an unknown user finds nothing rather than telling it does not exist.
    actor = IdFilter(field_name="actor_id", label=_("actor (user id)"), **ID_RANGE)
    created_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("on or after (date)")
    )
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("on or before (date)")
    )

    class Meta:
        model = AuditEntry
        fields = ["verb", "target_type", "target_id", "actor", "created_after", "created_before"]
