"""The partners' API: organisations, memberships, agreements, obligations and data sharing.

Reads are scoped by the selectors (``*_visible_to``): what a user may not read is a 404.
Writes are judged by the predicates of ``partners.permissions`` and made by the services.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import PredicatePermission, PublicReadMixin, RegiaViewSet, check_predicate
from partners import permissions as rules
from partners import selectors, services
from partners.api import filters
from partners.api.serializers import (
    AgreementSerializer,
    AgreementUpdateSerializer,
    DataSharingCommitmentSerializer,
    MembershipEndSerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    ObligationFulfilSerializer,
    ObligationSerializer,
    ObligationUpdateSerializer,
    OrganisationSerializer,
)
from partners.models import (
    Agreement,
    DataSharingCommitment,
    Membership,
    Obligation,
    Organisation,
    Signatory,
)


class CrudViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RegiaViewSet,
):
    """List, retrieve, create, update and delete, each write through a service.

    ``update_serializer_class``, when set, is the shape of PUT and PATCH (fields fixed at
    creation are read-only there).
    """

    update_serializer_class = None

    def create(self, request, *args, **kwargs):
        # Who may create none of these hears so before their input is looked at; what they
        # send is then judged again as the object it would make (``perform_create``).
        check_predicate(self.predicates["create"], request.user, None)
        return super().create(request, *args, **kwargs)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update") and self.update_serializer_class:
            return self.update_serializer_class
        return super().get_serializer_class()


class PrivateCrudViewSet(CrudViewSet):
    """Nothing of it is public: anonymous visitors are asked to log in."""

    permission_classes = (IsAuthenticated, PredicatePermission)


def _both(predicate) -> dict:
    return {"update": predicate, "partial_update": predicate}


def _updated_with(update_serializer, serializer):
    """Tell the schema that PUT and PATCH take the update shape and answer the resource."""
    return extend_schema_view(
        update=extend_schema(request=update_serializer, responses=serializer),
        partial_update=extend_schema(request=update_serializer, responses=serializer),
    )


class OrganisationViewSet(PublicReadMixin, CrudViewSet):
    """The organisations taking part: public; partners keep their own details up to date."""

    serializer_class = OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    search_fields = ["name", "short_name", "tax_code", "vat_number", "city"]
    ordering_fields = ["name", "short_name", "kind", "city", "created_at", "updated_at"]
    ordering = ["name"]
    predicates = {
        "create": rules.can_create_organisation,
        **_both(rules.can_change_organisation),
        "destroy": rules.can_delete_organisation,
    }

    def get_queryset(self):
        return selectors.organisations_visible_to(self.request.user)

    def perform_create(self, serializer):
        fields = serializer.validated_data
        check_predicate(rules.can_create_organisation, self.request.user, Organisation(**fields))
        serializer.instance = services.organisation_create(actor=self.request.user, **fields)

    def perform_update(self, serializer):
        organisation = serializer.instance
        changes = serializer.validated_data
        if any(
            name in changes and changes[name] != getattr(organisation, name)
            for name in ("kind", "is_active")
        ):
            check_predicate(rules.can_change_organisation_standing, self.request.user, organisation)
        serializer.instance = services.organisation_update(
            organisation=organisation, actor=self.request.user, **changes
        )

    def perform_destroy(self, instance):
        services.organisation_delete(organisation=instance, actor=self.request.user)


@_updated_with(MembershipUpdateSerializer, MembershipSerializer)
class MembershipViewSet(PrivateCrudViewSet):
    """Who belongs to which organisation: the register managers keep, a partner's own."""

    serializer_class = MembershipSerializer
    update_serializer_class = MembershipUpdateSerializer
    filterset_class = filters.MembershipFilter
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    ordering_fields = ["started_on", "ended_on", "organisation__name", "user__username"]
    ordering = ["organisation__name", "user__username"]
    predicates = {
        "create": rules.can_create_membership,
        **_both(rules.can_change_membership),
        "destroy": rules.can_delete_membership,
        "end": rules.can_end_membership,
    }

    def get_queryset(self):
        return selectors.memberships_visible_to(self.request.user)

    def perform_create(self, serializer):
        fields = serializer.validated_data
        check_predicate(rules.can_create_membership, self.request.user, Membership(**fields))
        serializer.instance = services.membership_create(actor=self.request.user, **fields)

    def perform_update(self, serializer):
        serializer.instance = services.membership_update(
            membership=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.membership_delete(membership=instance, actor=self.request.user)

    @extend_schema(request=MembershipEndSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"], serializer_class=MembershipEndSerializer)
    def end(self, request, pk=None):
        """End the membership (today unless told): the member loses the organisation's rights."""
        membership = self.get_object()
        serializer = MembershipEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_end(
            membership=membership, actor=request.user, **serializer.validated_data
        )
        return Response(
            MembershipSerializer(membership, context=self.get_serializer_context()).data
        )


@_updated_with(AgreementUpdateSerializer, AgreementSerializer)
class AgreementViewSet(PrivateCrudViewSet):
    """Agreements with their signatories; the signed document is downloaded from its own view."""

    serializer_class = AgreementSerializer
    update_serializer_class = AgreementUpdateSerializer
    # Signatories are a nested list, which only JSON carries.
    parser_classes = (JSONParser,)
    filterset_class = filters.AgreementFilter
    search_fields = ["title", "scope"]
    ordering_fields = ["signed_on", "valid_from", "valid_until", "title", "created_at"]
    ordering = ["-signed_on", "title"]
    predicates = {
        "create": rules.can_create_agreement,
        **_both(rules.can_change_agreement),
        "destroy": rules.can_delete_agreement,
    }

    def get_queryset(self):
        return selectors.agreements_visible_to(self.request.user)

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        signatories = [
            (signatory["organisation"], signatory.get("role", Signatory.Role.SIGNATORY))
            for signatory in fields.pop("signatories")
        ]
        check_predicate(rules.can_create_agreement, self.request.user, Agreement(**fields))
        serializer.instance = services.agreement_create(
            actor=self.request.user, signatories=signatories, **fields
        )

    def perform_update(self, serializer):
        serializer.instance = services.agreement_update(
            agreement=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.agreement_delete(agreement=instance, actor=self.request.user)


@_updated_with(ObligationUpdateSerializer, ObligationSerializer)
class ObligationViewSet(PrivateCrudViewSet):
    """What each signatory must do under an agreement, and by when."""

    serializer_class = ObligationSerializer
    update_serializer_class = ObligationUpdateSerializer
    filterset_class = filters.ObligationFilter
    search_fields = ["description", "agreement__title", "organisation__name"]
    ordering_fields = ["due_on", "fulfilled_on", "created_at"]
    ordering = ["due_on", "pk"]
    predicates = {
        "create": rules.can_create_obligation,
        **_both(rules.can_change_obligation),
        "destroy": rules.can_delete_obligation,
        "fulfil": rules.can_fulfil_obligation,
    }

    def get_queryset(self):
        return selectors.obligations_visible_to(self.request.user)

    def perform_create(self, serializer):
        fields = serializer.validated_data
        check_predicate(rules.can_create_obligation, self.request.user, Obligation(**fields))
        serializer.instance = services.obligation_create(actor=self.request.user, **fields)

    def perform_update(self, serializer):
        serializer.instance = services.obligation_update(
            obligation=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.obligation_delete(obligation=instance, actor=self.request.user)

    @extend_schema(request=ObligationFulfilSerializer, responses=ObligationSerializer)
    @action(detail=True, methods=["post"], serializer_class=ObligationFulfilSerializer)
    def fulfil(self, request, pk=None):
        """Record that the obligation is fulfilled (today unless told)."""
        obligation = self.get_object()
        serializer = ObligationFulfilSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obligation = services.obligation_fulfil(
            obligation=obligation, actor=request.user, **serializer.validated_data
        )
        return Response(
            ObligationSerializer(obligation, context=self.get_serializer_context()).data
        )


class DataSharingCommitmentViewSet(PublicReadMixin, CrudViewSet):
    """The Situation Room's feed register: public; each partner keeps its own lines."""

    serializer_class = DataSharingCommitmentSerializer
    filterset_class = filters.DataSharingCommitmentFilter
    search_fields = ["description", "organisation__name", "endpoint"]
    ordering_fields = ["since", "until", "dataset", "organisation__name", "created_at"]
    ordering = ["organisation__name", "dataset"]
    predicates = {
        "create": rules.can_create_data_sharing_commitment,
        **_both(rules.can_change_data_sharing_commitment),
        "destroy": rules.can_delete_data_sharing_commitment,
    }

    def get_queryset(self):
        return selectors.data_sharing_commitments_visible_to(self.request.user)

    def perform_create(self, serializer):
        fields = serializer.validated_data
        check_predicate(
            rules.can_create_data_sharing_commitment,
            self.request.user,
            DataSharingCommitment(**fields),
        )
        serializer.instance = services.data_sharing_commitment_create(
            actor=self.request.user, **fields
        )

    def perform_update(self, serializer):
        changes = serializer.validated_data
        if "organisation" in changes:
            # Handing the line over is judged as registering it for the new organisation.
            moved = DataSharingCommitment(organisation=changes["organisation"])
            check_predicate(rules.can_change_data_sharing_commitment, self.request.user, moved)
        serializer.instance = services.data_sharing_commitment_update(
            commitment=serializer.instance, actor=self.request.user, **changes
        )

    def perform_destroy(self, instance):
        services.data_sharing_commitment_delete(commitment=instance, actor=self.request.user)
