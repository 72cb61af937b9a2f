"""The scope of managers, council members and project managers, and what is public."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from programme.models import Programme, ProgrammeAssignment, Project

R = ProgrammeAssignment.Role


def assigned_programmes(user, *roles: str) -> QuerySet[Programme]:
    """The programmes the user is assigned to, in any of ``roles`` (all roles when none)."""
    if not user.is_authenticated:
        return Programme.objects.none()
    assignments = ProgrammeAssignment.objects.filter(user=user)
    if roles:
        assignments = assignments.filter(role__in=roles)
    return Programme.objects.filter(pk__in=assignments.values("programme_id"))


def managed_programmes(user) -> QuerySet[Programme]:
    if user.is_superuser:
        return Programme.objects.all()
    return assigned_programmes(user, R.PROGRAMME_MANAGER)


def readable_programmes(user) -> QuerySet[Programme]:
    """Published programmes, and drafts of the programmes the user is assigned to."""
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(
        Q(status=Programme.Status.PUBLISHED) | Q(pk__in=assigned_programmes(user).values("pk"))
    )


def managed_projects(user) -> QuerySet[Project]:
    """The projects the user manages (object permission), whatever their programme."""
    if not user.is_authenticated:
        return Project.objects.none()
    return get_objects_for_user(
        user, "programme.change_project", klass=Project, accept_global_perms=False
    )
