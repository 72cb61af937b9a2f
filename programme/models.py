from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel, YearField
from core.money import ZERO, MoneyField
from core.validators import CUP_PATTERN, validate_cup
from partners.models import Organisation


class Programme(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="programme_ends_after_start",
                violation_error_message=_("A programme cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgrammeAssignment(TimeStampedModel):
    """Who acts on which programme, and as what: how one installation serves many municipalities."""

    class Role(models.TextChoices):
        PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
        COUNCIL_MEMBER = "council_member", _("Council member")
        MODERATOR = "moderator", _("Moderator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="programme_assignments",
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("programme assignment")
        verbose_name_plural = _("programme assignments")
        ordering = ["programme__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "role"], name="assignment_once_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.programme} ({self.get_role_display()})"


class ThematicArea(models.Model):
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="thematic_areas",
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")
        ordering = ["programme", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="thematic_area_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Challenge(models.Model):
    """A weak point the administration declares it wants to act on."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="challenges"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("weak point")
        verbose_name_plural = _("weak points")
        ordering = ["programme", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="challenge_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Plan(TimeStampedModel):
    """A multi-year plan, such as Prato's three-year Situation Room plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="plans"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_year = YearField(_("first year"))
    end_year = YearField(_("last year"))
    dup_period = models.CharField(
        _("DUP period"),
        max_length=20,
        blank=True,
        help_text=_("The Documento Unico di Programmazione period it is tied to, e.g. 2019–2021."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["programme", "-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="plan_end_year_after_start",
                violation_error_message=_("A plan's last year cannot come before its first."),
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=2000, start_year__lte=2100),
                name="plan_start_year_plausible",
                violation_error_message=_("A plan's first year must be between 2000 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}–{self.end_year})"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class PlanPhase(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("plan phase")
        verbose_name_plural = _("plan phases")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="plan_phase_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class PlanAction(models.Model):
    """What a plan's phase does in one of its years, and the projects that carry it out."""

    phase = models.ForeignKey(
        PlanPhase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="actions"
    )
    year = YearField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    thematic_area = models.ForeignKey(
        ThematicArea,
        verbose_name=_("thematic area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_actions",
    )
    projects = models.ManyToManyField(
        "Project", verbose_name=_("projects"), blank=True, related_name="plan_actions"
    )

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["phase", "year", "pk"]

    def __str__(self) -> str:
        return f"{self.year} — {self.title}"

    def clean(self):
        plan = self.phase.plan if self.phase_id else None
        if plan and self.year not in plan.years:
            raise ValidationError(
                {
                    "year": _("The year must fall within the plan (%(start)s–%(end)s).")
                    % {"start": plan.start_year, "end": plan.end_year}
                }
            )


# A share from 0.0 to 100.0.
PERCENT = models.DecimalField(max_digits=4, decimal_places=1)


class ProjectQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status__in=Project.CLOSED_STATUSES)

    def public(self):
        return self.filter(
            programme__status=Programme.Status.PUBLISHED, status__in=Project.PUBLIC_STATUSES
        )

    def with_progress(self):
        """Annotate ``progress_percent``, the figure of ``Project.progress()``, in one query."""
        percent = (
            Milestone.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(
                percent=Round(
                    Cast(
                        Sum("weight", filter=Q(completed_on__isnull=False), default=0)
                        * Value(100.0)
                        / Sum("weight"),
                        output_field=PERCENT,
                    ),
                    precision=1,
                )
            )
            .values("percent")
        )
        return self.annotate(
            progress_percent=Coalesce(Subquery(percent), Value(Decimal(0)), output_field=PERCENT)
        )


class Project(TimeStampedModel):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
        APPROVED = "approved", _("Approved")
        IN_PROGRESS = "in_progress", _("In progress")
        SUSPENDED = "suspended", _("Suspended")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    CLOSED_STATUSES = (Status.COMPLETED, Status.CANCELLED)
    # From approval on, a project is public and must carry its CUP.
    PUBLIC_STATUSES = (Status.APPROVED, Status.IN_PROGRESS, Status.SUSPENDED, Status.COMPLETED)

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    thematic_area = models.ForeignKey(
        ThematicArea,
        verbose_name=_("thematic area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    challenges = models.ManyToManyField(
        Challenge, verbose_name=_("weak points addressed"), blank=True, related_name="projects"
    )
    cup = models.CharField(
        _("CUP"),
        max_length=15,
        blank=True,
        validators=[validate_cup],
        help_text=_("Codice Unico di Progetto; required from approval on."),
    )
    rup = models.CharField(
        _("RUP"),
        max_length=150,
        blank=True,
        help_text=_("Responsabile unico del progetto: the official answerable for it."),
    )
    total_cost = MoneyField(_("total cost (EUR)"), default=ZERO)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="ProjectParticipation",
        verbose_name=_("participating organisations"),
        related_name="projects",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_projects",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["programme", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_cost__gte=0),
                name="project_total_cost_not_negative",
                violation_error_message=_("A project's total cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="project_planned_end_after_start",
                violation_error_message=_("A project cannot be planned to end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="project_actual_end_after_start",
                violation_error_message=_("A project cannot have ended before it started."),
            ),
            models.UniqueConstraint(
                fields=["cup"],
                condition=~Q(cup=""),
                name="project_cup_unique",
                violation_error_message=_("Another project already has this CUP."),
            ),
            models.CheckConstraint(
                condition=Q(cup="") | Q(cup__regex=CUP_PATTERN),
                name="project_cup_format",
                violation_error_message=_(
                    "A CUP has 15 characters: a letter, two digits, a letter and eleven digits."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(cup="") | Q(status__in=["proposed", "under_assessment", "cancelled"]),
                name="project_cup_required_from_approval",
                violation_error_message=_("A project needs its CUP from approval on."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def progress(self) -> Decimal:
        """Share of the milestones' weight that is done, 0–100 with one decimal."""
        percent = getattr(self, "progress_percent", None)
        if percent is None:
            percent = type(self).objects.with_progress().get(pk=self.pk).progress_percent
        # SQLite hands back the unrounded quotient's digits; PostgreSQL already has one place.
        return percent.quantize(Decimal("0.1"))


class ProjectParticipation(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTNER = "partner", _("Partner")
        CO_FINANCER = "co_financer", _("Co-financer")
        DATA_PROVIDER = "data_provider", _("Data provider")
        TECHNOLOGY_PROVIDER = "technology_provider", _("Technology provider")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("participating organisation")
        verbose_name_plural = _("participating organisations")
        ordering = ["project", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="participation_once_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_role_display()}"


class Milestone(TimeStampedModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("Its share of the project's progress.")
    )
    deliverable = models.CharField(_("deliverable"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="milestone_weight_positive",
                violation_error_message=_("A milestone's weight must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.completed_on is not None

    @property
    def is_late(self) -> bool:
        return self.completed_on is None and self.due_on < timezone.localdate()


class Indicator(TimeStampedModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4)
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4)
    target_on = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="indicator_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Measurement(models.Model):
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator", "measured_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"], name="measurement_once_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {number_format(self.value)} ({date_format(self.measured_on)})"


class Risk(TimeStampedModel):
    class Level(models.IntegerChoices):
        VERY_LOW = 1, _("Very low")
        LOW = 2, _("Low")
        MEDIUM = 3, _("Medium")
        HIGH = 4, _("High")
        VERY_HIGH = 5, _("Very high")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MITIGATED = "mitigated", _("Mitigated")
        OCCURRED = "occurred", _("Occurred")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="risks"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=Level.choices)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Level.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_risks",
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["project", "-likelihood", "-impact"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5),
                name="risk_likelihood_1_to_5",
                violation_error_message=_("Likelihood goes from 1 (very low) to 5 (very high)."),
            ),
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=5),
                name="risk_impact_1_to_5",
                violation_error_message=_("Impact goes from 1 (very low) to 5 (very high)."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class Meeting(TimeStampedModel):
    """A meeting of a programme's working group, such as Prato's Smart Living Lab."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    participants = models.ManyToManyField(
        Organisation, verbose_name=_("participants"), blank=True, related_name="meetings"
    )

    class Meta:
        verbose_name = _("working-group meeting")
        verbose_name_plural = _("working-group meetings")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.title} ({date_format(self.held_on)})"


class Decision(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    project = models.ForeignKey(
        Project,
        verbose_name=_("project concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    responsible = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class AuthorisingAct(models.TextChoices):
    GIUNTA = "delibera_giunta", _("Delibera di Giunta")
    CONSIGLIO = "delibera_consiglio", _("Delibera di Consiglio")
    DETERMINA = "determina", _("Determina dirigenziale")


class StatusChange(models.Model):
    """One workflow step a user sees: from, to, who, when, why, and the act that authorised it.

    Shared by every workflow (projects, commitments), hence the generic target.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(_("from"), max_length=30)
    to_status = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="status_changes",
    )
    note = models.TextField(_("note"), blank=True)
    act_kind = models.CharField(
        _("authorising act"), max_length=30, choices=AuthorisingAct.choices, blank=True
    )
    act_number = models.CharField(_("act number"), max_length=40, blank=True)
    act_date = models.DateField(_("act date"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(act_kind="", act_number="", act_date__isnull=True)
                | (~Q(act_kind="") & ~Q(act_number="") & Q(act_date__isnull=False)),
                name="status_change_act_complete_or_absent",
                violation_error_message=_("An authorising act needs its kind, number and date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def act_label(self) -> str:
        if not self.act_kind:
            return ""
        return _("%(kind)s no. %(number)s of %(date)s") % {
            "kind": self.get_act_kind_display(),
            "number": self.act_number,
            "date": date_format(self.act_date),
        }


class ProjectUserObjectPermission(UserObjectPermissionBase):
    """Object permissions on a project for one user (its project manager), by direct FK."""

    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class ProjectGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)
