"""Programmes and what hangs from them: assignments, thematic areas, weak points, meetings,
decisions; and the workflow steps of programmes, plans and projects."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import PublicReadMixin, RegiaViewSet, check_predicate
from core.permissions import Allowed
from programme.api import filters
from programme.api import serializers as s
from programme.api.base import ResourceViewSet, documented
from programme.models import Decision, Programme, StatusChange
from programme.permissions import (
    can_change_programme,
    can_create_programme,
    can_delete_programme,
)
from programme.selectors import (
    challenges_visible_to,
    decisions_visible_to,
    meetings_visible_to,
    programme_assignments_visible_to,
    programmes_visible_to,
    status_changes_visible_to,
    thematic_areas_visible_to,
)
from programme.services import (
    challenge_create,
    challenge_delete,
    challenge_update,
    decision_create,
    decision_delete,
    decision_update,
    meeting_create,
    meeting_delete,
    meeting_update,
    programme_assignment_create,
    programme_assignment_delete,
    programme_assignment_update,
    programme_create_with_manager,
    programme_delete,
    programme_publish,
    programme_update,
    thematic_area_create,
    thematic_area_delete,
    thematic_area_update,
)


def _of_programme(user, obj) -> Allowed:
    return can_change_programme(user, obj.programme)


@documented(s.ProgrammeSerializer, s.ProgrammeUpdateSerializer)
class ProgrammeViewSet(ResourceViewSet):
    """Smart-city programmes: the published ones, and the drafts of one's own programmes.

    A programme manager who creates a programme becomes its manager.
    """

    serializer_class = s.ProgrammeSerializer
    update_serializer_class = s.ProgrammeUpdateSerializer
    filterset_class = filters.ProgrammeFilter
    search_fields = ["name", "slug", "summary"]
    ordering_fields = ["name", "starts_on", "ends_on", "created_at"]
    ordering = ["name"]
    predicates = {
        "create": can_create_programme,
        "update": can_change_programme,
        "partial_update": can_change_programme,
        "destroy": can_delete_programme,
        "publish": can_change_programme,
    }

    def get_queryset(self):
        return programmes_visible_to(self.request.user).select_related("owner")

    def perform_create(self, serializer):
        user = self.request.user
        check_predicate(can_create_programme, user, Programme(**serializer.validated_data))
        serializer.instance = programme_create_with_manager(
            actor=user, manager=None if user.is_superuser else user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = programme_update(
            programme=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        programme_delete(programme=instance, actor=self.request.user)

    @extend_schema(request=None, responses=s.ProgrammeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Make a draft programme public."""
        programme = programme_publish(programme=self.get_object(), actor=request.user)
        return Response(self.get_serializer(programme).data)


@documented(s.ProgrammeAssignmentSerializer, s.ProgrammeAssignmentUpdateSerializer)
class ProgrammeAssignmentViewSet(ResourceViewSet):
    """Who manages or reads which programme; never public."""

    serializer_class = s.ProgrammeAssignmentSerializer
    update_serializer_class = s.ProgrammeAssignmentUpdateSerializer
    filterset_class = filters.ProgrammeAssignmentFilter
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    ordering_fields = ["created_at", "role"]
    ordering = ["programme_id", "role", "pk"]
    predicates = {
        "create": _of_programme,
        "update": _of_programme,
        "partial_update": _of_programme,
        "destroy": _of_programme,
    }

    def get_queryset(self):
        return programme_assignments_visible_to(self.request.user).select_related("user")

    def perform_create(self, serializer):
        check_predicate(
            can_change_programme, self.request.user, serializer.validated_data["programme"]
        )
        serializer.instance = programme_assignment_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = programme_assignment_update(
            assignment=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        programme_assignment_delete(assignment=instance, actor=self.request.user)


@documented(s.ThematicAreaSerializer, s.ThematicAreaUpdateSerializer)
class ThematicAreaViewSet(ResourceViewSet):
    """The parts of the territory a programme integrates (mobility, environment, tourism...)."""

    serializer_class = s.ThematicAreaSerializer
    update_serializer_class = s.ThematicAreaUpdateSerializer
    filterset_class = filters.ThematicAreaFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "position"]
    ordering = ["programme_id", "position", "name"]
    predicates = {
        "create": _of_programme,
        "update": _of_programme,
        "partial_update": _of_programme,
        "destroy": _of_programme,
    }

    def get_queryset(self):
        return thematic_areas_visible_to(self.request.user)

    def perform_create(self, serializer):
        check_predicate(
            can_change_programme, self.request.user, serializer.validated_data["programme"]
        )
        serializer.instance = thematic_area_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = thematic_area_update(
            thematic_area=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        thematic_area_delete(thematic_area=instance, actor=self.request.user)


@documented(s.ChallengeSerializer, s.ChallengeUpdateSerializer)
class ChallengeViewSet(ResourceViewSet):
    """The weak points a programme declares it wants to act on."""

    serializer_class = s.ChallengeSerializer
    update_serializer_class = s.ChallengeUpdateSerializer
    filterset_class = filters.ChallengeFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "position"]
    ordering = ["programme_id", "position", "name"]
    predicates = {
        "create": _of_programme,
        "update": _of_programme,
        "partial_update": _of_programme,
        "destroy": _of_programme,
    }

    def get_queryset(self):
        return challenges_visible_to(self.request.user)

    def perform_create(self, serializer):
        check_predicate(
            can_change_programme, self.request.user, serializer.validated_data["programme"]
        )
        serializer.instance = challenge_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = challenge_update(
            challenge=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        challenge_delete(challenge=instance, actor=self.request.user)


@documented(s.MeetingSerializer, s.MeetingUpdateSerializer)
class MeetingViewSet(ResourceViewSet):
    """The working group's meetings, with their decisions; never public."""

    serializer_class = s.MeetingSerializer
    update_serializer_class = s.MeetingUpdateSerializer
    filterset_class = filters.MeetingFilter
    search_fields = ["title", "place", "minutes"]
    ordering_fields = ["held_on", "title"]
    ordering = ["-held_on", "pk"]
    predicates = {
        "create": _of_programme,
        "update": _of_programme,
        "partial_update": _of_programme,
        "destroy": _of_programme,
    }

    def get_queryset(self):
        return meetings_visible_to(self.request.user).prefetch_related(
            "participants",
            Prefetch("decisions", queryset=Decision.objects.order_by("position", "pk")),
        )

    def perform_create(self, serializer):
        check_predicate(
            can_change_programme, self.request.user, serializer.validated_data["programme"]
        )
        serializer.instance = meeting_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = meeting_update(
            meeting=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        meeting_delete(meeting=instance, actor=self.request.user)


def _of_meeting(user, decision) -> Allowed:
    return can_change_programme(user, decision.meeting.programme)


@documented(s.DecisionSerializer, s.DecisionUpdateSerializer)
class DecisionViewSet(ResourceViewSet):
    """What the working group decided, who answers for it and by when; never public."""

    serializer_class = s.DecisionSerializer
    update_serializer_class = s.DecisionUpdateSerializer
    filterset_class = filters.DecisionFilter
    search_fields = ["text"]
    ordering_fields = ["due_on", "position"]
    ordering = ["meeting_id", "position", "pk"]
    predicates = {
        "create": _of_meeting,
        "update": _of_meeting,
        "partial_update": _of_meeting,
        "destroy": _of_meeting,
    }

    def get_queryset(self):
        return decisions_visible_to(self.request.user).select_related("meeting__programme")

    def perform_create(self, serializer):
        meeting = serializer.validated_data["meeting"]
        check_predicate(can_change_programme, self.request.user, meeting.programme)
        serializer.instance = decision_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = decision_update(
            decision=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        decision_delete(decision=instance, actor=self.request.user)


class StatusChangeViewSet(
    PublicReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, RegiaViewSet
):
    """The workflow steps of the objects one may read (programmes, plans, projects,
    commitments): who moved what, when, why, and the act behind it. Append-only."""

    queryset = StatusChange.objects.none()
    serializer_class = s.StatusChangeSerializer
    filterset_class = filters.StatusChangeFilter
    search_fields = ["note", "act_number"]
    ordering_fields = ["created_at"]
    ordering = ["created_at", "pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # The schema generator needs the model only, not the content types in the database.
            return StatusChange.objects.none()
        return status_changes_visible_to(self.request.user).select_related("content_type")
