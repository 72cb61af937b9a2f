"""Every write to the programme's objects: keyword-only, validated, atomic and audited.

Setting ``_history_user`` before a save tells django-simple-history who made the change,
in requests, tasks and commands alike.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.audit import audit_record
from core.roles import Role, role_group_name
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
    ThematicArea,
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


# The API's writes. Each entity's create/update/delete share three helpers; the rules of
# one entity (what may change, what must belong to the same programme) sit in its functions.


def _create(instance, *, actor: AbstractBaseUser, verb: str, m2m: dict | None = None):
    instance.full_clean()
    instance._history_user = actor
    instance.save()
    for field, values in (m2m or {}).items():
        getattr(instance, field).set(values)
    audit_record(actor=actor, verb=verb, target=instance)
    return instance


def _update(
    instance,
    *,
    actor: AbstractBaseUser,
    verb: str,
    editable: frozenset[str],
    changes: dict,
    m2m: dict | None = None,
):
    """Change ``editable`` fields of a locked fresh copy; the audit row keeps before and after."""
    refused = set(changes) - editable
    if refused:
        raise TypeError(f"{verb} cannot change {', '.join(sorted(refused))}")
    instance = type(instance).objects.select_for_update().get(pk=instance.pk)
    before = {field: str(getattr(instance, field)) for field in changes}
    for field, value in changes.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance._history_user = actor
    instance.save()
    for field, values in (m2m or {}).items():
        if values is not None:
            getattr(instance, field).set(values)
    audit_record(
        actor=actor,
        verb=verb,
        target=instance,
        data={"before": before, "after": {f: str(getattr(instance, f)) for f in changes}},
    )
    return instance


def _delete(instance, *, actor: AbstractBaseUser, verb: str) -> None:
    audit_record(actor=actor, verb=verb, target=instance)
    instance._history_user = actor
    instance.delete()


def _check_same_programme(programme: Programme, **linked) -> None:
    """Refuse, by field, links to thematic areas, weak points or projects of another programme."""
    errors = {}
    for field, objects in linked.items():
        if objects is None:
            continue
        many = objects if isinstance(objects, list | tuple | set) else [objects]
        if any(obj.programme_id != programme.pk for obj in many):
            errors[field] = ValidationError(
                _("Choose among the objects of the programme “%(programme)s”.")
                % {"programme": programme},
                code="other_programme",
            )
    if errors:
        raise ValidationError(errors)


PROGRAMME_EDITABLE = frozenset({"name", "slug", "summary", "description", "starts_on", "ends_on"})


@transaction.atomic
def programme_create_with_manager(
    *, actor: AbstractBaseUser, manager: AbstractBaseUser | None, **fields
) -> Programme:
    """Create a draft programme and make ``manager`` (when given) its programme manager."""
    programme = programme_create(actor=actor, **fields)
    if manager is not None:
        programme_assignment_create(
            actor=actor,
            user=manager,
            programme=programme,
            role=ProgrammeAssignment.Role.PROGRAMME_MANAGER,
        )
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, actor: AbstractBaseUser, **changes) -> Programme:
    return _update(
        programme,
        actor=actor,
        verb="programme.updated",
        editable=PROGRAMME_EDITABLE,
        changes=changes,
    )


@transaction.atomic
def programme_delete(*, programme: Programme, actor: AbstractBaseUser) -> None:
    """Delete a programme and what hangs from it; refused (ProtectedError) while it has projects."""
    _delete(programme, actor=actor, verb="programme.deleted")


# The role group that goes with each kind of assignment (see core.roles).
ASSIGNMENT_ROLES = {
    ProgrammeAssignment.Role.PROGRAMME_MANAGER: Role.PROGRAMME_MANAGER,
    ProgrammeAssignment.Role.COUNCIL_MEMBER: Role.COUNCIL_MEMBER,
    ProgrammeAssignment.Role.MODERATOR: Role.MODERATOR,
}


def sync_programme_roles(user) -> None:
    """Put the user in the role groups of the assignments they hold, and only those."""
    held = set(
        ProgrammeAssignment.objects.filter(user=user).values_list("role", flat=True).distinct()
    )
    for assignment_role, role in ASSIGNMENT_ROLES.items():
        group, _created = Group.objects.get_or_create(name=role_group_name(role))
        if assignment_role in held:
            user.groups.add(group)
        else:
            user.groups.remove(group)


@transaction.atomic
def programme_assignment_create(
    *, actor: AbstractBaseUser, user, programme: Programme, role: str
) -> ProgrammeAssignment:
    """Assign a user to a programme; they join the role's group (model permissions)."""
    assignment = _create(
        ProgrammeAssignment(user=user, programme=programme, role=role),
        actor=actor,
        verb="programme_assignment.created",
    )
    sync_programme_roles(user)
    return assignment


@transaction.atomic
def programme_assignment_update(
    *, assignment: ProgrammeAssignment, actor: AbstractBaseUser, **changes
) -> ProgrammeAssignment:
    assignment = _update(
        assignment,
        actor=actor,
        verb="programme_assignment.updated",
        editable=frozenset({"role"}),
        changes=changes,
    )
    sync_programme_roles(assignment.user)
    return assignment


@transaction.atomic
def programme_assignment_delete(
    *, assignment: ProgrammeAssignment, actor: AbstractBaseUser
) -> None:
    _delete(assignment, actor=actor, verb="programme_assignment.deleted")
    sync_programme_roles(assignment.user)


THEME_EDITABLE = frozenset({"name", "description", "position"})


@transaction.atomic
def thematic_area_create(*, actor: AbstractBaseUser, **fields) -> ThematicArea:
    return _create(ThematicArea(**fields), actor=actor, verb="thematic_area.created")


@transaction.atomic
def thematic_area_update(
    *, thematic_area: ThematicArea, actor: AbstractBaseUser, **changes
) -> ThematicArea:
    return _update(
        thematic_area,
        actor=actor,
        verb="thematic_area.updated",
        editable=THEME_EDITABLE,
        changes=changes,
    )


@transaction.atomic
def thematic_area_delete(*, thematic_area: ThematicArea, actor: AbstractBaseUser) -> None:
    _delete(thematic_area, actor=actor, verb="thematic_area.deleted")


@transaction.atomic
def challenge_create(*, actor: AbstractBaseUser, **fields) -> Challenge:
    return _create(Challenge(**fields), actor=actor, verb="challenge.created")


@transaction.atomic
def challenge_update(*, challenge: Challenge, actor: AbstractBaseUser, **changes) -> Challenge:
    return _update(
        challenge, actor=actor, verb="challenge.updated", editable=THEME_EDITABLE, changes=changes
    )


@transaction.atomic
def challenge_delete(*, challenge: Challenge, actor: AbstractBaseUser) -> None:
    _delete(challenge, actor=actor, verb="challenge.deleted")


PLAN_EDITABLE = frozenset({"title", "description", "start_year", "end_year", "dup_period"})


@transaction.atomic
def plan_create(*, actor: AbstractBaseUser, **fields) -> Plan:
    """Draft a plan; it is published with ``plan_publish`` once it has its phases."""
    return _create(Plan(**fields, status=Plan.Status.DRAFT), actor=actor, verb="plan.created")


@transaction.atomic
def plan_update(*, plan: Plan, actor: AbstractBaseUser, **changes) -> Plan:
    """Change a plan; its years must still hold the years of its actions."""
    plan = _update(plan, actor=actor, verb="plan.updated", editable=PLAN_EDITABLE, changes=changes)
    outside = PlanAction.objects.filter(phase__plan=plan).exclude(
        year__gte=plan.start_year, year__lte=plan.end_year
    )
    if outside.exists():
        raise ValidationError(
            _("Some of the plan's actions fall outside these years: move them first."),
            code="actions_outside",
        )
    return plan


@transaction.atomic
def plan_delete(*, plan: Plan, actor: AbstractBaseUser) -> None:
    _delete(plan, actor=actor, verb="plan.deleted")


@transaction.atomic
def plan_phase_create(*, actor: AbstractBaseUser, **fields) -> PlanPhase:
    return _create(PlanPhase(**fields), actor=actor, verb="plan_phase.created")


@transaction.atomic
def plan_phase_update(*, phase: PlanPhase, actor: AbstractBaseUser, **changes) -> PlanPhase:
    return _update(
        phase,
        actor=actor,
        verb="plan_phase.updated",
        editable=frozenset({"name", "description", "position"}),
        changes=changes,
    )


@transaction.atomic
def plan_phase_delete(*, phase: PlanPhase, actor: AbstractBaseUser) -> None:
    _delete(phase, actor=actor, verb="plan_phase.deleted")


PLAN_ACTION_EDITABLE = frozenset({"year", "title", "description", "thematic_area"})


@transaction.atomic
def plan_action_create(
    *, actor: AbstractBaseUser, phase: PlanPhase, projects=(), **fields
) -> PlanAction:
    """Plan what a phase does in one of its years, with the projects of the same programme."""
    action = PlanAction(phase=phase, **fields)
    _check_same_programme(
        phase.plan.programme, thematic_area=action.thematic_area, projects=list(projects)
    )
    return _create(action, actor=actor, verb="plan_action.created", m2m={"projects": projects})


@transaction.atomic
def plan_action_update(
    *, action: PlanAction, actor: AbstractBaseUser, projects=None, **changes
) -> PlanAction:
    programme = action.phase.plan.programme
    _check_same_programme(
        programme,
        thematic_area=changes.get("thematic_area"),
        projects=None if projects is None else list(projects),
    )
    return _update(
        action,
        actor=actor,
        verb="plan_action.updated",
        editable=PLAN_ACTION_EDITABLE,
        changes=changes,
        m2m={"projects": projects},
    )


@transaction.atomic
def plan_action_delete(*, action: PlanAction, actor: AbstractBaseUser) -> None:
    _delete(action, actor=actor, verb="plan_action.deleted")


PROJECT_EDITABLE = frozenset(
    {
        "title",
        "summary",
        "description",
        "thematic_area",
        "cup",
        "rup",
        "total_cost",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
    }
)


@transaction.atomic
def project_propose(
    *,
    actor: AbstractBaseUser,
    programme: Programme,
    challenges=(),
    participants: dict | None = None,
    **fields,
) -> Project:
    """``project_create``, with the weak points the project addresses, all of its programme."""
    _check_same_programme(
        programme, thematic_area=fields.get("thematic_area"), challenges=list(challenges)
    )
    project = project_create(actor=actor, programme=programme, participants=participants, **fields)
    project.challenges.set(challenges)
    return project


@transaction.atomic
def project_update(
    *, project: Project, actor: AbstractBaseUser, challenges=None, **changes
) -> Project:
    """Change a project's description, codes, cost and dates; its status moves by transition.

    The programme and the lead organisation stay what they were when it was proposed; the
    manager changes with ``project_assign_manager``.
    """
    _check_same_programme(
        project.programme,
        thematic_area=changes.get("thematic_area"),
        challenges=None if challenges is None else list(challenges),
    )
    return _update(
        project,
        actor=actor,
        verb="project.updated",
        editable=PROJECT_EDITABLE,
        changes=changes,
        m2m={"challenges": challenges},
    )


LEAD = ProjectParticipation.Role.LEAD


def _only_one_lead() -> ValidationError:
    return ValidationError(
        {
            "role": ValidationError(
                _(
                    "Only the project's lead organisation takes part as lead; it is chosen when "
                    "the project is proposed."
                ),
                code="lead",
            )
        }
    )


def _lead_stays() -> ValidationError:
    return ValidationError(
        _("The lead organisation takes part in its project for as long as the project exists."),
        code="lead",
    )


@transaction.atomic
def participation_create(
    *, actor: AbstractBaseUser, project: Project, organisation, role: str
) -> ProjectParticipation:
    """Add an organisation to a project; the lead takes part from the proposal on, as lead."""
    if role == LEAD:
        raise _only_one_lead()
    return _create(
        ProjectParticipation(project=project, organisation=organisation, role=role),
        actor=actor,
        verb="participation.created",
    )


@transaction.atomic
def participation_update(
    *, participation: ProjectParticipation, actor: AbstractBaseUser, **changes
) -> ProjectParticipation:
    if participation.role == LEAD:
        raise _lead_stays()
    if changes.get("role") == LEAD:
        raise _only_one_lead()
    return _update(
        participation,
        actor=actor,
        verb="participation.updated",
        editable=frozenset({"role"}),
        changes=changes,
    )


@transaction.atomic
def participation_delete(*, participation: ProjectParticipation, actor: AbstractBaseUser) -> None:
    if participation.role == LEAD:
        raise _lead_stays()
    _delete(participation, actor=actor, verb="participation.deleted")


MILESTONE_EDITABLE = frozenset({"title", "description", "due_on", "weight", "deliverable"})


@transaction.atomic
def milestone_create(*, actor: AbstractBaseUser, **fields) -> Milestone:
    """Plan a milestone; it is marked done with ``milestone_complete``."""
    return _create(Milestone(**fields), actor=actor, verb="milestone.created")


@transaction.atomic
def milestone_update(*, milestone: Milestone, actor: AbstractBaseUser, **changes) -> Milestone:
    return _update(
        milestone,
        actor=actor,
        verb="milestone.updated",
        editable=MILESTONE_EDITABLE,
        changes=changes,
    )


@transaction.atomic
def milestone_delete(*, milestone: Milestone, actor: AbstractBaseUser) -> None:
    _delete(milestone, actor=actor, verb="milestone.deleted")


INDICATOR_EDITABLE = frozenset({"name", "unit", "baseline", "baseline_on", "target", "target_on"})


@transaction.atomic
def indicator_create(*, actor: AbstractBaseUser, **fields) -> Indicator:
    return _create(Indicator(**fields), actor=actor, verb="indicator.created")


@transaction.atomic
def indicator_update(*, indicator: Indicator, actor: AbstractBaseUser, **changes) -> Indicator:
    return _update(
        indicator,
        actor=actor,
        verb="indicator.updated",
        editable=INDICATOR_EDITABLE,
        changes=changes,
    )


@transaction.atomic
def indicator_delete(*, indicator: Indicator, actor: AbstractBaseUser) -> None:
    _delete(indicator, actor=actor, verb="indicator.deleted")


@transaction.atomic
def measurement_update(
    *, measurement: Measurement, actor: AbstractBaseUser, **changes
) -> Measurement:
    return _update(
        measurement,
        actor=actor,
        verb="measurement.updated",
        editable=frozenset({"measured_on", "value", "note"}),
        changes=changes,
    )


@transaction.atomic
def measurement_delete(*, measurement: Measurement, actor: AbstractBaseUser) -> None:
    _delete(measurement, actor=actor, verb="measurement.deleted")


RISK_EDITABLE = frozenset(
    {"title", "description", "likelihood", "impact", "owner", "mitigation", "status"}
)


@transaction.atomic
def risk_create(*, actor: AbstractBaseUser, **fields) -> Risk:
    return _create(Risk(**fields), actor=actor, verb="risk.created")


@transaction.atomic
def risk_update(*, risk: Risk, actor: AbstractBaseUser, **changes) -> Risk:
    return _update(risk, actor=actor, verb="risk.updated", editable=RISK_EDITABLE, changes=changes)


@transaction.atomic
def risk_delete(*, risk: Risk, actor: AbstractBaseUser) -> None:
    _delete(risk, actor=actor, verb="risk.deleted")


MEETING_EDITABLE = frozenset({"title", "held_on", "place", "minutes"})


@transaction.atomic
def meeting_create(*, actor: AbstractBaseUser, participants=(), **fields) -> Meeting:
    """Record a working-group meeting and the organisations that took part."""
    return _create(
        Meeting(**fields),
        actor=actor,
        verb="meeting.created",
        m2m={"participants": participants},
    )


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, actor: AbstractBaseUser, participants=None, **changes
) -> Meeting:
    return _update(
        meeting,
        actor=actor,
        verb="meeting.updated",
        editable=MEETING_EDITABLE,
        changes=changes,
        m2m={"participants": participants},
    )


@transaction.atomic
def meeting_delete(*, meeting: Meeting, actor: AbstractBaseUser) -> None:
    _delete(meeting, actor=actor, verb="meeting.deleted")


DECISION_EDITABLE = frozenset({"text", "project", "responsible", "due_on", "position"})


@transaction.atomic
def decision_create(*, actor: AbstractBaseUser, meeting: Meeting, **fields) -> Decision:
    """Record what a meeting decided; the project concerned is one of the meeting's programme."""
    decision = Decision(meeting=meeting, **fields)
    _check_same_programme(meeting.programme, project=decision.project)
    return _create(decision, actor=actor, verb="decision.created")


@transaction.atomic
def decision_update(*, decision: Decision, actor: AbstractBaseUser, **changes) -> Decision:
    _check_same_programme(decision.meeting.programme, project=changes.get("project"))
    return _update(
        decision,
        actor=actor,
        verb="decision.updated",
        editable=DECISION_EDITABLE,
        changes=changes,
    )


@transaction.atomic
def decision_delete(*, decision: Decision, actor: AbstractBaseUser) -> None:
    _delete(decision, actor=actor, verb="decision.deleted")
