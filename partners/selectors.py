"""Reads that decide what a user's organisation is; the scope of a partner representative."""

from __future__ import annotations

from django.db.models import QuerySet

from partners.models import Membership, Organisation


def current_memberships(user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, ended_on__isnull=True)


def user_organisations(user) -> QuerySet[Organisation]:
    """The organisations the user currently represents or works for."""
    return Organisation.objects.filter(pk__in=current_memberships(user).values("organisation_id"))
