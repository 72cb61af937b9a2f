"""The bulk import of a partner's commitments and disbursements, row by row as the services.

A file carries the columns of ``funding.tables`` (COMMITMENT_COLUMNS, DISBURSEMENT_COLUMNS),
by code or by label in any of the interface's languages. ``check_rows`` reads each row like
the one-row services read their arguments and applies their rules (``funding.models``), and
checks each row's partner (by codice fiscale), project or plan action and commitment against
the uploader's rights (``funding.permissions``). Each row is keyed by (partner, partner's
reference), or by its Regia id when it carries one: a key already in Regia with the same
values is "unchanged", with other values it is an error naming the columns that differ, and a
key given twice in the file is an error on the second row.

``apply_rows`` creates the new rows in bulk with the effects of the one-row services:
history rows, the partner group's object permissions on each commitment, the workflow steps
(StatusChange) and one audit entry per record. The records go through ``bulk_create`` (their
primary keys come back); the rows derived from them are built as plain tuples and, on
PostgreSQL, written with COPY (``_insert_rows``): the ORM's per-value work was most of a
50,000-row import's time. The checks ran in bulk just before, under locks; the database's
constraints stay the backstop. The staging, confirming and purging of an import
(``ImportBatch``) are services in ``funding.services``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import current_request_context
from core.imports import (
    ColumnSpec,
    Table,
    parse_boolean,
    parse_date,
    parse_decimal,
    parse_integer,
)
from core.models import AuditEntry
from core.permissions import Allowed
from funding.models import (
    COMMITMENT_PARTNER_PERMISSIONS,
    Commitment,
    CommitmentGroupObjectPermission,
    Disbursement,
    ImportBatch,
    check_amount_positive,
)
from funding.permissions import can_declare_disbursement, can_pledge_commitment
from funding.selectors import fully_visible_commitments
from funding.tables import COMMITMENT_COLUMNS, DISBURSEMENT_COLUMNS
from partners.models import Membership, Organisation
from partners.selectors import current_memberships
from partners.services import organisation_group
from programme.models import StatusChange
from programme.selectors import managed_programmes, plan_actions_visible_to, projects_visible_to

K = ImportBatch.Kind
C = Commitment.Status
COLUMNS = {K.COMMITMENTS: COMMITMENT_COLUMNS, K.DISBURSEMENTS: DISBURSEMENT_COLUMNS}
# What a file must carry (a tuple: one of them); the other importable columns are optional.
REQUIRED = {
    K.COMMITMENTS: (
        "organisation_tax_code",
        "external_reference",
        ("project_id", "plan_action_id"),
        "year",
        "kind",
        "amount",
    ),
    K.DISBURSEMENTS: (
        "organisation_tax_code",
        "external_reference",
        ("commitment_reference", "commitment_id"),
        "amount",
        "disbursed_on",
    ),
}
PROGRESS_EVERY = 500
LOOKUP_CHUNK = 5_000
CREATE_CHUNK = 2_000

NOT_AN_IMPORTER = gettext_lazy(
    "Only partner representatives and programme managers import commitments and disbursements."
)


def can_import(user) -> Allowed:
    """Partner representatives (for their organisations) and programme managers import."""
    if not user.is_authenticated:
        return Allowed.no(NOT_AN_IMPORTER)
    if (
        user.is_superuser
        or current_memberships(user).filter(role=Membership.Role.REPRESENTATIVE).exists()
        or managed_programmes(user).exists()
    ):
        return Allowed.yes()
    return Allowed.no(NOT_AN_IMPORTER)


def column_specs(kind: str) -> list[ColumnSpec]:
    """The kind's columns with every header that names them: the code, the label in each of
    the interface's languages."""
    specs = []
    for column in COLUMNS[kind]:
        names = set()
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.add(str(column.label))
        specs.append(ColumnSpec(code=column.code, label=str(column.label), names=names))
    return specs


def importable_columns(kind: str):
    return [column for column in COLUMNS[kind] if column.importable]


# -- cells --


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _tax_code(value: object) -> str:
    """A codice fiscale; a numeric one that a spreadsheet stored as a number gets its leading
    zeros back (a company's has eleven digits)."""
    text = _text(value).upper()
    if text.isdigit() and len(text) < 11:
        text = text.zfill(11)
    return text


def _choice(choices) -> Callable[[object], str]:
    """A choice read by its code or by its label in any of the interface's languages."""
    known = {}
    for value, label in choices.choices:
        known[str(value).casefold()] = value
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                known[" ".join(str(label).split()).casefold()] = value

    def parse(cell: object) -> str:
        text = " ".join(_text(cell).split()).casefold()
        if text in known:
            return known[text]
        raise ValidationError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": cell, "choices": ", ".join(str(label) for label in choices.labels)},
            code="choice",
        )

    return parse


def _amount(cell: object) -> Decimal:
    """A positive amount: the services' rule, said at once with the row's other cell errors."""
    amount = parse_decimal(cell)
    check_amount_positive(amount)
    return amount


PARSERS: dict[str, Callable[[object], object]] = {
    "id": parse_integer,
    "organisation_tax_code": _tax_code,
    "external_reference": _text,
    "commitment_reference": _text,
    "commitment_id": parse_integer,
    "project_id": parse_integer,
    "plan_action_id": parse_integer,
    "year": parse_integer,
    "kind": _choice(Commitment.Kind),
    "amount": _amount,
    "subject_to_budget_availability": parse_boolean,
    "act_reference": _text,
    "description": _text,
    "disbursed_on": parse_date,
    "note": _text,
}
TEXT_CODES = frozenset(
    {
        "organisation_tax_code",
        "external_reference",
        "commitment_reference",
        "act_reference",
        "description",
        "note",
    }
)


# -- outcome --


@dataclass
class Outcome:
    """What a file's rows come to: the records to create, the rows already in Regia, errors."""

    new: list = field(default_factory=list)
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)


class _Errors:
    """Row errors as the user reads them: the row as the spreadsheet numbers it (the header is
    row 1), the column's header as the file writes it, the message."""

    def __init__(self, headers: dict[str, str], field_codes: dict[str, str]):
        self.headers = headers
        self.field_codes = field_codes
        self.items: list[dict] = []

    def add(self, row: int, code: str, message) -> None:
        self.items.append(
            {"row": row, "column": self.headers.get(code, ""), "message": str(message)}
        )

    def in_row_order(self) -> list[dict]:
        """The errors row by row (the checks run in passes, each finding its own rows)."""
        return sorted(self.items, key=lambda item: item["row"])

    def add_validation(self, row: int, error: ValidationError, default_code: str = "") -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                code = self.field_codes.get(name, name)
                for single in errors:
                    for message in single.messages:
                        self.add(row, code if code in self.headers else default_code, message)
        else:
            for message in error.messages:
                self.add(row, default_code, message)


def _parse_rows(table: Table, errors: _Errors) -> Iterator[tuple[int, dict]]:
    """Each row's typed values (blank cells: None, blank text: ""), or its errors."""
    codes = [code for code in table.headers if code in PARSERS]
    for index, cells in enumerate(table.rows):
        number = index + 2
        values: dict[str, object] = {}
        failed = False
        for code in codes:
            cell = cells[code]
            if cell == "" or cell is None:
                values[code] = "" if code in TEXT_CODES else None
                continue
            try:
                values[code] = PARSERS[code](cell)
            except ValidationError as error:
                failed = True
                errors.add_validation(number, error, code)
        if not failed:
            yield number, values


def _chunks(values: Iterable, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    chunk = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _by_pk(queryset: QuerySet, ids: Iterable[int]) -> dict:
    found = {}
    for chunk in _chunks(sorted(set(ids))):
        found.update((obj.pk, obj) for obj in queryset.filter(pk__in=chunk))
    return found


def _organisations(tax_codes: Iterable[str]) -> dict[str, Organisation]:
    found = {}
    for chunk in _chunks(sorted(set(tax_codes) - {""})):
        found.update(
            (organisation.tax_code, organisation)
            for organisation in Organisation.objects.filter(tax_code__in=chunk)
        )
    return found


def _keyed(queryset: QuerySet, pairs: set[tuple[int, str]]) -> dict[tuple[int, str], object]:
    """Records by (organisation, partner's reference)."""
    by_organisation = defaultdict(set)
    for organisation_id, reference in pairs:
        by_organisation[organisation_id].add(reference)
    found = {}
    for organisation_id, references in by_organisation.items():
        for chunk in _chunks(sorted(references)):
            for obj in queryset.filter(
                organisation_id=organisation_id, external_reference__in=chunk
            ):
                found[(obj.organisation_id, obj.external_reference)] = obj
    return found


def _differences(existing, values: dict, compared: dict[str, Callable], headers) -> list[str]:
    differ = []
    for code, read in compared.items():
        if code not in headers or values.get(code) is None:
            continue
        if read(existing) != values[code]:
            differ.append(f"“{headers[code]}”")
    return differ


def _check_key(number, key, seen, errors, code) -> bool:
    """A key given twice in the file: an error on the second row."""
    if key in seen:
        errors.add(
            number,
            code,
            _("This row repeats row %(row)s: the same record twice in the file.")
            % {"row": seen[key]},
        )
        return False
    seen[key] = number
    return True


def _constraint_message(model, name: str) -> str:
    constraint = next(c for c in model._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


UNKNOWN_PARTNER = gettext_lazy("No partner with this codice fiscale.")
NO_REFERENCE = gettext_lazy(
    "Give the partner's reference: it identifies the row when the file is imported again."
)
DIFFERENT = gettext_lazy("Already in Regia with other values in: %(columns)s.")


def check_rows(
    *,
    kind: str,
    table: Table,
    uploader,
    lock: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Check every row of ``table`` for ``uploader``; with ``lock``, under locks on what the
    rows change (to apply them at once)."""
    check = _check_commitments if kind == K.COMMITMENTS else _check_disbursements
    return check(table=table, uploader=uploader, lock=lock, progress=progress or (lambda n: None))


# -- commitments --

COMMITMENT_FIELD_CODES = {
    "organisation": "organisation_tax_code",
    "project": "project_id",
    "plan_action": "plan_action_id",
}
COMMITMENT_COMPARED: dict[str, Callable] = {
    "organisation_tax_code": lambda c: c.organisation.tax_code,
    "external_reference": lambda c: c.external_reference,
    "project_id": lambda c: c.project_id,
    "plan_action_id": lambda c: c.plan_action_id,
    "year": lambda c: c.year,
    "kind": lambda c: c.kind,
    "amount": lambda c: c.amount,
    "subject_to_budget_availability": lambda c: c.subject_to_budget_availability,
    "description": lambda c: c.description,
}


def _check_commitments(*, table, uploader, lock, progress) -> Outcome:
    errors = _Errors(table.headers, COMMITMENT_FIELD_CODES)
    rows = list(_parse_rows(table, errors))
    organisations = _organisations(values.get("organisation_tax_code") or "" for _n, values in rows)
    projects = _by_pk(
        projects_visible_to(uploader),
        (v["project_id"] for _n, v in rows if v.get("project_id")),
    )
    actions = _by_pk(
        plan_actions_visible_to(uploader).select_related("phase__plan"),
        (v["plan_action_id"] for _n, v in rows if v.get("plan_action_id")),
    )
    existing_queryset = Commitment.objects.select_related("organisation")
    if lock:
        existing_queryset = existing_queryset.select_for_update(of=("self",))
    keys = {
        (organisations[v["organisation_tax_code"]].pk, v["external_reference"])
        for _n, v in rows
        if v.get("organisation_tax_code") in organisations and v.get("external_reference")
    }
    by_reference = _keyed(existing_queryset, keys)
    visible_ids = fully_visible_commitments(uploader).values("pk")
    by_id = _by_pk(
        existing_queryset.filter(pk__in=visible_ids), (v["id"] for _n, v in rows if v.get("id"))
    )
    year_field = Commitment._meta.get_field("year")
    valid_years = {value for value, _label in year_field.flatchoices}
    rights: dict[tuple[int, int | None], Allowed] = {}
    seen: dict = {}
    outcome = Outcome()
    for done, (number, values) in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            progress(done)
        row_errors = len(errors.items)
        organisation = organisations.get(values.get("organisation_tax_code") or "")
        if organisation is None:
            errors.add(number, "organisation_tax_code", UNKNOWN_PARTNER)
        project_id, action_id = values.get("project_id"), values.get("plan_action_id")
        project = projects.get(project_id) if project_id else None
        action = actions.get(action_id) if action_id else None
        if project_id and project is None:
            errors.add(
                number,
                "project_id",
                _("No project with id %(id)s that you can read.") % {"id": project_id},
            )
        if action_id and action is None:
            errors.add(
                number,
                "plan_action_id",
                _("No plan action with id %(id)s that you can read.") % {"id": action_id},
            )
        if bool(project_id) == bool(action_id):
            errors.add(
                number,
                "project_id",
                _constraint_message(Commitment, "commitment_for_project_or_plan_action"),
            )
        if len(errors.items) > row_errors:
            continue
        commitment = Commitment(
            organisation=organisation,
            project=project,
            plan_action=action,
            year=values.get("year"),
            kind=values.get("kind"),
            amount=values.get("amount"),
            subject_to_budget_availability=(
                True
                if values.get("subject_to_budget_availability") is None
                else values["subject_to_budget_availability"]
            ),
            description=values.get("description", ""),
            act_reference=values.get("act_reference", ""),
            external_reference=values.get("external_reference", ""),
            status=C.CONFIRMED if values.get("act_reference") else C.PLEDGED,
        )
        programme_id = project.programme_id if project else action.phase.plan.programme_id
        right_key = (organisation.pk, programme_id)
        if right_key not in rights:
            rights[right_key] = can_pledge_commitment(uploader, commitment)
        if not rights[right_key]:
            errors.add(number, "organisation_tax_code", rights[right_key].reason)
            continue
        try:
            check_amount_positive(commitment.amount)
            if commitment.year not in valid_years:
                year_field.clean(commitment.year, commitment)  # raises the field's own message
            # The kind was read among its choices, the year just checked: normalising their
            # choices again for every row would cost more than the rest of the checks.
            commitment.clean_fields(
                exclude=[
                    "organisation",
                    "project",
                    "plan_action",
                    "status",
                    "disbursed_amount",
                    "year",
                    "kind",
                ]
            )
        except ValidationError as error:
            errors.add_validation(number, error, "year")
            continue
        if values.get("id"):
            key = ("id", values["id"])
            existing = by_id.get(values["id"])
            if existing is None:
                errors.add(
                    number,
                    "id",
                    _("No commitment with Regia id %(id)s that you can read.")
                    % {"id": values["id"]},
                )
                continue
        elif commitment.external_reference:
            key = (organisation.pk, commitment.external_reference)
            existing = by_reference.get(key)
        else:
            errors.add(number, "external_reference", NO_REFERENCE)
            continue
        if not _check_key(number, key, seen, errors, "external_reference"):
            continue
        if existing is None:
            outcome.new.append(commitment)
            continue
        compared = dict(COMMITMENT_COMPARED)
        if values.get("act_reference"):
            # A blank act says nothing: the commitment may have been confirmed since.
            compared["act_reference"] = lambda c: c.act_reference
        differ = _differences(existing, values, compared, table.headers)
        if differ:
            errors.add(number, "", DIFFERENT % {"columns": ", ".join(differ)})
        else:
            outcome.unchanged += 1
    progress(len(table.rows))
    outcome.errors = errors.in_row_order()
    return outcome


# -- disbursements --

DISBURSEMENT_FIELD_CODES = {"organisation": "organisation_tax_code"}
DISBURSEMENT_COMPARED: dict[str, Callable] = {
    "organisation_tax_code": lambda d: d.organisation.tax_code,
    "external_reference": lambda d: d.external_reference,
    "commitment_id": lambda d: d.commitment_id,
    "commitment_reference": lambda d: d.commitment.external_reference,
    "amount": lambda d: d.amount,
    "disbursed_on": lambda d: d.disbursed_on,
    "note": lambda d: d.note,
}
NOT_YOUR_PARTNER = gettext_lazy(
    "You may not act for this partner: you neither represent it nor manage its programmes."
)


def _check_disbursements(*, table, uploader, lock, progress) -> Outcome:
    errors = _Errors(table.headers, DISBURSEMENT_FIELD_CODES)
    rows = list(_parse_rows(table, errors))
    organisations = _organisations(values.get("organisation_tax_code") or "" for _n, values in rows)
    visible = Commitment.objects.filter(pk__in=fully_visible_commitments(uploader).values("pk"))
    commitment_keys = {
        (organisations[v["organisation_tax_code"]].pk, v["commitment_reference"])
        for _n, v in rows
        if v.get("organisation_tax_code") in organisations and v.get("commitment_reference")
    }
    commitments_by_reference = _keyed(visible, commitment_keys)
    commitments_by_id = _by_pk(
        visible, (v["commitment_id"] for _n, v in rows if v.get("commitment_id"))
    )
    involved = {c.pk for c in commitments_by_reference.values()} | set(commitments_by_id)
    if lock:
        # The locks disbursement_declare takes, in a fixed order: nobody declares meanwhile.
        locked = _by_pk(Commitment.objects.select_for_update().order_by("pk"), involved)
        commitments_by_reference = {k: locked[c.pk] for k, c in commitments_by_reference.items()}
        commitments_by_id = {pk: locked[pk] for pk in commitments_by_id}
    pending = defaultdict(int)
    for chunk in _chunks(sorted(involved)):
        for commitment_id, amount in (
            Disbursement.objects.filter(commitment_id__in=chunk)
            .exclude(status=Disbursement.Status.REJECTED)
            .values_list("commitment_id", "amount")
        ):
            pending[commitment_id] += amount
    existing_queryset = Disbursement.objects.select_related("organisation", "commitment")
    keys = {
        (organisations[v["organisation_tax_code"]].pk, v["external_reference"])
        for _n, v in rows
        if v.get("organisation_tax_code") in organisations and v.get("external_reference")
    }
    by_reference = _keyed(existing_queryset, keys)
    by_id = _by_pk(
        existing_queryset.filter(commitment__in=visible.values("pk")),
        (v["id"] for _n, v in rows if v.get("id")),
    )
    represented = set(current_memberships(uploader).values_list("organisation_id", flat=True))
    manages_any = uploader.is_superuser or managed_programmes(uploader).exists()
    rights: dict[int, Allowed] = {}
    seen: dict = {}
    outcome = Outcome()
    for done, (number, values) in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            progress(done)
        organisation = organisations.get(values.get("organisation_tax_code") or "")
        if organisation is None:
            errors.add(number, "organisation_tax_code", UNKNOWN_PARTNER)
            continue
        if values.get("commitment_id"):
            commitment = commitments_by_id.get(values["commitment_id"])
            commitment_code = "commitment_id"
        else:
            commitment = commitments_by_reference.get(
                (organisation.pk, values.get("commitment_reference") or "")
            )
            commitment_code = "commitment_reference"
        if commitment is None or commitment.organisation_id != organisation.pk:
            if organisation.pk not in represented and not manages_any:
                errors.add(number, "organisation_tax_code", NOT_YOUR_PARTNER)
            else:
                errors.add(
                    number, commitment_code, _("No commitment of this partner that you can read.")
                )
            continue
        if commitment.pk not in rights:
            rights[commitment.pk] = can_declare_disbursement(uploader, commitment)
        if not rights[commitment.pk]:
            errors.add(number, "organisation_tax_code", rights[commitment.pk].reason)
            continue
        if values.get("project_id") and values["project_id"] != commitment.project_id:
            errors.add(number, "project_id", _("The commitment is for another project."))
            continue
        disbursement = Disbursement(
            commitment=commitment,
            organisation=organisation,
            amount=values.get("amount"),
            disbursed_on=values.get("disbursed_on"),
            note=values.get("note", ""),
            external_reference=values.get("external_reference", ""),
            declared_by=uploader,
        )
        try:
            commitment.check_takes_money()
            check_amount_positive(disbursement.amount)
            Disbursement.check_date(disbursement.disbursed_on)
            disbursement.clean_fields(
                exclude=["commitment", "organisation", "declared_by", "reviewed_by", "evidence"]
            )
        except ValidationError as error:
            errors.add_validation(number, error, commitment_code)
            continue
        if values.get("id"):
            key = ("id", values["id"])
            existing = by_id.get(values["id"])
            if existing is None:
                errors.add(
                    number,
                    "id",
                    _("No disbursement with Regia id %(id)s that you can read.")
                    % {"id": values["id"]},
                )
                continue
        elif disbursement.external_reference:
            key = (organisation.pk, disbursement.external_reference)
            existing = by_reference.get(key)
        else:
            errors.add(number, "external_reference", NO_REFERENCE)
            continue
        if not _check_key(number, key, seen, errors, "external_reference"):
            continue
        if existing is not None:
            differ = _differences(existing, values, DISBURSEMENT_COMPARED, table.headers)
            if differ:
                errors.add(number, "", DIFFERENT % {"columns": ", ".join(differ)})
            else:
                outcome.unchanged += 1
            continue
        try:
            commitment.check_room(disbursement.amount, already=pending[commitment.pk])
        except ValidationError as error:
            errors.add_validation(number, error)
            continue
        pending[commitment.pk] += disbursement.amount
        outcome.new.append(disbursement)
    progress(len(table.rows))
    outcome.errors = errors.in_row_order()
    return outcome


# -- applying --


def _insert_rows(model, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Insert rows nobody reads back: tuples of ``model``'s ``columns`` (attribute names).

    The rows were checked in bulk before (the database's constraints and foreign keys still
    hold every one of them). On PostgreSQL they go through COPY: building and compiling an
    INSERT value by value is most of an import's time. Elsewhere, ``bulk_create``.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows),
            batch_size=CREATE_CHUNK,
        )
        return
    from psycopg.types.json import Jsonb

    fields = [model._meta.get_field(name) for name in columns]
    as_json = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    # Built before COPY starts: a query for a missing related object (a string may need
    # one) would wait forever on the connection the COPY holds.
    rows = list(rows)
    quote = connection.ops.quote_name
    sql = (
        f"COPY {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            if as_json:
                row = list(row)
                for i in as_json:
                    row[i] = Jsonb(row[i])
            copy.write_row(row)


def _create_with_history(model, objects: list, *, actor, now) -> list:
    """``objects`` saved in bulk (their primary keys come back), each with the history row
    django-simple-history writes on a creation: its values, "+", by ``actor``."""
    created = model.objects.bulk_create(objects)
    tracked = model._meta.concrete_fields
    columns = [field.attname for field in tracked]
    columns += ["history_date", "history_type", "history_user_id", "history_change_reason"]
    made = (now, "+", actor.pk, None)
    _insert_rows(
        model.history.model,
        columns,
        # Each value as its field stores it (a file: its name).
        ((*(f.get_prep_value(getattr(obj, f.attname)) for f in tracked), *made) for obj in created),
    )
    return created


AUDIT_COLUMNS = (
    "actor_id",
    "actor_repr",
    "verb",
    "target_type",
    "target_id",
    "target_repr",
    "data",
    "ip_address",
    "user_agent",
    "created_at",
)


def _audit_rows(actor, verb: str, targets: Iterable, data: Callable, *, now) -> Iterator[tuple]:
    """The rows ``core.audit.audit_record`` writes (AUDIT_COLUMNS), one per target."""
    context = current_request_context()
    username, user_agent = actor.get_username(), context.user_agent[:255]
    for target in targets:
        yield (
            actor.pk,
            username,
            verb,
            target._meta.label_lower,
            str(target.pk),
            str(target)[:255],
            data(target),
            context.ip_address,
            user_agent,
            now,
        )


STATUS_CHANGE_COLUMNS = (
    "content_type_id",
    "object_id",
    "from_status",
    "to_status",
    "actor_id",
    "note",
    "act_kind",
    "act_number",
    "act_date",
    "created_at",
)


def apply_rows(*, kind: str, outcome: Outcome, actor, batch: ImportBatch) -> int:
    """Create the new records in bulk, with the one-row services' effects; the caller holds
    the transaction. Returns how many records were created."""
    now = timezone.now()
    create = _commitment_creator if kind == K.COMMITMENTS else _disbursement_creator
    create_chunk = create(actor=actor, batch=batch, now=now)
    created = 0
    for chunk in _chunks(outcome.new, CREATE_CHUNK):
        create_chunk(chunk)
        created += len(chunk)
    return created


def _commitment_creator(*, actor, batch: ImportBatch, now) -> Callable[[list[Commitment]], None]:
    """What ``commitment_pledge`` (and ``commitment_confirm``, for a row with its budget act)
    writes, for a chunk of checked commitments: the commitment and its history row, the
    partner group's COMMITMENT_PARTNER_PERMISSIONS on it, its workflow steps and audit
    entries. The permissions, content type and groups are fetched once for the import."""
    permission_ids = list(
        Permission.objects.filter(
            content_type__app_label="funding",
            codename__in=[name.split(".")[1] for name in COMMITMENT_PARTNER_PERMISSIONS],
        ).values_list("pk", flat=True)
    )
    content_type_id = ContentType.objects.get_for_model(Commitment).pk
    group_ids: dict[int, int] = {}

    def create(chunk: list[Commitment]) -> None:
        commitments = _create_with_history(Commitment, chunk, actor=actor, now=now)
        confirmed = []
        for saved, original in zip(commitments, chunk, strict=True):
            # Organisations, projects and plan actions were fetched once; the strings need them.
            saved.organisation = original.organisation
            saved.project, saved.plan_action = original.project, original.plan_action
            if saved.organisation_id not in group_ids:
                group_ids[saved.organisation_id] = organisation_group(saved.organisation).pk
            if saved.status == C.CONFIRMED:
                confirmed.append(saved)
        _insert_rows(
            CommitmentGroupObjectPermission,
            ("group_id", "permission_id", "content_object_id"),
            (
                (group_ids[c.organisation_id], permission_id, c.pk)
                for c in commitments
                for permission_id in permission_ids
            ),
        )
        no_act = ("", "", "", None, now)
        _insert_rows(
            StatusChange,
            STATUS_CHANGE_COLUMNS,
            [(content_type_id, c.pk, "", C.PLEDGED, actor.pk, *no_act) for c in commitments]
            + [
                (content_type_id, c.pk, C.PLEDGED, C.CONFIRMED, actor.pk, *no_act)
                for c in confirmed
            ],
        )
        _insert_rows(
            AuditEntry,
            AUDIT_COLUMNS,
            [
                *_audit_rows(
                    actor,
                    "commitment.pledged",
                    commitments,
                    lambda c: {"amount": str(c.amount), "import": batch.pk},
                    now=now,
                ),
                *_audit_rows(
                    actor,
                    "commitment.confirmed",
                    confirmed,
                    lambda c: {"import": batch.pk},
                    now=now,
                ),
            ],
        )

    return create


def _disbursement_creator(
    *, actor, batch: ImportBatch, now
) -> Callable[[list[Disbursement]], None]:
    """What ``disbursement_declare`` writes, for a chunk of checked disbursements: the
    disbursement, its history row, its audit entry."""

    def create(chunk: list[Disbursement]) -> None:
        disbursements = _create_with_history(Disbursement, chunk, actor=actor, now=now)
        for saved, original in zip(disbursements, chunk, strict=True):
            saved.commitment = original.commitment
        _insert_rows(
            AuditEntry,
            AUDIT_COLUMNS,
            _audit_rows(
                actor,
                "disbursement.declared",
                disbursements,
                lambda d: {
                    "amount": str(d.amount),
                    "commitment": d.commitment_id,
                    "import": batch.pk,
                },
                now=now,
            ),
        )

    return create
