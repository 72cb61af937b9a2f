"""The shapes of partners' objects in the API; the rules are the services' and the models'."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework import serializers

from partners.models import (
    Agreement,
    DataSharingCommitment,
    Membership,
    Obligation,
    Organisation,
    Signatory,
)
from partners.selectors import agreements_visible_to

TIMESTAMPS = ["created_at", "updated_at"]


class VisibleAgreementField(serializers.PrimaryKeyRelatedField):
    """An agreement the user may read; any other id is unknown, as if it did not exist."""

    def get_queryset(self):
        return agreements_visible_to(self.context["request"].user)


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "tax_code",
            "vat_number",
            "city",
            "website",
            "pec",
            "is_active",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True)
    )
    username = serializers.CharField(source="user.get_username", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "username",
            "organisation",
            "organisation_name",
            "role",
            "started_on",
            "ended_on",
            "is_current",
            *TIMESTAMPS,
        ]
        read_only_fields = ["ended_on", *TIMESTAMPS]
        # One membership per user and organisation: the service says so, by its own words.
        validators = []


class MembershipUpdateSerializer(MembershipSerializer):
    """Who and which organisation are fixed once the membership exists."""

    user = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(MembershipSerializer.Meta):
        read_only_fields = ["organisation", "ended_on", *TIMESTAMPS]


class MembershipEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False)


class SignatorySerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Signatory
        fields = ["organisation", "organisation_name", "role", "signed_by", "joined_on"]
        read_only_fields = ["signed_by", "joined_on"]
        validators = []


class AgreementSerializer(serializers.ModelSerializer):
    """An agreement with its signatories; the signed document only through its download view."""

    signatories = SignatorySerializer(many=True, allow_empty=False)
    has_document = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "kind",
            "title",
            "signed_on",
            "valid_from",
            "valid_until",
            "scope",
            "signatories",
            "has_document",
            "document_url",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS

    def get_has_document(self, agreement: Agreement) -> bool:
        return bool(agreement.document)

    def get_document_url(self, agreement: Agreement) -> str | None:
        # Private files have no URL of their own: the download view checks who asks.
        if not agreement.document:
            return None
        path = reverse("partners:agreement-document", args=[agreement.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class AgreementUpdateSerializer(AgreementSerializer):
    """The signatories are chosen when the agreement is registered."""

    signatories = SignatorySerializer(many=True, read_only=True)


class ObligationSerializer(serializers.ModelSerializer):
    agreement = VisibleAgreementField(queryset=Agreement.objects.all())
    agreement_title = serializers.CharField(source="agreement.title", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    is_fulfilled = serializers.BooleanField(read_only=True)

    class Meta:
        model = Obligation
        fields = [
            "id",
            "agreement",
            "agreement_title",
            "organisation",
            "organisation_name",
            "description",
            "due_on",
            "fulfilled_on",
            "is_fulfilled",
            *TIMESTAMPS,
        ]
        read_only_fields = ["fulfilled_on", *TIMESTAMPS]


class ObligationUpdateSerializer(ObligationSerializer):
    """Who is obliged, and under which agreement, is fixed once the obligation exists."""

    agreement = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta(ObligationSerializer.Meta):
        read_only_fields = ["organisation", "fulfilled_on", *TIMESTAMPS]


class ObligationFulfilSerializer(serializers.Serializer):
    fulfilled_on = serializers.DateField(required=False)


class DataSharingCommitmentSerializer(serializers.ModelSerializer):
    agreement = VisibleAgreementField(
        queryset=Agreement.objects.all(), allow_null=True, required=False
    )
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = DataSharingCommitment
        fields = [
            "id",
            "agreement",
            "organisation",
            "organisation_name",
            "dataset",
            "description",
            "frequency",
            "licence",
            "since",
            "until",
            "endpoint",
            *TIMESTAMPS,
        ]
        read_only_fields = TIMESTAMPS
        # Once per dataset and organisation, within or outside agreements: the model says so.
        validators = []
