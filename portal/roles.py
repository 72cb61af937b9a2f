"""What each role may do in general (model permissions of its group).

Scope (which programmes, which organisation) is not here: it comes from ProgrammeAssignment,
Membership and object permissions, and the API and pages filter by it. These model
permissions open the back office to the roles that work there.
"""

from core.roles import Role

_EDIT = ("view", "add", "change")
_READ = ("view",)

ROLE_PERMISSIONS: dict[Role, dict[str, tuple[str, ...]]] = {
    Role.PROGRAMME_MANAGER: {
        "partners": _EDIT,
        "programme": _EDIT,
        "funding": _EDIT,
        "consultation": _EDIT,
        "core": _READ,
    },
    Role.PROJECT_MANAGER: {},
    Role.PARTNER_REPRESENTATIVE: {},
    Role.COUNCIL_MEMBER: {},
    # Moderation itself happens in the pages; the back office lets them read consultations.
    Role.MODERATOR: {"consultation": _READ},
    Role.CITIZEN: {},
}
