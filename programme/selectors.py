"""The scope of managers, council members and project managers, and what each may read."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from partners.selectors import current_memberships
from programme.models import (
    Challenge,
    Decision,
    Indicator,
    Measurement,
    Meeting,
    Milestone,
    Plan,
    PlanAction,
    PlanPhase,
    Programme,
    ProgrammeAssignment,
    Project,
    ProjectParticipation,
    Risk,
    StatusChange,
    ThematicArea,
)

R = ProgrammeAssignment.Role


def assigned_programmes(user, *roles: str) -> QuerySet[Programme]:
    """The programmes the user is assigned to, in any of ``roles`` (all roles when none)."""
    if not user.is_authenticated:
        return Programme.objects.none()
    assignments = ProgrammeAssignment.objects.filter(user=user)
    if roles:
        assignments = assignments.filter(role__in=roles)
    return Programme.objects.filter(pk__in=assignments.values("programme_id"))


def managed_programmes(user) -> QuerySet[Programme]:
    if user.is_superuser:
        return Programme.objects.all()
    return assigned_programmes(user, R.PROGRAMME_MANAGER)


def readable_programmes(user) -> QuerySet[Programme]:
    """Published programmes, and drafts of the programmes the user is assigned to."""
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(status=Programme.Status.PUBLISHED) | Q(pk__in=assigned_programmes(user).values("pk"))
    )


def managed_projects(user) -> QuerySet[Project]:
    """The projects the user manages (object permission), whatever their programme."""
    if not user.is_authenticated:
        return Project.objects.none()
    # Administrators may change every project, but they manage none: not "their" projects.
    return get_objects_for_user(
        user,
        "programme.change_project",
        klass=Project,
        accept_global_perms=False,
        with_superuser=False,
    )


# What each user may read (docs/permissions.md): the API's querysets start from these, so
# whatever lies outside them answers 404. Children follow the object they hang from.


def _assigned_programme_ids(user) -> QuerySet:
    """The ids of the programmes the user is assigned to, as a subquery (no query of its own)."""
    if not user.is_authenticated:
        return ProgrammeAssignment.objects.none().values("programme_id")
    return ProgrammeAssignment.objects.filter(user=user).values("programme_id")


def programmes_visible_to(user) -> QuerySet[Programme]:
    """Published programmes, those the user is assigned to, and those of their projects."""
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(status=Programme.Status.PUBLISHED)
        | Q(pk__in=_assigned_programme_ids(user))
        | Q(pk__in=managed_projects(user).values("programme_id"))
    )


def programme_assignments_visible_to(user) -> QuerySet[ProgrammeAssignment]:
    """Never public: the assignments of the programmes the user is assigned to."""
    assignments = ProgrammeAssignment.objects.all()
    if user.is_superuser:
        return assignments
    return assignments.filter(programme__in=_assigned_programme_ids(user))


def thematic_areas_visible_to(user) -> QuerySet[ThematicArea]:
    return ThematicArea.objects.filter(programme__in=programmes_visible_to(user).values("pk"))


def challenges_visible_to(user) -> QuerySet[Challenge]:
    return Challenge.objects.filter(programme__in=programmes_visible_to(user).values("pk"))


def plans_visible_to(user) -> QuerySet[Plan]:
    """Published plans of published programmes, and every plan of the user's programmes."""
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(
        Q(status=Plan.Status.PUBLISHED, programme__status=Programme.Status.PUBLISHED)
        | Q(programme__in=_assigned_programme_ids(user))
    )


def plan_phases_visible_to(user) -> QuerySet[PlanPhase]:
    return PlanPhase.objects.filter(plan__in=plans_visible_to(user).values("pk"))


def plan_actions_visible_to(user) -> QuerySet[PlanAction]:
    return PlanAction.objects.filter(phase__plan__in=plans_visible_to(user).values("pk"))


def projects_visible_to(user) -> QuerySet[Project]:
    """Public projects; those of the user's programmes; those they manage; those their
    organisation takes part in."""
    if user.is_superuser:
        return Project.objects.all()
    visible = Q(programme__status=Programme.Status.PUBLISHED, status__in=Project.PUBLIC_STATUSES)
    if user.is_authenticated:
        participating = ProjectParticipation.objects.filter(
            organisation__in=current_memberships(user).values("organisation_id")
        )
        visible |= (
            Q(programme__in=_assigned_programme_ids(user))
            | Q(pk__in=managed_projects(user).values("pk"))
            | Q(pk__in=participating.values("project_id"))
        )
    return Project.objects.filter(visible)


def _of_visible_projects(model, user, path: str = "project"):
    if user.is_superuser:
        return model.objects.all()
    return model.objects.filter(**{f"{path}__in": projects_visible_to(user).values("pk")})


def participations_visible_to(user) -> QuerySet[ProjectParticipation]:
    return _of_visible_projects(ProjectParticipation, user)


def milestones_visible_to(user) -> QuerySet[Milestone]:
    return _of_visible_projects(Milestone, user)


def indicators_visible_to(user) -> QuerySet[Indicator]:
    return _of_visible_projects(Indicator, user)


def measurements_visible_to(user) -> QuerySet[Measurement]:
    return _of_visible_projects(Measurement, user, "indicator__project")


def internal_projects(user) -> Q:
    """A condition on projects: those the user works on (assigned programme or managed), whose
    internal notes they read; an empty condition for administrators, who read every one."""
    if user.is_superuser:
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(programme__in=_assigned_programme_ids(user)) | Q(
        pk__in=managed_projects(user).values("pk")
    )


def risks_visible_to(user) -> QuerySet[Risk]:
    """Never public: the risks of the user's programmes and of the projects they manage."""
    if user.is_superuser:
        return Risk.objects.all()
    return Risk.objects.filter(project__in=Project.objects.filter(internal_projects(user)))


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Never public: the working-group meetings of the user's programmes."""
    if user.is_superuser:
        return Meeting.objects.all()
    return Meeting.objects.filter(programme__in=_assigned_programme_ids(user))


def decisions_visible_to(user) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting__in=meetings_visible_to(user).values("pk"))


# The workflows whose steps this app shows; commitments' steps are funding's.
WORKFLOW_SELECTORS = {
    Programme: programmes_visible_to,
    Plan: plans_visible_to,
    Project: projects_visible_to,
}


def status_changes_visible_to(user) -> QuerySet[StatusChange]:
    """The workflow steps of the objects the user may read (apps register theirs here)."""
    types = ContentType.objects.get_for_models(*WORKFLOW_SELECTORS)
    visible = Q(pk__in=[])
    for model, selector in WORKFLOW_SELECTORS.items():
        condition = Q(content_type=types[model])
        if not user.is_superuser:
            condition &= Q(object_id__in=selector(user).values("pk"))
        visible |= condition
    return StatusChange.objects.filter(visible)
