"""The same money reads the same on every page: private investment recorded as an operator's
commitment is reported beside the budget, never summed as co-financing; cancelled projects
plan nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import Commitment, FundSource
from partners.models import Organisation
from portal.project_overview import project_money
from portal.selectors import programme_dashboard
from portal.views.organisation import _co_financing
from programme.models import Project
from tests.factories import (
    AllocationFactory,
    CommitmentFactory,
    FundSourceFactory,
    OrganisationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fibre(programme, project, partner):
    """Telecom's fibre network: private investment in the project, recorded once more as
    Telecom's firm commitment; and Gida's real co-financing of the same project."""
    telecom = OrganisationFactory(name="Telecom Italia S.p.A.", kind=Organisation.Kind.TELECOM)
    source = FundSourceFactory(
        programme=programme,
        kind=FundSource.Kind.PRIVATE_INVESTMENT,
        provider=telecom,
        total=Decimal("7000000.00"),
    )
    AllocationFactory(fund_source=source, project=project, amount=Decimal("7000000.00"))
    CommitmentFactory(
        organisation=telecom,
        project=project,
        amount=Decimal("7000000.00"),
        status=Commitment.Status.CONFIRMED,
    )
    CommitmentFactory(
        organisation=partner,
        project=project,
        amount=Decimal("50000.00"),
        status=Commitment.Status.CONFIRMED,
    )
    return telecom


def test_the_project_page_does_not_count_private_investment_as_co_financing(
    manager, project, fibre
):
    money = project_money(manager, project)

    assert money.committed_firm == Decimal("50000.00")
    assert [c.is_private_investment for c in money.commitments].count(True) == 1


def test_the_dashboard_and_the_project_page_agree_on_what_partners_committed(
    manager, programme, project, fibre
):
    dashboard = programme_dashboard(programme, user=manager, today=date(2026, 11, 22))

    assert dashboard.money.committed == project_money(manager, project).committed_firm


def test_the_organisation_page_shows_no_co_financing_for_private_investment(manager, fibre):
    assert _co_financing(manager, fibre) == []


def test_the_project_page_labels_the_private_investment_commitment(client, manager, project, fibre):
    client.force_login(manager)

    content = client.get(
        reverse("portal:project", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "private investment, shown beside the budget" in content


def test_a_cancelled_projects_allocations_are_not_planned(manager, programme, project):
    source = FundSourceFactory(programme=programme, kind=FundSource.Kind.MUNICIPAL_BUDGET)
    AllocationFactory(fund_source=source, project=project, amount=Decimal("100000.00"))
    cancelled = ProjectFactory(programme=programme, status=Project.Status.CANCELLED)
    AllocationFactory(fund_source=source, project=cancelled, amount=Decimal("900000.00"))

    dashboard = programme_dashboard(programme, user=manager, today=date(2026, 11, 22))

    assert dashboard.money.planned == Decimal("100000.00")
