"""Multi-year plans, their phases and their actions per year."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import check_predicate
from core.permissions import Allowed
from programme.api import filters
from programme.api import serializers as s
from programme.api.base import ResourceViewSet, documented
from programme.permissions import can_change_plan, can_change_programme
from programme.selectors import (
    plan_actions_visible_to,
    plan_phases_visible_to,
    plans_visible_to,
    projects_visible_to,
)
from programme.services import (
    plan_action_create,
    plan_action_delete,
    plan_action_update,
    plan_create,
    plan_delete,
    plan_phase_create,
    plan_phase_delete,
    plan_phase_update,
    plan_publish,
    plan_update,
)


@documented(s.PlanSerializer, s.PlanUpdateSerializer)
class PlanViewSet(ResourceViewSet):
    """Multi-year plans, such as Prato's three-year Situation Room plan."""

    serializer_class = s.PlanSerializer
    update_serializer_class = s.PlanUpdateSerializer
    filterset_class = filters.PlanFilter
    search_fields = ["title", "description", "dup_period"]
    ordering_fields = ["title", "start_year", "end_year"]
    ordering = ["programme_id", "-start_year", "pk"]
    predicates = {
        "create": can_change_plan,
        "update": can_change_plan,
        "partial_update": can_change_plan,
        "destroy": can_change_plan,
        "publish": can_change_plan,
    }

    def get_queryset(self):
        return plans_visible_to(self.request.user).select_related("programme")

    def perform_create(self, serializer):
        check_predicate(
            can_change_programme, self.request.user, serializer.validated_data["programme"]
        )
        serializer.instance = plan_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = plan_update(
            plan=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        plan_delete(plan=instance, actor=self.request.user)

    @extend_schema(request=None, responses=s.PlanSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Make a draft plan public; it needs at least one phase."""
        plan = plan_publish(plan=self.get_object(), actor=request.user)
        return Response(self.get_serializer(plan).data)


def _of_plan(user, phase) -> Allowed:
    return can_change_plan(user, phase.plan)


@documented(s.PlanPhaseSerializer, s.PlanPhaseUpdateSerializer)
class PlanPhaseViewSet(ResourceViewSet):
    """The phases of a plan (territory analysis, shared vision, co-planning...)."""

    serializer_class = s.PlanPhaseSerializer
    update_serializer_class = s.PlanPhaseUpdateSerializer
    filterset_class = filters.PlanPhaseFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "position"]
    ordering = ["plan_id", "position", "pk"]
    predicates = {
        "create": _of_plan,
        "update": _of_plan,
        "partial_update": _of_plan,
        "destroy": _of_plan,
    }

    def get_queryset(self):
        return plan_phases_visible_to(self.request.user).select_related("plan__programme")

    def perform_create(self, serializer):
        check_predicate(can_change_plan, self.request.user, serializer.validated_data["plan"])
        serializer.instance = plan_phase_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = plan_phase_update(
            phase=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        plan_phase_delete(phase=instance, actor=self.request.user)


def _of_phase(user, plan_action) -> Allowed:
    return can_change_plan(user, plan_action.phase.plan)


@documented(s.PlanActionSerializer, s.PlanActionUpdateSerializer)
class PlanActionViewSet(ResourceViewSet):
    """What a phase does in one of the plan's years, and the projects that carry it out."""

    serializer_class = s.PlanActionSerializer
    update_serializer_class = s.PlanActionUpdateSerializer
    filterset_class = filters.PlanActionFilter
    search_fields = ["title", "description"]
    ordering_fields = ["year", "title"]
    ordering = ["phase_id", "year", "pk"]
    predicates = {
        "create": _of_phase,
        "update": _of_phase,
        "partial_update": _of_phase,
        "destroy": _of_phase,
    }

    def get_queryset(self):
        return (
            plan_actions_visible_to(self.request.user)
            .select_related("phase__plan__programme")
            .prefetch_related(
                Prefetch("projects", queryset=projects_visible_to(self.request.user).only("pk"))
            )
        )

    def perform_create(self, serializer):
        phase = serializer.validated_data["phase"]
        check_predicate(can_change_plan, self.request.user, phase.plan)
        serializer.instance = plan_action_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = plan_action_update(
            action=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        plan_action_delete(action=instance, actor=self.request.user)
