from __future__ import annotations

from dataclasses import dataclass


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
