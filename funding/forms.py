"""The forms of the partner portal and of the finance office's verification.

A form only collects and checks the input: the views pass ``cleaned_data`` to the services
(``funding.services``), which hold the rules and save. Each select offers only what its
reader may use, so a choice outside their scope is refused as invalid.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import RegiaForm, RegiaModelForm
from funding.models import Commitment
from partners.models import Membership, Organisation
from partners.selectors import current_memberships
from programme.models import PlanAction, Project
from programme.selectors import managed_programmes, plan_actions_visible_to, projects_visible_to

ANY = pgettext_lazy("filter", "Any")


class DateInput(forms.DateInput):
    """The browser's date picker; its value is always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _localise(field: forms.Field) -> None:
    """An amount as the reader writes it: “1.234,56” in Italian, in a text input."""
    field.localize = True
    css = field.widget.attrs.get("class", "")
    field.widget = forms.TextInput(attrs={"class": css, "inputmode": "decimal"})
    field.widget.is_localized = True


class TargetChoiceField(forms.ModelChoiceField):
    """A project or plan action, named with its programme: two municipalities may share a
    title."""

    def label_from_instance(self, obj) -> str:
        if isinstance(obj, Project):
            return f"{obj.title} — {obj.programme.name}"
        return f"{obj} — {obj.phase.plan.programme.name}"


def pledging_organisations(user):
    """The organisations the user may pledge for: those it represents; for a programme
    manager, also the partners taking part in their programmes' projects."""
    if user.is_superuser:
        return Organisation.objects.all()
    represented = Q(
        pk__in=current_memberships(user)
        .filter(role=Membership.Role.REPRESENTATIVE)
        .values("organisation_id")
    )
    partners_of_managed = Q(
        participations__project__programme__in=managed_programmes(user).values("pk")
    )
    return Organisation.objects.filter(represented | partners_of_managed).distinct()


class CommitmentForm(RegiaModelForm):
    """A pledge: who pledges, for which project or plan action (exactly one), how much."""

    project = TargetChoiceField(label=_("project"), queryset=Project.objects.none(), required=False)
    plan_action = TargetChoiceField(
        label=_("plan action"),
        queryset=PlanAction.objects.none(),
        required=False,
        help_text=_("Choose either a project or a plan action, not both."),
    )

    class Meta:
        model = Commitment
        fields = [
            "organisation",
            "project",
            "plan_action",
            "year",
            "kind",
            "amount",
            "subject_to_budget_availability",
            "description",
            "external_reference",
        ]
        labels = {
            "subject_to_budget_availability": _(
                "Compatibly with the partner's own budget availability"
            ),
            "amount": _("amount (EUR)"),
        }
        help_texts = {
            "subject_to_budget_availability": _(
                "Tick it when the pledge holds only as far as the partner's budget allows, as "
                "the agreement says (“compatibilmente con le proprie disponibilità di "
                "bilancio”)."
            ),
            "amount": _("In euros, for example 12.500,00."),
            "external_reference": _(
                "The partner's own code for this commitment, if it has one: "
                "the same reference cannot be used twice."
            ),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Who pledges stays: only the terms of the pledge change.
            del self.fields["organisation"]
        else:
            organisations = pledging_organisations(user).order_by("name")
            self.fields["organisation"].queryset = organisations
            if len(organisations) == 1:
                self.fields["organisation"].initial = organisations[0].pk
        self.fields["project"].queryset = (
            projects_visible_to(user)
            .exclude(status__in=Project.CLOSED_STATUSES)
            .select_related("programme")
            .order_by("programme__name", "title")
        )
        self.fields["plan_action"].queryset = plan_actions_visible_to(user).select_related(
            "phase__plan__programme"
        )
        _localise(self.fields["amount"])

    def clean(self):
        cleaned = super().clean()
        one_target = bool(cleaned.get("project")) != bool(cleaned.get("plan_action"))
        if not one_target and not {"project", "plan_action"} & set(self.errors):
            self.add_error(
                "project", _("Choose the project or the plan action it co-finances (one).")
            )
        return cleaned

    def _post_clean(self):
        # The services validate the whole commitment (its status included) when saving.
        pass


class ConfirmForm(RegiaForm):
    act_reference = forms.CharField(
        label=_("partner's budget act"),
        max_length=200,
        required=False,
        help_text=_(
            "The partner's own act that backs the commitment, for example "
            "“Delibera CdA n. 14 del 3 aprile 2026”."
        ),
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(RegiaForm):
    withdrawal_reason = forms.CharField(
        label=_("reason for withdrawal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone who reads the commitment in full will read it."),
    )


class DisbursementForm(RegiaForm):
    amount = forms.DecimalField(
        label=_("amount (EUR)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("In euros, for example 12.500,00."),
    )
    disbursed_on = forms.DateField(label=_("disbursed on"), widget=DateInput())
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(
        label=_("evidence"),
        help_text=_(
            "The documentation of the payment or of the spending: a PDF, PNG or JPEG file."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _localise(self.fields["amount"])


class RejectForm(RegiaForm):
    rejection_reason = forms.CharField(
        label=_("reason for rejection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partner reads it, and may declare the disbursement again."),
    )


class CommitmentFilterForm(RegiaForm):
    """Narrow the commitments by year, status and (for who sees several) organisation."""

    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("status"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("partner"), queryset=Organisation.objects.none(), required=False, empty_label=ANY
    )

    def __init__(self, *args, commitments, **kwargs):
        super().__init__(*args, **kwargs)
        years = commitments.order_by("-year").values_list("year", flat=True).distinct()
        self.fields["year"].choices = [("", ANY)] + [(y, str(y)) for y in years]
        self.fields["status"].choices = [("", ANY), *Commitment.Status.choices]
        organisations = Organisation.objects.filter(
            pk__in=commitments.values("organisation_id")
        ).order_by("name")
        self.fields["organisation"].queryset = organisations
        self.several_organisations = organisations.count() > 1
        if not self.several_organisations:
            del self.fields["organisation"]

    def filter(self, commitments):
        if not self.is_bound or not self.is_valid():
            return commitments
        data = self.cleaned_data
        if data.get("year"):
            commitments = commitments.filter(year=data["year"])
        if data.get("status"):
            commitments = commitments.filter(status=data["status"])
        if data.get("organisation"):
            commitments = commitments.filter(organisation=data["organisation"])
        return commitments
