"""What the project overview shows one reader: the reads of every app, each through its
selector, in a fixed number of queries whatever the number of milestones or measurements."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.money import ZERO, money_sum
from core.permissions import Allowed
from funding.models import Commitment, FundSource, Transaction
from funding.selectors import (
    ProjectBudget,
    allocations_visible_to,
    commitments_visible_to,
    project_budget,
    restates_private_investment,
    transactions_visible_to,
)
from portal.timeline import LineChart, Timeline, indicator_chart, milestone_timeline
from programme.models import Project
from programme.permissions import can_change_project, can_move_project
from programme.selectors import internal_projects, risks_visible_to
from programme.services import PROJECT_STEPS_NEEDING_ACT, PROJECT_TRANSITIONS
from programme.workflow import status_history, status_label

P = Transaction.Phase


@dataclass(frozen=True)
class Step:
    """A workflow step from the project's status: whether the reader may take it, and if not,
    why."""

    status: str
    label: str
    allowed: bool
    reason: str
    needs_act: bool


def project_steps(user, project: Project, may_move: Allowed | None = None) -> list[Step]:
    """The steps the workflow allows from here, each available or with the reason it is not.

    The reasons come from the permission predicate and from the rules the transition service
    enforces that the page can already see (approval needs the CUP).
    """
    if may_move is None:
        may_move = can_move_project(user, project)
    steps = []
    for target in PROJECT_TRANSITIONS.get(project.status, ()):
        reason = "" if may_move else str(may_move.reason)
        if may_move and target == Project.Status.APPROVED and not project.cup:
            reason = _("Needs a CUP: add it to the project before approving it.")
        steps.append(
            Step(
                status=target,
                label=str(Project.Status(target).label),
                allowed=not reason,
                reason=reason,
                needs_act=target in PROJECT_STEPS_NEEDING_ACT,
            )
        )
    return steps


def plain_number(value: Decimal) -> str:
    """A measured value in the active language without trailing zeros: 2,1 rather than 2,1000."""
    return number_format(value.normalize(), force_grouping=True)


@dataclass(frozen=True)
class IndicatorView:
    indicator: object
    measurements: list  # (measurement, value as text)
    chart: LineChart | None

    @property
    def baseline(self) -> str:
        return plain_number(self.indicator.baseline)

    @property
    def target(self) -> str:
        return plain_number(self.indicator.target)


@dataclass(frozen=True)
class SourceLine:
    name: str
    kind: str
    provider: str
    first_year: int
    last_year: int
    amount: Decimal


@dataclass(frozen=True)
class SpendingYear:
    year: int
    impegnato: Decimal
    liquidato: Decimal
    pagato: Decimal


@dataclass(frozen=True)
class Money:
    budget: ProjectBudget | None  # None when the reader sees no allocation
    in_budget: list[SourceLine]
    off_budget: list[SourceLine]
    commitments: list[Commitment]
    committed_firm: Decimal
    committed_pledged: Decimal
    committed_verified: Decimal
    spending: list[SpendingYear]
    spent: SpendingYear

    @property
    def spent_share(self) -> Decimal | None:
        """How much of the planned budget has been paid, 0–100, when there is a budget."""
        if not self.budget or not self.budget.planned:
            return None
        return min(self.spent.pagato * 100 / self.budget.planned, Decimal(100)).quantize(
            Decimal("0.1")
        )


@dataclass(frozen=True)
class HistoryLine:
    change: object
    from_label: str
    to_label: str


@dataclass(frozen=True)
class ProjectOverview:
    project: Project
    insider: bool  # works on the project: reads its risks and internal notes
    can_change: bool
    can_move: bool
    move_reason: str
    steps: list[Step]
    challenges: list
    milestones: list
    timeline: Timeline
    indicators: list[IndicatorView]
    participations: list
    risks: list | None  # None when the reader may not read them
    money: Money
    history: list[HistoryLine]


def project_money(user, project: Project) -> Money:
    """Planned (by source, private investment apart), committed by partners as the reader may
    see them, and spent, from the municipal accounting entries (reversals included)."""
    sources = (
        allocations_visible_to(user)
        .filter(project=project)
        .order_by()
        .values("fund_source__name", "fund_source__kind", "fund_source__provider__name")
        .annotate(amount=money_sum("amount"), first_year=Min("year"), last_year=Max("year"))
        .order_by("fund_source__name")
    )
    in_budget, off_budget = [], []
    for row in sources:
        line = SourceLine(
            name=row["fund_source__name"],
            kind=str(FundSource.Kind(row["fund_source__kind"]).label),
            provider=row["fund_source__provider__name"],
            first_year=row["first_year"],
            last_year=row["last_year"],
            amount=row["amount"],
        )
        kind = row["fund_source__kind"]
        (off_budget if kind in FundSource.OFF_BUDGET_KINDS else in_budget).append(line)
    # The allocations' scope is the project's: the reader sees all of them or none.
    budget = project_budget(project) if in_budget or off_budget else None

    commitments = list(
        commitments_visible_to(user)
        .filter(project=project)
        .select_related("organisation")
        .annotate(is_private_investment=restates_private_investment())
        .order_by("year", "organisation__name", "pk")
    )
    # Private investment recorded as a commitment is shown beside the budget, not summed here.
    co_financing = [c for c in commitments if not c.is_private_investment]
    firm = [c for c in co_financing if c.status in Commitment.FIRM_STATUSES]
    pledged = [c for c in co_financing if c.status == Commitment.Status.PLEDGED]

    years = (
        transactions_visible_to(user)
        .filter(project=project)
        .order_by()
        .values("financial_year")
        .annotate(
            impegnato=money_sum("amount", filter=Q(phase=P.IMPEGNO)),
            liquidato=money_sum("amount", filter=Q(phase=P.LIQUIDAZIONE)),
            pagato=money_sum("amount", filter=Q(phase=P.PAGAMENTO)),
        )
        .order_by("financial_year")
    )
    spending = [
        SpendingYear(row["financial_year"], row["impegnato"], row["liquidato"], row["pagato"])
        for row in years
    ]
    return Money(
        budget=budget,
        in_budget=in_budget,
        off_budget=off_budget,
        commitments=commitments,
        committed_firm=sum((c.amount for c in firm), ZERO),
        committed_pledged=sum((c.amount for c in pledged), ZERO),
        committed_verified=sum((c.disbursed_amount for c in firm), ZERO),
        spending=spending,
        spent=SpendingYear(
            0,
            sum((y.impegnato for y in spending), ZERO),
            sum((y.liquidato for y in spending), ZERO),
            sum((y.pagato for y in spending), ZERO),
        ),
    )


def project_overview(user, project: Project) -> ProjectOverview:
    """Everything the overview shows of ``project`` (which the reader may read) to ``user``.

    ``project`` should come annotated ``with_progress()`` and with its programme, thematic
    area, lead organisation and manager selected.
    """
    today = timezone.localdate()
    insider = Project.objects.filter(internal_projects(user), pk=project.pk).exists()
    may_move = can_move_project(user, project)
    milestones = list(project.milestones.all())
    indicators = [
        IndicatorView(
            indicator=indicator,
            measurements=[(m, plain_number(m.value)) for m in indicator.measurements.all()],
            chart=indicator_chart(
                indicator.measurements.all(),
                baseline=indicator.baseline,
                target=indicator.target,
                baseline_on=indicator.baseline_on,
                target_on=indicator.target_on,
            ),
        )
        for indicator in project.indicators.prefetch_related("measurements")
    ]
    risks = None
    if insider:
        risks = list(risks_visible_to(user).filter(project=project).select_related("owner"))
    history = [
        HistoryLine(
            change=change,
            from_label=status_label(Project.Status, change.from_status),
            to_label=status_label(Project.Status, change.to_status),
        )
        for change in status_history(project).order_by("-created_at", "-pk")
    ]
    return ProjectOverview(
        project=project,
        insider=insider,
        can_change=bool(can_change_project(user, project)),
        can_move=bool(may_move),
        move_reason=str(may_move.reason),
        steps=project_steps(user, project, may_move),
        challenges=list(project.challenges.all()),
        milestones=milestones,
        timeline=milestone_timeline(
            milestones,
            planned_start=project.planned_start,
            planned_end=project.planned_end,
            today=today,
        ),
        indicators=indicators,
        participations=list(project.participations.select_related("organisation")),
        risks=risks,
        money=project_money(user, project),
        history=history,
    )
