from rest_framework.routers import SimpleRouter

from portal.api.views import AuditEntryViewSet

router = SimpleRouter()
router.register("audit-entries", AuditEntryViewSet, basename="audit-entries")

urlpatterns = router.urls
