"""What every page knows about its reader: who they are, for whom they act, where they may go."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext

from core.roles import Role
from funding.selectors import disbursements_awaiting_verification
from partners.selectors import current_memberships
from programme.models import ProgrammeAssignment
from programme.selectors import managed_projects

ROLE_PREFIX = "role:"


@dataclass
class Reader:
    """The logged-in user as the header and the menu see them (empty for a visitor)."""

    roles: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    manages_programmes: bool = False
    sits_on_council: bool = False
    manages_projects: bool = False
    represents_partner: bool = False
    disbursements_to_verify: int = 0

    @property
    def sees_dashboards(self) -> bool:
        return self.manages_programmes or self.sits_on_council


def _reader(user) -> Reader:
    if not user.is_authenticated:
        return Reader()
    group_roles = {
        name.removeprefix(ROLE_PREFIX)
        for name in user.groups.filter(name__startswith=ROLE_PREFIX).values_list("name", flat=True)
    }
    assigned = set(
        ProgrammeAssignment.objects.filter(user=user).values_list("role", flat=True).distinct()
    )
    memberships = list(current_memberships(user).select_related("organisation"))
    manages_projects = managed_projects(user).exists()
    if manages_projects:
        group_roles.add(Role.PROJECT_MANAGER)
    if memberships and any(m.role == m.Role.REPRESENTATIVE for m in memberships):
        group_roles.add(Role.PARTNER_REPRESENTATIVE)
    group_roles |= assigned
    roles = [str(role.label) for role in Role if role.value in group_roles]
    if user.is_superuser:
        roles.insert(0, gettext("Administrator"))
    manages_programmes = user.is_superuser or ProgrammeAssignment.Role.PROGRAMME_MANAGER in assigned
    return Reader(
        roles=roles,
        organisations=[m.organisation.name for m in memberships],
        manages_programmes=manages_programmes,
        sits_on_council=ProgrammeAssignment.Role.COUNCIL_MEMBER in assigned,
        manages_projects=manages_projects,
        represents_partner=Role.PARTNER_REPRESENTATIVE in group_roles,
        # One count query, only for who verifies: the menu shows what awaits them.
        disbursements_to_verify=(
            disbursements_awaiting_verification(user).count() if manages_programmes else 0
        ),
    )


def regia(request) -> dict:
    """``reader`` (computed on first use, once per request) and the site's configured links."""
    return {
        "reader": SimpleLazyObject(lambda: _reader(request.user)),
        "accessibility_statement_url": settings.REGIA_ACCESSIBILITY_STATEMENT_URL,
        "accessibility_feedback_url": settings.REGIA_ACCESSIBILITY_FEEDBACK_URL,
    }
