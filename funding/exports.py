"""The ledger's tables a user may download, and what each one holds for that user.

Each table has the columns of ``funding.tables`` (what Regia writes it reads back), a row
source, who may export it and the name of its file; ``core.exports`` writes it as CSV,
"Excel Italia" CSV or XLSX.

Records (commitments, disbursements, transactions, allocations) are read with
``values_list().iterator()``: plain tuples in chunks, never model instances, one query whatever
the table's length, scoped by the selectors, so a file never holds a row its reader could
not see on the pages. Commitments and disbursements are never public; transactions and
allocations of public projects are. The reconciliation's tables are its programme's figures
(``funding.ledger``), for whoever may read the reconciliation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Choices, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.permissions import Allowed
from funding import ledger, permissions
from funding.models import Commitment, Disbursement, FundSource, Transaction
from funding.selectors import (
    allocations_visible_to,
    commitments_visible_to,
    disbursements_visible_to,
    transactions_visible_to,
)
from funding.tables import (
    ALLOCATION_COLUMNS,
    COMMITMENT_COLUMNS,
    DISBURSEMENT_COLUMNS,
    FUND_SOURCE_COLUMNS,
    PARTNER_COLUMNS,
    PRIVATE_INVESTMENT_COLUMNS,
    PROJECT_YEAR_COLUMNS,
    TRANSACTION_COLUMNS,
    Column,
)
from partners.models import Membership
from partners.selectors import current_memberships
from programme.models import AuthorisingAct, Programme
from programme.selectors import assigned_programmes

# Rows fetched from the database at a time: memory stays flat, round trips stay few.
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Filters:
    """The list page's filters a file follows (already validated)."""

    programme: Programme | None = None
    year: int | None = None
    status: str | None = None
    organisation: int | None = None


@dataclass(frozen=True)
class ExportTable:
    slug: str
    label: Promise
    # The table's name in the file's name: short, slugified ("impegni").
    file_label: Promise
    columns: tuple[Column, ...]
    rows: Callable[[Any, Filters], Iterable[dict]]
    may_export: Callable[[Any, Programme | None], Allowed]
    # The values ``?status=`` takes, for the tables that have a status.
    statuses: type[Choices] | None = None
    needs_programme: bool = False


def _rows(
    queryset: QuerySet, fields: dict[str, Any], choices: dict[str, type[Choices]] | None = None
) -> Iterator[dict]:
    """Rows keyed by column code, from ``fields`` (code → lookup); choices as their labels."""
    codes = list(fields)
    labels = {code: dict(enum.choices) for code, enum in (choices or {}).items()}
    for values in queryset.values_list(*fields.values()).iterator(chunk_size=CHUNK_SIZE):
        row = dict(zip(codes, values, strict=True))
        for code, by_value in labels.items():
            row[code] = by_value.get(row[code], row[code])
        yield row


def _labelled(rows: Iterable[dict], choices: dict[str, type[Choices]]) -> Iterator[dict]:
    """The reconciliation's rows with their choices' codes shown as labels."""
    labels = {code: dict(enum.choices) for code, enum in choices.items()}
    for row in rows:
        yield {
            **row,
            **{
                code: by_value.get(row.get(code), row.get(code))
                for code, by_value in labels.items()
            },
        }


# -- records --


def _commitment_rows(user, filters: Filters) -> Iterator[dict]:
    commitments = commitments_visible_to(user)
    if filters.programme is not None:
        commitments = commitments.filter(
            Q(project__programme=filters.programme)
            | Q(plan_action__phase__plan__programme=filters.programme)
        )
    if filters.year is not None:
        commitments = commitments.filter(year=filters.year)
    if filters.status:
        commitments = commitments.filter(status=filters.status)
    if filters.organisation is not None:
        commitments = commitments.filter(organisation_id=filters.organisation)
    commitments = commitments.annotate(
        export_programme=Coalesce(
            F("project__programme__name"), F("plan_action__phase__plan__programme__name")
        )
    )
    fields = {
        "id": "pk",
        "organisation_tax_code": "organisation__tax_code",
        "organisation": "organisation__name",
        "external_reference": "external_reference",
        "programme": "export_programme",
        "project_id": "project_id",
        "project": "project__title",
        "plan_action_id": "plan_action_id",
        "plan_action": "plan_action__title",
        "year": "year",
        "kind": "kind",
        "amount": "amount",
        "subject_to_budget_availability": "subject_to_budget_availability",
        "act_reference": "act_reference",
        "description": "description",
        "status": "status",
        "verified": "disbursed_amount",
    }
    choices = {"kind": Commitment.Kind, "status": Commitment.Status}
    return _rows(commitments.order_by("-year", "organisation__name", "pk"), fields, choices)


def _disbursement_rows(user, filters: Filters) -> Iterator[dict]:
    disbursements = disbursements_visible_to(user)
    if filters.programme is not None:
        disbursements = disbursements.filter(
            Q(commitment__project__programme=filters.programme)
            | Q(commitment__plan_action__phase__plan__programme=filters.programme)
        )
    if filters.year is not None:
        disbursements = disbursements.filter(commitment__year=filters.year)
    if filters.status:
        disbursements = disbursements.filter(status=filters.status)
    if filters.organisation is not None:
        disbursements = disbursements.filter(commitment__organisation_id=filters.organisation)
    fields = {
        "id": "pk",
        # The commitment's organisation: the partner that owes the money.
        "organisation_tax_code": "commitment__organisation__tax_code",
        "organisation": "commitment__organisation__name",
        "external_reference": "external_reference",
        "commitment_reference": "commitment__external_reference",
        "commitment_id": "commitment_id",
        "project_id": "commitment__project_id",
        "project": "commitment__project__title",
        "amount": "amount",
        "disbursed_on": "disbursed_on",
        "note": "note",
        "status": "status",
        "reviewed_at": "reviewed_at",
    }
    return _rows(
        disbursements.order_by("commitment_id", "disbursed_on", "pk"),
        fields,
        {"status": Disbursement.Status},
    )


def _transaction_rows(user, filters: Filters) -> Iterator[dict]:
    entries = transactions_visible_to(user)
    if filters.programme is not None:
        entries = entries.filter(project__programme=filters.programme)
    if filters.year is not None:
        entries = entries.filter(financial_year=filters.year)
    fields = {
        "id": "pk",
        "programme": "project__programme__name",
        "project_id": "project_id",
        "project": "project__title",
        "cup": "cup",
        "financial_year": "financial_year",
        "phase": "phase",
        "amount": "amount",
        "recorded_on": "recorded_on",
        "act_kind": "act_kind",
        "act_number": "act_number",
        "act_date": "act_date",
        "peg_chapter": "peg_chapter",
        "cig": "cig",
        "fund_source": "fund_source__name",
        "parent_id": "parent_id",
        "reverses_id": "reverses_id",
        "reason": "reason",
        "description": "description",
    }
    choices = {"phase": Transaction.Phase, "act_kind": AuthorisingAct}
    return _rows(
        entries.order_by("project_id", "financial_year", "recorded_on", "pk"), fields, choices
    )


def _allocation_rows(user, filters: Filters) -> Iterator[dict]:
    allocations = allocations_visible_to(user)
    if filters.programme is not None:
        allocations = allocations.filter(project__programme=filters.programme)
    if filters.year is not None:
        allocations = allocations.filter(year=filters.year)
    fields = {
        "id": "pk",
        "programme": "project__programme__name",
        "fund_source": "fund_source__name",
        "fund_source_kind": "fund_source__kind",
        "project_id": "project_id",
        "project": "project__title",
        "year": "year",
        "amount": "amount",
    }
    return _rows(
        allocations.order_by("project_id", "year", "fund_source__name", "pk"),
        fields,
        {"fund_source_kind": FundSource.Kind},
    )


# -- the reconciliation's figures: ``?programme=`` is required, the view checks it --


def _project_year_rows(user, filters: Filters) -> list[dict]:
    return ledger.project_year_rows(filters.programme)


def _fund_source_rows(user, filters: Filters) -> Iterator[dict]:
    return _labelled(ledger.fund_source_rows(filters.programme), {"kind": FundSource.Kind})


def _partner_rows(user, filters: Filters) -> list[dict]:
    return ledger.partner_rows(filters.programme)


def _private_investment_rows(user, filters: Filters) -> list[dict]:
    return ledger.private_investment_rows(filters.programme)


# -- who may export --


def may_export_public(user, programme: Programme | None) -> Allowed:
    """Transactions and allocations: anyone, each row within what the user may read."""
    return Allowed.yes()


def may_export_partner_money(user, programme: Programme | None) -> Allowed:
    """Commitments and disbursements are never public (docs/permissions.md): partners'
    representatives (their organisation's, and others' once firm), the programmes' managers
    and council members. Of one programme, only who has a role in it or acts for a partner."""
    if not user.is_authenticated:
        return Allowed.no(_("Log in to export partners' commitments and disbursements."))
    if user.is_superuser:
        return Allowed.yes()
    represents = current_memberships(user).filter(role=Membership.Role.REPRESENTATIVE).exists()
    if represents:
        return Allowed.yes()
    assigned = assigned_programmes(user)
    if programme is not None and not assigned.filter(pk=programme.pk).exists():
        return Allowed.no(_("You have no role in this programme."))
    if programme is None and not assigned.exists():
        return Allowed.no(
            _(
                "Only partners' representatives, the programmes' managers and council "
                "members export commitments and disbursements."
            )
        )
    return Allowed.yes()


def may_export_reconciliation(user, programme: Programme | None) -> Allowed:
    return permissions.can_view_reconciliation(user, programme)


TABLES: dict[str, ExportTable] = {
    table.slug: table
    for table in (
        ExportTable(
            slug="commitments",
            label=_("Commitments"),
            file_label=pgettext_lazy("export file name", "commitments"),
            columns=COMMITMENT_COLUMNS,
            rows=_commitment_rows,
            may_export=may_export_partner_money,
            statuses=Commitment.Status,
        ),
        ExportTable(
            slug="disbursements",
            label=_("Disbursements"),
            file_label=pgettext_lazy("export file name", "disbursements"),
            columns=DISBURSEMENT_COLUMNS,
            rows=_disbursement_rows,
            may_export=may_export_partner_money,
            statuses=Disbursement.Status,
        ),
        ExportTable(
            slug="transactions",
            label=_("Accounting entries"),
            file_label=pgettext_lazy("export file name", "accounting entries"),
            columns=TRANSACTION_COLUMNS,
            rows=_transaction_rows,
            may_export=may_export_public,
        ),
        ExportTable(
            slug="allocations",
            label=_("Allocations"),
            file_label=pgettext_lazy("export file name", "allocations"),
            columns=ALLOCATION_COLUMNS,
            rows=_allocation_rows,
            may_export=may_export_public,
        ),
        ExportTable(
            slug="project-years",
            label=_("Reconciliation by project and year"),
            file_label=pgettext_lazy("export file name", "reconciliation by project"),
            columns=PROJECT_YEAR_COLUMNS,
            rows=_project_year_rows,
            may_export=may_export_reconciliation,
            needs_programme=True,
        ),
        ExportTable(
            slug="fund-sources",
            label=_("Reconciliation by fund source"),
            file_label=pgettext_lazy("export file name", "fund sources"),
            columns=FUND_SOURCE_COLUMNS,
            rows=_fund_source_rows,
            may_export=may_export_reconciliation,
            needs_programme=True,
        ),
        ExportTable(
            slug="partners",
            label=_("Reconciliation by partner"),
            file_label=pgettext_lazy("export file name", "partners"),
            columns=PARTNER_COLUMNS,
            rows=_partner_rows,
            may_export=may_export_reconciliation,
            needs_programme=True,
        ),
        ExportTable(
            slug="private-investment",
            label=_("Private investment"),
            file_label=pgettext_lazy("export file name", "private investment"),
            columns=PRIVATE_INVESTMENT_COLUMNS,
            rows=_private_investment_rows,
            may_export=may_export_reconciliation,
            needs_programme=True,
        ),
    )
}
