from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class Allowed:
    """The answer of a permission predicate: truthy when allowed, with the reason when not."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def yes(cls) -> Allowed:
        return cls(True)

    @classmethod
    def no(cls, reason: str) -> Allowed:
        return cls(False, reason)


def require(allowed: Allowed) -> None:
    """Refuse a page with 403 and the predicate's reason (templates/403.html shows it)."""
    if not allowed:
        raise PermissionDenied(allowed.reason)
