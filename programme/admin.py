from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.admin import (
    DueStateFilter,
    ReadOnlyAdmin,
    ReasonForm,
    RegiaAdmin,
    RegiaHistoryAdmin,
    RegiaInline,
    save_inline_through,
    service_action,
)
from programme import selectors
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
from programme.permissions import (
    can_change_plan,
    can_change_programme,
    can_change_project,
    can_create_programme,
    can_create_project,
    can_delete_programme,
    can_delete_project,
    can_move_project,
)
from programme.services import (
    measurement_record,
    milestone_complete,
    milestone_reopen,
    plan_publish,
    programme_create,
    programme_publish,
    project_create,
    project_transition,
)
from programme.workflow import Act, status_history_html, status_label

SHORT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}


# What hangs from a programme, a plan or a project is changed by who may change them.


def of_programme(user, obj):
    return can_change_programme(user, obj.programme)


def of_plan(user, obj):
    return can_change_plan(user, obj.plan)


def of_phase(user, plan_action: PlanAction):
    return can_change_plan(user, plan_action.phase.plan)


def of_project(user, obj):
    return can_change_project(user, obj.project)


def of_indicator(user, measurement: Measurement):
    return can_change_project(user, measurement.indicator.project)


def of_meeting(user, decision: Decision):
    return can_change_programme(user, decision.meeting.programme)


class ThematicAreaInline(RegiaInline):
    model = ThematicArea
    fields = ["name", "description", "position"]
    formfield_overrides = SHORT_TEXT


class ChallengeInline(RegiaInline):
    model = Challenge
    fields = ["name", "description", "position"]
    formfield_overrides = SHORT_TEXT


class ProgrammeAssignmentInline(RegiaInline):
    model = ProgrammeAssignment
    autocomplete_fields = ["user"]
    fields = ["user", "role"]


@admin.register(Programme)
class ProgrammeAdmin(RegiaHistoryAdmin):
    create_service = staticmethod(programme_create)
    read_scope = staticmethod(selectors.programmes_visible_to)
    add_rule = staticmethod(can_create_programme)
    change_rule = staticmethod(can_change_programme)
    delete_rule = staticmethod(can_delete_programme)
    list_display = ["name", "owner", "status", "starts_on", "ends_on"]
    list_filter = ["status", "owner"]
    search_fields = ["name", "slug", "summary"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "owner", "summary", "description", "starts_on", "ends_on", "status"]
    readonly_fields = ["status"]
    inlines = [ThematicAreaInline, ChallengeInline, ProgrammeAssignmentInline]
    actions = ["publish"]

    @service_action(description=_("Publish the selected programmes"))
    def publish(self, request, programme):
        programme_publish(programme=programme, actor=request.user)


@admin.register(ProgrammeAssignment)
class ProgrammeAssignmentAdmin(RegiaAdmin):
    read_scope = staticmethod(selectors.programme_assignments_visible_to)
    change_rule = staticmethod(of_programme)
    list_display = ["user", "programme", "role"]
    list_filter = ["role", "programme"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "programme__name"]
    list_select_related = ["user", "programme"]
    autocomplete_fields = ["user", "programme"]


@admin.register(ThematicArea)
class ThematicAreaAdmin(RegiaAdmin):
    read_scope = staticmethod(selectors.thematic_areas_visible_to)
    change_rule = staticmethod(of_programme)
    list_display = ["name", "programme", "position"]
    list_editable = ["position"]
    list_filter = ["programme"]
    search_fields = ["name", "programme__name"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]


@admin.register(Challenge)
class ChallengeAdmin(RegiaAdmin):
    read_scope = staticmethod(selectors.challenges_visible_to)
    change_rule = staticmethod(of_programme)
    list_display = ["name", "programme", "position"]
    list_editable = ["position"]
    list_filter = ["programme"]
    search_fields = ["name", "description", "programme__name"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]


class PlanPhaseInline(RegiaInline):
    model = PlanPhase
    fields = ["name", "description", "position"]
    formfield_overrides = SHORT_TEXT
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(RegiaHistoryAdmin):
    read_scope = staticmethod(selectors.plans_visible_to)
    change_rule = staticmethod(can_change_plan)
    list_display = ["title", "programme", "start_year", "end_year", "dup_period", "status"]
    list_filter = ["status", "programme"]
    search_fields = ["title", "description", "programme__name"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme"]
    fields = ["programme", "title", "description", "start_year", "end_year", "dup_period", "status"]
    readonly_fields = ["status"]
    inlines = [PlanPhaseInline]
    actions = ["publish"]

    @service_action(description=_("Publish the selected plans"))
    def publish(self, request, plan):
        plan_publish(plan=plan, actor=request.user)


class PlanActionInline(RegiaInline):
    model = PlanAction
    autocomplete_fields = ["thematic_area", "projects"]
    fields = ["year", "title", "thematic_area", "projects"]
    show_change_link = True


@admin.register(PlanPhase)
class PlanPhaseAdmin(RegiaAdmin):
    read_scope = staticmethod(selectors.plan_phases_visible_to)
    change_rule = staticmethod(of_plan)
    list_display = ["name", "plan", "position"]
    list_filter = ["plan"]
    search_fields = ["name", "plan__title"]
    list_select_related = ["plan"]
    autocomplete_fields = ["plan"]
    inlines = [PlanActionInline]


@admin.register(PlanAction)
class PlanActionAdmin(RegiaAdmin):
    read_scope = staticmethod(selectors.plan_actions_visible_to)
    change_rule = staticmethod(of_phase)
    list_display = ["title", "year", "phase", "plan", "thematic_area"]
    list_filter = ["year", "phase__plan"]
    search_fields = ["title", "description", "phase__name", "phase__plan__title"]
    list_select_related = ["phase__plan", "thematic_area"]
    autocomplete_fields = ["phase", "thematic_area", "projects"]

    @admin.display(description=_("plan"), ordering="phase__plan")
    def plan(self, action):
        return action.phase.plan


LEAD = ProjectParticipation.Role.LEAD
ONLY_ONE_LEAD = _(
    "Only the project's lead organisation takes part as lead; it is chosen when the project "
    "is proposed."
)
LEAD_STAYS = _("The lead organisation takes part in its project for as long as the project exists.")


class ParticipationForm(forms.ModelForm):
    """The lead's participation, made by ``project_create``, is shown but never changed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("role") == LEAD:
            for field in self.fields.values():
                field.disabled = True

    def clean_role(self):
        role = self.cleaned_data["role"]
        if role == LEAD and self.initial.get("role") != LEAD:
            raise ValidationError(ONLY_ONE_LEAD, code="lead")
        return role


class ParticipationFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(
            form.initial.get("role") == LEAD and self._should_delete_form(form)
            for form in self.initial_forms
        ):
            raise ValidationError(LEAD_STAYS, code="lead")


class ParticipationInline(RegiaInline):
    model = ProjectParticipation
    form = ParticipationForm
    formset = ParticipationFormSet
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role"]


class MilestoneInline(RegiaInline):
    model = Milestone
    fields = ["title", "due_on", "weight", "deliverable", "completed_on"]
    # Done through the milestone's action, which refuses a date in the future.
    readonly_fields = ["completed_on"]
    show_change_link = True


class RiskInline(RegiaInline):
    model = Risk
    autocomplete_fields = ["owner"]
    fields = ["title", "likelihood", "impact", "status", "owner"]
    show_change_link = True


class IndicatorInline(RegiaInline):
    model = Indicator
    fields = ["name", "unit", "baseline", "target", "target_on"]
    show_change_link = True


class TransitionNoteForm(forms.Form):
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False
    )


class ActForm(forms.Form):
    """The delibera or determina that authorises an approval or a cancellation."""

    act_kind = forms.ChoiceField(label=_("authorising act"), choices=AuthorisingAct.choices)
    act_number = forms.CharField(label=_("act number"), max_length=40)
    act_date = forms.DateField(label=_("act date"), widget=AdminDateWidget)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


def _transition(request, project, to, *, note="", act_kind="", act_number="", act_date=None):
    act = Act(kind=act_kind, number=act_number, date=act_date) if act_kind else None
    project_transition(project=project, to=to, actor=request.user, note=note, act=act)


@admin.register(Project)
class ProjectAdmin(RegiaHistoryAdmin):
    create_service = staticmethod(project_create)
    read_scope = staticmethod(selectors.projects_visible_to)
    add_rule = staticmethod(can_create_project)
    change_rule = staticmethod(can_change_project)
    delete_rule = staticmethod(can_delete_project)
    list_display = [
        "title",
        "programme",
        "cup",
        "status",
        "lead_organisation",
        "manager",
        "total_cost",
        "planned_end",
        "progress",
    ]
    list_filter = ["status", "programme", "thematic_area", "lead_organisation"]
    search_fields = ["title", "summary", "cup", "rup", "lead_organisation__name"]
    list_select_related = ["programme", "lead_organisation", "manager"]
    autocomplete_fields = [
        "programme",
        "thematic_area",
        "challenges",
        "lead_organisation",
        "manager",
    ]
    add_fieldsets = [
        (None, {"fields": ["programme", "title", "summary", "description"]}),
        (_("Goals"), {"fields": ["thematic_area", "challenges"]}),
        (_("Responsibility"), {"fields": ["lead_organisation", "manager", "rup", "cup"]}),
        (_("Money and time"), {"fields": ["total_cost", "planned_start", "planned_end"]}),
    ]
    fieldsets = [
        *add_fieldsets[:3],
        (
            _("Money and time"),
            {
                "fields": [
                    "total_cost",
                    ("planned_start", "planned_end"),
                    ("actual_start", "actual_end"),
                ]
            },
        ),
        (_("Workflow"), {"fields": ["status", "progress", "workflow"]}),
    ]
    readonly_fields = ["status", "progress", "workflow"]
    # The model's absolute URL is this very page.
    view_on_site = False
    inlines = [ParticipationInline, MilestoneInline, RiskInline, IndicatorInline]
    actions = [
        "submit_for_assessment",
        "return_to_proposer",
        "approve",
        "start",
        "suspend",
        "complete",
        "cancel",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    def get_readonly_fields(self, request, obj=None):
        # Chosen when the project is proposed: project_create makes it take part as lead.
        return [*self.readonly_fields, "lead_organisation"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # A project is cancelled, with its act, not deleted: its history and money stay.
        return False

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj else self.add_fieldsets

    def get_inlines(self, request, obj):
        # The service makes the lead organisation take part; the rest comes once it exists.
        return self.inlines if obj else []

    @admin.display(description=_("progress"), ordering="progress_percent")
    def progress(self, project):
        # get_queryset annotates progress_percent, which progress() reads.
        return format_html("{} %", number_format(project.progress(), decimal_pos=1))

    @admin.display(description=_("workflow history"))
    def workflow(self, project):
        return status_history_html(project, Project.Status)

    @service_action(
        description=_("Send the selected projects to assessment"), rule=can_move_project
    )
    def submit_for_assessment(self, request, project):
        _transition(request, project, Project.Status.UNDER_ASSESSMENT)

    @service_action(
        description=_("Send the selected projects back to the proposer"),
        form_class=TransitionNoteForm,
        rule=can_move_project,
    )
    def return_to_proposer(self, request, project, note):
        _transition(request, project, Project.Status.PROPOSED, note=note)

    @service_action(
        description=_("Approve the selected projects"), form_class=ActForm, rule=can_move_project
    )
    def approve(self, request, project, **act):
        _transition(request, project, Project.Status.APPROVED, **act)

    @service_action(description=_("Start or resume the selected projects"), rule=can_move_project)
    def start(self, request, project):
        _transition(request, project, Project.Status.IN_PROGRESS)

    @service_action(
        description=_("Suspend the selected projects"), form_class=ReasonForm, rule=can_move_project
    )
    def suspend(self, request, project, reason):
        _transition(request, project, Project.Status.SUSPENDED, note=reason)

    @service_action(description=_("Complete the selected projects"), rule=can_move_project)
    def complete(self, request, project):
        _transition(request, project, Project.Status.COMPLETED)

    @service_action(
        description=_("Cancel the selected projects"), form_class=ActForm, rule=can_move_project
    )
    def cancel(self, request, project, **act):
        _transition(request, project, Project.Status.CANCELLED, **act)


@admin.register(ProjectParticipation)
class ProjectParticipationAdmin(RegiaAdmin):
    read_scope = staticmethod(selectors.participations_visible_to)
    change_rule = staticmethod(of_project)
    list_display = ["organisation", "project", "role"]
    list_filter = ["role"]
    search_fields = ["organisation__name", "project__title"]
    list_select_related = ["organisation", "project"]
    autocomplete_fields = ["project", "organisation"]
    form = ParticipationForm

    def get_readonly_fields(self, request, obj=None):
        return ["project", "organisation", "role"] if obj and obj.role == LEAD else []

    def deletion_refusals(self, request, objs) -> list[str]:
        return [
            f"{participation}: {LEAD_STAYS}" for participation in objs if participation.role == LEAD
        ]


class MilestoneStateFilter(DueStateFilter):
    done_field = "completed_on"


@admin.register(Milestone)
class MilestoneAdmin(RegiaHistoryAdmin):
    read_scope = staticmethod(selectors.milestones_visible_to)
    change_rule = staticmethod(of_project)
    list_display = ["title", "project", "due_on", "completed_on", "weight", "is_late"]
    list_filter = [MilestoneStateFilter, "project__programme"]
    search_fields = ["title", "deliverable", "project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    fields = ["project", "title", "description", "due_on", "weight", "deliverable", "completed_on"]
    readonly_fields = ["completed_on"]
    date_hierarchy = "due_on"
    actions = ["complete", "reopen"]

    @admin.display(boolean=True, description=_("late"))
    def is_late(self, milestone):
        return milestone.is_late

    @service_action(description=_("Mark the selected milestones as done today"))
    def complete(self, request, milestone):
        milestone_complete(milestone=milestone, actor=request.user)

    @service_action(description=_("Reopen the selected milestones"))
    def reopen(self, request, milestone):
        milestone_reopen(milestone=milestone, actor=request.user)


class MeasurementInline(RegiaInline):
    model = Measurement
    fields = ["measured_on", "value", "note"]


@admin.register(Indicator)
class IndicatorAdmin(RegiaAdmin):
    read_scope = staticmethod(selectors.indicators_visible_to)
    change_rule = staticmethod(of_project)
    list_display = ["name", "project", "unit", "baseline", "target", "target_on"]
    list_filter = ["project__programme"]
    search_fields = ["name", "unit", "project__title"]
    list_select_related = ["project"]
    autocomplete_fields = ["project"]
    inlines = [MeasurementInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Measurement:
            super().save_formset(request, form, formset, change)
            return
        save_inline_through(
            formset,
            lambda measurement: measurement_record(
                indicator=form.instance,
                measured_on=measurement.measured_on,
                value=measurement.value,
                note=measurement.note,
                actor=request.user,
            ),
        )


@admin.register(Measurement)
class MeasurementAdmin(RegiaAdmin):
    create_service = staticmethod(measurement_record)
    read_scope = staticmethod(selectors.measurements_visible_to)
    change_rule = staticmethod(of_indicator)
    list_display = ["indicator", "measured_on", "value", "note"]
    list_filter = ["indicator__project"]
    search_fields = ["indicator__name", "indicator__project__title", "note"]
    list_select_related = ["indicator"]
    autocomplete_fields = ["indicator"]
    date_hierarchy = "measured_on"


@admin.register(Risk)
class RiskAdmin(RegiaHistoryAdmin):
    read_scope = staticmethod(selectors.risks_visible_to)
    change_rule = staticmethod(of_project)
    list_display = ["title", "project", "likelihood", "impact", "score", "status", "owner"]
    list_filter = ["status", "likelihood", "impact", "project__programme"]
    search_fields = ["title", "description", "mitigation", "project__title"]
    list_select_related = ["project", "owner"]
    autocomplete_fields = ["project", "owner"]

    @admin.display(description=_("score"))
    def score(self, risk):
        return risk.score


class DecisionInline(RegiaInline):
    model = Decision
    autocomplete_fields = ["project", "responsible"]
    fields = ["position", "text", "project", "responsible", "due_on"]
    formfield_overrides = SHORT_TEXT


@admin.register(Meeting)
class MeetingAdmin(RegiaAdmin):
    read_scope = staticmethod(selectors.meetings_visible_to)
    change_rule = staticmethod(of_programme)
    list_display = ["title", "programme", "held_on", "place"]
    list_filter = ["programme"]
    search_fields = ["title", "place", "minutes"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme", "participants"]
    date_hierarchy = "held_on"
    inlines = [DecisionInline]


@admin.register(Decision)
class DecisionAdmin(RegiaAdmin):
    read_scope = staticmethod(selectors.decisions_visible_to)
    change_rule = staticmethod(of_meeting)
    list_display = ["__str__", "meeting", "project", "responsible", "due_on"]
    list_filter = ["meeting__programme"]
    search_fields = ["text", "meeting__title", "project__title", "responsible__name"]
    list_select_related = ["meeting", "project", "responsible"]
    autocomplete_fields = ["meeting", "project", "responsible"]


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdmin):
    read_scope = staticmethod(selectors.status_changes_visible_to)
    list_display = ["created_at", "target_object", "from_label", "to_label", "actor"]
    list_filter = ["content_type", "act_kind"]
    search_fields = ["note", "act_number", "actor__username"]
    list_select_related = ["content_type", "actor"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "target_object",
        "target_name",
        "from_label",
        "to_label",
        "actor",
        "note",
        "act_label",
    ]
    readonly_fields = fields

    @staticmethod
    def _statuses(change):
        return getattr(change.content_type.model_class(), "Status", None)

    @admin.display(description=_("from"), ordering="from_status")
    def from_label(self, change):
        return status_label(self._statuses(change), change.from_status)

    @admin.display(description=_("to"), ordering="to_status")
    def to_label(self, change):
        return status_label(self._statuses(change), change.to_status)

    @admin.display(description=_("object"))
    def target_object(self, change):
        # Kind and number, linked: naming the object itself would cost a query per row.
        opts = change.content_type.model_class()._meta
        return format_html(
            '<a href="{}">{} {}</a>',
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[change.object_id]),
            capfirst(opts.verbose_name),
            change.object_id,
        )

    @admin.display(description=_("name"))
    def target_name(self, change):
        return change.target or "—"

    @admin.display(description=_("authorising act"))
    def act_label(self, change):
        return change.act_label
