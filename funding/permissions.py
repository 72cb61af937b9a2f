"""Who may change the money (docs/permissions.md); reading is decided by funding.selectors.

Each predicate answers an ``Allowed``: truthy when allowed, and when not, it says why. Money
belongs to the programme managers of its programme; a partner's commitments belong to the
partner's group (object permissions granted by the pledge), so they end with the membership.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import get_objects_for_user

from core.permissions import Allowed
from funding.models import Allocation, Commitment, Contract, Disbursement, FundSource, Transaction
from partners.models import Organisation
from partners.selectors import current_memberships
from programme.selectors import managed_programmes

NOT_MANAGER = _("Only the programme's managers may do this.")


def _manages(user, programme_id: int | None) -> bool:
    if not user.is_authenticated or programme_id is None:
        return False
    return user.is_superuser or managed_programmes(user).filter(pk=programme_id).exists()


def commitment_programme_id(commitment: Commitment) -> int | None:
    if commitment.project_id:
        return commitment.project.programme_id
    if commitment.plan_action_id:
        return commitment.plan_action.phase.plan.programme_id
    return None


def _partner_holds(user, codename: str, commitment: Commitment) -> bool:
    """The user's organisation group holds ``codename`` on the commitment (never a global
    right, never the superuser's blanket one)."""
    if not user.is_authenticated or commitment.pk is None:
        return False
    return get_objects_for_user(
        user,
        f"funding.{codename}",
        klass=Commitment.objects.filter(pk=commitment.pk),
        accept_global_perms=False,
        with_superuser=False,
    ).exists()


def _represents(user, organisation: Organisation | None) -> bool:
    if not user.is_authenticated or organisation is None:
        return False
    return current_memberships(user).filter(organisation=organisation).exists()


def can_create_fund_source(user, fund_source: FundSource) -> Allowed:
    if _manages(user, fund_source.programme_id):
        return Allowed.yes()
    return Allowed.no(NOT_MANAGER)


def can_change_fund_source(user, fund_source: FundSource) -> Allowed:
    return can_create_fund_source(user, fund_source)


def can_create_allocation(user, allocation: Allocation) -> Allowed:
    if _manages(user, allocation.project.programme_id):
        return Allowed.yes()
    return Allowed.no(NOT_MANAGER)


def can_create_contract(user, contract: Contract) -> Allowed:
    if _manages(user, contract.project.programme_id):
        return Allowed.yes()
    return Allowed.no(NOT_MANAGER)


def can_change_contract(user, contract: Contract) -> Allowed:
    return can_create_contract(user, contract)


def can_pledge_commitment(user, commitment: Commitment) -> Allowed:
    """A representative pledges for its own organisation; a manager on their programme."""
    if _represents(user, commitment.organisation) or _manages(
        user, commitment_programme_id(commitment)
    ):
        return Allowed.yes()
    return Allowed.no(
        _("Only the partner's representatives, or the programme's managers, pledge for it.")
    )


def can_change_commitment(user, commitment: Commitment) -> Allowed:
    """Only the partner changes the terms of its pledge (nobody else writes its word)."""
    if _partner_holds(user, "change_commitment", commitment):
        return Allowed.yes()
    return Allowed.no(_("Only the partner's representatives change its commitments."))


def can_move_commitment(user, commitment: Commitment) -> Allowed:
    """Confirm or withdraw: the partner itself, or the programme's managers."""
    if _partner_holds(user, "change_commitment", commitment) or _manages(
        user, commitment_programme_id(commitment)
    ):
        return Allowed.yes()
    return Allowed.no(
        _(
            "Only the partner's representatives, or the programme's managers, "
            "confirm or withdraw it."
        )
    )


def can_declare_disbursement(user, commitment: Commitment) -> Allowed:
    if _partner_holds(user, "change_commitment", commitment) or _manages(
        user, commitment_programme_id(commitment)
    ):
        return Allowed.yes()
    return Allowed.no(
        _("Only the partner's representatives, or the programme's managers, declare its money.")
    )


def can_review_disbursement(user, disbursement: Disbursement) -> Allowed:
    """Verifying or rejecting is the municipality's: the programme's managers."""
    if _manages(user, commitment_programme_id(disbursement.commitment)):
        return Allowed.yes()
    return Allowed.no(_("Only the programme's managers verify or reject disbursements."))


def can_record_transaction(user, entry: Transaction) -> Allowed:
    if _manages(user, entry.project.programme_id):
        return Allowed.yes()
    return Allowed.no(NOT_MANAGER)


def can_reverse_transaction(user, entry: Transaction) -> Allowed:
    return can_record_transaction(user, entry)


def can_use_partner_portal(user) -> Allowed:
    """The co-financing pages: a partner's representatives, the programmes' managers."""
    if not user.is_authenticated:
        return Allowed.no(_("Log in first."))
    memberships = current_memberships(user)
    if (
        user.is_superuser
        or memberships.filter(role=memberships.model.Role.REPRESENTATIVE).exists()
        or managed_programmes(user).exists()
    ):
        return Allowed.yes()
    return Allowed.no(
        _(
            "The co-financing pages are for the partners' representatives and the "
            "programmes' managers."
        )
    )


def can_open_verification_queue(user) -> Allowed:
    """The disbursements awaiting verification: the programmes' managers (the municipality)."""
    if user.is_authenticated and (user.is_superuser or managed_programmes(user).exists()):
        return Allowed.yes()
    return Allowed.no(_("Only the programme's managers verify or reject disbursements."))


def can_view_reconciliation(user, programme) -> Allowed:
    """A programme's reconciliation (every partner's pledges and money, the accounts, the
    alerts) is for its managers and the administrators; a council member reads the dashboard."""
    if _manages(user, programme.pk):
        return Allowed.yes()
    return Allowed.no(_("Only the programme's managers see its reconciliation."))
