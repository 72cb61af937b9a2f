"""Shapes of the reconciliation's figures in the API: read-only, money as decimal strings.

The fields are the codes of ``funding.tables`` (the export's columns), so a row reads the same
in a file and in JSON.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import FIRST_YEAR, LAST_YEAR
from funding.api.filters import MAX_ID
from funding.ledger import AlertKind, Severity
from funding.models import FundSource


def figure(help_text: str = "") -> serializers.DecimalField:
    """A money figure: sums and variances may be negative and exceed a single record."""
    return serializers.DecimalField(max_digits=17, decimal_places=2, help_text=help_text)


class LedgerQuerySerializer(serializers.Serializer):
    programme = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("The programme whose figures to read.")
    )


class ProjectYearQuerySerializer(LedgerQuerySerializer):
    year = serializers.IntegerField(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False, help_text=_("Only this year.")
    )


class ProjectYearSerializer(serializers.Serializer):
    project_id = serializers.IntegerField(
        allow_null=True, help_text=_("Null for the co-financing of a plan action.")
    )
    project = serializers.CharField()
    year = serializers.IntegerField()
    allocated = figure(_("Allocated from the fund sources of the municipal budget."))
    pledged = figure(_("Pledged by partners, not yet confirmed."))
    committed = figure(_("Firmly committed by partners (private investment excluded)."))
    declared = figure(_("Disbursements declared by partners, not yet verified."))
    verified = figure(_("Disbursements verified by the finance office."))
    impegno = figure(_("Net impegno (reversals included)."))
    liquidazione = figure(_("Net liquidazione (reversals included)."))
    pagamento = figure(_("Net pagamento (reversals included)."))
    uncommitted = figure(_("Allocated minus impegno."))
    unpaid = figure(_("Impegno minus pagamento."))
    expected_from_partners = figure(_("Committed by partners minus verified."))


class FundSourceRowSerializer(serializers.Serializer):
    fund_source_id = serializers.IntegerField()
    fund_source = serializers.CharField()
    kind = serializers.ChoiceField(choices=FundSource.Kind.choices)
    provider = serializers.CharField()
    total = figure()
    allocated = figure()
    available = figure(_("Left to allocate: total minus allocated."))
    spent = figure(_("Net pagamento recorded on the source."))


class PartnerRowSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField()
    pledged = figure(_("Pledged, not yet confirmed."))
    confirmed = figure(_("Firm: confirmed, partly disbursed or fulfilled."))
    declared = figure(_("Declared, awaiting verification."))
    fulfilled = figure(_("Verified by the finance office."))
    withdrawn = figure()
    outstanding = figure(_("Confirmed minus verified."))


class PrivateInvestmentRowSerializer(serializers.Serializer):
    fund_source_id = serializers.IntegerField()
    fund_source = serializers.CharField()
    provider = serializers.CharField()
    project_id = serializers.IntegerField()
    project = serializers.CharField()
    year = serializers.IntegerField()
    amount = figure()


class AlertSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AlertKind.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    message = serializers.CharField(help_text=_("In the language of the request."))
    project_id = serializers.IntegerField(allow_null=True)
    commitment_id = serializers.IntegerField(allow_null=True)
    agreement_id = serializers.IntegerField(allow_null=True)
