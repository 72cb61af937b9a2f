"""Results counted by hand: counts, percentages, the scale's mean, the Borda count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultation.models import Answer, Question
from consultation.results import consultation_results
from consultation.selectors import public_texts
from consultation.services import answer_moderate, response_submit
from tests.consultation.conftest import ids, valid_answers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

K = Question.Kind


def answer(consultation, questions, **overrides):
    response, _code = response_submit(
        consultation=consultation, answers=valid_answers(questions, **overrides)
    )
    return response


@pytest.fixture
def answered(open_consultation, moderator):
    """Four responses:

    single: Autobus, Autobus, Parcheggi, Bicicletta
    multiple: [Traffico], [Traffico, Aria], [Aria, Rifiuti], [Traffico]
    scale: 4, 5, 2, 4 (mean 3.75)
    ranking: A>M>S, M>A>S, A>S>M, S>A>M
    comments: approved, rejected, pending, none
    """
    consultation, questions = open_consultation
    single, multiple, ranking = (
        questions[K.SINGLE_CHOICE],
        questions[K.MULTIPLE_CHOICE],
        questions[K.RANKING],
    )
    rows = [
        ("Autobus", ["Traffico"], 4, ["Ambiente", "Mobilità", "Sicurezza"], "Bene così"),
        (
            "Autobus",
            ["Traffico", "Qualità dell'aria"],
            5,
            ["Mobilità", "Ambiente", "Sicurezza"],
            "Vergogna!",
        ),
        (
            "Parcheggi",
            ["Qualità dell'aria", "Rifiuti"],
            2,
            ["Ambiente", "Sicurezza", "Mobilità"],
            "Da valutare",
        ),
        ("Bicicletta", ["Traffico"], 4, ["Sicurezza", "Ambiente", "Mobilità"], ""),
    ]
    responses = [
        answer(
            consultation,
            questions,
            single_choice=ids(single, s)[0],
            multiple_choice=ids(multiple, *m),
            scale=sc,
            ranking=ids(ranking, *r),
            free_text=t,
        )
        for s, m, sc, r, t in rows
    ]
    texts = [r.answers.get(question=questions[K.FREE_TEXT]) for r in responses[:3]]
    answer_moderate(answer=texts[0], moderator=moderator, approve=True)
    answer_moderate(answer=texts[1], moderator=moderator, approve=False, reason="Offensivo")
    return consultation, questions


def by_label(result):
    return {c.label: c for c in result.choices}


def test_counts_and_percentages_of_choices(answered):
    consultation, _questions = answered

    results = consultation_results(consultation)

    assert results.respondents == 4
    single, multiple = results.questions[0], results.questions[1]
    assert single.answered == 4
    assert {k: (v.count, v.percent) for k, v in by_label(single).items()} == {
        "Autobus": (2, Decimal("50.0")),
        "Parcheggi": (1, Decimal("25.0")),
        "Bicicletta": (1, Decimal("25.0")),
    }
    assert {k: (v.count, v.percent) for k, v in by_label(multiple).items()} == {
        "Traffico": (3, Decimal("75.0")),
        "Qualità dell'aria": (2, Decimal("50.0")),
        "Rifiuti": (1, Decimal("25.0")),
    }


def test_scale_mean_and_distribution(answered):
    consultation, _questions = answered

    scale = consultation_results(consultation).questions[2]

    assert scale.distribution == {1: 0, 2: 1, 3: 0, 4: 2, 5: 1}
    assert scale.mean == Decimal("3.75")


def test_borda_count_of_rankings(answered):
    consultation, _questions = answered

    ranking = consultation_results(consultation).questions[3]

    # Three options: 2 points for a first place, 1 for a second, 0 for a third.
    # Ambiente 2+1+2+1 = 6, Mobilità 1+2+0+0 = 3, Sicurezza 0+0+1+2 = 3.
    assert (ranking.choices[0].label, ranking.choices[0].points) == ("Ambiente", 6)
    assert {c.label: c.points for c in ranking.choices} == {
        "Ambiente": 6,
        "Mobilità": 3,
        "Sicurezza": 3,
    }
    assert {c.label: c.count for c in ranking.choices} == {
        "Ambiente": 2,
        "Mobilità": 1,
        "Sicurezza": 1,
    }


def test_only_approved_texts_appear(answered):
    consultation, _questions = answered

    comments = consultation_results(consultation).questions[4]

    assert comments.answered == 3
    assert comments.approved_texts == ["Bene così"]
    assert list(public_texts(consultation).values_list("text", flat=True)) == ["Bene così"]
    assert Answer.objects.filter(text="Vergogna!", moderation="rejected").exists()


def test_results_take_a_fixed_number_of_queries(answered):
    consultation, questions = answered
    with CaptureQueriesContext(connection) as few:
        consultation_results(consultation)
    for _ in range(5):
        answer(consultation, questions)

    with CaptureQueriesContext(connection) as more:
        consultation_results(consultation)

    assert len(more) == len(few) <= 8


def test_results_of_an_unanswered_consultation(open_consultation):
    consultation, _questions = open_consultation

    results = consultation_results(consultation)

    assert results.respondents == 0
    assert results.questions[2].mean is None
    assert all(c.percent == 0 for c in results.questions[0].choices)
