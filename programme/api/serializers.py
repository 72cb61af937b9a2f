"""The shapes of the programme's resources; the rules live in the services they are passed to.

A resource hangs from its parent (programme, plan, project...), chosen when it is created and
fixed afterwards: each ``*UpdateSerializer`` is its resource with the parent read-only. A link
accepts only what the requesting user may read: any other id "does not exist".
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import FIRST_YEAR, LAST_YEAR
from partners.models import Organisation
from programme.models import (
    AuthorisingAct,
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
from programme.selectors import (
    challenges_visible_to,
    indicators_visible_to,
    meetings_visible_to,
    plan_phases_visible_to,
    plans_visible_to,
    programmes_visible_to,
    projects_visible_to,
    thematic_areas_visible_to,
)
from programme.workflow import Act


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A link to an object the requesting user may read; ``scope`` is its selector."""

    def __init__(self, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)


def _active_users():
    return get_user_model().objects.filter(is_active=True)


def _year(**kwargs):
    return serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class ProgrammeSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "slug",
            "owner",
            "owner_name",
            "summary",
            "description",
            "status",
            "starts_on",
            "ends_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status"]


class ProgrammeUpdateSerializer(ProgrammeSerializer):
    owner = serializers.PrimaryKeyRelatedField(read_only=True)


class ProgrammeAssignmentSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=_active_users())
    username = serializers.CharField(source="user.username", read_only=True)
    programme = VisibleRelatedField(programmes_visible_to)

    class Meta:
        model = ProgrammeAssignment
        fields = ["id", "user", "username", "programme", "role", "created_at"]


class ProgrammeAssignmentUpdateSerializer(ProgrammeAssignmentSerializer):
    user = serializers.PrimaryKeyRelatedField(read_only=True)
    programme = serializers.PrimaryKeyRelatedField(read_only=True)


class ThematicAreaSerializer(serializers.ModelSerializer):
    programme = VisibleRelatedField(programmes_visible_to)

    class Meta:
        model = ThematicArea
        fields = ["id", "programme", "name", "description", "position"]


class ThematicAreaUpdateSerializer(ThematicAreaSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=True)


class ChallengeSerializer(serializers.ModelSerializer):
    programme = VisibleRelatedField(programmes_visible_to)

    class Meta:
        model = Challenge
        fields = ["id", "programme", "name", "description", "position"]


class ChallengeUpdateSerializer(ChallengeSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=True)


class PlanSerializer(serializers.ModelSerializer):
    programme = VisibleRelatedField(programmes_visible_to)
    start_year = _year()
    end_year = _year()

    class Meta:
        model = Plan
        fields = [
            "id",
            "programme",
            "title",
            "description",
            "start_year",
            "end_year",
            "dup_period",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status"]


class PlanUpdateSerializer(PlanSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=True)


class PlanPhaseSerializer(serializers.ModelSerializer):
    plan = VisibleRelatedField(plans_visible_to)

    class Meta:
        model = PlanPhase
        fields = ["id", "plan", "name", "description", "position"]


class PlanPhaseUpdateSerializer(PlanPhaseSerializer):
    plan = serializers.PrimaryKeyRelatedField(read_only=True)


class PlanActionSerializer(serializers.ModelSerializer):
    phase = VisibleRelatedField(plan_phases_visible_to)
    year = _year()
    thematic_area = VisibleRelatedField(thematic_areas_visible_to, allow_null=True, required=False)
    projects = VisibleRelatedField(projects_visible_to, many=True, required=False)

    class Meta:
        model = PlanAction
        fields = ["id", "phase", "year", "title", "description", "thematic_area", "projects"]


class PlanActionUpdateSerializer(PlanActionSerializer):
    phase = serializers.PrimaryKeyRelatedField(read_only=True)


class ParticipationInProjectSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = ProjectParticipation
        fields = ["id", "organisation", "organisation_name", "role"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    """A project as the transparency pages show it: codes, cost, who, when, how far."""

    programme = VisibleRelatedField(programmes_visible_to)
    thematic_area = VisibleRelatedField(thematic_areas_visible_to, allow_null=True, required=False)
    challenges = VisibleRelatedField(challenges_visible_to, many=True, required=False)
    lead_organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    lead_organisation_name = serializers.CharField(source="lead_organisation.name", read_only=True)
    participations = ParticipationInProjectSerializer(many=True, read_only=True)
    manager = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), allow_null=True, required=False
    )
    progress_percent = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        source="progress",
        read_only=True,
        help_text=_("Share of the milestones' weight that is done, 0–100."),
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "programme",
            "title",
            "summary",
            "description",
            "thematic_area",
            "challenges",
            "cup",
            "rup",
            "total_cost",
            "lead_organisation",
            "lead_organisation_name",
            "participations",
            "manager",
            "status",
            "progress_percent",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status"]
        extra_kwargs = {"total_cost": {"min_value": 0}}


class ProjectUpdateSerializer(ProjectSerializer):
    """The programme and the lead stay; the manager changes through ``assign-manager``."""

    programme = serializers.PrimaryKeyRelatedField(read_only=True)
    lead_organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    manager = serializers.PrimaryKeyRelatedField(read_only=True)


class ActSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AuthorisingAct.choices)
    number = serializers.CharField(max_length=40)
    date = serializers.DateField()


class ProjectTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Project.Status.choices)
    note = serializers.CharField(allow_blank=True, default="", max_length=5000)
    act = ActSerializer(
        required=False,
        allow_null=True,
        help_text=_("The delibera or determina: needed to approve or cancel."),
    )

    def validate_act(self, value):
        if value is None:
            return None
        try:
            return Act(**value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class ProjectAssignManagerSerializer(serializers.Serializer):
    manager = serializers.PrimaryKeyRelatedField(queryset=_active_users(), allow_null=True)


class ParticipationSerializer(serializers.ModelSerializer):
    project = VisibleRelatedField(projects_visible_to)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = ProjectParticipation
        fields = ["id", "project", "organisation", "organisation_name", "role"]


class ParticipationUpdateSerializer(ParticipationSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)


class MilestoneSerializer(serializers.ModelSerializer):
    project = VisibleRelatedField(projects_visible_to)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "title",
            "description",
            "due_on",
            "completed_on",
            "weight",
            "deliverable",
            "is_done",
            "is_late",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["completed_on", "is_done", "is_late"]
        extra_kwargs = {"weight": {"min_value": 1}}


class MilestoneUpdateSerializer(MilestoneSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)


class MilestoneCompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField(
        required=False, help_text=_("When it was done; today when left out.")
    )


class IndicatorSerializer(serializers.ModelSerializer):
    project = VisibleRelatedField(projects_visible_to)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "project",
            "name",
            "unit",
            "baseline",
            "baseline_on",
            "target",
            "target_on",
            "created_at",
            "updated_at",
        ]


class IndicatorUpdateSerializer(IndicatorSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)


class MeasurementSerializer(serializers.ModelSerializer):
    """The note is internal: blank for readers who do not work on the project."""

    indicator = VisibleRelatedField(indicators_visible_to)

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "measured_on", "value", "note"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not getattr(instance, "is_internal", True):
            data["note"] = ""
        return data


class MeasurementUpdateSerializer(MeasurementSerializer):
    indicator = serializers.PrimaryKeyRelatedField(read_only=True)


class RiskSerializer(serializers.ModelSerializer):
    project = VisibleRelatedField(projects_visible_to)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), allow_null=True, required=False
    )

    class Meta:
        model = Risk
        fields = [
            "id",
            "project",
            "title",
            "description",
            "likelihood",
            "impact",
            "score",
            "owner",
            "mitigation",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["score"]


class RiskUpdateSerializer(RiskSerializer):
    project = serializers.PrimaryKeyRelatedField(read_only=True)


class DecisionInMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "position", "text", "project", "responsible", "due_on"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    programme = VisibleRelatedField(programmes_visible_to)
    participants = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False
    )
    decisions = DecisionInMeetingSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "programme",
            "title",
            "held_on",
            "place",
            "minutes",
            "participants",
            "decisions",
            "created_at",
            "updated_at",
        ]


class MeetingUpdateSerializer(MeetingSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=True)


class DecisionSerializer(serializers.ModelSerializer):
    meeting = VisibleRelatedField(meetings_visible_to)
    project = VisibleRelatedField(projects_visible_to, allow_null=True, required=False)
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Decision
        fields = ["id", "meeting", "position", "text", "project", "responsible", "due_on"]


class DecisionUpdateSerializer(DecisionSerializer):
    meeting = serializers.PrimaryKeyRelatedField(read_only=True)


class StatusChangeSerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField(
        help_text=_("The kind of object whose workflow moved, as app_label.model.")
    )
    target_id = serializers.IntegerField(source="object_id", read_only=True)
    # Blank when the step needs no act; declared here because read-only model fields lose
    # allow_blank, and the schema must say the blank is possible.
    act_kind = serializers.ChoiceField(
        choices=AuthorisingAct.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "target_type",
            "target_id",
            "from_status",
            "to_status",
            "actor",
            "note",
            "act_kind",
            "act_number",
            "act_date",
            "created_at",
        ]
        read_only_fields = fields

    def get_target_type(self, change) -> str:
        return f"{change.content_type.app_label}.{change.content_type.model}"
