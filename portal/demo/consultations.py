"""The demo's consultations, answered through the services like real citizens would.

Prato asks its citizens to rank the Situation Room's priorities: open now, with some forty
answers — rankings, a scale, a multiple choice, a single choice and comments, several
approved, two awaiting moderation and one rejected. Livorno asked which services the Open City
platform should offer first: closed, its results published with the "you said, we did" that
links them to the working group's decision and to the project.

The answers are drawn from a seeded random generator, so every run tells the same story;
each consultation is created only when its programme does not have it yet (idempotent). The
answers are given while the consultation is open, then dated back to the story's days, as
``steps._date_the_story`` does for the projects' workflow.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from consultation.models import Consultation, Question, Response
from consultation.services import (
    answer_moderate,
    consultation_close,
    consultation_create,
    consultation_open,
    consultation_publish_results,
    consultation_record_outcome,
    question_create,
    response_submit,
)
from portal.demo.cast import Cast
from portal.demo.steps import saved
from programme.models import Programme, ProgrammeAssignment, Project
from programme.services import decision_create, meeting_create

K = Question.Kind
PRATO_SLUG = "priorita-situation-room"
LIVORNO_SLUG = "servizi-open-city"


@dataclass(frozen=True)
class Ask:
    text: str
    kind: str
    choices: tuple[str, ...] = ()
    # Relative weights of the choices (or of the scale's 1..5) in the drawn answers.
    weights: tuple[int, ...] = ()
    required: bool = True
    help_text: str = ""
    max_choices: int | None = None


@dataclass(frozen=True)
class Comment:
    text: str
    # "approved", "pending" or the reason for rejecting it.
    verdict: str = "approved"


PRATO_QUESTIONS = (
    Ask(
        "Metti in ordine le priorità della Situation Room, dalla più importante per te",
        K.RANKING,
        (
            "Informazione in tempo reale su traffico e sosta",
            "Coordinamento di Comune e aziende nelle emergenze e nei grandi eventi",
            "Orari e ritardi del trasporto pubblico in tempo reale",
            "Stato del territorio: cantieri, allagamenti, qualità dell'aria",
        ),
        (5, 3, 4, 2),
    ),
    Ask(
        "Quanto ti sono utili oggi le informazioni del Comune su mobilità e sosta?",
        K.SCALE,
        weights=(3, 8, 12, 6, 2),
        help_text="1 = per nulla utili, 5 = molto utili",
    ),
    Ask(
        "Quali dati vorresti trovare aperti e consultabili da tutti?",
        K.MULTIPLE_CHOICE,
        (
            "Posti liberi nei parcheggi",
            "Cantieri e chiusure stradali",
            "Passaggi degli autobus in tempo reale",
            "Calendario della raccolta dei rifiuti",
            "Qualità dell'aria per quartiere",
        ),
        (6, 5, 7, 2, 4),
        help_text="Scegli fino a tre risposte.",
        max_choices=3,
    ),
    Ask(
        "Come preferiresti ricevere gli avvisi della Situation Room?",
        K.SINGLE_CHOICE,
        (
            "App del Comune",
            "Pannelli a messaggio variabile per strada",
            "Sito web del Comune",
            "Canale Telegram o WhatsApp",
        ),
        (5, 2, 2, 4),
    ),
    Ask(
        "Hai altri suggerimenti per la Situation Room?",
        K.FREE_TEXT,
        required=False,
        help_text="Non scrivere dati personali tuoi o di altre persone.",
    ),
)

PRATO_COMMENTS = (
    Comment("Sarebbe utile sapere in anticipo delle chiusure per il mercato del lunedì."),
    Comment("Gli autobus della linea 2 sono spesso in ritardo: i tempi reali aiuterebbero."),
    Comment("Mettete i dati dei parcheggi del Macrolotto anche sui pannelli in tangenziale."),
    Comment("Durante l'ultima allerta meteo le informazioni sono arrivate tardi e confuse."),
    Comment("Ottima idea, purché i dati siano pubblicati anche in formato aperto."),
    Comment("Coinvolgete anche le scuole: l'uscita degli studenti blocca via Roma ogni giorno."),
    Comment("Vorrei un avviso quando passa la spazzatrice nella mia strada.", "pending"),
    Comment("Più controlli sulla sosta in doppia fila davanti alla stazione.", "pending"),
    Comment(
        "Siete tutti incapaci, questa sala non servirà a niente!!!",
        "Linguaggio offensivo, contrario alle regole di partecipazione.",
    ),
)

LIVORNO_QUESTIONS = (
    Ask(
        "Quali servizi online della piattaforma Open City useresti di più?",
        K.MULTIPLE_CHOICE,
        (
            "Certificati anagrafici",
            "Pagamento di tributi e contravvenzioni",
            "Prenotazione degli appuntamenti agli sportelli",
            "Segnalazione di guasti e disservizi",
            "Dati aperti sulla città",
        ),
        (5, 4, 6, 7, 3),
        help_text="Scegli fino a tre risposte.",
        max_choices=3,
    ),
    Ask(
        "Quanto è facile oggi usare i servizi online del Comune?",
        K.SCALE,
        weights=(5, 9, 8, 4, 1),
        help_text="1 = molto difficile, 5 = molto facile",
    ),
    Ask(
        "Ordina le funzioni della piattaforma, dalla più importante per te",
        K.RANKING,
        (
            "Servizi sempre disponibili, anche in caso di guasto (disaster recovery)",
            "Conservazione sicura dei documenti nel tempo",
            "Monitoraggio delle infrastrutture della città",
            "Risparmio energetico del data center comunale",
        ),
        (5, 3, 4, 2),
    ),
    Ask("Cosa ti aspetti dalla piattaforma Open City?", K.FREE_TEXT, required=False),
)

LIVORNO_COMMENTS = (
    Comment("Poter prenotare l'anagrafe online senza fare la fila alle sette di mattina."),
    Comment("Un'unica app per segnalare buche, lampioni spenti e rifiuti abbandonati."),
    Comment("Che i servizi funzionino anche dal telefono, non solo dal computer."),
    Comment("Pubblicate i dati delle segnalazioni e dei tempi di risposta degli uffici."),
)

LIVORNO_OUTCOME = (
    "Avete chiesto soprattutto di segnalare guasti e disservizi e di prenotare gli sportelli "
    "online, da telefono come da computer. Il tavolo di co-progettazione ha deciso di "
    "anticipare al primo rilascio della piattaforma Open City il modulo delle segnalazioni e "
    "la prenotazione degli appuntamenti all'anagrafe; i dati delle segnalazioni e dei tempi "
    "di risposta saranno pubblicati come dati aperti."
)


def _draw(rng: random.Random, ask: Ask, choice_ids: list[int]):
    """One citizen's answer to ``ask``, drawn with its weights."""
    if ask.kind == K.SCALE:
        return rng.choices(range(1, 6), weights=ask.weights)[0]
    if ask.kind == K.SINGLE_CHOICE:
        return rng.choices(choice_ids, weights=ask.weights)[0]
    if ask.kind == K.MULTIPLE_CHOICE:
        how_many = rng.choice((1, 2, 2, 3))
        picked: list[int] = []
        while len(picked) < how_many:
            pk = rng.choices(choice_ids, weights=ask.weights)[0]
            if pk not in picked:
                picked.append(pk)
        return picked
    # Ranking: the weights make the preferred options come first more often.
    remaining = list(zip(choice_ids, ask.weights, strict=True))
    order = []
    while remaining:
        index = rng.choices(range(len(remaining)), weights=[w for _pk, w in remaining])[0]
        order.append(remaining.pop(index)[0])
    return order


def _consult(
    programme: Programme,
    *,
    manager,
    moderator,
    asks: tuple[Ask, ...],
    comments: tuple[Comment, ...],
    respondents: int,
    seed: int,
    registered=None,
    **fields,
) -> Consultation:
    """An open consultation with its questions, answered by ``respondents`` people.

    The comments go to the first respondents, in order; the moderator then approves, leaves
    pending or rejects each one as the story says. ``registered`` answers first, logged in.
    """
    now = timezone.now()
    consultation = consultation_create(
        actor=manager,
        programme=programme,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        **fields,
    )
    questions = [
        question_create(
            consultation=consultation,
            actor=manager,
            text=ask.text,
            kind=ask.kind,
            required=ask.required,
            help_text=ask.help_text,
            max_choices=ask.max_choices,
            choices=ask.choices,
        )
        for ask in asks
    ]
    consultation = consultation_open(consultation=consultation, actor=manager)
    choice_ids = {q.pk: list(q.choices.values_list("pk", flat=True)) for q in questions}
    rng = random.Random(seed)  # noqa: S311 (demo data, not a secret)
    commented = []
    for index in range(respondents):
        answers = {
            question.pk: _draw(rng, ask, choice_ids[question.pk])
            for ask, question in zip(asks, questions, strict=True)
            if ask.kind != K.FREE_TEXT
        }
        text_question = next(q for q in questions if q.kind == K.FREE_TEXT)
        if index < len(comments):
            answers[text_question.pk] = comments[index].text
        response, _receipt = response_submit(
            consultation=consultation,
            answers=answers,
            citizen=registered if index == 0 else None,
        )
        if index < len(comments):
            commented.append((response.answers.get(question=text_question), comments[index]))
    for answer, comment in commented:
        if comment.verdict != "pending":
            answer_moderate(
                answer=answer,
                moderator=moderator,
                approve=comment.verdict == "approved",
                reason="" if comment.verdict == "approved" else comment.verdict,
            )
    return consultation


def _date_answers(consultation: Consultation, *, opened: date, closes: date, answered_until: date):
    """Move the consultation and its answers to the story's days (one answer every few hours)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(opened, time(9, 0), tzinfo=tz)
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=start, closes_at=datetime.combine(closes, time(23, 59), tzinfo=tz)
    )
    responses = list(Response.objects.filter(consultation=consultation).order_by("pk"))
    until = datetime.combine(answered_until, time(8, 0), tzinfo=tz)
    step = (until - start) / max(len(responses), 1)
    for index, response in enumerate(responses):
        moment = start + step * index
        Response.objects.filter(pk=response.pk).update(submitted_at=moment, updated_at=moment)


def _moderator(cast: Cast, programme: Programme):
    moderator = cast.user("moderator")
    if not ProgrammeAssignment.objects.filter(
        user=moderator, programme=programme, role=ProgrammeAssignment.Role.MODERATOR
    ).exists():
        saved(
            ProgrammeAssignment(
                user=moderator, programme=programme, role=ProgrammeAssignment.Role.MODERATOR
            )
        )
    return moderator


def seed_prato_consultation(cast: Cast, programme: Programme) -> Consultation:
    manager = cast.user("manager")
    today = timezone.localdate()
    consultation = _consult(
        programme,
        manager=manager,
        moderator=_moderator(cast, programme),
        asks=PRATO_QUESTIONS,
        comments=PRATO_COMMENTS,
        respondents=42,
        seed=2019,
        registered=cast.user("citizen"),
        project=Project.objects.get(programme=programme, title="Situation Room"),
        title="Le priorità della Situation Room",
        slug=PRATO_SLUG,
        description=(
            "La Situation Room metterà in rete i dati del Comune e delle aziende di servizio "
            "(CISPEL Toscana, Cap, Gida, Citelum) su territorio, sosta, mobilità e trasporto "
            "pubblico. Prima di definire il piano di sviluppo del prossimo anno vogliamo "
            "sapere da voi quali informazioni contano di più e come volete riceverle."
        ),
    )
    _date_answers(
        consultation,
        opened=today - timedelta(days=12),
        closes=today + timedelta(days=25),
        answered_until=today,
    )
    return consultation


def seed_livorno_consultation(cast: Cast, programme: Programme) -> Consultation:
    manager = cast.user("manager")
    open_city = Project.objects.get(programme=programme, title="Open City platform")
    today = timezone.localdate()
    consultation = _consult(
        programme,
        manager=manager,
        moderator=_moderator(cast, programme),
        asks=LIVORNO_QUESTIONS,
        comments=LIVORNO_COMMENTS,
        respondents=30,
        seed=2013,
        project=open_city,
        title="Open City: quali servizi digitali vuoi per primi?",
        slug=LIVORNO_SLUG,
        description=(
            "La piattaforma Open City, costruita sul cloud PRISMA, porterà online i servizi "
            "del Comune di Livorno. Aiutaci a scegliere da quali partire: è il passo di "
            "analisi dei nuovi bisogni dei cittadini previsto dal percorso di Innovare Livorno."
        ),
    )
    consultation = consultation_close(consultation=consultation, actor=manager)
    closed_on = today - timedelta(days=60)
    _date_answers(
        consultation,
        opened=today - timedelta(days=105),
        closes=closed_on,
        answered_until=closed_on,
    )
    meeting = meeting_create(
        actor=manager,
        programme=programme,
        title="Tavolo di co-progettazione Open City",
        held_on=closed_on + timedelta(days=14),
        place="Palazzo Comunale, Livorno",
        minutes=(
            "Il tavolo esamina i risultati della consultazione sui servizi della piattaforma "
            "Open City e rivede l'ordine dei rilasci."
        ),
        participants=[cast.org("livorno"), cast.org("nuvola")],
    )
    decision = decision_create(
        actor=manager,
        meeting=meeting,
        text=(
            "Anticipare al primo rilascio della piattaforma Open City le segnalazioni di "
            "guasti e disservizi e la prenotazione degli appuntamenti all'anagrafe."
        ),
        project=open_city,
        responsible=cast.org("livorno"),
        due_on=closed_on + timedelta(days=120),
    )
    consultation.refresh_from_db()
    consultation = consultation_record_outcome(
        consultation=consultation,
        actor=manager,
        outcome=LIVORNO_OUTCOME,
        decisions=[decision],
        changed_projects=[open_city],
    )
    return consultation_publish_results(consultation=consultation, actor=manager)


# Each programme's consultation, by the programme's slug; told once.
CONSULTATIONS = {
    "prato-smart-city": (PRATO_SLUG, seed_prato_consultation),
    "innovare-livorno": (LIVORNO_SLUG, seed_livorno_consultation),
}


def seed_consultations(cast: Cast) -> list[str]:
    """Tell each consultation whose programme exists and does not have it yet; their titles."""
    told = []
    for programme_slug, (slug, tell) in CONSULTATIONS.items():
        programme = Programme.objects.filter(slug=programme_slug).first()
        if programme is None or programme.consultations.filter(slug=slug).exists():
            continue
        told.append(tell(cast, programme).title)
    return told
