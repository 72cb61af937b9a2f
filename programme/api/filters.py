"""The query parameters of the programme's lists; a malformed value answers 400, never 500."""

from __future__ import annotations

import datetime

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.models import FIRST_YEAR, LAST_YEAR
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

# The largest id a database column holds: a longer number is refused before any query.
MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An object's id: a whole positive number the database can hold."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)


class ProgrammeFilter(filters.FilterSet):
    owner = IdFilter(field_name="owner_id", label=_("owner organisation"))
    status = filters.ChoiceFilter(choices=Programme.Status.choices)

    class Meta:
        model = Programme
        fields = ["owner", "status"]


class ProgrammeAssignmentFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme_id", label=_("programme"))
    user = IdFilter(field_name="user_id", label=_("user"))
    role = filters.ChoiceFilter(choices=ProgrammeAssignment.Role.choices)

    class Meta:
        model = ProgrammeAssignment
        fields = ["programme", "user", "role"]


class ThematicAreaFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme_id", label=_("programme"))

    class Meta:
        model = ThematicArea
        fields = ["programme"]


class ChallengeFilter(ThematicAreaFilter):
    class Meta:
        model = Challenge
        fields = ["programme"]


class PlanFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme_id", label=_("programme"))
    status = filters.ChoiceFilter(choices=Plan.Status.choices)
    year = YearFilter(method="filter_year", label=_("year"))

    class Meta:
        model = Plan
        fields = ["programme", "status", "year"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)


class PlanPhaseFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label=_("plan"))

    class Meta:
        model = PlanPhase
        fields = ["plan"]


class PlanActionFilter(filters.FilterSet):
    phase = IdFilter(field_name="phase_id", label=_("phase"))
    plan = IdFilter(field_name="phase__plan_id", label=_("plan"))
    year = YearFilter()
    thematic_area = IdFilter(field_name="thematic_area_id", label=_("thematic area"))
    project = IdFilter(field_name="projects", label=_("project"))

    class Meta:
        model = PlanAction
        fields = ["phase", "plan", "year", "thematic_area", "project"]


class ProjectFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme_id", label=_("programme"))
    thematic_area = IdFilter(field_name="thematic_area_id", label=_("thematic area"))
    challenge = IdFilter(field_name="challenges", label=_("weak point"))
    status = filters.MultipleChoiceFilter(choices=Project.Status.choices)
    organisation = IdFilter(
        field_name="participations__organisation_id", label=_("participating organisation")
    )
    manager = IdFilter(field_name="manager_id", label=_("project manager"))
    year = YearFilter(method="filter_year", label=_("year (planned)"))
    planned_start = filters.DateFromToRangeFilter()
    planned_end = filters.DateFromToRangeFilter()

    class Meta:
        model = Project
        fields = [
            "programme",
            "thematic_area",
            "challenge",
            "status",
            "organisation",
            "manager",
            "year",
            "planned_start",
            "planned_end",
        ]

    def filter_year(self, queryset, name, value):
        """Projects planned to run during some of the year (an open end runs on)."""
        return queryset.filter(
            Q(planned_end__isnull=True) | Q(planned_end__gte=datetime.date(value, 1, 1)),
            planned_start__lte=datetime.date(value, 12, 31),
        )


class ProjectPartFilter(filters.FilterSet):
    """What hangs from a project, by project and by programme."""

    project = IdFilter(field_name="project_id", label=_("project"))
    programme = IdFilter(field_name="project__programme_id", label=_("programme"))

    class Meta:
        model = ProjectParticipation
        fields = ["project", "programme"]


class ParticipationFilter(ProjectPartFilter):
    organisation = IdFilter(field_name="organisation_id", label=_("organisation"))
    role = filters.ChoiceFilter(choices=ProjectParticipation.Role.choices)

    class Meta:
        model = ProjectParticipation
        fields = ["project", "programme", "organisation", "role"]


class MilestoneFilter(ProjectPartFilter):
    done = filters.BooleanFilter(field_name="completed_on", lookup_expr="isnull", exclude=True)
    due_on = filters.DateFromToRangeFilter()

    class Meta:
        model = Milestone
        fields = ["project", "programme", "done", "due_on"]


class IndicatorFilter(ProjectPartFilter):
    class Meta:
        model = Indicator
        fields = ["project", "programme"]


class MeasurementFilter(filters.FilterSet):
    indicator = IdFilter(field_name="indicator_id", label=_("indicator"))
    project = IdFilter(field_name="indicator__project_id", label=_("project"))
    measured_on = filters.DateFromToRangeFilter()

    class Meta:
        model = Measurement
        fields = ["indicator", "project", "measured_on"]


class RiskFilter(ProjectPartFilter):
    status = filters.MultipleChoiceFilter(choices=Risk.Status.choices)
    owner = IdFilter(field_name="owner_id", label=_("owner"))

    class Meta:
        model = Risk
        fields = ["project", "programme", "status", "owner"]


class MeetingFilter(filters.FilterSet):
    programme = IdFilter(field_name="programme_id", label=_("programme"))
    held_on = filters.DateFromToRangeFilter()
    participant = IdFilter(field_name="participants", label=_("participating organisation"))

    class Meta:
        model = Meeting
        fields = ["programme", "held_on", "participant"]


class DecisionFilter(filters.FilterSet):
    meeting = IdFilter(field_name="meeting_id", label=_("meeting"))
    project = IdFilter(field_name="project_id", label=_("project"))
    responsible = IdFilter(field_name="responsible_id", label=_("responsible organisation"))
    due_on = filters.DateFromToRangeFilter()

    class Meta:
        model = Decision
        fields = ["meeting", "project", "responsible", "due_on"]


# What status-changes may name as their target, as ``app_label.model``.
TARGET_TYPES = [
    ("programme.programme", _("programme")),
    ("programme.plan", _("plan")),
    ("programme.project", _("project")),
]


class StatusChangeFilter(filters.FilterSet):
    target_type = filters.ChoiceFilter(choices=TARGET_TYPES, method="filter_target_type")
    target_id = IdFilter(field_name="object_id", label=_("target id"))
    created_at = filters.DateFromToRangeFilter(field_name="created_at__date")

    class Meta:
        model = StatusChange
        fields = ["target_type", "target_id", "created_at"]

    def filter_target_type(self, queryset, name, value):
        app_label, model = value.split(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)
