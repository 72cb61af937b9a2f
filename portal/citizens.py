"""Citizens' local accounts: registration, the e-mail verification link, activation.

A citizen registers with their e-mail address, which is also their username; the account is
created inactive, in the citizen role, and becomes active when they open the link mailed to
them. The link is signed with ``SECRET_KEY``, expires after REGIA_VERIFICATION_DAYS, and works
once: it carries a fingerprint of the account's state (e-mail, password hash, last login,
active flag), which activation changes.

SPID/CIE would come in as another authentication backend (docs/accounts.md); nothing here
depends on how a person logs in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.permissions import Allowed
from core.personal_data import without_client_details
from core.roles import Role, role_group_name

_SALT = "regia.accounts.verify"


def normalise_email(email: str) -> str:
    return get_user_model().objects.normalize_email(email.strip()).lower()


def email_is_registered(email: str) -> bool:
    email = normalise_email(email)
    users = get_user_model().objects
    return users.filter(email__iexact=email).exists() or users.filter(username=email).exists()


def _fingerprint(user) -> str:
    state = f"{user.pk}|{user.email}|{user.password}|{user.last_login}|{user.is_active}"
    return salted_hmac(_SALT, state, algorithm="sha256").hexdigest()[:32]


def verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=_SALT, compress=True)


class TokenProblem(enum.Enum):
    EXPIRED = "expired"
    INVALID = "invalid"
    USED = "used"


@dataclass(frozen=True)
class TokenCheck:
    user: object | None = None
    problem: TokenProblem | None = None


def verification_check(token: str) -> TokenCheck:
    """Whose account the link activates, or why it cannot."""
    max_age = settings.REGIA_VERIFICATION_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return TokenCheck(problem=TokenProblem.EXPIRED)
    except signing.BadSignature:
        return TokenCheck(problem=TokenProblem.INVALID)
    if not isinstance(payload, dict):
        return TokenCheck(problem=TokenProblem.INVALID)
    user = get_user_model().objects.filter(pk=payload.get("u")).first()
    if user is None:
        return TokenCheck(problem=TokenProblem.INVALID)
    if _fingerprint(user) != payload.get("f"):
        # Activated already (or changed since): the link has done its work.
        return TokenCheck(problem=TokenProblem.USED if user.is_active else TokenProblem.INVALID)
    if user.is_active or user.last_login is not None:
        return TokenCheck(problem=TokenProblem.USED)
    return TokenCheck(user=user)


@transaction.atomic
def citizen_register(*, email: str, first_name: str, last_name: str, password: str):
    """Create an inactive citizen account, or None when the address is already registered
    (the caller answers the same either way, so nobody learns which addresses have one)."""
    email = normalise_email(email)
    if email_is_registered(email):
        return None
    user_model = get_user_model()
    user = user_model(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_active=False,
    )
    user.set_password(password)
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address registered at the same moment
        return None
    group, _created = Group.objects.get_or_create(name=role_group_name(Role.CITIZEN))
    user.groups.add(group)
    with without_client_details():
        audit_record(actor=None, verb="citizen.registered", target=user)
    return user


@transaction.atomic
def citizen_activate(*, user):
    """Activate an account whose owner has shown they read its e-mail."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    with without_client_details():
        audit_record(actor=user, verb="citizen.verified", target=user)
    return user


def can_delete_own_account(user) -> Allowed:
    """Citizens close their own account; an account with a working role in the programme is
    closed by an administrator, who hands its work over first."""
    if not user.is_authenticated:
        return Allowed.no(_("Log in to close your account."))
    citizen_group = role_group_name(Role.CITIZEN)
    if user.is_staff or user.is_superuser or user.groups.exclude(name=citizen_group).exists():
        return Allowed.no(
            _(
                "This account has a role in the programme: ask an administrator to close it, "
                "so that its work is handed over first."
            )
        )
    return Allowed.yes()
