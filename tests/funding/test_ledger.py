"""funding.ledger: every figure of the reconciliation against hand-computed expectations.

The ``books`` fixture is a small programme written out in full below; each expected figure is
computed by hand from it, in the comments. Today is 1 March 2026 for the alerts.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from funding import ledger
from funding.models import Commitment, Disbursement, FundSource, Transaction
from funding.tables import (
    FUND_SOURCE_COLUMNS,
    PARTNER_COLUMNS,
    PRIVATE_INVESTMENT_COLUMNS,
    PROJECT_YEAR_COLUMNS,
)
from partners.models import Organisation
from programme.models import Programme, Project
from tests.factories import (
    AgreementFactory,
    AllocationFactory,
    CommitmentFactory,
    DisbursementFactory,
    FundSourceFactory,
    ObligationFactory,
    OrganisationFactory,
    PlanActionFactory,
    PlanFactory,
    PlanPhaseFactory,
    ProgrammeFactory,
    ProjectFactory,
    SignatoryFactory,
    TransactionFactory,
)

pytestmark = pytest.mark.django_db

C = Commitment.Status
D = Disbursement.Status
P = Transaction.Phase
TODAY = datetime.date(2026, 3, 1)


def euros(text: str) -> Decimal:
    return Decimal(text)


def entry(project, phase, amount, year, *, source=None, reverses=None):
    """An accounting entry; a reversal copies its entry with the opposite amount."""
    if reverses is not None:
        return TransactionFactory(
            project=project,
            phase=reverses.phase,
            amount=-reverses.amount,
            financial_year=reverses.financial_year,
            fund_source=reverses.fund_source,
            reverses=reverses,
            reason="Importo errato",
        )
    return TransactionFactory(
        project=project, phase=phase, amount=euros(amount), financial_year=year, fund_source=source
    )


@pytest.fixture
def books(programme, project, partner, municipality, agreement):
    return build_books(programme, project, partner, municipality, agreement)


def build_books(programme, project, partner, municipality, agreement) -> dict:
    """Open City (in progress, 2.000.000 €) and Cloud (approved, 500.000 €) in Innovare
    Livorno; MIUR (1.000.000 €) and the municipal budget (500.000 €); Telecom's fibre network
    (13.000.000 €, off-budget), restated once as Telecom's commitment."""
    project.status = Project.Status.IN_PROGRESS
    project.total_cost = euros("2000000.00")
    project.save()
    cloud = ProjectFactory(
        programme=programme,
        title="Cloud for e-government",
        status=Project.Status.APPROVED,
        total_cost=euros("500000.00"),
    )
    # A proposal costs what it costs: it is not yet to be funded (no alert).
    ProjectFactory(programme=programme, title="Proposta", total_cost=euros("900000.00"))
    citelum = OrganisationFactory(name="Citelum Italia", kind=Organisation.Kind.UTILITY)
    telecom = OrganisationFactory(name="Telecom Italia S.p.A.", kind=Organisation.Kind.TELECOM)
    miur = FundSourceFactory(programme=programme, name="MIUR", total=euros("1000000.00"))
    budget = FundSourceFactory(
        programme=programme,
        name="Bilancio comunale",
        kind=FundSource.Kind.MUNICIPAL_BUDGET,
        provider=municipality,
        total=euros("500000.00"),
    )
    fibre = FundSourceFactory(
        programme=programme,
        name="Rete in fibra",
        kind=FundSource.Kind.PRIVATE_INVESTMENT,
        provider=telecom,
        total=euros("13000000.00"),
    )
    AllocationFactory(fund_source=miur, project=project, year=2024, amount=euros("300000.00"))
    AllocationFactory(fund_source=miur, project=project, year=2025, amount=euros("200000.00"))
    AllocationFactory(fund_source=budget, project=project, year=2024, amount=euros("100000.00"))
    AllocationFactory(fund_source=budget, project=cloud, year=2025, amount=euros("50000.00"))
    AllocationFactory(fund_source=fibre, project=project, year=2024, amount=euros("7000000.00"))

    gida_2024 = CommitmentFactory(
        organisation=partner,
        project=project,
        year=2024,
        amount=euros("80000.00"),
        status=C.PARTLY_DISBURSED,
        disbursed_amount=euros("30000.00"),
    )
    DisbursementFactory(commitment=gida_2024, amount=euros("30000.00"), status=D.VERIFIED)
    awaiting = DisbursementFactory(commitment=gida_2024, amount=euros("10000.00"))
    DisbursementFactory(
        commitment=gida_2024,
        amount=euros("5000.00"),
        status=D.REJECTED,
        rejection_reason="Fattura non pertinente",
    )
    Disbursement.objects.filter(pk=awaiting.pk).update(
        created_at=datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)
    )
    CommitmentFactory(organisation=partner, project=project, year=2025, amount=euros("40000.00"))
    CommitmentFactory(
        organisation=citelum,
        project=project,
        year=2024,
        amount=euros("25000.00"),
        status=C.WITHDRAWN,
    )
    CommitmentFactory(
        organisation=citelum,
        project=cloud,
        year=2025,
        amount=euros("60000.00"),
        status=C.CONFIRMED,
    )
    # Telecom's fibre network, recorded once more as a commitment: private investment.
    CommitmentFactory(
        organisation=telecom,
        project=project,
        year=2024,
        amount=euros("7000000.00"),
        status=C.CONFIRMED,
    )
    plan = PlanFactory(programme=programme, start_year=2024, end_year=2026)
    action = PlanActionFactory(phase=PlanPhaseFactory(plan=plan), year=2024, title="Open data")
    CommitmentFactory(
        organisation=partner,
        project=None,
        plan_action=action,
        year=2024,
        amount=euros("15000.00"),
    )

    impegno = entry(project, P.IMPEGNO, "250000.00", 2024, source=miur)
    wrong = entry(project, P.IMPEGNO, "20000.00", 2024, source=miur)
    entry(project, None, None, None, reverses=wrong)
    entry(project, P.LIQUIDAZIONE, "100000.00", 2024, source=miur)
    entry(project, P.PAGAMENTO, "90000.00", 2024, source=miur)
    double = entry(project, P.PAGAMENTO, "10000.00", 2024, source=miur)
    entry(project, None, None, None, reverses=double)
    entry(project, P.IMPEGNO, "50000.00", 2025, source=budget)
    entry(cloud, P.IMPEGNO, "10000.00", 2026)
    # Income entries are no spending phase: they are in no column.
    entry(project, P.ACCERTAMENTO, "80000.00", 2024)

    # Obligations under the municipality's agreement: one overdue, one fulfilled, one not due.
    ObligationFactory(
        agreement=agreement,
        organisation=partner,
        description="Condividere i dati dei sensori",
        due_on=datetime.date(2025, 12, 31),
    )
    ObligationFactory(
        agreement=agreement,
        organisation=partner,
        due_on=datetime.date(2025, 6, 30),
        fulfilled_on=datetime.date(2025, 6, 1),
    )
    ObligationFactory(agreement=agreement, organisation=partner, due_on=datetime.date(2026, 6, 30))
    # An agreement the municipality did not sign is another programme's business.
    foreign = AgreementFactory(title="Accordo di altri")
    SignatoryFactory(agreement=foreign, organisation=citelum)
    ObligationFactory(agreement=foreign, organisation=citelum, due_on=datetime.date(2025, 1, 1))
    return {
        "project": project,
        "cloud": cloud,
        "action": action,
        "gida_2024": gida_2024,
        "impegno": impegno,
        "miur": miur,
        "budget": budget,
        "fibre": fibre,
        "citelum": citelum,
        "telecom": telecom,
    }


def figures(row: dict) -> dict:
    return {key: value for key, value in row.items() if key in ledger.PROJECT_YEAR_MEASURES}


def money(**values: str) -> dict:
    expected = dict.fromkeys(ledger.PROJECT_YEAR_MEASURES, Decimal("0.00"))
    expected.update({key: euros(value) for key, value in values.items()})
    return expected


def test_project_year_rows_hold_every_figure_as_computed_by_hand(books, partner):
    rows = ledger.project_year_rows(books["project"].programme)

    by_key = {(row["project_id"], row["year"]): row for row in rows}
    project, cloud = books["project"].pk, books["cloud"].pk
    assert list(by_key) == [
        (cloud, 2025),
        (cloud, 2026),
        (project, 2024),
        (project, 2025),
        (None, 2024),
    ]
    # Open City 2024: MIUR 300.000 + budget 100.000 (Telecom's 7M apart); Gida's firm 80.000
    # (Telecom's restatement and Citelum's withdrawal out); 30.000 verified, 10.000 declared,
    # the 5.000 rejected nowhere; impegno 250.000 + 20.000 − 20.000; payments 90.000 + 10.000
    # − 10.000.
    assert figures(by_key[project, 2024]) == money(
        allocated="400000.00",
        committed="80000.00",
        declared="10000.00",
        verified="30000.00",
        impegno="250000.00",
        liquidazione="100000.00",
        pagamento="90000.00",
        uncommitted="150000.00",
        unpaid="160000.00",
        expected_from_partners="50000.00",
    )
    assert figures(by_key[project, 2025]) == money(
        allocated="200000.00",
        pledged="40000.00",
        impegno="50000.00",
        uncommitted="150000.00",
        unpaid="50000.00",
    )
    assert figures(by_key[cloud, 2025]) == money(
        allocated="50000.00",
        committed="60000.00",
        uncommitted="50000.00",
        expected_from_partners="60000.00",
    )
    # A year that only the accounts know: spending beyond any allocation, negative.
    assert figures(by_key[cloud, 2026]) == money(
        impegno="10000.00", uncommitted="-10000.00", unpaid="10000.00"
    )
    assert figures(by_key[None, 2024]) == money(pledged="15000.00")
    assert by_key[project, 2024]["project"] == "Open City platform"
    with translation.override("en"):
        rows = ledger.project_year_rows(books["project"].programme)
    assert rows[-1]["project"] == "Plan action: Open data"


def test_rows_are_keyed_by_the_codes_of_the_tables(books):
    programme = books["project"].programme

    for rows, columns in (
        (ledger.project_year_rows(programme), PROJECT_YEAR_COLUMNS),
        (ledger.fund_source_rows(programme), FUND_SOURCE_COLUMNS),
        (ledger.partner_rows(programme), PARTNER_COLUMNS),
        (ledger.private_investment_rows(programme), PRIVATE_INVESTMENT_COLUMNS),
    ):
        assert rows
        for row in rows:
            assert list(row) == [column.code for column in columns]


def test_the_year_keeps_one_year_of_the_figures(books):
    programme = books["project"].programme

    rows = ledger.project_year_rows(programme, year=2025)

    assert [(row["project_id"], row["year"]) for row in rows] == [
        (books["cloud"].pk, 2025),
        (books["project"].pk, 2025),
    ]
    everything = ledger.project_year_rows(programme)
    assert rows == [row for row in everything if row["year"] == 2025]


def test_fund_sources_show_total_allocated_left_and_paid_without_private_investment(books):
    rows = ledger.fund_source_rows(books["project"].programme)

    assert rows == [
        {
            "fund_source_id": books["budget"].pk,
            "fund_source": "Bilancio comunale",
            "kind": FundSource.Kind.MUNICIPAL_BUDGET,
            "provider": "Comune di Livorno",
            "total": euros("500000.00"),
            "allocated": euros("150000.00"),
            "available": euros("350000.00"),
            "spent": euros("0.00"),
        },
        {
            "fund_source_id": books["miur"].pk,
            "fund_source": "MIUR",
            "kind": FundSource.Kind.MINISTRY_CALL,
            "provider": books["miur"].provider.name,
            "total": euros("1000000.00"),
            "allocated": euros("500000.00"),
            "available": euros("500000.00"),
            # 90.000 + 10.000 − 10.000 paid on MIUR.
            "spent": euros("90000.00"),
        },
    ]


def test_partners_show_their_co_financing_without_restated_private_investment(books, partner):
    rows = ledger.partner_rows(books["project"].programme)

    assert rows == [
        {
            "organisation_id": books["citelum"].pk,
            "organisation": "Citelum Italia",
            "pledged": euros("0.00"),
            "confirmed": euros("60000.00"),
            "declared": euros("0.00"),
            "fulfilled": euros("0.00"),
            "withdrawn": euros("25000.00"),
            "outstanding": euros("60000.00"),
        },
        {
            "organisation_id": partner.pk,
            "organisation": "Gida S.p.A.",
            # 40.000 for 2025 and 15.000 for the plan action.
            "pledged": euros("55000.00"),
            "confirmed": euros("80000.00"),
            "declared": euros("10000.00"),
            "fulfilled": euros("30000.00"),
            "withdrawn": euros("0.00"),
            "outstanding": euros("50000.00"),
        },
    ]
    restated = ledger.restated_private_investment(books["project"].programme)
    assert [(r["organisation"], r["amount"]) for r in restated] == [
        ("Telecom Italia S.p.A.", euros("7000000.00"))
    ]


def test_private_investment_is_reported_apart(books):
    rows = ledger.private_investment_rows(books["project"].programme)

    assert rows == [
        {
            "fund_source_id": books["fibre"].pk,
            "fund_source": "Rete in fibra",
            "provider": "Telecom Italia S.p.A.",
            "project_id": books["project"].pk,
            "project": "Open City platform",
            "year": 2024,
            "amount": euros("7000000.00"),
        }
    ]


def test_the_pivot_holds_the_rows_and_each_on_budget_source_s_allocation(books):
    pivot = ledger.reconciliation_pivot(books["project"].programme)

    project = books["project"].pk
    assert pivot.loc[(project, 2024), "allocated"] == euros("400000.00")
    assert pivot.loc[(project, 2024), "MIUR"] == euros("300000.00")
    assert pivot.loc[(project, 2024), "Bilancio comunale"] == euros("100000.00")
    assert pivot.loc[(project, 2025), "Bilancio comunale"] == euros("0.00")
    assert "Rete in fibra" not in pivot.columns
    assert len(pivot) == len(ledger.project_year_rows(books["project"].programme))
    assert pivot["pagamento"].sum() == euros("90000.00")


def test_alerts_name_each_kind_of_problem(books, english):
    found = ledger.alerts(books["project"].programme, today=TODAY)

    kinds = [alert.kind for alert in found]
    assert sorted(kinds) == sorted(
        [
            "overdue_pledge",  # Gida's 40.000 for 2025
            "overdue_pledge",  # Gida's 15.000 for the plan action in 2024
            "unpaid_commitment",  # Gida's 2024: 50.000 not verified
            "unpaid_commitment",  # Citelum's 2025: 60.000 not verified
            "overdue_obligation",  # due 31/12/2025
            "under_funded_project",  # Cloud: 500.000 − 50.000 − 60.000
            "awaiting_verification",  # declared on 10/1/2026, 50 days ago
        ]
    )
    # The most serious first.
    assert [a.severity for a in found] == sorted(
        (a.severity for a in found), key=lambda s: s != "high"
    )
    by_kind = {alert.kind: alert for alert in found}
    assert by_kind["under_funded_project"].project_id == books["cloud"].pk
    assert "390,000.00" in by_kind["under_funded_project"].message
    assert by_kind["awaiting_verification"].commitment_id == books["gida_2024"].pk
    assert by_kind["overdue_obligation"].agreement_id is not None
    assert "Condividere i dati dei sensori" in by_kind["overdue_obligation"].message
    unpaid = [a for a in found if a.kind == "unpaid_commitment"]
    assert any("50,000.00" in a.message and "Gida" in a.message for a in unpaid)


def test_alert_messages_are_in_the_user_s_language_with_italian_figures(books):
    with translation.override("it"):
        found = ledger.alerts(books["project"].programme, today=TODAY)

    under_funded = next(a for a in found if a.kind == "under_funded_project")
    assert "390.000,00\u00a0€" in under_funded.message


def test_nothing_to_alert_about_before_the_years_end(books):
    """On 1 March 2024 no year of the books has ended and nothing waits for 30 days."""
    found = ledger.alerts(books["project"].programme, today=datetime.date(2024, 3, 1))

    assert {alert.kind for alert in found} == {"under_funded_project"}


def test_a_firm_commitment_fully_verified_raises_no_alert(programme, partner):
    project = ProjectFactory(programme=programme, status=Project.Status.IN_PROGRESS, total_cost=0)
    CommitmentFactory(organisation=partner, project=project, year=2020, status=C.FULFILLED)

    assert ledger.alerts(programme, today=TODAY) == []


def test_the_figures_cost_the_same_queries_whatever_the_number_of_projects(
    programme, partner, django_assert_num_queries
):
    def grow(n: int) -> None:
        source = FundSourceFactory(programme=programme, total=euros("100000000.00"))
        for _ in range(n):
            project = ProjectFactory(programme=programme, status=Project.Status.IN_PROGRESS)
            AllocationFactory(fund_source=source, project=project)
            CommitmentFactory(organisation=partner, project=project, status=C.CONFIRMED)
            entry(project, P.IMPEGNO, "1000.00", 2024, source=source)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            ledger.project_year_rows(programme)
            ledger.fund_source_rows(programme)
            ledger.partner_rows(programme)
            ledger.private_investment_rows(programme)
            ledger.alerts(programme, today=TODAY)
            ledger.reconciliation_pivot(programme)
        return len(queries)

    grow(3)
    few = count()
    grow(30)
    assert count() == few


def test_the_reconciliation_agrees_with_the_dashboard_on_the_demo_data(db):
    """The figures a manager reconciles are the dashboard's: planned (allocations of the
    projects not cancelled), committed and spent, per year and in total; and the partners'."""
    from portal.selectors import programme_dashboard
    from programme.selectors import managed_programmes

    call_command("seed_demo", verbosity=0)
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.get(username="manager")
    programmes = list(managed_programmes(manager))
    assert len(programmes) == 2
    for programme in programmes:
        board = programme_dashboard(programme, user=manager, today=TODAY)
        cancelled = set(
            Project.objects.filter(
                programme=programme, status=Project.Status.CANCELLED
            ).values_list("pk", flat=True)
        )
        rows = ledger.project_year_rows(programme)
        projects = [row for row in rows if row["project_id"] is not None]
        planned = [row for row in projects if row["project_id"] not in cancelled]
        total = ledger.project_year_totals(rows)
        assert sum(r["allocated"] for r in planned) == board.money.planned, programme
        assert total["committed"] == board.money.committed, programme
        assert total["pagamento"] == board.money.spent, programme
        for year_row in board.money_by_year:
            of_year = [r for r in rows if r["year"] == year_row.year]
            assert sum(r["committed"] for r in of_year) == year_row.committed
            assert sum(r["pagamento"] for r in of_year) == year_row.spent
        # The dashboard's partners include restated private investment; ours show it apart.
        partners = ledger.partner_rows(programme)
        restated = ledger.restated_private_investment(programme)
        firm_restated = sum(
            (r["amount"] for r in restated if r["status"] in Commitment.FIRM_STATUSES),
            Decimal("0.00"),
        )
        assert (
            sum(r["confirmed"] for r in partners) + firm_restated
            == board.cofinancing_total.confirmed
        )
        assert (
            sum(r["fulfilled"] for r in partners) + sum(r["verified"] for r in restated)
            == board.cofinancing_total.verified
        )
        private = sum(r["amount"] for r in ledger.private_investment_rows(programme))
        assert private == sum(source.allocated for source in board.private_investment)
    assert Programme.objects.count() == 2


def test_another_programme_s_money_is_never_counted(books):
    other = ProgrammeFactory(name="Altro", slug="altro")
    stranger = ProjectFactory(programme=other)
    AllocationFactory(fund_source=FundSourceFactory(programme=other), project=stranger)
    CommitmentFactory(project=stranger, status=C.CONFIRMED)
    entry(stranger, P.IMPEGNO, "5000.00", 2024)

    assert not any(
        row["project_id"] == stranger.pk
        for row in ledger.project_year_rows(books["project"].programme)
    )
    assert len(ledger.partner_rows(books["project"].programme)) == 2
    assert ledger.project_year_rows(other)[0]["project_id"] == stranger.pk
