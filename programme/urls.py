from django.urls import path

from programme.views import browse, edit
from programme.views import workflow as workflow_views

app_name = "programme"

# Each area keeps its routes in its own block.
urlpatterns = [
    # -- browsing: projects list, plans, meetings --
    path("projects/", browse.project_list, name="project-list"),
    path("plans/", browse.plan_list, name="plan-list"),
    path("plans/<int:pk>/", browse.plan_detail, name="plan-detail"),
    path("meetings/", browse.meeting_list, name="meeting-list"),
    path("meetings/<int:pk>/", browse.meeting_detail, name="meeting-detail"),
    # -- forms: create and edit --
    path("programmes/new/", edit.programme_create, name="programme-create"),
    path("programmes/<slug:slug>/edit/", edit.programme_edit, name="programme-edit"),
    path("programmes/<slug:slug>/publish/", edit.programme_publish, name="programme-publish"),
    path("programmes/<slug:slug>/plans/new/", edit.plan_create, name="plan-create"),
    path("plans/<int:pk>/edit/", edit.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/publish/", edit.plan_publish, name="plan-publish"),
    path("plans/<int:pk>/phases/new/", edit.plan_phase_create, name="plan-phase-create"),
    path("plan-phases/<int:pk>/edit/", edit.plan_phase_edit, name="plan-phase-edit"),
    path("plan-phases/<int:pk>/actions/new/", edit.plan_action_create, name="plan-action-create"),
    path("plan-actions/<int:pk>/edit/", edit.plan_action_edit, name="plan-action-edit"),
    path("projects/new/", edit.project_create, name="project-create"),
    path("projects/<int:pk>/edit/", edit.project_edit, name="project-edit"),
    path("projects/<int:pk>/milestones/new/", edit.milestone_create, name="milestone-create"),
    path("milestones/<int:pk>/edit/", edit.milestone_edit, name="milestone-edit"),
    path("projects/<int:pk>/indicators/new/", edit.indicator_create, name="indicator-create"),
    path("indicators/<int:pk>/edit/", edit.indicator_edit, name="indicator-edit"),
    path(
        "indicators/<int:pk>/measurements/new/",
        edit.measurement_create,
        name="measurement-create",
    ),
    path("projects/<int:pk>/risks/new/", edit.risk_create, name="risk-create"),
    path("risks/<int:pk>/edit/", edit.risk_edit, name="risk-edit"),
    # -- workflow: transitions, milestones done --
    path(
        "projects/<int:pk>/transition/",
        workflow_views.project_transition,
        name="project-transition",
    ),
    path(
        "milestones/<int:pk>/complete/",
        workflow_views.milestone_complete,
        name="milestone-complete",
    ),
    path("milestones/<int:pk>/reopen/", workflow_views.milestone_reopen, name="milestone-reopen"),
]
