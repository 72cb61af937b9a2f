"""A consultation's results, counted in the database with a fixed number of queries.

Eight queries whatever the number of responses: the questions, their choices, the answers
per question, the choices picked, the scale values, the ranks, the approved texts, the
respondents. Each count is a ``GROUP BY`` (``.values().annotate(Count())``); Python only
divides and sums the handful of grouped rows. Only approved free text ever appears here.

Percentages are of the people who answered the question (for multiple choice they add up to
more than 100). A ranking ranks every option (see ``services._clean_answer``), so its Borda
count gives n − 1 points to an answer's first of n options, n − 2 to the second, … 0 to the
last; the options come sorted by points, and their ``count`` is how many put them first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from consultation.models import Answer, Choice, Consultation, Question, RankedChoice, Response

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / whole).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass
class ChoiceResult:
    choice_id: int
    label: str
    count: int = 0
    percent: Decimal = Decimal("0.0")
    points: int = 0  # Borda points, rankings only


@dataclass
class QuestionResult:
    question_id: int
    position: int
    text: str
    kind: str
    answered: int = 0
    choices: list[ChoiceResult] = field(default_factory=list)
    # Scale: how many chose 1..5, and their mean (None when nobody answered).
    distribution: dict[int, int] = field(default_factory=dict)
    mean: Decimal | None = None
    # Free text: the approved texts only.
    approved_texts: list[str] = field(default_factory=list)

    @property
    def approved(self) -> int:
        return len(self.approved_texts)


@dataclass
class ConsultationResults:
    consultation_id: int
    respondents: int
    questions: list[QuestionResult]


def consultation_results(consultation: Consultation) -> ConsultationResults:
    questions = list(
        Question.objects.filter(consultation=consultation)
        .order_by("position")
        .values("pk", "position", "text", "kind")
    )
    results = {
        q["pk"]: QuestionResult(
            question_id=q["pk"], position=q["position"], text=q["text"], kind=q["kind"]
        )
        for q in questions
    }
    choices_of: dict[int, dict[int, ChoiceResult]] = defaultdict(dict)
    for row in (
        Choice.objects.filter(question__consultation=consultation)
        .order_by("question_id", "position")
        .values("pk", "question_id", "label")
    ):
        choices_of[row["question_id"]][row["pk"]] = ChoiceResult(row["pk"], row["label"])

    of_consultation = Answer.objects.filter(question__consultation=consultation)
    for row in of_consultation.values("question_id").annotate(n=Count("pk")).order_by():
        results[row["question_id"]].answered = row["n"]

    picked = (
        Answer.choices.through.objects.filter(answer__question__consultation=consultation)
        .values("choice_id", "choice__question_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in picked:
        choices_of[row["choice__question_id"]][row["choice_id"]].count = row["n"]

    scales = (
        of_consultation.filter(scale__isnull=False)
        .values("question_id", "scale")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in scales:
        results[row["question_id"]].distribution[row["scale"]] = row["n"]

    ranks = (
        RankedChoice.objects.filter(answer__question__consultation=consultation)
        .values("choice_id", "choice__question_id", "rank")
        .annotate(n=Count("pk"))
        .order_by()
    )
    first_places: dict[int, int] = defaultdict(int)
    for row in ranks:
        question_choices = choices_of[row["choice__question_id"]]
        result = question_choices[row["choice_id"]]
        result.points += (len(question_choices) - row["rank"]) * row["n"]
        if row["rank"] == 1:
            first_places[row["choice_id"]] += row["n"]

    texts = (
        of_consultation.filter(moderation=Answer.Moderation.APPROVED)
        .exclude(text="")
        .order_by("question_id", "response__submitted_at", "pk")
        .values_list("question_id", "text")
    )
    for question_id, text in texts:
        results[question_id].approved_texts.append(text)

    for result in results.values():
        if result.kind == Question.Kind.SCALE:
            result.distribution = {
                value: result.distribution.get(value, 0)
                for value in range(Question.SCALE_MIN, Question.SCALE_MAX + 1)
            }
            total = sum(result.distribution.values())
            if total:
                weighted = sum(value * n for value, n in result.distribution.items())
                result.mean = (Decimal(weighted) / total).quantize(
                    TWO_DECIMALS, rounding=ROUND_HALF_UP
                )
        choices = list(choices_of[result.question_id].values())
        if result.kind == Question.Kind.RANKING:
            for choice in choices:
                choice.count = first_places[choice.choice_id]
                choice.percent = percent(choice.count, result.answered)
            choices.sort(key=lambda c: -c.points)
        else:
            for choice in choices:
                choice.percent = percent(choice.count, result.answered)
        result.choices = choices if result.kind in Question.CHOICE_KINDS else []

    respondents = Response.objects.filter(consultation=consultation).count()
    return ConsultationResults(
        consultation_id=consultation.pk,
        respondents=respondents,
        questions=[results[q["pk"]] for q in questions],
    )
