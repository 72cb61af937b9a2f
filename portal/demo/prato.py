"""Prato's story: the protocol with the utilities and the Situation Room.

From the seed text: the smart-city plan started in 2016 with the support of PIN and CISPEL;
a December 2018 Smart Living Lab with all the utilities set the intervention priorities and
the idea of a "Situation Room"; then the protocol of the Comune with CISPEL Toscana, Cap, Gida
and Citelum, to share data (state of the territory, parking, mobility, public transport) and
build the Situation Room with its three-year development plan. Each signatory co-finances the
activities agreed over time, compatibly with its own budget availability; the municipal
information-system service and a working group of all the signatories are the reference
point. Figures and dates the seed does not give are invented, and plausible.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from funding.models import Commitment, Contract, FundSource, Transaction
from partners.models import Agreement, DataSharingCommitment, Signatory
from partners.services import agreement_create, obligation_create, obligation_fulfil
from portal.demo.cast import Cast
from portal.demo.steps import (
    Ledger,
    Paid,
    PlanOutline,
    Step,
    add_indicator,
    add_milestones,
    add_risk,
    allocate,
    co_finance,
    plan_lay_out,
    programme_open,
    project_advance,
    project_propose,
    saved,
)
from programme.models import (
    AuthorisingAct,
    Decision,
    Meeting,
    Programme,
    Project,
    ProjectParticipation,
    Risk,
)
from programme.services import programme_publish, project_transition
from programme.workflow import Act

SLUG = "prato-smart-city"
PROTOCOL = "Protocollo d'Intesa per progetti smart city nell'area pratese"
SIGNED_ON = date(2019, 5, 14)
SIGNATORIES = ("cispel", "cap", "gida", "citelum")

THEMATIC_AREAS = (
    "Stato del territorio",
    "Sosta",
    "Mobilità",
    "Trasporto pubblico",
    "Sicurezza e gestione degli eventi",
    "Illuminazione pubblica ed energia",
)
WEAK_POINTS = (
    "Informazioni frammentate tra i gestori dei servizi",
    "Coordinamento degli interventi sul territorio",
    "Efficienza dei servizi",
    "Sicurezza",
)
# The Situation Room's three-year plan: phase, then its actions as (year, title, thematic area).
SITUATION_ROOM_PLAN: PlanOutline = (
    (
        "Condivisione dei dati",
        (
            (2019, "Censimento dei dataset dei firmatari", "Stato del territorio"),
            (2019, "Piattaforma dati del servizio sistema informativo", None),
            (2020, "Flussi in tempo reale di sosta, mobilità e trasporto pubblico", "Mobilità"),
        ),
    ),
    (
        "Sala operativa",
        (
            (2020, "Allestimento della sala operativa e cruscotto della città", None),
            (
                2021,
                "Procedure congiunte per eventi ed emergenze",
                "Sicurezza e gestione degli eventi",
            ),
        ),
    ),
    (
        "Servizi alla città",
        (
            (
                2021,
                "Sensori di traffico e illuminazione intelligente",
                "Illuminazione pubblica ed energia",
            ),
            (2021, "Informazione in tempo reale e open data per i cittadini", "Trasporto pubblico"),
        ),
    ),
)

GIUNTA = AuthorisingAct.GIUNTA
DETERMINA = AuthorisingAct.DETERMINA
PHASE = Transaction.Phase
ROLE = ProjectParticipation.Role
KIND = Commitment.Kind


def seed_prato(cast: Cast) -> Programme:
    manager, prato = cast.user("manager"), cast.org("prato")
    programme, areas, weak_points = programme_open(
        manager=manager,
        council_member=cast.user("council"),
        thematic_areas=THEMATIC_AREAS,
        weak_points=WEAK_POINTS,
        name="Prato Smart City",
        slug=SLUG,
        owner=prato,
        summary=(
            "Il piano smart city avviato nel 2016 dal Comune di Prato con il supporto del PIN e "
            "di CISPEL Toscana."
        ),
        description=(
            "Il piano punta a coordinare tutti i flussi informativi della città per garantire "
            "una gestione migliore e più efficiente dei servizi. Con il protocollo d'intesa "
            "firmato con CISPEL Toscana, Cap, Gida e Citelum, il Comune e le utilities "
            "condividono i propri dati per creare una rete d'informazione comune su cui "
            "progettare una pianificazione intelligente della città, a partire dalla Situation "
            "Room."
        ),
        starts_on=date(2016, 1, 1),
    )
    agreement = _protocol(cast)
    actions = plan_lay_out(
        programme,
        outline=SITUATION_ROOM_PLAN,
        areas=areas,
        actor=manager,
        title="Piano triennale di sviluppo della Situation Room",
        description=(
            "Il piano triennale del Progetto per la Situation Room: attivare lo scambio in tempo "
            "reale di informazioni sullo stato del territorio, della viabilità, degli interventi "
            "e delle attività in essere o pianificate dei vari soggetti, per una gestione "
            "efficiente dei servizi e per la sicurezza."
        ),
        start_year=2019,
        end_year=2021,
        dup_period="2019–2021",
    )
    budget = saved(
        FundSource(
            programme=programme,
            name="Bilancio comunale — Servizio sistema informativo",
            kind=FundSource.Kind.MUNICIPAL_BUDGET,
            provider=prato,
            total=Decimal("800000.00"),
            legal_reference="DUP 2019–2021 del Comune di Prato, Missione 1 Programma 8",
        )
    )
    projects = _projects(cast, programme, areas, weak_points, budget)
    for title, keys in (
        ("Censimento dei dataset dei firmatari", ("situation_room",)),
        ("Piattaforma dati del servizio sistema informativo", ("data_platform",)),
        ("Flussi in tempo reale di sosta, mobilità e trasporto pubblico",
         ("data_platform", "situation_room")),
        ("Allestimento della sala operativa e cruscotto della città", ("situation_room",)),
        ("Procedure congiunte per eventi ed emergenze", ("situation_room",)),
        ("Sensori di traffico e illuminazione intelligente", ("sensors",)),
        ("Informazione in tempo reale e open data per i cittadini", ("infomobility", "open_data")),
    ):  # fmt: skip
        actions[title].projects.add(*(projects[key] for key in keys))

    _co_financing(cast, projects, actions)
    _situation_room_money(cast, projects["situation_room"], budget)
    _meetings(cast, programme, projects, agreement)

    programme_publish(programme=programme, actor=manager)
    return programme


def _protocol(cast: Cast) -> Agreement:
    """The protocol, what each signatory must do under it, and the data each one shares."""
    manager, prato = cast.user("manager"), cast.org("prato")
    cispel, cap, gida, citelum = (cast.org(key) for key in SIGNATORIES)
    agreement = agreement_create(
        actor=manager,
        kind=Agreement.Kind.MEMORANDUM,
        title=PROTOCOL,
        signed_on=SIGNED_ON,
        valid_from=SIGNED_ON,
        scope=(
            "Condividere i dati in possesso di ogni società per creare una rete d'informazione "
            "comune su cui progettare una pianificazione intelligente della città: per primi lo "
            "stato del territorio, la sosta, la mobilità e il trasporto pubblico. I firmatari "
            "collaborano sul piano istituzionale, amministrativo e tecnico-operativo, a partire "
            "dal Progetto per la Situation Room e dal suo piano triennale di sviluppo. Ciascuno "
            "cofinanzia le attività via via concordate, compatibilmente con le proprie "
            "disponibilità di bilancio e sulla base dei singoli progetti e piani di intervento. "
            "Punto di riferimento: il servizio sistema informativo del Comune di Prato, con il "
            "gruppo di lavoro formato da tutti i soggetti partecipanti. Potranno essere "
            "stipulati accordi con altri soggetti pubblici per finanziamenti aggiuntivi."
        ),
        signatories=[
            (prato, Signatory.Role.PROMOTER),
            *((cast.org(key), Signatory.Role.SIGNATORY) for key in SIGNATORIES),
        ],
    )
    for organisation, what, due, fulfilled in (
        (prato, "Mettere a disposizione, tramite il servizio sistema informativo, la "
         "piattaforma di scambio dei dati della Situation Room.", date(2019, 12, 31),
         date(2019, 12, 16)),
        (prato, "Convocare il gruppo di lavoro di tutti i firmatari almeno due volte l'anno.",
         date(2019, 6, 30), date(2019, 6, 20)),
        (cispel, "Promuovere l'adesione di altri soggetti pubblici al protocollo per la ricerca "
         "di finanziamenti aggiuntivi.", date(2020, 12, 31), None),
        (cap, "Rendere disponibili in tempo reale la posizione dei mezzi e gli orari del "
         "trasporto pubblico.", date(2019, 12, 31), date(2020, 1, 15)),
        (gida, "Condividere i dati sullo stato della rete fognaria e sugli interventi "
         "programmati.", date(2019, 9, 30), date(2019, 10, 1)),
        (citelum, "Rendere disponibili i flussi di traffico rilevati dai regolatori "
         "semaforici.", date(2020, 3, 31), date(2020, 6, 1)),
        (citelum, "Installare i sensori di traffico sulle principali intersezioni "
         "semaforiche.", date(2021, 6, 30), None),
    ):  # fmt: skip
        obligation = obligation_create(
            actor=manager,
            agreement=agreement,
            organisation=organisation,
            description=what,
            due_on=due,
        )
        if fulfilled:
            obligation_fulfil(obligation=obligation, actor=manager, fulfilled_on=fulfilled)

    D, F, L = (
        DataSharingCommitment.Dataset,
        DataSharingCommitment.Frequency,
        DataSharingCommitment.Licence,
    )
    for organisation, dataset, description, frequency, licence, since in (
        (prato, D.TERRITORY, "Cantieri e interventi in corso e pianificati sul territorio "
         "comunale.", F.DAILY, L.CC_BY_4, date(2019, 9, 1)),
        (prato, D.PARKING, "Occupazione dei parcheggi pubblici in struttura.", F.REAL_TIME,
         L.CC_BY_4, date(2020, 3, 1)),
        (cap, D.PUBLIC_TRANSPORT, "Posizione dei bus in tempo reale (AVL), orari e "
         "variazioni del servizio.", F.REAL_TIME, L.CC_BY_4, date(2020, 1, 15)),
        (gida, D.TERRITORY, "Stato della rete fognaria e degli impianti di depurazione, "
         "interventi programmati.", F.DAILY, L.RESTRICTED, date(2019, 10, 1)),
        (citelum, D.MOBILITY, "Flussi di traffico rilevati dai regolatori semaforici.",
         F.HOURLY, L.RESTRICTED, date(2020, 6, 1)),
        (citelum, D.ENERGY, "Consumi e guasti dell'illuminazione pubblica.", F.MONTHLY,
         L.IODL_2, date(2020, 6, 1)),
    ):  # fmt: skip
        saved(
            DataSharingCommitment(
                agreement=agreement,
                organisation=organisation,
                dataset=dataset,
                description=description,
                frequency=frequency,
                licence=licence,
                since=since,
            )
        )
    return agreement


def _projects(cast, programme, areas, weak_points, budget) -> dict[str, Project]:
    manager = cast.user("manager")
    cispel, cap, gida, citelum = (cast.org(key) for key in SIGNATORIES)
    pin = cast.org("pin")

    situation_room = project_propose(
        actor=manager,
        programme=programme,
        title="Situation Room",
        summary=(
            "Una sala operativa in cui il Comune e le utilities si scambiano in tempo reale "
            "informazioni sulla città e sui suoi eventi significativi."
        ),
        description=(
            "Sfruttando le possibilità offerte dalle tecnologie ICT, la Situation Room permette "
            "ai vari attori coinvolti di scambiarsi in tempo reale informazioni relative alla "
            "città e ai suoi eventi significativi, per una gestione efficiente dei servizi e per "
            "la sicurezza: stato del territorio, viabilità, interventi e attività in essere o "
            "pianificate da parte dei vari soggetti."
        ),
        thematic_area=areas["Sicurezza e gestione degli eventi"],
        weak_points=[
            weak_points["Informazioni frammentate tra i gestori dei servizi"],
            weak_points["Coordinamento degli interventi sul territorio"],
            weak_points["Sicurezza"],
        ],
        cup="C31H19000110004",
        rup="Ing. Laura Bartolini",
        total_cost=Decimal("620000.00"),
        participants={
            cispel: ROLE.CO_FINANCER,
            cap: ROLE.DATA_PROVIDER,
            gida: ROLE.CO_FINANCER,
            citelum: ROLE.DATA_PROVIDER,
            pin: ROLE.PARTNER,
        },
        planned_start=date(2019, 6, 1),
        planned_end=date(2021, 12, 31),
    )
    allocate(
        budget,
        situation_room,
        {2019: "120000.00", 2020: "180000.00", 2021: "150000.00"},
        actor=manager,
    )
    project_advance(
        situation_room,
        to=Project.Status.IN_PROGRESS,
        actor=manager,
        approval=Act(GIUNTA, "187", date(2019, 6, 11)),
        started_on=date(2019, 7, 1),
    )
    add_milestones(
        situation_room,
        (
            Step("Censimento dei dataset dei firmatari", date(2019, 9, 30), date(2019, 10, 4), 1,
                 "Catalogo dei dataset condivisi"),
            Step("Piattaforma di scambio dei dati in esercizio", date(2020, 6, 30),
                 date(2020, 7, 15), 3, "Piattaforma del servizio sistema informativo"),
            Step("Sala operativa allestita", date(2021, 3, 31), date(2021, 5, 10), 2,
                 "Sala e cruscotto della città"),
            Step("Flussi in tempo reale di tutti i firmatari", date(2021, 12, 31), None, 2),
            Step("Procedure congiunte per eventi ed emergenze", date(2024, 6, 30), None, 2,
                 "Protocollo operativo condiviso"),
        ),
        actor=manager,
    )  # fmt: skip
    add_indicator(
        situation_room,
        name="Dataset condivisi nella Situation Room",
        unit="dataset",
        baseline=(date(2019, 6, 1), "0"),
        target=(date(2021, 12, 31), "12"),
        measurements=(
            (date(2019, 12, 31), "4"),
            (date(2020, 12, 31), "7"),
            (date(2021, 12, 31), "9"),
            (date(2023, 12, 31), "10"),
        ),
        actor=manager,
    )
    add_indicator(
        situation_room,
        name="Flussi in tempo reale attivi",
        unit="flussi",
        baseline=(date(2019, 6, 1), "0"),
        target=(date(2021, 12, 31), "5"),
        measurements=((date(2020, 6, 30), "1"), (date(2021, 6, 30), "3")),
        actor=manager,
    )
    for title, likelihood, impact, status, mitigation in (
        ("Cofinanziamento dei partner subordinato alle loro disponibilità di bilancio", 4, 3,
         Risk.Status.OPEN, "Piano finanziario annuale condiviso nel gruppo di lavoro; accordi "
         "con altri soggetti pubblici per finanziamenti aggiuntivi."),
        ("Qualità ed eterogeneità dei dati delle utilities", 3, 4, Risk.Status.MITIGATED,
         "Specifiche comuni di interscambio definite dal servizio sistema informativo."),
        ("Dati personali nei flussi video e di mobilità", 3, 5, Risk.Status.OPEN,
         "Valutazione d'impatto sulla protezione dei dati e solo dati aggregati o anonimi."),
    ):  # fmt: skip
        add_risk(
            situation_room,
            title=title,
            likelihood=likelihood,
            impact=impact,
            status=status,
            mitigation=mitigation,
            owner=manager,
        )

    data_platform = project_propose(
        actor=manager,
        programme=programme,
        title="Piattaforma integrata dei dati urbani",
        summary="Il data lake del servizio sistema informativo che raccoglie i dati dei firmatari.",
        thematic_area=areas["Stato del territorio"],
        weak_points=[weak_points["Informazioni frammentate tra i gestori dei servizi"]],
        cup="C34E19000230004",
        rup="Dott. Andrea Mazzoni",
        total_cost=Decimal("150000.00"),
        participants={pin: ROLE.PARTNER},
        planned_start=date(2020, 2, 1),
        planned_end=date(2021, 6, 30),
    )
    allocate(budget, data_platform, {2020: "90000.00", 2021: "60000.00"}, actor=manager)
    project_advance(
        data_platform,
        to=Project.Status.COMPLETED,
        actor=manager,
        approval=Act(GIUNTA, "22", date(2020, 1, 28)),
        started_on=date(2020, 2, 10),
        completed_on=date(2021, 9, 30),
    )
    add_milestones(
        data_platform,
        (
            Step("Modello dati comune", date(2020, 6, 30), date(2020, 6, 25), 1),
            Step("Data lake in esercizio", date(2021, 6, 30), date(2021, 9, 15), 2,
                 "Data lake con i flussi dei firmatari"),
        ),
        actor=manager,
    )  # fmt: skip

    sensors = project_propose(
        actor=manager,
        programme=programme,
        title="Sensori di traffico e illuminazione intelligente",
        summary="Sensori di traffico sugli impianti semaforici e sui pali della luce.",
        thematic_area=areas["Illuminazione pubblica ed energia"],
        weak_points=[weak_points["Efficienza dei servizi"], weak_points["Sicurezza"]],
        cup="C36G20000150004",
        rup="Ing. Laura Bartolini",
        total_cost=Decimal("320000.00"),
        participants={citelum: ROLE.TECHNOLOGY_PROVIDER},
        planned_start=date(2021, 2, 1),
        planned_end=date(2022, 12, 31),
    )
    allocate(budget, sensors, {2021: "200000.00"}, actor=manager)
    project_advance(
        sensors,
        to=Project.Status.IN_PROGRESS,
        actor=manager,
        approval=Act(GIUNTA, "301", date(2020, 11, 24)),
        started_on=date(2021, 2, 1),
    )
    project_transition(
        project=sensors,
        to=Project.Status.SUSPENDED,
        actor=manager,
        note=(
            "In attesa della valutazione d'impatto sulla protezione dei dati per i sensori "
            "video alle intersezioni."
        ),
    )
    add_milestones(
        sensors,
        (
            Step("Progetto esecutivo dei sensori", date(2021, 4, 30), date(2021, 4, 22), 1),
            Step("Sensori sulle prime 20 intersezioni", date(2021, 12, 31), None, 3),
        ),
        actor=manager,
    )  # fmt: skip

    infomobility = project_propose(
        actor=manager,
        programme=programme,
        title="Infomobilità in tempo reale per il trasporto pubblico",
        summary="Paline e app con gli arrivi dei bus in tempo reale, dai dati AVL di Cap.",
        thematic_area=areas["Trasporto pubblico"],
        weak_points=[weak_points["Efficienza dei servizi"]],
        total_cost=Decimal("180000.00"),
        participants={cap: ROLE.DATA_PROVIDER},
        planned_start=date(2022, 1, 1),
        planned_end=date(2023, 6, 30),
    )
    project_transition(
        project=infomobility,
        to=Project.Status.UNDER_ASSESSMENT,
        actor=manager,
        note="Istruttoria tecnica con Cap sui dati AVL.",
    )
    open_data = project_propose(
        actor=manager,
        programme=programme,
        title="Cruscotto open data della città",
        summary="I dati condivisi della Situation Room pubblicati per i cittadini.",
        thematic_area=areas["Stato del territorio"],
        weak_points=[weak_points["Informazioni frammentate tra i gestori dei servizi"]],
        total_cost=Decimal("60000.00"),
        participants={pin: ROLE.PARTNER},
    )
    return {
        "situation_room": situation_room,
        "data_platform": data_platform,
        "sensors": sensors,
        "infomobility": infomobility,
        "open_data": open_data,
    }


def _co_financing(cast, projects, actions) -> None:
    """Each signatory's co-financing, "compatibilmente con le proprie disponibilità di bilancio".

    Gida and Citelum act through their demo representatives; CISPEL Toscana and Cap have
    none, so the back office records for them. The programme manager verifies the payments,
    never the one who declared them.
    """
    manager = cast.user("manager")
    back_office = cast.user("admin")
    cispel, cap, gida, citelum = (cast.org(key) for key in SIGNATORIES)
    representative = {
        cispel: back_office,
        cap: back_office,
        gida: cast.user("partner.gida"),
        citelum: cast.user("partner.citelum"),
    }
    situation_room = projects["situation_room"]
    for partner, target, year, kind, amount, description, budget_act, payments, withdrawn in (
        (cispel, situation_room, 2019, KIND.CASH_TRANSFER, "30000.00",
         "Contributo alla piattaforma della Situation Room",
         "Delibera del Consiglio direttivo CISPEL Toscana n. 7/2019",
         (Paid("30000.00", date(2019, 11, 20), note="Bonifico al Comune di Prato"),), ""),
        (cispel, actions["Procedure congiunte per eventi ed emergenze"], 2021,
         KIND.CASH_TRANSFER, "20000.00", "Contributo alle procedure congiunte per le emergenze",
         "", (), ""),
        (cap, situation_room, 2019, KIND.IN_KIND, "45000.00",
         "Dati AVL dei bus in tempo reale e personale tecnico dedicato",
         "Determina del Direttore generale di Cap n. 41/2019", (), ""),
        (cap, projects["infomobility"], 2022,
         KIND.DIRECT_SPENDING, "60000.00", "Paline informative alle fermate principali", "", (),
         "Il bilancio 2022 di Cap non ne consente la copertura: le risorse sono destinate al "
         "rinnovo della flotta."),
        (gida, situation_room, 2019, KIND.IN_KIND, "12000.00",
         "Personale tecnico per il censimento dei dataset", "Delibera del CdA di GIDA del "
         "18/06/2019", (Paid("12000.00", date(2019, 12, 15), note="Rendiconto ore"),), ""),
        (gida, situation_room, 2020, KIND.DIRECT_SPENDING, "80000.00",
         "Sensori di livello sulla rete fognaria collegati alla Situation Room",
         "Budget investimenti GIDA 2020, delibera del CdA del 28/01/2020",
         (Paid("35000.00", date(2020, 10, 30), note="Primo lotto di sensori"),
          Paid("15000.00", date(2021, 3, 31), verified=False, note="Secondo lotto di sensori")),
         ""),
        (citelum, projects["sensors"], 2021,
         KIND.DIRECT_SPENDING, "120000.00", "Sensori di traffico sugli impianti semaforici",
         "Piano investimenti Citelum Italia 2021", (), ""),
        (citelum, actions["Flussi in tempo reale di sosta, mobilità e trasporto pubblico"], 2020,
         KIND.IN_KIND, "25000.00",
         "Accesso ai dati dei regolatori semaforici e supporto all'integrazione", "", (), ""),
    ):  # fmt: skip
        co_finance(
            partner=partner,
            target=target,
            year=year,
            kind=kind,
            amount=amount,
            description=description,
            representative=representative[partner],
            finance_office=manager,
            budget_clause=True,
            budget_act=budget_act,
            payments=payments,
            withdrawn_because=withdrawn,
        )


def _situation_room_money(cast, project: Project, budget: FundSource) -> None:
    """The Situation Room's software contract and CISPEL Toscana's transfer, in the books."""
    manager = cast.user("manager")
    contract = saved(
        Contract(
            project=project,
            supplier=cast.org("bisenzio"),
            cig="7986541D2E",
            subject="Piattaforma software e cruscotto della Situation Room",
            amount=Decimal("240000.00"),
            procedure=Contract.Procedure.NEGOTIATED,
            awarded_on=date(2019, 9, 10),
            starts_on=date(2019, 10, 1),
            ends_on=date(2021, 12, 31),
        )
    )
    spending = Ledger(project, manager, budget, contract, peg_chapter="1040.12")
    award = Act(DETERMINA, "2104", date(2019, 9, 12))
    impegno = spending.record(
        PHASE.IMPEGNO, "240000.00", year=2019, on=award.date, act=award, description="Affidamento"
    )
    for stage, amount, settled_on, paid_on, determina in (
        ("piattaforma di scambio dei dati", "120000.00", date(2020, 7, 20), date(2020, 8, 5),
         "1688"),
        ("sala operativa e cruscotto", "80000.00", date(2021, 5, 20), date(2021, 6, 4), "1344"),
    ):  # fmt: skip
        act = Act(DETERMINA, determina, settled_on)
        settlement = spending.record(
            PHASE.LIQUIDAZIONE,
            amount,
            year=settled_on.year,
            on=settled_on,
            act=act,
            parent=impegno,
            description=f"Liquidazione, {stage}",
        )
        spending.record(
            PHASE.PAGAMENTO,
            amount,
            year=paid_on.year,
            on=paid_on,
            act=act,
            parent=settlement,
            description=f"Mandato di pagamento, {stage}",
        )

    transfer = Commitment.objects.get(
        organisation=cast.org("cispel"), project=project, kind=KIND.CASH_TRANSFER
    )
    income = Ledger(project, manager, commitment=transfer, peg_chapter="305.02")
    assessed = Act(DETERMINA, "1502", date(2019, 7, 15))
    accertamento = income.record(
        PHASE.ACCERTAMENTO,
        "30000.00",
        year=2019,
        on=assessed.date,
        act=assessed,
        description="Contributo di CISPEL Toscana alla Situation Room",
    )
    income.record(
        PHASE.RISCOSSIONE,
        "30000.00",
        year=2019,
        on=date(2019, 11, 20),
        act=assessed,
        parent=accertamento,
        description="Bonifico di CISPEL Toscana",
    )


def _meetings(cast, programme, projects, agreement) -> None:
    """The December 2018 Smart Living Lab and two meetings of the protocol's working group."""
    prato, cispel, citelum = cast.org("prato"), cast.org("cispel"), cast.org("citelum")
    utilities = [cast.org(key) for key in SIGNATORIES]
    situation_room = projects["situation_room"]
    for title, held_on, place, participants, minutes, decisions in (
        ("Smart Living Lab", date(2018, 12, 13), "Prato", [prato, *utilities, cast.org("pin")],
         "Laboratorio con la partecipazione di tutte le utilities del territorio, per "
         "individuare alcune priorità di intervento per una proficua collaborazione.",
         (("Priorità di intervento: attivare lo scambio in tempo reale di informazioni sullo "
           "stato del territorio, della viabilità, degli interventi e delle attività in essere "
           "o pianificate da parte dei vari soggetti.", None, prato, None),
          ("Dare vita, sfruttando le tecnologie ICT, a una Situation Room attraverso la quale "
           "gli attori coinvolti si scambiano in tempo reale informazioni sulla città e sui "
           "suoi eventi significativi, per una gestione efficiente dei servizi e per la "
           "sicurezza.", situation_room, prato, date(2019, 6, 30)),
          ("Formalizzare la collaborazione con un protocollo d'intesa tra il Comune e le "
           "utilities.", None, prato, date(2019, 5, 31)))),
        ("Gruppo di lavoro del protocollo — riunione di avvio", date(2019, 6, 20),
         "Comune di Prato, servizio sistema informativo", [prato, *utilities],
         f"Prima riunione del gruppo di lavoro previsto dal {agreement.title}.",
         (("Ogni firmatario censisce i propri dataset secondo la scheda comune.",
           situation_room, cispel, date(2019, 9, 30)),
          ("Il servizio sistema informativo pubblica le specifiche delle interfacce di scambio "
           "dei dati.", situation_room, prato, date(2019, 7, 31)))),
        ("Gruppo di lavoro del protocollo — stato di avanzamento", date(2020, 11, 12),
         "In videoconferenza", [prato, *utilities],
         "Avanzamento del piano triennale e priorità per il 2021.",
         (("Citelum presenta il piano di installazione dei sensori di traffico sulle "
           "principali intersezioni.", projects["sensors"],
           citelum, date(2021, 3, 31)),
          ("Avviare la valutazione d'impatto sulla protezione dei dati per i flussi video e di "
           "mobilità.", situation_room, prato, date(2021, 1, 31)),
          ("Cercare accordi con altri soggetti pubblici per finanziamenti aggiuntivi.", None,
           cispel, None))),
    ):  # fmt: skip
        meeting = saved(
            Meeting(programme=programme, title=title, held_on=held_on, place=place, minutes=minutes)
        )
        meeting.participants.set(participants)
        for position, (text, project, responsible, due_on) in enumerate(decisions, start=1):
            saved(
                Decision(
                    meeting=meeting,
                    text=text,
                    project=project,
                    responsible=responsible,
                    due_on=due_on,
                    position=position,
                )
            )
