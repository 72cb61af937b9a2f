"""The filters of the programme's pages: what a reader may narrow a list by.

The API's filter sets (``programme.api.filters``) take ids; a page's filters are a form a
person fills in, so they offer choices, and only choices the reader may see: another
municipality's draft programme is neither listed nor accepted.
"""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter

import django_filters as filters
from django import forms
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from core.forms import RegiaForm
from partners.models import Organisation
from programme.api.filters import ProjectFilter, YearFilter
from programme.models import Project
from programme.selectors import (
    challenges_visible_to,
    programmes_visible_to,
    projects_visible_to,
    thematic_areas_visible_to,
)

SEARCH_MAX_LENGTH = 100
# The empty choice of every select: neutral, since the fields differ in grammatical gender.
ANY = pgettext_lazy("filter", "Any")


class _ByProgrammeIterator(ModelChoiceIterator):
    """Options grouped in an ``<optgroup>`` per programme: two municipalities may both have a
    “Mobility” area, and the reader must tell them apart."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for _programme_id, objects in groupby(self.queryset, key=attrgetter("programme_id")):
            objects = list(objects)
            yield (objects[0].programme.name, [self.choice(obj) for obj in objects])


class _ByProgrammeChoiceField(ModelChoiceField):
    iterator = _ByProgrammeIterator


class ByProgrammeChoiceFilter(filters.ModelChoiceFilter):
    """A choice among objects of several programmes (their queryset selects the programme)."""

    field_class = _ByProgrammeChoiceField


def _programmes(request):
    return programmes_visible_to(request.user).order_by("name")


def _thematic_areas(request):
    return (
        thematic_areas_visible_to(request.user)
        .select_related("programme")
        .order_by("programme__name", "programme_id", "position", "name")
    )


def _challenges(request):
    return (
        challenges_visible_to(request.user)
        .select_related("programme")
        .order_by("programme__name", "programme_id", "position", "name")
    )


def _organisations(request):
    """The organisations taking part in a project the reader may see."""
    return (
        Organisation.objects.filter(
            pk__in=projects_visible_to(request.user).values("participations__organisation_id")
        )
        # Ordered as they are labelled: by the short name when there is one.
        .annotate(label=Lower(Coalesce(NullIf("short_name", Value("")), "name")))
        .order_by("label", "pk")
    )


class ProjectListFilter(filters.FilterSet):
    """The filters and the search of the projects list; build it with ``request=``."""

    q = filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Words in the title or summary, or the CUP."),
        widget=forms.SearchInput,
    )
    programme = filters.ModelChoiceFilter(
        queryset=_programmes,
        to_field_name="slug",
        label=pgettext_lazy("column", "Programme"),
        empty_label=ANY,
    )
    thematic_area = ByProgrammeChoiceFilter(
        queryset=_thematic_areas, label=_("Thematic area"), empty_label=ANY
    )
    challenge = ByProgrammeChoiceFilter(
        field_name="challenges",
        queryset=_challenges,
        label=_("Weak point"),
        empty_label=ANY,
    )
    status = filters.ChoiceFilter(
        choices=Project.Status.choices, label=_("Status"), empty_label=ANY
    )
    organisation = filters.ModelChoiceFilter(
        field_name="participations__organisation",
        queryset=_organisations,
        label=_("Participating organisation"),
        empty_label=ANY,
    )
    year = YearFilter(
        method="filter_year",
        label=_("Year"),
        help_text=_("Projects planned to run during that year."),
    )

    class Meta:
        model = Project
        form = RegiaForm
        fields = ["q", "programme", "thematic_area", "challenge", "status", "organisation", "year"]

    # The same rule as the API's ``?year=``: the planned span includes some of the year.
    filter_year = ProjectFilter.filter_year

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(cup__icontains=word)
            )
        return queryset

    @property
    def qs(self):
        # A value the reader may not choose (another municipality's draft programme, a
        # mistyped year) finds nothing, and the form says why: never an unfiltered list.
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs
