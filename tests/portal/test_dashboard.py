"""Programme dashboards and the council area: who sees which, and the figures they show."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from funding.models import Commitment, FundSource, Transaction
from partners.models import Organisation
from portal.charts import horizontal_bars
from programme.models import ProgrammeAssignment, Project, Risk
from programme.services import sync_programme_roles
from tests.factories import (
    AllocationFactory,
    CommitmentFactory,
    DecisionFactory,
    FundSourceFactory,
    MeetingFactory,
    MilestoneFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeAssignmentFactory,
    ProgrammeFactory,
    ProjectFactory,
    RiskFactory,
    ThematicAreaFactory,
    TransactionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


def dashboard_url(programme) -> str:
    return reverse("portal:dashboard", args=[programme.slug])


@pytest.fixture
def other_programme(db):
    """Prato's programme, with a council member of its own."""
    return ProgrammeFactory(
        name="Prato Smart City", slug="prato", owner=MunicipalityFactory(name="Comune di Prato")
    )


@pytest.fixture
def prato_council(other_programme):
    user = UserFactory(username="council.prato")
    ProgrammeAssignmentFactory(
        user=user, programme=other_programme, role=ProgrammeAssignment.Role.COUNCIL_MEMBER
    )
    sync_programme_roles(user)
    return user


@pytest.fixture
def figures(programme, partner):
    """A programme with money, milestones late and upcoming, risks and decisions."""
    today = timezone.localdate()
    mobility = ThematicAreaFactory(programme=programme, name="Mobilità")
    running = ProjectFactory(
        programme=programme,
        title="Smart parking",
        status=Project.Status.IN_PROGRESS,
        thematic_area=mobility,
        total_cost=D("300000.00"),
    )
    done = ProjectFactory(
        programme=programme,
        title="Fibre network",
        status=Project.Status.COMPLETED,
        total_cost=D("100000.00"),
    )
    ProjectFactory(programme=programme, title="Idea", status=Project.Status.PROPOSED, cup="")
    # Progress: running 1 of 5 weight done (20%), done 100%.
    MilestoneFactory(project=running, weight=1, completed_on=today, due_on=today)
    MilestoneFactory(
        project=running, title="Sensors installed", weight=2, due_on=today - datetime.timedelta(9)
    )
    MilestoneFactory(
        project=running, title="App released", weight=1, due_on=today + datetime.timedelta(20)
    )
    MilestoneFactory(project=running, title="Far away", due_on=today + datetime.timedelta(200))
    MilestoneFactory(project=done, completed_on=today, due_on=today)
    source = FundSourceFactory(programme=programme, total=D("2000000.00"))
    AllocationFactory(fund_source=source, project=running, year=2024, amount=D("1234567.89"))
    AllocationFactory(fund_source=source, project=done, year=2025, amount=D("10000.00"))
    telecom = OrganisationFactory(name="Telecom Italia", kind=Organisation.Kind.TELECOM)
    private = FundSourceFactory(
        programme=programme,
        name="Protocollo 2013",
        kind=FundSource.Kind.PRIVATE_INVESTMENT,
        provider=telecom,
        total=D("7000000.00"),
    )
    AllocationFactory(fund_source=private, project=done, year=2024, amount=D("7000000.00"))
    CommitmentFactory(
        organisation=telecom,
        project=done,
        amount=D("7000000.00"),
        status=Commitment.Status.FULFILLED,
    )
    CommitmentFactory(organisation=partner, project=running, amount=D("40000.00"))
    CommitmentFactory(
        organisation=partner,
        project=running,
        amount=D("60000.00"),
        status=Commitment.Status.PARTLY_DISBURSED,
    )
    CommitmentFactory(
        organisation=partner,
        project=running,
        amount=D("5000.00"),
        status=Commitment.Status.WITHDRAWN,
    )
    impegno = TransactionFactory(project=running, amount=D("500000.00"))
    liquidazione = TransactionFactory(
        project=running, phase=Transaction.Phase.LIQUIDAZIONE, amount=D("400000.00"), parent=impegno
    )
    paid = TransactionFactory(
        project=running,
        phase=Transaction.Phase.PAGAMENTO,
        amount=D("150000.00"),
        parent=liquidazione,
    )
    TransactionFactory(
        project=running,
        phase=Transaction.Phase.PAGAMENTO,
        amount=D("-50000.00"),
        parent=liquidazione,
        reverses=paid,
        reason="Importo errato",
    )
    RiskFactory(project=running, title="Supplier delay", likelihood=3, impact=3)
    RiskFactory(project=running, title="Data breach", likelihood=4, impact=5)
    RiskFactory(project=running, title="Old risk", status=Risk.Status.CLOSED)
    meeting = MeetingFactory(programme=programme, title="Smart Living Lab")
    DecisionFactory(meeting=meeting, text="Parcheggi intelligenti prima di tutto")
    return {"running": running, "done": done, "meeting": meeting, "partner": partner}


# -- who sees what --


def test_anonymous_visitors_are_sent_to_log_in(client, programme):
    for url in (
        reverse("portal:dashboard-index"),
        dashboard_url(programme),
        reverse("portal:council"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_manager_with_one_programme_goes_straight_to_its_dashboard(client, manager, programme):
    client.force_login(manager)

    response = client.get(reverse("portal:dashboard-index"))

    assert response.status_code == 302
    assert response["Location"] == dashboard_url(programme)


def test_a_reader_of_several_programmes_chooses_among_them(client, council_member, other_programme):
    ProgrammeAssignmentFactory(
        user=council_member,
        programme=other_programme,
        role=ProgrammeAssignment.Role.COUNCIL_MEMBER,
    )
    client.force_login(council_member)

    response = client.get(reverse("portal:dashboard-index"))

    assert response.status_code == 200
    content = response.content.decode()
    assert dashboard_url(other_programme) in content
    assert "Innovare Livorno" in content and "Prato Smart City" in content


@pytest.mark.parametrize("role", ["manager", "council_member"])
def test_the_programmes_managers_and_council_read_its_dashboard(client, request, programme, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(dashboard_url(programme))

    assert response.status_code == 200
    assert response.context["board"].programme == programme


def test_an_administrator_reads_every_dashboard(client, admin_user, programme, other_programme):
    client.force_login(admin_user)

    assert client.get(dashboard_url(other_programme)).status_code == 200
    assert client.get(reverse("portal:dashboard-index")).status_code == 200


def test_another_municipalitys_council_member_gets_404(client, programme, prato_council):
    client.force_login(prato_council)

    assert client.get(dashboard_url(programme)).status_code == 404


@pytest.mark.parametrize("role", ["partner_rep", "citizen", "project_manager"])
def test_who_is_not_on_a_programme_gets_403_on_the_index_and_404_on_dashboards(
    client, request, programme, role, english
):
    client.force_login(request.getfixturevalue(role))

    index = client.get(reverse("portal:dashboard-index"), HTTP_ACCEPT_LANGUAGE="en")
    council = client.get(reverse("portal:council"), HTTP_ACCEPT_LANGUAGE="en")

    assert index.status_code == 403
    assert "not assigned to any programme" in index.content.decode()
    assert council.status_code == 403
    assert client.get(dashboard_url(programme)).status_code == 404


# -- the figures --


def test_the_dashboard_shows_the_databases_figures(client, manager, programme, figures):
    client.force_login(manager)

    board = client.get(dashboard_url(programme)).context["board"]

    assert board.project_count == 3
    assert {row.key: row.count for row in board.by_status} == {
        "proposed": 1,
        "in_progress": 1,
        "completed": 1,
    }
    mobility = figures["running"].thematic_area
    assert [(row.key, row.count) for row in board.by_area] == [(mobility.pk, 1), (None, 2)]
    # (20% × 300,000 + 100% × 100,000) / 400,000; the proposed project does not count.
    assert board.progress == D("40.0")
    assert board.progress_projects == 2
    assert [m.title for m in board.late] == ["Sensors installed"]
    assert [m.title for m in board.upcoming] == ["App released"]
    assert (board.late_count, board.upcoming_count) == (1, 1)
    # Private investment stays out of the budget, and so does the operator's commitment for it.
    assert board.money.planned == D("1244567.89")
    assert board.money.committed == D("60000.00")
    assert board.money.spent == D("100000.00")  # a payment of 150,000 less its reversal
    assert [(s.name, s.allocated) for s in board.private_investment] == [
        ("Protocollo 2013", D("7000000.00"))
    ]
    gida = next(row for row in board.cofinancing if row.name == "Gida S.p.A.")
    assert (gida.pledged, gida.confirmed, gida.verified) == (
        D("40000.00"),
        D("60000.00"),
        D("30000.00"),
    )
    assert [r.title for r in board.risks] == ["Data breach", "Supplier delay"]
    assert board.open_risk_count == 2
    assert [d.text for d in board.decisions] == ["Parcheggi intelligenti prima di tutto"]


def test_the_page_links_to_the_details_and_writes_numbers_the_italian_way(
    client, manager, programme, figures
):
    client.force_login(manager)

    content = client.get(dashboard_url(programme), HTTP_ACCEPT_LANGUAGE="it").content.decode()

    assert "1.244.567,89&nbsp;€" in content
    assert "40,0%" in content
    assert 'role="img"' in content and "<title" in content
    assert 'width="100.00%"' in content  # the largest bar fills the chart
    links = {
        "portal:project": figures["running"].pk,
        "programme:meeting-detail": figures["meeting"].pk,
        "programme:project-list": None,
        "portal:organisation": figures["partner"].pk,
    }
    for name, pk in links.items():
        try:
            url = reverse(name, args=[pk] if pk else [])
        except NoReverseMatch:  # that page belongs to another area and is not built yet
            continue
        assert url in content


def test_a_council_member_sees_pledges_only_as_a_total(client, council_member, programme, figures):
    client.force_login(council_member)

    board = client.get(dashboard_url(programme)).context["board"]

    assert not board.pledges_by_partner
    assert all(row.pledged is None for row in board.cofinancing)
    assert board.cofinancing_total.pledged == D("40000.00")


def test_the_council_area_lists_dashboards_status_changes_and_decisions(
    client, council_member, programme, figures, english
):
    client.force_login(council_member)

    response = client.get(reverse("portal:council"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    content = response.content.decode()
    assert dashboard_url(programme) in content
    assert "Parcheggi intelligenti prima di tutto" in content
    assert "PDF progress reports" in content


def test_the_council_area_shows_no_other_municipalitys_decisions(
    client, prato_council, programme, figures
):
    client.force_login(prato_council)

    content = client.get(reverse("portal:council")).content.decode()

    assert "Parcheggi intelligenti prima di tutto" not in content
    assert dashboard_url(programme) not in content


# -- queries --


def _many_projects(programme, partner, n: int) -> None:
    source = FundSourceFactory(programme=programme, total=D("100000000.00"))
    area = ThematicAreaFactory(programme=programme)
    today = timezone.localdate()
    for i in range(n):
        project = ProjectFactory(
            programme=programme, status=Project.Status.IN_PROGRESS, thematic_area=area
        )
        MilestoneFactory(project=project, due_on=today - datetime.timedelta(days=i % 30 + 1))
        MilestoneFactory(project=project, due_on=today + datetime.timedelta(days=i % 50))
        AllocationFactory(fund_source=source, project=project)
        CommitmentFactory(organisation=partner, project=project, status=Commitment.Status.CONFIRMED)
        TransactionFactory(project=project)
        RiskFactory(project=project)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_dashboards_query_count_does_not_grow_with_the_projects(
    client, manager, programme, partner
):
    client.force_login(manager)
    _many_projects(programme, partner, 10)
    with_10 = _queries(client, dashboard_url(programme))

    _many_projects(programme, partner, 90)
    with_100 = _queries(client, dashboard_url(programme))

    assert with_100 == with_10


def test_the_council_areas_query_count_does_not_grow_with_the_projects(
    client, council_member, programme, partner, manager
):
    client.force_login(council_member)
    _many_projects(programme, partner, 10)
    with_10 = _queries(client, reverse("portal:council"))

    _many_projects(programme, partner, 90)
    with_100 = _queries(client, reverse("portal:council"))

    assert with_100 == with_10


# -- the chart's geometry --


def test_bars_are_scaled_to_the_largest_value_and_labelled_in_the_active_language():
    with translation.override("it"):
        chart = horizontal_bars(
            [("a", D("1000.00"), "x"), ("b", D("250.00"), "y"), ("c", D("-5"), "z")]
        )

    assert [bar.width for bar in chart.bars] == ["100.00%", "25.00%", "0.00%"]
    assert chart.bars[0].value_label == "1.000,00\u00a0€"
    assert chart.bars[1].y > chart.bars[0].y
    assert chart.height == chart.bars[-1].y + chart.bars[-1].height


def test_an_empty_chart_has_no_bars():
    chart = horizontal_bars([])

    assert chart.bars == [] and chart.height == 0
