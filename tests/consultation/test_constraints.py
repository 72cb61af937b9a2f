"""The rules the database holds by itself, whatever writes the row."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from consultation.models import Answer, Consultation, Question
from tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    PlanPhaseFactory,
    ProjectFactory,
    QuestionFactory,
    RankedChoiceFactory,
    RegisteredResponseFactory,
    ResponseFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_consultation_closes_after_it_opens():
    consultation = ConsultationFactory()

    refused(
        lambda: Consultation.objects.filter(pk=consultation.pk).update(
            closes_at=consultation.opens_at - datetime.timedelta(hours=1)
        )
    )


def test_a_consultation_is_about_a_phase_or_a_project_not_both():
    programme = ConsultationFactory().programme
    phase = PlanPhaseFactory(plan__programme=programme)
    project = ProjectFactory(programme=programme)

    refused(lambda: ConsultationFactory(programme=programme, plan_phase=phase, project=project))


def test_slugs_are_unique_per_programme():
    consultation = ConsultationFactory()

    refused(lambda: ConsultationFactory(programme=consultation.programme, slug=consultation.slug))
    ConsultationFactory(slug=consultation.slug)  # another programme


def test_multiple_choice_minimum_within_maximum():
    refused(
        lambda: QuestionFactory(kind=Question.Kind.MULTIPLE_CHOICE, min_choices=3, max_choices=2)
    )


def test_question_positions_are_unique():
    question = QuestionFactory()

    refused(lambda: QuestionFactory(consultation=question.consultation, position=question.position))


def test_scale_values_run_from_1_to_5():
    answer = AnswerFactory(question__kind=Question.Kind.SCALE, text="", moderation="")

    for value in (0, 6):
        refused(lambda v=value: Answer.objects.filter(pk=answer.pk).update(scale=v))


def test_a_rejection_has_a_reason():
    answer = AnswerFactory()

    refused(lambda: Answer.objects.filter(pk=answer.pk).update(moderation="rejected"))


def test_one_response_per_registered_citizen_any_number_anonymous():
    response = RegisteredResponseFactory()

    refused(lambda: ResponseFactory(consultation=response.consultation, citizen=response.citizen))
    ResponseFactory(consultation=response.consultation)
    ResponseFactory(consultation=response.consultation)


def test_receipts_are_unique():
    response = ResponseFactory()

    refused(lambda: ResponseFactory(receipt_hash=response.receipt_hash))


def test_a_ranking_places_each_choice_once_at_one_rank():
    ranked = RankedChoiceFactory()

    refused(lambda: RankedChoiceFactory(answer=ranked.answer, choice=ranked.choice, rank=2))
    refused(lambda: RankedChoiceFactory(answer=ranked.answer, rank=1))
