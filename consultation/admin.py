"""The back office of the consultations: managers edit them, the workflow moves by actions.

Questions and choices are edited inline while nobody has answered; once a consultation has
responses they are read-only (the services refuse the change anyway). Responses and answers
are read-only: they are written by citizens through ``response_submit`` only, and moderated
through the answers' actions.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from consultation import selectors
from consultation.models import Answer, Choice, Consultation, Question, Response
from consultation.permissions import (
    can_change_consultation,
    can_create_consultation,
    can_moderate,
)
from consultation.services import (
    answer_moderate,
    consultation_anonymise,
    consultation_close,
    consultation_create,
    consultation_open,
    consultation_publish_results,
    consultation_update,
)
from core.admin import ReasonForm, RegiaAdmin, RegiaHistoryAdmin, RegiaInline, service_action
from programme.workflow import status_history_html


class _LockedOnceAnswered:
    """Inline rows that nobody adds, changes or deletes once the consultation has answers."""

    def _consultation(self, obj):
        return obj if isinstance(obj, Consultation) else getattr(obj, "consultation", None)

    def _answered(self, obj) -> bool:
        consultation = self._consultation(obj)
        return consultation is not None and consultation.responses.exists()

    def has_add_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_delete_permission(request, obj)


class QuestionInline(_LockedOnceAnswered, RegiaInline):
    model = Question
    fields = ["position", "text", "kind", "required", "min_choices", "max_choices", "max_length"]
    show_change_link = True


class ChoiceInline(_LockedOnceAnswered, RegiaInline):
    model = Choice
    fields = ["position", "label"]


@admin.register(Consultation)
class ConsultationAdmin(RegiaHistoryAdmin):
    read_scope = staticmethod(selectors.consultations_visible_to)
    add_rule = staticmethod(can_create_consultation)
    change_rule = staticmethod(can_change_consultation)
    create_service = staticmethod(consultation_create)
    list_display = ["title", "programme", "status", "audience", "opens_at", "closes_at"]
    list_filter = ["status", "audience", "programme"]
    search_fields = ["title", "slug", "description"]
    list_select_related = ["programme"]
    autocomplete_fields = ["programme", "project"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "anonymised_at", "workflow"]
    filter_horizontal = ["decisions", "changed_projects"]
    inlines = [QuestionInline]
    actions = ["open_consultations", "close_consultations", "publish_results", "anonymise"]

    @staticmethod
    def update_service(consultation, **changes):
        return consultation_update(consultation=consultation, **changes)

    def get_service_fields(self, request, form) -> dict:
        fields = super().get_service_fields(request, form)
        return {k: v for k, v in fields.items() if k not in {"decisions", "changed_projects"}}

    @admin.display(description=_("workflow"))
    def workflow(self, consultation):
        return status_history_html(consultation, Consultation.Status)

    @service_action(description=_("Open the selected consultations"))
    def open_consultations(self, request, consultation):
        consultation_open(consultation=consultation, actor=request.user)

    @service_action(description=_("Close the selected consultations"))
    def close_consultations(self, request, consultation):
        consultation_close(consultation=consultation, actor=request.user)

    @service_action(description=_("Publish the results of the selected consultations"))
    def publish_results(self, request, consultation):
        consultation_publish_results(consultation=consultation, actor=request.user)

    @service_action(description=_("Anonymise the personal data of the selected consultations"))
    def anonymise(self, request, consultation):
        consultation_anonymise(consultation=consultation)


def _consultation_rule(user, obj):
    return can_change_consultation(user, obj.consultation)


@admin.register(Question)
class QuestionAdmin(RegiaAdmin):
    read_scope = staticmethod(
        lambda user: Question.objects.filter(
            consultation__in=selectors.consultations_visible_to(user).values("pk")
        )
    )
    change_rule = staticmethod(_consultation_rule)
    list_display = ["text", "consultation", "position", "kind", "required"]
    list_filter = ["kind"]
    list_select_related = ["consultation"]
    search_fields = ["text"]
    inlines = [ChoiceInline]

    def _answered(self, obj) -> bool:
        return obj is not None and obj.consultation.responses.exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_delete_permission(request, obj)


class _ReadOnlyHistoryAdmin(RegiaHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(_ReadOnlyHistoryAdmin):
    read_scope = staticmethod(
        lambda user: Response.objects.filter(
            consultation__programme__in=selectors.moderated_programmes(user).values("pk")
        )
    )
    list_display = ["pk", "consultation", "submitted_at", "updated_at", "registered"]
    list_filter = ["consultation"]
    list_select_related = ["consultation"]
    # The citizen's account is personal data: it is not displayed, only whether there is one.
    exclude = ["citizen", "receipt_hash"]

    @admin.display(description=_("registered citizen"), boolean=True, ordering="citizen")
    def registered(self, response):
        return response.citizen_id is not None


def _moderation_rule(user, answer):
    return can_moderate(user, answer.question.consultation)


@admin.register(Answer)
class AnswerAdmin(_ReadOnlyHistoryAdmin):
    read_scope = staticmethod(selectors.answers_moderated_by_scope)
    list_display = ["pk", "question", "moderation", "moderated_at", "excerpt"]
    list_filter = ["moderation"]
    list_select_related = ["question"]
    search_fields = ["text"]
    exclude = ["choices"]
    actions = ["approve", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(moderation=Answer.Moderation.NOT_NEEDED)

    @admin.display(description=_("text"), ordering="text")
    def excerpt(self, answer):
        return answer.text[:80]

    # The actions are the moderators': they need no change permission on the page.
    @service_action(
        description=_("Approve the selected answers"), rule=_moderation_rule, permissions=()
    )
    def approve(self, request, answer):
        answer_moderate(answer=answer, moderator=request.user, approve=True)

    @service_action(
        description=_("Reject the selected answers"),
        form_class=ReasonForm,
        rule=_moderation_rule,
        permissions=(),
    )
    def reject(self, request, answer, reason):
        answer_moderate(answer=answer, moderator=request.user, approve=False, reason=reason)
