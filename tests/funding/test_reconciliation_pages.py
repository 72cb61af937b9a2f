"""The reconciliation pages: who may see them, what they show, and the allocation form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from funding.models import Allocation, Commitment, FundSource, Transaction
from programme.models import Programme, ProgrammeAssignment, Project
from programme.services import sync_programme_roles
from tests.factories import (
    AdminFactory,
    AllocationFactory,
    CommitmentFactory,
    FundSourceFactory,
    MunicipalityFactory,
    ProgrammeAssignmentFactory,
    ProgrammeFactory,
    ProjectFactory,
    TransactionFactory,
    UserFactory,
)
from tests.funding.test_ledger import build_books

pytestmark = pytest.mark.django_db

SECTIONS = ("by-project", "by-fund-source", "by-partner", "private-investment", "alerts")


def page_url(programme) -> str:
    return reverse("funding:reconciliation", args=[programme.slug])


def form_url(programme) -> str:
    return reverse("funding:allocation-create", args=[programme.slug])


@pytest.fixture
def books(programme, project, partner, municipality, agreement):
    return build_books(programme, project, partner, municipality, agreement)


@pytest.fixture
def other_manager(db):
    """A manager of another municipality's programme."""
    other = ProgrammeFactory(name="Prato Smart", slug="prato-smart", owner=MunicipalityFactory())
    user = UserFactory(username="pm.prato")
    ProgrammeAssignmentFactory(
        user=user, programme=other, role=ProgrammeAssignment.Role.PROGRAMME_MANAGER
    )
    sync_programme_roles(user)
    return user


@pytest.fixture
def people(manager, council_member, citizen, partner_rep, other_manager):
    return {
        "anonymous": None,
        "citizen": citizen,
        "partner": partner_rep,
        "council": council_member,
        "other_manager": other_manager,
        "manager": manager,
        "admin": AdminFactory(),
    }


# Who sees a published programme's reconciliation: 200, or 403 with the reason.
EXPECTED = {
    "citizen": 403,
    "partner": 403,
    "council": 403,
    "other_manager": 403,
    "manager": 200,
    "admin": 200,
}


@pytest.mark.parametrize("role", [*EXPECTED, "anonymous"])
def test_only_the_programme_s_managers_see_its_reconciliation(client, people, programme, role):
    user = people[role]
    if user is not None:
        client.force_login(user)

    for url in (page_url(programme), form_url(programme)):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
            continue
        assert response.status_code == EXPECTED[role], (role, url)
        if response.status_code == 403:
            assert "Only the programme&#x27;s managers see its reconciliation." in (
                response.content.decode()
            )


def test_a_draft_programme_of_another_municipality_does_not_exist(client, other_manager):
    draft = ProgrammeFactory(name="Bozza", slug="bozza", status=Programme.Status.DRAFT)
    client.force_login(other_manager)

    assert client.get(page_url(draft)).status_code == 404
    assert client.post(form_url(draft), {}).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("admin", 200), ("council", 403), ("citizen", 403), ("partner", 403)],
)
def test_the_index_lists_the_programmes_the_user_manages(client, people, programme, role, status):
    client.force_login(people[role])

    response = client.get(reverse("funding:reconciliation-index"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == status
    if status == 200:
        assert page_url(programme) in response.content.decode()
        assert "prato-smart" not in response.content.decode() or role == "admin"
    else:
        assert "you manage no programme" in response.content.decode()


def test_the_page_shows_every_section_and_the_figures(client, manager, books, english):
    client.force_login(manager)

    response = client.get(page_url(books["project"].programme), HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert response.status_code == 200
    for section in SECTIONS:
        assert f'id="{section}"' in content
    # The programme's totals: allocated 650.000, committed 140.000, paid 90.000.
    assert 'data-figure="allocated">650,000.00' in content
    assert 'data-figure="committed">140,000.00' in content
    assert 'data-figure="pagamento">90,000.00' in content
    # Variances are said in words, not only in colour.
    assert "committed beyond the allocation" in content
    assert "still expected" in content
    # Private investment apart, labelled as outside the budget; its restatement too.
    assert "Private investment, outside the municipal budget" in content
    assert "7,000,000.00" in content
    assert "Commitments that restate private investment" in content
    # Alerts, and the ways to act.
    assert "Under-funded project" in content
    assert form_url(books["project"].programme) in content
    # Each table can be downloaded, for this programme.
    programme_id = books["project"].programme.pk
    for table in ("project-years", "fund-sources", "partners", "private-investment"):
        assert f"/ledger/export/{table}.csv?programme={programme_id}" in content


def test_the_year_filter_keeps_one_year_and_htmx_gets_the_table_only(client, manager, books):
    client.force_login(manager)
    url = page_url(books["project"].programme)

    page = client.get(url, {"year": 2026}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    partial = client.get(
        url, {"year": 2026}, HTTP_ACCEPT_LANGUAGE="en", HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "Money per project in 2026 (EUR)" in page
    assert (
        "Open City platform</a>"
        not in page.split('id="by-project-results"')[1].split('id="by-fund-source"')[0]
    )
    assert 'data-figure="impegno">10,000.00' in page
    assert "<html" not in partial
    assert partial.strip().startswith('<div id="by-project-results"')
    assert 'data-figure="impegno">10,000.00' in partial


def test_a_big_programme_is_paginated(client, manager, programme):
    source = FundSourceFactory(programme=programme, total=Decimal("100000000.00"))
    for project in ProjectFactory.create_batch(60, programme=programme):
        AllocationFactory(fund_source=source, project=project)
    client.force_login(manager)

    first = client.get(page_url(programme), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    second = client.get(page_url(programme), {"page": 2}, HTTP_ACCEPT_LANGUAGE="en")

    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second.content.decode()


def _grow(programme, partner, n: int) -> None:
    source = FundSourceFactory(programme=programme, total=Decimal("100000000.00"))
    for project in ProjectFactory.create_batch(
        n, programme=programme, status=Project.Status.IN_PROGRESS
    ):
        AllocationFactory(fund_source=source, project=project)
        CommitmentFactory(organisation=partner, project=project, status=Commitment.Status.PLEDGED)
        TransactionFactory(project=project, fund_source=source)


def test_the_page_costs_the_same_queries_at_10_and_100_projects(
    client, manager, programme, partner
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(programme)).status_code == 200
        return len(captured)

    _grow(programme, partner, 10)
    at_10 = queries()
    _grow(programme, partner, 90)
    assert Project.objects.filter(programme=programme).count() == 100
    assert queries() == at_10


# -- the allocation form ----------------------------------------------------------------


@pytest.fixture
def source(programme, municipality):
    """A municipal budget source with 100.000 € of which 70.000 are allocated."""
    source = FundSourceFactory(
        programme=programme,
        name="Bilancio comunale",
        kind=FundSource.Kind.MUNICIPAL_BUDGET,
        provider=municipality,
        total=Decimal("100000.00"),
    )
    AllocationFactory(fund_source=source, year=2024, amount=Decimal("70000.00"))
    return source


def _post(client, programme, source, project, amount: str, year: int = 2025):
    return client.post(
        form_url(programme),
        {"fund_source": source.pk, "project": project.pk, "year": year, "amount": amount},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_manager_allocates_what_the_source_has_left(client, manager, programme, project, source):
    client.force_login(manager)

    response = _post(client, programme, source, project, "30000.00")

    assert response.status_code == 302
    assert response["Location"] == page_url(programme) + "#by-fund-source"
    allocation = Allocation.objects.get(project=project)
    assert (allocation.fund_source, allocation.year, allocation.amount) == (
        source,
        2025,
        Decimal("30000.00"),
    )
    assert AuditEntry.objects.filter(verb="allocation.created").count() == 1


def test_an_allocation_beyond_what_the_source_has_left_is_refused_and_leaves_nothing(
    client, manager, programme, project, source
):
    client.force_login(manager)
    allocations, audits = Allocation.objects.count(), AuditEntry.objects.count()

    response = _post(client, programme, source, project, "30000.01")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing has been saved." in content
    assert "Bilancio comunale has only 30,000.00\u00a0€ left to allocate." in content
    assert Allocation.objects.count() == allocations
    assert AuditEntry.objects.count() == audits


def test_a_second_allocation_for_the_same_source_project_and_year_is_refused(
    client, manager, programme, project, source
):
    client.force_login(manager)
    _post(client, programme, source, project, "1000.00")
    allocations, audits = Allocation.objects.count(), AuditEntry.objects.count()

    response = _post(client, programme, source, project, "1000.00")

    assert response.status_code == 200
    assert "Nothing has been saved." in response.content.decode()
    assert Allocation.objects.count() == allocations
    assert AuditEntry.objects.count() == audits


def test_the_form_offers_only_the_programme_s_sources_and_open_projects(
    client, manager, programme, project, source
):
    elsewhere = ProjectFactory(programme=ProgrammeFactory(slug="altrove"))
    cancelled = ProjectFactory(programme=programme, status=Project.Status.CANCELLED)
    foreign_source = FundSourceFactory(programme=elsewhere.programme)
    client.force_login(manager)

    for src, target in ((source, elsewhere), (source, cancelled), (foreign_source, project)):
        response = _post(client, programme, src, target, "10.00")
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not Allocation.objects.filter(project__in=[elsewhere, cancelled]).exists()
    page = client.get(form_url(programme), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Bilancio comunale — 30,000.00\u00a0€ left" in page


def test_a_council_member_cannot_allocate(client, council_member, programme, project, source):
    client.force_login(council_member)

    response = _post(client, programme, source, project, "10.00")

    assert response.status_code == 403
    assert not Allocation.objects.filter(project=project).exists()


def test_transactions_are_untouched_by_the_page(client, manager, books):
    """Reading the reconciliation writes nothing."""
    client.force_login(manager)
    counts = (Transaction.objects.count(), AuditEntry.objects.count())

    client.get(page_url(books["project"].programme))

    assert (Transaction.objects.count(), AuditEntry.objects.count()) == counts
