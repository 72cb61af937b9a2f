"""Who may do what with consultations (docs/permissions.md), and why not when they may not.

The programme's managers create, edit, open, close and publish its consultations and record
their outcome; its moderators (ProgrammeAssignment role "moderator") approve or reject free
text. Citizens answer what is open to them and flag published comments.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from consultation.models import Answer, Consultation
from core.permissions import Allowed
from programme.models import Programme, ProgrammeAssignment
from programme.selectors import assigned_programmes, managed_programmes

NOT_MANAGER = _("Only the programme's managers may do this.")
NOT_MODERATOR = _("Only the programme's moderators moderate its consultations.")


def _manages(user, programme_id: int | None) -> bool:
    if not user.is_authenticated or programme_id is None:
        return False
    return user.is_superuser or managed_programmes(user).filter(pk=programme_id).exists()


def moderated_programmes(user):
    if user.is_superuser:
        return Programme.objects.all()
    return assigned_programmes(user, ProgrammeAssignment.Role.MODERATOR)


def _moderates(user, programme_id: int | None) -> bool:
    if not user.is_authenticated or programme_id is None:
        return False
    return user.is_superuser or moderated_programmes(user).filter(pk=programme_id).exists()


def can_create_consultation(user, consultation: Consultation) -> Allowed:
    if _manages(user, consultation.programme_id):
        return Allowed.yes()
    return Allowed.no(NOT_MANAGER)


def can_change_consultation(user, consultation: Consultation) -> Allowed:
    """Edit it and its questions, open, close, publish the results, record the outcome."""
    return can_create_consultation(user, consultation)


def can_moderate(user, consultation: Consultation) -> Allowed:
    if _moderates(user, consultation.programme_id):
        return Allowed.yes()
    return Allowed.no(NOT_MODERATOR)


def can_open_moderation_queue(user) -> Allowed:
    if user.is_authenticated and moderated_programmes(user).exists():
        return Allowed.yes()
    return Allowed.no(NOT_MODERATOR)


def can_answer(user, consultation: Consultation) -> Allowed:
    """Anyone, or registered citizens only, while the consultation is open."""
    reason = consultation.answer_refusal(user)
    return Allowed.no(reason) if reason else Allowed.yes()


def can_view_results(user, consultation: Consultation) -> Allowed:
    """Public once published; before, only the programme's managers and moderators."""
    if consultation.status == Consultation.Status.RESULTS_PUBLISHED:
        return Allowed.yes()
    if _manages(user, consultation.programme_id) or _moderates(user, consultation.programme_id):
        return Allowed.yes()
    return Allowed.no(_("The results are public once the programme's managers publish them."))


def can_flag(user, answer: Answer) -> Allowed:
    if answer.moderation != Answer.Moderation.APPROVED:
        return Allowed.no(_("Only published comments can be flagged."))
    return Allowed.yes()
