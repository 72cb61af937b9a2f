"""The forms with which managers and project managers create and edit the programme's objects.

A form only collects and checks the input: the views pass ``cleaned_data`` to the services
(``programme.services``), which hold the rules and save. Each form offers in its selects only
what its reader may use, so a choice outside their scope is refused as invalid.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import RegiaModelForm
from partners.models import Organisation
from partners.selectors import organisations_visible_to, user_organisations
from programme.models import (
    Challenge,
    Indicator,
    Measurement,
    Milestone,
    Plan,
    PlanAction,
    PlanPhase,
    Programme,
    Project,
    Risk,
    ThematicArea,
)
from programme.selectors import managed_programmes, projects_visible_to


class DateInput(forms.DateInput):
    """The browser's date picker; its value is always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Bootstrap Italia's checkboxes: the input, then its label (not nested in it)."""

    option_template_name = "programme/widgets/checkbox_option_form.html"


def _localise(form, *names: str) -> None:
    """Numbers as the reader writes them: “1.234,56” in Italian, with a text input."""
    for name in names:
        field = form.fields[name]
        field.localize = True
        css = field.widget.attrs.get("class", "")
        field.widget = forms.TextInput(attrs={"class": css, "inputmode": "decimal"})
        field.widget.is_localized = True


def _end_not_before_start(form, start: str, end: str, message) -> None:
    """The model's constraint, said on the end field where the reader can fix it."""
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, message)


def people_of(*organisations, also=()):
    """Active users with a current membership of one of ``organisations``, and the users in
    ``also`` (those already chosen, whatever their membership now, so that saving an unrelated
    field never drops them): who may be a project's manager or a risk's owner."""
    members = Q(
        memberships__organisation__in=[o.pk for o in organisations if o is not None],
        memberships__ended_on__isnull=True,
        is_active=True,
    )
    chosen = [pk for pk in also if pk is not None]
    if chosen:
        members |= Q(pk__in=chosen)
    return (
        get_user_model()
        .objects.filter(members)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.get_username()})" if full_name else obj.get_username()


class ProgrammeForm(RegiaModelForm):
    """A programme; its owner is chosen once, among the organisations the reader works for."""

    class Meta:
        model = Programme
        fields = ["name", "slug", "owner", "summary", "description", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {
            "slug": _("The programme's address in Regia: lower-case letters, digits and hyphens."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["owner"]
            if self.instance.status == Programme.Status.PUBLISHED:
                # Its public pages and open data are linked from outside by this address.
                self.fields["slug"].disabled = True
                self.fields["slug"].help_text = _(
                    "A published programme keeps its address: its public pages and open data "
                    "are linked from elsewhere."
                )
        else:
            owners = Organisation.objects.all() if user.is_superuser else user_organisations(user)
            self.fields["owner"].queryset = owners.order_by("name")
            if owners.count() == 1:
                self.fields["owner"].initial = owners.get().pk

    def clean(self):
        cleaned = super().clean()
        _end_not_before_start(
            self, "starts_on", "ends_on", _("A programme cannot end before it starts.")
        )
        return cleaned


class PlanForm(RegiaModelForm):
    class Meta:
        model = Plan
        fields = ["title", "description", "start_year", "end_year", "dup_period"]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("start_year"), cleaned.get("end_year")
        if first and last and int(last) < int(first):
            self.add_error("end_year", _("A plan's last year cannot come before its first."))
        return cleaned


class PlanPhaseForm(RegiaModelForm):
    class Meta:
        model = PlanPhase
        fields = ["name", "description", "position"]
        help_texts = {"position": _("Phases are listed by this number, smallest first.")}

    def __init__(self, *args, plan: Plan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = self.plan.phases.exclude(pk=self.instance.pk)
        if others.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("The plan already has a phase with this name."))
        return name


class PlanActionForm(RegiaModelForm):
    """What a phase does in one year of its plan, with the projects of the same programme."""

    class Meta:
        model = PlanAction
        fields = ["year", "title", "description", "thematic_area", "projects"]
        widgets = {"projects": CheckboxSelectMultiple()}

    def __init__(self, *args, phase: PlanPhase, user, **kwargs):
        self.phase = phase
        super().__init__(*args, **kwargs)
        plan = phase.plan
        year = self.fields["year"]
        year.choices = [(y, str(y)) for y in plan.years]
        year.error_messages["invalid_choice"] = _(
            "The year must fall within the plan (%(start)s–%(end)s)."
        ) % {"start": plan.start_year, "end": plan.end_year}
        if not self.instance.pk:
            year.initial = plan.start_year
        self.fields["thematic_area"].queryset = ThematicArea.objects.filter(
            programme=plan.programme_id
        )
        self.fields["projects"].queryset = (
            projects_visible_to(user).filter(programme=plan.programme_id).order_by("title")
        )


class ProjectForm(RegiaModelForm):
    """A project: proposed in one of the reader's programmes, then kept up to date.

    The programme and the lead organisation are chosen when the project is proposed and stay;
    the manager is offered only to who may choose it (``manager_choice``).
    """

    manager = PersonChoiceField(
        label=capfirst(Project._meta.get_field("manager").verbose_name),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("They may then edit the project, its milestones, indicators and risks."),
    )

    class Meta:
        model = Project
        fields = [
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
            "manager",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        ]
        widgets = {
            "challenges": CheckboxSelectMultiple(),
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
        }

    def __init__(self, *args, user, programme: Programme | None = None, manager_choice=True, **kw):
        super().__init__(*args, **kw)
        editing = self.instance.pk is not None
        if editing:
            programme = self.instance.programme
            del self.fields["programme"], self.fields["lead_organisation"]
            self.fields["manager"].initial = self.instance.manager_id
        else:
            del self.fields["actual_start"], self.fields["actual_end"]
            programmes = managed_programmes(user).order_by("name")
            self.fields["programme"].queryset = programmes
            if programme is None and len(programmes) == 1:
                programme = programmes[0]
            if programme is not None:
                self.fields["programme"].initial = programme.pk
            self.fields["lead_organisation"].queryset = organisations_visible_to(user).order_by(
                "name"
            )
            if programme is not None:
                self.fields["lead_organisation"].initial = programme.owner_id
        # Areas and weak points of the programme; before it is chosen, of all the reader's
        # (the service refuses those of another programme, on their field).
        scope = (
            Q(programme=programme.pk)
            if programme is not None
            else Q(programme__in=managed_programmes(user).values("pk"))
        )
        several = programme is None
        for name, model in (("thematic_area", ThematicArea), ("challenges", Challenge)):
            field = self.fields[name]
            field.queryset = model.objects.filter(scope).select_related("programme")
            if several:
                field.label_from_instance = lambda obj: f"{obj.name} ({obj.programme.name})"
        if manager_choice:
            organisations = [programme.owner] if programme is not None else []
            if programme is None:
                organisations += list(
                    Organisation.objects.filter(
                        programmes__in=managed_programmes(user).values("pk")
                    )
                )
            if editing:
                organisations += list(self.instance.organisations.all())
            self.fields["manager"].queryset = people_of(
                *organisations, also=(self.instance.manager_id,)
            )
        else:
            del self.fields["manager"]
        self.fields["cup"].widget.attrs.update({"maxlength": 15, "autocapitalize": "characters"})
        self.fields["total_cost"].validators.append(
            MinValueValidator(0, message=_("A project's total cost cannot be negative."))
        )
        _localise(self, "total_cost")

    def clean_cup(self):
        return self.cleaned_data["cup"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        _end_not_before_start(
            self,
            "planned_start",
            "planned_end",
            _("A project cannot be planned to end before it starts."),
        )
        if "actual_start" in self.fields:
            _end_not_before_start(
                self,
                "actual_start",
                "actual_end",
                _("A project cannot have ended before it started."),
            )
        return cleaned


class MilestoneForm(RegiaModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "description", "due_on", "weight", "deliverable"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        weight = self.fields["weight"]
        weight.min_value = 1
        weight.widget.attrs["min"] = 1
        weight.validators.append(
            MinValueValidator(1, message=_("A milestone's weight must be at least 1."))
        )


class IndicatorForm(RegiaModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "baseline_on", "target", "target_on"]
        widgets = {"baseline_on": DateInput(), "target_on": DateInput()}

    def __init__(self, *args, project: Project, **kwargs):
        self.project = project
        super().__init__(*args, **kwargs)
        _localise(self, "baseline", "target")

    def clean_name(self):
        name = self.cleaned_data["name"]
        others = self.project.indicators.exclude(pk=self.instance.pk)
        if others.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("The project already has an indicator with this name."))
        return name


class MeasurementForm(RegiaModelForm):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value", "note"]
        widgets = {"measured_on": DateInput()}

    def __init__(self, *args, indicator: Indicator, **kwargs):
        self.indicator = indicator
        super().__init__(*args, **kwargs)
        self.fields["value"].help_text = _("In %(unit)s.") % {"unit": indicator.unit}
        _localise(self, "value")

    def clean_measured_on(self):
        measured_on = self.cleaned_data["measured_on"]
        if self.indicator.measurements.filter(measured_on=measured_on).exists():
            raise forms.ValidationError(_("This indicator already has a measurement on that day."))
        return measured_on


class RiskForm(RegiaModelForm):
    """A risk of a project; its owner is one of the people of the project's organisations."""

    owner = PersonChoiceField(
        label=capfirst(Risk._meta.get_field("owner").verbose_name),
        queryset=get_user_model().objects.none(),
        required=False,
    )

    class Meta:
        model = Risk
        fields = ["title", "description", "likelihood", "impact", "owner", "mitigation", "status"]

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_of(
            project.programme.owner,
            *project.organisations.all(),
            also=(project.manager_id, self.instance.owner_id),
        )
