"""Retention anonymisation (rows, history copies, audit) and a citizen deleting their account."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultation import tasks
from consultation.models import Answer, Consultation, Flag, Question, Response
from consultation.results import consultation_results
from consultation.services import (
    answer_flag,
    answer_moderate,
    citizen_answers,
    citizen_forget,
    consultation_anonymise,
    consultation_close,
    response_submit,
)
from core.models import AuditEntry
from tests.consultation.conftest import valid_answers
from tests.factories import AdminFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

K = Question.Kind


@pytest.fixture
def answered(open_consultation, moderator, citizen):
    """A registered citizen (who changed their answer once), an anonymous one, and a flag."""
    consultation, questions = open_consultation
    response_submit(
        consultation=consultation,
        answers=valid_answers(questions, free_text="Mi chiamo Cinzia Rossi, via Roma 3"),
        citizen=citizen,
    )
    mine, _code = response_submit(
        consultation=consultation,
        answers=valid_answers(questions, free_text="Più piste ciclabili"),
        citizen=citizen,
    )
    other, _code = response_submit(
        consultation=consultation, answers=valid_answers(questions, free_text="Rifiutato")
    )
    approved = mine.answers.get(question=questions[K.FREE_TEXT])
    answer_moderate(answer=approved, moderator=moderator, approve=True)
    rejected = other.answers.get(question=questions[K.FREE_TEXT])
    answer_moderate(answer=rejected, moderator=moderator, approve=False, reason="Fuori tema")
    flagger = UserFactory(username="flagger")
    answer_flag(answer=approved, citizen=flagger, reason="Non mi piace")
    answer_moderate(answer=approved, moderator=moderator, approve=True)
    return consultation, questions, mine, other, flagger


def personal_traces(citizen_ids) -> dict[str, int]:
    return {
        "responses": Response.objects.filter(citizen__in=citizen_ids).count(),
        "response history": Response.history.filter(citizen__in=citizen_ids).count(),
        "response history users": Response.history.filter(history_user__in=citizen_ids).count(),
        "answer history users": Answer.history.filter(history_user__in=citizen_ids).count(),
        "answer history texts": Answer.history.filter(text__contains="Cinzia").count(),
        "flags": Flag.objects.filter(citizen__in=citizen_ids).count(),
        "audit": AuditEntry.objects.filter(actor__in=citizen_ids).count(),
        "audit names": AuditEntry.objects.filter(actor_repr__in=["citizen", "flagger"]).count(),
    }


def test_anonymisation_cuts_every_personal_link(answered, manager, citizen, moderator):
    consultation, questions, mine, other, flagger = answered
    consultation = consultation_close(consultation=consultation, actor=manager)
    before = consultation_results(consultation)
    assert any(personal_traces([citizen.pk, flagger.pk]).values())

    consultation = consultation_anonymise(consultation=consultation)

    assert personal_traces([citizen.pk, flagger.pk]) == dict.fromkeys(personal_traces([0]), 0)
    assert consultation.anonymised_at is not None
    # Still counted, the published text as published, the rejected one gone.
    assert consultation_results(consultation) == before
    assert Answer.objects.get(pk=mine.answers.get(question=questions[K.FREE_TEXT]).pk).text == (
        "Più piste ciclabili"
    )
    rejected = other.answers.get(question=questions[K.FREE_TEXT])
    assert rejected.text == "" and rejected.rejection_reason == "Fuori tema"
    assert not Answer.history.exclude(text="").exists()
    # The moderators' decisions keep their moderator.
    assert AuditEntry.objects.filter(verb="answer.approved", actor=moderator).exists()
    assert AuditEntry.objects.filter(verb="consultation.anonymised").exists()


def test_anonymisation_is_idempotent(answered, manager):
    consultation, *_rest = answered
    consultation = consultation_close(consultation=consultation, actor=manager)
    consultation_anonymise(consultation=consultation)

    consultation_anonymise(consultation=consultation)

    entries = AuditEntry.objects.filter(verb="consultation.anonymised").order_by("pk")
    assert entries.last().data["detached"] == 0


def test_an_open_consultation_is_not_anonymised(answered):
    consultation, *_rest = answered

    with pytest.raises(ValidationError, match="Only a closed consultation"):
        consultation_anonymise(consultation=consultation)


def test_the_beat_task_anonymises_consultations_past_their_retention(answered, manager, citizen):
    consultation, *_rest = answered
    consultation = consultation_close(consultation=consultation, actor=manager)
    assert tasks.anonymise_due_consultations() == 0  # within the retention period
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - datetime.timedelta(days=consultation.retention_days + 1),
        opens_at=timezone.now() - datetime.timedelta(days=consultation.retention_days + 30),
    )

    assert tasks.anonymise_due_consultations() == 1

    assert not Response.objects.filter(citizen=citizen).exists()
    assert tasks.anonymise_due_consultations() == 0


def test_the_beat_task_closes_consultations_past_their_closing_time(open_consultation):
    consultation, _questions = open_consultation
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    assert tasks.close_due_consultations() == 1

    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED


def test_citizen_downloads_their_answers(answered, citizen):
    consultation, *_rest = answered

    data = citizen_answers(citizen)

    assert len(data) == 1
    assert data[0]["consultation"] == consultation.title
    answers = {a["kind"]: a["answer"] for a in data[0]["answers"]}
    assert answers["free_text"] == "Più piste ciclabili"
    assert answers["scale"] == 4
    assert answers["ranking"] == ["Ambiente", "Mobilità", "Sicurezza"]
    assert answers["single_choice"] == ["Autobus"]


def test_citizen_forget_keeps_the_answers_counted_and_names_nobody(answered, citizen):
    consultation, *_rest = answered
    before = consultation_results(consultation)

    user = citizen_forget(user=citizen)

    assert user.is_active is False
    assert user.username.startswith("deleted-") and user.email == "" and user.first_name == ""
    assert not user.has_usable_password()
    assert personal_traces([citizen.pk])["responses"] == 0
    assert personal_traces([citizen.pk])["response history"] == 0
    assert personal_traces([citizen.pk])["audit"] == 0
    assert Answer.history.filter(text__contains="Cinzia").count() == 0
    assert consultation_results(consultation) == before
    assert citizen_answers(user) == []


def test_staff_accounts_are_not_forgotten_by_themselves(db):
    with pytest.raises(ValidationError, match="closed by an administrator"):
        citizen_forget(user=AdminFactory())
