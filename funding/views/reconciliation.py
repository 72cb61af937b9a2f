"""The reconciliation pages: where every euro of a programme stands, for its managers.

A programme outside the reader's reading scope does not exist (404); one they read but do not
manage is refused with the reason (403). The figures come from ``funding.ledger`` in a fixed
number of queries whatever the number of projects; the per-project table is filtered by year
and paginated in place (htmx), and works as plain links without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import RegiaForm
from core.htmx import render_page_or_partial, wants_partial
from core.money import ZERO, euro
from core.permissions import require
from funding import ledger
from funding.forms_allocation import AllocationForm
from funding.models import Allocation
from funding.permissions import can_create_allocation, can_view_reconciliation
from funding.services import allocation_create
from programme.models import Programme
from programme.selectors import managed_programmes, programmes_visible_to

PAGE_SIZE = 50


def _programme(request, slug: str) -> Programme:
    programme = get_object_or_404(
        programmes_visible_to(request.user).select_related("owner"), slug=slug
    )
    require(can_view_reconciliation(request.user, programme))
    return programme


def _reconciliation_url(programme: Programme, section: str = "") -> str:
    url = reverse("funding:reconciliation", args=[programme.slug])
    return f"{url}#{section}" if section else url


# -- variances, said in words -------------------------------------------------------------

# For each variance: what a positive and a negative figure mean. Colour only repeats it.
VARIANCE_WORDS = {
    "uncommitted": (
        gettext_lazy("not yet committed"),
        gettext_lazy("committed beyond the allocation"),
    ),
    "unpaid": (gettext_lazy("still to pay"), gettext_lazy("paid beyond the impegno")),
    "expected_from_partners": (
        gettext_lazy("still expected"),
        gettext_lazy("verified beyond the commitment"),
    ),
}


@dataclass(frozen=True)
class Variance:
    amount: Decimal
    word: str
    tone: str  # "", "positive" or "negative": the CSS class follows it


def _variance(code: str, amount: Decimal) -> Variance:
    if amount > ZERO:
        return Variance(amount, str(VARIANCE_WORDS[code][0]), "positive")
    if amount < ZERO:
        return Variance(amount, str(VARIANCE_WORDS[code][1]), "negative")
    return Variance(amount, "", "")


def _with_variance_words(row: dict) -> dict:
    return {**row, "variances": [_variance(code, row[code]) for code in VARIANCE_WORDS]}


class YearFilterForm(RegiaForm):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Every year")), *((y, str(y)) for y in years)]


def _by_project(request, programme: Programme) -> dict:
    """The per-project table: the year filter, the page of rows with their variances in
    words, and the totals of the filtered rows."""
    rows = ledger.project_year_rows(programme)
    years = sorted({row["year"] for row in rows})
    form = YearFilterForm(request.GET or None, years=years)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    if year:
        rows = [row for row in rows if row["year"] == year]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "export_request": _export_request(request, programme),
        "year_form": form,
        "year": year,
        "page": page,
        "project_rows": [_with_variance_words(row) for row in page.object_list],
        "project_totals": _with_variance_words(ledger.project_year_totals(rows)),
    }


def _export_request(request, programme: Programme) -> SimpleNamespace:
    """What funding/_export_menu.html reads as ``request``: the page's filters, and the
    programme the reconciliation tables ask for (``?programme=<id>``), without the page."""
    query = request.GET.copy()
    query.pop("page", None)
    query["programme"] = str(programme.pk)
    return SimpleNamespace(GET=query)


# -- pages --------------------------------------------------------------------------------


@login_required
@require_safe
def reconciliation_index(request):
    """The programmes the reader manages; someone who manages none is refused, with why."""
    programmes = list(managed_programmes(request.user).select_related("owner").order_by("name"))
    if not programmes:
        raise PermissionDenied(
            _("The reconciliation is for programme managers: you manage no programme.")
        )
    return render(
        request,
        "funding/reconciliation_index.html",
        {"programmes": programmes, "crumbs": [(_("Reconciliation"), "")]},
    )


@login_required
@require_safe
def reconciliation(request, slug: str):
    """A programme's figures: per project and year, per fund source, per partner, private
    investment apart, and the alerts. An htmx request gets the per-project table only."""
    programme = _programme(request, slug)
    context = {"programme": programme, **_by_project(request, programme)}
    if not wants_partial(request):
        partners = ledger.partner_rows(programme)
        sources = ledger.fund_source_rows(programme)
        context.update(
            {
                "fund_sources": sources,
                "fund_source_totals": _totals(
                    sources, ("total", "allocated", "available", "spent")
                ),
                "partners": partners,
                "partner_totals": _totals(
                    partners,
                    ("pledged", "confirmed", "declared", "fulfilled", "withdrawn", "outstanding"),
                ),
                "restated": ledger.restated_private_investment(programme),
                "private_investment": ledger.private_investment_rows(programme),
                "alerts": ledger.alerts(programme),
                "crumbs": [
                    (_("Reconciliation"), reverse("funding:reconciliation-index")),
                    (programme.name, ""),
                ],
            }
        )
        context["private_total"] = sum((r["amount"] for r in context["private_investment"]), ZERO)
    return render_page_or_partial(
        request,
        "funding/reconciliation.html",
        "funding/_reconciliation_projects.html",
        context,
    )


def _totals(rows: list[dict], codes: tuple[str, ...]) -> dict[str, Decimal]:
    return {code: sum((row[code] for row in rows), ZERO) for code in codes}


@login_required
@require_http_methods(["GET", "POST"])
def allocation_create_view(request, slug: str):
    """A manager allocates money from a fund source to a project of the programme. The
    service refuses an allocation beyond what the source has left, among its other rules:
    the refusal shows on the form and nothing is saved."""
    programme = _programme(request, slug)
    initial = {}
    if source := request.GET.get("fund_source", "").strip():
        initial["fund_source"] = source if source.isdigit() else None
    form = AllocationForm(request.POST or None, initial=initial, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require(
            can_create_allocation(
                request.user, Allocation(fund_source=data["fund_source"], project=data["project"])
            )
        )
        try:
            with transaction.atomic():
                allocation = allocation_create(actor=request.user, **data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(amount)s allocated from “%(source)s” to “%(project)s” for %(year)s.")
                % {
                    "amount": euro(allocation.amount),
                    "source": allocation.fund_source.name,
                    "project": allocation.project.title,
                    "year": allocation.year,
                },
            )
            return redirect(_reconciliation_url(programme, "by-fund-source"))
    return render(
        request,
        "funding/reconciliation_allocation_form.html",
        {
            "form": form,
            "programme": programme,
            "title": _("New allocation"),
            "subject": programme.name,
            "submit_label": _("Allocate"),
            "cancel_url": _reconciliation_url(programme, "by-fund-source"),
            "crumbs": [
                (_("Reconciliation"), reverse("funding:reconciliation-index")),
                (programme.name, _reconciliation_url(programme)),
                (_("New allocation"), ""),
            ],
        },
    )
