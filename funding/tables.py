"""The ledger's tables as files: one list of columns per table, shared by every export and by
the import, so that what Regia writes it can read back.

A column's ``code`` is stable (the API's field name); its ``label`` is the header a file
carries, in the user's language. The import recognises a header by its code or by its label in
any of the interface's languages. ``kind`` says how a cell is written and read:

- ``text``: a string; neutralised against formula injection when written;
- ``money``: a Decimal with two places, written as a number (negative amounts too);
- ``integer``: a whole number (ids, years);
- ``date``: ISO in CSV and XLSX, dd/mm/yyyy in the "Excel Italia" CSV;
- ``boolean``: "sì"/"no" in Italian, "yes"/"no" in English; 1/0 and true/false are read too;
- ``choice``: the choice's label in the user's language; its code or either label is read.

``importable`` marks the columns the import reads; the others (names, titles, computed
figures) are there for the reader and are ignored when a file comes back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    kind: str = "text"
    importable: bool = False


# -- records: one row per object --

COMMITMENT_COLUMNS = (
    Column("id", _("Regia id"), "integer", importable=True),
    Column("organisation_tax_code", _("Partner's codice fiscale"), importable=True),
    Column("organisation", _("Partner")),
    Column("external_reference", _("Partner's reference"), importable=True),
    Column("programme", _("Programme")),
    Column("project_id", _("Project id"), "integer", importable=True),
    Column("project", _("Project")),
    Column("plan_action_id", _("Plan action id"), "integer", importable=True),
    Column("plan_action", _("Plan action")),
    Column("year", _("Year"), "integer", importable=True),
    Column("kind", _("Kind"), "choice", importable=True),
    Column("amount", _("Amount (EUR)"), "money", importable=True),
    Column(
        "subject_to_budget_availability",
        _("Subject to budget availability"),
        "boolean",
        importable=True,
    ),
    Column("act_reference", _("Partner's budget act"), importable=True),
    Column("description", _("What it pays for"), importable=True),
    Column("status", _("Status"), "choice"),
    Column("verified", _("Verified (EUR)"), "money"),
)

# A partner's money on a commitment ("transactions" of the import): declared, then verified.
DISBURSEMENT_COLUMNS = (
    Column("id", _("Regia id"), "integer", importable=True),
    Column("organisation_tax_code", _("Partner's codice fiscale"), importable=True),
    Column("organisation", _("Partner")),
    Column("external_reference", _("Partner's reference"), importable=True),
    Column("commitment_reference", _("Commitment's reference"), importable=True),
    Column("commitment_id", _("Commitment's Regia id"), "integer", importable=True),
    Column("project_id", _("Project id"), "integer", importable=True),
    Column("project", _("Project")),
    Column("amount", _("Amount (EUR)"), "money", importable=True),
    Column("disbursed_on", _("Disbursed on"), "date", importable=True),
    Column("note", _("Note"), importable=True),
    Column("status", _("Status"), "choice"),
    Column("reviewed_at", _("Reviewed on"), "date"),
)

# The municipality's accounting entries (impegno, liquidazione, pagamento, accertamento,
# riscossione); reversals carry negative amounts.
TRANSACTION_COLUMNS = (
    Column("id", _("Regia id"), "integer"),
    Column("programme", _("Programme")),
    Column("project_id", _("Project id"), "integer"),
    Column("project", _("Project")),
    Column("cup", _("CUP")),
    Column("financial_year", _("Financial year"), "integer"),
    Column("phase", _("Phase"), "choice"),
    Column("amount", _("Amount (EUR)"), "money"),
    Column("recorded_on", _("Date"), "date"),
    Column("act_kind", _("Authorising act"), "choice"),
    Column("act_number", _("Act number")),
    Column("act_date", _("Act date"), "date"),
    Column("peg_chapter", _("PEG chapter")),
    Column("cig", _("CIG")),
    Column("fund_source", _("Fund source")),
    Column("parent_id", _("Follows from (id)"), "integer"),
    Column("reverses_id", _("Reverses (id)"), "integer"),
    Column("reason", _("Reason for the reversal")),
    Column("description", _("Description")),
)

ALLOCATION_COLUMNS = (
    Column("id", _("Regia id"), "integer"),
    Column("programme", _("Programme")),
    Column("fund_source", _("Fund source")),
    Column("fund_source_kind", _("Kind of source"), "choice"),
    Column("project_id", _("Project id"), "integer"),
    Column("project", _("Project")),
    Column("year", _("Year"), "integer"),
    Column("amount", _("Amount (EUR)"), "money"),
)

# -- reconciliation: figures, one row per group --

PROJECT_YEAR_COLUMNS = (
    Column("project_id", _("Project id"), "integer"),
    Column("project", _("Project")),
    Column("year", _("Year"), "integer"),
    Column("allocated", _("Allocated (EUR)"), "money"),
    Column("pledged", _("Pledged by partners (EUR)"), "money"),
    Column("committed", _("Committed by partners (EUR)"), "money"),
    Column("declared", _("Declared, to verify (EUR)"), "money"),
    Column("verified", _("Verified (EUR)"), "money"),
    Column("impegno", _("Impegno (EUR)"), "money"),
    Column("liquidazione", _("Liquidazione (EUR)"), "money"),
    Column("pagamento", _("Pagamento (EUR)"), "money"),
    Column("uncommitted", _("Allocated, not yet committed (EUR)"), "money"),
    Column("unpaid", _("Committed, not yet paid (EUR)"), "money"),
    Column("expected_from_partners", _("Still expected from partners (EUR)"), "money"),
)

FUND_SOURCE_COLUMNS = (
    Column("fund_source_id", _("Fund source id"), "integer"),
    Column("fund_source", _("Fund source")),
    Column("kind", _("Kind of source"), "choice"),
    Column("provider", _("Provider")),
    Column("total", _("Total (EUR)"), "money"),
    Column("allocated", _("Allocated (EUR)"), "money"),
    Column("available", _("Left to allocate (EUR)"), "money"),
    Column("spent", _("Paid (EUR)"), "money"),
)

PARTNER_COLUMNS = (
    Column("organisation_id", _("Partner id"), "integer"),
    Column("organisation", _("Partner")),
    Column("pledged", _("Pledged (EUR)"), "money"),
    Column("confirmed", _("Confirmed (EUR)"), "money"),
    Column("declared", _("Declared, to verify (EUR)"), "money"),
    Column("fulfilled", _("Verified (EUR)"), "money"),
    Column("withdrawn", _("Withdrawn (EUR)"), "money"),
    Column("outstanding", _("Confirmed, still to receive (EUR)"), "money"),
)

PRIVATE_INVESTMENT_COLUMNS = (
    Column("fund_source_id", _("Fund source id"), "integer"),
    Column("fund_source", _("Fund source")),
    Column("provider", _("Investor")),
    Column("project_id", _("Project id"), "integer"),
    Column("project", _("Project")),
    Column("year", _("Year"), "integer"),
    Column("amount", _("Amount (EUR)"), "money"),
)
