"""The filters of the partners pages: GET forms, so a filtered list has a link of its own."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RegiaForm
from partners.models import DataSharingCommitment, Organisation


class OrganisationFilterForm(RegiaForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )

    def filter(self, organisations):
        if self.is_valid() and (kind := self.cleaned_data["kind"]):
            organisations = organisations.filter(kind=kind)
        return organisations


class DataSharingFilterForm(RegiaForm):
    organisation = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All partners"),
    )
    dataset = forms.ChoiceField(
        label=_("Dataset category"),
        required=False,
        choices=[("", _("All categories")), *DataSharingCommitment.Dataset.choices],
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the partners that share something: a choice that always gives nothing helps no one.
        self.fields["organisation"].queryset = organisations
        # The full name, as in the register's rows, not the short one of __str__.
        self.fields["organisation"].label_from_instance = lambda organisation: organisation.name

    def filter(self, commitments):
        """The commitments that match the filters; all of them while the filters are invalid."""
        if not self.is_valid():
            return commitments
        if organisation := self.cleaned_data["organisation"]:
            commitments = commitments.filter(organisation=organisation)
        if dataset := self.cleaned_data["dataset"]:
            commitments = commitments.filter(dataset=dataset)
        return commitments
