"""The programme's API: who reads and changes programmes, plans, projects and what hangs from
them (docs/permissions.md), the workflow actions, the filters, the errors and the query counts.

Two municipalities: Livorno (the user's, through the conftest fixtures) and Prato (someone
else's). Each has a published programme with a public project and a proposal; Livorno also has
a draft programme its manager and council member are assigned to.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import assign_perm
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.models import AuditEntry
from programme.models import (
    AuthorisingAct,
    Milestone,
    Plan,
    Programme,
    ProgrammeAssignment,
    Project,
    ProjectParticipation,
    Risk,
    StatusChange,
)
from programme.selectors import managed_projects
from programme.services import PROJECT_MANAGER_PERMISSIONS
from tests.factories import (
    ChallengeFactory,
    DecisionFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    MilestoneFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PlanActionFactory,
    PlanFactory,
    PlanPhaseFactory,
    ProgrammeAssignmentFactory,
    ProgrammeFactory,
    ProjectFactory,
    ProjectParticipationFactory,
    RiskFactory,
    StatusChangeFactory,
    ThematicAreaFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Project.Status
ROLES = [
    "anonymous",
    "citizen",
    "partner_rep",
    "project_manager",
    "manager",
    "council_member",
    "admin_user",
]
ACT = {"kind": AuthorisingAct.GIUNTA, "number": "142", "date": "2019-03-12"}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The throttles count in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def project_manager(project):
    """The project's manager, with the object permissions ``project_assign_manager`` grants."""
    user = UserFactory(username="pm.livorno")
    project.manager = user
    project.save(update_fields=["manager", "updated_at"])
    for permission in PROJECT_MANAGER_PERMISSIONS:
        assign_perm(permission, user, project)
    return user


def client_for(user=None, language="en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_authenticate(user)
    return client


def user_for(request, role):
    return None if role == "anonymous" else request.getfixturevalue(role)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.data["results"]}


def audit_count() -> int:
    return AuditEntry.objects.count()


@dataclass
class World:
    livorno: Programme
    livorno_draft: Programme
    prato: Programme
    prato_draft: Programme
    proposal: Project  # Livorno's proposal: the partner takes part, the project manager runs it
    livorno_public: Project
    draft_project: Project  # in Livorno's draft programme, also run by the project manager
    prato_public: Project
    prato_proposal: Project


@pytest.fixture
def world(programme, project, partner, manager, council_member, project_manager) -> World:
    livorno_draft = ProgrammeFactory(owner=programme.owner, status=Programme.Status.DRAFT)
    ProgrammeAssignmentFactory(user=manager, programme=livorno_draft)
    ProgrammeAssignmentFactory(
        user=council_member,
        programme=livorno_draft,
        role=ProgrammeAssignment.Role.COUNCIL_MEMBER,
    )
    draft_project = ProjectFactory(programme=livorno_draft, status=S.IN_PROGRESS)
    for permission in PROJECT_MANAGER_PERMISSIONS:
        assign_perm(permission, project_manager, draft_project)

    prato_owner = MunicipalityFactory(name="Comune di Prato", city="Prato")
    prato = ProgrammeFactory(name="Prato Smart City", owner=prato_owner)
    return World(
        livorno=programme,
        livorno_draft=livorno_draft,
        prato=prato,
        prato_draft=ProgrammeFactory(owner=prato_owner, status=Programme.Status.DRAFT),
        proposal=project,
        livorno_public=ProjectFactory(programme=programme, status=S.APPROVED),
        draft_project=draft_project,
        prato_public=ProjectFactory(programme=prato, status=S.IN_PROGRESS),
        prato_proposal=ProjectFactory(programme=prato, status=S.PROPOSED),
    )


# What each role reads, as names of World's attributes.
PUBLIC_PROJECTS = {"livorno_public", "prato_public"}
PROJECTS_READ = {
    "anonymous": PUBLIC_PROJECTS,
    "citizen": PUBLIC_PROJECTS,
    "partner_rep": PUBLIC_PROJECTS | {"proposal"},
    "project_manager": PUBLIC_PROJECTS | {"proposal", "draft_project"},
    "manager": PUBLIC_PROJECTS | {"proposal", "draft_project"},
    "council_member": PUBLIC_PROJECTS | {"proposal", "draft_project"},
    "admin_user": PUBLIC_PROJECTS | {"proposal", "draft_project", "prato_proposal"},
}
PUBLIC_PROGRAMMES = {"livorno", "prato"}
PROGRAMMES_READ = {
    "anonymous": PUBLIC_PROGRAMMES,
    "citizen": PUBLIC_PROGRAMMES,
    "partner_rep": PUBLIC_PROGRAMMES,
    "project_manager": PUBLIC_PROGRAMMES | {"livorno_draft"},
    "manager": PUBLIC_PROGRAMMES | {"livorno_draft"},
    "council_member": PUBLIC_PROGRAMMES | {"livorno_draft"},
    "admin_user": PUBLIC_PROGRAMMES | {"livorno_draft", "prato_draft"},
}


def pks(world: World, names) -> set[int]:
    return {getattr(world, name).pk for name in names}


# Reading


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_the_programmes_it_may_read(role, request, world):
    response = client_for(user_for(request, role)).get("/api/v1/programmes/")

    assert ids(response) == pks(world, PROGRAMMES_READ[role])


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lists_the_projects_it_may_read(role, request, world):
    response = client_for(user_for(request, role)).get("/api/v1/projects/")

    assert ids(response) == pks(world, PROJECTS_READ[role])


@pytest.mark.parametrize("role", ROLES)
def test_a_project_outside_the_read_scope_is_not_found(role, request, world):
    client = client_for(user_for(request, role))

    for name in ("proposal", "draft_project", "prato_proposal"):
        response = client.get(f"/api/v1/projects/{getattr(world, name).pk}/")
        expected = 200 if name in PROJECTS_READ[role] else 404
        assert response.status_code == expected, (name, response.content)


@pytest.mark.parametrize("role", ROLES)
def test_milestones_indicators_and_measurements_follow_their_project(role, request, world):
    every = PROJECTS_READ["admin_user"]
    milestones = {MilestoneFactory(project=getattr(world, name)).pk: name for name in every}
    indicators = {IndicatorFactory(project=getattr(world, name)): name for name in every}
    measurements = {MeasurementFactory(indicator=i).pk: name for i, name in indicators.items()}
    indicators = {indicator.pk: name for indicator, name in indicators.items()}
    client = client_for(user_for(request, role))

    for resource, objects in [
        ("milestones", milestones),
        ("indicators", indicators),
        ("measurements", measurements),
    ]:
        response = client.get(f"/api/v1/{resource}/")
        assert ids(response) == {pk for pk, name in objects.items() if name in PROJECTS_READ[role]}


RISKS_READ = {
    "anonymous": set(),
    "citizen": set(),
    "partner_rep": set(),
    "project_manager": {"proposal", "draft_project"},
    "manager": {"proposal", "draft_project", "livorno_public"},
    "council_member": {"proposal", "draft_project", "livorno_public"},
    "admin_user": PROJECTS_READ["admin_user"],
}


@pytest.mark.parametrize("role", ROLES)
def test_risks_are_never_public(role, request, world):
    risks = {
        RiskFactory(project=getattr(world, name)).pk: name for name in PROJECTS_READ["admin_user"]
    }

    response = client_for(user_for(request, role)).get("/api/v1/risks/")

    assert ids(response) == {pk for pk, name in risks.items() if name in RISKS_READ[role]}


MEETINGS_READ = {
    "anonymous": set(),
    "citizen": set(),
    "partner_rep": set(),
    "project_manager": set(),
    "manager": {"livorno", "livorno_draft"},
    "council_member": {"livorno", "livorno_draft"},
    "admin_user": {"livorno", "livorno_draft", "prato", "prato_draft"},
}


@pytest.mark.parametrize("role", ROLES)
def test_meetings_decisions_and_assignments_are_for_the_programme_s_people(role, request, world):
    meetings = {}
    for name in MEETINGS_READ["admin_user"]:
        meeting = MeetingFactory(programme=getattr(world, name))
        DecisionFactory(meeting=meeting, text=f"Decided in {name}")
        meetings[meeting.pk] = name
    client = client_for(user_for(request, role))
    readable = MEETINGS_READ[role]

    response = client.get("/api/v1/meetings/")

    assert ids(response) == {pk for pk, name in meetings.items() if name in readable}
    for row in response.data["results"]:
        assert [d["text"] for d in row["decisions"]] == [f"Decided in {meetings[row['id']]}"]
    decisions = client.get("/api/v1/decisions/")
    assert len(ids(decisions)) == len(readable)
    assignments = client.get("/api/v1/programme-assignments/")
    assert {row["programme"] for row in assignments.data["results"]} <= pks(world, readable)
    assert bool(assignments.data["results"]) == bool(readable)


@pytest.mark.parametrize("role", ROLES)
def test_plans_are_public_once_published_in_a_published_programme(role, request, world):
    published = PlanFactory(programme=world.livorno, status=Plan.Status.PUBLISHED)
    draft = PlanFactory(programme=world.livorno)
    in_draft_programme = PlanFactory(programme=world.livorno_draft, status=Plan.Status.PUBLISHED)
    prato_draft = PlanFactory(programme=world.prato)
    phase = PlanPhaseFactory(plan=draft)
    PlanActionFactory(phase=phase)
    insiders = {"manager", "council_member", "admin_user"}
    expected = {published.pk}
    if role in insiders:
        expected |= {draft.pk, in_draft_programme.pk}
    if role == "admin_user":
        expected.add(prato_draft.pk)
    client = client_for(user_for(request, role))

    assert ids(client.get("/api/v1/plans/")) == expected
    assert bool(ids(client.get("/api/v1/plan-phases/"))) == (role in insiders)
    assert bool(ids(client.get("/api/v1/plan-actions/"))) == (role in insiders)


def test_thematic_areas_and_weak_points_follow_their_programme(world):
    public = ThematicAreaFactory(programme=world.prato)
    hidden = ThematicAreaFactory(programme=world.prato_draft)
    weak_point = ChallengeFactory(programme=world.livorno_draft)
    anonymous = client_for()

    assert public.pk in ids(anonymous.get("/api/v1/thematic-areas/"))
    assert hidden.pk not in ids(anonymous.get("/api/v1/thematic-areas/"))
    assert anonymous.get(f"/api/v1/challenges/{weak_point.pk}/").status_code == 404


def test_project_shows_codes_cost_progress_lead_and_participations(world, partner):
    MilestoneFactory(project=world.livorno_public, weight=3, completed_on=datetime.date(2020, 1, 1))
    MilestoneFactory(project=world.livorno_public, weight=1)
    ProjectParticipationFactory(project=world.livorno_public, organisation=partner, role="partner")

    data = client_for().get(f"/api/v1/projects/{world.livorno_public.pk}/").data

    assert data["cup"] == world.livorno_public.cup
    assert data["rup"] == "Ing. Maria Rossi"
    assert data["total_cost"] == "250000.00"
    assert data["progress_percent"] == "75.0"
    assert data["status"] == "approved"
    assert data["planned_start"] == "2019-01-01"
    assert data["lead_organisation"] == world.livorno.owner.pk
    assert data["lead_organisation_name"] == "Comune di Livorno"
    assert [(p["organisation_name"], p["role"]) for p in data["participations"]] == [
        ("Gida S.p.A.", "partner")
    ]


def test_measurement_notes_are_for_who_works_on_the_project(world, manager):
    measurement = MeasurementFactory(indicator__project=world.livorno_public, note="Sensor offline")
    url = f"/api/v1/measurements/{measurement.pk}/"

    assert client_for().get(url).data["note"] == ""
    assert client_for(manager).get(url).data["note"] == "Sensor offline"


@pytest.mark.parametrize("role", ROLES)
def test_status_changes_follow_the_object_whose_workflow_they_record(role, request, world):
    changes = {
        StatusChangeFactory(target=getattr(world, name)).pk: name
        for name in PROJECTS_READ["admin_user"]
    }
    programme_change = StatusChangeFactory(
        target=world.prato_draft,
        from_status="",
        to_status="draft",
        act_kind="",
        act_number="",
        act_date=None,
    )

    response = client_for(user_for(request, role)).get("/api/v1/status-changes/")

    expected = {pk for pk, name in changes.items() if name in PROJECTS_READ[role]}
    if role == "admin_user":
        expected.add(programme_change.pk)
    assert ids(response) == expected
    row = next(r for r in response.data["results"] if r["id"] in changes)
    assert row["target_type"] == "programme.project"


def test_status_changes_filter_by_target(world, admin_user):
    change = StatusChangeFactory(target=world.prato_public)
    StatusChangeFactory(target=world.livorno_public)
    client = client_for(admin_user)

    response = client.get(
        "/api/v1/status-changes/",
        {"target_type": "programme.project", "target_id": world.prato_public.pk},
    )

    assert ids(response) == {change.pk}
    assert ids(client.get("/api/v1/status-changes/", {"target_type": "programme.plan"})) == set()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("role", ["anonymous", "manager", "admin_user"])
def test_status_changes_are_append_only(method, role, request, world):
    change = StatusChangeFactory(target=world.livorno_public)
    client = client_for(user_for(request, role))

    response = getattr(client, method)(f"/api/v1/status-changes/{change.pk}/", {"note": "x"})

    assert response.status_code == 405
    assert client.post("/api/v1/status-changes/", {"note": "x"}).status_code == 405
    assert StatusChange.objects.get(pk=change.pk).note == ""


def test_a_partner_s_token_reads_the_projects_its_organisation_takes_part_in(world, partner_rep):
    _, token = AuthToken.objects.create(partner_rep)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")

    assert ids(client.get("/api/v1/projects/")) == pks(world, PROJECTS_READ["partner_rep"])


# Changing projects


PATCH_PROJECT = {
    # role: {project: status}
    "anonymous": {"proposal": 401, "livorno_public": 401},
    "citizen": {"proposal": 404, "livorno_public": 403},
    "partner_rep": {"proposal": 403, "livorno_public": 403, "prato_proposal": 404},
    "project_manager": {"proposal": 200, "livorno_public": 403, "prato_proposal": 404},
    "manager": {"proposal": 200, "prato_public": 403, "prato_proposal": 404},
    "council_member": {"proposal": 403, "prato_proposal": 404},
    "admin_user": {"proposal": 200, "prato_proposal": 200},
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_change_a_project(role, request, world):
    client = client_for(user_for(request, role))

    for name, expected in PATCH_PROJECT[role].items():
        project = getattr(world, name)
        before = audit_count()

        response = client.patch(f"/api/v1/projects/{project.pk}/", {"title": "Renamed"})

        assert response.status_code == expected, (name, response.content)
        project.refresh_from_db()
        if expected == 200:
            assert project.title == "Renamed"
            assert AuditEntry.objects.filter(verb="project.updated").count() == 1
            AuditEntry.objects.filter(verb="project.updated").delete()
        else:
            assert project.title != "Renamed"
            assert audit_count() == before


def test_project_manager_changes_their_project_but_not_its_programme_or_status(
    world, project_manager
):
    response = client_for(project_manager).put(
        f"/api/v1/projects/{world.proposal.pk}/",
        {
            "title": "Open City platform 2",
            "total_cost": "300000.50",
            "programme": world.prato.pk,
            "status": "completed",
            "planned_start": "2020-01-01",
            "planned_end": "2022-06-30",
        },
    )

    assert response.status_code == 200, response.content
    assert response.data["total_cost"] == "300000.50"
    project = Project.objects.get(pk=world.proposal.pk)
    assert (project.programme, project.status) == (world.livorno, S.PROPOSED)
    assert project.total_cost == Decimal("300000.50")


def test_nobody_deletes_a_project(world, admin_user, manager):
    assert (
        client_for(admin_user).delete(f"/api/v1/projects/{world.proposal.pk}/").status_code == 403
    )
    response = client_for(manager).delete(f"/api/v1/projects/{world.proposal.pk}/")
    assert response.status_code == 403
    assert "cancelled" in response.data["detail"]
    assert Project.objects.filter(pk=world.proposal.pk).exists()


def test_manager_proposes_a_project_with_its_weak_points(world, manager, partner):
    weak_point = ChallengeFactory(programme=world.livorno)
    area = ThematicAreaFactory(programme=world.livorno)

    response = client_for(manager).post(
        "/api/v1/projects/",
        {
            "programme": world.livorno.pk,
            "title": "Situation Room",
            "lead_organisation": world.livorno.owner.pk,
            "thematic_area": area.pk,
            "challenges": [weak_point.pk],
            "total_cost": "120000.00",
            "manager": manager.pk,
        },
    )

    assert response.status_code == 201, response.content
    project = Project.objects.get(pk=response.data["id"])
    assert project.status == S.PROPOSED
    assert list(project.challenges.all()) == [weak_point]
    assert response.data["participations"][0]["role"] == "lead"
    assert project in managed_projects(manager)
    assert AuditEntry.objects.filter(verb="project.created", target_id=str(project.pk)).exists()


def test_manager_cannot_propose_a_project_in_another_municipality_s_programme(world, manager):
    data = {"title": "Elsewhere", "lead_organisation": world.prato.owner.pk}
    client = client_for(manager)
    before = Project.objects.count()

    readable = client.post("/api/v1/projects/", {**data, "programme": world.prato.pk})
    hidden = client.post("/api/v1/projects/", {**data, "programme": world.prato_draft.pk})

    assert readable.status_code == 403
    assert hidden.status_code == 400
    assert "programme" in hidden.data
    assert Project.objects.count() == before


def test_a_weak_point_of_another_programme_is_refused_by_field(world, manager):
    elsewhere = ChallengeFactory(programme=world.prato)

    response = client_for(manager).patch(
        f"/api/v1/projects/{world.proposal.pk}/", {"challenges": [elsewhere.pk]}
    )

    assert response.status_code == 400
    assert "challenges" in response.data
    assert not world.proposal.challenges.exists()


# Workflow


def transition(client, project, **body):
    return client.post(f"/api/v1/projects/{project.pk}/transition/", body)


def assert_unchanged(project, status):
    assert Project.objects.get(pk=project.pk).status == status
    assert not StatusChange.objects.filter(object_id=project.pk).exists()
    assert not AuditEntry.objects.filter(target_id=str(project.pk)).exists()


def test_manager_moves_a_project_and_the_step_is_recorded(world, manager):
    client = client_for(manager)

    response = transition(client, world.proposal, to="under_assessment", note="Complete file")
    assert response.status_code == 200, response.content
    assert response.data["status"] == "under_assessment"

    response = transition(client, world.proposal, to="approved", act=ACT)
    assert response.status_code == 200, response.content

    change = StatusChange.objects.filter(object_id=world.proposal.pk).latest("pk")
    assert (change.from_status, change.to_status, change.actor) == (
        "under_assessment",
        "approved",
        manager,
    )
    assert (change.act_kind, change.act_number, change.act_date) == (
        AuthorisingAct.GIUNTA,
        "142",
        datetime.date(2019, 3, 12),
    )
    assert AuditEntry.objects.filter(verb="project.transitioned").count() == 2
    listed = client_for(manager).get(
        "/api/v1/status-changes/",
        {"target_type": "programme.project", "target_id": world.proposal.pk},
    )
    assert [r["to_status"] for r in listed.data["results"]] == ["under_assessment", "approved"]


def test_an_illegal_step_is_refused_with_the_reason_and_changes_nothing(world, manager):
    response = transition(client_for(manager), world.proposal, to="completed")

    assert response.status_code == 400
    assert response.data["non_field_errors"] == [
        "The status cannot go from “Proposed” to “Completed”."
    ]
    assert_unchanged(world.proposal, S.PROPOSED)


def test_approval_without_its_act_is_refused(world, manager):
    world.proposal.status = S.UNDER_ASSESSMENT
    world.proposal.save()

    response = transition(client_for(manager), world.proposal, to="approved")

    assert response.status_code == 400
    assert "authorising act" in response.data["non_field_errors"][0]
    assert_unchanged(world.proposal, S.UNDER_ASSESSMENT)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "flying"}, "to"),
        ({}, "to"),
        ({"to": "cancelled", "act": {**ACT, "date": "2019-02-30"}}, "act"),
        ({"to": "cancelled", "act": {**ACT, "kind": "decree"}}, "act"),
        ({"to": "cancelled", "act": {**ACT, "number": " "}}, "act"),
        ({"to": "cancelled", "act": "142/2019"}, "act"),
        ({"to": "cancelled", "note": ["x"]}, "note"),
    ],
)
def test_malformed_transition_is_refused_by_field(body, field, world, manager):
    response = transition(client_for(manager), world.proposal, **body)

    assert response.status_code == 400
    assert field in response.data
    assert_unchanged(world.proposal, S.PROPOSED)


def test_an_act_dated_in_the_future_is_refused(world, manager):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = transition(
        client_for(manager), world.proposal, to="cancelled", act={**ACT, "date": str(tomorrow)}
    )

    assert response.status_code == 400
    assert response.data["act"] == ["The authorising act cannot be dated in the future."]
    assert_unchanged(world.proposal, S.PROPOSED)


@pytest.mark.parametrize(
    ("role", "name", "expected"),
    [
        ("project_manager", "proposal", 403),
        ("partner_rep", "proposal", 403),
        ("council_member", "proposal", 403),
        ("citizen", "livorno_public", 403),
        ("anonymous", "livorno_public", 401),
        ("manager", "prato_public", 403),
        ("manager", "prato_proposal", 404),
    ],
)
def test_who_may_not_move_a_project(role, name, expected, request, world):
    project = getattr(world, name)
    status = project.status

    response = transition(
        client_for(user_for(request, role)), project, to="cancelled", act=ACT, note="No"
    )

    assert response.status_code == expected
    assert_unchanged(project, status)


def test_admin_moves_any_project(world, admin_user):
    response = transition(client_for(admin_user), world.prato_proposal, to="cancelled", act=ACT)

    assert response.status_code == 200
    assert Project.objects.get(pk=world.prato_proposal.pk).status == S.CANCELLED


def test_a_new_project_manager_takes_over_and_the_old_one_loses_the_project(
    world, manager, project_manager
):
    successor = UserFactory(username="pm.successor")

    response = client_for(manager).post(
        f"/api/v1/projects/{world.proposal.pk}/assign-manager/", {"manager": successor.pk}
    )

    assert response.status_code == 200, response.content
    assert response.data["manager"] == successor.pk
    url = f"/api/v1/projects/{world.proposal.pk}/"
    assert client_for(successor).patch(url, {"title": "Taken over"}).status_code == 200
    # A proposal is not public: who no longer manages it no longer sees it.
    assert client_for(project_manager).patch(url, {"title": "Still mine?"}).status_code == 404
    assert AuditEntry.objects.filter(verb="project.manager_assigned").count() == 1


def test_a_project_manager_does_not_choose_managers(world, project_manager):
    response = client_for(project_manager).post(
        f"/api/v1/projects/{world.proposal.pk}/assign-manager/", {"manager": None}
    )

    assert response.status_code == 403
    assert Project.objects.get(pk=world.proposal.pk).manager == project_manager


# Milestones, participations, indicators, measurements, risks


def test_project_manager_plans_and_completes_their_milestones(world, project_manager):
    client = client_for(project_manager)

    response = client.post(
        "/api/v1/milestones/",
        {
            "project": world.proposal.pk,
            "title": "Platform live",
            "due_on": "2020-06-30",
            "weight": 2,
        },
    )
    assert response.status_code == 201, response.content
    milestone = response.data["id"]
    url = f"/api/v1/milestones/{milestone}/"

    assert client.patch(url, {"weight": 3, "completed_on": "2020-01-01"}).status_code == 200
    assert Milestone.objects.get(pk=milestone).completed_on is None  # only through complete

    response = client.post(f"{url}complete/", {"completed_on": "2020-07-01"})
    assert response.status_code == 200, response.content
    assert response.data["completed_on"] == "2020-07-01"
    assert client.get(f"/api/v1/projects/{world.proposal.pk}/").data["progress_percent"] == "100.0"

    again = client.post(f"{url}complete/", {})
    assert again.status_code == 400
    assert again.data["non_field_errors"] == ["The milestone is already done."]

    assert client.post(f"{url}reopen/").data["completed_on"] is None
    assert client.delete(url).status_code == 204
    assert [e.verb for e in AuditEntry.objects.order_by("pk")] == [
        "milestone.created",
        "milestone.updated",
        "milestone.completed",
        "milestone.reopened",
        "milestone.deleted",
    ]


def test_a_milestone_cannot_be_done_in_the_future(world, project_manager):
    milestone = MilestoneFactory(project=world.proposal)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client_for(project_manager).post(
        f"/api/v1/milestones/{milestone.pk}/complete/", {"completed_on": str(tomorrow)}
    )

    assert response.status_code == 400
    assert Milestone.objects.get(pk=milestone.pk).completed_on is None
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("proposal", 200), ("draft_project", 200), ("livorno_public", 403), ("prato_proposal", 404)],
)
def test_project_manager_changes_only_their_projects_milestones(
    name, expected, world, project_manager
):
    milestone = MilestoneFactory(project=getattr(world, name), title="Before")
    client = client_for(project_manager)

    response = client.patch(f"/api/v1/milestones/{milestone.pk}/", {"title": "After"})
    completed = client.post(f"/api/v1/milestones/{milestone.pk}/complete/", {})

    assert response.status_code == expected
    assert completed.status_code == expected
    changed = Milestone.objects.get(pk=milestone.pk)
    assert (changed.title == "After") == (expected == 200)
    assert (changed.completed_on is not None) == (expected == 200)


@pytest.mark.parametrize(
    ("role", "name", "expected"),
    [
        ("project_manager", "proposal", 201),
        ("project_manager", "livorno_public", 403),
        ("project_manager", "prato_proposal", 400),
        ("manager", "livorno_public", 201),
        ("manager", "prato_public", 403),
        ("council_member", "proposal", 403),
        ("partner_rep", "proposal", 403),
        ("citizen", "prato_public", 403),
        ("admin_user", "prato_proposal", 201),
    ],
)
def test_who_may_add_milestones_and_risks(role, name, expected, request, world):
    client = client_for(user_for(request, role))
    project = getattr(world, name)

    milestone = client.post(
        "/api/v1/milestones/", {"project": project.pk, "title": "Go live", "due_on": "2021-01-31"}
    )
    risk = client.post(
        "/api/v1/risks/",
        {"project": project.pk, "title": "Supplier late", "likelihood": 3, "impact": 4},
    )

    assert milestone.status_code == expected, milestone.content
    assert risk.status_code == expected, risk.content
    created = expected == 201
    assert Milestone.objects.filter(project=project).exists() == created
    assert Risk.objects.filter(project=project).exists() == created


def test_project_manager_keeps_their_risks_indicators_and_measurements(world, project_manager):
    client = client_for(project_manager)

    risk = client.post(
        "/api/v1/risks/",
        {"project": world.proposal.pk, "title": "Data late", "likelihood": 2, "impact": 5},
    )
    assert risk.status_code == 201, risk.content
    assert risk.data["score"] == 10
    assert (
        client.patch(f"/api/v1/risks/{risk.data['id']}/", {"status": "mitigated"}).status_code
        == 200
    )

    indicator = client.post(
        "/api/v1/indicators/",
        {
            "project": world.proposal.pk,
            "name": "Open datasets",
            "unit": "datasets",
            "baseline": "0",
            "target": "40",
        },
    )
    assert indicator.status_code == 201, indicator.content
    assert indicator.data["target"] == "40.0000"
    measurement = client.post(
        "/api/v1/measurements/",
        {
            "indicator": indicator.data["id"],
            "measured_on": "2020-12-31",
            "value": "12",
            "note": "First",
        },
    )
    assert measurement.status_code == 201, measurement.content
    twice = client.post(
        "/api/v1/measurements/",
        {"indicator": indicator.data["id"], "measured_on": "2020-12-31", "value": "13"},
    )
    assert twice.status_code == 400

    elsewhere = IndicatorFactory(project=world.livorno_public)
    refused = client.post(
        "/api/v1/measurements/",
        {"indicator": elsewhere.pk, "measured_on": "2020-12-31", "value": "1"},
    )
    assert refused.status_code == 403
    assert not elsewhere.measurements.exists()


def test_participations_keep_the_lead(world, manager, partner):
    client = client_for(manager)
    lead = world.livorno_public.participations.create(
        organisation=world.livorno.owner, role=ProjectParticipation.Role.LEAD
    )
    newcomer = OrganisationFactory(name="Citelum")

    added = client.post(
        "/api/v1/project-participations/",
        {
            "project": world.livorno_public.pk,
            "organisation": newcomer.pk,
            "role": "technology_provider",
        },
    )
    as_lead = client.post(
        "/api/v1/project-participations/",
        {"project": world.livorno_public.pk, "organisation": partner.pk, "role": "lead"},
    )
    lead_deleted = client.delete(f"/api/v1/project-participations/{lead.pk}/")
    lead_changed = client.patch(f"/api/v1/project-participations/{lead.pk}/", {"role": "partner"})

    assert added.status_code == 201, added.content
    assert added.data["organisation_name"] == "Citelum"
    assert as_lead.status_code == 400
    assert "role" in as_lead.data
    assert lead_deleted.status_code == 400
    assert lead_changed.status_code == 400
    assert ProjectParticipation.objects.get(pk=lead.pk).role == "lead"
    assert client.delete(f"/api/v1/project-participations/{added.data['id']}/").status_code == 204


# Programmes and plans


def test_manager_creates_a_programme_for_their_municipality_and_manages_it(
    world, manager, municipality
):
    client = client_for(manager)

    response = client.post(
        "/api/v1/programmes/",
        {
            "name": "Livorno 2030",
            "slug": "livorno-2030",
            "owner": municipality.pk,
            "status": "published",
        },
    )

    assert response.status_code == 201, response.content
    assert response.data["status"] == "draft"
    programme = Programme.objects.get(pk=response.data["id"])
    assert ProgrammeAssignment.objects.filter(
        user=manager, programme=programme, role=ProgrammeAssignment.Role.PROGRAMME_MANAGER
    ).exists()
    published = client.post(f"/api/v1/programmes/{programme.pk}/publish/")
    assert published.status_code == 200
    assert published.data["status"] == "published"
    assert client.post(f"/api/v1/programmes/{programme.pk}/publish/").status_code == 400
    assert [e.verb for e in AuditEntry.objects.order_by("pk")] == [
        "programme.created",
        "programme_assignment.created",
        "programme.published",
    ]


@pytest.mark.parametrize("role", ["citizen", "partner_rep", "project_manager", "council_member"])
def test_only_managers_create_programmes(role, request, world, municipality):
    response = client_for(request.getfixturevalue(role)).post(
        "/api/v1/programmes/", {"name": "Nope", "slug": "nope", "owner": municipality.pk}
    )

    assert response.status_code == 403
    assert not Programme.objects.filter(slug="nope").exists()
    assert not AuditEntry.objects.exists()


def test_a_manager_creates_programmes_only_for_their_own_organisation(world, manager):
    response = client_for(manager).post(
        "/api/v1/programmes/", {"name": "Prato 2", "slug": "prato-2", "owner": world.prato.owner.pk}
    )

    assert response.status_code == 403
    assert not Programme.objects.filter(slug="prato-2").exists()


def test_admin_creates_a_programme_for_any_municipality_without_an_assignment(world, admin_user):
    response = client_for(admin_user).post(
        "/api/v1/programmes/", {"name": "Prato 2", "slug": "prato-2", "owner": world.prato.owner.pk}
    )

    assert response.status_code == 201
    assert not ProgrammeAssignment.objects.filter(programme_id=response.data["id"]).exists()


@pytest.mark.parametrize(
    ("role", "name", "expected"),
    [
        ("manager", "livorno_draft", 200),
        ("manager", "prato", 403),
        ("manager", "prato_draft", 404),
        ("council_member", "livorno_draft", 403),
        ("project_manager", "livorno_draft", 403),
        ("citizen", "livorno", 403),
        ("admin_user", "prato_draft", 200),
    ],
)
def test_who_may_change_and_publish_a_programme(role, name, expected, request, world):
    programme = getattr(world, name)
    client = client_for(request.getfixturevalue(role))

    changed = client.patch(f"/api/v1/programmes/{programme.pk}/", {"summary": "New summary"})

    assert changed.status_code == expected
    assert (Programme.objects.get(pk=programme.pk).summary == "New summary") == (expected == 200)
    if programme.status == Programme.Status.DRAFT:
        published = client.post(f"/api/v1/programmes/{programme.pk}/publish/")
        assert published.status_code == expected
        assert (Programme.objects.get(pk=programme.pk).status == "published") == (expected == 200)


def test_only_admins_delete_programmes_and_never_one_with_projects(world, manager, admin_user):
    empty = ProgrammeFactory(owner=world.livorno.owner)
    ProgrammeAssignmentFactory(user=manager, programme=empty)

    assert client_for(manager).delete(f"/api/v1/programmes/{empty.pk}/").status_code == 403
    with_projects = client_for(admin_user).delete(f"/api/v1/programmes/{world.livorno.pk}/")
    assert with_projects.status_code == 409
    assert Programme.objects.filter(pk=world.livorno.pk).exists()
    assert client_for(admin_user).delete(f"/api/v1/programmes/{empty.pk}/").status_code == 204
    assert not Programme.objects.filter(pk=empty.pk).exists()
    assert list(AuditEntry.objects.values_list("verb", flat=True)) == ["programme.deleted"]


def test_manager_drafts_a_plan_with_phases_and_actions_and_publishes_it(world, manager):
    client = client_for(manager)
    area = ThematicAreaFactory(programme=world.livorno)

    plan = client.post(
        "/api/v1/plans/",
        {
            "programme": world.livorno.pk,
            "title": "Situation Room 2019–2021",
            "start_year": 2019,
            "end_year": 2021,
        },
    )
    assert plan.status_code == 201, plan.content
    plan_url = f"/api/v1/plans/{plan.data['id']}/"
    empty = client.post(f"{plan_url}publish/")
    assert empty.status_code == 400
    assert empty.data["non_field_errors"] == ["A plan needs at least one phase to be published."]

    phase = client.post("/api/v1/plan-phases/", {"plan": plan.data["id"], "name": "Co-planning"})
    assert phase.status_code == 201, phase.content
    action = client.post(
        "/api/v1/plan-actions/",
        {
            "phase": phase.data["id"],
            "year": 2020,
            "title": "Parking data feed",
            "thematic_area": area.pk,
            "projects": [world.proposal.pk],
        },
    )
    assert action.status_code == 201, action.content
    outside = client.post(
        "/api/v1/plan-actions/", {"phase": phase.data["id"], "year": 2024, "title": "Too late"}
    )
    assert outside.status_code == 400
    assert "year" in outside.data
    foreign = client.post(
        "/api/v1/plan-actions/",
        {
            "phase": phase.data["id"],
            "year": 2020,
            "title": "Foreign",
            "projects": [world.prato_public.pk],
        },
    )
    assert foreign.status_code == 400
    assert "projects" in foreign.data
    shrink = client.patch(plan_url, {"end_year": 2019})
    assert shrink.status_code == 400

    assert client.post(f"{plan_url}publish/").data["status"] == "published"
    assert client_for().get(plan_url).status_code == 200


@pytest.mark.parametrize(
    ("role", "name", "expected"),
    [
        ("manager", "prato", 403),
        ("manager", "prato_draft", 400),
        ("council_member", "livorno", 403),
        ("project_manager", "livorno", 403),
        ("partner_rep", "livorno", 403),
    ],
)
def test_who_may_not_draft_plans(role, name, expected, request, world):
    response = client_for(request.getfixturevalue(role)).post(
        "/api/v1/plans/",
        {
            "programme": getattr(world, name).pk,
            "title": "Plan",
            "start_year": 2019,
            "end_year": 2021,
        },
    )

    assert response.status_code == expected
    assert not Plan.objects.exists()


def test_manager_keeps_the_programme_s_areas_weak_points_meetings_and_assignments(
    world, manager, partner
):
    client = client_for(manager)
    council = UserFactory(username="council.2")

    area = client.post(
        "/api/v1/thematic-areas/", {"programme": world.livorno.pk, "name": "Mobility"}
    )
    weak = client.post(
        "/api/v1/challenges/", {"programme": world.livorno.pk, "name": "Transport systems"}
    )
    meeting = client.post(
        "/api/v1/meetings/",
        {
            "programme": world.livorno.pk,
            "title": "Smart Living Lab",
            "held_on": "2018-12-12",
            "participants": [partner.pk],
        },
    )
    assignment = client.post(
        "/api/v1/programme-assignments/",
        {"programme": world.livorno.pk, "user": council.pk, "role": "council_member"},
    )

    for response in (area, weak, meeting, assignment):
        assert response.status_code == 201, response.content
    decision = client.post(
        "/api/v1/decisions/",
        {
            "meeting": meeting.data["id"],
            "text": "Mobility data first",
            "project": world.proposal.pk,
        },
    )
    assert decision.status_code == 201, decision.content
    foreign = client.post(
        "/api/v1/decisions/",
        {"meeting": meeting.data["id"], "text": "Elsewhere", "project": world.prato_public.pk},
    )
    assert foreign.status_code == 400
    assert "project" in foreign.data
    assert client.get(f"/api/v1/meetings/{meeting.data['id']}/").data["decisions"][0]["text"] == (
        "Mobility data first"
    )
    assert client_for(council).get(f"/api/v1/meetings/{meeting.data['id']}/").status_code == 200
    duplicate = client.post(
        "/api/v1/thematic-areas/", {"programme": world.livorno.pk, "name": "Mobility"}
    )
    assert duplicate.status_code == 400

    elsewhere = client.post(
        "/api/v1/thematic-areas/", {"programme": world.prato.pk, "name": "Mobility"}
    )
    assert elsewhere.status_code == 403


@pytest.mark.parametrize("role", ["council_member", "project_manager", "partner_rep", "citizen"])
def test_others_do_not_keep_a_programme_s_parts(role, request, world):
    client = client_for(request.getfixturevalue(role))
    area = ThematicAreaFactory(programme=world.livorno)

    created = client.post(
        "/api/v1/thematic-areas/", {"programme": world.livorno.pk, "name": "Energy"}
    )
    changed = client.patch(f"/api/v1/thematic-areas/{area.pk}/", {"name": "Energy"})
    deleted = client.delete(f"/api/v1/thematic-areas/{area.pk}/")

    assert (created.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)
    assert not AuditEntry.objects.exists()


# Filters, search, ordering


def test_projects_filter_by_programme_area_weak_point_status_organisation_and_year(world, partner):
    area = ThematicAreaFactory(programme=world.livorno)
    weak = ChallengeFactory(programme=world.livorno)
    mobility = ProjectFactory(
        programme=world.livorno,
        status=S.IN_PROGRESS,
        thematic_area=area,
        planned_start=datetime.date(2024, 3, 1),
        planned_end=datetime.date(2025, 6, 30),
        title="Smart parking",
    )
    mobility.challenges.add(weak)
    ProjectParticipationFactory(project=mobility, organisation=partner)
    client = client_for()

    def listed(**params):
        return ids(client.get("/api/v1/projects/", params))

    assert listed(programme=world.prato.pk) == {world.prato_public.pk}
    assert listed(thematic_area=area.pk) == {mobility.pk}
    assert listed(challenge=weak.pk) == {mobility.pk}
    assert listed(status="approved") == {world.livorno_public.pk}
    assert client.get("/api/v1/projects/?status=approved&status=in_progress").data["count"] == 3
    assert listed(organisation=partner.pk) == {mobility.pk}
    assert listed(year=2025) == {mobility.pk}
    assert listed(year=2020) == {world.livorno_public.pk, world.prato_public.pk}
    assert listed(planned_start_after="2024-01-01") == {mobility.pk}
    assert listed(planned_end_before="2022-01-01") == {
        world.livorno_public.pk,
        world.prato_public.pk,
    }
    assert listed(search="parking") == {mobility.pk}
    assert listed(search=mobility.cup) == {mobility.pk}


def test_projects_order_by_cost_and_progress(world):
    world.livorno_public.total_cost = Decimal("10.00")
    world.livorno_public.save()
    MilestoneFactory(project=world.prato_public, completed_on=datetime.date(2020, 1, 1))
    client = client_for()

    by_cost = client.get("/api/v1/projects/", {"ordering": "total_cost"}).data["results"]
    by_progress = client.get("/api/v1/projects/", {"ordering": "-progress_percent"}).data["results"]

    assert [row["id"] for row in by_cost] == [world.livorno_public.pk, world.prato_public.pk]
    assert [row["id"] for row in by_progress] == [world.prato_public.pk, world.livorno_public.pk]
    assert by_progress[0]["progress_percent"] == "100.0"


@pytest.mark.parametrize(
    "query",
    [
        "programme=abc",
        "programme=99999999999999999999999999",
        "programme=-1",
        "thematic_area=1.5",
        "challenge=%00",
        "organisation=[]",
        "year=abc",
        "year=99999",
        "status=flying",
        "planned_start_after=2020-13-45",
        "planned_end_before=yesterday",
    ],
)
def test_a_malformed_filter_is_a_400(query, world):
    response = client_for().get(f"/api/v1/projects/?{query}")

    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/projects/?ordering=secret_field",
        "/api/v1/projects/?search=%00%ff",
        "/api/v1/projects/?page_size=abc",
        "/api/v1/milestones/?done=perhaps",
        "/api/v1/milestones/?project=2",
        "/api/v1/status-changes/?target_id=99999999999999999999",
        "/api/v1/projects/abc/",
        "/api/v1/projects/99999999999999999999999/",
        "/api/v1/milestones/-1/",
        "/api/v1/projects/?page=abc",
        "/api/v1/status-changes/?target_type=auth.user",
        "/api/v1/measurements/?measured_on_after=2020-02-30",
        "/api/v1/plans/?year=1",
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "manager"])
def test_garbage_never_makes_a_500(url, role, request, world):
    response = client_for(user_for(request, role)).get(url)

    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    "body",
    [
        {"title": "x", "planned_start": "2020-02-30"},
        {"title": "x", "total_cost": "lots"},
        {"title": "x", "total_cost": "1e30"},
        {"title": "x", "total_cost": "-5"},
        {"title": "x", "challenges": "abc"},
        {"title": "x", "thematic_area": 99999999999999999999},
        {"title": ["x"]},
        {"title": "x", "cup": "not a cup"},
    ],
)
def test_garbage_in_a_write_is_a_400_by_field(body, world, manager):
    response = client_for(manager).patch(
        f"/api/v1/projects/{world.proposal.pk}/", body, format="json"
    )

    assert response.status_code == 400
    assert set(response.data) <= {
        "title",
        "planned_start",
        "total_cost",
        "challenges",
        "thematic_area",
        "cup",
        "non_field_errors",
    }
    assert not AuditEntry.objects.exists()


def test_a_body_that_is_not_json_is_a_400(world, manager):
    response = client_for(manager).generic(
        "PATCH",
        f"/api/v1/projects/{world.proposal.pk}/",
        "{not json",
        content_type="application/json",
    )

    assert response.status_code == 400


def test_invalid_input_is_explained_by_field(world, manager):
    response = client_for(manager).post(
        "/api/v1/projects/",
        {
            "programme": world.livorno.pk,
            "lead_organisation": world.livorno.owner.pk,
            "planned_start": "soon",
        },
    )

    assert response.status_code == 400
    assert response.data["title"] == ["This field is required."]
    assert "planned_start" in response.data


def test_invalid_input_is_explained_in_italian(world, manager):
    client = client_for(manager, language="it")

    missing = client.post("/api/v1/milestones/", {"project": world.proposal.pk})
    backwards = client.patch(
        f"/api/v1/projects/{world.proposal.pk}/",
        {"planned_start": "2022-01-01", "planned_end": "2021-01-01"},
    )
    illegal = transition(client, world.proposal, to="completed")

    assert missing.status_code == 400
    assert missing.data["title"] == ["Campo obbligatorio."]
    assert backwards.status_code == 400
    assert backwards.data["non_field_errors"] == [
        "La fine prevista di un progetto non può precedere l'inizio previsto."
    ]
    assert illegal.status_code == 400
    assert "Proposed" not in illegal.data["non_field_errors"][0]


# Query counts: a list costs the same whatever its length


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.data["count"]


def _projects_for(user, world, partner, count):
    for _ in range(count):
        project = ProjectFactory(programme=world.livorno_draft)
        MilestoneFactory.create_batch(2, project=project)
        ProjectParticipationFactory(project=project, organisation=world.livorno.owner, role="lead")
        ProjectParticipationFactory(project=project, organisation=partner, role="co_financer")
        project.challenges.add(ChallengeFactory(programme=world.livorno_draft))


@pytest.mark.parametrize("role", ["manager", "partner_rep", "project_manager", "anonymous"])
@pytest.mark.parametrize("resource", ["projects", "milestones"])
def test_lists_run_a_constant_number_of_queries(
    resource, role, request, world, partner, django_assert_max_num_queries
):
    user = user_for(request, role)
    client = client_for(user)
    url = f"/api/v1/{resource}/?page_size=200"
    if role in ("project_manager", "anonymous"):
        # Their rows: public projects, and (for the project manager) the ones they manage.
        world.livorno_draft.status = Programme.Status.PUBLISHED
        world.livorno_draft.save()
    client.get(url)  # caches (content types, permissions) warm up

    _projects_for(user, world, partner, 10)
    if role == "project_manager":
        for project in Project.objects.filter(programme=world.livorno_draft):
            assign_perm("programme.change_project", user, project)
    if role == "anonymous":
        Project.objects.filter(programme=world.livorno_draft).update(status=S.IN_PROGRESS)
    # projects: count, page, participations with their organisations, weak points
    most = {"projects": 4, "milestones": 2}[resource]
    with django_assert_max_num_queries(most):
        with_10, rows_10 = _queries(client, url)

    _projects_for(user, world, partner, 90)
    if role == "project_manager":
        for project in Project.objects.filter(programme=world.livorno_draft):
            assign_perm("programme.change_project", user, project)
    if role == "anonymous":
        Project.objects.filter(programme=world.livorno_draft).update(status=S.IN_PROGRESS)
    with django_assert_max_num_queries(most):
        with_100, rows_100 = _queries(client, url)

    assert rows_100 - rows_10 == (90 if resource == "projects" else 180)
    assert with_10 == with_100
