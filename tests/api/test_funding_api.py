"""The money's API: who reads and writes fund sources, allocations, commitments, disbursements,
contracts and transactions (docs/permissions.md), and what it answers to bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.models import AuditEntry
from funding.models import Allocation, Commitment, Contract, Disbursement, FundSource, Transaction
from funding.services import (
    commitment_confirm,
    commitment_pledge,
    commitment_withdraw,
    disbursement_declare,
    disbursement_verify,
)
from partners.models import Membership
from partners.services import membership_create, membership_end
from programme.models import Programme, ProgrammeAssignment, Project
from programme.services import project_assign_manager
from tests.factories import (
    PASSWORD,
    AllocationFactory,
    CommitmentFactory,
    ContractFactory,
    FundSourceFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeAssignmentFactory,
    ProgrammeFactory,
    ProjectFactory,
    ProjectParticipationFactory,
    TransactionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

C = Commitment.Status
ROLES = [
    "anonymous",
    "citizen",
    "partner_rep",
    "project_manager",
    "manager",
    "council_member",
    "admin_user",
]
PAID_ON = datetime.date(2024, 5, 2)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the cache: each test starts with none."""
    cache.clear()


# The roles as the services make them: a representative belongs to its organisation's group
# (where partner rights live), a project manager holds the object permissions on the project.


@pytest.fixture
def partner_rep(partner):
    user = UserFactory(username="partner.gida")
    membership_create(
        user=user, organisation=partner, role=Membership.Role.REPRESENTATIVE, actor=None
    )
    return user


@pytest.fixture
def project_manager(project):
    user = UserFactory(username="pm.livorno")
    project_assign_manager(project=project, manager=user, actor=None)
    return user


@pytest.fixture
def other_partner(project):
    """Another utility co-financing the same project."""
    organisation = OrganisationFactory(name="Cap S.p.A.", kind="utility")
    ProjectParticipationFactory(project=project, organisation=organisation, role="co_financer")
    return organisation


@pytest.fixture
def other_rep(other_partner):
    user = UserFactory(username="partner.cap")
    membership_create(
        user=user, organisation=other_partner, role=Membership.Role.REPRESENTATIVE, actor=None
    )
    return user


@pytest.fixture
def public_project(programme):
    """An approved project of the published programme: public, with the money spent on it."""
    return ProjectFactory(programme=programme, status=Project.Status.APPROVED)


@pytest.fixture
def prato():
    """Another municipality's programme, still a draft, with a project of its own."""
    programme = ProgrammeFactory(
        name="Prato Situation Room",
        owner=MunicipalityFactory(name="Comune di Prato"),
        status=Programme.Status.DRAFT,
    )
    return ProjectFactory(programme=programme)


def as_user(request, role: str):
    return None if role == "anonymous" else request.getfixturevalue(role)


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def pledge(organisation, project, amount="50000.00", **fields) -> Commitment:
    fields = {
        "year": 2024,
        "kind": Commitment.Kind.CASH_TRANSFER,
        "subject_to_budget_availability": True,
        **fields,
    }
    return commitment_pledge(
        actor=None, organisation=organisation, project=project, amount=Decimal(amount), **fields
    )


def confirmed(organisation, project, **fields) -> Commitment:
    return commitment_confirm(
        commitment=pledge(organisation, project, **fields),
        actor=None,
        act_reference="Delibera CdA n. 14",
    )


def withdrawn(organisation, project) -> Commitment:
    return commitment_withdraw(
        commitment=pledge(organisation, project), actor=None, reason="Budget cut by the board"
    )


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# Commitments: who sees what.


@pytest.fixture
def commitments(partner, other_partner, project, prato):
    return {
        "own_pledge": pledge(partner, project),
        "other_pledge": pledge(other_partner, project),
        "other_confirmed": confirmed(other_partner, project),
        "other_withdrawn": withdrawn(other_partner, project),
        "other_municipality": confirmed(other_partner, prato),
    }


COMMITMENTS_SEEN = {
    "citizen": set(),
    "partner_rep": {"own_pledge", "other_confirmed"},
    "project_manager": set(),
    "manager": {"own_pledge", "other_pledge", "other_confirmed", "other_withdrawn"},
    "council_member": {"other_confirmed"},
    "admin_user": {
        "own_pledge",
        "other_pledge",
        "other_confirmed",
        "other_withdrawn",
        "other_municipality",
    },
}


@pytest.mark.parametrize("role", COMMITMENTS_SEEN)
def test_each_role_lists_and_reads_exactly_its_commitments(request, role, commitments):
    client = client_for(as_user(request, role))
    expected = {commitments[key].pk for key in COMMITMENTS_SEEN[role]}

    assert ids(client.get("/api/v1/commitments/")) == expected
    for commitment in commitments.values():
        response = client.get(f"/api/v1/commitments/{commitment.pk}/")
        assert response.status_code == (200 if commitment.pk in expected else 404)


def test_anonymous_visitors_must_log_in_to_read_commitments(commitments):
    client = APIClient()

    assert client.get("/api/v1/commitments/").status_code == 401
    own = commitments["own_pledge"]
    assert client.get(f"/api/v1/commitments/{own.pk}/").status_code == 401


def test_partner_sees_its_own_pledge(partner_rep, partner, project):
    own = pledge(partner, project, description="Sensori per la Situation Room")

    response = client_for(partner_rep).get(f"/api/v1/commitments/{own.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "pledged"
    assert body["amount"] == "50000.00"
    assert body["organisation"] == partner.pk
    assert body["programme"] == project.programme_id
    assert body["subject_to_budget_availability"] is True


def test_partner_cannot_see_another_partners_pledge(partner_rep, other_partner, project):
    other = pledge(other_partner, project)
    client = client_for(partner_rep)

    assert client.get(f"/api/v1/commitments/{other.pk}/").status_code == 404
    assert other.pk not in ids(client.get("/api/v1/commitments/"))
    assert other.pk not in ids(client.get(f"/api/v1/commitments/?organisation={other_partner.pk}"))


def test_partner_sees_another_partners_confirmed_commitment(partner_rep, other_partner, project):
    other = confirmed(other_partner, project)

    response = client_for(partner_rep).get(f"/api/v1/commitments/{other.pk}/")

    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    assert response.json()["withdrawal_reason"] is None


def test_withdrawal_reason_is_shown_only_to_the_partner_and_the_managers(
    partner_rep, other_rep, manager, council_member, partner, project
):
    own = withdrawn(partner, project)
    url = f"/api/v1/commitments/{own.pk}/"

    assert client_for(partner_rep).get(url).json()["withdrawal_reason"] == "Budget cut by the board"
    assert client_for(manager).get(url).json()["withdrawal_reason"] == "Budget cut by the board"
    assert client_for(other_rep).get(url).status_code == 404
    assert client_for(council_member).get(url).status_code == 404
    for client in (client_for(other_rep), client_for(council_member)):
        rows = client.get("/api/v1/commitments/").json()["results"]
        assert all(row["withdrawal_reason"] is None for row in rows)
        assert own.pk not in {row["id"] for row in rows}


def test_partner_sees_firm_commitments_only_where_it_can_read(
    partner_rep, other_partner, programme
):
    """Another partner's firm commitment on a project Gida neither joins nor can read."""
    hidden = confirmed(other_partner, ProjectFactory(programme=programme))
    public = confirmed(other_partner, ProjectFactory(programme=programme, status="approved"))

    seen = ids(client_for(partner_rep).get("/api/v1/commitments/"))

    assert public.pk in seen
    assert hidden.pk not in seen


def test_council_member_reads_pledges_only_as_totals(
    council_member, partner, other_partner, project
):
    pledge(partner, project, amount="30000.00")
    pledge(other_partner, project, amount="20000.00")
    confirmed(other_partner, project, amount="15000.00")
    client = client_for(council_member)

    assert ids(client.get("/api/v1/commitments/?status=pledged")) == set()
    response = client.get(f"/api/v1/commitments/totals/?programme={project.programme_id}")

    assert response.status_code == 200
    assert response.json() == [
        {
            "programme": project.programme_id,
            "year": 2024,
            "pledged": "50000.00",
            "confirmed": "15000.00",
            "fulfilled": "0.00",
        }
    ]


@pytest.mark.parametrize("role", ["citizen", "partner_rep", "project_manager"])
def test_totals_cover_only_the_programmes_one_is_assigned_to(request, role, commitments):
    response = client_for(as_user(request, role)).get("/api/v1/commitments/totals/")

    assert response.status_code == 200
    assert response.json() == []


def test_totals_refuse_a_malformed_programme(manager):
    response = client_for(manager).get("/api/v1/commitments/totals/?programme=abc")

    assert response.status_code == 400
    assert set(response.json()) == {"programme"}


def test_totals_need_a_login():
    assert APIClient().get("/api/v1/commitments/totals/").status_code == 401


# Commitments: writes.


def pledge_body(organisation, project, **extra):
    return {
        "organisation": organisation.pk,
        "project": project.pk,
        "year": 2025,
        "kind": "in_kind",
        "amount": "12000.50",
        "subject_to_budget_availability": False,
        **extra,
    }


PLEDGE_ANSWERS = {
    "anonymous": 401,
    "citizen": 403,
    "partner_rep": 201,
    "project_manager": 403,
    "manager": 201,
    "council_member": 403,
    "admin_user": 201,
}


@pytest.mark.parametrize("role", ROLES)
def test_pledging_for_the_partner_per_role(request, role, partner, public_project):
    response = client_for(as_user(request, role)).post(
        "/api/v1/commitments/", pledge_body(partner, public_project), format="json"
    )

    assert response.status_code == PLEDGE_ANSWERS[role], response.content
    if response.status_code == 201:
        commitment = Commitment.objects.get(pk=response.json()["id"])
        assert commitment.status == C.PLEDGED
        assert commitment.amount == Decimal("12000.50")
        assert commitment.subject_to_budget_availability is False
        assert response.json()["amount"] == "12000.50"
        assert AuditEntry.objects.filter(verb="commitment.pledged").count() == 1
    else:
        assert not Commitment.objects.exists()


def test_partner_cannot_pledge_for_another_partner(partner_rep, other_partner, project):
    response = client_for(partner_rep).post(
        "/api/v1/commitments/", pledge_body(other_partner, project), format="json"
    )

    assert response.status_code == 403
    assert not Commitment.objects.exists()


def test_pledge_made_through_the_api_is_the_partners_own(partner_rep, partner, project):
    client = client_for(partner_rep)
    created = client.post("/api/v1/commitments/", pledge_body(partner, project), format="json")

    assert created.status_code == 201
    assert created.json()["id"] in ids(client.get("/api/v1/commitments/"))


def test_budget_availability_must_be_said_explicitly(partner_rep, partner, project):
    body = pledge_body(partner, project)
    del body["subject_to_budget_availability"]

    response = client_for(partner_rep).post(
        "/api/v1/commitments/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json() == {"subject_to_budget_availability": ["This field is required."]}


def test_invalid_pledge_is_refused_field_by_field_in_italian(partner_rep, partner, project):
    body = pledge_body(partner, project, amount="abc", year=1999, kind="gift")
    del body["subject_to_budget_availability"]

    response = client_for(partner_rep).post(
        "/api/v1/commitments/", body, format="json", HTTP_ACCEPT_LANGUAGE="it"
    )

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"amount", "year", "kind", "subject_to_budget_availability"}
    assert errors["subject_to_budget_availability"] == ["Campo obbligatorio."]
    assert errors["amount"] == ["È richiesto un numero valido."]
    assert not Commitment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-10.00", "1e20", "NaN", "12.345"])
def test_pledge_amount_must_be_positive_money(partner_rep, partner, project, amount):
    response = client_for(partner_rep).post(
        "/api/v1/commitments/", pledge_body(partner, project, amount=amount), format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"amount"}


def test_pledge_is_for_a_project_or_a_plan_action(partner_rep, partner, project):
    body = pledge_body(partner, project)
    del body["project"]

    response = client_for(partner_rep).post(
        "/api/v1/commitments/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json()["project"] == ["A commitment is for either a project or a plan action."]


def test_pledge_cannot_name_a_project_one_cannot_read(partner_rep, partner, prato):
    response = client_for(partner_rep).post(
        "/api/v1/commitments/", pledge_body(partner, prato), format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"project"}


UPDATE_ANSWERS = {
    "anonymous": 401,
    "citizen": 404,
    "partner_rep": 200,
    "project_manager": 404,
    "manager": 403,
    "council_member": 404,
    "admin_user": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_changing_a_pledge_per_role(request, role, partner, project):
    own = pledge(partner, project)
    client = client_for(as_user(request, role))
    audit_rows = AuditEntry.objects.count()

    response = client.patch(f"/api/v1/commitments/{own.pk}/", {"amount": "45000.00"}, format="json")

    assert response.status_code == UPDATE_ANSWERS[role], response.content
    own.refresh_from_db()
    if response.status_code == 200:
        assert own.amount == Decimal("45000.00")
        assert response.json()["amount"] == "45000.00"
        assert AuditEntry.objects.filter(verb="commitment.updated").count() == 1
    else:
        assert own.amount == Decimal("50000.00")
        assert AuditEntry.objects.count() == audit_rows


def test_confirmed_commitment_can_no_longer_be_changed(partner_rep, partner, project):
    firm = confirmed(partner, project)
    audit_rows = AuditEntry.objects.count()

    response = client_for(partner_rep).patch(
        f"/api/v1/commitments/{firm.pk}/",
        {"amount": "1.00"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Only a pledge can be changed: this commitment is “Confirmed”."]
    }
    firm.refresh_from_db()
    assert firm.amount == Decimal("50000.00")
    assert AuditEntry.objects.count() == audit_rows


def test_partner_cannot_change_who_pledged_or_the_status(
    partner_rep, partner, other_partner, project
):
    own = pledge(partner, project)

    response = client_for(partner_rep).patch(
        f"/api/v1/commitments/{own.pk}/",
        {"organisation": other_partner.pk, "status": "fulfilled", "act_reference": "x"},
        format="json",
    )

    assert response.status_code == 200
    own.refresh_from_db()
    assert (own.organisation, own.status, own.act_reference) == (partner, C.PLEDGED, "")


@pytest.mark.parametrize("role", ROLES)
def test_nobody_deletes_a_commitment(request, role, partner, project):
    own = pledge(partner, project)

    response = client_for(as_user(request, role)).delete(f"/api/v1/commitments/{own.pk}/")

    assert response.status_code == 405
    assert Commitment.objects.filter(pk=own.pk).exists()


TRANSITION_ANSWERS = {
    "anonymous": 401,
    "citizen": 404,
    "partner_rep": 200,
    "project_manager": 404,
    "manager": 200,
    "council_member": 404,
    "admin_user": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_confirming_a_pledge_per_role(request, role, partner, project):
    own = pledge(partner, project)
    client = client_for(as_user(request, role))
    audit_rows = AuditEntry.objects.count()

    response = client.post(
        f"/api/v1/commitments/{own.pk}/transition/",
        {"to": "confirmed", "act_reference": "Delibera CdA n. 9 del 2 marzo 2025"},
        format="json",
    )

    assert response.status_code == TRANSITION_ANSWERS[role], response.content
    own.refresh_from_db()
    if response.status_code == 200:
        assert own.status == C.CONFIRMED
        assert own.act_reference == "Delibera CdA n. 9 del 2 marzo 2025"
        assert response.json()["status"] == "confirmed"
        assert AuditEntry.objects.filter(verb="commitment.confirmed").count() == 1
    else:
        assert own.status == C.PLEDGED
        assert AuditEntry.objects.count() == audit_rows


def test_partner_withdraws_its_pledge_saying_why(partner_rep, partner, project):
    own = pledge(partner, project)

    response = client_for(partner_rep).post(
        f"/api/v1/commitments/{own.pk}/transition/",
        {"to": "withdrawn", "reason": "Il CdA non ha approvato il bilancio"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert response.json()["withdrawal_reason"] == "Il CdA non ha approvato il bilancio"
    own.refresh_from_db()
    assert own.status == C.WITHDRAWN


def test_partner_cannot_move_another_partners_firm_commitment(partner_rep, other_partner, project):
    other = confirmed(other_partner, project)
    audit_rows = AuditEntry.objects.count()

    response = client_for(partner_rep).post(
        f"/api/v1/commitments/{other.pk}/transition/",
        {"to": "withdrawn", "reason": "Not ours to say"},
        format="json",
    )

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.status == C.CONFIRMED
    assert AuditEntry.objects.count() == audit_rows


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "confirmed"}, "act_reference"),
        ({"to": "confirmed", "act_reference": "   "}, "act_reference"),
        ({"to": "withdrawn"}, "reason"),
        ({"to": "fulfilled"}, "to"),
        ({}, "to"),
    ],
)
def test_refused_transition_says_which_field_and_changes_nothing(
    partner_rep, partner, project, body, field
):
    own = pledge(partner, project)
    audit_rows = AuditEntry.objects.count()

    response = client_for(partner_rep).post(
        f"/api/v1/commitments/{own.pk}/transition/", body, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {field}
    own.refresh_from_db()
    assert own.status == C.PLEDGED
    assert AuditEntry.objects.count() == audit_rows


def test_withdrawn_commitment_cannot_be_confirmed(partner_rep, partner, project):
    gone = withdrawn(partner, project)
    audit_rows = AuditEntry.objects.count()

    response = client_for(partner_rep).post(
        f"/api/v1/commitments/{gone.pk}/transition/",
        {"to": "confirmed", "act_reference": "Delibera CdA n. 9"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The status cannot go from “Withdrawn” to “Confirmed”."]
    }
    gone.refresh_from_db()
    assert (gone.status, gone.act_reference) == (C.WITHDRAWN, "")
    assert AuditEntry.objects.count() == audit_rows


def test_commitment_filters(manager, partner, other_partner, project, public_project):
    own = pledge(partner, project)
    firm = confirmed(other_partner, public_project, kind=Commitment.Kind.IN_KIND, amount="900.00")
    client = client_for(manager)

    assert ids(client.get(f"/api/v1/commitments/?organisation={partner.pk}")) == {own.pk}
    assert ids(client.get("/api/v1/commitments/?status=confirmed")) == {firm.pk}
    assert ids(client.get("/api/v1/commitments/?kind=in_kind")) == {firm.pk}
    assert ids(client.get(f"/api/v1/commitments/?project={project.pk}")) == {own.pk}
    assert ids(client.get(f"/api/v1/commitments/?programme={project.programme_id}")) == {
        own.pk,
        firm.pk,
    }
    assert ids(client.get("/api/v1/commitments/?year=2023")) == set()
    assert ids(client.get("/api/v1/commitments/?search=Cap")) == {firm.pk}
    ordered = client.get("/api/v1/commitments/?ordering=-amount").json()["results"]
    assert [row["id"] for row in ordered] == [own.pk, firm.pk]
    ordered = client.get("/api/v1/commitments/?ordering=amount").json()["results"]
    assert [row["id"] for row in ordered] == [firm.pk, own.pk]


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=1999",
        "status=bogus",
        "programme=x",
        "organisation=1.5",
        "project=99999999999999999999999",
    ],
)
def test_malformed_filter_is_a_400_naming_it(manager, query):
    response = client_for(manager).get(f"/api/v1/commitments/?{query}")

    assert response.status_code == 400
    assert set(response.json()) == {query.split("=")[0]}


# An ended membership takes the partner's rights away at once.


def test_ended_membership_hides_the_partners_commitments_from_its_session(
    partner_rep, partner, other_partner, project
):
    own = pledge(partner, project)
    firm = confirmed(other_partner, project)
    client = APIClient()
    client.force_login(partner_rep)
    assert ids(client.get("/api/v1/commitments/")) == {own.pk, firm.pk}

    membership_end(membership=partner_rep.memberships.get(), actor=None)

    assert ids(client.get("/api/v1/commitments/")) == set()
    assert client.get(f"/api/v1/commitments/{own.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/commitments/{own.pk}/transition/",
        {"to": "confirmed", "act_reference": "Delibera CdA n. 9"},
        format="json",
    )
    assert response.status_code == 404


def test_ended_membership_hides_the_partners_commitments_from_its_token(
    partner_rep, partner, project
):
    own = pledge(partner, project)
    login = APIClient().post(
        "/api/v1/auth/token/", {"username": "partner.gida", "password": PASSWORD}, format="json"
    )
    assert login.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {login.json()['token']}")
    assert client.get(f"/api/v1/commitments/{own.pk}/").status_code == 200

    membership_end(membership=partner_rep.memberships.get(), actor=None)

    assert ids(client.get("/api/v1/commitments/")) == set()
    assert client.get(f"/api/v1/commitments/{own.pk}/").status_code == 404
    response = client.patch(f"/api/v1/commitments/{own.pk}/", {"amount": "1.00"}, format="json")
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.amount == Decimal("50000.00")


# Disbursements.


@pytest.fixture
def firm_commitment(partner, project):
    return confirmed(partner, project)


def declare(commitment, actor, amount="10000.00", **extra) -> Disbursement:
    return disbursement_declare(
        commitment=commitment, amount=Decimal(amount), disbursed_on=PAID_ON, actor=actor, **extra
    )


def test_partner_declares_money_on_its_firm_commitment(partner_rep, firm_commitment):
    response = client_for(partner_rep).post(
        "/api/v1/disbursements/",
        {"commitment": firm_commitment.pk, "amount": "20000.00", "disbursed_on": "2024-05-02"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["amount"], body["has_evidence"]) == ("declared", "20000.00", False)
    assert "evidence" not in body
    assert Disbursement.objects.get().declared_by == partner_rep


DECLARE_ANSWERS = {
    "anonymous": 401,
    "citizen": 400,  # the commitment is not one it can name
    "partner_rep": 201,
    "project_manager": 400,
    "manager": 201,
    "council_member": 403,
    "admin_user": 201,
}


@pytest.mark.parametrize("role", ROLES)
def test_declaring_a_disbursement_per_role(request, role, firm_commitment):
    response = client_for(as_user(request, role)).post(
        "/api/v1/disbursements/",
        {"commitment": firm_commitment.pk, "amount": "1000.00", "disbursed_on": "2024-05-02"},
        format="json",
    )

    assert response.status_code == DECLARE_ANSWERS[role], response.content
    assert Disbursement.objects.exists() == (response.status_code == 201)


def test_partner_cannot_declare_on_another_partners_commitment(partner_rep, other_partner, project):
    other = confirmed(other_partner, project)

    response = client_for(partner_rep).post(
        "/api/v1/disbursements/",
        {"commitment": other.pk, "amount": "1000.00", "disbursed_on": "2024-05-02"},
        format="json",
    )

    assert response.status_code == 403
    assert not Disbursement.objects.exists()


def test_declaration_beyond_the_commitment_is_refused_by_field(partner_rep, firm_commitment):
    response = client_for(partner_rep).post(
        "/api/v1/disbursements/",
        {"commitment": firm_commitment.pk, "amount": "50000.01", "disbursed_on": "2024-05-02"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"amount"}


def test_evidence_is_a_flag_for_the_partner_and_the_managers_only(
    partner_rep, other_rep, manager, council_member, admin_user, firm_commitment
):
    disbursement = declare(firm_commitment, partner_rep)
    Disbursement.objects.filter(pk=disbursement.pk).update(evidence="evidence/bonifico.pdf")
    disbursement_verify(disbursement=disbursement, actor=manager)
    url = f"/api/v1/disbursements/{disbursement.pk}/"

    for user in (partner_rep, manager, admin_user):
        body = client_for(user).get(url).json()
        assert body["has_evidence"] is True
        assert "evidence" not in body
    for user in (other_rep, council_member):
        body = client_for(user).get(url).json()
        assert body["status"] == "verified"
        assert body["has_evidence"] is None
        assert "bonifico" not in str(body)


def test_other_partners_see_only_verified_disbursements(
    other_rep, council_member, manager, partner_rep, firm_commitment
):
    pending = declare(firm_commitment, partner_rep, amount="1000.00")
    verified = disbursement_verify(
        disbursement=declare(firm_commitment, partner_rep, amount="2000.00"), actor=manager
    )

    assert ids(client_for(partner_rep).get("/api/v1/disbursements/")) == {pending.pk, verified.pk}
    assert ids(client_for(manager).get("/api/v1/disbursements/")) == {pending.pk, verified.pk}
    assert ids(client_for(other_rep).get("/api/v1/disbursements/")) == {verified.pk}
    assert ids(client_for(council_member).get("/api/v1/disbursements/")) == {verified.pk}
    assert client_for(other_rep).get(f"/api/v1/disbursements/{pending.pk}/").status_code == 404


VERIFY_ANSWERS = {
    "anonymous": 401,
    "citizen": 404,
    "partner_rep": 403,
    "project_manager": 404,
    "manager": 200,
    "council_member": 404,  # it is still only declared
    "admin_user": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_verifying_a_disbursement_per_role(request, role, partner_rep, firm_commitment):
    disbursement = declare(firm_commitment, partner_rep)
    client = client_for(as_user(request, role))
    audit_rows = AuditEntry.objects.count()

    response = client.post(f"/api/v1/disbursements/{disbursement.pk}/verify/")

    assert response.status_code == VERIFY_ANSWERS[role], response.content
    disbursement.refresh_from_db()
    firm_commitment.refresh_from_db()
    if response.status_code == 200:
        assert disbursement.status == Disbursement.Status.VERIFIED
        assert firm_commitment.status == C.PARTLY_DISBURSED
        assert response.json()["status"] == "verified"
    else:
        assert disbursement.status == Disbursement.Status.DECLARED
        assert firm_commitment.disbursed_amount == Decimal("0.00")
        assert AuditEntry.objects.count() == audit_rows


def test_whoever_declared_cannot_verify(manager, firm_commitment):
    disbursement = declare(firm_commitment, manager)
    audit_rows = AuditEntry.objects.count()

    response = client_for(manager).post(
        f"/api/v1/disbursements/{disbursement.pk}/verify/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Whoever declared a disbursement cannot also verify it."]
    }
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.DECLARED
    assert AuditEntry.objects.count() == audit_rows


def test_manager_rejects_a_disbursement_saying_why(manager, partner_rep, firm_commitment):
    disbursement = declare(firm_commitment, partner_rep)
    client = client_for(manager)

    refused = client.post(f"/api/v1/disbursements/{disbursement.pk}/reject/", {}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()) == {"reason"}

    response = client.post(
        f"/api/v1/disbursements/{disbursement.pk}/reject/",
        {"reason": "Il bonifico non risulta"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Il bonifico non risulta"


def test_partner_cannot_reject_its_own_disbursement(partner_rep, firm_commitment):
    disbursement = declare(firm_commitment, partner_rep)

    response = client_for(partner_rep).post(
        f"/api/v1/disbursements/{disbursement.pk}/reject/", {"reason": "oops"}, format="json"
    )

    assert response.status_code == 403
    disbursement.refresh_from_db()
    assert disbursement.status == Disbursement.Status.DECLARED


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_disbursements_are_not_edited_or_deleted(manager, partner_rep, firm_commitment, method):
    disbursement = declare(firm_commitment, partner_rep)

    response = getattr(client_for(manager), method)(
        f"/api/v1/disbursements/{disbursement.pk}/", {"amount": "1.00"}, format="json"
    )

    assert response.status_code == 405


# Fund sources, allocations and contracts.


@pytest.fixture
def draft_programme(manager, council_member, municipality):
    """A programme of Livorno still in draft: its manager and council member read it."""
    programme = ProgrammeFactory(owner=municipality, status=Programme.Status.DRAFT)
    for user, role in (
        (manager, ProgrammeAssignment.Role.PROGRAMME_MANAGER),
        (council_member, ProgrammeAssignment.Role.COUNCIL_MEMBER),
    ):
        ProgrammeAssignmentFactory(user=user, programme=programme, role=role)
    return programme


SEES_PUBLIC_ONLY = {"anonymous", "citizen", "partner_rep", "project_manager"}


@pytest.mark.parametrize("role", ROLES)
def test_fund_sources_readable_per_role(request, role, programme, draft_programme, prato):
    published = FundSourceFactory(programme=programme)
    draft = FundSourceFactory(programme=draft_programme)
    elsewhere = FundSourceFactory(programme=prato.programme)
    client = client_for(as_user(request, role))

    expected = {published.pk}
    if role not in SEES_PUBLIC_ONLY:
        expected.add(draft.pk)
    if role == "admin_user":
        expected.add(elsewhere.pk)
    assert ids(client.get("/api/v1/fund-sources/")) == expected
    assert client.get(f"/api/v1/fund-sources/{elsewhere.pk}/").status_code == (
        200 if role == "admin_user" else 404
    )


def fund_source_body(programme, provider, **extra):
    return {
        "programme": programme.pk,
        "name": "Bando MIUR Smart Cities and Social Innovation",
        "kind": "ministry_call",
        "provider": provider.pk,
        "total": "1500000.00",
        "legal_reference": "D.D. 391/Ric. del 5 luglio 2012",
        **extra,
    }


WRITE_BY_MANAGERS = {
    "anonymous": 401,
    "citizen": 403,
    "partner_rep": 403,
    "project_manager": 403,
    "council_member": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_creating_a_fund_source_per_role(request, role, programme, municipality):
    response = client_for(as_user(request, role)).post(
        "/api/v1/fund-sources/", fund_source_body(programme, municipality), format="json"
    )

    assert response.status_code == WRITE_BY_MANAGERS.get(role, 201), response.content
    if response.status_code == 201:
        assert response.json()["total"] == "1500000.00"
        assert FundSource.objects.get().total == Decimal("1500000.00")
        assert AuditEntry.objects.filter(verb="fund_source.created").count() == 1
    else:
        assert not FundSource.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_changing_a_fund_source_per_role(request, role, programme):
    fund_source = FundSourceFactory(programme=programme)

    response = client_for(as_user(request, role)).patch(
        f"/api/v1/fund-sources/{fund_source.pk}/", {"total": "2000000.00"}, format="json"
    )

    assert response.status_code == WRITE_BY_MANAGERS.get(role, 200), response.content
    fund_source.refresh_from_db()
    changed = response.status_code == 200
    assert fund_source.total == Decimal("2000000.00" if changed else "1000000.00")


@pytest.mark.parametrize("role", ROLES)
def test_nobody_deletes_a_fund_source(request, role, programme):
    fund_source = FundSourceFactory(programme=programme)

    response = client_for(as_user(request, role)).delete(f"/api/v1/fund-sources/{fund_source.pk}/")

    assert response.status_code == 405
    assert FundSource.objects.filter(pk=fund_source.pk).exists()


def test_manager_cannot_move_a_fund_source_to_a_programme_it_does_not_manage(manager, programme):
    fund_source = FundSourceFactory(programme=programme)
    elsewhere = ProgrammeFactory()

    response = client_for(manager).patch(
        f"/api/v1/fund-sources/{fund_source.pk}/", {"programme": elsewhere.pk}, format="json"
    )

    assert response.status_code == 403
    fund_source.refresh_from_db()
    assert fund_source.programme == programme


def test_fund_source_total_below_its_allocations_is_refused_by_field(manager, project):
    allocation = AllocationFactory(
        fund_source=FundSourceFactory(programme=project.programme), project=project
    )

    response = client_for(manager).patch(
        f"/api/v1/fund-sources/{allocation.fund_source_id}/",
        {"total": "10.00"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="it",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"total"}
    assert response.json()["total"] == [
        "Da questa fonte sono già stati assegnati 100.000,00\u00a0€."
    ]


ALLOCATIONS_SEEN = {
    "anonymous": {"public"},
    "citizen": {"public"},
    "partner_rep": {"public"},
    "project_manager": {"public", "managed"},
    "manager": {"public", "managed"},
    "council_member": {"public", "managed"},
    "admin_user": {"public", "managed", "elsewhere"},
}


@pytest.mark.parametrize("role", ROLES)
def test_allocations_and_contracts_readable_per_role(
    request, role, programme, project, public_project, prato
):
    source = FundSourceFactory(programme=programme)
    allocations = {
        "public": AllocationFactory(fund_source=source, project=public_project),
        "managed": AllocationFactory(fund_source=source, project=project),
        "elsewhere": AllocationFactory(fund_source=FundSourceFactory(programme=prato.programme)),
    }
    contracts = {
        "public": ContractFactory(project=public_project),
        "managed": ContractFactory(project=project),
        "elsewhere": ContractFactory(project=prato),
    }
    client = client_for(as_user(request, role))
    seen = ALLOCATIONS_SEEN[role]

    assert ids(client.get("/api/v1/allocations/")) == {allocations[key].pk for key in seen}
    assert ids(client.get("/api/v1/contracts/")) == {contracts[key].pk for key in seen}
    for key in ("managed", "elsewhere"):
        expected = 200 if key in seen else 404
        assert client.get(f"/api/v1/allocations/{allocations[key].pk}/").status_code == expected
        assert client.get(f"/api/v1/contracts/{contracts[key].pk}/").status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_allocating_money_per_role(request, role, programme, project):
    source = FundSourceFactory(programme=programme)

    response = client_for(as_user(request, role)).post(
        "/api/v1/allocations/",
        {"fund_source": source.pk, "project": project.pk, "year": 2025, "amount": "70000.00"},
        format="json",
    )

    expected = WRITE_BY_MANAGERS.get(role, 201)
    if role == "citizen":
        expected = 400  # the project is not public: not one a citizen can name
    assert response.status_code == expected, response.content
    assert Allocation.objects.exists() == (expected == 201)


def test_allocation_beyond_what_the_source_has_left_is_refused(manager, programme, project):
    source = FundSourceFactory(programme=programme, total=Decimal("100000.00"))
    AllocationFactory(fund_source=source, project=project, year=2024, amount=Decimal("80000.00"))

    response = client_for(manager).post(
        "/api/v1/allocations/",
        {"fund_source": source.pk, "project": project.pk, "year": 2025, "amount": "20000.01"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"amount"}
    assert Allocation.objects.count() == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_allocations_are_made_again_not_edited(manager, programme, project, method):
    allocation = AllocationFactory(
        fund_source=FundSourceFactory(programme=programme), project=project
    )

    response = getattr(client_for(manager), method)(
        f"/api/v1/allocations/{allocation.pk}/", {"amount": "1.00"}, format="json"
    )

    assert response.status_code == 405
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("100000.00")


def contract_body(project, supplier, **extra):
    return {
        "project": project.pk,
        "supplier": supplier.pk,
        "cig": "Z1A2B3C4D5",
        "subject": "Piattaforma Open City",
        "amount": "120000.00",
        "procedure": "mepa",
        "awarded_on": "2024-03-01",
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_recording_and_changing_a_contract_per_role(request, role, public_project):
    client = client_for(as_user(request, role))
    supplier = OrganisationFactory()

    created = client.post(
        "/api/v1/contracts/", contract_body(public_project, supplier), format="json"
    )
    contract = ContractFactory(project=public_project)
    changed = client.patch(f"/api/v1/contracts/{contract.pk}/", {"amount": "99.00"}, format="json")
    deleted = client.delete(f"/api/v1/contracts/{contract.pk}/")

    assert created.status_code == WRITE_BY_MANAGERS.get(role, 201), created.content
    assert changed.status_code == WRITE_BY_MANAGERS.get(role, 200), changed.content
    assert deleted.status_code == 405
    assert Contract.objects.filter(cig="Z1A2B3C4D5").exists() == (created.status_code == 201)
    contract.refresh_from_db()
    assert contract.amount == Decimal("99.00" if changed.status_code == 200 else "120000.00")


def test_contract_with_a_bad_cig_and_dates_is_refused_by_field(manager, public_project):
    body = contract_body(
        public_project,
        OrganisationFactory(),
        cig="nope",
        starts_on="2024-05-01",
        ends_on="2024-13-01",
    )

    response = client_for(manager).post("/api/v1/contracts/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()) >= {"ends_on"}
    assert not Contract.objects.exists()


# Transactions: append-only.


TRANSACTIONS_SEEN = {
    "anonymous": {"public"},
    "citizen": {"public"},
    "partner_rep": {"public"},
    "project_manager": {"public", "managed"},
    "manager": {"public", "managed"},
    "council_member": {"public", "managed"},
    "admin_user": {"public", "managed", "elsewhere"},
}


@pytest.mark.parametrize("role", ROLES)
def test_transactions_readable_per_role(request, role, project, public_project, prato):
    entries = {
        "public": TransactionFactory(project=public_project),
        "managed": TransactionFactory(project=project),
        "elsewhere": TransactionFactory(project=prato),
    }
    client = client_for(as_user(request, role))
    seen = TRANSACTIONS_SEEN[role]

    assert ids(client.get("/api/v1/transactions/")) == {entries[key].pk for key in seen}
    for key, entry in entries.items():
        expected = 200 if key in seen else 404
        assert client.get(f"/api/v1/transactions/{entry.pk}/").status_code == expected


def impegno_body(project, **extra):
    return {
        "project": project.pk,
        "phase": "impegno",
        "amount": "30000.00",
        "financial_year": 2024,
        "recorded_on": "2024-04-15",
        "act_kind": "determina",
        "act_number": "412/2024",
        "act_date": "2024-04-10",
        **extra,
    }


@pytest.mark.parametrize("role", ROLES)
def test_recording_a_transaction_per_role(request, role, public_project):
    response = client_for(as_user(request, role)).post(
        "/api/v1/transactions/", impegno_body(public_project), format="json"
    )

    assert response.status_code == WRITE_BY_MANAGERS.get(role, 201), response.content
    if response.status_code == 201:
        entry = Transaction.objects.get()
        assert response.json()["amount"] == "30000.00"
        assert response.json()["reversed_by"] is None
        assert entry.recorded_by == as_user(request, role)
    else:
        assert not Transaction.objects.exists()


def test_invalid_transaction_is_refused_by_field_in_italian(manager, public_project):
    body = impegno_body(
        public_project, amount="-5", financial_year="abc", act_date="2024-02-30", phase="spesa"
    )

    response = client_for(manager).post(
        "/api/v1/transactions/", body, format="json", HTTP_ACCEPT_LANGUAGE="it"
    )

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"amount", "financial_year", "act_date", "phase"}
    assert errors["financial_year"] == ["È richiesto un numero intero valido."]
    assert not Transaction.objects.exists()


def test_settlement_must_follow_an_impegno(manager, public_project):
    response = client_for(manager).post(
        "/api/v1/transactions/",
        impegno_body(public_project, phase="liquidazione", cup=public_project.cup),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"parent"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_transactions_are_append_only_for_everyone(request, role, method, public_project):
    entry = TransactionFactory(project=public_project)

    response = getattr(client_for(as_user(request, role)), method)(
        f"/api/v1/transactions/{entry.pk}/", impegno_body(public_project), format="json"
    )

    assert response.status_code == 405
    entry.refresh_from_db()
    assert entry.amount == Decimal("100000.00")


REVERSE_ANSWERS = {
    "anonymous": 401,
    "citizen": 403,
    "partner_rep": 403,
    "project_manager": 403,
    "manager": 201,
    "council_member": 403,
    "admin_user": 201,
}


@pytest.mark.parametrize("role", ROLES)
def test_reversing_a_transaction_per_role(request, role, public_project):
    entry = TransactionFactory(project=public_project)
    client = client_for(as_user(request, role))
    audit_rows = AuditEntry.objects.count()

    response = client.post(
        f"/api/v1/transactions/{entry.pk}/reverse/",
        {"reason": "Importo errato"},
        format="json",
    )

    assert response.status_code == REVERSE_ANSWERS[role], response.content
    if response.status_code == 201:
        reversal = Transaction.objects.get(reverses=entry)
        assert response.json()["id"] == reversal.pk
        assert response.json()["amount"] == "-100000.00"
        assert response.json()["reverses"] == entry.pk
    else:
        assert not Transaction.objects.filter(reverses=entry).exists()
        assert AuditEntry.objects.count() == audit_rows


def test_reversed_entry_shows_its_reversal_and_cannot_be_reversed_twice(manager, public_project):
    entry = TransactionFactory(project=public_project)
    client = client_for(manager)
    reversal = client.post(
        f"/api/v1/transactions/{entry.pk}/reverse/", {"reason": "Importo errato"}, format="json"
    )

    again = client.post(
        f"/api/v1/transactions/{entry.pk}/reverse/",
        {"reason": "Ancora"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert (
        client.get(f"/api/v1/transactions/{entry.pk}/").json()["reversed_by"]
        == (reversal.json()["id"])
    )
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["This entry has already been reversed."]}
    assert Transaction.objects.filter(reverses=entry).count() == 1


def test_reversal_needs_a_reason(manager, public_project):
    entry = TransactionFactory(project=public_project)

    response = client_for(manager).post(
        f"/api/v1/transactions/{entry.pk}/reverse/", {"reason": ""}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"reason"}
    assert not Transaction.objects.filter(reverses=entry).exists()


def test_transaction_filters(manager, project, public_project):
    impegno = TransactionFactory(project=public_project, recorded_on=datetime.date(2024, 4, 15))
    older = TransactionFactory(
        project=project, financial_year=2023, recorded_on=datetime.date(2023, 6, 1)
    )
    client = client_for(manager)

    assert ids(client.get(f"/api/v1/transactions/?project={project.pk}")) == {older.pk}
    assert ids(client.get(f"/api/v1/transactions/?programme={project.programme_id}")) == {
        impegno.pk,
        older.pk,
    }
    assert ids(client.get("/api/v1/transactions/?financial_year=2024")) == {impegno.pk}
    assert ids(client.get("/api/v1/transactions/?phase=impegno")) == {impegno.pk, older.pk}
    assert ids(client.get("/api/v1/transactions/?phase=pagamento")) == set()
    assert ids(
        client.get("/api/v1/transactions/?recorded_after=2024-01-01&recorded_before=2024-12-31")
    ) == {impegno.pk}
    assert client.get("/api/v1/transactions/?recorded_after=yesterday").status_code == 400
    ordered = client.get("/api/v1/transactions/?ordering=recorded_on").json()["results"]
    assert [row["id"] for row in ordered] == [older.pk, impegno.pk]


# Lists cost the same number of queries whatever their length.


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _assert_constant(client, url, add_rows, rows_seen, django_assert_max_num_queries):
    add_rows(10)
    few = _queries(client, url)
    assert response_count(client, url) == rows_seen(10)
    add_rows(90)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.json()["count"] == rows_seen(100)
    assert len(response.json()["results"]) == rows_seen(100)


def response_count(client, url) -> int:
    return client.get(url).json()["count"]


@pytest.fixture
def many_commitments(partner, other_partner, project):
    """Half Gida's pledges, half Cap's confirmed commitments (firm: Gida sees them too)."""

    def add(count):
        for n in range(count):
            if n % 2:
                pledge(partner, project, amount=f"{n + 1}000.00")
            else:
                CommitmentFactory(organisation=other_partner, project=project, status=C.CONFIRMED)

    return add


@pytest.mark.parametrize("role", ["manager", "partner_rep"])
def test_commitment_list_costs_the_same_at_10_and_100_rows(
    request, role, many_commitments, django_assert_max_num_queries
):
    client = client_for(request.getfixturevalue(role))

    _assert_constant(
        client,
        "/api/v1/commitments/?page_size=200",
        many_commitments,
        lambda rows: rows,
        django_assert_max_num_queries,
    )


@pytest.mark.parametrize("role", ["manager", "partner_rep"])
def test_transaction_list_costs_the_same_at_10_and_100_rows(
    request, role, public_project, django_assert_max_num_queries
):
    client = client_for(request.getfixturevalue(role))
    entries = []

    def add(count):
        for _ in range(count):
            entries.append(TransactionFactory(project=public_project))
        # Every other entry reversed, so the list shows reversals and reversed entries.
        for entry in entries[len(entries) - count :: 2]:
            Transaction.objects.create(
                project=entry.project,
                phase=entry.phase,
                amount=-entry.amount,
                financial_year=entry.financial_year,
                recorded_on=entry.recorded_on,
                act_kind=entry.act_kind,
                act_number=entry.act_number,
                act_date=entry.act_date,
                reverses=entry,
                reason="Importo errato",
            )

    _assert_constant(
        client,
        "/api/v1/transactions/?page_size=200",
        add,
        lambda rows: rows + rows // 2,
        django_assert_max_num_queries,
    )


DISBURSEMENTS_SEEN = {
    "citizen": set(),
    "partner_rep": {"pending", "verified"},
    "project_manager": set(),
    "manager": {"pending", "verified"},
    "council_member": {"verified"},
    "admin_user": {"pending", "verified"},
}


@pytest.mark.parametrize("role", DISBURSEMENTS_SEEN)
def test_disbursements_readable_per_role(request, role, partner_rep, manager, firm_commitment):
    disbursements = {
        "pending": declare(firm_commitment, partner_rep, amount="1000.00"),
        "verified": disbursement_verify(
            disbursement=declare(firm_commitment, partner_rep, amount="2000.00"), actor=manager
        ),
    }
    client = client_for(as_user(request, role))
    seen = DISBURSEMENTS_SEEN[role]

    assert ids(client.get("/api/v1/disbursements/")) == {disbursements[key].pk for key in seen}
    for key, disbursement in disbursements.items():
        response = client.get(f"/api/v1/disbursements/{disbursement.pk}/")
        assert response.status_code == (200 if key in seen else 404)


def test_anonymous_visitors_must_log_in_to_read_disbursements(partner_rep, firm_commitment):
    disbursement = declare(firm_commitment, partner_rep)
    client = APIClient()

    assert client.get("/api/v1/disbursements/").status_code == 401
    assert client.get(f"/api/v1/disbursements/{disbursement.pk}/").status_code == 401
