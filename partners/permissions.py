"""Who may do what with partners' objects (the rows of docs/permissions.md).

Each predicate answers a ``Allowed``: truthy when allowed, and when not, it says why. Reading
is decided by the selectors (``*_visible_to``); these predicates decide the writes. A
``can_create_*`` predicate asked about ``None`` says whether the user may create any such
object at all.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.permissions import Allowed
from partners.models import Agreement, DataSharingCommitment, Membership, Obligation, Organisation
from partners.selectors import agreements_visible_to, manages_partners, user_organisations

ONLY_MANAGERS = _("Only programme managers and administrators do this.")
ONLY_ADMINISTRATORS = _("Only an administrator deletes this.")


def _managers_only(user) -> Allowed:
    return Allowed.yes() if manages_partners(user) else Allowed.no(ONLY_MANAGERS)


def _administrators_only(user) -> Allowed:
    if user.is_authenticated and user.is_superuser:
        return Allowed.yes()
    return Allowed.no(ONLY_ADMINISTRATORS)


def _represents(user, organisation_id: int | None) -> bool:
    return (
        organisation_id is not None and user_organisations(user).filter(pk=organisation_id).exists()
    )


def can_view_agreement_document(user, agreement: Agreement) -> Allowed:
    """Who may read an agreement may read its signed document."""
    if not user.is_authenticated:
        return Allowed.no(_("Log in to read agreement documents."))
    if agreements_visible_to(user).filter(pk=agreement.pk).exists():
        return Allowed.yes()
    return Allowed.no(
        _("Only the signatories and the staff in charge of agreements read this document.")
    )


def can_create_organisation(user, organisation: Organisation | None) -> Allowed:
    return _managers_only(user)


def can_change_organisation(user, organisation: Organisation) -> Allowed:
    if manages_partners(user) or _represents(user, organisation.pk):
        return Allowed.yes()
    return Allowed.no(_("You may change only the organisation you belong to."))


def can_change_organisation_standing(user, organisation: Organisation) -> Allowed:
    """An organisation's kind and whether it is active are the register keepers' to decide."""
    if manages_partners(user):
        return Allowed.yes()
    return Allowed.no(
        _("Only programme managers and administrators change an organisation's kind or status.")
    )


def can_delete_organisation(user, organisation: Organisation) -> Allowed:
    return _administrators_only(user)


def can_create_membership(user, membership: Membership | None) -> Allowed:
    return _managers_only(user)


def can_change_membership(user, membership: Membership) -> Allowed:
    return _managers_only(user)


def can_end_membership(user, membership: Membership) -> Allowed:
    return _managers_only(user)


def can_delete_membership(user, membership: Membership) -> Allowed:
    return _administrators_only(user)


def can_create_agreement(user, agreement: Agreement | None) -> Allowed:
    return _managers_only(user)


def can_change_agreement(user, agreement: Agreement) -> Allowed:
    return _managers_only(user)


def can_delete_agreement(user, agreement: Agreement) -> Allowed:
    return _administrators_only(user)


def can_create_obligation(user, obligation: Obligation | None) -> Allowed:
    return _managers_only(user)


def can_change_obligation(user, obligation: Obligation) -> Allowed:
    return _managers_only(user)


def can_fulfil_obligation(user, obligation: Obligation) -> Allowed:
    return _managers_only(user)


def can_delete_obligation(user, obligation: Obligation) -> Allowed:
    return _managers_only(user)


def can_create_data_sharing_commitment(user, commitment: DataSharingCommitment | None) -> Allowed:
    """Managers register any partner's data sharing; a partner registers its own."""
    if manages_partners(user):
        return Allowed.yes()
    if commitment is None:
        if user_organisations(user).exists():
            return Allowed.yes()
    elif _represents(user, commitment.organisation_id):
        return Allowed.yes()
    return Allowed.no(_("You may register data sharing only for your own organisation."))


def can_change_data_sharing_commitment(user, commitment: DataSharingCommitment) -> Allowed:
    if manages_partners(user) or _represents(user, commitment.organisation_id):
        return Allowed.yes()
    return Allowed.no(_("You may change only your own organisation's data sharing."))


def can_delete_data_sharing_commitment(user, commitment: DataSharingCommitment) -> Allowed:
    return _managers_only(user)
