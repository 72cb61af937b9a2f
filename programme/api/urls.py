from rest_framework.routers import SimpleRouter

from programme.api.plans import PlanActionViewSet, PlanPhaseViewSet, PlanViewSet
from programme.api.programmes import (
    ChallengeViewSet,
    DecisionViewSet,
    MeetingViewSet,
    ProgrammeAssignmentViewSet,
    ProgrammeViewSet,
    StatusChangeViewSet,
    ThematicAreaViewSet,
)
from programme.api.projects import (
    IndicatorViewSet,
    MeasurementViewSet,
    MilestoneViewSet,
    ParticipationViewSet,
    ProjectViewSet,
    RiskViewSet,
)

router = SimpleRouter()
for prefix, viewset in [
    ("programmes", ProgrammeViewSet),
    ("programme-assignments", ProgrammeAssignmentViewSet),
    ("thematic-areas", ThematicAreaViewSet),
    ("challenges", ChallengeViewSet),
    ("plans", PlanViewSet),
    ("plan-phases", PlanPhaseViewSet),
    ("plan-actions", PlanActionViewSet),
    ("projects", ProjectViewSet),
    ("project-participations", ParticipationViewSet),
    ("milestones", MilestoneViewSet),
    ("indicators", IndicatorViewSet),
    ("measurements", MeasurementViewSet),
    ("risks", RiskViewSet),
    ("meetings", MeetingViewSet),
    ("decisions", DecisionViewSet),
    ("status-changes", StatusChangeViewSet),
]:
    router.register(prefix, viewset, basename=prefix)

urlpatterns = router.urls
