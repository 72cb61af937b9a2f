"""The reconciliation's figures in the API, read-only: ``/api/v1/ledger/...?programme=<id>``.

The same rows as the reconciliation page and the exports (``funding.ledger``). The programme
is required: one the user cannot read does not exist (404); one they read but do not manage is
refused with the reason (403), as on the page.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated

from core.api import check_predicate
from core.pagination import Pagination
from funding import ledger
from funding.api.serializers_ledger import (
    AlertSerializer,
    FundSourceRowSerializer,
    LedgerQuerySerializer,
    PartnerRowSerializer,
    PrivateInvestmentRowSerializer,
    ProjectYearQuerySerializer,
    ProjectYearSerializer,
)
from funding.permissions import can_view_reconciliation
from programme.models import Programme
from programme.selectors import programmes_visible_to

PROGRAMME = OpenApiParameter(
    "programme", int, required=True, description=_("The programme whose figures to read.")
)
YEAR = OpenApiParameter("year", int, required=False, description=_("Only this year."))


class LedgerView(mixins.ListModelMixin, GenericAPIView):
    """One table of a programme's reconciliation, for its managers (and administrators)."""

    permission_classes = (IsAuthenticated,)
    filter_backends = ()
    pagination_class = None
    query_serializer_class = LedgerQuerySerializer
    # Each table's rows, a static method: ``figures(programme, query) -> list`` of
    # funding.ledger's dicts.
    figures = None

    def programme(self, programme_id: int) -> Programme:
        programme = programmes_visible_to(self.request.user).filter(pk=programme_id).first()
        if programme is None:
            raise NotFound(_("No such programme."))
        check_predicate(can_view_reconciliation, self.request.user, programme)
        return programme

    def get_queryset(self) -> list:
        """The table's rows (a list: the figures are computed, not model instances)."""
        query = self.query_serializer_class(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        programme = self.programme(query.validated_data["programme"])
        return self.figures(programme, query.validated_data)

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


@extend_schema(parameters=[PROGRAMME, YEAR])
class ProjectYearsView(LedgerView):
    """Per project and year: allocated, pledged, committed, declared, verified, the net
    impegno, liquidazione and pagamento, and the variances. Paginated."""

    serializer_class = ProjectYearSerializer
    query_serializer_class = ProjectYearQuerySerializer
    pagination_class = Pagination

    @staticmethod
    def figures(programme, query):
        return ledger.project_year_rows(programme, year=query.get("year"))


@extend_schema(parameters=[PROGRAMME])
class FundSourcesView(LedgerView):
    """Per on-budget fund source: total, allocated, left to allocate, paid."""

    serializer_class = FundSourceRowSerializer

    @staticmethod
    def figures(programme, query):
        return ledger.fund_source_rows(programme)


@extend_schema(parameters=[PROGRAMME])
class PartnersView(LedgerView):
    """Per partner: pledged, confirmed, declared, verified, withdrawn, outstanding; restated
    private investment excluded."""

    serializer_class = PartnerRowSerializer

    @staticmethod
    def figures(programme, query):
        return ledger.partner_rows(programme)


@extend_schema(parameters=[PROGRAMME])
class PrivateInvestmentView(LedgerView):
    """Private investment outside the municipal budget, per source, project and year."""

    serializer_class = PrivateInvestmentRowSerializer

    @staticmethod
    def figures(programme, query):
        return ledger.private_investment_rows(programme)


@extend_schema(parameters=[PROGRAMME])
class AlertsView(LedgerView):
    """What needs the managers' attention, the most serious first; messages in the
    request's language."""

    serializer_class = AlertSerializer

    @staticmethod
    def figures(programme, query):
        return ledger.alerts(programme)
