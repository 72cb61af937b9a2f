"""Shapes of the money in the API: they validate input, the services apply the rules.

Money is a decimal string (COERCE_DECIMAL_TO_STRING). A field naming another object only
accepts what the user can read, so an id outside the user's scope answers "does not exist".
What only a commitment's partner and the programme's managers see (a withdrawal reason,
whether evidence is attached) is null for everyone else.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import FIRST_YEAR, LAST_YEAR
from funding.models import Allocation, Commitment, Contract, Disbursement, FundSource, Transaction
from funding.permissions import commitment_programme_id
from funding.selectors import (
    commitments_visible_to,
    contracts_visible_to,
    fund_sources_visible_to,
    transactions_visible_to,
)
from programme.selectors import (
    plan_actions_visible_to,
    projects_visible_to,
    readable_programmes,
)

CENT = Decimal("0.01")


def money_field(**kwargs) -> serializers.DecimalField:
    kwargs.setdefault("min_value", CENT)
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def year_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class ScopedFieldsMixin:
    """Narrows the querysets of related fields to what the requesting user can read.

    ``scoped_fields`` maps a field name to a selector ``(user) -> QuerySet``.
    """

    scoped_fields: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        for name, selector in self.scoped_fields.items():
            field = self.fields.get(name)
            if field is not None and not field.read_only:
                field.queryset = selector(request.user)


def _sees_details(serializer, commitment: Commitment, programme_id: int | None = None) -> bool:
    """Whether the user is the commitment's partner or one of its programme's managers.

    ``programme_id`` is the commitment's programme when the queryset annotated it.
    """
    access = serializer.context.get("commitment_access")
    if access is None:
        return False
    if programme_id is None:
        programme_id = getattr(commitment, "programme_pk", None)
    if programme_id is None:
        programme_id = commitment_programme_id(commitment)
    return access.sees_details_of(commitment, programme_id)


def _programme_of(disbursement: Disbursement) -> int | None:
    return getattr(disbursement, "programme_pk", None)


class FundSourceSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    total = money_field()
    is_off_budget = serializers.BooleanField(read_only=True)

    scoped_fields = {"programme": readable_programmes}

    class Meta:
        model = FundSource
        fields = [
            "id",
            "programme",
            "name",
            "kind",
            "provider",
            "total",
            "legal_reference",
            "is_off_budget",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # The name is unique per programme: the service's full_clean says so, by field.
        validators = []


class AllocationSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    year = year_field()
    amount = money_field()

    scoped_fields = {"fund_source": fund_sources_visible_to, "project": projects_visible_to}

    class Meta:
        model = Allocation
        fields = ["id", "fund_source", "project", "year", "amount", "created_at"]
        read_only_fields = ["created_at"]
        validators = []


class ContractSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    amount = money_field()

    scoped_fields = {"project": projects_visible_to}

    class Meta:
        model = Contract
        fields = [
            "id",
            "project",
            "supplier",
            "cig",
            "subject",
            "amount",
            "procedure",
            "awarded_on",
            "starts_on",
            "ends_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # The CIG is unique: the service's full_clean says so, by field.
        extra_kwargs = {"cig": {"validators": []}}


class CommitmentSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """A commitment as read, and the terms a partner may change while it is a pledge."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    programme = serializers.SerializerMethodField()
    year = year_field()
    amount = money_field()
    disbursed_amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    withdrawal_reason = serializers.SerializerMethodField()

    scoped_fields = {"project": projects_visible_to, "plan_action": plan_actions_visible_to}

    class Meta:
        model = Commitment
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "project",
            "plan_action",
            "programme",
            "year",
            "kind",
            "amount",
            "disbursed_amount",
            "status",
            "subject_to_budget_availability",
            "description",
            "act_reference",
            "withdrawal_reason",
            "external_reference",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "organisation",
            "status",
            "act_reference",
            "created_at",
            "updated_at",
        ]
        # The partner's reference is unique per partner: the service's full_clean says so.
        validators = []

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_programme(self, commitment: Commitment) -> int | None:
        programme_id = getattr(commitment, "programme_pk", None)
        return programme_id if programme_id is not None else commitment_programme_id(commitment)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_withdrawal_reason(self, commitment: Commitment) -> str | None:
        """Only the partner itself and the programme's managers read why it withdrew."""
        return commitment.withdrawal_reason if _sees_details(self, commitment) else None

    def validate(self, attrs):
        instance = self.instance
        project = attrs.get("project", instance.project if instance else None)
        plan_action = attrs.get("plan_action", instance.plan_action if instance else None)
        if (project is None) == (plan_action is None):
            message = _("A commitment is for either a project or a plan action.")
            raise serializers.ValidationError({"project": [message], "plan_action": [message]})
        return attrs


class CommitmentPledgeSerializer(CommitmentSerializer):
    """A new pledge: who pledges, and whether it depends on the partner's budget, said."""

    subject_to_budget_availability = serializers.BooleanField(
        required=True,
        help_text=_("“Compatibilmente con le proprie disponibilità di bilancio”: say it."),
    )

    class Meta(CommitmentSerializer.Meta):
        read_only_fields = ["status", "act_reference", "created_at", "updated_at"]


# The steps a user takes; a firm commitment moves on by itself as its money is verified.
COMMITMENT_TRANSITION_TARGETS = [
    (Commitment.Status.CONFIRMED.value, Commitment.Status.CONFIRMED.label),
    (Commitment.Status.WITHDRAWN.value, Commitment.Status.WITHDRAWN.label),
]


class CommitmentTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=COMMITMENT_TRANSITION_TARGETS)
    act_reference = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=_("The partner's budget act; needed to confirm."),
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Why it is withdrawn; needed to withdraw.")
    )
    note = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs):
        if (
            attrs["to"] == Commitment.Status.CONFIRMED
            and not attrs.get("act_reference", "").strip()
        ):
            raise serializers.ValidationError(
                {"act_reference": [_("Give the reference of the partner's budget act.")]}
            )
        if attrs["to"] == Commitment.Status.WITHDRAWN and not attrs.get("reason", "").strip():
            raise serializers.ValidationError(
                {"reason": [_("Say why the commitment is withdrawn.")]}
            )
        return attrs


class CommitmentTotalsSerializer(serializers.Serializer):
    programme = serializers.IntegerField()
    year = serializers.IntegerField()
    pledged = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text=_("Pledges not yet confirmed.")
    )
    confirmed = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text=_("Firm commitments: confirmed, partly disbursed or fulfilled."),
    )
    fulfilled = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text=_("Money of firm commitments whose disbursement has been verified."),
    )


class DisbursementSerializer(serializers.ModelSerializer):
    has_evidence = serializers.SerializerMethodField()
    rejection_reason = serializers.SerializerMethodField()

    class Meta:
        model = Disbursement
        fields = [
            "id",
            "commitment",
            "amount",
            "disbursed_on",
            "note",
            "status",
            "has_evidence",
            "declared_by",
            "reviewed_by",
            "reviewed_at",
            "rejection_reason",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_has_evidence(self, disbursement: Disbursement) -> bool | None:
        """Evidence is never served here; only the partner and the managers learn it exists."""
        if not _sees_details(self, disbursement.commitment, _programme_of(disbursement)):
            return None
        return bool(disbursement.evidence)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rejection_reason(self, disbursement: Disbursement) -> str | None:
        if not _sees_details(self, disbursement.commitment, _programme_of(disbursement)):
            return None
        return disbursement.rejection_reason


class DisbursementDeclareSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    amount = money_field()
    evidence = serializers.FileField(
        required=False,
        write_only=True,
        help_text=_("PDF, PNG or JPEG; sent as multipart/form-data."),
    )

    scoped_fields = {"commitment": commitments_visible_to}

    class Meta:
        model = Disbursement
        fields = ["commitment", "amount", "disbursed_on", "note", "evidence"]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class TransactionSerializer(serializers.ModelSerializer):
    financial_year = serializers.IntegerField(read_only=True)
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = Transaction
        fields = [
            "id",
            "project",
            "phase",
            "amount",
            "financial_year",
            "recorded_on",
            "peg_chapter",
            "act_kind",
            "act_number",
            "act_date",
            "cup",
            "cig",
            "parent",
            "fund_source",
            "contract",
            "commitment",
            "description",
            "reverses",
            "reversed_by",
            "reason",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_reversed_by(self, entry: Transaction) -> int | None:
        """The entry that reverses this one, if any."""
        return getattr(entry, "reversed_by_pk", None)


class TransactionRecordSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    amount = money_field(help_text=_("Positive: a wrong entry is cancelled by reversing it."))
    financial_year = year_field()

    scoped_fields = {
        "project": projects_visible_to,
        "parent": transactions_visible_to,
        "fund_source": fund_sources_visible_to,
        "contract": contracts_visible_to,
        "commitment": commitments_visible_to,
    }

    class Meta:
        model = Transaction
        fields = [
            "project",
            "phase",
            "amount",
            "financial_year",
            "recorded_on",
            "peg_chapter",
            "act_kind",
            "act_number",
            "act_date",
            "cup",
            "cig",
            "parent",
            "fund_source",
            "contract",
            "commitment",
            "description",
        ]


class TransactionReverseSerializer(serializers.Serializer):
    reason = serializers.CharField()
    recorded_on = serializers.DateField(
        required=False, help_text=_("The reversal's date; today when left out.")
    )
