"""A person's own data: what Regia holds about an account, and erasing it (GDPR arts. 15, 17, 20).

Core knows only the account itself. Every app that keeps personal data tied to a user
registers two functions here, in its ``AppConfig.ready()``, so that core imports no app:

    from core import personal_data

    class ConsultationConfig(AppConfig):
        def ready(self):
            from consultation import privacy
            personal_data.register_exporter("consultation_answers", privacy.export_answers)
            personal_data.register_eraser(privacy.erase_answers)

- an **exporter** ``fn(*, user) -> JSON-serialisable value`` (a list of dicts, say): the download
  of "my data" carries it under its name;
- an **eraser** ``fn(*, user) -> None``: called inside the deletion's transaction, before the
  account is anonymised, it removes or anonymises what the app keeps about the person (for
  answers: unlink them from the user and blank the personal fields, in their history copies
  and audit rows too, keeping the answers so they are still counted). It must not fail for a
  user with nothing to erase.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.audit import RequestContext, audit_record, reset_request_context, set_request_context
from core.models import AuditEntry

# Both are called with the user as a keyword argument: fn(user=user).
Exporter = Callable[..., Any]
Eraser = Callable[..., None]

_exporters: dict[str, Exporter] = {}
_erasers: list[Eraser] = []

DELETED_PREFIX = "deleted-"


@contextlib.contextmanager
def without_client_details() -> Iterator[None]:
    """Audit rows written inside carry no IP address or user agent: for what a citizen does
    with their own account, where the client's address would be personal data kept for no
    purpose."""
    token = set_request_context(RequestContext())
    try:
        yield
    finally:
        reset_request_context(token)


def register_exporter(name: str, exporter: Exporter) -> None:
    """Add ``exporter(user=user)``'s result to the download under ``name`` (registering a name
    again replaces its exporter, so a reloaded app does not export twice)."""
    _exporters[name] = exporter


def register_eraser(eraser: Eraser) -> None:
    if eraser not in _erasers:
        _erasers.append(eraser)


def personal_data_export(user) -> dict[str, Any]:
    """Everything Regia holds about the account, as JSON-ready data."""
    data: dict[str, Any] = {
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "exported_at": timezone.now().isoformat(),
    }
    for name, exporter in _exporters.items():
        data[name] = exporter(user=user)
    return data


@transaction.atomic
def account_erase(*, user) -> None:
    """Delete a person's account by anonymising it, after every app has erased its own data.

    The row stays (answers and audit rows keep pointing at it, and are still counted) but
    nothing in it names the person: a random username, no name or e-mail, an unusable
    password, inactive, no groups. The audit rows that named them are rewritten with the new
    username and lose their IP address and user agent; the erasure's own row carries none.
    """
    user_model = get_user_model()
    user = user_model.objects.select_for_update().get(pk=user.pk)
    former_names = {name for name in (user.get_username(), str(user)) if name}
    for eraser in _erasers:
        eraser(user=user)

    user.username = f"{DELETED_PREFIX}{secrets.token_hex(8)}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.save()
    user.groups.clear()
    user.user_permissions.clear()

    label = user._meta.label_lower
    AuditEntry.objects.filter(actor=user).update(
        actor_repr=user.get_username(), ip_address=None, user_agent=""
    )
    AuditEntry.objects.filter(target_type=label, target_id=str(user.pk)).update(
        target_repr=user.get_username(), ip_address=None, user_agent=""
    )
    # Rows where the person appears only by name (as the recorded actor of a row whose actor
    # link was lost): rewrite the name too.
    AuditEntry.objects.filter(actor_repr__in=former_names).update(
        actor_repr=user.get_username(), ip_address=None, user_agent=""
    )

    with without_client_details():
        audit_record(actor=None, verb="account.erased", target=user)
