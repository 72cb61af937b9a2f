"""Projects and what hangs from them: participations, milestones, indicators and their
measurements, risks."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, Value
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import check_predicate
from core.permissions import Allowed
from programme.api import filters
from programme.api import serializers as s
from programme.api.base import ResourceViewSet, documented
from programme.models import Project, ProjectParticipation
from programme.permissions import (
    can_change_project,
    can_create_project,
    can_delete_project,
    can_move_project,
)
from programme.selectors import (
    indicators_visible_to,
    internal_projects,
    measurements_visible_to,
    milestones_visible_to,
    participations_visible_to,
    projects_visible_to,
    risks_visible_to,
)
from programme.services import (
    indicator_create,
    indicator_delete,
    indicator_update,
    measurement_delete,
    measurement_record,
    measurement_update,
    milestone_complete,
    milestone_create,
    milestone_delete,
    milestone_reopen,
    milestone_update,
    participation_create,
    participation_delete,
    participation_update,
    project_assign_manager,
    project_propose,
    project_transition,
    project_update,
    risk_create,
    risk_delete,
    risk_update,
)


@documented(s.ProjectSerializer, s.ProjectUpdateSerializer)
class ProjectViewSet(ResourceViewSet):
    """Projects: public from approval on in published programmes; the rest to who works on them.

    A project is proposed here, moves with ``transition`` and is never deleted (it is
    cancelled, with its act).
    """

    serializer_class = s.ProjectSerializer
    update_serializer_class = s.ProjectUpdateSerializer
    filterset_class = filters.ProjectFilter
    search_fields = ["title", "cup", "summary"]
    ordering_fields = ["title", "total_cost", "planned_start", "progress_percent"]
    ordering = ["programme_id", "title", "pk"]
    predicates = {
        "create": can_create_project,
        "update": can_change_project,
        "partial_update": can_change_project,
        "destroy": can_delete_project,
        "transition": can_move_project,
        "assign_manager": can_move_project,
    }

    def get_queryset(self):
        return (
            projects_visible_to(self.request.user)
            .with_progress()
            .select_related("lead_organisation")
            .prefetch_related(
                Prefetch(
                    "participations",
                    queryset=ProjectParticipation.objects.select_related("organisation"),
                ),
                "challenges",
            )
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        fields = {name: value for name, value in data.items() if name != "challenges"}
        check_predicate(can_create_project, self.request.user, Project(**fields))
        serializer.instance = project_propose(actor=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = project_update(
            project=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        # Never reached: the predicate refuses every deletion before the object is fetched.
        check_predicate(can_delete_project, self.request.user, instance)

    def _answer(self, project):
        return Response(s.ProjectSerializer(project, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ProjectTransitionSerializer, responses=s.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the project one step along its workflow; approving and cancelling need the act."""
        project = self.get_object()
        serializer = s.ProjectTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_transition(
            project=project, actor=request.user, **serializer.validated_data
        )
        return self._answer(project)

    @extend_schema(request=s.ProjectAssignManagerSerializer, responses=s.ProjectSerializer)
    @action(detail=True, methods=["post"], url_path="assign-manager")
    def assign_manager(self, request, pk=None):
        """Make a user (or nobody) the project's manager; the previous one loses its rights."""
        project = self.get_object()
        serializer = s.ProjectAssignManagerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_assign_manager(
            project=project, actor=request.user, manager=serializer.validated_data["manager"]
        )
        return self._answer(project)


def _of_project(user, obj) -> Allowed:
    return can_change_project(user, obj.project)


PROJECT_PART_PREDICATES = {
    "create": _of_project,
    "update": _of_project,
    "partial_update": _of_project,
    "destroy": _of_project,
}


@documented(s.ParticipationSerializer, s.ParticipationUpdateSerializer)
class ParticipationViewSet(ResourceViewSet):
    """The organisations taking part in projects, and their roles."""

    serializer_class = s.ParticipationSerializer
    update_serializer_class = s.ParticipationUpdateSerializer
    filterset_class = filters.ParticipationFilter
    search_fields = ["organisation__name"]
    ordering_fields = ["role"]
    ordering = ["project_id", "role", "pk"]
    predicates = PROJECT_PART_PREDICATES

    def get_queryset(self):
        return participations_visible_to(self.request.user).select_related(
            "organisation", "project__programme"
        )

    def perform_create(self, serializer):
        check_predicate(can_change_project, self.request.user, serializer.validated_data["project"])
        serializer.instance = participation_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = participation_update(
            participation=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        participation_delete(participation=instance, actor=self.request.user)


@documented(s.MilestoneSerializer, s.MilestoneUpdateSerializer)
class MilestoneViewSet(ResourceViewSet):
    """The milestones of projects; their weights make the project's progress."""

    serializer_class = s.MilestoneSerializer
    update_serializer_class = s.MilestoneUpdateSerializer
    filterset_class = filters.MilestoneFilter
    search_fields = ["title", "deliverable"]
    ordering_fields = ["due_on", "completed_on", "title", "weight"]
    ordering = ["project_id", "due_on", "pk"]
    predicates = {**PROJECT_PART_PREDICATES, "complete": _of_project, "reopen": _of_project}

    def get_queryset(self):
        return milestones_visible_to(self.request.user).select_related("project__programme")

    def perform_create(self, serializer):
        check_predicate(can_change_project, self.request.user, serializer.validated_data["project"])
        serializer.instance = milestone_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = milestone_update(
            milestone=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        milestone_delete(milestone=instance, actor=self.request.user)

    @extend_schema(request=s.MilestoneCompleteSerializer, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Mark the milestone done (today, or on the day given); it counts towards progress."""
        milestone = self.get_object()
        serializer = s.MilestoneCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = milestone_complete(
            milestone=milestone, actor=request.user, **serializer.validated_data
        )
        return Response(
            s.MilestoneSerializer(milestone, context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Mark a done milestone as not done."""
        milestone = milestone_reopen(milestone=self.get_object(), actor=request.user)
        return Response(
            s.MilestoneSerializer(milestone, context=self.get_serializer_context()).data
        )


@documented(s.IndicatorSerializer, s.IndicatorUpdateSerializer)
class IndicatorViewSet(ResourceViewSet):
    """What a project measures, from its baseline to its target."""

    serializer_class = s.IndicatorSerializer
    update_serializer_class = s.IndicatorUpdateSerializer
    filterset_class = filters.IndicatorFilter
    search_fields = ["name", "unit"]
    ordering_fields = ["name", "target_on"]
    ordering = ["project_id", "name", "pk"]
    predicates = PROJECT_PART_PREDICATES

    def get_queryset(self):
        return indicators_visible_to(self.request.user).select_related("project__programme")

    def perform_create(self, serializer):
        check_predicate(can_change_project, self.request.user, serializer.validated_data["project"])
        serializer.instance = indicator_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = indicator_update(
            indicator=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        indicator_delete(indicator=instance, actor=self.request.user)


def _of_indicator(user, measurement) -> Allowed:
    return can_change_project(user, measurement.indicator.project)


@documented(s.MeasurementSerializer, s.MeasurementUpdateSerializer)
class MeasurementViewSet(ResourceViewSet):
    """The dated values of indicators; their notes are for who works on the project."""

    serializer_class = s.MeasurementSerializer
    update_serializer_class = s.MeasurementUpdateSerializer
    filterset_class = filters.MeasurementFilter
    search_fields = ["indicator__name"]
    ordering_fields = ["measured_on", "value"]
    ordering = ["indicator_id", "measured_on", "pk"]
    predicates = {
        "create": _of_indicator,
        "update": _of_indicator,
        "partial_update": _of_indicator,
        "destroy": _of_indicator,
    }

    def get_queryset(self):
        user = self.request.user
        if user.is_superuser:
            internal = Value(True)
        elif not user.is_authenticated:
            internal = Value(False)
        else:
            internal = ExpressionWrapper(
                Q(indicator__project__in=Project.objects.filter(internal_projects(user))),
                output_field=BooleanField(),
            )
        return (
            measurements_visible_to(user)
            .select_related("indicator__project__programme")
            .annotate(is_internal=internal)
        )

    def perform_create(self, serializer):
        indicator = serializer.validated_data["indicator"]
        check_predicate(can_change_project, self.request.user, indicator.project)
        serializer.instance = measurement_record(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = measurement_update(
            measurement=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        measurement_delete(measurement=instance, actor=self.request.user)


@documented(s.RiskSerializer, s.RiskUpdateSerializer)
class RiskViewSet(ResourceViewSet):
    """The risks of projects, with their mitigation; never public."""

    serializer_class = s.RiskSerializer
    update_serializer_class = s.RiskUpdateSerializer
    filterset_class = filters.RiskFilter
    search_fields = ["title", "description", "mitigation"]
    ordering_fields = ["likelihood", "impact", "title"]
    ordering = ["project_id", "-likelihood", "-impact", "pk"]
    predicates = PROJECT_PART_PREDICATES

    def get_queryset(self):
        return risks_visible_to(self.request.user).select_related("project__programme")

    def perform_create(self, serializer):
        check_predicate(can_change_project, self.request.user, serializer.validated_data["project"])
        serializer.instance = risk_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = risk_update(
            risk=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        risk_delete(risk=instance, actor=self.request.user)
