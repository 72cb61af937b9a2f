"""Every write to the consultations: keyword-only, validated, atomic, audited.

Setting ``_history_user`` before a save tells django-simple-history who made the change.
A citizen's answers are audited without the client's IP address or user agent (the request
context is emptied around their audit rows): a response keeps no IP anywhere.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultation.models import (
    Answer,
    Choice,
    Consultation,
    Flag,
    Question,
    RankedChoice,
    Response,
)
from core.audit import RequestContext, audit_record, reset_request_context, set_request_context
from core.models import AuditEntry
from programme.workflow import check_transition, record_status_change

S = Consultation.Status
CONSULTATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.OPEN,),
    S.OPEN: (S.CLOSED,),
    S.CLOSED: (S.RESULTS_PUBLISHED,),
    S.RESULTS_PUBLISHED: (),
}
K = Question.Kind
M = Answer.Moderation

CONSULTATION_EDITABLE = frozenset(
    {
        "title",
        "slug",
        "description",
        "opens_at",
        "closes_at",
        "audience",
        "retention_days",
        "plan_phase",
        "project",
    }
)
# What would change the meaning of answers already given.
LOCKED_ONCE_ANSWERED = frozenset({"audience"})
QUESTION_EDITABLE = frozenset(
    {"text", "help_text", "kind", "required", "min_choices", "max_choices", "max_length"}
)

# What a browser would read as a tag, a comment or a declaration: "<b>", "</a>", "<!--",
# "<?xml". A lone "<" or ">" ("3 < 5") is plain text and stays.
_TAG = re.compile(r"</?[a-zA-Z!?][^<>]*>")

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# --- helpers -----------------------------------------------------------------------------


def receipt_hash(code: str) -> str:
    """The stored form of a receipt code: SHA-256 of the code without dashes, upper case."""
    normalised = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_receipt_code() -> str:
    """Sixteen characters of an unambiguous alphabet (80 bits), in groups of four."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _audit_without_client(*, actor, verb: str, target, data: dict | None = None) -> AuditEntry:
    """An audit row that records no IP address and no user agent (citizens' actions)."""
    token = set_request_context(RequestContext())
    try:
        return audit_record(actor=actor, verb=verb, target=target, data=data)
    finally:
        reset_request_context(token)


def _is_citizen(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _refuse_if_answered(consultation: Consultation) -> None:
    if consultation.responses.exists():
        raise ValidationError(
            _("The consultation has responses: its questions can no longer change."),
            code="answered",
        )


# --- consultations -----------------------------------------------------------------------


@transaction.atomic
def consultation_create(*, actor: AbstractBaseUser, **fields) -> Consultation:
    """A draft consultation of a programme (optionally about one of its phases or projects)."""
    decisions = fields.pop("decisions", None)
    changed_projects = fields.pop("changed_projects", None)
    consultation = Consultation(**fields, created_by=actor)
    consultation.full_clean()
    consultation._history_user = actor
    consultation.save()
    if decisions or changed_projects:
        _set_outcome_links(consultation, decisions or [], changed_projects or [])
    record_status_change(target=consultation, from_status="", to_status=S.DRAFT, actor=actor)
    audit_record(actor=actor, verb="consultation.created", target=consultation)
    return consultation


@transaction.atomic
def consultation_update(
    *, consultation: Consultation, actor: AbstractBaseUser, **changes
) -> Consultation:
    """Change a consultation's fields; who may answer is fixed once anyone has answered."""
    refused = set(changes) - CONSULTATION_EDITABLE
    if refused:
        raise TypeError(f"consultation_update cannot change {', '.join(sorted(refused))}")
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.anonymised_at is not None:
        raise ValidationError(_("An anonymised consultation can no longer change."), code="anon")
    locked = {
        field
        for field in set(changes) & LOCKED_ONCE_ANSWERED
        if changes[field] != getattr(consultation, field)
    }
    if locked and consultation.responses.exists():
        raise ValidationError(
            {
                field: ValidationError(
                    _("The consultation has responses: this can no longer change."),
                    code="answered",
                )
                for field in locked
            }
        )
    before = {field: str(getattr(consultation, field)) for field in changes}
    for field, value in changes.items():
        setattr(consultation, field, value)
    consultation.full_clean()
    consultation._history_user = actor
    consultation.save()
    audit_record(
        actor=actor,
        verb="consultation.updated",
        target=consultation,
        data={"before": before, "after": {f: str(getattr(consultation, f)) for f in changes}},
    )
    return consultation


def _set_outcome_links(consultation: Consultation, decisions, changed_projects) -> None:
    errors = {}
    if any(d.meeting.programme_id != consultation.programme_id for d in decisions):
        errors["decisions"] = ValidationError(
            _("Choose decisions of the programme's working group."), code="other_programme"
        )
    if any(p.programme_id != consultation.programme_id for p in changed_projects):
        errors["changed_projects"] = ValidationError(
            _("Choose projects of this programme."), code="other_programme"
        )
    if errors:
        raise ValidationError(errors)
    consultation.decisions.set(decisions)
    consultation.changed_projects.set(changed_projects)


@transaction.atomic
def consultation_record_outcome(
    *,
    consultation: Consultation,
    actor: AbstractBaseUser,
    outcome: str,
    decisions: Iterable = (),
    changed_projects: Iterable = (),
) -> Consultation:
    """ "You said, we did": what came of the answers, with the decisions and projects it led to.

    Only once the consultation has closed: before, there is nothing to answer to yet.
    """
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status not in (S.CLOSED, S.RESULTS_PUBLISHED):
        raise ValidationError(
            _("The outcome is recorded once the consultation has closed."), code="not_closed"
        )
    decisions, changed_projects = list(decisions), list(changed_projects)
    _set_outcome_links(consultation, decisions, changed_projects)
    consultation.outcome = outcome.strip()
    consultation.full_clean()
    consultation._history_user = actor
    consultation.save()
    audit_record(
        actor=actor,
        verb="consultation.outcome_recorded",
        target=consultation,
        data={
            "decisions": [d.pk for d in decisions],
            "changed_projects": [p.pk for p in changed_projects],
        },
    )
    return consultation


def _move(consultation: Consultation, to: str) -> tuple[Consultation, str]:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    previous = consultation.status
    check_transition(CONSULTATION_TRANSITIONS, previous, to, Consultation.Status)
    consultation.status = to
    return consultation, previous


def _save_move(consultation, previous, *, actor, verb: str, note: str = "") -> Consultation:
    consultation.full_clean()
    consultation._history_user = actor
    consultation.save()
    record_status_change(
        target=consultation,
        from_status=previous,
        to_status=consultation.status,
        actor=actor,
        note=note,
    )
    audit_record(actor=actor, verb=verb, target=consultation)
    return consultation


@transaction.atomic
def consultation_open(*, consultation: Consultation, actor: AbstractBaseUser) -> Consultation:
    """Open a draft that has at least one question, every choice question with its choices.

    Answers are accepted from ``opens_at`` to ``closes_at``; opening after the closing time
    is refused.
    """
    consultation, previous = _move(consultation, S.OPEN)
    questions = list(consultation.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("Add at least one question before opening."), code="no_questions")
    empty = [q.position for q in questions if q.has_choices and len(q.choices.all()) < 2]
    if empty:
        raise ValidationError(
            _("Questions %(positions)s need at least two choices.")
            % {"positions": ", ".join(str(p) for p in empty)},
            code="no_choices",
        )
    unanswerable = [
        q.position
        for q in questions
        if q.kind == K.MULTIPLE_CHOICE and (q.min_choices or 0) > len(q.choices.all())
    ]
    if unanswerable:
        raise ValidationError(
            _("Questions %(positions)s ask for more choices than they offer.")
            % {"positions": ", ".join(str(p) for p in unanswerable)},
            code="min_choices",
        )
    if consultation.closes_at <= timezone.now():
        raise ValidationError(
            {"closes_at": _("The closing time has passed: move it forward before opening.")},
            code="closed_already",
        )
    return _save_move(consultation, previous, actor=actor, verb="consultation.opened")


@transaction.atomic
def consultation_close(*, consultation: Consultation, actor: AbstractBaseUser) -> Consultation:
    """Close an open consultation; closing early moves the closing time to now (retention
    runs from the closing time)."""
    consultation, previous = _move(consultation, S.CLOSED)
    now = timezone.now()
    if consultation.closes_at > now:
        consultation.closes_at = max(now, consultation.opens_at + timedelta(seconds=1))
    return _save_move(consultation, previous, actor=actor, verb="consultation.closed")


@transaction.atomic
def consultation_publish_results(
    *, consultation: Consultation, actor: AbstractBaseUser
) -> Consultation:
    """Make the results public: only once the consultation has closed."""
    consultation, previous = _move(consultation, S.RESULTS_PUBLISHED)
    return _save_move(consultation, previous, actor=actor, verb="consultation.results_published")


@transaction.atomic
def close_due_consultations() -> int:
    """Close the open consultations whose closing time has passed (a beat task calls it)."""
    closed = 0
    due = Consultation.objects.filter(status=S.OPEN, closes_at__lte=timezone.now())
    for consultation in due.select_for_update(skip_locked=True):
        consultation, previous = _move(consultation, S.CLOSED)
        _save_move(consultation, previous, actor=None, verb="consultation.closed")
        closed += 1
    return closed


# --- questions and choices ---------------------------------------------------------------


def _locked_consultation(consultation_id: int) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation_id)
    _refuse_if_answered(consultation)
    return consultation


@transaction.atomic
def question_create(
    *,
    consultation: Consultation,
    actor: AbstractBaseUser,
    choices: Iterable[str] = (),
    **fields,
) -> Question:
    """Add a question at the end (or at ``position``), with its choices' labels in order."""
    consultation = _locked_consultation(consultation.pk)
    if "position" not in fields:
        last = consultation.questions.order_by("-position").values_list("position", flat=True)
        fields["position"] = (last.first() or 0) + 1
    question = Question(consultation=consultation, **fields)
    question.full_clean()
    question.save()
    labels = list(choices)
    if labels and not question.has_choices:
        raise ValidationError(
            {"kind": _("Only choice, multiple-choice and ranking questions have choices.")}
        )
    for position, label in enumerate(labels, start=1):
        choice = Choice(question=question, position=position, label=label)
        choice.full_clean()
        choice.save()
    audit_record(actor=actor, verb="question.created", target=question, data={"choices": labels})
    return question


@transaction.atomic
def question_update(*, question: Question, actor: AbstractBaseUser, **changes) -> Question:
    refused = set(changes) - QUESTION_EDITABLE
    if refused:
        raise TypeError(f"question_update cannot change {', '.join(sorted(refused))}")
    _locked_consultation(question.consultation_id)
    question = Question.objects.get(pk=question.pk)
    before = {field: str(getattr(question, field)) for field in changes}
    for field, value in changes.items():
        setattr(question, field, value)
    question.full_clean()
    if not question.has_choices and question.choices.exists():
        raise ValidationError(
            {"kind": _("Remove the question's choices before making it a question without.")}
        )
    question.save()
    audit_record(
        actor=actor,
        verb="question.updated",
        target=question,
        data={"before": before, "after": {f: str(getattr(question, f)) for f in changes}},
    )
    return question


@transaction.atomic
def question_delete(*, question: Question, actor: AbstractBaseUser) -> None:
    consultation = _locked_consultation(question.consultation_id)
    audit_record(actor=actor, verb="question.deleted", target=question)
    question.delete()
    _renumber(consultation.questions.order_by("position"))


def _renumber(rows) -> None:
    """Give ordered rows the positions 1..n, in two passes so the unique position holds."""
    rows = list(rows)
    model = type(rows[0]) if rows else None
    if model is None:
        return
    offset = 10_000
    for row in rows:
        model.objects.filter(pk=row.pk).update(position=row.position + offset)
    for position, row in enumerate(rows, start=1):
        model.objects.filter(pk=row.pk).update(position=position)


@transaction.atomic
def question_reorder(
    *, consultation: Consultation, actor: AbstractBaseUser, order: list[int]
) -> None:
    """Put the questions in the order of ``order`` (every question's id, once)."""
    consultation = _locked_consultation(consultation.pk)
    questions = {q.pk: q for q in consultation.questions.all()}
    if sorted(order) != sorted(questions):
        raise ValidationError(
            _("Give every question of the consultation once, in the new order."), code="order"
        )
    _renumber([questions[pk] for pk in order])
    audit_record(actor=actor, verb="question.reordered", target=consultation, data={"order": order})


@transaction.atomic
def choice_create(*, question: Question, actor: AbstractBaseUser, label: str) -> Choice:
    _locked_consultation(question.consultation_id)
    if not question.has_choices:
        raise ValidationError(
            _("Only choice, multiple-choice and ranking questions have choices."), code="kind"
        )
    last = question.choices.order_by("-position").values_list("position", flat=True).first()
    choice = Choice(question=question, position=(last or 0) + 1, label=label)
    choice.full_clean()
    choice.save()
    audit_record(actor=actor, verb="choice.created", target=choice)
    return choice


@transaction.atomic
def choice_update(*, choice: Choice, actor: AbstractBaseUser, label: str) -> Choice:
    _locked_consultation(choice.question.consultation_id)
    before = choice.label
    choice.label = label
    choice.full_clean()
    choice.save()
    audit_record(
        actor=actor,
        verb="choice.updated",
        target=choice,
        data={"before": before, "after": label},
    )
    return choice


@transaction.atomic
def choice_delete(*, choice: Choice, actor: AbstractBaseUser) -> None:
    _locked_consultation(choice.question.consultation_id)
    question = choice.question
    audit_record(actor=actor, verb="choice.deleted", target=choice)
    choice.delete()
    _renumber(question.choices.order_by("position"))


# --- answers -----------------------------------------------------------------------------


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def _as_ids(value: Any) -> list[int] | None:
    """Choice ids from a form or an API: an int, a numeric string, or a list of them."""
    values = value if isinstance(value, list | tuple) else [value]
    ids = []
    for item in values:
        try:
            ids.append(int(item))
        except (TypeError, ValueError):
            return None
    return ids


def _clean_answer(question: Question, value: Any, choice_ids: set[int]):
    """The answer's clean form for ``question``, or a ValidationError saying what is wrong.

    Free text: a string without HTML tags, stripped, within max_length. Single choice: one
    choice id. Multiple choice: distinct ids within min/max. Scale: 1–5. Ranking: every
    choice of the question exactly once, first the preferred (a complete ranking, so that a
    Borda count compares like with like).
    """
    if question.kind == K.FREE_TEXT:
        if not isinstance(value, str):
            raise ValidationError(_("Write the answer as text."), code="text")
        text = value.replace("\r\n", "\n").strip()
        if _TAG.search(text):
            raise ValidationError(
                _("HTML is not accepted: write plain text, without tags like <b> or <a>."),
                code="html",
            )
        if len(text) > question.max_length:
            raise ValidationError(
                ngettext(
                    "Write at most %(limit)d character (you wrote %(count)d).",
                    "Write at most %(limit)d characters (you wrote %(count)d).",
                    question.max_length,
                )
                % {"limit": question.max_length, "count": len(text)},
                code="too_long",
            )
        return text
    if question.kind == K.SCALE:
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not Question.SCALE_MIN <= number <= Question.SCALE_MAX:
            raise ValidationError(_("Choose a value from 1 to 5."), code="scale")
        return number
    ids = _as_ids(value)
    if ids is None or any(pk not in choice_ids for pk in ids):
        raise ValidationError(_("Choose among the question's options."), code="choice")
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Choose each option once."), code="duplicate")
    if question.kind == K.SINGLE_CHOICE:
        if len(ids) != 1:
            raise ValidationError(_("Choose exactly one option."), code="single")
        return ids
    if question.kind == K.MULTIPLE_CHOICE:
        low = question.min_choices or (1 if question.required else 0)
        high = question.max_choices or len(choice_ids)
        if not low <= len(ids) <= high:
            if low == high:
                message = ngettext(
                    "Choose exactly %(count)d option.", "Choose exactly %(count)d options.", low
                ) % {"count": low}
            else:
                message = _("Choose from %(low)d to %(high)d options.") % {
                    "low": low,
                    "high": high,
                }
            raise ValidationError(message, code="count")
        return ids
    # Ranking.
    if len(ids) != len(choice_ids):
        raise ValidationError(
            _("Put every option in order, from the one you prefer most."), code="ranking"
        )
    return ids


def validate_answers(consultation: Consultation, answers: dict) -> dict[int, Any]:
    """Every answer checked by its question; all the errors at once, by question id."""
    questions = list(consultation.questions.prefetch_related("choices"))
    known = {q.pk for q in questions}
    errors: dict[str, list[ValidationError]] = {}
    unknown = [key for key in answers if _as_ids(key) is None or int(key) not in known]
    if unknown:
        errors["__all__"] = [
            ValidationError(_("Some answers are for questions of another consultation."))
        ]
    cleaned: dict[int, Any] = {}
    for question in questions:
        value = answers.get(question.pk, answers.get(str(question.pk)))
        if isinstance(value, str) and question.kind != K.FREE_TEXT:
            value = value.strip()
        if _is_blank(value) or (question.kind == K.FREE_TEXT and not str(value).strip()):
            if question.required:
                errors[str(question.pk)] = [
                    ValidationError(_("This question needs an answer."), code="required")
                ]
            continue
        try:
            cleaned[question.pk] = _clean_answer(
                question, value, {c.pk for c in question.choices.all()}
            )
        except ValidationError as error:
            errors[str(question.pk)] = [error]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _write_answers(response: Response, cleaned: dict[int, Any], questions, actor) -> None:
    by_id = {q.pk: q for q in questions}
    for question_id, value in cleaned.items():
        question = by_id[question_id]
        answer = Answer(response=response, question=question)
        if question.kind == K.FREE_TEXT:
            answer.text = value
            answer.moderation = M.PENDING
        elif question.kind == K.SCALE:
            answer.scale = value
        answer.full_clean()
        answer._history_user = actor
        answer.save()
        if question.kind in (K.SINGLE_CHOICE, K.MULTIPLE_CHOICE):
            answer.choices.set(value)
        elif question.kind == K.RANKING:
            RankedChoice.objects.bulk_create(
                RankedChoice(answer=answer, choice_id=pk, rank=rank)
                for rank, pk in enumerate(value, start=1)
            )


@transaction.atomic
def response_submit(
    *, consultation: Consultation, answers: dict, citizen: AbstractBaseUser | None = None
) -> tuple[Response, str]:
    """Record a citizen's answers; return the response and its receipt code (shown once).

    Refused when the consultation does not accept answers now, or only registered citizens
    may answer and there is none. Every answer is checked by its question and all errors come
    at once, as ``ValidationError({question_id: [...]})``; nothing is saved unless all pass.
    A registered citizen who has answered already gets their response replaced (allowed while
    the consultation is open) and a new receipt; an anonymous answer always makes a new
    response. Free text waits for moderation. No IP address is stored, not even in the audit.
    """
    consultation = Consultation.objects.get(pk=consultation.pk)
    refusal = consultation.answer_refusal(citizen)
    if refusal:
        raise ValidationError(refusal, code="not_accepting")
    cleaned = validate_answers(consultation, answers)
    if not cleaned:
        raise ValidationError(_("Answer at least one question."), code="empty")
    questions = list(consultation.questions.all())
    citizen = citizen if _is_citizen(citizen) else None
    code = _new_receipt_code()
    response = None
    if citizen is not None:
        response = (
            Response.objects.select_for_update()
            .filter(consultation=consultation, citizen=citizen)
            .first()
        )
    if response is not None:
        # The previous answers' history copies keep them until anonymisation.
        for answer in response.answers.all():
            answer._history_user = citizen
            answer.delete()
        response.receipt_hash = receipt_hash(code)
        response._history_user = citizen
        response.save()
        verb = "response.updated"
    else:
        response = Response(
            consultation=consultation, citizen=citizen, receipt_hash=receipt_hash(code)
        )
        response.full_clean()
        response._history_user = citizen
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError as error:
            # Two submissions by one citizen at once: the other one won.
            raise ValidationError(
                _("Your answer is already being recorded: reload the page."), code="race"
            ) from error
        verb = "response.submitted"
    _write_answers(response, cleaned, questions, citizen)
    _audit_without_client(
        actor=citizen, verb=verb, target=response, data={"consultation": consultation.pk}
    )
    return response, code


def response_by_receipt(consultation: Consultation, code: str) -> Response | None:
    return Response.objects.filter(
        consultation=consultation, receipt_hash=receipt_hash(code)
    ).first()


# --- moderation --------------------------------------------------------------------------


@transaction.atomic
def answer_moderate(
    *, answer: Answer, moderator: AbstractBaseUser, approve: bool, reason: str = ""
) -> Answer:
    """Approve a free-text answer (it becomes public) or reject it with a reason.

    A decision resolves the flags that brought the answer back to the queue.
    """
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    if answer.moderation == M.NOT_NEEDED:
        raise ValidationError(_("Only free-text answers are moderated."), code="not_text")
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(
            {"rejection_reason": _("Say why the answer is rejected.")}, code="no_reason"
        )
    answer.moderation = M.APPROVED if approve else M.REJECTED
    answer.rejection_reason = "" if approve else reason
    answer.moderated_by = moderator
    answer.moderated_at = timezone.now()
    answer.full_clean()
    answer._history_user = moderator
    answer.save()
    answer.flags.filter(resolved_at__isnull=True).update(resolved_at=answer.moderated_at)
    audit_record(
        actor=moderator,
        verb="answer.approved" if approve else "answer.rejected",
        target=answer,
        data={} if approve else {"reason": reason},
    )
    return answer


@transaction.atomic
def answer_flag(*, answer: Answer, reason: str, citizen: AbstractBaseUser | None = None) -> Flag:
    """Flag a published comment: it leaves the public pages and goes back to the queue."""
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    if answer.moderation != M.APPROVED:
        raise ValidationError(_("Only published comments can be flagged."), code="not_public")
    reason = reason.strip()
    errors = []
    if not reason:
        errors.append(_("Say what is wrong with the comment."))
    if _TAG.search(reason):
        errors.append(_("HTML is not accepted: write plain text, without tags like <b> or <a>."))
    if errors:
        raise ValidationError({"reason": errors})
    citizen = citizen if _is_citizen(citizen) else None
    if citizen and answer.flags.filter(citizen=citizen).exists():
        raise ValidationError(_("You have already flagged this comment."), code="flagged")
    flag = Flag(answer=answer, citizen=citizen, reason=reason)
    flag.full_clean()
    flag.save()
    answer.moderation = M.PENDING
    answer._history_user = citizen
    answer.save()
    _audit_without_client(actor=citizen, verb="answer.flagged", target=answer)
    return flag


# --- privacy -----------------------------------------------------------------------------


def _scrub(responses, *, blank_statuses: tuple[str, ...], citizens: set[int]) -> dict:
    """Cut the responses' links to people, in the rows, their history copies and the audit.

    Texts whose moderation status is in ``blank_statuses`` are blanked, in the rows; the
    history copies of the answers lose their text entirely (the live approved text is the
    only one that stays); flags on these answers lose who flagged.
    """
    response_ids = list(responses.values_list("pk", flat=True))
    answers = Answer.objects.filter(response__in=response_ids)
    answer_ids = list(answers.values_list("pk", flat=True))
    blanked = answers.filter(moderation__in=blank_statuses).exclude(text="").update(text="")
    detached = responses.filter(citizen__isnull=False).update(citizen=None)
    Response.history.filter(id__in=response_ids).update(citizen=None, history_user=None)
    # By response: the history keeps the answers a citizen replaced, which no longer exist.
    answer_history = Answer.history.filter(response_id__in=response_ids)
    answer_ids = sorted(set(answer_ids) | set(answer_history.values_list("id", flat=True)))
    answer_history.update(text="", history_user=None)
    flags = Flag.objects.filter(answer__in=answer_ids)
    flag_ids = list(flags.values_list("pk", flat=True))
    flags.update(citizen=None)
    targets = (
        Q(target_type="consultation.response", target_id__in=[str(pk) for pk in response_ids])
        | Q(target_type="consultation.answer", target_id__in=[str(pk) for pk in answer_ids])
        | Q(target_type="consultation.flag", target_id__in=[str(pk) for pk in flag_ids])
    )
    # The citizens' own rows lose who they were; a moderator's row keeps its moderator.
    audited = AuditEntry.objects.filter(targets).filter(
        Q(actor__isnull=True) | Q(actor_id__in=citizens)
    )
    audit_rows = audited.update(actor=None, actor_repr="", ip_address=None, user_agent="", data={})
    return {
        "responses": len(response_ids),
        "detached": detached,
        "texts_blanked": blanked,
        "audit_rows": audit_rows,
    }


@transaction.atomic
def consultation_anonymise(*, consultation: Consultation) -> Consultation:
    """Anonymise the consultation's personal data once its retention period has passed.

    What goes: each response's link to its citizen (in the rows and their history copies),
    who made each history copy of a response or answer, every text in the answers' history
    copies, the free texts never approved (pending or rejected, blanked), who flagged a
    comment, and — in the audit rows of the responses, answers and flags — the citizen, IP
    address, user agent and details. What stays: the responses and their answers as counted
    (choices, scale values, rankings), the approved texts exactly as they were published,
    the moderators' decisions and reasons, the receipt hashes (they name nobody), and the
    consultation itself. Idempotent: a second run finds nothing left to cut.
    """
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status not in (S.CLOSED, S.RESULTS_PUBLISHED):
        raise ValidationError(_("Only a closed consultation is anonymised."), code="not_closed")
    responses = Response.objects.filter(consultation=consultation)
    citizens = set(
        responses.filter(citizen__isnull=False).values_list("citizen_id", flat=True)
    ) | set(
        Response.history.filter(consultation_id=consultation.pk, citizen__isnull=False).values_list(
            "citizen_id", flat=True
        )
    )
    flagged_by = set(
        Flag.objects.filter(
            answer__response__consultation=consultation, citizen__isnull=False
        ).values_list("citizen_id", flat=True)
    )
    figures = _scrub(
        responses, blank_statuses=(M.PENDING, M.REJECTED), citizens=citizens | flagged_by
    )
    consultation.anonymised_at = timezone.now()
    consultation._history_user = None
    consultation.save(update_fields=["anonymised_at", "updated_at"])
    audit_record(actor=None, verb="consultation.anonymised", target=consultation, data=figures)
    return consultation


def anonymise_due_consultations() -> int:
    """Anonymise every closed consultation whose retention period has passed; the count."""
    done = 0
    now = timezone.now()
    candidates = Consultation.objects.filter(
        status__in=(S.CLOSED, S.RESULTS_PUBLISHED), anonymised_at__isnull=True
    ).only("pk", "closes_at", "retention_days")
    for consultation in candidates:
        if consultation.retention_ends_at <= now:
            consultation_anonymise(consultation=consultation)
            done += 1
    return done


@transaction.atomic
def citizen_answers_forget(*, user: AbstractBaseUser) -> dict[str, int]:
    """Take a citizen's name off everything they said: their answers stay counted.

    Their responses are detached from them (rows and history copies), the history copies of
    their answers lose their text, their rejected texts are blanked (approved ones stay as
    published; pending ones stay in the moderation queue, now anonymous), their flags lose
    who flagged, and their own audit rows on these objects lose their name. The account
    itself is left to the caller (``citizen_forget``, or the account deletion of portal,
    which registers this function in ``core.personal_data``).
    """
    responses = Response.objects.filter(citizen=user)
    response_ids = set(responses.values_list("pk", flat=True)) | set(
        Response.history.filter(citizen=user).values_list("id", flat=True)
    )
    figures = _scrub(
        Response.objects.filter(pk__in=response_ids),
        blank_statuses=(M.REJECTED,),
        citizens={user.pk},
    )
    Flag.objects.filter(citizen=user).update(citizen=None)
    # Their answers and flags (audited on the answer) anywhere, not only in their responses.
    AuditEntry.objects.filter(actor=user, target_type__startswith="consultation.").update(
        actor=None, actor_repr="", ip_address=None, user_agent="", data={}
    )
    return figures


@transaction.atomic
def citizen_forget(*, user: AbstractBaseUser) -> AbstractBaseUser:
    """A citizen deletes their account: their answers stay counted, nothing names them.

    ``citizen_answers_forget``, then the account is deactivated and its personal fields
    replaced: username ``deleted-<random>``, no e-mail, no name, no usable password. Staff and
    administrators are refused: their accounts carry the programme's accountability and are
    closed by an administrator.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.is_staff or user.is_superuser:
        raise ValidationError(
            _("Staff accounts are closed by an administrator, not deleted by their owner."),
            code="staff",
        )
    figures = citizen_answers_forget(user=user)
    user.username = f"deleted-{uuid.uuid4().hex[:20]}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    audit_record(actor=None, verb="citizen.forgotten", target=user, data=figures)
    return user


def citizen_answers(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """A citizen's own answers as plain data, for them to download (their right of access)."""
    responses = (
        Response.objects.filter(citizen=user)
        .select_related("consultation__programme")
        .prefetch_related(
            "answers__question",
            "answers__choices",
            "answers__ranking__choice",
        )
        .order_by("submitted_at", "pk")
    )
    data = []
    for response in responses:
        answers = []
        for answer in sorted(response.answers.all(), key=lambda a: a.question.position):
            question = answer.question
            if question.kind == K.FREE_TEXT:
                value: Any = answer.text
            elif question.kind == K.SCALE:
                value = answer.scale
            elif question.kind == K.RANKING:
                value = [ranked.choice.label for ranked in answer.ranking.all()]
            else:
                value = [choice.label for choice in answer.choices.all()]
            answers.append(
                {
                    "question": question.text,
                    "kind": question.kind,
                    "answer": value,
                    "moderation": answer.moderation,
                }
            )
        data.append(
            {
                "programme": response.consultation.programme.name,
                "consultation": response.consultation.title,
                "submitted_at": response.submitted_at.isoformat(),
                "updated_at": response.updated_at.isoformat(),
                "answers": answers,
            }
        )
    return data
