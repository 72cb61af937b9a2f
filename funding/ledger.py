"""A programme's money reconciled: what was allocated, what partners committed and paid, what
the municipality's accounts recorded, and what needs attention.

Every function answers a fixed number of grouped queries whatever the number of projects; the
rows are plain dicts keyed by the codes of ``funding.tables`` (Decimals, ints, strings), so
exports, the API and the pages share them. The rules that hold everywhere:

- private investment (the off-budget fund sources, such as Livorno's Telecom/Fastweb fibre
  network) is reported beside the municipal budget (``private_investment_rows``), never summed
  into it: its allocations are not "allocated", and a partner commitment that restates it
  (``funding.selectors.restates_private_investment``) is not co-financing;
- a partner's money counts once the municipality verifies it: declared disbursements are
  shown apart, rejected ones nowhere; withdrawn commitments only in the partners' table;
- the accounting phases are the net sums of their entries: a reversal is a negative entry.

The year of a commitment is the year it co-finances; its disbursements count in that year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pandas as pd
from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.money import MONEY, ZERO, euro, money_sum
from funding.models import Allocation, Commitment, Disbursement, FundSource, Transaction
from funding.selectors import restates_private_investment
from funding.tables import PRIVATE_INVESTMENT_COLUMNS
from partners.models import Obligation, Signatory
from programme.models import Programme, Project

C = Commitment.Status
D = Disbursement.Status
P = Transaction.Phase
OFF_BUDGET = Q(fund_source__kind__in=FundSource.OFF_BUDGET_KINDS)
ON_BUDGET = ~OFF_BUDGET
# Still open, so still to be paid for: approved, in progress, suspended.
ACTIVE_PROJECT_STATUSES = (
    Project.Status.APPROVED,
    Project.Status.IN_PROGRESS,
    Project.Status.SUSPENDED,
)
# A declared disbursement waits for the finance office at most this long.
VERIFICATION_DAYS = 30

PROJECT_YEAR_MEASURES = (
    "allocated",
    "pledged",
    "committed",
    "declared",
    "verified",
    "impegno",
    "liquidazione",
    "pagamento",
    "uncommitted",
    "unpaid",
    "expected_from_partners",
)
# The measures the database sums; the variances follow from them.
_SUMMED = PROJECT_YEAR_MEASURES[:8]


def _programme_commitments(programme: Programme) -> QuerySet[Commitment]:
    """Commitments to the programme's projects and plan actions."""
    return Commitment.objects.filter(
        Q(project__programme=programme) | Q(plan_action__phase__plan__programme=programme)
    )


def _co_financing(programme: Programme) -> QuerySet[Commitment]:
    """The programme's commitments that are co-financing: not restated private investment."""
    return _programme_commitments(programme).exclude(restates_private_investment())


def subquery_sum(queryset: QuerySet, by: str, field: str = "amount") -> Coalesce:
    """The sum of ``field`` over ``queryset``, correlated on ``by`` (an OuterRef), as a
    subquery that is 0.00 over no rows: several sums on one row without joins multiplying
    each other."""
    total = queryset.order_by().values(by).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total[:1]), ZERO, output_field=MONEY)


# -- per project and year ----------------------------------------------------------------


def _grouped_figures(programme: Programme, year: int | None) -> tuple[dict, list, dict]:
    """The summed measures per (project id, plan action id, year), the allocations as
    (project id, year, source, amount) for the pivot, and the names of the plan actions met:
    four grouped queries."""
    figures: dict[tuple, dict[str, Decimal]] = {}
    actions: dict[int, str] = {}

    def add(key: tuple, values: dict) -> None:
        row = figures.get(key)
        if row is None:
            row = figures[key] = dict.fromkeys(_SUMMED, ZERO)
        row.update(values)

    allocations = Allocation.objects.filter(ON_BUDGET, project__programme=programme)
    commitments = _co_financing(programme)
    disbursements = Disbursement.objects.filter(commitment__in=commitments.values("pk"))
    transactions = Transaction.objects.filter(project__programme=programme).filter(
        Q(fund_source__isnull=True) | ON_BUDGET
    )
    if year is not None:
        allocations = allocations.filter(year=year)
        commitments = commitments.filter(year=year)
        disbursements = disbursements.filter(commitment__year=year)
        transactions = transactions.filter(financial_year=year)

    # Allocations are unique per source, project and year: no need to sum them by source.
    by_source = list(
        allocations.order_by().values_list("project_id", "year", "fund_source__name", "amount")
    )
    for project_id, year_, _source, amount in by_source:
        key = (project_id, None, year_)
        add(key, {"allocated": figures.get(key, {}).get("allocated", ZERO) + amount})
    for project_id, action_id, action, year_, pledged, committed in (
        commitments.order_by()
        .values_list("project_id", "plan_action_id", "plan_action__title", "year")
        .annotate(
            pledged=money_sum("amount", filter=Q(status=C.PLEDGED)),
            committed=money_sum("amount", filter=Q(status__in=Commitment.FIRM_STATUSES)),
        )
    ):
        if action_id is not None:
            actions[action_id] = action
        # Withdrawn commitments alone make no row: nothing of theirs is in these figures.
        if pledged or committed:
            add((project_id, action_id, year_), {"pledged": pledged, "committed": committed})
    for project_id, action_id, year_, declared, verified in (
        disbursements.order_by()
        .values_list("commitment__project_id", "commitment__plan_action_id", "commitment__year")
        .annotate(
            declared=money_sum("amount", filter=Q(status=D.DECLARED)),
            verified=money_sum("amount", filter=Q(status=D.VERIFIED)),
        )
    ):
        if declared or verified:
            add((project_id, action_id, year_), {"declared": declared, "verified": verified})
    for project_id, year_, impegno, liquidazione, pagamento in (
        transactions.order_by()
        .values_list("project_id", "financial_year")
        .annotate(
            impegno=money_sum("amount", filter=Q(phase=P.IMPEGNO)),
            liquidazione=money_sum("amount", filter=Q(phase=P.LIQUIDAZIONE)),
            pagamento=money_sum("amount", filter=Q(phase=P.PAGAMENTO)),
        )
    ):
        add(
            (project_id, None, year_),
            {"impegno": impegno, "liquidazione": liquidazione, "pagamento": pagamento},
        )
    return figures, by_source, actions


def _with_variances(row: dict) -> dict:
    row["uncommitted"] = row["allocated"] - row["impegno"]
    row["unpaid"] = row["impegno"] - row["pagamento"]
    row["expected_from_partners"] = row["committed"] - row["verified"]
    return row


def project_year_rows(programme: Programme, *, year: int | None = None) -> list[dict]:
    """Per project and year: allocated from on-budget sources; pledged and firmly committed by
    partners; declared (to verify) and verified disbursements; the net impegno, liquidazione
    and pagamento; and the variances ``uncommitted = allocated - impegno``,
    ``unpaid = impegno - pagamento``, ``expected_from_partners = committed - verified``.

    A year appears for a project when anything is recorded for it. Co-financing of a plan
    action rather than a project makes rows of its own, after the projects', with no project
    id. Five queries; ``year`` keeps one year only.
    """
    return _project_year_rows(programme, year)[0]


def _project_year_rows(programme: Programme, year: int | None) -> tuple[list, list]:
    """The rows in order, and the allocations as (project id, year, source, amount)."""
    figures, by_source, actions = _grouped_figures(programme, year)
    titles = dict(Project.objects.filter(programme=programme).values_list("pk", "title"))
    plan_action = gettext("Plan action: %(title)s")
    rows = []
    for key, values in figures.items():
        project_id, action_id, year_ = key
        if action_id is None:
            name = titles[project_id]
        else:
            name = plan_action % {"title": actions[action_id]}
        row = _with_variances({"project_id": project_id, "project": name, "year": year_, **values})
        rows.append(row)
    rows.sort(
        key=lambda row: (
            row["project_id"] is None,
            row["project"],
            row["project_id"] or 0,
            row["year"],
        )
    )
    return rows, by_source


def project_year_totals(rows: Iterable[dict]) -> dict[str, Decimal]:
    """The measures of ``rows`` summed: the programme's (or the year's) totals."""
    totals = dict.fromkeys(PROJECT_YEAR_MEASURES, ZERO)
    for row in rows:
        for measure in PROJECT_YEAR_MEASURES:
            totals[measure] += row[measure]
    return totals


def reconciliation_pivot(programme: Programme, *, year: int | None = None) -> pd.DataFrame:
    """The per-project-and-year figures as a DataFrame indexed by (project_id, year), with
    the project's name, the measures, and one column per on-budget fund source holding its
    allocation (0 where none). Built from the rows' grouped ``.values()``, never from model
    instances, with no query of its own; it stays inside funding (exports and reports take
    the rows)."""
    rows, by_source = _project_year_rows(programme, year)
    frame = pd.DataFrame(rows, columns=["project_id", "year", "project", *PROJECT_YEAR_MEASURES])
    # One allocation per source, project and year: each source's column is read off directly
    # (plan actions have no allocations; their rows keep a null project id in the index).
    amounts = {
        (project_id, year_, source): amount for project_id, year_, source, amount in by_source
    }
    for source in sorted({source for _project, _year, source, _amount in by_source}):
        frame[source] = [
            amounts.get((row["project_id"], row["year"], source), ZERO) for row in rows
        ]
    return frame.set_index(["project_id", "year"])


# -- per fund source ----------------------------------------------------------------------


def fund_source_rows(programme: Programme) -> list[dict]:
    """Per on-budget fund source: its total, what is allocated from it and what is left
    (what ``allocation_create`` will still accept), and what was paid on it (net pagamento).
    Private investment is in ``private_investment_rows``. One query."""
    allocated = subquery_sum(Allocation.objects.filter(fund_source=OuterRef("pk")), "fund_source")
    spent = subquery_sum(
        Transaction.objects.filter(fund_source=OuterRef("pk"), phase=P.PAGAMENTO), "fund_source"
    )
    sources = (
        FundSource.objects.filter(programme=programme)
        .exclude(kind__in=FundSource.OFF_BUDGET_KINDS)
        .annotate(allocated=allocated, spent=spent)
        .order_by("name", "pk")
        .values_list("pk", "name", "kind", "provider__name", "total", "allocated", "spent")
    )
    return [
        {
            "fund_source_id": pk,
            "fund_source": name,
            "kind": kind,
            "provider": provider,
            "total": total,
            "allocated": allocated,
            "available": total - allocated,
            "spent": spent,
        }
        for pk, name, kind, provider, total, allocated, spent in sources
    ]


# -- per partner --------------------------------------------------------------------------


def partner_rows(programme: Programme) -> list[dict]:
    """Per partner: pledged (not yet confirmed), confirmed (firm: confirmed, partly disbursed,
    fulfilled), declared (to verify), fulfilled (verified), withdrawn, and outstanding
    (confirmed, not yet verified). Restated private investment is left out (see
    ``restated_private_investment``). Two grouped queries."""
    commitments = _co_financing(programme)
    firm = Q(status__in=Commitment.FIRM_STATUSES)
    declared = dict(
        Disbursement.objects.filter(commitment__in=commitments.values("pk"), status=D.DECLARED)
        .order_by()
        .values_list("commitment__organisation_id")
        .annotate(declared=money_sum("amount"))
    )
    rows = []
    for pk, name, pledged, confirmed, fulfilled, withdrawn in (
        commitments.order_by()
        .values_list("organisation_id", "organisation__name")
        .annotate(
            pledged=money_sum("amount", filter=Q(status=C.PLEDGED)),
            confirmed=money_sum("amount", filter=firm),
            fulfilled=money_sum("disbursed_amount", filter=firm),
            withdrawn=money_sum("amount", filter=Q(status=C.WITHDRAWN)),
        )
        .order_by("organisation__name", "organisation_id")
    ):
        rows.append(
            {
                "organisation_id": pk,
                "organisation": name,
                "pledged": pledged,
                "confirmed": confirmed,
                "declared": declared.get(pk, ZERO),
                "fulfilled": fulfilled,
                "withdrawn": withdrawn,
                "outstanding": confirmed - fulfilled,
            }
        )
    return rows


def restated_private_investment(programme: Programme) -> list[dict]:
    """Commitments that restate an operator's private investment: shown apart, counted in no
    co-financing figure (their money is the off-budget allocation already). One query."""
    commitments = (
        _programme_commitments(programme)
        .filter(restates_private_investment())
        .order_by("organisation__name", "year", "pk")
        .values_list(
            "pk", "organisation_id", "organisation__name", "project_id", "project__title",
            "year", "status", "amount", "disbursed_amount",
        )
    )  # fmt: skip
    keys = ("commitment_id", "organisation_id", "organisation", "project_id", "project")
    return [
        dict(zip((*keys, "year", "status", "amount", "verified"), values, strict=True))
        for values in commitments
    ]


# -- private investment -------------------------------------------------------------------


def private_investment_rows(programme: Programme) -> list[dict]:
    """Allocations of off-budget sources (private investment) per project and year: reported
    beside the municipal budget, never summed into it. One query."""
    allocations = (
        Allocation.objects.filter(OFF_BUDGET, project__programme=programme)
        .order_by("fund_source__name", "project__title", "year", "pk")
        .values_list(
            "fund_source_id", "fund_source__name", "fund_source__provider__name",
            "project_id", "project__title", "year", "amount",
        )
    )  # fmt: skip
    codes = [column.code for column in PRIVATE_INVESTMENT_COLUMNS]
    return [dict(zip(codes, values, strict=True)) for values in allocations]


# -- alerts -------------------------------------------------------------------------------


class AlertKind(models.TextChoices):
    OVERDUE_PLEDGE = "overdue_pledge", _("Overdue pledge")
    UNPAID_COMMITMENT = "unpaid_commitment", _("Commitment not yet received")
    OVERDUE_OBLIGATION = "overdue_obligation", _("Overdue obligation")
    UNDER_FUNDED_PROJECT = "under_funded_project", _("Under-funded project")
    AWAITING_VERIFICATION = "awaiting_verification", _("Disbursement awaiting verification")


class Severity(models.TextChoices):
    HIGH = "high", _("Urgent")
    MEDIUM = "medium", _("To follow up")


SEVERITY_OF = {
    AlertKind.OVERDUE_PLEDGE: Severity.MEDIUM,
    AlertKind.UNPAID_COMMITMENT: Severity.HIGH,
    AlertKind.OVERDUE_OBLIGATION: Severity.HIGH,
    AlertKind.UNDER_FUNDED_PROJECT: Severity.HIGH,
    AlertKind.AWAITING_VERIFICATION: Severity.MEDIUM,
}


@dataclass(frozen=True)
class Alert:
    """Something a programme manager should act on. The message is in the active language;
    the ids say what it is about (the page links to it)."""

    kind: str
    severity: str
    message: str
    project_id: int | None = None
    commitment_id: int | None = None
    agreement_id: int | None = None

    @property
    def kind_label(self) -> str:
        return str(AlertKind(self.kind).label)

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)


def _alert(kind: AlertKind, message: str, **ids) -> Alert:
    return Alert(kind=kind.value, severity=SEVERITY_OF[kind].value, message=message, **ids)


def _commitment_target(project: str | None, action: str | None) -> str:
    return (
        project if project is not None else gettext("plan action “%(title)s”") % {"title": action}
    )


def _commitment_alerts(programme: Programme, today: date) -> list[Alert]:
    """Pledges still unconfirmed after their year, and firm commitments whose year has ended
    with money not yet verified (restated private investment is no co-financing)."""
    pledge_msg = gettext(
        "%(partner)s pledged %(amount)s for %(year)s to %(target)s and has not confirmed it, "
        "although the year has ended."
    )
    unpaid_msg = gettext(
        "%(partner)s confirmed %(amount)s for %(year)s to %(target)s; %(missing)s of it is not "
        "verified yet, although the year has ended."
    )
    ended = Q(year__lt=today.year)
    pledges = Q(status=C.PLEDGED)
    unpaid = Q(status__in=(C.CONFIRMED, C.PARTLY_DISBURSED), amount__gt=F("disbursed_amount"))
    alerts = []
    for pk, status, partner, project_id, project, action, year, amount, disbursed in (
        _co_financing(programme)
        .filter(ended & (pledges | unpaid))
        .order_by("year", "organisation__name", "pk")
        .values_list(
            "pk", "status", "organisation__name", "project_id", "project__title",
            "plan_action__title", "year", "amount", "disbursed_amount",
        )
    ):  # fmt: skip
        figures = {
            "partner": partner,
            "amount": euro(amount),
            "year": str(year),
            "target": _commitment_target(project, action),
            "missing": euro(amount - disbursed),
        }
        kind, message = (
            (AlertKind.OVERDUE_PLEDGE, pledge_msg)
            if status == C.PLEDGED
            else (AlertKind.UNPAID_COMMITMENT, unpaid_msg)
        )
        alerts.append(_alert(kind, message % figures, project_id=project_id, commitment_id=pk))
    return alerts


def _obligation_alerts(programme: Programme, today: date) -> list[Alert]:
    """Obligations past their due date, under the agreements the programme's owner (the
    municipality) signed: agreements belong to organisations, not to programmes."""
    message = gettext("%(organisation)s had to “%(what)s” by %(due)s (%(agreement)s).")
    signed = Signatory.objects.filter(organisation=programme.owner_id).values("agreement_id")
    obligations = (
        Obligation.objects.filter(agreement__in=signed, fulfilled_on__isnull=True, due_on__lt=today)
        .order_by("due_on", "pk")
        .values_list(
            "agreement_id", "agreement__title", "organisation__name", "description", "due_on"
        )
    )
    return [
        _alert(
            AlertKind.OVERDUE_OBLIGATION,
            message
            % {
                "organisation": organisation,
                "what": description,
                "due": date_format(due_on),
                "agreement": title,
            },
            agreement_id=agreement_id,
        )
        for agreement_id, title, organisation, description, due_on in obligations
    ]


def _under_funded_alerts(programme: Programme) -> list[Alert]:
    """Active projects whose total cost exceeds their allocations (on- and off-budget) plus
    the partners' firm co-financing."""
    message = gettext(
        "“%(project)s” costs %(cost)s but only %(funded)s is allocated or firmly co-financed: "
        "%(gap)s is missing."
    )
    allocated = subquery_sum(Allocation.objects.filter(project=OuterRef("pk")), "project")
    co_financed = subquery_sum(
        Commitment.objects.filter(
            project=OuterRef("pk"), status__in=Commitment.FIRM_STATUSES
        ).exclude(restates_private_investment()),
        "project",
    )
    projects = (
        Project.objects.filter(programme=programme, status__in=ACTIVE_PROJECT_STATUSES)
        .annotate(funded=allocated + co_financed)
        .filter(total_cost__gt=F("funded"))
        .order_by("title", "pk")
        .values_list("pk", "title", "total_cost", "funded")
    )
    return [
        _alert(
            AlertKind.UNDER_FUNDED_PROJECT,
            message
            % {
                "project": title,
                "cost": euro(cost),
                "funded": euro(funded),
                "gap": euro(cost - funded),
            },
            project_id=pk,
        )
        for pk, title, cost, funded in projects
    ]


def _verification_alerts(programme: Programme, today: date) -> list[Alert]:
    """Disbursements declared more than VERIFICATION_DAYS ago and still not verified."""
    message = gettext(
        "%(partner)s declared %(amount)s on %(declared)s for %(target)s: it awaits "
        "verification for more than %(days)s days."
    )
    since = timezone.make_aware(
        datetime.combine(today - timedelta(days=VERIFICATION_DAYS), time.min)
    )
    disbursements = (
        Disbursement.objects.filter(
            commitment__in=_programme_commitments(programme).values("pk"),
            status=D.DECLARED,
            created_at__lt=since,
        )
        .order_by("created_at", "pk")
        .values_list(
            "commitment_id", "commitment__project_id", "commitment__project__title",
            "commitment__plan_action__title", "commitment__organisation__name", "amount",
            "created_at",
        )
    )  # fmt: skip
    return [
        _alert(
            AlertKind.AWAITING_VERIFICATION,
            message
            % {
                "partner": partner,
                "amount": euro(amount),
                "declared": date_format(timezone.localdate(created_at)),
                "target": _commitment_target(project, action),
                "days": VERIFICATION_DAYS,
            },
            project_id=project_id,
            commitment_id=commitment_id,
        )
        for commitment_id, project_id, project, action, partner, amount, created_at in (
            disbursements
        )
    ]


def alerts(programme: Programme, today: date | None = None) -> list[Alert]:
    """What needs a manager's attention: overdue pledges, firm commitments whose year ended
    with money not verified, overdue obligations, under-funded active projects, and
    disbursements waiting for verification for more than 30 days; the most serious first.
    Five queries."""
    today = today or timezone.localdate()
    found = [
        *_commitment_alerts(programme, today),
        *_obligation_alerts(programme, today),
        *_under_funded_alerts(programme),
        *_verification_alerts(programme, today),
    ]
    order = list(AlertKind)
    return sorted(found, key=lambda a: (a.severity != Severity.HIGH, order.index(a.kind)))
