"""Reads of the money that cross models, and what each user may read of it (docs/permissions.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from guardian.shortcuts import get_objects_for_user

from core.money import money_sum
from funding.models import Allocation, Commitment, Contract, Disbursement, FundSource, Transaction
from partners.models import Membership
from partners.selectors import current_memberships, user_organisations
from programme.models import Programme, ProgrammeAssignment, Project
from programme.selectors import (
    assigned_programmes,
    managed_programmes,
    managed_projects,
    plan_actions_visible_to,
    projects_visible_to,
)

R = ProgrammeAssignment.Role
PUBLISHED = Programme.Status.PUBLISHED


@dataclass(frozen=True)
class ProjectBudget:
    """A project's planned money: the municipal budget, and private investment beside it."""

    planned: Decimal
    off_budget: Decimal


def project_budget(project: Project) -> ProjectBudget:
    """The sum of the project's allocations, private investment kept apart, in one query."""
    off_budget = Q(fund_source__kind__in=FundSource.OFF_BUDGET_KINDS)
    totals = project.allocations.aggregate(
        planned=money_sum("amount", filter=~off_budget),
        off_budget=money_sum("amount", filter=off_budget),
    )
    return ProjectBudget(planned=totals["planned"], off_budget=totals["off_budget"])


# Scopes. Each visible_to selector returns one lazy queryset: the scopes are subqueries, so a
# list costs the same number of queries whatever its length.


def restates_private_investment() -> Exists:
    """Whether a commitment is an operator's private investment recorded once more: a
    commitment to a project that the same organisation's off-budget fund source funds
    (Livorno's fibre network). That money is reported beside the budget, as private
    investment, and never counted again as co-financing."""
    return Exists(
        Allocation.objects.filter(
            project=OuterRef("project"),
            fund_source__kind__in=FundSource.OFF_BUDGET_KINDS,
            fund_source__provider=OuterRef("organisation"),
        )
    )


def _public_project(prefix: str = "project") -> Q:
    """Projects from approval on, in published programmes: what transparency law publishes."""
    return Q(
        **{
            f"{prefix}__status__in": Project.PUBLIC_STATUSES,
            f"{prefix}__programme__status": PUBLISHED,
        }
    )


def fund_sources_visible_to(user) -> QuerySet[FundSource]:
    """Fund sources of published programmes, and of the programmes the user is assigned to."""
    fund_sources = FundSource.objects.all()
    if user.is_superuser:
        return fund_sources
    return fund_sources.filter(
        Q(programme__status=PUBLISHED) | Q(programme__in=assigned_programmes(user).values("pk"))
    )


def _project_money_scope(user) -> Q:
    """Allocations and contracts follow both their fund sources and their project.

    Public projects; every project of the programmes the user is assigned to; the projects
    the user manages, when their programme (and so its fund sources) is published.
    """
    scope = _public_project() | Q(project__programme__in=assigned_programmes(user).values("pk"))
    if user.is_authenticated:
        scope |= Q(
            project__in=managed_projects(user).values("pk"), project__programme__status=PUBLISHED
        )
    return scope


def allocations_visible_to(user) -> QuerySet[Allocation]:
    if user.is_superuser:
        return Allocation.objects.all()
    return Allocation.objects.filter(_project_money_scope(user))


def contracts_visible_to(user) -> QuerySet[Contract]:
    if user.is_superuser:
        return Contract.objects.all()
    return Contract.objects.filter(_project_money_scope(user))


def transactions_visible_to(user) -> QuerySet[Transaction]:
    """The money spent on public projects; all of it on the user's programmes and projects."""
    if user.is_superuser:
        return Transaction.objects.all()
    scope = _public_project() | Q(project__programme__in=assigned_programmes(user).values("pk"))
    if user.is_authenticated:
        scope |= Q(project__in=managed_projects(user).values("pk"))
    return Transaction.objects.filter(scope)


def _commitments_in(programmes: QuerySet[Programme]) -> Q:
    """Commitments to a project or a plan action of ``programmes``."""
    ids = programmes.values("pk")
    return Q(project__programme__in=ids) | Q(plan_action__phase__plan__programme__in=ids)


def _represented_organisations(user):
    """The organisations the user represents now (a partner representative's scope)."""
    return current_memberships(user).filter(role=Membership.Role.REPRESENTATIVE)


def _partner_readable_targets(user) -> Q:
    """Commitments to a project or a plan action the user can read."""
    return Q(project__in=projects_visible_to(user).values("pk")) | Q(
        plan_action__in=plan_actions_visible_to(user).values("pk")
    )


def _own_commitments(user) -> QuerySet[Commitment]:
    """Commitments the user's organisation group holds rights on (granted by the pledge).

    The rights belong to the group and the membership ends by leaving it, so an ended
    membership takes them away at once, whatever the authentication.
    """
    return get_objects_for_user(
        user,
        "funding.view_commitment",
        klass=Commitment,
        accept_global_perms=False,
        with_superuser=False,
    )


def fully_visible_commitments(user) -> QuerySet[Commitment]:
    """Commitments the user sees in every state and detail: its organisation's, its managed
    programmes' (an administrator: all)."""
    if user.is_superuser:
        return Commitment.objects.all()
    if not user.is_authenticated:
        return Commitment.objects.none()
    return _own_commitments(user) | Commitment.objects.filter(
        _commitments_in(managed_programmes(user))
    )


def commitments_visible_to(user) -> QuerySet[Commitment]:
    """docs/permissions.md, commitments: never public.

    A partner representative: its organisation's commitments in every state, and other
    organisations' once firm (confirmed, partly disbursed, fulfilled) on what it can read —
    never their pledges or withdrawals. A programme manager: everything of their programmes.
    A council member: the firm commitments of their programmes (pledges only as totals).
    """
    if user.is_superuser or not user.is_authenticated:
        return fully_visible_commitments(user)
    firm = Q(status__in=Commitment.FIRM_STATUSES)
    others = _commitments_in(assigned_programmes(user, R.COUNCIL_MEMBER)) | (
        Q(Exists(_represented_organisations(user))) & _partner_readable_targets(user)
    )
    return fully_visible_commitments(user) | Commitment.objects.filter(firm & others)


def disbursements_visible_to(user) -> QuerySet[Disbursement]:
    """Disbursements follow their commitment; on commitments the user sees only because they
    are firm (another partner's, a council member's view), only the verified ones."""
    if user.is_superuser:
        return Disbursement.objects.all()
    if not user.is_authenticated:
        return Disbursement.objects.none()
    return Disbursement.objects.filter(
        Q(commitment__in=fully_visible_commitments(user).values("pk"))
        | Q(
            commitment__in=commitments_visible_to(user).values("pk"),
            status=Disbursement.Status.VERIFIED,
        )
    )


@dataclass(frozen=True)
class CommitmentAccess:
    """What decides, row by row, whether the user sees a commitment's private details
    (withdrawal reason, evidence): computed once per request."""

    everything: bool
    organisation_ids: frozenset[int]
    programme_ids: frozenset[int]

    def sees_details_of(self, commitment: Commitment, programme_id: int | None) -> bool:
        return (
            self.everything
            or commitment.organisation_id in self.organisation_ids
            or programme_id in self.programme_ids
        )


def commitment_access(user) -> CommitmentAccess:
    if user.is_superuser:
        return CommitmentAccess(True, frozenset(), frozenset())
    if not user.is_authenticated:
        return CommitmentAccess(False, frozenset(), frozenset())
    return CommitmentAccess(
        everything=False,
        organisation_ids=frozenset(user_organisations(user).values_list("pk", flat=True)),
        programme_ids=frozenset(managed_programmes(user).values_list("pk", flat=True)),
    )


def commitment_programme():
    """The programme of a commitment's project or plan action, as a query expression."""
    return Coalesce(F("project__programme_id"), F("plan_action__phase__plan__programme_id"))


def commitment_totals(user, programme_id: int | None = None):
    """Pledged, firm and verified money per programme and year, on the programmes the user is
    assigned to (every one for an administrator): how a council member sees pledges."""
    commitments = Commitment.objects.all()
    if not user.is_superuser:
        commitments = commitments.filter(_commitments_in(assigned_programmes(user)))
    if programme_id is not None:
        commitments = commitments.filter(_commitments_in(Programme.objects.filter(pk=programme_id)))
    return (
        commitments.annotate(programme=commitment_programme())
        .order_by()
        .values("programme", "year")
        .annotate(
            pledged=money_sum("amount", filter=Q(status=Commitment.Status.PLEDGED)),
            confirmed=money_sum("amount", filter=Q(status__in=Commitment.FIRM_STATUSES)),
            fulfilled=money_sum("disbursed_amount", filter=Q(status__in=Commitment.FIRM_STATUSES)),
        )
        .order_by("programme", "year")
    )


def reviewable_disbursements(user) -> QuerySet[Disbursement]:
    """Disbursements on commitments of the programmes the user manages: what they verify."""
    if user.is_superuser:
        return Disbursement.objects.all()
    return Disbursement.objects.filter(
        commitment__in=Commitment.objects.filter(_commitments_in(managed_programmes(user)))
    )


def disbursements_awaiting_verification(user) -> QuerySet[Disbursement]:
    """Declared disbursements the user, as their programme's finance office, has to verify."""
    return reviewable_disbursements(user).filter(status=Disbursement.Status.DECLARED)
