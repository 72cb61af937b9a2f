"""A consultation of every question kind, its moderator, and a way to answer it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from consultation.models import Consultation, Question
from consultation.services import consultation_create, consultation_open, question_create
from programme.models import ProgrammeAssignment
from programme.services import sync_programme_roles
from tests.factories import ProgrammeAssignmentFactory, UserFactory

K = Question.Kind


@pytest.fixture
def moderator(programme):
    user = UserFactory(username="moderator")
    ProgrammeAssignmentFactory(
        user=user, programme=programme, role=ProgrammeAssignment.Role.MODERATOR
    )
    sync_programme_roles(user)
    return user


def build_consultation(programme, manager, *, audience=Consultation.Audience.ANYONE, **fields):
    """A draft with one question of each kind: its questions come back by kind."""
    now = timezone.now()
    consultation = consultation_create(
        actor=manager,
        programme=programme,
        title=fields.pop("title", "Priorità della Situation Room"),
        slug=fields.pop("slug", "priorita-situation-room"),
        opens_at=fields.pop("opens_at", now - datetime.timedelta(hours=1)),
        closes_at=fields.pop("closes_at", now + datetime.timedelta(days=30)),
        audience=audience,
        **fields,
    )
    questions = {
        K.SINGLE_CHOICE: question_create(
            consultation=consultation,
            actor=manager,
            text="Quale servizio usi di più?",
            kind=K.SINGLE_CHOICE,
            choices=["Autobus", "Parcheggi", "Bicicletta"],
        ),
        K.MULTIPLE_CHOICE: question_create(
            consultation=consultation,
            actor=manager,
            text="Quali dati vorresti vedere?",
            kind=K.MULTIPLE_CHOICE,
            min_choices=1,
            max_choices=2,
            choices=["Traffico", "Qualità dell'aria", "Rifiuti"],
        ),
        K.SCALE: question_create(
            consultation=consultation,
            actor=manager,
            text="Quanto sei soddisfatto dei servizi digitali?",
            kind=K.SCALE,
        ),
        K.RANKING: question_create(
            consultation=consultation,
            actor=manager,
            text="Ordina le priorità",
            kind=K.RANKING,
            choices=["Mobilità", "Ambiente", "Sicurezza"],
        ),
        K.FREE_TEXT: question_create(
            consultation=consultation,
            actor=manager,
            text="Commenti",
            kind=K.FREE_TEXT,
            required=False,
            max_length=50,
        ),
    }
    return consultation, questions


@pytest.fixture
def draft(programme, manager):
    return build_consultation(programme, manager)


@pytest.fixture
def open_consultation(draft, manager):
    consultation, questions = draft
    return consultation_open(consultation=consultation, actor=manager), questions


def ids(question, *labels):
    by_label = {c.label: c.pk for c in question.choices.all()}
    return [by_label[label] for label in labels]


def valid_answers(questions, **overrides):
    """Answers to every question, by question id; ``overrides`` by kind."""
    answers = {
        questions[K.SINGLE_CHOICE].pk: ids(questions[K.SINGLE_CHOICE], "Autobus")[0],
        questions[K.MULTIPLE_CHOICE].pk: ids(questions[K.MULTIPLE_CHOICE], "Traffico"),
        questions[K.SCALE].pk: 4,
        questions[K.RANKING].pk: ids(questions[K.RANKING], "Ambiente", "Mobilità", "Sicurezza"),
        questions[K.FREE_TEXT].pk: "Più autobus la sera.",
    }
    for kind, value in overrides.items():
        answers[questions[kind].pk] = value
    return answers
