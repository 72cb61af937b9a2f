"""Answering, validation by question kind, the workflow, locked questions and moderation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultation.models import Answer, Consultation, Flag, Question, Response
from consultation.services import (
    answer_flag,
    answer_moderate,
    choice_create,
    choice_delete,
    consultation_close,
    consultation_create,
    consultation_open,
    consultation_publish_results,
    consultation_record_outcome,
    consultation_update,
    question_create,
    question_delete,
    question_reorder,
    question_update,
    receipt_hash,
    response_by_receipt,
    response_submit,
)
from core.audit import RequestContext, reset_request_context, set_request_context
from core.models import AuditEntry
from programme.workflow import status_history
from tests.consultation.conftest import build_consultation, ids, valid_answers
from tests.factories import DecisionFactory, MeetingFactory, ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

K = Question.Kind


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return {key: [str(m) for m in value] for key, value in error.message_dict.items()}


# --- the workflow ----------------------------------------------------------------------


def test_consultation_walks_draft_open_closed_published(draft, manager):
    consultation, _questions = draft
    assert consultation.status == Consultation.Status.DRAFT

    consultation = consultation_open(consultation=consultation, actor=manager)
    consultation = consultation_close(consultation=consultation, actor=manager)
    consultation = consultation_publish_results(consultation=consultation, actor=manager)

    assert consultation.status == Consultation.Status.RESULTS_PUBLISHED
    assert [c.to_status for c in status_history(consultation)] == [
        "draft",
        "open",
        "closed",
        "results_published",
    ]
    assert consultation.closes_at <= timezone.now()  # closed early: retention runs from now
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"consultation.opened", "consultation.closed", "consultation.results_published"} <= verbs


def test_results_are_published_only_once_closed(open_consultation, manager):
    consultation, _questions = open_consultation

    with pytest.raises(ValidationError, match="cannot go from “Open” to “Results published”"):
        consultation_publish_results(consultation=consultation, actor=manager)

    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN


def test_a_consultation_without_questions_does_not_open(programme, manager):
    now = timezone.now()
    consultation = consultation_create(
        actor=manager,
        programme=programme,
        title="Vuota",
        slug="vuota",
        opens_at=now,
        closes_at=now + datetime.timedelta(days=1),
    )

    with pytest.raises(ValidationError, match="at least one question"):
        consultation_open(consultation=consultation, actor=manager)


def test_a_choice_question_needs_two_choices_to_open(programme, manager):
    consultation, questions = build_consultation(programme, manager)
    for choice in list(questions[K.SINGLE_CHOICE].choices.all())[1:]:
        choice_delete(choice=choice, actor=manager)

    with pytest.raises(ValidationError, match="need at least two choices"):
        consultation_open(consultation=consultation, actor=manager)


def test_outcome_links_decisions_and_projects_of_the_same_programme(
    open_consultation, manager, programme
):
    consultation, _questions = open_consultation
    decision = DecisionFactory(meeting=MeetingFactory(programme=programme))
    project = ProjectFactory(programme=programme)
    elsewhere = DecisionFactory()

    with pytest.raises(ValidationError, match="once the consultation has closed"):
        consultation_record_outcome(consultation=consultation, actor=manager, outcome="Fatto")
    consultation = consultation_close(consultation=consultation, actor=manager)
    with pytest.raises(ValidationError) as refused:
        consultation_record_outcome(
            consultation=consultation, actor=manager, outcome="Fatto", decisions=[elsewhere]
        )
    assert "decisions" in refused.value.message_dict

    consultation = consultation_record_outcome(
        consultation=consultation,
        actor=manager,
        outcome="Avete chiesto più dati sul traffico: li pubblichiamo ogni ora.",
        decisions=[decision],
        changed_projects=[project],
    )

    assert list(consultation.decisions.all()) == [decision]
    assert list(consultation.changed_projects.all()) == [project]


def test_phase_or_project_of_another_programme_is_refused(draft, manager):
    consultation, _questions = draft

    with pytest.raises(ValidationError) as refused:
        consultation_update(consultation=consultation, actor=manager, project=ProjectFactory())

    assert "project" in refused.value.message_dict


# --- answering -------------------------------------------------------------------------


def test_anonymous_answer_is_recorded_with_a_receipt_and_no_ip(open_consultation):
    consultation, questions = open_consultation
    token = set_request_context(RequestContext(ip_address="203.0.113.9", user_agent="Firefox"))
    try:
        response, code = response_submit(
            consultation=consultation, answers=valid_answers(questions)
        )
    finally:
        reset_request_context(token)

    assert response.citizen is None
    assert response.receipt_hash == receipt_hash(code) != code
    assert response_by_receipt(consultation, code.lower()) == response
    assert response.answers.count() == 5
    free_text = response.answers.get(question=questions[K.FREE_TEXT])
    assert free_text.text == "Più autobus la sera."
    assert free_text.moderation == Answer.Moderation.PENDING
    ranking = response.answers.get(question=questions[K.RANKING])
    assert [r.choice.label for r in ranking.ranking.all()] == ["Ambiente", "Mobilità", "Sicurezza"]
    entry = AuditEntry.objects.get(verb="response.submitted")
    assert entry.ip_address is None and entry.user_agent == "" and entry.actor is None
    assert "ip" not in {field.name for field in Response._meta.get_fields()}


def test_optional_question_may_be_left_blank(open_consultation):
    consultation, questions = open_consultation

    response, _code = response_submit(
        consultation=consultation, answers=valid_answers(questions, free_text="  ")
    )

    assert not response.answers.filter(question=questions[K.FREE_TEXT]).exists()


BAD_ANSWERS = [
    (K.SINGLE_CHOICE, None, "This question needs an answer."),
    (K.SINGLE_CHOICE, [], "This question needs an answer."),
    (K.SINGLE_CHOICE, "abc", "Choose among the question's options."),
    (K.SINGLE_CHOICE, 999_999, "Choose among the question's options."),
    (K.MULTIPLE_CHOICE, "x", "Choose among the question's options."),
    (K.SCALE, 0, "Choose a value from 1 to 5."),
    (K.SCALE, 6, "Choose a value from 1 to 5."),
    (K.SCALE, "tanto", "Choose a value from 1 to 5."),
    (K.SCALE, None, "This question needs an answer."),
    (K.RANKING, None, "This question needs an answer."),
    (K.FREE_TEXT, 42, "Write the answer as text."),
    (K.FREE_TEXT, "<b>forte</b>", "HTML is not accepted"),
    (K.FREE_TEXT, "ciao <script>alert(1)</script>", "HTML is not accepted"),
    (K.FREE_TEXT, "x" * 51, "Write at most 50 characters (you wrote 51)."),
]


@pytest.mark.parametrize(("kind", "value", "message"), BAD_ANSWERS)
def test_bad_answer_gets_a_clear_message_and_nothing_is_saved(
    open_consultation, kind, value, message
):
    consultation, questions = open_consultation
    answers = valid_answers(questions)
    answers[questions[kind].pk] = value

    with pytest.raises(ValidationError) as refused:
        response_submit(consultation=consultation, answers=answers)

    errors = messages_of(refused.value)
    assert list(errors) == [str(questions[kind].pk)]
    assert message in errors[str(questions[kind].pk)][0]
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0


def test_choices_of_another_question_are_refused(open_consultation):
    consultation, questions = open_consultation
    other = ids(questions[K.MULTIPLE_CHOICE], "Rifiuti")[0]

    with pytest.raises(ValidationError) as refused:
        response_submit(
            consultation=consultation, answers=valid_answers(questions, single_choice=other)
        )

    assert "Choose among the question's options." in str(refused.value)


def test_single_choice_takes_exactly_one(open_consultation):
    consultation, questions = open_consultation
    two = ids(questions[K.SINGLE_CHOICE], "Autobus", "Parcheggi")

    with pytest.raises(ValidationError, match="Choose exactly one option"):
        response_submit(
            consultation=consultation, answers=valid_answers(questions, single_choice=two)
        )


def test_multiple_choice_within_min_and_max(open_consultation):
    consultation, questions = open_consultation
    three = ids(questions[K.MULTIPLE_CHOICE], "Traffico", "Qualità dell'aria", "Rifiuti")
    twice = ids(questions[K.MULTIPLE_CHOICE], "Traffico", "Traffico")

    with pytest.raises(ValidationError, match="Choose from 1 to 2 options"):
        response_submit(
            consultation=consultation, answers=valid_answers(questions, multiple_choice=three)
        )
    with pytest.raises(ValidationError, match="Choose each option once"):
        response_submit(
            consultation=consultation, answers=valid_answers(questions, multiple_choice=twice)
        )
    response, _code = response_submit(
        consultation=consultation, answers=valid_answers(questions, multiple_choice=three[:2])
    )
    assert response.answers.get(question=questions[K.MULTIPLE_CHOICE]).choices.count() == 2


def test_ranking_is_a_complete_order_of_the_options(open_consultation):
    consultation, questions = open_consultation
    partial = ids(questions[K.RANKING], "Ambiente", "Mobilità")
    repeated = ids(questions[K.RANKING], "Ambiente", "Ambiente", "Mobilità")

    with pytest.raises(ValidationError, match="Put every option in order"):
        response_submit(
            consultation=consultation, answers=valid_answers(questions, ranking=partial)
        )
    with pytest.raises(ValidationError, match="Choose each option once"):
        response_submit(
            consultation=consultation, answers=valid_answers(questions, ranking=repeated)
        )
    assert Response.objects.count() == 0


def test_every_error_comes_at_once_by_question(open_consultation):
    consultation, questions = open_consultation
    answers = valid_answers(questions, scale=9, free_text="<i>x</i>", single_choice=None)

    with pytest.raises(ValidationError) as refused:
        response_submit(consultation=consultation, answers=answers)

    assert set(messages_of(refused.value)) == {
        str(questions[K.SCALE].pk),
        str(questions[K.FREE_TEXT].pk),
        str(questions[K.SINGLE_CHOICE].pk),
    }


def test_answers_to_questions_of_another_consultation_are_refused(open_consultation):
    consultation, questions = open_consultation
    answers = valid_answers(questions)
    answers[999_999] = "chi sono?"

    with pytest.raises(ValidationError, match="questions of another consultation"):
        response_submit(consultation=consultation, answers=answers)


def test_form_strings_are_accepted_as_ids_and_values(open_consultation):
    consultation, questions = open_consultation
    answers = {
        str(question_id): ([str(v) for v in value] if isinstance(value, list) else str(value))
        for question_id, value in valid_answers(questions).items()
    }

    response, _code = response_submit(consultation=consultation, answers=answers)

    assert response.answers.get(question=questions[K.SCALE]).scale == 4


@pytest.mark.parametrize("when", ["draft", "not_yet", "past", "closed", "published"])
def test_a_consultation_not_open_refuses_answers(programme, manager, when):
    now = timezone.now()
    opens_at = (
        now + datetime.timedelta(days=2) if when == "not_yet" else now - datetime.timedelta(days=2)
    )
    consultation, questions = build_consultation(
        programme, manager, opens_at=opens_at, closes_at=now + datetime.timedelta(days=5)
    )
    if when != "draft":
        consultation = consultation_open(consultation=consultation, actor=manager)
    if when == "past":
        Consultation.objects.filter(pk=consultation.pk).update(
            closes_at=now - datetime.timedelta(minutes=1)
        )
    if when in ("closed", "published"):
        consultation = consultation_close(consultation=consultation, actor=manager)
    if when == "published":
        consultation = consultation_publish_results(consultation=consultation, actor=manager)
    expected = "has not opened yet" if when == "not_yet" else "no longer accepts answers"

    with pytest.raises(ValidationError, match=expected):
        response_submit(consultation=consultation, answers=valid_answers(questions))

    assert Response.objects.count() == 0


def test_registered_only_consultation_refuses_anonymous_answers(programme, manager, citizen):
    consultation, questions = build_consultation(
        programme, manager, audience=Consultation.Audience.REGISTERED
    )
    consultation = consultation_open(consultation=consultation, actor=manager)

    with pytest.raises(ValidationError, match="Only registered citizens"):
        response_submit(consultation=consultation, answers=valid_answers(questions))
    response, _code = response_submit(
        consultation=consultation, answers=valid_answers(questions), citizen=citizen
    )

    assert response.citizen == citizen


def test_a_registered_citizen_answers_once_and_may_change_the_answer(open_consultation, citizen):
    consultation, questions = open_consultation
    first, first_code = response_submit(
        consultation=consultation, answers=valid_answers(questions), citizen=citizen
    )

    second, second_code = response_submit(
        consultation=consultation, answers=valid_answers(questions, scale=2), citizen=citizen
    )

    assert second.pk == first.pk
    assert Response.objects.filter(consultation=consultation).count() == 1
    assert second.answers.get(question=questions[K.SCALE]).scale == 2
    assert Answer.objects.filter(question=questions[K.SCALE]).count() == 1
    assert first_code != second_code
    assert response_by_receipt(consultation, first_code) is None
    assert response_by_receipt(consultation, second_code) == second
    assert AuditEntry.objects.filter(verb="response.updated").count() == 1


def test_anonymous_answers_always_create_a_response(open_consultation):
    consultation, questions = open_consultation

    response_submit(consultation=consultation, answers=valid_answers(questions))
    response_submit(consultation=consultation, answers=valid_answers(questions))

    assert Response.objects.filter(consultation=consultation).count() == 2


def test_a_registered_citizens_bad_update_keeps_the_previous_answer(open_consultation, citizen):
    consultation, questions = open_consultation
    response_submit(consultation=consultation, answers=valid_answers(questions), citizen=citizen)

    with pytest.raises(ValidationError):
        response_submit(
            consultation=consultation, answers=valid_answers(questions, scale=7), citizen=citizen
        )

    assert Answer.objects.get(question=questions[K.SCALE]).scale == 4


# --- questions locked once answered ----------------------------------------------------


def test_questions_are_locked_once_answered(open_consultation, manager):
    consultation, questions = open_consultation
    response_submit(consultation=consultation, answers=valid_answers(questions))
    question = questions[K.SINGLE_CHOICE]
    locked = "its questions can no longer change"

    attempts = [
        lambda: question_create(
            consultation=consultation, actor=manager, text="Nuova?", kind=K.SCALE
        ),
        lambda: question_update(question=question, actor=manager, text="Cambiata?"),
        lambda: question_delete(question=question, actor=manager),
        lambda: question_reorder(
            consultation=consultation,
            actor=manager,
            order=[q.pk for q in reversed(list(consultation.questions.all()))],
        ),
        lambda: choice_create(question=question, actor=manager, label="Treno"),
        lambda: choice_delete(choice=question.choices.first(), actor=manager),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match=locked):
            attempt()

    question.refresh_from_db()
    assert question.text == "Quale servizio usi di più?"
    assert question.choices.count() == 3
    with pytest.raises(ValidationError) as refused:
        consultation_update(
            consultation=consultation,
            actor=manager,
            audience=Consultation.Audience.REGISTERED,
        )
    assert "audience" in refused.value.message_dict


def test_questions_reorder_and_renumber_before_answers(draft, manager):
    consultation, questions = draft
    order = [q.pk for q in reversed(list(consultation.questions.all()))]

    question_reorder(consultation=consultation, actor=manager, order=order)
    assert list(consultation.questions.values_list("pk", flat=True)) == order
    question_delete(question=questions[K.SCALE], actor=manager)

    assert list(consultation.questions.values_list("position", flat=True)) == [1, 2, 3, 4]
    with pytest.raises(ValidationError, match="Give every question"):
        question_reorder(consultation=consultation, actor=manager, order=order[:2])


def test_only_choice_questions_have_choices(draft, manager):
    consultation, questions = draft

    with pytest.raises(ValidationError, match="have choices"):
        choice_create(question=questions[K.SCALE], actor=manager, label="Boh")
    with pytest.raises(ValidationError):
        question_create(
            consultation=consultation, actor=manager, text="?", kind=K.SCALE, choices=["a"]
        )
    with pytest.raises(ValidationError, match="multiple-choice questions only"):
        question_create(
            consultation=consultation, actor=manager, text="?", kind=K.SCALE, min_choices=1
        )


# --- moderation and flags --------------------------------------------------------------


@pytest.fixture
def comment(open_consultation) -> Answer:
    consultation, questions = open_consultation
    response, _code = response_submit(consultation=consultation, answers=valid_answers(questions))
    return response.answers.get(question=questions[K.FREE_TEXT])


def test_moderator_approves_a_comment(comment, moderator):
    answer = answer_moderate(answer=comment, moderator=moderator, approve=True)

    assert answer.moderation == Answer.Moderation.APPROVED
    assert answer.moderated_by == moderator and answer.moderated_at is not None
    assert AuditEntry.objects.filter(verb="answer.approved", actor=moderator).exists()


def test_rejecting_needs_a_reason(comment, moderator):
    with pytest.raises(ValidationError, match="Say why"):
        answer_moderate(answer=comment, moderator=moderator, approve=False, reason="  ")
    comment.refresh_from_db()
    assert comment.moderation == Answer.Moderation.PENDING

    answer = answer_moderate(
        answer=comment, moderator=moderator, approve=False, reason="Dati personali di terzi"
    )

    assert answer.moderation == Answer.Moderation.REJECTED
    assert answer.rejection_reason == "Dati personali di terzi"


def test_only_free_text_is_moderated(open_consultation, moderator):
    consultation, questions = open_consultation
    response, _code = response_submit(consultation=consultation, answers=valid_answers(questions))

    with pytest.raises(ValidationError, match="Only free-text answers"):
        answer_moderate(
            answer=response.answers.get(question=questions[K.SCALE]),
            moderator=moderator,
            approve=True,
        )


def test_a_flag_puts_a_published_comment_back_in_the_queue(comment, moderator, citizen):
    with pytest.raises(ValidationError, match="Only published comments"):
        answer_flag(answer=comment, citizen=citizen, reason="Offensivo")
    answer_moderate(answer=comment, moderator=moderator, approve=True)

    flag = answer_flag(answer=comment, citizen=citizen, reason="Offensivo")

    comment.refresh_from_db()
    assert comment.moderation == Answer.Moderation.PENDING
    assert flag.resolved_at is None
    with pytest.raises(ValidationError, match="Only published comments"):
        answer_flag(answer=comment, citizen=citizen, reason="Ancora")
    answer_moderate(answer=comment, moderator=moderator, approve=True)
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    with pytest.raises(ValidationError, match="already flagged"):
        answer_flag(answer=comment, citizen=citizen, reason="Di nuovo")
    assert AuditEntry.objects.get(verb="answer.flagged").ip_address is None


def test_flags_need_a_plain_text_reason(comment, moderator):
    answer_moderate(answer=comment, moderator=moderator, approve=True)

    with pytest.raises(ValidationError) as refused:
        answer_flag(answer=comment, reason="<a href='x'>spam</a>")

    assert "reason" in refused.value.message_dict
    assert Flag.objects.count() == 0


def test_anonymous_people_may_flag_too(comment, moderator):
    answer_moderate(answer=comment, moderator=moderator, approve=True)

    flag = answer_flag(answer=comment, reason="Pubblicità")

    assert flag.citizen is None
    comment.refresh_from_db()
    assert comment.moderation == Answer.Moderation.PENDING


def test_plain_text_with_angle_brackets_is_not_html(open_consultation):
    consultation, questions = open_consultation

    response, _code = response_submit(
        consultation=consultation, answers=valid_answers(questions, free_text="3 < 5 e 6 > 4")
    )

    assert response.answers.get(question=questions[K.FREE_TEXT]).text == "3 < 5 e 6 > 4"


def test_a_multiple_choice_asking_more_than_it_offers_does_not_open(draft, manager):
    consultation, questions = draft
    question_update(question=questions[K.MULTIPLE_CHOICE], actor=manager, min_choices=2)
    for choice in list(questions[K.MULTIPLE_CHOICE].choices.all())[1:]:
        choice_delete(choice=choice, actor=manager)
    choice_create(question=questions[K.MULTIPLE_CHOICE], actor=manager, label="Altro")
    question_update(
        question=questions[K.MULTIPLE_CHOICE], actor=manager, min_choices=3, max_choices=3
    )

    with pytest.raises(ValidationError, match="ask for more choices than they offer"):
        consultation_open(consultation=consultation, actor=manager)
