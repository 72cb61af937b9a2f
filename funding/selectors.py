"""Reads of the money that cross models."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from core.money import money_sum
from funding.models import FundSource
from programme.models import Project


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
