from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        # Commitments' workflow steps join the status-change feed, with their visibility.
        from funding.models import Commitment
        from funding.selectors import commitments_visible_to
        from programme.selectors import WORKFLOW_SELECTORS

        WORKFLOW_SELECTORS[Commitment] = commitments_visible_to
