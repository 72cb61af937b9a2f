"""Every write to the money: keyword-only, validated, atomic, audited; money records append-only.

Setting ``_history_user`` before a save tells django-simple-history who made the change,
in requests, tasks and commands alike.
"""

from __future__ import annotations

import os
import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from core.audit import audit_record
from core.imports import read_table
from core.money import euro, money_sum
from core.uploads import clean_upload
from funding import imports as ledger_import
from funding import tasks as import_tasks
from funding.models import (
    COMMITMENT_PARTNER_PERMISSIONS,
    Allocation,
    Commitment,
    Contract,
    Disbursement,
    FundSource,
    ImportBatch,
    Transaction,
    check_amount_positive,
)
from partners.services import organisation_group
from programme.workflow import Act, check_transition, record_status_change

C = Commitment.Status
# Disbursements move a firm commitment on by themselves (see disbursement_verify).
COMMITMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    C.PLEDGED: (C.CONFIRMED, C.WITHDRAWN),
    C.CONFIRMED: (C.PARTLY_DISBURSED, C.FULFILLED, C.WITHDRAWN),
    C.PARTLY_DISBURSED: (C.PARTLY_DISBURSED, C.FULFILLED),
    C.FULFILLED: (),
    C.WITHDRAWN: (),
}


@transaction.atomic
def fund_source_update(
    *, fund_source: FundSource, actor: AbstractBaseUser, **changes
) -> FundSource:
    """Change a fund source; its total never falls below what is allocated from it.

    It takes the lock allocation_create takes, so the check (FundSource.clean) cannot race
    a new allocation.
    """
    fund_source = FundSource.objects.select_for_update().get(pk=fund_source.pk)
    before = {field: str(getattr(fund_source, field)) for field in changes}
    for field, value in changes.items():
        setattr(fund_source, field, value)
    fund_source.full_clean()
    fund_source._history_user = actor
    fund_source.save()
    audit_record(
        actor=actor,
        verb="fund_source.updated",
        target=fund_source,
        data={"before": before, "after": {f: str(getattr(fund_source, f)) for f in changes}},
    )
    return fund_source


@transaction.atomic
def allocation_create(
    *, fund_source: FundSource, project, year: int, amount: Decimal, actor: AbstractBaseUser
) -> Allocation:
    """Allocate money from a source to a project; never more than the source has left."""
    fund_source = FundSource.objects.select_for_update().get(pk=fund_source.pk)
    allocated = fund_source.allocations.aggregate(total=money_sum("amount"))["total"]
    available = fund_source.total - allocated
    if amount > available:
        raise ValidationError(
            {
                "amount": ValidationError(
                    _("%(source)s has only %(available)s left to allocate.")
                    % {"source": fund_source, "available": euro(available)},
                    code="over_allocated",
                )
            }
        )
    if fund_source.programme_id != project.programme_id:
        raise ValidationError(
            _("The fund source and the project belong to different programmes."),
            code="programme_mismatch",
        )
    allocation = Allocation(fund_source=fund_source, project=project, year=year, amount=amount)
    allocation.full_clean()
    allocation._history_user = actor
    allocation.save()
    audit_record(
        actor=actor, verb="allocation.created", target=allocation, data={"amount": str(amount)}
    )
    return allocation


@transaction.atomic
def commitment_pledge(*, actor: AbstractBaseUser, **fields) -> Commitment:
    """Record a partner's pledge to co-finance a project or a plan action."""
    commitment = Commitment(**fields, status=C.PLEDGED)
    commitment.full_clean()
    commitment._history_user = actor
    commitment.save()
    # The partner's rights on its commitment belong to its group: they end with membership.
    partner = organisation_group(commitment.organisation)
    for permission in COMMITMENT_PARTNER_PERMISSIONS:
        assign_perm(permission, partner, commitment)
    record_status_change(target=commitment, from_status="", to_status=C.PLEDGED, actor=actor)
    audit_record(
        actor=actor,
        verb="commitment.pledged",
        target=commitment,
        data={"amount": str(commitment.amount)},
    )
    return commitment


def _move_commitment(
    commitment: Commitment, to: str, *, actor, note: str = "", act: Act | None = None
) -> None:
    previous = commitment.status
    check_transition(COMMITMENT_TRANSITIONS, previous, to, Commitment.Status)
    commitment.status = to
    commitment.full_clean()
    commitment._history_user = actor
    commitment.save()
    if previous != to:
        record_status_change(
            target=commitment, from_status=previous, to_status=to, actor=actor, note=note, act=act
        )


@transaction.atomic
def commitment_confirm(
    *, commitment: Commitment, actor: AbstractBaseUser, act_reference: str, note: str = ""
) -> Commitment:
    """Turn a pledge into a firm commitment, backed by the partner's own budget act."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if not act_reference.strip():
        raise ValidationError(
            {
                "act_reference": ValidationError(
                    _("Give the reference of the partner's budget act."), code="act_required"
                )
            }
        )
    commitment.act_reference = act_reference.strip()
    _move_commitment(commitment, C.CONFIRMED, actor=actor, note=note)
    audit_record(actor=actor, verb="commitment.confirmed", target=commitment)
    return commitment


@transaction.atomic
def commitment_withdraw(
    *, commitment: Commitment, actor: AbstractBaseUser, reason: str
) -> Commitment:
    """Withdraw a commitment that has not received money yet, saying why."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if not reason.strip():
        raise ValidationError(
            {
                "withdrawal_reason": ValidationError(
                    _("Say why the commitment is withdrawn."), code="reason_required"
                )
            }
        )
    if commitment.disbursements.exclude(status=Disbursement.Status.REJECTED).exists():
        raise ValidationError(
            _("A commitment with disbursements cannot be withdrawn."), code="has_disbursements"
        )
    commitment.withdrawal_reason = reason.strip()
    _move_commitment(commitment, C.WITHDRAWN, actor=actor, note=reason.strip())
    audit_record(actor=actor, verb="commitment.withdrawn", target=commitment)
    return commitment


@transaction.atomic
def disbursement_declare(
    *,
    commitment: Commitment,
    amount: Decimal,
    disbursed_on: date,
    actor: AbstractBaseUser,
    note: str = "",
    evidence=None,
    external_reference: str = "",
) -> Disbursement:
    """A partner declares money paid on a confirmed commitment.

    Under a lock on the commitment, the declared and verified disbursements together never
    exceed its amount, so two representatives declaring at once cannot overshoot it.
    """
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    commitment.check_takes_money()
    check_amount_positive(amount)
    Disbursement.check_date(disbursed_on)
    commitment.check_room(amount, already=commitment.declared_or_verified())
    disbursement = Disbursement(
        commitment=commitment,
        organisation_id=commitment.organisation_id,
        amount=amount,
        disbursed_on=disbursed_on,
        note=note,
        external_reference=external_reference.strip(),
        declared_by=actor,
    )
    if evidence is not None:
        disbursement.evidence = clean_upload(evidence)
    disbursement.full_clean()
    disbursement._history_user = actor
    disbursement.save()
    audit_record(
        actor=actor,
        verb="disbursement.declared",
        target=disbursement,
        data={"amount": str(amount), "commitment": commitment.pk},
    )
    return disbursement


@transaction.atomic
def disbursement_verify(*, disbursement: Disbursement, actor: AbstractBaseUser) -> Disbursement:
    """The finance office verifies a declared disbursement: now it counts."""
    disbursement = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    commitment = Commitment.objects.select_for_update().get(pk=disbursement.commitment_id)
    if disbursement.status != Disbursement.Status.DECLARED:
        raise ValidationError(_("Only a declared disbursement can be verified."), code="status")
    if disbursement.declared_by_id == actor.pk:
        raise ValidationError(
            _("Whoever declared a disbursement cannot also verify it."), code="same_person"
        )
    disbursement.status = Disbursement.Status.VERIFIED
    disbursement.reviewed_by = actor
    disbursement.reviewed_at = timezone.now()
    disbursement._history_user = actor
    disbursement.save()
    commitment.disbursed_amount += disbursement.amount
    to = C.FULFILLED if commitment.disbursed_amount == commitment.amount else C.PARTLY_DISBURSED
    _move_commitment(commitment, to, actor=actor)
    audit_record(
        actor=actor,
        verb="disbursement.verified",
        target=disbursement,
        data={"amount": str(disbursement.amount), "commitment": commitment.pk},
    )
    return disbursement


@transaction.atomic
def disbursement_reject(
    *, disbursement: Disbursement, actor: AbstractBaseUser, reason: str
) -> Disbursement:
    disbursement = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    if disbursement.status != Disbursement.Status.DECLARED:
        raise ValidationError(_("Only a declared disbursement can be rejected."), code="status")
    if not reason.strip():
        raise ValidationError(
            {
                "rejection_reason": ValidationError(
                    _("Say why the disbursement is rejected."), code="reason"
                )
            }
        )
    disbursement.status = Disbursement.Status.REJECTED
    disbursement.rejection_reason = reason.strip()
    disbursement.reviewed_by = actor
    disbursement.reviewed_at = timezone.now()
    disbursement.full_clean()
    disbursement._history_user = actor
    disbursement.save()
    audit_record(actor=actor, verb="disbursement.rejected", target=disbursement)
    return disbursement


@transaction.atomic
def transaction_record(*, actor: AbstractBaseUser, **fields) -> Transaction:
    """Record one accounting step.

    A liquidazione follows an impegno, a pagamento a liquidazione, a riscossione an
    accertamento, never for more than what is left of it; payments and settlements carry the
    project's CUP, and the contract's CIG when they pay a contract; what the entry links to
    (contract, partner commitment, fund source) belongs to the same project or programme; and
    nothing is dated in the future.
    """
    entry = Transaction(**fields, recorded_by=actor)
    check_amount_positive(entry.amount)
    parent_phase = Transaction.PARENT_PHASE.get(entry.phase)
    if parent_phase:
        if entry.parent is None:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _("This entry must follow from an entry of phase “%(parent)s”.")
                        % {"parent": Transaction.Phase(parent_phase).label},
                        code="parent_required",
                    )
                }
            )
        parent = Transaction.objects.select_for_update().get(pk=entry.parent.pk)
        if parent.phase != parent_phase or parent.project_id != entry.project_id:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _("It must follow from an entry of phase “%(parent)s” of the same project.")
                        % {"parent": Transaction.Phase(parent_phase).label},
                        code="parent_phase",
                    )
                }
            )
        left = _net_amount(parent) - _net_children(parent)
        if entry.amount > left:
            raise ValidationError(
                {
                    "amount": ValidationError(
                        _("Only %(left)s is left of the entry it follows from (%(parent)s).")
                        % {"left": euro(left), "parent": parent.get_phase_display()},
                        code="over_parent",
                    )
                }
            )
    elif entry.parent is not None:
        raise ValidationError(
            {
                "parent": ValidationError(
                    _(
                        "An entry of phase “%(phase)s” starts a chain: "
                        "it follows from no other entry."
                    )
                    % {"phase": entry.get_phase_display()},
                    code="parent_not_allowed",
                )
            }
        )
    _check_links(entry)
    _check_codes(entry)
    entry.full_clean()
    entry._history_user = actor
    entry.save()
    audit_record(
        actor=actor,
        verb="transaction.recorded",
        target=entry,
        data={"phase": entry.phase, "amount": str(entry.amount)},
    )
    return entry


def _check_links(entry: Transaction) -> None:
    """The contract, commitment and fund source an entry names are the project's own."""
    if entry.contract and entry.contract.project_id != entry.project_id:
        raise ValidationError(
            {
                "contract": ValidationError(
                    _("The contract belongs to another project."), code="contract_project"
                )
            }
        )
    if entry.commitment and entry.commitment.project_id != entry.project_id:
        raise ValidationError(
            {
                "commitment": ValidationError(
                    _("The partner's commitment is for another project."), code="commitment_project"
                )
            }
        )
    if entry.fund_source:
        if entry.fund_source.programme_id != entry.project.programme_id:
            raise ValidationError(
                {
                    "fund_source": ValidationError(
                        _("The fund source belongs to another programme."),
                        code="fund_source_programme",
                    )
                }
            )
        if entry.fund_source.is_off_budget:
            # Private investment is reported beside the municipal budget, never in it.
            raise ValidationError(
                {
                    "fund_source": ValidationError(
                        _("Private investment never enters the municipal accounts."),
                        code="off_budget",
                    )
                }
            )


def _check_codes(entry: Transaction) -> None:
    """CUP and CIG as the law asks for them, and no date in the future."""
    today = timezone.localdate()
    for field in ("recorded_on", "act_date"):
        day = getattr(entry, field)
        if day and day > today:
            raise ValidationError(
                {field: ValidationError(_("This date is in the future."), code="future")}
            )
    project_cup = entry.project.cup
    if entry.cup and entry.cup != project_cup:
        raise ValidationError(
            {"cup": ValidationError(_("The CUP is not the project's."), code="cup_mismatch")}
        )
    if entry.phase in (Transaction.Phase.LIQUIDAZIONE, Transaction.Phase.PAGAMENTO):
        if not project_cup:
            raise ValidationError(
                _("The project has no CUP yet: nothing can be settled or paid on it."),
                code="cup_missing",
            )
        if entry.cup != project_cup:
            raise ValidationError(
                {
                    "cup": ValidationError(
                        _("Settlements and payments carry the project's CUP (%(cup)s).")
                        % {"cup": project_cup},
                        code="cup_required",
                    )
                }
            )
        if entry.contract and entry.cig != entry.contract.cig:
            raise ValidationError(
                {
                    "cig": ValidationError(
                        _("Payments on a contract carry its CIG (%(cig)s).")
                        % {"cig": entry.contract.cig},
                        code="cig_required",
                    )
                }
            )


def _net_amount(entry: Transaction) -> Decimal:
    reversal = Transaction.objects.filter(reverses=entry).first()
    return entry.amount + (reversal.amount if reversal else 0)


def _net_children(entry: Transaction) -> Decimal:
    # Reversals of children are children too (they copy the parent), with negative amounts.
    return entry.children.aggregate(total=money_sum("amount"))["total"]


@transaction.atomic
def transaction_reverse(
    *, entry: Transaction, actor: AbstractBaseUser, reason: str, recorded_on: date | None = None
) -> Transaction:
    """Cancel a wrong entry with an opposite one; the original stays as it was."""
    entry = Transaction.objects.select_for_update().get(pk=entry.pk)
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Say why the entry is reversed."), code="reason")}
        )
    if entry.reverses_id is not None:
        raise ValidationError(_("A reversal cannot itself be reversed."), code="reversal")
    if Transaction.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."), code="reversed")
    if _net_children(entry) > 0:
        raise ValidationError(
            _("Reverse the entries that follow from this one first."), code="has_children"
        )
    reversal = Transaction(
        project=entry.project,
        phase=entry.phase,
        amount=-entry.amount,
        financial_year=entry.financial_year,
        recorded_on=recorded_on or timezone.localdate(),
        peg_chapter=entry.peg_chapter,
        act_kind=entry.act_kind,
        act_number=entry.act_number,
        act_date=entry.act_date,
        cup=entry.cup,
        cig=entry.cig,
        parent=entry.parent,
        fund_source=entry.fund_source,
        contract=entry.contract,
        commitment=entry.commitment,
        description=entry.description,
        reverses=entry,
        reason=reason.strip(),
        recorded_by=actor,
    )
    reversal.full_clean()
    reversal._history_user = actor
    reversal.save()
    audit_record(
        actor=actor,
        verb="transaction.reversed",
        target=entry,
        data={"reversal": reversal.pk, "reason": reversal.reason},
    )
    return reversal


@transaction.atomic
def fund_source_create(*, actor: AbstractBaseUser, **fields) -> FundSource:
    """Register where money comes from, within one programme."""
    fund_source = FundSource(**fields)
    fund_source.full_clean()
    fund_source._history_user = actor
    fund_source.save()
    audit_record(
        actor=actor,
        verb="fund_source.created",
        target=fund_source,
        data={"total": str(fund_source.total)},
    )
    return fund_source


# What a partner may still change in its pledge; who pledges, and the workflow, stay.
COMMITMENT_EDITABLE_FIELDS = frozenset(
    {
        "project",
        "plan_action",
        "year",
        "kind",
        "amount",
        "subject_to_budget_availability",
        "description",
        "external_reference",
    }
)


@transaction.atomic
def commitment_update(*, commitment: Commitment, actor: AbstractBaseUser, **changes) -> Commitment:
    """Change a pledge; once confirmed (or withdrawn) a commitment's terms no longer change."""
    unknown = set(changes) - COMMITMENT_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"commitment_update cannot change {', '.join(sorted(unknown))}.")
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != C.PLEDGED:
        raise ValidationError(
            _("Only a pledge can be changed: this commitment is “%(status)s”.")
            % {"status": commitment.get_status_display()},
            code="not_pledged",
        )
    before = {field: str(getattr(commitment, field)) for field in changes}
    for field, value in changes.items():
        setattr(commitment, field, value)
    commitment.full_clean()
    commitment._history_user = actor
    commitment.save()
    audit_record(
        actor=actor,
        verb="commitment.updated",
        target=commitment,
        data={"before": before, "after": {f: str(getattr(commitment, f)) for f in changes}},
    )
    return commitment


@transaction.atomic
def contract_create(*, actor: AbstractBaseUser, **fields) -> Contract:
    """Record an affidamento on a project, identified by its CIG."""
    contract = Contract(**fields)
    contract.full_clean()
    contract._history_user = actor
    contract.save()
    audit_record(
        actor=actor,
        verb="contract.created",
        target=contract,
        data={"cig": contract.cig, "amount": str(contract.amount)},
    )
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, actor: AbstractBaseUser, **changes) -> Contract:
    """Change a contract; once entries are recorded on it, its CIG, project and supplier stay
    and its amount never falls below what is committed on it (Contract.clean)."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    before = {field: str(getattr(contract, field)) for field in changes}
    for field, value in changes.items():
        setattr(contract, field, value)
    contract.full_clean()
    contract._history_user = actor
    contract.save()
    audit_record(
        actor=actor,
        verb="contract.updated",
        target=contract,
        data={"before": before, "after": {f: str(getattr(contract, f)) for f in changes}},
    )
    return contract


# -- import: staged files of commitments and disbursements (funding.imports) --


def _read_import(batch: ImportBatch, file=None):
    """The batch's file as a table; refused as a whole when it is not a safe CSV/XLSX file
    with the kind's columns."""
    source = file if file is not None else batch.file.open("rb")
    try:
        return read_table(
            source,
            columns=ledger_import.column_specs(batch.kind),
            required=ledger_import.REQUIRED[batch.kind],
        )
    finally:
        if file is None:
            source.close()


def _is_large(batch: ImportBatch) -> bool:
    return batch.rows_total > settings.REGIA_IMPORT_ASYNC_ROWS


def import_stage(*, uploader: AbstractBaseUser, kind: str, file) -> ImportBatch:
    """Stage a file of commitments or disbursements for its uploader to preview.

    The file is refused as a whole (ValidationError) when it is too large, not a CSV or XLSX
    file, a zip bomb, too long, or lacks columns. Otherwise its rows are checked, in the
    uploader's language: at once, or by the Celery worker when there are more than
    REGIA_IMPORT_ASYNC_ROWS of them (the batch then shows its progress).
    """
    if kind not in ImportBatch.Kind.values:
        raise ValidationError(_("Unknown kind of import."), code="kind")
    allowed = ledger_import.can_import(uploader)
    if not allowed:
        raise ValidationError(allowed.reason, code="not_allowed")
    batch = ImportBatch(
        kind=kind,
        uploader=uploader,
        original_name=os.path.basename(getattr(file, "name", "") or "")[:255],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        expires_at=timezone.now() + timedelta(hours=settings.REGIA_IMPORT_TTL_HOURS),
    )
    table = _read_import(batch, file)
    batch.file_format = table.file_format
    batch.rows_total = len(table.rows)
    file.seek(0)
    batch.file.save(
        f"{secrets.token_hex(16)}.{table.file_format}", ContentFile(file.read()), save=False
    )
    with transaction.atomic():
        batch.save()
        audit_record(
            actor=uploader,
            verb="import.staged",
            target=batch,
            data={"kind": kind, "rows": batch.rows_total, "file": batch.original_name},
        )
        if _is_large(batch):
            transaction.on_commit(lambda: import_tasks.validate_import.delay(batch.pk))
            return batch
    return import_validate(batch=batch, table=table)


def import_validate(*, batch: ImportBatch, table=None) -> ImportBatch:
    """Check every row of a staged import (in the task, for a large file), showing progress;
    the batch ends ready, or invalid with its errors. Running it again starts over."""
    if batch.status not in (ImportBatch.Status.STAGED, ImportBatch.Status.VALIDATING):
        return batch
    batch.status = ImportBatch.Status.VALIDATING
    batch.rows_validated = 0
    batch.save(update_fields=["status", "rows_validated", "updated_at"])

    def progress(done: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(rows_validated=done)

    with translation.override(batch.language or settings.LANGUAGE_CODE):
        try:
            table = table or _read_import(batch)
        except ValidationError as error:
            batch.errors = [{"row": None, "column": "", "message": m} for m in error.messages]
            outcome = ledger_import.Outcome(errors=batch.errors)
        else:
            outcome = ledger_import.check_rows(
                kind=batch.kind, table=table, uploader=batch.uploader, progress=progress
            )
    batch.rows_validated = batch.rows_total
    batch.rows_new = len(outcome.new)
    batch.rows_unchanged = outcome.unchanged
    batch.errors = outcome.errors
    batch.status = ImportBatch.Status.INVALID if outcome.errors else ImportBatch.Status.READY
    batch.save()
    return batch


class _RowsNowFail(Exception):
    def __init__(self, outcome):
        self.outcome = outcome


def import_confirm(*, batch: ImportBatch, actor: AbstractBaseUser) -> ImportBatch:
    """Import a previewed file, all or nothing, in one transaction.

    Only its uploader confirms it, only while it is ready and has not expired. The rows are
    checked again under locks (things may have changed since the preview): if one fails now,
    nothing is written and the batch shows the new errors. A large file is applied by the
    Celery worker.
    """
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.uploader_id != actor.pk:
            raise ValidationError(_("Only whoever uploaded an import confirms it."), code="owner")
        if batch.status == ImportBatch.Status.READY and batch.expires_at <= timezone.now():
            batch.status = ImportBatch.Status.EXPIRED
            batch.save(update_fields=["status", "updated_at"])
            expired = True
        else:
            expired = False
        if not expired and batch.status != ImportBatch.Status.READY:
            raise ValidationError(
                _("This import cannot be confirmed: it is “%(status)s”.")
                % {"status": batch.get_status_display()},
                code="status",
            )
        if not expired:
            batch.status = ImportBatch.Status.APPLYING
            batch.rows_validated = 0
            batch.save(update_fields=["status", "rows_validated", "updated_at"])
            if _is_large(batch):
                transaction.on_commit(lambda: import_tasks.apply_import.delay(batch.pk))
    if expired:
        raise ValidationError(_("This import has expired: upload the file again."), code="expired")
    if _is_large(batch):
        return batch
    return import_apply(batch=batch)


def import_apply(*, batch: ImportBatch) -> ImportBatch:
    """Apply a confirmed import (in the task, for a large file); idempotent: only a batch that
    is being applied is applied, once."""
    if batch.status != ImportBatch.Status.APPLYING:
        return batch
    actor = batch.uploader
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        try:
            table = _read_import(batch)
            with transaction.atomic():
                locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
                if locked.status != ImportBatch.Status.APPLYING:
                    return locked
                outcome = ledger_import.check_rows(
                    kind=batch.kind, table=table, uploader=actor, lock=True
                )
                if outcome.errors:
                    raise _RowsNowFail(outcome)
                created = ledger_import.apply_rows(
                    kind=batch.kind, outcome=outcome, actor=actor, batch=batch
                )
                locked.status = ImportBatch.Status.APPLIED
                locked.applied_at = timezone.now()
                locked.objects_created = created
                locked.rows_new = created
                locked.rows_unchanged = outcome.unchanged
                locked.rows_validated = locked.rows_total
                locked.errors = []
                locked.save()
                audit_record(
                    actor=actor,
                    verb="import.applied",
                    target=locked,
                    data={"kind": batch.kind, "created": created},
                )
                return locked
        except _RowsNowFail as failure:
            batch.status = ImportBatch.Status.INVALID
            batch.errors = failure.outcome.errors
            batch.rows_new = len(failure.outcome.new)
            batch.rows_unchanged = failure.outcome.unchanged
            batch.save()
            return batch
        except (ValidationError, IntegrityError) as error:
            # Someone created the same record meanwhile, or the file is gone: nothing written.
            batch.status = ImportBatch.Status.FAILED
            batch.failure = "; ".join(getattr(error, "messages", [str(error)]))
            batch.save()
            return batch


@transaction.atomic
def import_discard(*, batch: ImportBatch, actor: AbstractBaseUser) -> None:
    """The uploader drops a staged import that was not applied: the batch and its file go."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.uploader_id != actor.pk:
        raise ValidationError(_("Only whoever uploaded an import discards it."), code="owner")
    if batch.status in (ImportBatch.Status.APPLYING, ImportBatch.Status.APPLIED):
        raise ValidationError(
            _("An import being applied, or applied, stays on record."), code="status"
        )
    audit_record(actor=actor, verb="import.discarded", target=batch)
    name = batch.file.name
    batch.delete()
    if name:
        transaction.on_commit(lambda: ImportBatch.file.field.storage.delete(name))


def import_purge_expired(*, now=None) -> int:
    """Past their expiry, imports not yet applied expire, and every import's file is deleted
    (an applied one stays on record, without its file). Returns how many files went."""
    now = now or timezone.now()
    expired = ImportBatch.objects.filter(expires_at__lte=now).exclude(
        status__in=(ImportBatch.Status.VALIDATING, ImportBatch.Status.APPLYING)
    )
    expired.exclude(status__in=(ImportBatch.Status.APPLIED, ImportBatch.Status.EXPIRED)).update(
        status=ImportBatch.Status.EXPIRED, updated_at=now
    )
    purged = 0
    for batch in expired.exclude(file=""):
        batch.file.delete(save=False)
        ImportBatch.objects.filter(pk=batch.pk).update(file="")
        purged += 1
    return purged
