"""Reads that decide who a user is for partners, and what of partners' objects they may read.

Partners sits below programme, so it cannot look at programme assignments: a programme
manager or a council member is recognised here by the role group they belong to
(``core.roles``).
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from core.roles import Role, role_group_name
from partners.models import (
    Agreement,
    DataSharingCommitment,
    Membership,
    Obligation,
    Organisation,
    Signatory,
)


def current_memberships(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, ended_on__isnull=True)


def user_organisations(user) -> QuerySet[Organisation]:
    """The organisations the user currently represents or works for."""
    return Organisation.objects.filter(pk__in=current_memberships(user).values("organisation_id"))


def has_role(user, *roles: Role) -> bool:
    """Whether the user belongs to the group of any of ``roles``."""
    if not user.is_authenticated:
        return False
    return user.groups.filter(name__in=[role_group_name(role) for role in roles]).exists()


def is_programme_manager(user) -> bool:
    return has_role(user, Role.PROGRAMME_MANAGER)


def manages_partners(user) -> bool:
    """Administrators and programme managers keep the register of partners."""
    return user.is_authenticated and (user.is_superuser or is_programme_manager(user))


def _reads_every(user, model, *roles: Role) -> bool:
    """Whether the user reads every object of ``model``: administrators, the holders of its
    view permission (the back office's staff) and the members of ``roles``."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
        or has_role(user, Role.PROGRAMME_MANAGER, *roles)
    )


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Every organisation: who takes part in the programmes is public."""
    return Organisation.objects.all()


def memberships_visible_to(user) -> QuerySet[Membership]:
    """All memberships for who keeps the register; a partner's own organisations' otherwise."""
    memberships = Membership.objects.select_related("user", "organisation")
    if not user.is_authenticated:
        return memberships.none()
    if _reads_every(user, Membership):
        return memberships
    return memberships.filter(organisation__in=user_organisations(user))


def agreements_visible_to(user) -> QuerySet[Agreement]:
    """All agreements for managers and council members; those their organisation signed for
    partners."""
    agreements = Agreement.objects.prefetch_related(
        Prefetch("signatories", queryset=Signatory.objects.select_related("organisation"))
    )
    if not user.is_authenticated:
        return agreements.none()
    if _reads_every(user, Agreement, Role.COUNCIL_MEMBER):
        return agreements
    signed = Signatory.objects.filter(organisation__in=user_organisations(user))
    return agreements.filter(pk__in=signed.values("agreement_id"))


def obligations_visible_to(user) -> QuerySet[Obligation]:
    """All obligations for managers and council members; their organisation's for partners."""
    obligations = Obligation.objects.select_related("agreement", "organisation")
    if not user.is_authenticated:
        return obligations.none()
    if _reads_every(user, Obligation, Role.COUNCIL_MEMBER):
        return obligations
    return obligations.filter(organisation__in=user_organisations(user))


def data_sharing_commitments_visible_to(user) -> QuerySet[DataSharingCommitment]:
    """Every data-sharing commitment: the Situation Room's feed register is public."""
    return DataSharingCommitment.objects.select_related("organisation", "agreement")
