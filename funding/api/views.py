"""The money's API: fund sources, allocations, commitments, disbursements, contracts and
transactions (docs/permissions.md). Reads are scoped by funding.selectors, writes are judged by
funding.permissions and made by funding.services."""

from __future__ import annotations

from functools import cached_property

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import PredicatePermission, PublicReadMixin, RegiaViewSet, check_predicate
from funding.api.filters import (
    MAX_ID,
    AllocationFilter,
    CommitmentFilter,
    ContractFilter,
    DisbursementFilter,
    FundSourceFilter,
    TransactionFilter,
)
from funding.api.serializers import (
    AllocationSerializer,
    CommitmentPledgeSerializer,
    CommitmentSerializer,
    CommitmentTotalsSerializer,
    CommitmentTransitionSerializer,
    ContractSerializer,
    DisbursementDeclareSerializer,
    DisbursementSerializer,
    FundSourceSerializer,
    ReasonSerializer,
    TransactionRecordSerializer,
    TransactionReverseSerializer,
    TransactionSerializer,
)
from funding.models import (
    Allocation,
    Commitment,
    Contract,
    Disbursement,
    FundSource,
    Transaction,
)
from funding.permissions import (
    can_change_commitment,
    can_change_contract,
    can_change_fund_source,
    can_create_allocation,
    can_create_contract,
    can_create_fund_source,
    can_declare_disbursement,
    can_move_commitment,
    can_pledge_commitment,
    can_record_transaction,
    can_reverse_transaction,
    can_review_disbursement,
)
from funding.selectors import (
    allocations_visible_to,
    commitment_access,
    commitment_programme,
    commitment_totals,
    commitments_visible_to,
    contracts_visible_to,
    disbursements_visible_to,
    fund_sources_visible_to,
    transactions_visible_to,
)
from funding.services import (
    allocation_create,
    commitment_confirm,
    commitment_pledge,
    commitment_update,
    commitment_withdraw,
    contract_create,
    contract_update,
    disbursement_declare,
    disbursement_reject,
    disbursement_verify,
    fund_source_create,
    fund_source_update,
    transaction_record,
    transaction_reverse,
)


class CommitmentAccessMixin:
    """Gives the serializers what decides who sees a commitment's private details."""

    @cached_property
    def commitment_access(self):
        return commitment_access(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "commitment_access": self.commitment_access}


class FundSourceViewSet(
    PublicReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RegiaViewSet,
):
    """Where the money comes from: public in published programmes; managers keep them."""

    queryset = FundSource.objects.none()
    serializer_class = FundSourceSerializer
    filterset_class = FundSourceFilter
    search_fields = ["name", "legal_reference", "provider__name"]
    ordering_fields = ["name", "kind", "total", "created_at"]
    predicates = {
        "create": can_create_fund_source,
        "update": can_change_fund_source,
        "partial_update": can_change_fund_source,
    }

    def get_queryset(self):
        return fund_sources_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        check_predicate(can_create_fund_source, self.request.user, FundSource(**data))
        serializer.instance = fund_source_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        changes = serializer.validated_data
        if "programme" in changes:
            # Moving a source is creating it in the other programme: that one must be managed too.
            moved = FundSource(programme=changes["programme"])
            check_predicate(can_create_fund_source, self.request.user, moved)
        serializer.instance = fund_source_update(
            fund_source=serializer.instance, actor=self.request.user, **changes
        )


class AllocationViewSet(
    PublicReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    RegiaViewSet,
):
    """Money from a source to a project in a year. Made again rather than edited: only
    allocation_create checks what the source has left."""

    queryset = Allocation.objects.none()
    serializer_class = AllocationSerializer
    filterset_class = AllocationFilter
    search_fields = ["fund_source__name", "project__title"]
    ordering_fields = ["year", "amount", "created_at"]
    predicates = {"create": can_create_allocation}

    def get_queryset(self):
        return allocations_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        check_predicate(can_create_allocation, self.request.user, Allocation(**data))
        serializer.instance = allocation_create(actor=self.request.user, **data)


class ContractViewSet(
    PublicReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RegiaViewSet,
):
    """Affidamenti: public on public projects; the programme's managers record them."""

    queryset = Contract.objects.none()
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    search_fields = ["cig", "subject", "supplier__name"]
    ordering_fields = ["awarded_on", "amount", "cig", "created_at"]
    predicates = {
        "create": can_create_contract,
        "update": can_change_contract,
        "partial_update": can_change_contract,
    }

    def get_queryset(self):
        return contracts_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        check_predicate(can_create_contract, self.request.user, Contract(**data))
        serializer.instance = contract_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        changes = serializer.validated_data
        if "project" in changes:
            moved = Contract(project=changes["project"])
            check_predicate(can_create_contract, self.request.user, moved)
        serializer.instance = contract_update(
            contract=serializer.instance, actor=self.request.user, **changes
        )


class TotalsQuerySerializer(serializers.Serializer):
    programme = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class CommitmentViewSet(
    CommitmentAccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    RegiaViewSet,
):
    """Partners' co-financing. Never public: a partner sees its own in every state and other
    partners' only once firm; a pledge is changed only by its partner, and only while pledged;
    nobody deletes a commitment (it is withdrawn, with its reason)."""

    queryset = Commitment.objects.none()
    permission_classes = (IsAuthenticated, PredicatePermission)
    filterset_class = CommitmentFilter
    search_fields = ["organisation__name", "project__title", "plan_action__title", "description"]
    ordering_fields = ["year", "amount", "status", "organisation__name", "created_at"]
    predicates = {
        "create": can_pledge_commitment,
        "update": can_change_commitment,
        "partial_update": can_change_commitment,
        "transition": can_move_commitment,
    }

    def get_permissions(self):
        if self.action == "totals":
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        return (
            commitments_visible_to(self.request.user)
            .select_related("organisation")
            .annotate(programme_pk=commitment_programme())
        )

    def get_serializer_class(self):
        if self.action == "create":
            return CommitmentPledgeSerializer
        return CommitmentSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        check_predicate(can_pledge_commitment, self.request.user, Commitment(**data))
        serializer.instance = commitment_pledge(actor=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = commitment_update(
            commitment=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=CommitmentTransitionSerializer, responses=CommitmentSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Confirm a pledge (with the partner's budget act) or withdraw it (saying why)."""
        commitment = self.get_object()
        serializer = CommitmentTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["to"] == Commitment.Status.CONFIRMED:
            commitment = commitment_confirm(
                commitment=commitment,
                actor=request.user,
                act_reference=data["act_reference"],
                note=data.get("note", ""),
            )
        else:
            commitment = commitment_withdraw(
                commitment=commitment, actor=request.user, reason=data["reason"]
            )
        return Response(
            CommitmentSerializer(commitment, context=self.get_serializer_context()).data
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "programme", int, description=_("Only this programme's totals."), required=False
            )
        ],
        responses=CommitmentTotalsSerializer(many=True),
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def totals(self, request):
        """Pledged, confirmed and fulfilled money per programme and year, on the programmes
        the user is assigned to: how a council member sees pledges (never one by one)."""
        query = TotalsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = commitment_totals(request.user, query.validated_data.get("programme"))
        return Response(CommitmentTotalsSerializer(rows, many=True).data)


class DisbursementViewSet(
    CommitmentAccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    RegiaViewSet,
):
    """Money a partner declares on a firm commitment; it counts once a manager verifies it
    (never whoever declared it). Evidence is never served here: only its partner and the
    programme's managers learn whether there is some."""

    queryset = Disbursement.objects.none()
    permission_classes = (IsAuthenticated, PredicatePermission)
    filterset_class = DisbursementFilter
    search_fields = ["note", "commitment__organisation__name"]
    ordering_fields = ["disbursed_on", "amount", "status", "created_at"]
    predicates = {
        "create": can_declare_disbursement,
        "verify": can_review_disbursement,
        "reject": can_review_disbursement,
    }

    def get_queryset(self):
        return (
            disbursements_visible_to(self.request.user)
            .select_related("commitment")
            .annotate(
                programme_pk=Coalesce(
                    F("commitment__project__programme_id"),
                    F("commitment__plan_action__phase__plan__programme_id"),
                )
            )
        )

    def get_serializer_class(self):
        if self.action == "create":
            return DisbursementDeclareSerializer
        return DisbursementSerializer

    def _answer(self, disbursement, status_code=status.HTTP_200_OK):
        disbursement = self.get_queryset().get(pk=disbursement.pk)
        context = self.get_serializer_context()
        return Response(DisbursementSerializer(disbursement, context=context).data, status_code)

    @extend_schema(request=DisbursementDeclareSerializer, responses={201: DisbursementSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check_predicate(can_declare_disbursement, request.user, data["commitment"])
        disbursement = disbursement_declare(actor=request.user, **data)
        return self._answer(disbursement, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """The finance office verifies the money: now it counts towards the commitment."""
        disbursement = disbursement_verify(disbursement=self.get_object(), actor=request.user)
        return self._answer(disbursement)

    @extend_schema(request=ReasonSerializer, responses=DisbursementSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        disbursement = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        disbursement = disbursement_reject(
            disbursement=disbursement,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return self._answer(disbursement)


class TransactionViewSet(
    PublicReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    RegiaViewSet,
):
    """The municipal accounts' entries: append-only (PUT, PATCH and DELETE are 405 for
    everyone); a wrong entry is cancelled by its reversal."""

    queryset = Transaction.objects.none()
    serializer_class = TransactionSerializer
    filterset_class = TransactionFilter
    search_fields = ["description", "act_number", "peg_chapter", "cup", "cig"]
    ordering_fields = ["recorded_on", "financial_year", "phase", "amount", "created_at"]
    predicates = {"create": can_record_transaction, "reverse": can_reverse_transaction}

    def get_queryset(self):
        reversal = Transaction.objects.filter(reverses=OuterRef("pk")).values("pk")[:1]
        return transactions_visible_to(self.request.user).annotate(
            reversed_by_pk=Subquery(reversal)
        )

    def get_serializer_class(self):
        if self.action == "create":
            return TransactionRecordSerializer
        return TransactionSerializer

    def _answer(self, entry, status_code):
        entry = self.get_queryset().get(pk=entry.pk)
        return Response(TransactionSerializer(entry).data, status_code)

    @extend_schema(request=TransactionRecordSerializer, responses={201: TransactionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check_predicate(can_record_transaction, request.user, Transaction(**data))
        entry = transaction_record(actor=request.user, **data)
        return self._answer(entry, status.HTTP_201_CREATED)

    @extend_schema(request=TransactionReverseSerializer, responses={201: TransactionSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Cancel the entry with an opposite one, saying why; answers the reversal entry."""
        entry = self.get_object()
        serializer = TransactionReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reversal = transaction_reverse(entry=entry, actor=request.user, **serializer.validated_data)
        return self._answer(reversal, status.HTTP_201_CREATED)
