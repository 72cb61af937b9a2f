"""Reads that bring several apps together: the audit log as a programme manager may read it,
and the programme dashboards of managers and council members."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext

from core.models import AuditEntry
from core.money import ZERO, money_sum
from funding.models import Allocation, Commitment, Contract, Disbursement, FundSource, Transaction
from funding.selectors import restates_private_investment
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
from programme.selectors import assigned_programmes, managed_programmes

# The models whose objects belong to a programme, and the lookups that lead from one of their
# objects to its programme (a commitment or a disbursement reaches it through a project or
# through a plan action). Objects of other models (organisations, agreements, memberships)
# belong to no programme: only administrators read their audit entries.
PROGRAMME_LOOKUPS: dict[type[models.Model], tuple[str, ...]] = {
    Programme: ("pk",),
    ProgrammeAssignment: ("programme",),
    ThematicArea: ("programme",),
    Challenge: ("programme",),
    Meeting: ("programme",),
    Decision: ("meeting__programme",),
    Plan: ("programme",),
    PlanPhase: ("plan__programme",),
    PlanAction: ("phase__plan__programme",),
    Project: ("programme",),
    ProjectParticipation: ("project__programme",),
    Milestone: ("project__programme",),
    Indicator: ("project__programme",),
    Measurement: ("indicator__project__programme",),
    Risk: ("project__programme",),
    FundSource: ("programme",),
    Allocation: ("fund_source__programme",),
    Contract: ("project__programme",),
    Transaction: ("project__programme",),
    Commitment: ("project__programme", "plan_action__phase__plan__programme"),
    Disbursement: (
        "commitment__project__programme",
        "commitment__plan_action__phase__plan__programme",
    ),
}


def _target_ids(model: type[models.Model], programmes: QuerySet) -> QuerySet:
    """The ids, as the audit log stores them (text), of the model's objects in ``programmes``."""
    in_programmes = functools.reduce(
        operator.or_,
        (Q(**{f"{lookup}__in": programmes}) for lookup in PROGRAMME_LOOKUPS[model]),
    )
    return (
        model._base_manager.filter(in_programmes)
        .order_by()
        .values_list(Cast("pk", output_field=CharField()), flat=True)
    )


def audit_entries_visible_to(user, entries: QuerySet[AuditEntry] | None = None) -> QuerySet:
    """The audit entries ``user`` may read: all for an administrator; for a programme manager,
    those about the objects of the programmes they manage; none for anyone else.

    One query whatever the number of entries: each model's part is a subquery.
    """
    entries = AuditEntry.objects.all() if entries is None else entries
    if not user.is_authenticated:
        return entries.none()
    if user.is_superuser:
        return entries
    programmes = managed_programmes(user).order_by().values("pk")
    scope = functools.reduce(
        operator.or_,
        (
            Q(target_type=model._meta.label_lower, target_id__in=_target_ids(model, programmes))
            for model in PROGRAMME_LOOKUPS
        ),
    )
    return entries.filter(scope)


# -- dashboards and council area --

DASHBOARD_ROLES = (
    ProgrammeAssignment.Role.PROGRAMME_MANAGER,
    ProgrammeAssignment.Role.COUNCIL_MEMBER,
)
# How far ahead the dashboard looks for milestones, and how many rows each list shows.
UPCOMING_DAYS = 60
LIST_LENGTH = 10


def dashboard_programmes(user) -> QuerySet[Programme]:
    """The programmes whose dashboard ``user`` reads: those they manage or sit on the council
    of (every one for an administrator)."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    return assigned_programmes(user, *DASHBOARD_ROLES)


@dataclass(frozen=True)
class Count:
    """How many projects have one status or thematic area (``key``: the code or the id)."""

    key: str | int | None
    label: str
    count: int


@dataclass(frozen=True)
class MoneyRow:
    """Planned, committed by partners (firm) and spent (payments net of reversals)."""

    year: int | None
    planned: Decimal
    committed: Decimal
    spent: Decimal


@dataclass(frozen=True)
class PartnerCofinancing:
    organisation_id: int
    name: str
    pledged: Decimal | None  # None where the reader sees pledges only as a total
    confirmed: Decimal
    verified: Decimal


@dataclass(frozen=True)
class ProgrammeDashboard:
    programme: Programme
    today: date
    project_count: int
    by_status: list[Count]
    by_area: list[Count]
    # Over the projects from approval on, weighted by their total cost; None without cost.
    progress: Decimal | None
    progress_projects: int
    late_count: int
    late: list[Milestone]
    upcoming_count: int
    upcoming: list[Milestone]
    money: MoneyRow
    money_by_year: list[MoneyRow]
    private_investment: list[FundSource]
    cofinancing: list[PartnerCofinancing]
    cofinancing_total: PartnerCofinancing
    pledges_by_partner: bool
    open_risk_count: int
    risks: list[Risk]
    decisions: list[Decision]


def _programme_commitments(programme: Programme) -> QuerySet[Commitment]:
    """Commitments to the programme's projects and plan actions."""
    return Commitment.objects.filter(
        Q(project__programme=programme) | Q(plan_action__phase__plan__programme=programme)
    )


def _project_counts(programme: Programme) -> tuple[int, list[Count], list[Count]]:
    """Projects by status and by thematic area: one grouped query, and one for the areas."""
    grid = list(
        Project.objects.filter(programme=programme)
        .order_by()
        .values_list("status", "thematic_area_id")
        .annotate(n=models.Count("pk"))
    )
    statuses: dict[str, int] = {}
    areas: dict[int | None, int] = {}
    for status, area, n in grid:
        statuses[status] = statuses.get(status, 0) + n
        areas[area] = areas.get(area, 0) + n
    by_status = [
        Count(code, str(label), statuses[code])
        for code, label in Project.Status.choices
        if statuses.get(code)
    ]
    by_area = [
        Count(area.pk, area.name, areas.get(area.pk, 0))
        for area in ThematicArea.objects.filter(programme=programme).order_by("position", "name")
    ]
    if areas.get(None):
        by_area.append(Count(None, gettext("No thematic area"), areas[None]))
    return sum(statuses.values()), by_status, by_area


def _progress(programme: Programme) -> tuple[Decimal | None, int]:
    """The programme's progress: its projects' progress weighted by their cost, in SQL."""
    totals = (
        Project.objects.filter(programme=programme, status__in=Project.PUBLIC_STATUSES)
        .with_progress()
        .aggregate(
            weighted=Sum(
                F("progress_percent") * F("total_cost"),
                output_field=models.DecimalField(max_digits=20, decimal_places=3),
            ),
            cost=Sum("total_cost"),
            projects=models.Count("pk"),
        )
    )
    if not totals["cost"]:
        return None, totals["projects"]
    progress = Decimal(totals["weighted"]) / Decimal(totals["cost"])
    return progress.quantize(Decimal("0.1")), totals["projects"]


def _milestones(programme: Programme, today: date):
    """Late and upcoming milestones of the programme's open projects, with their counts."""
    open_milestones = Milestone.objects.filter(
        project__programme=programme, completed_on__isnull=True
    ).exclude(project__status__in=Project.CLOSED_STATUSES)
    horizon = today + timedelta(days=UPCOMING_DAYS)
    late = Q(due_on__lt=today)
    upcoming = Q(due_on__gte=today, due_on__lte=horizon)
    counts = open_milestones.aggregate(
        late=models.Count("pk", filter=late), upcoming=models.Count("pk", filter=upcoming)
    )
    rows = open_milestones.select_related("project").order_by("due_on", "pk")
    return (
        counts["late"],
        list(rows.filter(late)[:LIST_LENGTH]),
        counts["upcoming"],
        list(rows.filter(upcoming)[:LIST_LENGTH]),
    )


def _money(programme: Programme) -> tuple[MoneyRow, list[MoneyRow], list[FundSource]]:
    """Planned (allocations), committed (firm partner commitments) and spent (payments, the
    reversals' negative amounts included) per year: three grouped queries. Private investment
    never enters the budget: its allocations and payments stay out of these figures. A
    cancelled project's allocations are no longer planned; what it spent stays spent."""
    on_budget = ~Q(fund_source__kind__in=FundSource.OFF_BUDGET_KINDS)
    planned = (
        Allocation.objects.filter(on_budget, project__programme=programme)
        .exclude(project__status=Project.Status.CANCELLED)
        .order_by()
        .values_list("year")
        .annotate(total=money_sum("amount"))
    )
    committed = (
        _programme_commitments(programme)
        .filter(status__in=Commitment.FIRM_STATUSES)
        .exclude(restates_private_investment())
        .order_by()
        .values_list("year")
        .annotate(total=money_sum("amount"))
    )
    spent = (
        Transaction.objects.filter(project__programme=programme, phase=Transaction.Phase.PAGAMENTO)
        .filter(Q(fund_source__isnull=True) | on_budget)
        .order_by()
        .values_list("financial_year")
        .annotate(total=money_sum("amount"))
    )
    columns = [dict(planned), dict(committed), dict(spent)]
    years = sorted(set().union(*columns))
    by_year = [MoneyRow(year, *(column.get(year, ZERO) for column in columns)) for year in years]
    total = MoneyRow(None, *(sum(column.values(), ZERO) for column in columns))
    private = list(
        FundSource.objects.filter(programme=programme, kind__in=FundSource.OFF_BUDGET_KINDS)
        .select_related("provider")
        .annotate(allocated=money_sum("allocations__amount"))
        .order_by("name")
    )
    return total, by_year, private


def _cofinancing(programme: Programme, pledges_by_partner: bool):
    """Pledged, confirmed and verified co-financing per partner, in one grouped query.

    Verified money is the verified disbursements of firm commitments. Who reads pledges only
    as totals (a council member) gets the pledged total, not each partner's."""
    firm = Q(status__in=Commitment.FIRM_STATUSES)
    rows = list(
        _programme_commitments(programme)
        .order_by()
        .values_list("organisation_id", "organisation__name")
        .annotate(
            pledged=money_sum("amount", filter=Q(status=Commitment.Status.PLEDGED)),
            confirmed=money_sum("amount", filter=firm),
            verified=money_sum("disbursed_amount", filter=firm),
        )
        .order_by("organisation__name")
    )
    partners = [
        PartnerCofinancing(pk, name, pledged if pledges_by_partner else None, confirmed, verified)
        for pk, name, pledged, confirmed, verified in rows
        if pledges_by_partner or confirmed
    ]
    total = PartnerCofinancing(
        0,
        gettext("Total"),
        sum((row[2] for row in rows), ZERO),
        sum((row[3] for row in rows), ZERO),
        sum((row[4] for row in rows), ZERO),
    )
    return partners, total


def programme_dashboard(programme: Programme, *, user, today: date) -> ProgrammeDashboard:
    """Everything the programme's dashboard shows, in a fixed number of queries whatever the
    number of projects: counts and sums are computed by the database."""
    project_count, by_status, by_area = _project_counts(programme)
    progress, progress_projects = _progress(programme)
    late_count, late, upcoming_count, upcoming = _milestones(programme, today)
    money, money_by_year, private = _money(programme)
    pledges_by_partner = managed_programmes(user).filter(pk=programme.pk).exists()
    cofinancing, cofinancing_total = _cofinancing(programme, pledges_by_partner)
    open_risks = Risk.objects.filter(project__programme=programme, status=Risk.Status.OPEN)
    risks = list(
        open_risks.select_related("project", "owner")
        .annotate(rank=F("likelihood") * F("impact"))
        .order_by("-rank", "-impact", "pk")[:LIST_LENGTH]
    )
    decisions = list(
        Decision.objects.filter(meeting__programme=programme)
        .select_related("meeting", "project", "responsible")
        .order_by("-meeting__held_on", "-meeting_id", "position", "pk")[:LIST_LENGTH]
    )
    return ProgrammeDashboard(
        programme=programme,
        today=today,
        project_count=project_count,
        by_status=by_status,
        by_area=by_area,
        progress=progress,
        progress_projects=progress_projects,
        late_count=late_count,
        late=late,
        upcoming_count=upcoming_count,
        upcoming=upcoming,
        money=money,
        money_by_year=money_by_year,
        private_investment=private,
        cofinancing=cofinancing,
        cofinancing_total=cofinancing_total,
        pledges_by_partner=pledges_by_partner,
        open_risk_count=open_risks.count(),
        risks=risks,
        decisions=decisions,
    )


def latest_project_status_changes(programmes: QuerySet[Programme], limit: int = LIST_LENGTH):
    """The latest workflow steps of the projects of ``programmes``, each with its project's
    title and programme, in one query."""
    projects = Project.objects.filter(programme__in=programmes.values("pk"))
    project = Project.objects.filter(pk=OuterRef("object_id"))
    changes = list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Project),
            object_id__in=projects.values("pk"),
        )
        .select_related("actor")
        .annotate(
            project_title=Subquery(project.values("title")),
            programme_name=Subquery(project.values("programme__name")),
        )
        .order_by("-created_at", "-pk")[:limit]
    )
    labels = dict(Project.Status.choices)
    for change in changes:
        change.from_label = labels.get(change.from_status, change.from_status)
        change.to_label = labels.get(change.to_status, change.to_status)
    return changes


def latest_decisions(programmes: QuerySet[Programme], limit: int = LIST_LENGTH) -> list[Decision]:
    return list(
        Decision.objects.filter(meeting__programme__in=programmes.values("pk"))
        .select_related("meeting__programme", "project")
        .order_by("-meeting__held_on", "-meeting_id", "position", "pk")[:limit]
    )
