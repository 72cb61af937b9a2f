from rest_framework.routers import SimpleRouter

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

urlpatterns = router.urls
