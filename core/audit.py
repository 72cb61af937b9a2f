"""The audit log's single entry point, and the request context it reads.

Services never receive the request: ``RequestContextMiddleware`` stores the client's IP and
user agent in a context variable, and ``audit_record`` reads it from there.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from django.db import models

from core.models import AuditEntry


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""


_NO_REQUEST = RequestContext()
_request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "regia_request_context", default=None
)


def set_request_context(context: RequestContext) -> contextvars.Token:
    return _request_context.set(context)


def reset_request_context(token: contextvars.Token) -> None:
    _request_context.reset(token)


def current_request_context() -> RequestContext:
    """The current request's context; empty outside a request (tasks, commands)."""
    return _request_context.get() or _NO_REQUEST


def audit_record(
    *,
    actor: Any,
    verb: str,
    target: models.Model,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row for a service call; call it inside the service's transaction."""
    context = current_request_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_repr=actor.get_username() if is_user else "",
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        data=data or {},
        ip_address=context.ip_address,
        user_agent=context.user_agent[:255],
    )
