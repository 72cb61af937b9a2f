"""Forms in Bootstrap Italia's markup, with each message tied to its field for screen readers."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


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
