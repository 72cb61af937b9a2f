"""Filters of the money lists. Ids are plain numbers: filtering by an object one cannot read
simply finds nothing, and a malformed value is a 400 by parameter."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.models import FIRST_YEAR, LAST_YEAR
from funding.models import Allocation, Commitment, Contract, Disbursement, FundSource, Transaction

# The largest id a database column holds: a larger number would make the query itself fail.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    field_class = IdField


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)


class FundSourceFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme")
    provider = IdFilter(field_name="provider")
    kind = filters.ChoiceFilter(choices=FundSource.Kind.choices)

    class Meta:
        model = FundSource
        fields = ["programme", "provider", "kind"]


class AllocationFilter(filters.FilterSet):
    programme = IdFilter(field_name="project__programme")
    project = IdFilter(field_name="project")
    fund_source = IdFilter(field_name="fund_source")
    year = YearFilter(field_name="year")

    class Meta:
        model = Allocation
        fields = ["programme", "project", "fund_source", "year"]


class ContractFilter(filters.FilterSet):
    programme = IdFilter(field_name="project__programme")
    project = IdFilter(field_name="project")
    supplier = IdFilter(field_name="supplier")
    procedure = filters.ChoiceFilter(choices=Contract.Procedure.choices)
    awarded_after = filters.DateFilter(field_name="awarded_on", lookup_expr="gte")
    awarded_before = filters.DateFilter(field_name="awarded_on", lookup_expr="lte")

    class Meta:
        model = Contract
        fields = ["programme", "project", "supplier", "procedure"]


class CommitmentFilter(filters.FilterSet):
    programme = IdFilter(
        method="filter_programme", label=_("programme (of the project or the plan action)")
    )
    organisation = IdFilter(field_name="organisation")
    project = IdFilter(field_name="project")
    plan_action = IdFilter(field_name="plan_action")
    status = filters.ChoiceFilter(choices=Commitment.Status.choices)
    kind = filters.ChoiceFilter(choices=Commitment.Kind.choices)
    year = YearFilter(field_name="year")

    class Meta:
        model = Commitment
        fields = ["programme", "organisation", "project", "plan_action", "status", "kind", "year"]

    def filter_programme(self, queryset, name, value):
        return queryset.filter(
            Q(project__programme=value) | Q(plan_action__phase__plan__programme=value)
        )


class DisbursementFilter(filters.FilterSet):
    programme = IdFilter(method="filter_programme", label=_("programme"))
    commitment = IdFilter(field_name="commitment")
    organisation = IdFilter(field_name="commitment__organisation")
    project = IdFilter(field_name="commitment__project")
    status = filters.ChoiceFilter(choices=Disbursement.Status.choices)
    disbursed_after = filters.DateFilter(field_name="disbursed_on", lookup_expr="gte")
    disbursed_before = filters.DateFilter(field_name="disbursed_on", lookup_expr="lte")

    class Meta:
        model = Disbursement
        fields = ["programme", "commitment", "organisation", "project", "status"]

    def filter_programme(self, queryset, name, value):
        return queryset.filter(
            Q(commitment__project__programme=value)
            | Q(commitment__plan_action__phase__plan__programme=value)
        )


class TransactionFilter(filters.FilterSet):
    programme = IdFilter(field_name="project__programme")
    project = IdFilter(field_name="project")
    phase = filters.ChoiceFilter(choices=Transaction.Phase.choices)
    financial_year = YearFilter(field_name="financial_year")
    fund_source = IdFilter(field_name="fund_source")
    contract = IdFilter(field_name="contract")
    recorded_after = filters.DateFilter(field_name="recorded_on", lookup_expr="gte")
    recorded_before = filters.DateFilter(field_name="recorded_on", lookup_expr="lte")
    reversals = filters.BooleanFilter(
        field_name="reverses", lookup_expr="isnull", exclude=True, label=_("reversal entries only")
    )

    class Meta:
        model = Transaction
        fields = ["programme", "project", "phase", "financial_year", "fund_source", "contract"]
