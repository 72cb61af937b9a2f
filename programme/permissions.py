"""Who may change what in the programme (docs/permissions.md), and why not when they may not.

Each predicate answers an ``Allowed``: truthy when allowed, and when not, it says why. Reads
are the selectors' business (``*_visible_to``); these decide writes and workflow steps.
Thematic areas, weak points, assignments, plans and meetings are changed by who manages
their programme; participations, milestones, indicators, measurements and risks by who may
change their project.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.permissions import Allowed
from core.roles import Role, role_group_name
from partners.selectors import user_organisations
from programme.models import Programme, ProgrammeAssignment, Project
from programme.selectors import assigned_programmes, managed_programmes, managed_projects


def is_programme_manager(user) -> bool:
    """Administrators, members of the programme managers' group, and whoever manages a
    programme."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or user.groups.filter(name=role_group_name(Role.PROGRAMME_MANAGER)).exists()
        or assigned_programmes(user, ProgrammeAssignment.Role.PROGRAMME_MANAGER).exists()
    )


def manages_programme(user, programme: Programme) -> bool:
    return user.is_authenticated and (
        user.is_superuser or managed_programmes(user).filter(pk=programme.pk).exists()
    )


def can_create_programme(user, programme: Programme) -> Allowed:
    """Programme managers open programmes for an organisation they belong to; administrators
    for any."""
    if user.is_superuser:
        return Allowed.yes()
    if not is_programme_manager(user):
        return Allowed.no(_("Only programme managers create programmes."))
    if not user_organisations(user).filter(pk=programme.owner_id).exists():
        return Allowed.no(_("A programme is created for an organisation you belong to."))
    return Allowed.yes()


def can_change_programme(user, programme: Programme) -> Allowed:
    """Change the programme, publish it, and keep what hangs from it (thematic areas, weak
    points, assignments, plans, meetings)."""
    if manages_programme(user, programme):
        return Allowed.yes()
    return Allowed.no(_("Only the programme's managers may do this."))


def can_delete_programme(user, programme: Programme) -> Allowed:
    if user.is_superuser:
        return Allowed.yes()
    return Allowed.no(_("Only administrators delete programmes."))


def can_change_plan(user, plan) -> Allowed:
    return can_change_programme(user, plan.programme)


def can_change_project(user, project: Project) -> Allowed:
    """Change the project and what hangs from it: its manager, and the programme's managers."""
    if manages_programme(user, project.programme) or (
        project.pk is not None and managed_projects(user).filter(pk=project.pk).exists()
    ):
        return Allowed.yes()
    return Allowed.no(_("Only the project's manager and the programme's managers may change it."))


def can_create_project(user, project: Project) -> Allowed:
    if manages_programme(user, project.programme):
        return Allowed.yes()
    return Allowed.no(_("Only the programme's managers propose projects in it."))


def can_move_project(user, project: Project) -> Allowed:
    """Move the project through its workflow, and choose its manager."""
    if manages_programme(user, project.programme):
        return Allowed.yes()
    return Allowed.no(
        _(
            "Only the programme's managers move a project through its workflow or choose its "
            "manager."
        )
    )


def can_delete_project(user, project: Project) -> Allowed:
    return Allowed.no(
        _("A project is cancelled, with its act, never deleted: its history and money stay.")
    )
