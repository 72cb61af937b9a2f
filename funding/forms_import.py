"""The import form: which kind of records, and the file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RegiaForm
from funding.models import ImportBatch


class ImportForm(RegiaForm):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=ImportBatch.Kind.choices,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8, “;” or “,” between cells) or XLSX; the first row holds the headers."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
