from django.urls import path
from rest_framework.routers import SimpleRouter

from funding.api import ledger
from funding.api.views import (
    AllocationViewSet,
    CommitmentViewSet,
    ContractViewSet,
    DisbursementViewSet,
    FundSourceViewSet,
    TransactionViewSet,
)

router = SimpleRouter()
router.register("fund-sources", FundSourceViewSet, basename="fund-sources")
router.register("allocations", AllocationViewSet, basename="allocations")
router.register("commitments", CommitmentViewSet, basename="commitments")
router.register("disbursements", DisbursementViewSet, basename="disbursements")
router.register("contracts", ContractViewSet, basename="contracts")
router.register("transactions", TransactionViewSet, basename="transactions")

# The reconciliation's tables: computed figures of one programme, not resources of the router.
ledger_urls = [
    path("ledger/project-years/", ledger.ProjectYearsView.as_view(), name="ledger-project-years"),
    path("ledger/fund-sources/", ledger.FundSourcesView.as_view(), name="ledger-fund-sources"),
    path("ledger/partners/", ledger.PartnersView.as_view(), name="ledger-partners"),
    path(
        "ledger/private-investment/",
        ledger.PrivateInvestmentView.as_view(),
        name="ledger-private-investment",
    ),
    path("ledger/alerts/", ledger.AlertsView.as_view(), name="ledger-alerts"),
]

urlpatterns = router.urls + ledger_urls
