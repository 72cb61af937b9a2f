"""Forms of the workflow actions: a project's step, with its note and authorising act."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import RegiaForm
from programme.models import AuthorisingAct, Project
from programme.services import PROJECT_TRANSITIONS
from programme.workflow import Act

ACT_FIELDS = ("act_kind", "act_number", "act_date")


class ProjectTransitionForm(RegiaForm):
    """The next status, a note, and the act that authorises the step.

    Which steps need an act, a note or the CUP is the transition service's rule: the view shows
    its refusals on this form. Here only an act given in part is refused, field by field.
    """

    to = forms.ChoiceField(
        label=_("New status"),
        error_messages={
            "invalid_choice": _("The project cannot move to this status from where it is now.")
        },
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the project takes this step; required for a suspension."),
    )
    act_kind = forms.ChoiceField(
        label=_("Kind of act"),
        required=False,
        choices=[("", _("— none —")), *AuthorisingAct.choices],
    )
    act_number = forms.CharField(label=_("Act number"), required=False, max_length=40)
    act_date = forms.DateField(
        label=_("Act date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["to"].choices = [
            (status, Project.Status(status).label)
            for status in PROJECT_TRANSITIONS.get(project.status, ())
        ]

    def clean(self):
        cleaned = super().clean()
        given = {name: cleaned.get(name) for name in ACT_FIELDS}
        cleaned["act"] = None
        if not any(given.values()):
            return cleaned
        missing = {
            "act_kind": _("Choose the kind of act."),
            "act_number": _("Give the act's number."),
            "act_date": _("Give the act's date."),
        }
        for name, message in missing.items():
            if not given[name] and name not in self.errors:
                self.add_error(name, message)
        if all(given.values()):
            try:
                cleaned["act"] = Act(
                    kind=given["act_kind"],
                    number=given["act_number"].strip(),
                    date=given["act_date"],
                )
            except ValidationError as error:
                field = "act_date" if error.code == "act_date" else None
                self.add_error(field, error)
        return cleaned
