"""Who may manage, moderate, answer and read results; what each one sees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from consultation.models import Consultation, Question
from consultation.permissions import (
    can_answer,
    can_change_consultation,
    can_flag,
    can_moderate,
    can_open_moderation_queue,
    can_view_results,
)
from consultation.selectors import consultations_visible_to, moderation_queue, public_texts
from consultation.services import (
    answer_moderate,
    consultation_close,
    consultation_publish_results,
    response_submit,
)
from programme.models import Programme
from tests.consultation.conftest import build_consultation, valid_answers
from tests.factories import ConsultationFactory, ProgrammeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

K = Question.Kind


@pytest.fixture
def people(manager, moderator, council_member, citizen, project_manager, partner_rep):
    return {
        "anonymous": AnonymousUser(),
        "citizen": citizen,
        "manager": manager,
        "moderator": moderator,
        "council": council_member,
        "project manager": project_manager,
        "partner": partner_rep,
    }


def test_only_the_programmes_managers_change_a_consultation(people, open_consultation):
    consultation, _questions = open_consultation

    allowed = {name for name, user in people.items() if can_change_consultation(user, consultation)}

    assert allowed == {"manager"}
    assert can_change_consultation(people["citizen"], consultation).reason


def test_only_the_programmes_moderators_moderate(people, open_consultation):
    consultation, _questions = open_consultation
    elsewhere = ConsultationFactory()

    allowed = {name for name, user in people.items() if can_moderate(user, consultation)}

    assert allowed == {"moderator"}
    assert not can_moderate(people["moderator"], elsewhere)
    assert can_open_moderation_queue(people["moderator"])
    assert not can_open_moderation_queue(people["manager"])


def test_results_are_public_once_published(people, open_consultation, manager):
    consultation, _questions = open_consultation
    consultation = consultation_close(consultation=consultation, actor=manager)

    before = {name for name, user in people.items() if can_view_results(user, consultation)}
    consultation = consultation_publish_results(consultation=consultation, actor=manager)
    after = {name for name, user in people.items() if can_view_results(user, consultation)}

    assert before == {"manager", "moderator"}
    assert after == set(people)


def test_answering_explains_its_refusal(programme, manager, people):
    consultation, _questions = build_consultation(
        programme, manager, audience=Consultation.Audience.REGISTERED
    )

    assert "closed" in can_answer(people["citizen"], consultation).reason
    consultation.status = Consultation.Status.OPEN
    assert "registered" in can_answer(people["anonymous"], consultation).reason
    assert can_answer(people["citizen"], consultation)


def test_the_public_sees_public_consultations_of_published_programmes(people, programme):
    statuses = list(Consultation.Status)
    for status in statuses:
        ConsultationFactory(programme=programme, status=status, slug=f"c-{status}")
    draft_programme = ProgrammeFactory(status=Programme.Status.DRAFT)
    ConsultationFactory(programme=draft_programme, status=Consultation.Status.OPEN)

    public = set(consultations_visible_to(people["anonymous"]).values_list("status", flat=True))
    for_manager = consultations_visible_to(people["manager"])

    assert public == {"open", "closed", "results_published"}
    assert consultations_visible_to(people["anonymous"]).count() == 3
    assert set(for_manager.values_list("status", flat=True)) == set(statuses)
    assert for_manager.count() == 4


def test_unapproved_text_never_leaves_the_moderation_scope(open_consultation, moderator, people):
    consultation, questions = open_consultation
    response, _code = response_submit(consultation=consultation, answers=valid_answers(questions))
    comment = response.answers.get(question=questions[K.FREE_TEXT])

    assert list(public_texts(consultation)) == []
    assert not can_flag(people["citizen"], comment)
    assert list(moderation_queue(moderator)) == [comment]
    for name in ("manager", "council", "citizen", "anonymous"):
        assert list(moderation_queue(people[name])) == [], name

    comment = answer_moderate(answer=comment, moderator=moderator, approve=True)

    assert list(public_texts(consultation)) == [comment]
    assert list(moderation_queue(moderator)) == []
    assert can_flag(people["citizen"], comment)
