"""What the municipality publishes about its programmes and projects: "where the money goes".

One function per dataset returns plain rows (dicts built from ``.values()`` and annotations,
never model instances). The public pages, the CSV files and the JSON files all read these
functions, so a figure is the same wherever a citizen finds it.

What is public is what an anonymous visitor may read (docs/permissions.md): every queryset
starts from the ``*_visible_to`` selectors called for an anonymous user, so a logged-in
manager sees no draft here either. Each function costs a fixed number of queries, whatever
the number of rows: totals are subqueries, never a query per row.
"""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MONEY, ZERO, money_sum, quantize
from funding.models import FundSource, Transaction
from funding.selectors import allocations_visible_to, transactions_visible_to
from programme.models import Programme, Project, ProjectParticipation
from programme.selectors import (
    milestones_visible_to,
    participations_visible_to,
    programmes_visible_to,
    projects_visible_to,
)

LICENCE_NAME = "CC-BY-4.0"
LICENCE_TITLE = "Creative Commons Attribution 4.0 International"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# The visitor every public read is made for: what they may read is what is public.
PUBLIC = AnonymousUser()

# Columns that hold euros.
MONEY_COLUMNS = frozenset({"total_cost", "budget", "private_investment", "spent", "amount"})

OFF_BUDGET = Q(fund_source__kind__in=FundSource.OFF_BUDGET_KINDS)


def public_programmes() -> QuerySet[Programme]:
    return programmes_visible_to(PUBLIC).filter(status=Programme.Status.PUBLISHED)


def public_projects() -> QuerySet[Project]:
    return projects_visible_to(PUBLIC)


def payments() -> QuerySet[Transaction]:
    """Money paid out (mandati di pagamento) on public projects; reversals are negative rows."""
    return transactions_visible_to(PUBLIC).filter(phase=Transaction.Phase.PAGAMENTO)


def _total(queryset: QuerySet, link: str, value: str = "amount") -> Coalesce:
    """The sum of ``value`` over the rows of ``queryset`` whose ``link`` is the outer row."""
    total = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=money_sum(value))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), ZERO, output_field=MONEY)


def _count(queryset: QuerySet, link: str) -> Coalesce:
    count = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def _milestone_state():
    """done, late or upcoming, decided in the database against today's date."""
    return Case(
        When(completed_on__isnull=False, then=Value("done")),
        When(due_on__lt=timezone.localdate(), then=Value("late")),
        default=Value("upcoming"),
    )


# -- the datasets --


def _values(queryset: QuerySet, columns: dict[str, str]) -> list[dict]:
    """Rows under their published names: ``columns`` maps each name to the lookup filling it.

    (``values()`` would refuse a name such as ``fund_source`` for ``fund_source__name``.)
    """
    rows = [dict(zip(columns, row, strict=True)) for row in queryset.values_list(*columns.values())]
    money = MONEY_COLUMNS.intersection(columns)
    for row in rows:
        # SQLite sums lose the two places ("16000000"); the files always carry cents.
        for name in money:
            row[name] = quantize(row[name])
    return rows


def programme_rows(*, programme: Programme | None = None) -> list[dict]:
    """Published programmes with the totals of their public projects. One query."""
    programmes = public_programmes()
    if programme is not None:
        programmes = programmes.filter(pk=programme.pk)
    projects = public_projects()
    allocations = allocations_visible_to(PUBLIC)
    programmes = programmes.annotate(
        n_projects=_count(projects, "programme"),
        cost=_total(projects, "programme", "total_cost"),
        on_budget=_total(allocations.exclude(OFF_BUDGET), "project__programme"),
        off_budget=_total(allocations.filter(OFF_BUDGET), "project__programme"),
        paid=_total(payments(), "project__programme"),
    ).order_by("name")
    return _values(
        programmes,
        {
            "slug": "slug",
            "name": "name",
            "owner": "owner__name",
            "summary": "summary",
            "starts_on": "starts_on",
            "ends_on": "ends_on",
            "projects": "n_projects",
            "total_cost": "cost",
            "budget": "on_budget",
            "private_investment": "off_budget",
            "spent": "paid",
        },
    )


def _participants(projects: QuerySet[Project]) -> dict[int, list[dict]]:
    """Each project's participating organisations with their role. One query."""
    participants = defaultdict(list)
    rows = (
        participations_visible_to(PUBLIC)
        .filter(project__in=projects.values("pk"))
        .order_by("project", "role", "organisation__name")
        .values_list("project_id", "organisation__name", "role")
    )
    for project_id, name, role in rows:
        participants[project_id].append({"name": name, "role": role})
    # The lead organisation first, then the others by role and name.
    for organisations in participants.values():
        organisations.sort(key=lambda p: p["role"] != ProjectParticipation.Role.LEAD)
    return participants


def project_rows(
    *, programme: Programme | None = None, project_id: int | None = None
) -> list[dict]:
    """Public projects with their money, progress and milestones. Two queries."""
    projects = public_projects()
    if programme is not None:
        projects = projects.filter(programme=programme)
    if project_id is not None:
        projects = projects.filter(pk=project_id)
    allocations = allocations_visible_to(PUBLIC)
    milestones = milestones_visible_to(PUBLIC)
    today = timezone.localdate()
    participants = _participants(projects)
    projects = (
        projects.with_progress()
        .annotate(
            on_budget=_total(allocations.exclude(OFF_BUDGET), "project"),
            off_budget=_total(allocations.filter(OFF_BUDGET), "project"),
            paid=_total(payments(), "project"),
            n_milestones=_count(milestones, "project"),
            n_done=_count(milestones.filter(completed_on__isnull=False), "project"),
            n_late=_count(
                milestones.filter(completed_on__isnull=True, due_on__lt=today), "project"
            ),
        )
        .order_by("programme__name", "thematic_area__position", "thematic_area__name", "title")
    )
    rows = _values(
        projects,
        {
            "id": "pk",
            "cup": "cup",
            "title": "title",
            "summary": "summary",
            "programme_slug": "programme__slug",
            "programme_name": "programme__name",
            "thematic_area": "thematic_area__name",
            "status": "status",
            "lead_organisation": "lead_organisation__name",
            "total_cost": "total_cost",
            "budget": "on_budget",
            "private_investment": "off_budget",
            "spent": "paid",
            "progress": "progress_percent",
            "planned_start": "planned_start",
            "planned_end": "planned_end",
            "actual_start": "actual_start",
            "actual_end": "actual_end",
            "milestones": "n_milestones",
            "milestones_done": "n_done",
            "milestones_late": "n_late",
        },
    )
    for row in rows:
        # SQLite hands back the unrounded quotient's digits (see Project.progress).
        row["progress"] = Decimal(row["progress"]).quantize(Decimal("0.1"))
        row["participants"] = participants.get(row["id"], [])
    return rows


def funding_rows(
    *, programme: Programme | None = None, project_id: int | None = None
) -> list[dict]:
    """Allocations of fund sources to public projects, per financial year. One query."""
    allocations = allocations_visible_to(PUBLIC)
    if programme is not None:
        allocations = allocations.filter(project__programme=programme)
    if project_id is not None:
        allocations = allocations.filter(project_id=project_id)
    allocations = allocations.order_by(
        "project__programme__name", "project__title", "fund_source__name", "year"
    )
    rows = _values(
        allocations,
        {
            "project_id": "project_id",
            "project_cup": "project__cup",
            "project_title": "project__title",
            "programme_slug": "project__programme__slug",
            "fund_source": "fund_source__name",
            "fund_source_kind": "fund_source__kind",
            "provider": "fund_source__provider__name",
            "year": "year",
            "amount": "amount",
        },
    )
    for row in rows:
        row["off_budget"] = row["fund_source_kind"] in FundSource.OFF_BUDGET_KINDS
    return rows


def payment_rows(
    *, programme: Programme | None = None, project_id: int | None = None
) -> list[dict]:
    """Payments on public projects; a reversal is a negative row naming the payment it cancels."""
    rows = payments()
    if programme is not None:
        rows = rows.filter(project__programme=programme)
    if project_id is not None:
        rows = rows.filter(project_id=project_id)
    rows = rows.order_by("project__programme__name", "project__title", "recorded_on", "pk")
    return _values(
        rows,
        {
            "id": "pk",
            "project_id": "project_id",
            "project_cup": "project__cup",
            "project_title": "project__title",
            "programme_slug": "project__programme__slug",
            "financial_year": "financial_year",
            "paid_on": "recorded_on",
            "amount": "amount",
            "reverses": "reverses_id",
            "act_kind": "act_kind",
            "act_number": "act_number",
            "act_date": "act_date",
            "cig": "cig",
            "supplier": "contract__supplier__name",
            "fund_source": "fund_source__name",
            "description": "description",
        },
    )


def milestone_rows(
    *, programme: Programme | None = None, project_id: int | None = None
) -> list[dict]:
    """Milestones of public projects and whether each is done, late or upcoming. One query."""
    milestones = milestones_visible_to(PUBLIC)
    if programme is not None:
        milestones = milestones.filter(project__programme=programme)
    if project_id is not None:
        milestones = milestones.filter(project_id=project_id)
    milestones = milestones.annotate(state=_milestone_state()).order_by(
        "project__programme__name", "project__title", "due_on", "pk"
    )
    return _values(
        milestones,
        {
            "id": "pk",
            "project_id": "project_id",
            "project_cup": "project__cup",
            "project_title": "project__title",
            "programme_slug": "project__programme__slug",
            "title": "title",
            "due_on": "due_on",
            "completed_on": "completed_on",
            "weight": "weight",
            "state": "state",
            "deliverable": "deliverable",
        },
    )


# -- the published files --


KIND_LABELS = {
    "text": _("text"),
    "integer": _("integer"),
    "decimal": _("decimal number"),
    "date": _("date (YYYY-MM-DD)"),
    "boolean": _("true or false"),
    "url": _("web address"),
}


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    kind: str = "text"  # one of KIND_LABELS

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    rows: Callable[..., list[dict]]
    columns: tuple[Column, ...]
    # The public page each row describes: (URL name, the row's key that fills it).
    page: tuple[str, str] | None = None


def _money(name, description):
    return Column(name, description, "decimal")


PROGRAMME_COLUMNS = (
    Column("programme_slug", _("Identifier of the programme, as in its page's address.")),
)
PROJECT_COLUMNS = (
    Column("project_id", _("Identifier of the project (see the projects dataset)."), "integer"),
    Column("project_cup", _("CUP of the project.")),
    Column("project_title", _("Title of the project.")),
    *PROGRAMME_COLUMNS,
)

DATASETS = {
    dataset.slug: dataset
    for dataset in (
        Dataset(
            slug="programmes",
            title=_("Programmes"),
            description=_(
                "The published programmes, with the totals of their public projects: cost, "
                "money allocated from the budget, private investment and money spent."
            ),
            rows=programme_rows,
            page=("portal:public-programme", "slug"),
            columns=(
                Column("slug", _("Identifier of the programme, as in its page's address.")),
                Column("name", _("Name of the programme.")),
                Column("owner", _("The administration that runs the programme.")),
                Column("summary", _("What the programme is for.")),
                Column("starts_on", _("Start date."), "date"),
                Column("ends_on", _("End date, if set."), "date"),
                Column("projects", _("Number of public projects."), "integer"),
                _money("total_cost", _("Total cost of the public projects, in euros.")),
                _money("budget", _("Money allocated to them from public funds, in euros.")),
                _money(
                    "private_investment",
                    _("Private investment outside the municipal budget, in euros."),
                ),
                _money("spent", _("Money paid out, net of reversals, in euros.")),
                Column("url", _("Address of the programme's public page."), "url"),
            ),
        ),
        Dataset(
            slug="projects",
            title=_("Projects"),
            description=_(
                "Every public project (from approval on): CUP, cost, funding, money spent, "
                "dates, progress and milestones."
            ),
            rows=project_rows,
            page=("portal:public-project", "id"),
            columns=(
                Column("id", _("Identifier of the project."), "integer"),
                Column("cup", _("Codice Unico di Progetto.")),
                Column("title", _("Title.")),
                Column("summary", _("Summary.")),
                Column("programme_slug", _("Identifier of the programme.")),
                Column("programme_name", _("Name of the programme.")),
                Column("thematic_area", _("Thematic area.")),
                Column(
                    "status",
                    _("Status: approved, in_progress, suspended or completed."),
                ),
                Column("lead_organisation", _("Lead organisation.")),
                Column(
                    "participants",
                    _("Participating organisations with their role, separated by semicolons."),
                ),
                _money("total_cost", _("Total cost, in euros.")),
                _money("budget", _("Money allocated from public funds, in euros.")),
                _money(
                    "private_investment",
                    _("Private investment outside the municipal budget, in euros."),
                ),
                _money("spent", _("Money paid out, net of reversals, in euros.")),
                Column(
                    "progress",
                    _("Progress in percent: the share of the milestones' weight that is done."),
                    "decimal",
                ),
                Column("planned_start", _("Planned start."), "date"),
                Column("planned_end", _("Planned end."), "date"),
                Column("actual_start", _("Actual start."), "date"),
                Column("actual_end", _("Actual end."), "date"),
                Column("milestones", _("Number of milestones."), "integer"),
                Column("milestones_done", _("Milestones done."), "integer"),
                Column(
                    "milestones_late", _("Milestones past their due date, not done."), "integer"
                ),
                Column("url", _("Address of the project's public page."), "url"),
            ),
        ),
        Dataset(
            slug="funding",
            title=_("Funding"),
            description=_(
                "Where each public project's money comes from: the fund sources allocated to "
                "it, per financial year. Private investment is marked off-budget and is not "
                "part of the municipal budget."
            ),
            rows=funding_rows,
            columns=(
                *PROJECT_COLUMNS,
                Column("fund_source", _("Name of the fund source.")),
                Column(
                    "fund_source_kind",
                    _(
                        "Kind: ministry_call, municipal_budget, eu_fund, regional, "
                        "partner_cofinancing or private_investment."
                    ),
                ),
                Column("provider", _("Organisation that provides the money.")),
                Column(
                    "off_budget",
                    _("true for private investment outside the municipal budget."),
                    "boolean",
                ),
                Column("year", _("Financial year."), "integer"),
                _money("amount", _("Amount allocated, in euros.")),
            ),
        ),
        Dataset(
            slug="payments",
            title=_("Payments"),
            description=_(
                "The money paid out on public projects (mandati di pagamento). A payment that "
                "was cancelled is followed by a reversal: a negative row that names it."
            ),
            rows=payment_rows,
            columns=(
                Column("id", _("Identifier of the payment."), "integer"),
                *PROJECT_COLUMNS,
                Column("financial_year", _("Financial year (esercizio)."), "integer"),
                Column("paid_on", _("Date of the payment."), "date"),
                _money("amount", _("Amount in euros; negative for a reversal.")),
                Column("reverses", _("For a reversal, the payment it cancels."), "integer"),
                Column(
                    "act_kind",
                    _("Kind of authorising act: delibera_giunta, delibera_consiglio, determina."),
                ),
                Column("act_number", _("Number of the authorising act.")),
                Column("act_date", _("Date of the authorising act."), "date"),
                Column("cig", _("CIG of the contract, when there is one.")),
                Column("supplier", _("Supplier under the contract, when there is one.")),
                Column("fund_source", _("Fund source the payment is charged to.")),
                Column("description", _("Description.")),
            ),
        ),
        Dataset(
            slug="milestones",
            title=_("Milestones"),
            description=_("The milestones of public projects, and whether each one is done."),
            rows=milestone_rows,
            columns=(
                Column("id", _("Identifier of the milestone."), "integer"),
                *PROJECT_COLUMNS,
                Column("title", _("Title.")),
                Column("due_on", _("Due date."), "date"),
                Column("completed_on", _("Date it was done."), "date"),
                Column("weight", _("Its weight in the project's progress."), "integer"),
                Column("state", _("done, late (past its due date) or upcoming.")),
                Column("deliverable", _("Deliverable.")),
            ),
        ),
    )
}

FORMATS = ("csv", "json")

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show as text, never run as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _participants_text(participants: list[dict]) -> str:
    return "; ".join(f"{p['name']} ({p['role']})" for p in participants)


def machine_value(value):
    """A value as the files carry it: numbers with a decimal point, dates in ISO 8601."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return _participants_text(value)
    return value


def export_rows(dataset: Dataset, rows: Iterable[dict], url: Callable | None) -> Iterator[dict]:
    """The rows of a file: the dataset's columns in order, with the page's address."""
    names = [column.name for column in dataset.columns]
    for row in rows:
        if url is not None:
            row = {**row, "url": url(row[dataset.page[1]])}
        yield {name: machine_value(row.get(name)) for name in names}


def csv_cell(value) -> str | Decimal | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return value


class _Echo:
    """A file-like object whose write returns the line, for streaming the csv writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(dataset: Dataset, rows: Iterable[dict]) -> Iterator[str]:
    """RFC 4180 lines (CRLF, quoted as needed), header first."""
    writer = csv.writer(_Echo())
    yield writer.writerow([column.name for column in dataset.columns])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row.values()])


def json_value(value):
    # Money has at most 14 significant digits: a float carries them exactly to JSON.
    if isinstance(value, Decimal):
        return float(value)
    return value
