from rest_framework.routers import SimpleRouter

from partners.api import views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisations")
router.register("memberships", views.MembershipViewSet, basename="memberships")
router.register("agreements", views.AgreementViewSet, basename="agreements")
router.register("obligations", views.ObligationViewSet, basename="obligations")
router.register(
    "data-sharing-commitments",
    views.DataSharingCommitmentViewSet,
    basename="data-sharing-commitments",
)

urlpatterns = router.urls
