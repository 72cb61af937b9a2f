"""The form with which a programme manager allocates money from a fund source to a project.

It only collects and checks the input; ``funding.services.allocation_create`` holds the rules
(never beyond what the source has left, source and project in the same programme, once per
source, project and year) and its refusals show on the form.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import RegiaForm
from core.money import euro
from funding.ledger import subquery_sum
from funding.models import Allocation, FundSource
from programme.models import Programme, Project


class FundSourceChoiceField(forms.ModelChoiceField):
    """Each source says what it has left, and whether it is private investment."""

    def label_from_instance(self, source: FundSource) -> str:
        label = gettext("%(source)s — %(available)s left") % {
            "source": source.name,
            "available": euro(source.total - source.allocated),
        }
        if source.is_off_budget:
            label += " " + gettext("(private investment, outside the municipal budget)")
        return label


class AllocationForm(RegiaForm):
    fund_source = FundSourceChoiceField(label=_("Fund source"), queryset=FundSource.objects.none())
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    year = forms.TypedChoiceField(label=_("Financial year"), coerce=int, choices=())
    amount = forms.DecimalField(
        label=_("Amount (EUR)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("No more than what the fund source has left to allocate."),
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund_source"].queryset = (
            FundSource.objects.filter(programme=programme)
            .annotate(
                allocated=subquery_sum(
                    Allocation.objects.filter(fund_source=OuterRef("pk")), "fund_source"
                )
            )
            .order_by("name")
        )
        # A cancelled or completed project receives no more money.
        self.fields["project"].queryset = (
            Project.objects.filter(programme=programme)
            .exclude(status__in=Project.CLOSED_STATUSES)
            .order_by("title")
        )
        self.fields["year"].choices = [("", "—"), *_programme_years(programme)]


def _programme_years(programme: Programme) -> list[tuple[int, str]]:
    """The programme's years, from its start to its end (a few years around today when it
    does not say), as the year field offers them."""
    this_year = timezone.localdate().year
    first = programme.starts_on.year if programme.starts_on else this_year - 5
    last = programme.ends_on.year if programme.ends_on else this_year + 5
    return [(year, str(year)) for year in range(first, max(first, last) + 1)]
