"""Livorno's story: "Innovare Livorno", the MIUR call and the 2013 fibre protocol.

From the seed text: the programme integrates all parts of the territory and acts on declared
weak points; a planning path leads to co-planning with public and private actors; the MIUR
"Smart Cities and Social Innovation" call funds "Cloud for e-government" and "Open City
platform" (on the PRISMA cloud platform); in 2013 a Protocollo d'Intesa with Telecom and
Fastweb brings €13 million of private investment in an ultra-broadband fibre network.
Figures and dates the seed does not give are invented, and plausible.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from funding.models import Commitment, Contract, FundSource, Transaction
from funding.services import transaction_reverse
from partners.models import Agreement, Signatory
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
from programme.models import AuthorisingAct, Programme, Project, ProjectParticipation, Risk
from programme.services import programme_publish
from programme.workflow import Act

SLUG = "innovare-livorno"
FIBRE_PROTOCOL = "Protocollo d'Intesa per la rete in fibra ottica a banda ultra-larga"

THEMATIC_AREAS = (
    "Mobilità",
    "Ambiente",
    "Turismo",
    "Sviluppo economico del territorio",
    "Energia",
    "Servizi alle imprese",
    "Servizi ai cittadini",
)
WEAK_POINTS = (
    "Partecipazione",
    "Servizi pubblici e sociali",
    "Accessibilità locale",
    "Sistemi di trasporto",
    "Immagine economica della città",
    "Produttività",
    "Gestione delle risorse",
    "Strutture culturali",
    "Attrattività turistica",
)
# The planning path: phase, then its actions as (year, title, thematic area).
PLANNING_PATH: PlanOutline = (
    (
        "Analisi del territorio",
        (
            (2012, "Mappatura integrata delle componenti del territorio", None),
            (
                2012,
                "Cruscotto dello sviluppo economico locale",
                "Sviluppo economico del territorio",
            ),
        ),
    ),
    (
        "Visione condivisa",
        ((2012, "Tavoli con gli attori del territorio per una visione Smart City comune", None),),
    ),
    (
        "Analisi dei nuovi bisogni dei cittadini",
        (
            (
                2013,
                "Indagine sulle problematiche e i nuovi bisogni dei cittadini",
                "Servizi ai cittadini",
            ),
        ),
    ),
    (
        "Co-pianificazione con soggetti pubblici e privati",
        (
            (2013, "Candidatura al bando MIUR Smart Cities and Social Innovation", None),
            (
                2013,
                "Protocollo d'Intesa con gli operatori TLC per la banda ultra-larga",
                "Servizi alle imprese",
            ),
            (2014, "Avvio dei progetti finanziati con i partner", None),
        ),
    ),
)

GIUNTA = AuthorisingAct.GIUNTA
DETERMINA = AuthorisingAct.DETERMINA
PHASE = Transaction.Phase


def seed_livorno(cast: Cast) -> Programme:
    manager, livorno = cast.user("manager"), cast.org("livorno")
    programme, areas, weak_points = programme_open(
        manager=manager,
        council_member=cast.user("council"),
        thematic_areas=THEMATIC_AREAS,
        weak_points=WEAK_POINTS,
        name="Innovare Livorno",
        slug=SLUG,
        owner=livorno,
        summary=(
            "Il programma del Comune di Livorno per monitorare lo sviluppo economico e "
            "promuovere pratiche per trasformazioni urbane intelligenti."
        ),
        description=(
            "Il Comune di Livorno ha avviato il suo processo di trasformazione in città "
            "intelligente favorendo la pianificazione e l'integrazione di tutte le componenti "
            "del territorio: mobilità, ambiente, turismo, sviluppo economico del territorio, "
            "energia, servizi alle imprese, servizi ai cittadini. Con un approccio globale il "
            "Comune intende garantire strategie coerenti, attuabili anche da soggetti poco "
            "abituati a interagire, per superare le divisioni tra gli attori in gioco."
        ),
        starts_on=date(2012, 1, 1),
    )
    actions = plan_lay_out(
        programme,
        outline=PLANNING_PATH,
        areas=areas,
        actor=manager,
        title="Percorso di programmazione Smart City",
        description=(
            "Un percorso in grado di integrare l'analisi del territorio, avviare una visione "
            "condivisa, analizzare le problematiche e i nuovi bisogni dei cittadini e avviare "
            "una co-pianificazione con soggetti pubblici e privati."
        ),
        start_year=2012,
        end_year=2014,
    )

    miur_call = saved(
        FundSource(
            programme=programme,
            name="Bando MIUR Smart Cities and Social Innovation",
            kind=FundSource.Kind.MINISTRY_CALL,
            provider=cast.org("miur"),
            total=Decimal("2400000.00"),
            legal_reference="D.D. MIUR 5 luglio 2012 n. 391/Ric.",
        )
    )
    budget = saved(
        FundSource(
            programme=programme,
            name="Bilancio comunale — Innovare Livorno",
            kind=FundSource.Kind.MUNICIPAL_BUDGET,
            provider=livorno,
            total=Decimal("700000.00"),
            legal_reference="Bilancio di previsione del Comune di Livorno, Missione 1 Programma 8",
        )
    )
    cloud = _cloud_for_e_government(cast, areas, weak_points, miur_call, budget)
    open_city = _open_city_platform(cast, areas, weak_points, miur_call, budget)
    fibre = _fibre_network(cast, programme, areas, weak_points)
    actions["Candidatura al bando MIUR Smart Cities and Social Innovation"].projects.add(
        cloud, open_city
    )
    actions["Protocollo d'Intesa con gli operatori TLC per la banda ultra-larga"].projects.add(
        fibre
    )
    actions["Avvio dei progetti finanziati con i partner"].projects.add(cloud, open_city, fibre)

    programme_publish(programme=programme, actor=manager)
    return programme


def _cloud_for_e_government(cast, areas, weak_points, miur_call, budget) -> Project:
    manager = cast.user("manager")
    project = project_propose(
        actor=manager,
        programme=miur_call.programme,
        title="Cloud for e-government",
        summary=(
            "Sperimentare il Cloud Computing come tecnologia abilitante per i processi, le "
            "procedure e i servizi di e-government per il cittadino."
        ),
        description=(
            "Una soluzione che consente alla pubblica amministrazione di sperimentare il Cloud "
            "Computing come tecnologia abilitante e innovativa a supporto di processi, procedure "
            "e servizi di e-government per il cittadino. Idea progettuale presentata al bando "
            "MIUR Smart Cities and Social Innovation."
        ),
        thematic_area=areas["Servizi ai cittadini"],
        weak_points=[weak_points["Servizi pubblici e sociali"], weak_points["Produttività"]],
        cup="E42I13000080001",
        rup="Dott.ssa Elena Guidi",
        total_cost=Decimal("900000.00"),
        participants={cast.org("tirreno"): ProjectParticipation.Role.TECHNOLOGY_PROVIDER},
        planned_start=date(2014, 3, 1),
        planned_end=date(2015, 12, 31),
    )
    allocate(miur_call, project, {2014: "450000.00", 2015: "350000.00"}, actor=manager)
    allocate(budget, project, {2014: "100000.00"}, actor=manager)
    project = project_advance(
        project,
        to=Project.Status.COMPLETED,
        actor=manager,
        approval=Act(GIUNTA, "312", date(2013, 10, 22)),
        started_on=date(2014, 3, 3),
        completed_on=date(2016, 2, 26),
    )
    add_milestones(
        project,
        (
            Step("Analisi dei processi e dei servizi candidati al cloud", date(2014, 6, 30),
                 date(2014, 6, 20), 2, "Rapporto di analisi dei servizi"),
            Step("Infrastruttura cloud di sperimentazione", date(2014, 12, 31),
                 date(2015, 1, 30), 3, "Ambiente cloud in esercizio"),
            Step("Migrazione dei servizi pilota", date(2015, 9, 30), date(2015, 10, 15), 3,
                 "Servizi di e-government erogati dal cloud"),
            Step("Valutazione della sperimentazione", date(2015, 12, 31), date(2016, 2, 15), 2,
                 "Rapporto finale al MIUR"),
        ),
        actor=manager,
    )  # fmt: skip
    add_indicator(
        project,
        name="Servizi di e-government erogati dal cloud",
        unit="servizi",
        baseline=(date(2014, 3, 1), "0"),
        target=(date(2015, 12, 31), "12"),
        measurements=(
            (date(2014, 12, 31), "3"),
            (date(2015, 6, 30), "7"),
            (date(2015, 12, 31), "11"),
        ),
        actor=manager,
    )
    add_risk(
        project,
        title="Resistenza degli uffici al cambio di piattaforma",
        likelihood=Risk.Level.MEDIUM,
        impact=Risk.Level.MEDIUM,
        mitigation="Formazione del personale e migrazione graduale dei servizi pilota.",
        status=Risk.Status.CLOSED,
        owner=manager,
    )

    contract = saved(
        Contract(
            project=project,
            supplier=cast.org("tirreno"),
            cig="5634871A2C",
            subject="Servizi di sperimentazione cloud per l'e-government",
            amount=Decimal("640000.00"),
            procedure=Contract.Procedure.OPEN,
            awarded_on=date(2014, 2, 14),
            starts_on=date(2014, 3, 1),
            ends_on=date(2015, 12, 31),
        )
    )
    spending = Ledger(project, manager, miur_call, contract, peg_chapter="2140.05")
    award = Act(DETERMINA, "1450", date(2014, 2, 20))
    impegno = spending.record(
        PHASE.IMPEGNO,
        "640000.00",
        year=2014,
        on=award.date,
        act=award,
        description="Aggiudicazione",
    )
    for stage, amount, settled_on, paid_on, determina in (
        ("primo stato di avanzamento", "300000.00", date(2014, 12, 10), date(2014, 12, 22), "4210"),
        ("saldo", "340000.00", date(2015, 12, 18), date(2015, 12, 29), "3987"),
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

    # The grant itself: income assessed when awarded, collected in two instalments.
    income = Ledger(project, manager, miur_call, peg_chapter="420.01")
    award = Act(DETERMINA, "98", date(2014, 1, 15))
    grant = income.record(
        PHASE.ACCERTAMENTO,
        "800000.00",
        year=2014,
        on=award.date,
        act=award,
        description="Contributo MIUR Smart Cities and Social Innovation",
    )
    for collected_on in (date(2014, 7, 2), date(2016, 5, 12)):
        income.record(
            PHASE.RISCOSSIONE,
            "400000.00",
            year=collected_on.year,
            on=collected_on,
            act=award,
            parent=grant,
            description="Quota del contributo MIUR",
        )
    return project


def _open_city_platform(cast, areas, weak_points, miur_call, budget) -> Project:
    manager, pm = cast.user("manager"), cast.user("pm.livorno")
    project = project_propose(
        actor=manager,
        programme=miur_call.programme,
        title="Open City platform",
        summary=(
            "La piattaforma cloud del progetto PRISMA, estesa con monitoraggio avanzato, "
            "ottimizzazione energetica del data center, disaster recovery automatico e "
            "conservazione a lungo termine dei dati."
        ),
        description=(
            "Il progetto parte dalla piattaforma cloud sviluppata dal progetto PRISMA e la "
            "estende integrando soluzioni per il monitoraggio avanzato di infrastruttura e "
            "applicazioni, che consentano un'ottimizzazione del consumo energetico dei data "
            "center e strategie automatiche di disaster recovery, per il deployment di "
            "applicazioni complesse e per la conservazione a lungo termine dei dati."
        ),
        thematic_area=areas["Energia"],
        weak_points=[
            weak_points[name]
            for name in ("Gestione delle risorse", "Produttività", "Servizi pubblici e sociali")
        ],
        cup="E42I13000090001",
        rup="Ing. Marco Paoli",
        total_cost=Decimal("2100000.00"),
        manager=pm,
        participants={cast.org("nuvola"): ProjectParticipation.Role.TECHNOLOGY_PROVIDER},
        planned_start=date(2014, 6, 1),
        planned_end=date(2026, 12, 31),
    )
    allocate(
        miur_call, project, {2014: "600000.00", 2015: "700000.00", 2016: "300000.00"}, actor=manager
    )
    # When the MIUR money ran out, the municipal budget took over.
    allocate(
        budget, project, {2023: "150000.00", 2024: "200000.00", 2025: "150000.00"}, actor=manager
    )
    project = project_advance(
        project,
        to=Project.Status.IN_PROGRESS,
        actor=manager,
        approval=Act(GIUNTA, "313", date(2013, 10, 22)),
        started_on=date(2014, 6, 3),
    )
    add_milestones(
        project,
        (
            Step("Estensione della piattaforma cloud PRISMA", date(2015, 6, 30), date(2015, 7, 10),
                 3, "Piattaforma Open City in produzione (release 1.0)"),
            Step("Monitoraggio avanzato di infrastruttura e applicazioni", date(2016, 12, 31),
                 date(2016, 12, 20), 2, "Cruscotto di monitoraggio"),
            Step("Ottimizzazione del consumo energetico del data center", date(2023, 12, 31),
                 date(2023, 11, 28), 2, "Piano di efficienza energetica del data center"),
            Step("Disaster recovery automatico", date(2024, 6, 30), None, 2,
                 "Sito secondario e procedure di ripristino automatico"),
            Step("Deployment di applicazioni complesse", date(2024, 12, 31), date(2024, 10, 15),
                 1, "Catalogo di modelli di deployment"),
            Step("Conservazione a lungo termine dei dati", date(2027, 6, 30), None, 2,
                 "Sistema di conservazione conforme alle linee guida AgID"),
        ),
        actor=pm,
    )  # fmt: skip
    add_indicator(
        project,
        name="PUE del data center comunale",
        unit="PUE",
        baseline=(date(2014, 6, 1), "2.10"),
        target=(date(2025, 12, 31), "1.50"),
        measurements=(
            (date(2016, 12, 31), "1.95"),
            (date(2020, 12, 31), "1.80"),
            (date(2023, 12, 31), "1.62"),
            (date(2025, 6, 30), "1.58"),
        ),
        actor=pm,
    )
    add_indicator(
        project,
        name="Applicazioni dell'ente ospitate sulla piattaforma",
        unit="applicazioni",
        baseline=(date(2014, 6, 1), "0"),
        target=(date(2026, 12, 31), "40"),
        measurements=(
            (date(2016, 12, 31), "8"),
            (date(2020, 12, 31), "19"),
            (date(2024, 12, 31), "27"),
            (date(2025, 12, 31), "31"),
        ),
        actor=pm,
    )
    add_indicator(
        project,
        name="Tempo di ripristino dopo un disastro (RTO)",
        unit="ore",
        baseline=(date(2014, 6, 1), "72"),
        target=(date(2024, 6, 30), "4"),
        measurements=((date(2024, 6, 30), "48"),),
        actor=pm,
    )
    for title, likelihood, impact, status, mitigation in (
        ("Capacità del sito secondario insufficiente per il disaster recovery", 4, 4,
         Risk.Status.OPEN, "Convenzione con un data center regionale per il sito secondario."),
        ("Dipendenza dal fornitore della piattaforma", 3, 4, Risk.Status.OPEN,
         "Standard aperti e clausole di portabilità dei dati nei contratti."),
        ("Fine del finanziamento MIUR prima del completamento", 5, 3, Risk.Status.OCCURRED,
         "Cofinanziamento dal bilancio comunale dal 2023."),
        ("Competenze interne sul cloud", 3, 3, Risk.Status.MITIGATED,
         "Percorso di formazione per il personale del servizio sistemi informativi."),
    ):  # fmt: skip
        add_risk(
            project,
            title=title,
            likelihood=likelihood,
            impact=impact,
            status=status,
            mitigation=mitigation,
            owner=pm,
        )

    platform = saved(
        Contract(
            project=project,
            supplier=cast.org("nuvola"),
            cig="5987223C1D",
            subject="Estensione della piattaforma PRISMA e monitoraggio avanzato",
            amount=Decimal("980000.00"),
            procedure=Contract.Procedure.OPEN,
            awarded_on=date(2014, 5, 20),
            starts_on=date(2014, 6, 3),
            ends_on=date(2016, 12, 31),
        )
    )
    spending = Ledger(project, pm, miur_call, platform, peg_chapter="2140.06")
    award = Act(DETERMINA, "2233", date(2014, 5, 28))
    impegno = spending.record(
        PHASE.IMPEGNO,
        "980000.00",
        year=2014,
        on=award.date,
        act=award,
        description="Aggiudicazione",
    )
    release = Act(DETERMINA, "2871", date(2015, 7, 20))
    settlement = spending.record(
        PHASE.LIQUIDAZIONE,
        "400000.00",
        year=2015,
        on=release.date,
        act=release,
        parent=impegno,
        description="Liquidazione, release 1.0",
    )
    spending.record(
        PHASE.PAGAMENTO,
        "400000.00",
        year=2015,
        on=date(2015, 8, 4),
        act=release,
        parent=settlement,
        description="Mandato di pagamento, release 1.0",
    )
    # A keying error, corrected the only way money records allow: a reversal entry.
    balance = Act(DETERMINA, "4410", date(2016, 12, 22))
    mistyped = spending.record(
        PHASE.LIQUIDAZIONE,
        "58000.00",
        year=2016,
        on=balance.date,
        act=balance,
        parent=impegno,
        description="Liquidazione, saldo",
    )
    transaction_reverse(
        entry=mistyped,
        actor=pm,
        reason="Importo digitato in modo errato: 58.000 € anziché 580.000 €.",
        recorded_on=date(2016, 12, 23),
    )
    settlement = spending.record(
        PHASE.LIQUIDAZIONE,
        "580000.00",
        year=2016,
        on=date(2016, 12, 23),
        act=balance,
        parent=impegno,
        description="Liquidazione, saldo",
    )
    spending.record(
        PHASE.PAGAMENTO,
        "580000.00",
        year=2017,
        on=date(2017, 1, 16),
        act=balance,
        parent=settlement,
        description="Mandato di pagamento, saldo",
    )

    recovery = saved(
        Contract(
            project=project,
            supplier=cast.org("tirreno"),
            cig="9712458B3E",
            subject="Servizio di disaster recovery automatico",
            amount=Decimal("180000.00"),
            procedure=Contract.Procedure.MEPA,
            awarded_on=date(2023, 3, 15),
            starts_on=date(2023, 4, 1),
            ends_on=date(2025, 12, 31),
        )
    )
    spending = Ledger(project, pm, budget, recovery, peg_chapter="2140.06")
    award = Act(DETERMINA, "1127", date(2023, 3, 20))
    impegno = spending.record(
        PHASE.IMPEGNO, "180000.00", year=2023, on=award.date, act=award, description="Affidamento"
    )
    first_phase = Act(DETERMINA, "1302", date(2024, 4, 8))
    settlement = spending.record(
        PHASE.LIQUIDAZIONE,
        "60000.00",
        year=2024,
        on=first_phase.date,
        act=first_phase,
        parent=impegno,
        description="Liquidazione, prima fase",
    )
    spending.record(
        PHASE.PAGAMENTO,
        "60000.00",
        year=2024,
        on=date(2024, 4, 30),
        act=first_phase,
        parent=settlement,
        description="Mandato di pagamento, prima fase",
    )
    return project


def _fibre_network(cast, programme, areas, weak_points) -> Project:
    manager, livorno = cast.user("manager"), cast.org("livorno")
    telecom, fastweb = cast.org("telecom"), cast.org("fastweb")
    agreement = agreement_create(
        actor=manager,
        kind=Agreement.Kind.MEMORANDUM,
        title=FIBRE_PROTOCOL,
        signed_on=date(2013, 7, 18),
        valid_from=date(2013, 7, 18),
        valid_until=date(2016, 12, 31),
        scope=(
            "Realizzazione in città di una rete in fibra ottica a banda ultra-larga: una rete "
            "fissa di telecomunicazioni in grado di trasmettere e ricevere dati con maggior "
            "velocità e affidabilità rispetto ai sistemi tradizionali. Le due aziende TLC "
            "investono 13 milioni di euro nella città."
        ),
        signatories=[
            (livorno, Signatory.Role.PROMOTER),
            (telecom, Signatory.Role.SIGNATORY),
            (fastweb, Signatory.Role.SIGNATORY),
        ],
    )
    for organisation, what, due, fulfilled in (
        (livorno, "Semplificare le autorizzazioni agli scavi e mettere a disposizione i "
         "cavidotti comunali esistenti.", date(2013, 12, 31), date(2013, 11, 5)),
        (telecom, "Completare la rete in fibra negli armadi di strada dei quartieri concordati.",
         date(2015, 12, 31), date(2015, 11, 30)),
        (fastweb, "Completare la rete in fibra nelle aree di propria competenza.",
         date(2015, 12, 31), date(2016, 3, 15)),
    ):  # fmt: skip
        obligation = obligation_create(
            actor=manager,
            agreement=agreement,
            organisation=organisation,
            description=what,
            due_on=due,
        )
        obligation_fulfil(obligation=obligation, actor=manager, fulfilled_on=fulfilled)

    # Private money outside the municipal budget; a source has one provider, so one each.
    sources = {
        operator: saved(
            FundSource(
                programme=programme,
                name=f"Protocollo d'Intesa 2013 — investimento {operator.short_name}",
                kind=FundSource.Kind.PRIVATE_INVESTMENT,
                provider=operator,
                total=Decimal(total),
                legal_reference="Protocollo d'Intesa del 18 luglio 2013",
            )
        )
        for operator, total in ((telecom, "7000000.00"), (fastweb, "6000000.00"))
    }
    project = project_propose(
        actor=manager,
        programme=programme,
        title="Rete in fibra ottica a banda ultra-larga",
        summary=(
            "La rete fissa in fibra ottica realizzata in città da Telecom Italia e Fastweb con "
            "13 milioni di euro di investimento privato."
        ),
        description=agreement.scope,
        thematic_area=areas["Sviluppo economico del territorio"],
        weak_points=[
            weak_points[name]
            for name in ("Immagine economica della città", "Produttività", "Accessibilità locale")
        ],
        cup="E47H13000500005",
        rup="Ing. Stefano Cecchi",
        total_cost=Decimal("13000000.00"),
        participants={
            telecom: ProjectParticipation.Role.CO_FINANCER,
            fastweb: ProjectParticipation.Role.CO_FINANCER,
        },
        planned_start=date(2013, 9, 1),
        planned_end=date(2024, 12, 31),
    )
    allocate(sources[telecom], project, {2013: "3500000.00", 2014: "3500000.00"}, actor=manager)
    allocate(sources[fastweb], project, {2013: "3000000.00", 2014: "3000000.00"}, actor=manager)
    project = project_advance(
        project,
        to=Project.Status.IN_PROGRESS,
        actor=manager,
        approval=Act(GIUNTA, "254", date(2013, 8, 6)),
        started_on=date(2013, 9, 2),
    )

    # The operators invest by spending directly under the protocol: no budget clause here,
    # unlike Prato's co-financing. Fastweb has no demo account: the back office records on
    # its behalf, and the programme manager verifies, never the one who declared.
    representative = {telecom: cast.user("partner.telecom"), fastweb: cast.user("admin")}
    for operator, year, amount, budget_act, paid_on in (
        (telecom, 2013, "3500000.00", "Piano investimenti Telecom Italia 2013", date(2013, 12, 31)),
        (telecom, 2014, "3500000.00", "Piano investimenti Telecom Italia 2014", date(2014, 12, 31)),
        (fastweb, 2013, "3000000.00", "Piano investimenti Fastweb 2013–2014", date(2014, 3, 31)),
        (fastweb, 2014, "3000000.00", "Piano investimenti Fastweb 2013–2014", None),
    ):  # fmt: skip
        co_finance(
            partner=operator,
            target=project,
            year=year,
            kind=Commitment.Kind.DIRECT_SPENDING,
            amount=amount,
            description=f"Posa della rete in fibra ottica, lavori {year}",
            representative=representative[operator],
            finance_office=manager,
            budget_clause=False,
            budget_act=budget_act,
            payments=(Paid(amount, paid_on, note="Stato finale dei lavori"),) if paid_on else (),
        )

    add_milestones(
        project,
        (
            Step("Progettazione della rete e piano degli scavi", date(2013, 12, 31),
                 date(2013, 12, 12), 1, "Piano degli scavi condiviso"),
            Step("Copertura del 50% delle unità immobiliari", date(2014, 12, 31),
                 date(2014, 11, 28), 3),
            Step("Copertura dell'85% delle unità immobiliari", date(2016, 6, 30),
                 date(2016, 9, 30), 3),
            Step("Collegamento in fibra delle sedi comunali e delle scuole", date(2024, 6, 30),
                 None, 2, "Sedi comunali e plessi scolastici collegati"),
        ),
        actor=manager,
    )  # fmt: skip
    add_indicator(
        project,
        name="Unità immobiliari raggiunte dalla banda ultra-larga",
        unit="%",
        baseline=(date(2013, 9, 1), "0"),
        target=(date(2016, 6, 30), "85"),
        measurements=(
            (date(2014, 12, 31), "52"),
            (date(2015, 12, 31), "74"),
            (date(2016, 9, 30), "86"),
        ),
        actor=manager,
    )
    add_indicator(
        project,
        name="Sedi comunali e scuole collegate in fibra",
        unit="sedi",
        baseline=(date(2017, 1, 1), "0"),
        target=(date(2024, 6, 30), "60"),
        measurements=((date(2020, 12, 31), "31"), (date(2023, 12, 31), "44")),
        actor=manager,
    )
    add_risk(
        project,
        title="Ritardi nei permessi di scavo",
        likelihood=Risk.Level.MEDIUM,
        impact=Risk.Level.MEDIUM,
        mitigation="Conferenza dei servizi unica e uso dei cavidotti comunali esistenti.",
        status=Risk.Status.MITIGATED,
        owner=manager,
    )
    return project
