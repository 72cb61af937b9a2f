"""Workflow machinery shared by every status that moves: the allowed steps and their record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from programme.models import AuthorisingAct, StatusChange


@dataclass(frozen=True)
class Act:
    """The act that authorises a step: a delibera di Giunta/Consiglio or a determina."""

    kind: str
    number: str
    date: date

    def __post_init__(self):
        if self.kind not in AuthorisingAct.values:
            raise ValidationError(_("Unknown kind of authorising act."), code="act_kind")
        if not self.number.strip():
            raise ValidationError(_("The authorising act needs its number."), code="act_number")
        if not isinstance(self.date, date):
            raise ValidationError(_("The authorising act needs its date."), code="act_date")
        if self.date > timezone.localdate():
            raise ValidationError(
                _("The authorising act cannot be dated in the future."), code="act_date"
            )


def check_transition(
    transitions: dict[str, tuple[str, ...]], current: str, target: str, labels
) -> None:
    """Refuse, with a message naming both statuses, a step the workflow does not allow."""
    if target not in labels.values:
        raise ValidationError(_("Unknown status “%(status)s”.") % {"status": target}, code="status")
    if target not in transitions.get(current, ()):
        raise ValidationError(
            _("The status cannot go from “%(current)s” to “%(target)s”.")
            % {
                "current": labels(current).label,
                "target": labels(target).label,
            },
            code="transition",
        )


def record_status_change(
    *,
    target: models.Model,
    from_status: str,
    to_status: str,
    actor,
    note: str = "",
    act: Act | None = None,
) -> StatusChange:
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
        act_kind=act.kind if act else "",
        act_number=act.number if act else "",
        act_date=act.date if act else None,
    )


def status_history(target: models.Model):
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("actor")


def status_label(statuses, code: str) -> str:
    """A status code in words, when the model knows it; a blank start shows as a dash."""
    if statuses is not None and code in statuses.values:
        return statuses(code).label
    return code or "—"


def status_history_html(target: models.Model, statuses) -> str:
    """The workflow steps of ``target`` as a table: when, from, to, who, note, act."""
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                date_format(timezone.localtime(change.created_at), "SHORT_DATETIME_FORMAT"),
                status_label(statuses, change.from_status),
                status_label(statuses, change.to_status),
                change.actor or "—",
                change.note,
                change.act_label,
            )
            for change in status_history(target)
        ),
    )
    if not rows:
        return _("No status change recorded yet.")
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
        "</tr></thead><tbody>{}</tbody></table>",
        _("time"),
        _("from"),
        _("to"),
        _("by"),
        _("note"),
        _("authorising act"),
        rows,
    )
