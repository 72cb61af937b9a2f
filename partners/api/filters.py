"""Filters of the partners' API: by organisation, kind, status and dates."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from partners.models import (
    Agreement,
    DataSharingCommitment,
    Membership,
    Obligation,
    Organisation,
    Signatory,
)
from partners.selectors import agreements_visible_to, memberships_visible_to


def _visible_agreements(request):
    # An agreement the user may not read is an unknown choice, as if it did not exist.
    if request is None:
        return Agreement.objects.none()
    return agreements_visible_to(request.user)


def _visible_members(request):
    if request is None:
        return get_user_model().objects.none()
    members = memberships_visible_to(request.user).values("user_id")
    return get_user_model().objects.filter(pk__in=members)


class OrganisationFilter(filters.FilterSet):
    city = filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Organisation
        fields = ["kind", "is_active", "city"]


class MembershipFilter(filters.FilterSet):
    user = filters.ModelChoiceFilter(queryset=_visible_members)
    current = filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label=_("current"))
    started_after = filters.DateFilter(field_name="started_on", lookup_expr="gte")
    started_before = filters.DateFilter(field_name="started_on", lookup_expr="lte")

    class Meta:
        model = Membership
        fields = ["organisation", "user", "role"]


class AgreementFilter(filters.FilterSet):
    organisation = filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(),
        field_name="organisations",
        method="filter_organisation",
        label=_("signed by"),
    )
    signed_after = filters.DateFilter(field_name="signed_on", lookup_expr="gte")
    signed_before = filters.DateFilter(field_name="signed_on", lookup_expr="lte")
    in_force_on = filters.DateFilter(method="filter_in_force_on", label=_("in force on"))

    class Meta:
        model = Agreement
        fields = ["kind"]

    def filter_organisation(self, queryset, name, value):
        signed = Signatory.objects.filter(organisation=value).values("agreement_id")
        return queryset.filter(pk__in=signed)

    def filter_in_force_on(self, queryset, name, value):
        return queryset.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=value), valid_from__lte=value
        )


class ObligationFilter(filters.FilterSet):
    agreement = filters.ModelChoiceFilter(queryset=_visible_agreements)
    fulfilled = filters.BooleanFilter(
        field_name="fulfilled_on", lookup_expr="isnull", exclude=True, label=_("fulfilled")
    )
    due_after = filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Obligation
        fields = ["agreement", "organisation"]


class DataSharingCommitmentFilter(filters.FilterSet):
    shared_on = filters.DateFilter(method="filter_shared_on", label=_("shared on"))

    class Meta:
        model = DataSharingCommitment
        fields = ["agreement", "organisation", "dataset", "frequency", "licence"]

    def filter_shared_on(self, queryset, name, value):
        return queryset.filter(Q(until__isnull=True) | Q(until__gte=value), since__lte=value)
