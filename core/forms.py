"""Forms in Bootstrap Italia's markup, with each message tied to its field for screen readers."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class RegiaFormRenderer(TemplatesSetting):
    """``{{ form }}`` and ``{{ field.as_field_group }}`` render with templates/forms/."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


_CHECKS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


class StyledFormMixin:
    """Bootstrap Italia's classes on every widget; an invalid field points at its message.

    Django marks an invalid field ``aria-invalid``; ``aria-describedby`` adds the id of the
    message (``<id>_error``, rendered by templates/forms/field.html) to the help text's.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, _CHECKS):
                css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else ""
            elif isinstance(widget, forms.Select):
                css = ""
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        self._describe_errors()

    def add_service_error(
        self, error: ValidationError, fields_by_code: dict[str, str] | None = None
    ) -> None:
        """A service's refusal on the form: each message on the field it names (or that its
        code points at, through ``fields_by_code``) when the form has it, the rest on top."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            for single in error.error_list:
                name = (fields_by_code or {}).get(single.code)
                self.add_error(name if name in self.fields else None, single)
        self._describe_errors()

    def _describe_errors(self) -> None:
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            widget = self.fields[name].widget
            widget.attrs["aria-describedby"] = " ".join(described)
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class RegiaForm(StyledFormMixin, forms.Form):
    pass


class RegiaModelForm(StyledFormMixin, forms.ModelForm):
    pass


HONEYPOT_FIELD = "website"


class HoneypotMixin:
    """A field people never see and bots fill in: filled, the form is invalid and says only
    that it could not be sent, so nothing is saved and a bot learns nothing.

    Put it first: ``class AnswerForm(HoneypotMixin, RegiaForm)``. The field is hidden by the
    ``visually-hidden`` class of its wrapper (templates/forms/honeypot.html), out of the tab
    order and of autofill; a screen reader reads its label, which says to leave it empty.
    """

    honeypot_field = HONEYPOT_FIELD

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_field] = forms.CharField(
            label=_("Leave this field empty (it is a check against automated spam)"),
            required=False,
            max_length=200,
            template_name="forms/honeypot.html",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get(self.honeypot_field):
            raise ValidationError(
                _("The form could not be sent. Please try again."), code="honeypot"
            )
        return cleaned

    @property
    def honeypot_tripped(self) -> bool:
        return any(error.code == "honeypot" for error in self.non_field_errors().as_data())
