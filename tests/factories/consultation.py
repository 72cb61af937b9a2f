"""Factories of the consultations: valid rows, written straight (tests of rules use services)."""

import datetime
import hashlib

import factory
from django.utils import timezone

from consultation.models import (
    Answer,
    Choice,
    Consultation,
    Flag,
    Question,
    RankedChoice,
    Response,
)
from tests.factories.programme import ProgrammeFactory
from tests.factories.users import UserFactory


class ConsultationFactory(factory.django.DjangoModelFactory):
    """An open consultation that opened yesterday and closes in a month."""

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Consultazione sulle priorità {n}")
    slug = factory.Sequence(lambda n: f"consultazione-{n}")
    description = "Diteci quali servizi contano di più per voi."
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    status = Consultation.Status.OPEN

    class Meta:
        model = Consultation


class QuestionFactory(factory.django.DjangoModelFactory):
    consultation = factory.SubFactory(ConsultationFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Domanda {n}?")
    kind = Question.Kind.SINGLE_CHOICE

    class Meta:
        model = Question


class ChoiceFactory(factory.django.DjangoModelFactory):
    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"Opzione {n}")

    class Meta:
        model = Choice


class ResponseFactory(factory.django.DjangoModelFactory):
    consultation = factory.SubFactory(ConsultationFactory)
    citizen = None
    receipt_hash = factory.Sequence(lambda n: hashlib.sha256(f"receipt-{n}".encode()).hexdigest())

    class Meta:
        model = Response


class RegisteredResponseFactory(ResponseFactory):
    citizen = factory.SubFactory(UserFactory)


class AnswerFactory(factory.django.DjangoModelFactory):
    """A free-text answer awaiting moderation, to a question of the response's consultation."""

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(
        QuestionFactory,
        consultation=factory.SelfAttribute("..response.consultation"),
        kind=Question.Kind.FREE_TEXT,
    )
    text = "Servono più dati aperti sul trasporto pubblico."
    moderation = Answer.Moderation.PENDING

    class Meta:
        model = Answer


class RankedChoiceFactory(factory.django.DjangoModelFactory):
    answer = factory.SubFactory(
        AnswerFactory,
        text="",
        moderation=Answer.Moderation.NOT_NEEDED,
        question__kind=Question.Kind.RANKING,
    )
    choice = factory.SubFactory(ChoiceFactory, question=factory.SelfAttribute("..answer.question"))
    rank = 1

    class Meta:
        model = RankedChoice


class FlagFactory(factory.django.DjangoModelFactory):
    answer = factory.SubFactory(AnswerFactory, moderation=Answer.Moderation.APPROVED)
    citizen = factory.SubFactory(UserFactory)
    reason = "Contiene un insulto."

    class Meta:
        model = Flag
