"""Who may do what with partners' objects.

Each predicate answers a ``Allowed``: truthy when allowed, and when not, it says why.
"""

from django.utils.translation import gettext_lazy as _

from core.permissions import Allowed
from partners.models import Agreement


def can_view_agreement_document(user, agreement: Agreement) -> Allowed:
    if not user.is_authenticated:
        return Allowed.no(_("Log in to read agreement documents."))
    if user.is_superuser or user.has_perm("partners.view_agreement"):
        return Allowed.yes()
    is_signatory = agreement.signatories.filter(
        organisation__memberships__user=user,
        organisation__memberships__ended_on__isnull=True,
    ).exists()
    if is_signatory:
        return Allowed.yes()
    return Allowed.no(
        _("Only the signatories and the staff in charge of agreements read this document.")
    )
