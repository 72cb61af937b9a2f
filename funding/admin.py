from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.admin import ReasonForm, RegiaHistoryAdmin, RegiaInline, UploadField, service_action
from core.money import money_sum
from funding import selectors
from funding.models import (
    Allocation,
    Commitment,
    Contract,
    Disbursement,
    FundSource,
    ImportBatch,
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
from funding.services import (
    allocation_create,
    commitment_confirm,
    commitment_pledge,
    commitment_withdraw,
    disbursement_declare,
    disbursement_reject,
    disbursement_verify,
    fund_source_update,
    transaction_record,
    transaction_reverse,
)
from programme.workflow import status_history_html


def of_commitment(user, disbursement: Disbursement):
    """Who may declare money on a commitment keeps the note of what they declared."""
    return can_declare_disbursement(user, disbursement.commitment)


@admin.register(FundSource)
class FundSourceAdmin(RegiaHistoryAdmin):
    read_scope = staticmethod(selectors.fund_sources_visible_to)
    add_rule = staticmethod(can_create_fund_source)
    change_rule = staticmethod(can_change_fund_source)
    list_display = ["name", "programme", "kind", "provider", "total", "allocated", "off_budget"]
    list_filter = ["kind", "programme"]
    search_fields = ["name", "legal_reference", "provider__name"]
    list_select_related = ["programme", "provider"]
    autocomplete_fields = ["programme", "provider"]

    @staticmethod
    def update_service(fund_source, **changes):
        # Under the source's lock: what it has allocated cannot change while it is checked.
        return fund_source_update(fund_source=fund_source, **changes)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(allocated=money_sum("allocations__amount"))

    def get_readonly_fields(self, request, obj=None):
        # Allocations are made within one programme: the source stays in it once it has some.
        if obj is not None and obj.allocations.exists():
            return [*self.readonly_fields, "programme"]
        return self.readonly_fields

    @admin.display(description=_("allocated (EUR)"), ordering="allocated")
    def allocated(self, fund_source):
        return fund_source.allocated

    @admin.display(boolean=True, description=_("outside the municipal budget"))
    def off_budget(self, fund_source):
        return fund_source.is_off_budget


@admin.register(Allocation)
class AllocationAdmin(RegiaHistoryAdmin):
    create_service = staticmethod(allocation_create)
    read_scope = staticmethod(selectors.allocations_visible_to)
    add_rule = staticmethod(can_create_allocation)
    list_display = ["project", "fund_source", "year", "amount"]
    list_filter = ["year", "fund_source__kind", "project__programme"]
    search_fields = ["project__title", "fund_source__name"]
    list_select_related = ["project", "fund_source"]
    autocomplete_fields = ["fund_source", "project"]
    fields = ["fund_source", "project", "year", "amount"]

    def get_readonly_fields(self, request, obj=None):
        # Every page of an existing allocation shows it read-only, its versions' pages too.
        return self.fields if obj else []

    def has_change_permission(self, request, obj=None):
        # An allocation is made again rather than edited: the service checks what the source
        # has left, an edit could not.
        return False


class DisbursementInline(RegiaInline):
    model = Disbursement
    fields = ["disbursed_on", "amount", "status", "declared_by", "reviewed_by"]
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("declared_by", "reviewed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ConfirmForm(forms.Form):
    act_reference = forms.CharField(
        label=_("partner's budget act"),
        max_length=200,
        help_text=_("The partner's own act that backs the commitment."),
    )
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False
    )


@admin.register(Commitment)
class CommitmentAdmin(RegiaHistoryAdmin):
    create_service = staticmethod(commitment_pledge)
    read_scope = staticmethod(selectors.commitments_visible_to)
    add_rule = staticmethod(can_pledge_commitment)
    # Only the partner changes the terms of its pledge: a manager reads them, and confirms or
    # withdraws it.
    change_rule = staticmethod(can_change_commitment)
    list_display = [
        "organisation",
        "target",
        "year",
        "kind",
        "amount",
        "disbursed_amount",
        "status",
        "subject_to_budget_availability",
    ]
    list_filter = ["status", "kind", "year", "subject_to_budget_availability", "organisation"]
    search_fields = [
        "organisation__name",
        "project__title",
        "plan_action__title",
        "external_reference",
        "act_reference",
    ]
    list_select_related = ["organisation", "project", "plan_action"]
    autocomplete_fields = ["organisation", "project", "plan_action"]
    fieldsets = [
        (None, {"fields": ["organisation", ("project", "plan_action"), "year"]}),
        (
            _("Money"),
            {"fields": ["kind", "amount", "subject_to_budget_availability", "description"]},
        ),
        (None, {"fields": ["external_reference"]}),
        (
            _("Workflow"),
            {
                "fields": [
                    "status",
                    "disbursed_amount",
                    "act_reference",
                    "withdrawal_reason",
                    "workflow",
                ]
            },
        ),
    ]
    # Moved only by the workflow's actions and by verified disbursements.
    workflow_fields = ["status", "disbursed_amount", "act_reference", "withdrawal_reason"]
    # What a partner pledged; once the pledge is firm, its money changes only through the workflow.
    pledge_fields = ["organisation", "project", "plan_action", "year", "kind", "amount"]
    inlines = [DisbursementInline]
    actions = ["confirm", "withdraw"]

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj else self.fieldsets[:3]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.status == Commitment.Status.PLEDGED:
            return [*self.workflow_fields, "workflow"]
        return [*self.pledge_fields, *self.workflow_fields, "workflow"]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def has_delete_permission(self, request, obj=None):
        # A commitment is withdrawn, with its reason, not deleted.
        return False

    @admin.display(description=_("for"))
    def target(self, commitment):
        return commitment.project or commitment.plan_action

    @admin.display(description=_("workflow history"))
    def workflow(self, commitment):
        return status_history_html(commitment, Commitment.Status)

    @service_action(
        description=_("Confirm the selected pledges"),
        form_class=ConfirmForm,
        rule=can_move_commitment,
    )
    def confirm(self, request, commitment, act_reference, note):
        commitment_confirm(
            commitment=commitment, actor=request.user, act_reference=act_reference, note=note
        )

    @service_action(
        description=_("Withdraw the selected commitments"),
        form_class=ReasonForm,
        rule=can_move_commitment,
    )
    def withdraw(self, request, commitment, reason):
        commitment_withdraw(commitment=commitment, actor=request.user, reason=reason)


@admin.register(Disbursement)
class DisbursementAdmin(RegiaHistoryAdmin):
    create_service = staticmethod(disbursement_declare)
    read_scope = staticmethod(selectors.disbursements_visible_to)
    change_rule = staticmethod(of_commitment)
    list_display = [
        "commitment",
        "amount",
        "disbursed_on",
        "status",
        "declared_by",
        "reviewed_by",
        "reviewed_at",
    ]
    list_filter = ["status", "disbursed_on"]
    search_fields = ["commitment__organisation__name", "commitment__project__title", "note"]
    list_select_related = [
        "commitment__organisation",
        "commitment__project",
        "commitment__plan_action",
        "declared_by",
        "reviewed_by",
    ]
    autocomplete_fields = ["commitment"]
    formfield_overrides = {models.FileField: {"form_class": UploadField}}
    add_fields = ["commitment", "amount", "disbursed_on", "note", "evidence"]
    # Once declared, only the note can be edited; the rest moves with verification.
    review_fields = [
        "commitment",
        "amount",
        "disbursed_on",
        "evidence_file",
        "status",
        "declared_by",
        "reviewed_by",
        "reviewed_at",
        "rejection_reason",
    ]
    actions = ["verify", "reject"]

    def get_fields(self, request, obj=None):
        return [*self.review_fields, "note"] if obj else self.add_fields

    def get_readonly_fields(self, request, obj=None):
        return self.review_fields if obj else []

    def get_service_fields(self, request, form) -> dict:
        fields = super().get_service_fields(request, form)
        fields["evidence"] = fields.get("evidence") or None
        return fields

    def has_delete_permission(self, request, obj=None):
        # A disbursement is rejected, with its reason, not deleted.
        return False

    @admin.display(description=_("evidence"))
    def evidence_file(self, disbursement):
        # Private files have no URL: name the file, never link the storage.
        if not disbursement.evidence:
            return _("No evidence attached.")
        return disbursement.evidence.name.rsplit("/", 1)[-1]

    @service_action(
        description=_("Verify the selected disbursements"), rule=can_review_disbursement
    )
    def verify(self, request, disbursement):
        disbursement_verify(disbursement=disbursement, actor=request.user)

    @service_action(
        description=_("Reject the selected disbursements"),
        form_class=ReasonForm,
        rule=can_review_disbursement,
    )
    def reject(self, request, disbursement, reason):
        disbursement_reject(disbursement=disbursement, actor=request.user, reason=reason)


@admin.register(Contract)
class ContractAdmin(RegiaHistoryAdmin):
    read_scope = staticmethod(selectors.contracts_visible_to)
    add_rule = staticmethod(can_create_contract)
    change_rule = staticmethod(can_change_contract)
    list_display = ["cig", "subject", "project", "supplier", "amount", "procedure", "awarded_on"]
    list_filter = ["procedure", "project__programme"]
    search_fields = ["cig", "subject", "supplier__name", "project__title"]
    list_select_related = ["project", "supplier"]
    autocomplete_fields = ["project", "supplier"]
    date_hierarchy = "awarded_on"
    # What the transactions recorded against a contract say it is.
    recorded_fields = ["cig", "project", "supplier"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.transactions.exists():
            return [*self.readonly_fields, *self.recorded_fields]
        return self.readonly_fields


class EntryKindFilter(admin.SimpleListFilter):
    title = _("kind of entry")
    parameter_name = "entry"

    def lookups(self, request, model_admin):
        return [("original", _("Original entries")), ("reversal", _("Reversals"))]

    def queryset(self, request, queryset):
        if self.value() == "original":
            return queryset.filter(reverses__isnull=True)
        if self.value() == "reversal":
            return queryset.filter(reverses__isnull=False)
        return queryset


@admin.register(Transaction)
class TransactionAdmin(RegiaHistoryAdmin):
    """Append-only: entries are added through the service and corrected by reversal."""

    create_service = staticmethod(transaction_record)
    read_scope = staticmethod(selectors.transactions_visible_to)
    add_rule = staticmethod(can_record_transaction)
    list_display = [
        "recorded_on",
        "project",
        "phase",
        "amount",
        "financial_year",
        "act",
        "cup",
        "cig",
        "is_reversal",
        "is_reversed",
    ]
    list_filter = [
        "phase",
        "financial_year",
        "act_kind",
        EntryKindFilter,
        "project__programme",
    ]
    search_fields = [
        "act_number",
        "cup",
        "cig",
        "peg_chapter",
        "description",
        "project__title",
    ]
    list_select_related = ["project", "reversed_by"]
    autocomplete_fields = ["project", "parent", "fund_source", "contract", "commitment"]
    date_hierarchy = "recorded_on"
    add_fields = [
        "project",
        ("phase", "parent"),
        ("amount", "financial_year", "recorded_on"),
        "peg_chapter",
        ("act_kind", "act_number", "act_date"),
        ("cup", "cig"),
        ("fund_source", "contract", "commitment"),
        "description",
    ]
    actions = ["reverse"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        return [*self.add_fields, ("reverses", "reason"), ("recorded_by", "created_at")]

    def get_readonly_fields(self, request, obj=None):
        # Every page of a recorded entry shows it read-only, its versions' pages too.
        return flatten(self.get_fields(request, obj)) if obj else []

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("authorising act"), ordering="act_number")
    def act(self, entry):
        return _("%(kind)s no. %(number)s") % {
            "kind": entry.get_act_kind_display(),
            "number": entry.act_number,
        }

    @admin.display(boolean=True, description=_("reversal"))
    def is_reversal(self, entry):
        return entry.reverses_id is not None

    @admin.display(boolean=True, description=_("reversed"))
    def is_reversed(self, entry):
        try:
            return entry.reversed_by is not None
        except Transaction.DoesNotExist:
            return False

    @service_action(
        description=_("Reverse the selected entries"),
        form_class=ReasonForm,
        permissions=("add",),
        rule=can_reverse_transaction,
    )
    def reverse(self, request, entry, reason):
        transaction_reverse(entry=entry, actor=request.user, reason=reason)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Staged imports, read-only: they are the uploaders' own and move only by the services."""

    list_display = ("original_name", "kind", "status", "uploader", "rows_total", "created_at")
    list_filter = ("kind", "status")
    list_select_related = ("uploader",)
    search_fields = ("original_name", "uploader__username")
    # The file has no URL (private storage): it is never shown.
    readonly_fields = [field.name for field in ImportBatch._meta.fields if field.name != "file"]
    exclude = ("file",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
