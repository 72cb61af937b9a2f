"""The moves the demo stories are made of, each played through the services.

Objects that have a service (projects, milestones done, measurements, commitments, money) are
created and moved by it, so the demo carries the status changes and audit rows of real use.
Objects without one (milestones, indicators, risks, contracts...) are validated and saved.
The stories write amounts as exact decimal strings ("640000.00"); they become Decimal here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import models
from django.utils import timezone

from funding.models import Commitment, Contract, FundSource, Transaction
from funding.services import (
    allocation_create,
    commitment_confirm,
    commitment_pledge,
    commitment_withdraw,
    disbursement_declare,
    disbursement_verify,
    transaction_record,
)
from partners.models import Organisation
from programme.models import (
    Challenge,
    Indicator,
    Milestone,
    Plan,
    PlanAction,
    PlanPhase,
    Programme,
    ProgrammeAssignment,
    Project,
    Risk,
    StatusChange,
    ThematicArea,
)
from programme.services import (
    measurement_record,
    milestone_complete,
    plan_publish,
    programme_create,
    project_create,
    project_transition,
)
from programme.workflow import Act, status_history

S = Project.Status
# The path a project walks from proposal to completion; detours are played step by step.
MAIN_PATH = (S.UNDER_ASSESSMENT, S.APPROVED, S.IN_PROGRESS, S.COMPLETED)


def saved(instance: models.Model) -> models.Model:
    """Validate and save an object that has no service of its own."""
    instance.full_clean()
    instance.save()
    return instance


def programme_open(
    *,
    manager,
    council_member,
    thematic_areas: tuple[str, ...],
    weak_points: tuple[str, ...],
    **fields,
) -> tuple[Programme, dict[str, ThematicArea], dict[str, Challenge]]:
    """A draft programme with its manager, council member, thematic areas and weak points.

    The areas and weak points come back by name, for the projects and plans to refer to.
    """
    programme = programme_create(actor=manager, **fields)
    for user, role in (
        (manager, ProgrammeAssignment.Role.PROGRAMME_MANAGER),
        (council_member, ProgrammeAssignment.Role.COUNCIL_MEMBER),
    ):
        saved(ProgrammeAssignment(user=user, programme=programme, role=role))
    areas = {
        name: saved(ThematicArea(programme=programme, name=name, position=position))
        for position, name in enumerate(thematic_areas, start=1)
    }
    challenges = {
        name: saved(Challenge(programme=programme, name=name, position=position))
        for position, name in enumerate(weak_points, start=1)
    }
    return programme, areas, challenges


# A plan's phases: (phase name, ((year, action title, thematic area name or None), ...)).
PlanOutline = tuple[tuple[str, tuple[tuple[int, str, str | None], ...]], ...]


def plan_lay_out(
    programme: Programme,
    *,
    outline: PlanOutline,
    areas: dict[str, ThematicArea],
    actor,
    **fields,
) -> dict[str, PlanAction]:
    """A published plan with its phases and yearly actions; the actions come back by title."""
    plan = saved(Plan(programme=programme, **fields))
    actions = {}
    for position, (phase_name, phase_actions) in enumerate(outline, start=1):
        phase = saved(PlanPhase(plan=plan, name=phase_name, position=position))
        for year, title, area in phase_actions:
            actions[title] = saved(
                PlanAction(phase=phase, year=year, title=title, thematic_area=areas.get(area))
            )
    plan_publish(plan=plan, actor=actor)
    return actions


def project_propose(
    *, actor, programme, weak_points=(), participants: dict | None = None, **fields
) -> Project:
    """Propose a project led by the programme's owner, with the weak points it addresses."""
    project = project_create(
        actor=actor,
        programme=programme,
        lead_organisation=programme.owner,
        participants=participants,
        **fields,
    )
    project.challenges.set(weak_points)
    return project


def project_advance(
    project: Project,
    *,
    to: str,
    actor,
    approval: Act | None = None,
    started_on: date | None = None,
    completed_on: date | None = None,
) -> Project:
    """Walk a proposed project along the main path up to ``to``, one workflow step at a time."""
    dates = {S.IN_PROGRESS: started_on, S.COMPLETED: completed_on}
    for step in MAIN_PATH[: MAIN_PATH.index(to) + 1]:
        project = project_transition(
            project=project,
            to=step,
            actor=actor,
            act=approval if step == S.APPROVED else None,
            on=dates.get(step),
        )
    if approval is not None:
        _date_the_story(project, approval=approval.date, later=dates)
    return project


def _date_the_story(project: Project, *, approval: date, later: dict[str, date | None]) -> None:
    """Give the workflow history the story's dates instead of the seeding moment.

    The proposal and the assessment come before the approval act; a step without a date in
    the story keeps the moment the seed ran. Audit rows keep the real moment, as they must.
    """
    story = {
        S.PROPOSED: approval - timedelta(days=90),
        S.UNDER_ASSESSMENT: approval - timedelta(days=45),
        S.APPROVED: approval,
        **{status: day for status, day in later.items() if day is not None},
    }
    for change in status_history(project):
        day = story.get(change.to_status)
        if day is not None:
            moment = datetime.combine(day, time(10, 0), tzinfo=timezone.get_current_timezone())
            StatusChange.objects.filter(pk=change.pk).update(created_at=moment)


@dataclass(frozen=True)
class Step:
    """A milestone: ``done`` is when it was completed, None while it is still open."""

    title: str
    due: date
    done: date | None = None
    weight: int = 1
    deliverable: str = ""


def add_milestones(project: Project, steps: tuple[Step, ...], *, actor) -> list[Milestone]:
    milestones = []
    for step in steps:
        milestone = saved(
            Milestone(
                project=project,
                title=step.title,
                due_on=step.due,
                weight=step.weight,
                deliverable=step.deliverable,
            )
        )
        if step.done:
            milestone = milestone_complete(milestone=milestone, actor=actor, completed_on=step.done)
        milestones.append(milestone)
    return milestones


def add_indicator(
    project: Project,
    *,
    name: str,
    unit: str,
    baseline: tuple[date, str],
    target: tuple[date, str],
    measurements: tuple[tuple[date, str], ...],
    actor,
) -> Indicator:
    """An indicator with its baseline and target, and the values measured since (dated)."""
    indicator = saved(
        Indicator(
            project=project,
            name=name,
            unit=unit,
            baseline_on=baseline[0],
            baseline=Decimal(baseline[1]),
            target_on=target[0],
            target=Decimal(target[1]),
        )
    )
    for measured_on, value in measurements:
        measurement_record(
            indicator=indicator, measured_on=measured_on, value=Decimal(value), actor=actor
        )
    return indicator


def add_risk(
    project: Project,
    *,
    title: str,
    likelihood: int,
    impact: int,
    mitigation: str,
    status: str = Risk.Status.OPEN,
    owner=None,
    description: str = "",
) -> Risk:
    return saved(
        Risk(
            project=project,
            title=title,
            description=description,
            likelihood=likelihood,
            impact=impact,
            mitigation=mitigation,
            status=status,
            owner=owner,
        )
    )


def allocate(fund_source: FundSource, project: Project, per_year: dict[int, str], *, actor) -> None:
    for year, amount in per_year.items():
        allocation_create(
            fund_source=fund_source, project=project, year=year, amount=Decimal(amount), actor=actor
        )


@dataclass(frozen=True)
class Ledger:
    """What a run of a project's accounting entries share.

    The project (and its CUP), the contract (and its CIG), the fund source, the partner
    commitment they collect, the PEG chapter, and who records them.
    """

    project: Project
    actor: object
    fund_source: FundSource | None = None
    contract: Contract | None = None
    commitment: Commitment | None = None
    peg_chapter: str = ""

    def record(
        self,
        phase: str,
        amount: str,
        *,
        year: int,
        on: date,
        act: Act,
        parent: Transaction | None = None,
        description: str = "",
    ) -> Transaction:
        return transaction_record(
            actor=self.actor,
            project=self.project,
            phase=phase,
            amount=Decimal(amount),
            financial_year=year,
            recorded_on=on,
            peg_chapter=self.peg_chapter,
            act_kind=act.kind,
            act_number=act.number,
            act_date=act.date,
            cup=self.project.cup,
            cig=self.contract.cig if self.contract else "",
            parent=parent,
            fund_source=self.fund_source,
            contract=self.contract,
            commitment=self.commitment,
            description=description,
        )


@dataclass(frozen=True)
class Paid:
    """Money a partner declares on a commitment; the finance office verifies it or not yet."""

    amount: str
    on: date
    verified: bool = True
    note: str = ""


def co_finance(
    *,
    partner: Organisation,
    target: Project | PlanAction,
    year: int,
    kind: str,
    amount: str,
    description: str,
    representative,
    finance_office,
    budget_clause: bool = True,
    budget_act: str = "",
    payments: tuple[Paid, ...] = (),
    withdrawn_because: str = "",
) -> Commitment:
    """A partner's co-financing, played from the pledge to where the story leaves it.

    The representative pledges, confirms with the partner's budget act and declares what was
    paid; the municipality's finance office verifies the payments marked as verified.
    """
    where = {"project": target} if isinstance(target, Project) else {"plan_action": target}
    commitment = commitment_pledge(
        actor=representative,
        organisation=partner,
        year=year,
        kind=kind,
        amount=Decimal(amount),
        subject_to_budget_availability=budget_clause,
        description=description,
        **where,
    )
    if budget_act:
        commitment = commitment_confirm(
            commitment=commitment, actor=representative, act_reference=budget_act
        )
    for payment in payments:
        disbursement = disbursement_declare(
            commitment=commitment,
            amount=Decimal(payment.amount),
            disbursed_on=payment.on,
            note=payment.note,
            actor=representative,
        )
        if payment.verified:
            disbursement_verify(disbursement=disbursement, actor=finance_office)
    if withdrawn_because:
        commitment = commitment_withdraw(
            commitment=commitment, actor=representative, reason=withdrawn_because
        )
    commitment.refresh_from_db()
    return commitment
