"""The roles of DESIGN.md, as Django groups (created by core's migration 0002).

A role says what someone may do in general; its scope comes from ProgrammeAssignment (which
programmes) and Membership (which organisation), and object permissions narrow it further.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    PARTNER_REPRESENTATIVE = "partner_representative", _("Partner representative")
    COUNCIL_MEMBER = "council_member", _("Council member")
    MODERATOR = "moderator", _("Moderator")
    CITIZEN = "citizen", _("Citizen")


def role_group_name(role: Role) -> str:
    """The group's name: the role's value, stable whatever the interface language."""
    return f"role:{role.value}"
