"""Forms in Bootstrap Italia's markup, with each message tied to its field for screen readers."""

from django import forms
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
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            widget = self.fields[name].widget
            widget.attrs["aria-describedby"] = " ".join(described)
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class RegiaForm(StyledFormMixin, forms.Form):
    pass


class RegiaModelForm(StyledFormMixin, forms.ModelForm):
    pass
