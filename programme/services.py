"""Every write to the programme's objects: keyword-only, validated, atomic and audited.

Setting ``_history_user`` before a save tells django-simple-history who made the change,
in requests, tasks and commands alike.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.audit import audit_record
from programme.models import (
    Measurement,
    Milestone,
    Plan,
    Programme,
    Project,
    ProjectParticipation,
)
from programme.workflow import Act, check_transition, record_status_change

S = Project.Status
PROJECT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PROPOSED: (S.UNDER_ASSESSMENT, S.CANCELLED),
    S.UNDER_ASSESSMENT: (S.APPROVED, S.PROPOSED, S.CANCELLED),
    S.APPROVED: (S.IN_PROGRESS, S.SUSPENDED, S.CANCELLED),
    S.IN_PROGRESS: (S.COMPLETED, S.SUSPENDED, S.CANCELLED),
    S.SUSPENDED: (S.IN_PROGRESS, S.CANCELLED),
    S.COMPLETED: (),
    S.CANCELLED: (),
}
# Steps that need a delibera or determina behind them.
PROJECT_STEPS_NEEDING_ACT = (S.APPROVED, S.CANCELLED)


@transaction.atomic
def programme_create(*, actor: AbstractBaseUser, **fields) -> Programme:
    programme = Programme(**fields)
    programme.full_clean()
    programme._history_user = actor
    programme.save()
    audit_record(actor=actor, verb="programme.created", target=programme)
    return programme


@transaction.atomic
def programme_publish(*, programme: Programme, actor: AbstractBaseUser) -> Programme:
    """Make a draft programme public."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status == Programme.Status.PUBLISHED:
        raise ValidationError(_("The programme is already published."), code="published")
    programme.status = Programme.Status.PUBLISHED
    programme._history_user = actor
    programme.save(update_fields=["status", "updated_at"])
    record_status_change(
        target=programme,
        from_status=Programme.Status.DRAFT,
        to_status=Programme.Status.PUBLISHED,
        actor=actor,
    )
    audit_record(actor=actor, verb="programme.published", target=programme)
    return programme


@transaction.atomic
def plan_publish(*, plan: Plan, actor: AbstractBaseUser) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == Plan.Status.PUBLISHED:
        raise ValidationError(_("The plan is already published."), code="published")
    if not plan.phases.exists():
        raise ValidationError(_("A plan needs at least one phase to be published."), code="empty")
    plan.status = Plan.Status.PUBLISHED
    plan._history_user = actor
    plan.save(update_fields=["status", "updated_at"])
    record_status_change(
        target=plan,
        from_status=Plan.Status.DRAFT,
        to_status=Plan.Status.PUBLISHED,
        actor=actor,
    )
    audit_record(actor=actor, verb="plan.published", target=plan)
    return plan


@transaction.atomic
def project_create(
    *,
    actor: AbstractBaseUser,
    participants: dict | None = None,
    **fields,
) -> Project:
    """Propose a project; its lead organisation always takes part as lead.

    ``participants`` maps further organisations to their ProjectParticipation role.
    """
    project = Project(**fields, status=Project.Status.PROPOSED)
    project.full_clean()
    project._history_user = actor
    project.save()
    ProjectParticipation.objects.create(
        project=project,
        organisation=project.lead_organisation,
        role=ProjectParticipation.Role.LEAD,
    )
    for organisation, role in (participants or {}).items():
        if organisation != project.lead_organisation:
            ProjectParticipation.objects.create(
                project=project, organisation=organisation, role=role
            )
    if project.manager is not None:
        _grant_project_manager(project, project.manager)
    record_status_change(target=project, from_status="", to_status=project.status, actor=actor)
    audit_record(actor=actor, verb="project.created", target=project)
    return project


# What a project manager may do on the projects assigned to them; the milestones,
# indicators, measurements and risks of those projects follow the project.
PROJECT_MANAGER_PERMISSIONS = ("programme.view_project", "programme.change_project")


def _grant_project_manager(project: Project, user) -> None:
    for permission in PROJECT_MANAGER_PERMISSIONS:
        assign_perm(permission, user, project)


@transaction.atomic
def project_assign_manager(*, project: Project, manager, actor: AbstractBaseUser) -> Project:
    """Make ``manager`` (or nobody) the project's manager; the previous one loses its rights."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    previous = project.manager
    if previous == manager:
        return project
    if previous is not None:
        for permission in PROJECT_MANAGER_PERMISSIONS:
            remove_perm(permission, previous, project)
    project.manager = manager
    project._history_user = actor
    project.save(update_fields=["manager", "updated_at"])
    if manager is not None:
        _grant_project_manager(project, manager)
    audit_record(
        actor=actor,
        verb="project.manager_assigned",
        target=project,
        data={"from": previous and previous.pk, "to": manager and manager.pk},
    )
    return project


@transaction.atomic
def project_transition(
    *,
    project: Project,
    to: str,
    actor: AbstractBaseUser,
    note: str = "",
    act: Act | None = None,
    on: date | None = None,
) -> Project:
    """Move a project one step along its workflow.

    Approval and cancellation need the authorising act; approval needs the CUP; starting and
    completing set the actual dates (``on``, today by default) when they are not set yet.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    check_transition(PROJECT_TRANSITIONS, project.status, to, Project.Status)
    if to in PROJECT_STEPS_NEEDING_ACT and act is None:
        raise ValidationError(
            _("Approving or cancelling a project needs its authorising act (delibera, determina)."),
            code="act_required",
        )
    if to == S.APPROVED and not project.cup:
        raise ValidationError(
            _("A project needs its CUP before it can be approved."), code="cup_required"
        )
    if to == S.SUSPENDED and not note.strip():
        raise ValidationError(_("Say why the project is suspended."), code="note_required")

    today = on or timezone.localdate()
    previous = project.status
    project.status = to
    if to == S.IN_PROGRESS and project.actual_start is None:
        project.actual_start = today
    if to == S.COMPLETED and project.actual_end is None:
        project.actual_end = today
    project.full_clean()
    project._history_user = actor
    project.save()
    record_status_change(
        target=project, from_status=previous, to_status=to, actor=actor, note=note, act=act
    )
    audit_record(
        actor=actor,
        verb="project.transitioned",
        target=project,
        data={"from": previous, "to": to, "act": act and act.number},
    )
    return project


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, actor: AbstractBaseUser, completed_on: date | None = None
) -> Milestone:
    """Mark a milestone done; it then counts towards the project's progress."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.completed_on is not None:
        raise ValidationError(_("The milestone is already done."), code="done")
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise ValidationError(_("A milestone cannot be done in the future."), code="future")
    milestone.completed_on = completed_on
    milestone.full_clean()
    milestone._history_user = actor
    milestone.save()
    audit_record(actor=actor, verb="milestone.completed", target=milestone)
    return milestone


@transaction.atomic
def milestone_reopen(*, milestone: Milestone, actor: AbstractBaseUser) -> Milestone:
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.completed_on is None:
        raise ValidationError(_("The milestone is not done."), code="not_done")
    milestone.completed_on = None
    milestone._history_user = actor
    milestone.save()
    audit_record(actor=actor, verb="milestone.reopened", target=milestone)
    return milestone


@transaction.atomic
def measurement_record(
    *, indicator, measured_on: date, value, actor: AbstractBaseUser, note: str = ""
) -> Measurement:
    measurement = Measurement(indicator=indicator, measured_on=measured_on, value=value, note=note)
    measurement.full_clean()
    measurement.save()
    audit_record(actor=actor, verb="measurement.recorded", target=measurement)
    return measurement
