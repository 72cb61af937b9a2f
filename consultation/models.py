"""Citizens' consultations: questions, responses, answers, moderation of free text and flags.

A response keeps no IP address and no user agent; a registered citizen's link to their
response is personal data, cut by ``consultation_anonymise`` once the retention period has
passed (or by ``citizen_forget``). Free text is public only once a moderator approves it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from programme.models import Decision, PlanPhase, Programme, Project


class Consultation(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        RESULTS_PUBLISHED = "results_published", _("Results published")

    class Audience(models.TextChoices):
        ANYONE = "anyone", _("Anyone, also without an account")
        REGISTERED = "registered", _("Registered citizens only")

    PUBLIC_STATUSES = (Status.OPEN, Status.CLOSED, Status.RESULTS_PUBLISHED)

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    plan_phase = models.ForeignKey(
        PlanPhase,
        verbose_name=_("plan phase"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    audience = models.CharField(
        _("who may answer"), max_length=20, choices=Audience.choices, default=Audience.ANYONE
    )
    retention_days = models.PositiveIntegerField(
        _("retention of personal data (days after closing)"),
        default=365,
        help_text=_(
            "After this many days from closing, the personal data of the responses are anonymised."
        ),
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    outcome = models.TextField(
        _("you said, we did"),
        blank=True,
        help_text=_("What the administration did with the citizens' answers."),
    )
    decisions = models.ManyToManyField(
        Decision, verbose_name=_("linked decisions"), blank=True, related_name="consultations"
    )
    changed_projects = models.ManyToManyField(
        Project,
        verbose_name=_("linked project changes"),
        blank=True,
        related_name="consultation_outcomes",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "slug"],
                name="consultation_unique_slug",
                violation_error_message=_(
                    "This programme already has a consultation with this slug."
                ),
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="consultation_closes_after_opening",
                violation_error_message=_("A consultation must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(plan_phase__isnull=True) | Q(project__isnull=True),
                name="consultation_phase_or_project",
                violation_error_message=_(
                    "A consultation is about a plan phase or a project, not both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(retention_days__gte=1),
                name="consultation_retention_positive",
                violation_error_message=_("The retention period is at least one day."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if (
            self.programme_id
            and self.plan_phase_id
            and self.plan_phase.plan.programme_id != self.programme_id
        ):
            errors["plan_phase"] = ValidationError(
                _("Choose a phase of a plan of this programme."), code="other_programme"
            )
        if self.programme_id and self.project_id and self.project.programme_id != self.programme_id:
            errors["project"] = ValidationError(
                _("Choose a project of this programme."), code="other_programme"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def retention_ends_at(self):
        return self.closes_at + timedelta(days=self.retention_days)

    def is_accepting_answers(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at

    def answer_refusal(self, citizen=None) -> str:
        """Why the consultation refuses an answer from ``citizen`` now; empty when it accepts."""
        now = timezone.now()
        if self.status != self.Status.OPEN or now >= self.closes_at:
            return str(_("The consultation is closed: it no longer accepts answers."))
        if now < self.opens_at:
            return str(_("The consultation has not opened yet."))
        registered = citizen is not None and getattr(citizen, "is_authenticated", False)
        if self.audience == self.Audience.REGISTERED and not registered:
            return str(_("Only registered citizens may answer this consultation: log in first."))
        return ""


class Question(models.Model):
    class Kind(models.TextChoices):
        FREE_TEXT = "free_text", _("Free text")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        SCALE = "scale", _("Scale from 1 to 5")
        RANKING = "ranking", _("Ranking")

    CHOICE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.RANKING)
    SCALE_MIN, SCALE_MAX = 1, 5
    TEXT_LIMIT = 10_000

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=True)
    min_choices = models.PositiveSmallIntegerField(
        _("minimum choices"), null=True, blank=True, help_text=_("Multiple choice only.")
    )
    max_choices = models.PositiveSmallIntegerField(
        _("maximum choices"), null=True, blank=True, help_text=_("Multiple choice only.")
    )
    max_length = models.PositiveIntegerField(
        _("maximum length"), default=2000, help_text=_("Free text only: characters.")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["consultation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"], name="question_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(min_choices__isnull=True)
                | Q(max_choices__isnull=True)
                | Q(min_choices__lte=F("max_choices")),
                name="question_min_choices_within_max",
                violation_error_message=_(
                    "The minimum number of choices cannot exceed the maximum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(max_length__gte=1, max_length__lte=10_000),
                name="question_max_length_range",
                violation_error_message=_("The maximum length is between 1 and 10000 characters."),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self):
        if self.kind != self.Kind.MULTIPLE_CHOICE and (
            self.min_choices is not None or self.max_choices is not None
        ):
            raise ValidationError(
                {
                    "min_choices": ValidationError(
                        _("Minimum and maximum choices apply to multiple-choice questions only."),
                        code="not_multiple",
                    )
                }
            )

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="choice_unique_position"),
        ]

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    """One citizen's answers to one consultation. No IP address, no user agent: ever."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_responses",
    )
    receipt_hash = models.CharField(_("receipt (SHA-256)"), max_length=64, unique=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["consultation", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "citizen"],
                condition=Q(citizen__isnull=False),
                name="response_once_per_citizen",
                violation_error_message=_("This citizen has already answered this consultation."),
            ),
        ]

    def __str__(self) -> str:
        # Never the citizen's name: this string lands in the audit log.
        return _("Response %(number)s to “%(consultation)s”") % {
            "number": self.pk,
            "consultation": self.consultation,
        }


class Answer(models.Model):
    class Moderation(models.TextChoices):
        NOT_NEEDED = "", _("No free text")
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    text = models.TextField(_("text"), blank=True)
    choices = models.ManyToManyField(
        Choice, verbose_name=_("choices"), blank=True, related_name="answers"
    )
    scale = models.PositiveSmallIntegerField(_("scale value"), null=True, blank=True)
    moderation = models.CharField(
        _("moderation"), max_length=20, choices=Moderation.choices, default="", blank=True
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__position"]
        indexes = [models.Index(fields=["question", "moderation"])]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            ),
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=1, scale__lte=5),
                name="answer_scale_1_to_5",
                violation_error_message=_("A scale answer is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=~Q(moderation="rejected") | ~Q(rejection_reason=""),
                name="answer_rejection_has_reason",
                violation_error_message=_("A rejected answer needs the reason for rejecting it."),
            ),
        ]

    def __str__(self) -> str:
        return _("Answer to “%(question)s”") % {"question": self.question}


class RankedChoice(models.Model):
    """A choice's place in a ranking answer: 1 for the first."""

    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="ranking"
    )
    choice = models.ForeignKey(
        Choice, verbose_name=_("choice"), on_delete=models.CASCADE, related_name="ranks"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        verbose_name = _("ranked choice")
        verbose_name_plural = _("ranked choices")
        ordering = ["answer", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "rank"], name="ranked_choice_unique_rank"),
            models.UniqueConstraint(
                fields=["answer", "choice"], name="ranked_choice_unique_choice"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="ranked_choice_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.choice}"


class Flag(models.Model):
    """A citizen's report that a published comment breaks the rules: it goes back to the queue."""

    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="flags"
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "citizen"],
                condition=Q(citizen__isnull=False),
                name="flag_once_per_citizen",
                violation_error_message=_("You have already flagged this comment."),
            ),
        ]

    def __str__(self) -> str:
        return _("Flag on %(answer)s") % {"answer": self.answer}
