"""What every constraint test needs: the rows that break a constraint, and the two refusals.

Each app's ``test_constraints`` lists one ``Violation`` per constraint of its models (named
constraints from ``Meta.constraints``, and ``Model.field`` for fields declared unique), and
checks that the list covers every constraint its models declare: a new constraint without
a test fails the suite.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models.constraints import BaseConstraint


@dataclass(frozen=True)
class Violation:
    """A row, built but not saved, that breaks ``constraint`` and nothing else.

    ``field_matter``: a user could type the bad value in a form, so ``full_clean`` must say
    what is wrong in words. Rows only services write (statuses, reversals) are checked by the
    services' own tests instead.
    """

    constraint: str
    build: Callable[[], models.Model]
    field_matter: bool = True

    def __str__(self) -> str:
        return self.constraint


def declared_constraints(app_label: str) -> set[str]:
    """Every constraint the app's models declare, as the ``Violation`` lists name them."""
    names = set()
    for model in apps.get_app_config(app_label).get_models():
        names |= {constraint.name for constraint in model._meta.constraints}
        names |= {
            f"{model.__name__}.{field.name}"
            for field in model._meta.concrete_fields
            if field.unique and not field.primary_key
        }
    return names


def _find(model: type[models.Model], name: str):
    if "." in name:
        return model._meta.get_field(name.split(".", 1)[1])
    return next(c for c in model._meta.constraints if c.name == name)


def assert_database_refuses(violation: Violation) -> None:
    """Saving the row, with no validation in the way, fails in the database on that constraint."""
    row = violation.build()
    model = type(row)
    before = model._base_manager.count()
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        row.save()
    message = str(error.value)
    declared = _find(model, violation.constraint)
    if isinstance(declared, models.Field):
        assert declared.column in message
    elif isinstance(declared, models.UniqueConstraint) and connection.vendor == "sqlite":
        # SQLite names the columns of a failed unique index, not the index.
        columns = [model._meta.get_field(field).column for field in declared.fields]
        assert all(column in message for column in columns), message
    else:
        assert violation.constraint in message, message
    assert model._base_manager.count() == before


def assert_full_clean_explains(violation: Violation) -> None:
    """``full_clean`` refuses the row with a message a person can act on.

    Django's default message, which only quotes a constraint's internal name (“Constraint
    “x” is violated.”), does not count.
    """
    row = violation.build()
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    if "." in violation.constraint:
        # A unique field: Django's own message, on the field itself.
        field = violation.constraint.split(".", 1)[1]
        assert field in error.value.message_dict, error.value.message_dict
        return
    generic = re.compile(
        re.escape(str(BaseConstraint.default_violation_error_message)).replace(
            re.escape("%(name)s"), ".+"
        )
    )
    messages = error.value.messages
    explained = [message for message in messages if not generic.fullmatch(message)]
    assert explained, messages


def database_cases(violations: list[Violation]) -> list:
    return [pytest.param(violation, id=violation.constraint) for violation in violations]


def full_clean_cases(violations: list[Violation], *, unexplained: set[str], models_file: str):
    """The field matters, with a strict xfail on those whose model gives no message yet."""
    reason = (
        f"{models_file}: the constraint has no violation_error_message, so full_clean (and the "
        "admin) only says “Constraint “<name>” is violated.”"
    )
    return [
        pytest.param(
            violation,
            id=violation.constraint,
            marks=[pytest.mark.xfail(reason=reason, strict=True)]
            if violation.constraint in unexplained
            else [],
        )
        for violation in violations
        if violation.field_matter
    ]
