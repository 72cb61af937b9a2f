"""Reads that bring several apps together: the audit log as a programme manager may read it."""

from __future__ import annotations

import functools
import operator

from django.db import models
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from core.models import AuditEntry
from funding.models import Allocation, Commitment, Contract, Disbursement, FundSource, Transaction
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
from programme.selectors import managed_programmes

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
