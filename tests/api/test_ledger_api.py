"""/api/v1/ledger/...: the reconciliation's figures, for the programme's managers only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from programme.models import Programme, ProgrammeAssignment
from programme.services import sync_programme_roles
from tests.factories import (
    AdminFactory,
    MunicipalityFactory,
    ProgrammeAssignmentFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.funding.test_ledger import build_books

pytestmark = pytest.mark.django_db

ENDPOINTS = ("project-years", "fund-sources", "partners", "private-investment", "alerts")


def url(endpoint: str) -> str:
    return f"/api/v1/ledger/{endpoint}/"


@pytest.fixture
def books(programme, project, partner, municipality, agreement):
    return build_books(programme, project, partner, municipality, agreement)


@pytest.fixture
def other_manager(db):
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


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


EXPECTED = {
    "anonymous": (401, 403),
    "citizen": (403,),
    "partner": (403,),
    "council": (403,),
    "other_manager": (403,),
    "manager": (200,),
    "admin": (200,),
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_only_the_programme_s_managers_read_its_figures(people, programme, role, endpoint):
    response = client_for(people[role]).get(
        url(endpoint), {"programme": programme.pk}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code in EXPECTED[role], (role, endpoint, response.content)
    if response.status_code == 403 and role != "anonymous":
        assert response.json()["detail"] == "Only the programme's managers see its reconciliation."


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_programme_the_user_cannot_read_is_not_found(other_manager, endpoint):
    draft = ProgrammeFactory(slug="bozza", status=Programme.Status.DRAFT)

    response = client_for(other_manager).get(url(endpoint), {"programme": draft.pk})

    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("query", [{}, {"programme": "abc"}, {"programme": 0}])
def test_the_programme_is_required_and_validated(manager, endpoint, query):
    response = client_for(manager).get(url(endpoint), query)

    assert response.status_code == 400
    assert "programme" in response.json()


def test_project_years_are_paginated_with_money_as_decimal_strings(manager, books):
    programme = books["project"].programme

    data = client_for(manager).get(url("project-years"), {"programme": programme.pk}).json()

    assert data["count"] == 5
    row = next(
        r for r in data["results"] if r["project_id"] == books["project"].pk and r["year"] == 2024
    )
    assert row["allocated"] == "400000.00"
    assert row["impegno"] == "250000.00"
    assert row["uncommitted"] == "150000.00"
    assert row["expected_from_partners"] == "50000.00"
    negative = next(r for r in data["results"] if r["year"] == 2026)
    assert negative["uncommitted"] == "-10000.00"
    assert data["results"][-1]["project_id"] is None


def test_project_years_by_year(manager, books):
    programme = books["project"].programme

    data = (
        client_for(manager)
        .get(url("project-years"), {"programme": programme.pk, "year": 2025})
        .json()
    )

    assert {r["year"] for r in data["results"]} == {2025}
    assert data["count"] == 2


def test_the_other_tables_say_what_the_page_says(manager, books, partner):
    client = client_for(manager)
    query = {"programme": books["project"].programme.pk}

    sources = client.get(url("fund-sources"), query).json()
    partners = client.get(url("partners"), query).json()
    private = client.get(url("private-investment"), query).json()

    assert [(s["fund_source"], s["available"], s["spent"]) for s in sources] == [
        ("Bilancio comunale", "350000.00", "0.00"),
        ("MIUR", "500000.00", "90000.00"),
    ]
    gida = next(p for p in partners if p["organisation_id"] == partner.pk)
    assert (gida["pledged"], gida["declared"], gida["outstanding"]) == (
        "55000.00",
        "10000.00",
        "50000.00",
    )
    assert "Telecom Italia S.p.A." not in {p["organisation"] for p in partners}
    assert [(p["provider"], p["amount"]) for p in private] == [
        ("Telecom Italia S.p.A.", "7000000.00")
    ]


def test_alerts_come_in_the_request_s_language(manager, books):
    query = {"programme": books["project"].programme.pk}

    english = client_for(manager).get(url("alerts"), query, HTTP_ACCEPT_LANGUAGE="en").json()
    italian = client_for(manager).get(url("alerts"), query, HTTP_ACCEPT_LANGUAGE="it").json()

    assert {a["kind"] for a in english} >= {"under_funded_project", "overdue_obligation"}
    funded = next(a for a in english if a["kind"] == "under_funded_project")
    assert funded["project_id"] == books["cloud"].pk
    assert "390,000.00" in funded["message"]
    assert "390.000,00" in next(a for a in italian if a["kind"] == funded["kind"])["message"]


def test_reading_the_figures_is_read_only(manager, programme):
    for endpoint in ENDPOINTS:
        response = client_for(manager).post(url(endpoint) + f"?programme={programme.pk}", {})
        assert response.status_code == 405


def test_the_endpoints_are_in_the_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    for endpoint in ENDPOINTS:
        operation = schema["paths"][url(endpoint)]["get"]
        programme = next(p for p in operation["parameters"] if p["name"] == "programme")
        assert programme["required"] is True
    listed = schema["paths"][url("project-years")]["get"]["responses"]["200"]
    assert "Paginated" in listed["content"]["application/json"]["schema"]["$ref"]
