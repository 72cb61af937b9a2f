"""The create and edit pages: who may use them, what they save, and what they refuse.

Each page saves through its service (an audit row follows), shows a refused input on its
field with nothing saved, answers 403 with the reason to a role that may not act, 404 for an
object outside the reader's scope, and sends visitors to the login page.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEntry
from partners.models import Membership
from programme.models import (
    Indicator,
    Milestone,
    Plan,
    PlanAction,
    PlanPhase,
    Programme,
    ProgrammeAssignment,
    Project,
    Risk,
    StatusChange,
)
from programme.services import project_assign_manager
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)
from tests.factories.programme import (
    ChallengeFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    PlanActionFactory,
    PlanFactory,
    PlanPhaseFactory,
    RiskFactory,
    ThematicAreaFactory,
)

pytestmark = pytest.mark.django_db


def post(client, url, data, language="en"):
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)


def get(client, url, language="en"):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


def audited(verb: str, target) -> bool:
    return AuditEntry.objects.filter(verb=verb, target_id=str(target.pk)).exists()


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def other_project(db):
    """A proposal in another municipality's draft programme: outside the Livorno people's scope."""
    prato = ProgrammeFactory(
        name="Prato Smart City",
        slug="prato-smart-city",
        owner=MunicipalityFactory(name="Comune di Prato", tax_code="84006890481"),
        status=Programme.Status.DRAFT,
    )
    return ProjectFactory(programme=prato, title="Situation Room")


@pytest.fixture
def staff_pm(project_manager, programme):
    """pm.livorno on the municipality's staff, so they can be chosen as a manager or owner."""
    MembershipFactory(
        user=project_manager, organisation=programme.owner, role=Membership.Role.STAFF
    )
    return project_manager


def project_data(project, **changes) -> dict:
    """The project's edit form as the page fills it, with ``changes``."""
    data = {
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "thematic_area": project.thematic_area_id or "",
        "challenges": [c.pk for c in project.challenges.all()],
        "cup": project.cup,
        "rup": project.rup,
        "total_cost": str(project.total_cost),
        "manager": project.manager_id or "",
        "planned_start": project.planned_start and project.planned_start.isoformat(),
        "planned_end": project.planned_end and project.planned_end.isoformat(),
        "actual_start": "",
        "actual_end": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# -- who may: anonymous visitors, refused roles, objects outside the scope ----------------


def _pages(programme, project, plan, phase, action, milestone, indicator, risk):
    return [
        reverse("programme:programme-create"),
        reverse("programme:programme-edit", args=[programme.slug]),
        reverse("programme:plan-create", args=[programme.slug]),
        reverse("programme:plan-edit", args=[plan.pk]),
        reverse("programme:plan-phase-create", args=[plan.pk]),
        reverse("programme:plan-phase-edit", args=[phase.pk]),
        reverse("programme:plan-action-create", args=[phase.pk]),
        reverse("programme:plan-action-edit", args=[action.pk]),
        reverse("programme:project-create"),
        reverse("programme:project-edit", args=[project.pk]),
        reverse("programme:milestone-create", args=[project.pk]),
        reverse("programme:milestone-edit", args=[milestone.pk]),
        reverse("programme:indicator-create", args=[project.pk]),
        reverse("programme:indicator-edit", args=[indicator.pk]),
        reverse("programme:measurement-create", args=[indicator.pk]),
        reverse("programme:risk-create", args=[project.pk]),
        reverse("programme:risk-edit", args=[risk.pk]),
    ]


@pytest.fixture
def everything(programme, project):
    plan = PlanFactory(programme=programme, status=Plan.Status.PUBLISHED)
    phase = PlanPhaseFactory(plan=plan)
    return {
        "programme": programme,
        "project": project,
        "plan": plan,
        "phase": phase,
        "action": PlanActionFactory(phase=phase),
        "milestone": MilestoneFactory(project=project),
        "indicator": IndicatorFactory(project=project),
        "risk": RiskFactory(project=project),
    }


def test_anonymous_visitors_are_sent_to_the_login_page(client, everything):
    for url in _pages(**everything):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_every_page_opens_for_the_programme_manager(as_user, manager, everything):
    client = as_user(manager)
    for url in _pages(**everything):
        response = get(client, url)
        assert response.status_code == 200, url
        assert b'type="submit"' in response.content


@pytest.mark.parametrize("role", ["council_member", "partner_rep", "citizen"])
def test_readers_who_may_not_change_get_403_with_the_reason(request, as_user, role, everything):
    # Published programme and plan, a project that is not yet public: what a role reads
    # answers 403 with the reason; what it may not even read answers 404.
    everything["project"].status = Project.Status.APPROVED
    everything["project"].save()
    client = as_user(request.getfixturevalue(role))
    for url in _pages(**everything):
        response = get(client, url)
        assert response.status_code in (403, 404), url
        if response.status_code == 403:
            assert b"Only" in response.content, url


def test_refused_post_changes_nothing(as_user, council_member, project):
    client = as_user(council_member)
    url = reverse("programme:project-edit", args=[project.pk])
    response = post(client, url, project_data(project, title="Hijacked"))
    assert response.status_code == 403
    assert b"Only the project&#x27;s manager and the programme&#x27;s managers" in response.content
    project.refresh_from_db()
    assert project.title == "Open City platform"
    assert not AuditEntry.objects.filter(verb="project.updated").exists()


def test_partner_cannot_edit_a_project_it_takes_part_in(as_user, partner_rep, project):
    client = as_user(partner_rep)
    url = reverse("programme:project-edit", args=[project.pk])
    assert get(client, url).status_code == 403
    assert post(client, url, project_data(project, title="Changed")).status_code == 403
    project.refresh_from_db()
    assert project.title == "Open City platform"


def test_another_municipalitys_objects_answer_404(as_user, manager, other_project):
    client = as_user(manager)
    prato = other_project.programme
    milestone = MilestoneFactory(project=other_project)
    risk = RiskFactory(project=other_project)
    indicator = IndicatorFactory(project=other_project)
    plan = PlanFactory(programme=prato)
    for url in [
        reverse("programme:programme-edit", args=[prato.slug]),
        reverse("programme:plan-create", args=[prato.slug]),
        reverse("programme:plan-edit", args=[plan.pk]),
        reverse("programme:project-edit", args=[other_project.pk]),
        reverse("programme:milestone-create", args=[other_project.pk]),
        reverse("programme:milestone-edit", args=[milestone.pk]),
        reverse("programme:indicator-edit", args=[indicator.pk]),
        reverse("programme:measurement-create", args=[indicator.pk]),
        reverse("programme:risk-edit", args=[risk.pk]),
        reverse("programme:project-create") + "?programme=prato-smart-city",
    ]:
        assert get(client, url).status_code == 404, url
    response = post(
        client,
        reverse("programme:milestone-edit", args=[milestone.pk]),
        {"title": "Taken over", "due_on": "2020-01-01", "weight": 1},
    )
    assert response.status_code == 404
    milestone.refresh_from_db()
    assert milestone.title != "Taken over"


# -- programmes ------------------------------------------------------------------------------


def test_manager_creates_a_programme_and_manages_it(as_user, manager, municipality):
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:programme-create"),
        {
            "name": "Livorno Porto Digitale",
            "slug": "livorno-porto-digitale",
            "owner": municipality.pk,
            "summary": "",
            "description": "",
            "starts_on": "2024-01-01",
            "ends_on": "2026-12-31",
        },
    )
    programme = Programme.objects.get(slug="livorno-porto-digitale")
    assert response.status_code == 302
    assert programme.status == Programme.Status.DRAFT
    assert programme.starts_on == datetime.date(2024, 1, 1)
    assert ProgrammeAssignment.objects.filter(
        user=manager, programme=programme, role=ProgrammeAssignment.Role.PROGRAMME_MANAGER
    ).exists()
    assert audited("programme.created", programme)
    follow = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "“Livorno Porto Digitale” has been created." in follow.content.decode()


def test_programme_ending_before_it_starts_is_refused_on_its_field(as_user, manager, municipality):
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:programme-create"),
        {
            "name": "Backwards",
            "slug": "backwards",
            "owner": municipality.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == [
        "A programme cannot end before it starts."
    ]
    assert "Nothing has been saved." in response.content.decode()
    assert not Programme.objects.filter(slug="backwards").exists()


def test_project_manager_cannot_create_a_programme(as_user, staff_pm, municipality):
    client = as_user(staff_pm)
    data = {"name": "Mine", "slug": "mine", "owner": municipality.pk}
    assert get(client, reverse("programme:programme-create")).status_code == 403
    response = post(client, reverse("programme:programme-create"), data)
    assert response.status_code == 403
    assert b"Only programme managers create programmes." in response.content
    assert not Programme.objects.filter(slug="mine").exists()


def test_manager_edits_the_programme(as_user, manager, programme):
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:programme-edit", args=[programme.slug]),
        {
            "name": "Innovare Livorno 2030",
            "slug": programme.slug,
            "summary": "Tutto il territorio",
            "description": "",
            "starts_on": "2013-01-01",
            "ends_on": "",
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Innovare Livorno 2030"
    entry = AuditEntry.objects.get(verb="programme.updated")
    assert entry.data["after"]["name"] == "Innovare Livorno 2030"
    # Only what changed is written down.
    assert set(entry.data["after"]) == {"name", "summary"}


def test_programme_slug_already_taken_is_refused(as_user, manager, programme):
    programme.status = Programme.Status.DRAFT
    programme.save()
    ProgrammeFactory(slug="taken")
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:programme-edit", args=[programme.slug]),
        {"name": programme.name, "slug": "taken", "starts_on": "2013-01-01"},
    )
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    programme.refresh_from_db()
    assert programme.slug == "innovare-livorno"


def test_a_published_programme_keeps_its_address(as_user, manager, programme):
    assert programme.status == Programme.Status.PUBLISHED
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:programme-edit", args=[programme.slug]),
        {"name": "Innovare Livorno 2030", "slug": "moved-away", "starts_on": "2013-01-01"},
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Innovare Livorno 2030"
    assert programme.slug == "innovare-livorno"


def test_publishing_a_draft_programme(as_user, manager, programme):
    programme.status = Programme.Status.DRAFT
    programme.save()
    client = as_user(manager)
    url = reverse("programme:programme-publish", args=[programme.slug])
    assert client.get(url).status_code == 405
    response = post(client, url, {})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == Programme.Status.PUBLISHED
    assert audited("programme.published", programme)
    # A second time the service refuses, and says so.
    response = client.post(url, {}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "The programme is already published." in response.content.decode()


def test_council_member_cannot_publish(as_user, council_member, programme):
    programme.status = Programme.Status.DRAFT
    programme.save()
    client = as_user(council_member)
    url = reverse("programme:programme-publish", args=[programme.slug])
    assert post(client, url, {}).status_code == 403
    programme.refresh_from_db()
    assert programme.status == Programme.Status.DRAFT


# -- plans, phases and actions --------------------------------------------------------------


def test_manager_drafts_a_plan(as_user, manager, programme):
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:plan-create", args=[programme.slug]),
        {"title": "Piano triennale", "start_year": 2024, "end_year": 2026, "dup_period": ""},
    )
    plan = Plan.objects.get(title="Piano triennale")
    assert response.status_code == 302
    assert response["Location"] == reverse("programme:plan-edit", args=[plan.pk])
    assert plan.status == Plan.Status.DRAFT
    assert plan.programme == programme
    assert audited("plan.created", plan)


def test_plan_ending_before_it_starts_is_refused(as_user, manager, programme):
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:plan-create", args=[programme.slug]),
        {"title": "Backwards", "start_year": 2026, "end_year": 2024},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["end_year"] == [
        "A plan's last year cannot come before its first."
    ]
    assert not Plan.objects.filter(title="Backwards").exists()


def test_plan_years_must_still_hold_its_actions(as_user, manager, programme):
    plan = PlanFactory(programme=programme, start_year=2019, end_year=2021)
    PlanActionFactory(phase=PlanPhaseFactory(plan=plan), year=2021)
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:plan-edit", args=[plan.pk]),
        {"title": plan.title, "start_year": 2019, "end_year": 2020, "dup_period": ""},
    )
    assert response.status_code == 200
    assert "Some of the plan&#x27;s actions fall outside these years" in response.content.decode()
    plan.refresh_from_db()
    assert plan.end_year == 2021
    assert not AuditEntry.objects.filter(verb="plan.updated").exists()


def test_plan_without_phases_cannot_be_published(as_user, manager, programme):
    plan = PlanFactory(programme=programme)
    client = as_user(manager)
    url = reverse("programme:plan-publish", args=[plan.pk])
    response = client.post(url, {}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "A plan needs at least one phase to be published." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT

    response = post(
        client,
        reverse("programme:plan-phase-create", args=[plan.pk]),
        {"name": "Analisi del territorio", "description": "", "position": 1},
    )
    assert response.status_code == 302
    phase = PlanPhase.objects.get(plan=plan)
    assert audited("plan_phase.created", phase)
    assert post(client, url, {}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED


def test_phase_names_are_unique_within_a_plan(as_user, manager, programme):
    plan = PlanFactory(programme=programme)
    PlanPhaseFactory(plan=plan, name="Visione condivisa")
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:plan-phase-create", args=[plan.pk]),
        {"name": "Visione condivisa", "position": 2},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert plan.phases.count() == 1


def test_plan_action_in_a_year_of_the_plan_with_its_projects(as_user, manager, programme, project):
    plan = PlanFactory(programme=programme, start_year=2019, end_year=2021)
    phase = PlanPhaseFactory(plan=plan)
    area = ThematicAreaFactory(programme=programme)
    client = as_user(manager)
    url = reverse("programme:plan-action-create", args=[phase.pk])

    response = post(client, url, {"year": 2023, "title": "Too late"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == [
        "The year must fall within the plan (2019–2021)."
    ]
    assert not PlanAction.objects.exists()

    response = post(
        client,
        url,
        {
            "year": 2020,
            "title": "Sala operativa",
            "thematic_area": area.pk,
            "projects": [project.pk],
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get()
    assert list(action.projects.all()) == [project]
    assert audited("plan_action.created", action)

    response = post(
        client,
        reverse("programme:plan-action-edit", args=[action.pk]),
        {"year": 2021, "title": "Sala operativa", "thematic_area": area.pk, "projects": []},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.year == 2021
    assert not action.projects.exists()


def test_plan_action_offers_only_the_programmes_areas(as_user, manager, programme):
    phase = PlanPhaseFactory(plan=PlanFactory(programme=programme))
    elsewhere = ThematicAreaFactory()
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:plan-action-create", args=[phase.pk]),
        {"year": 2019, "title": "Mixed", "thematic_area": elsewhere.pk},
    )
    assert response.status_code == 200
    assert "thematic_area" in response.context["form"].errors
    assert not PlanAction.objects.exists()


# -- projects -----------------------------------------------------------------------------


def test_manager_proposes_a_project_with_italian_money(as_user, manager, programme, staff_pm):
    area = ThematicAreaFactory(programme=programme)
    weak_point = ChallengeFactory(programme=programme)
    client = as_user(manager)
    url = reverse("programme:project-create") + f"?programme={programme.slug}"
    page = get(client, url, language="it")
    assert page.status_code == 200
    assert str(staff_pm.get_full_name() or staff_pm.username) in page.content.decode()
    response = post(
        client,
        url,
        {
            "programme": programme.pk,
            "title": "Smart parking",
            "thematic_area": area.pk,
            "challenges": [weak_point.pk],
            "cup": "j41h24000010007",
            "rup": "Ing. Rossi",
            "total_cost": "1.234.567,89",
            "lead_organisation": programme.owner.pk,
            "manager": staff_pm.pk,
            "planned_start": "2024-03-01",
            "planned_end": "2025-12-31",
        },
        language="it",
    )
    project = Project.objects.get(title="Smart parking")
    assert response.status_code == 302
    assert project.total_cost == Decimal("1234567.89")
    assert project.cup == "J41H24000010007"
    assert project.status == Project.Status.PROPOSED
    assert project.manager == staff_pm
    assert list(project.challenges.all()) == [weak_point]
    assert staff_pm.has_perm("programme.change_project", project)
    assert audited("project.created", project)
    assert StatusChange.objects.filter(object_id=project.pk, to_status="proposed").exists()


def test_project_input_errors_show_on_their_fields_and_save_nothing(as_user, manager, programme):
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:project-create"),
        {
            "programme": programme.pk,
            "title": "Broken",
            "cup": "XYZ",
            "total_cost": "-5",
            "lead_organisation": programme.owner.pk,
            "planned_start": "2025-01-01",
            "planned_end": "2024-01-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["cup"] == [
        "A CUP has 15 characters: a letter, two digits, a letter and eleven digits."
    ]
    assert errors["total_cost"] == ["A project's total cost cannot be negative."]
    assert errors["planned_end"] == ["A project cannot be planned to end before it starts."]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'id="id_cup_error"' in html
    assert not Project.objects.filter(title="Broken").exists()
    assert not AuditEntry.objects.filter(verb="project.created").exists()


def test_cup_of_another_project_is_refused(as_user, manager, programme, project):
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:project-create"),
        {
            "programme": programme.pk,
            "title": "Same CUP",
            "cup": project.cup,
            "total_cost": "10",
            "lead_organisation": programme.owner.pk,
        },
    )
    assert response.status_code == 200
    assert "Another project already has this CUP." in response.content.decode()
    assert not Project.objects.filter(title="Same CUP").exists()


def test_weak_point_of_another_programme_is_refused(as_user, manager, programme):
    elsewhere = ChallengeFactory()
    client = as_user(manager)
    response = post(
        client,
        reverse("programme:project-create"),
        {
            "programme": programme.pk,
            "title": "Elsewhere",
            "challenges": [elsewhere.pk],
            "total_cost": "10",
            "lead_organisation": programme.owner.pk,
        },
    )
    assert response.status_code == 200
    assert "challenges" in response.context["form"].errors
    assert not Project.objects.filter(title="Elsewhere").exists()


@pytest.mark.parametrize("role", ["project_manager", "council_member", "partner_rep"])
def test_only_programme_managers_propose_projects(request, as_user, role, programme):
    client = as_user(request.getfixturevalue(role))
    before = Project.objects.count()
    assert get(client, reverse("programme:project-create")).status_code == 403
    response = post(
        client,
        reverse("programme:project-create"),
        {
            "programme": programme.pk,
            "title": "Not mine to propose",
            "total_cost": "10",
            "lead_organisation": programme.owner.pk,
        },
    )
    assert response.status_code == 403
    assert b"Only the programme&#x27;s managers propose projects in it." in response.content
    assert Project.objects.count() == before


def test_project_manager_edits_their_project_but_not_its_manager(as_user, staff_pm, project):
    client = as_user(staff_pm)
    url = reverse("programme:project-edit", args=[project.pk])
    assert "manager" not in get(client, url).context["form"].fields
    response = post(
        client,
        url,
        project_data(project, title="Open City platform 2.0", total_cost="300.000,50"),
        language="it",
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Open City platform 2.0"
    assert project.total_cost == Decimal("300000.50")
    assert project.manager == staff_pm
    entry = AuditEntry.objects.get(verb="project.updated")
    assert set(entry.data["after"]) == {"title", "total_cost"}


def test_manager_chooses_the_project_manager(as_user, manager, staff_pm, project):
    client = as_user(manager)
    project.refresh_from_db()
    url = reverse("programme:project-edit", args=[project.pk])
    response = post(client, url, project_data(project, manager=""))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.manager is None
    assert audited("project.manager_assigned", project)
    assert not staff_pm.has_perm("programme.change_project", project)


def test_project_edit_refusals_save_nothing(as_user, manager, project):
    client = as_user(manager)
    url = reverse("programme:project-edit", args=[project.pk])
    response = post(
        client,
        url,
        project_data(project, total_cost="-1", actual_start="2020-02-01", actual_end="2020-01-01"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "total_cost" in errors
    assert errors["actual_end"] == ["A project cannot have ended before it started."]
    project.refresh_from_db()
    assert project.total_cost == Decimal("250000.00")
    assert project.actual_start is None


def test_approved_project_cannot_lose_its_cup(as_user, manager, project):
    project.status = Project.Status.APPROVED
    project.save()
    client = as_user(manager)
    response = post(
        client, reverse("programme:project-edit", args=[project.pk]), project_data(project, cup="")
    )
    assert response.status_code == 200
    assert "A project needs its CUP from approval on." in response.content.decode()
    project.refresh_from_db()
    assert project.cup


# -- milestones, indicators, measurements, risks ----------------------------------------------


def test_project_manager_plans_a_milestone(as_user, project_manager, project):
    client = as_user(project_manager)
    url = reverse("programme:milestone-create", args=[project.pk])
    response = post(client, url, {"title": "Go-live", "due_on": "2021-06-30", "weight": 3})
    milestone = Milestone.objects.get(title="Go-live")
    assert response.status_code == 302
    assert milestone.weight == 3
    assert milestone.due_on == datetime.date(2021, 6, 30)
    assert audited("milestone.created", milestone)

    response = post(client, url, {"title": "Weightless", "due_on": "2021-06-30", "weight": 0})
    assert response.status_code == 200
    assert response.context["form"].errors["weight"] == ["A milestone's weight must be at least 1."]
    assert not Milestone.objects.filter(title="Weightless").exists()


def test_milestone_edit(as_user, project_manager, partner_rep, project):
    milestone = MilestoneFactory(project=project, title="Collaudo")
    url = reverse("programme:milestone-edit", args=[milestone.pk])
    data = {"title": "Collaudo finale", "due_on": "2021-09-30", "weight": 2}
    project.status = Project.Status.APPROVED
    project.save()
    assert post(as_user(partner_rep), url, data).status_code == 403
    milestone.refresh_from_db()
    assert milestone.title == "Collaudo"

    response = post(as_user(project_manager), url, data)
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.title == "Collaudo finale"
    assert audited("milestone.updated", milestone)


def test_indicator_accepts_italian_decimals(as_user, project_manager, project):
    client = as_user(project_manager)
    response = post(
        client,
        reverse("programme:indicator-create", args=[project.pk]),
        {
            "name": "Dataset aperti",
            "unit": "dataset",
            "baseline": "1.234,5",
            "target": "2.000",
            "target_on": "2021-12-31",
        },
        language="it",
    )
    indicator = Indicator.objects.get(name="Dataset aperti")
    assert response.status_code == 302
    assert indicator.baseline == Decimal("1234.5")
    assert indicator.target == Decimal("2000")
    assert audited("indicator.created", indicator)

    response = post(
        client,
        reverse("programme:indicator-edit", args=[indicator.pk]),
        {"name": "Dataset aperti", "unit": "dataset", "baseline": "abc", "target": "2000"},
        language="it",
    )
    assert response.status_code == 200
    assert "baseline" in response.context["form"].errors
    indicator.refresh_from_db()
    assert indicator.baseline == Decimal("1234.5")


def test_a_measurement_a_day(as_user, project_manager, project):
    indicator = IndicatorFactory(project=project, unit="dataset")
    MeasurementFactory(indicator=indicator, measured_on=datetime.date(2020, 12, 31))
    client = as_user(project_manager)
    url = reverse("programme:measurement-create", args=[indicator.pk])

    response = post(client, url, {"measured_on": "2020-12-31", "value": "15"})
    assert response.status_code == 200
    assert response.context["form"].errors["measured_on"] == [
        "This indicator already has a measurement on that day."
    ]
    assert indicator.measurements.count() == 1

    response = post(client, url, {"measured_on": "2021-06-30", "value": "17,5"}, language="it")
    assert response.status_code == 302
    measurement = indicator.measurements.get(measured_on=datetime.date(2021, 6, 30))
    assert measurement.value == Decimal("17.5")
    assert audited("measurement.recorded", measurement)


def test_project_manager_records_a_risk_owned_by_a_colleague(as_user, staff_pm, project):
    client = as_user(staff_pm)
    url = reverse("programme:risk-create", args=[project.pk])
    outsider = UserFactory(username="outsider")
    response = post(
        client,
        url,
        {
            "title": "Ritardo fornitore",
            "likelihood": 4,
            "impact": 3,
            "owner": outsider.pk,
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not Risk.objects.exists()

    response = post(
        client,
        url,
        {
            "title": "Ritardo fornitore",
            "likelihood": 4,
            "impact": 3,
            "owner": staff_pm.pk,
            "status": "open",
        },
    )
    risk = Risk.objects.get()
    assert response.status_code == 302
    assert risk.owner == staff_pm
    assert audited("risk.created", risk)


def test_risk_edit_by_role(as_user, manager, council_member, partner_rep, project):
    risk = RiskFactory(project=project, title="Ritardo")
    url = reverse("programme:risk-edit", args=[risk.pk])
    data = {"title": "Ritardo", "likelihood": 2, "impact": 2, "status": "mitigated"}
    assert post(as_user(partner_rep), url, data).status_code == 404  # risks are never public
    assert post(as_user(council_member), url, data).status_code == 403
    risk.refresh_from_db()
    assert risk.status == Risk.Status.OPEN

    assert post(as_user(manager), url, data).status_code == 302
    risk.refresh_from_db()
    assert risk.status == Risk.Status.MITIGATED
    assert audited("risk.updated", risk)


def test_form_page_offers_cancel_and_labels_every_control(as_user, manager, project):
    client = as_user(manager)
    response = get(client, reverse("programme:risk-create", args=[project.pk]))
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Cancel" in html
    for name in ["title", "likelihood", "impact", "owner", "status"]:
        assert f'for="id_{name}"' in html


def test_plan_edit_page_leads_to_its_phases_and_actions(as_user, manager, programme):
    plan = PlanFactory(programme=programme)
    phase = PlanPhaseFactory(plan=plan, name="Analisi del territorio")
    action = PlanActionFactory(phase=phase, title="Mappa dei sensori")
    html = get(as_user(manager), reverse("programme:plan-edit", args=[plan.pk])).content.decode()
    assert reverse("programme:plan-phase-create", args=[plan.pk]) in html
    assert reverse("programme:plan-phase-edit", args=[phase.pk]) in html
    assert reverse("programme:plan-action-create", args=[phase.pk]) in html
    assert reverse("programme:plan-action-edit", args=[action.pk]) in html
    assert reverse("programme:plan-publish", args=[plan.pk]) in html


def test_programme_edit_page_offers_publishing_only_for_a_draft(as_user, manager, programme):
    client = as_user(manager)
    url = reverse("programme:programme-edit", args=[programme.slug])
    publish = reverse("programme:programme-publish", args=[programme.slug])
    assert publish not in get(client, url).content.decode()
    programme.status = Programme.Status.DRAFT
    programme.save()
    assert publish in get(client, url).content.decode()


def test_administrator_opens_a_programme_for_any_organisation(as_user, admin_user, partner):
    client = as_user(admin_user)
    response = post(
        client,
        reverse("programme:programme-create"),
        {"name": "Gida Smart Water", "slug": "gida-smart-water", "owner": partner.pk},
    )
    assert response.status_code == 302
    programme = Programme.objects.get(slug="gida-smart-water")
    assert programme.owner == partner
    # The administrator does not become its manager: someone of the organisation will.
    assert not programme.assignments.exists()


def test_editing_a_risk_keeps_an_owner_who_has_since_left(as_user, manager, project, staff_pm):
    risk = RiskFactory(project=project, title="Ritardo", owner=staff_pm)
    staff_pm.memberships.update(ended_on=datetime.date(2026, 1, 31))
    project_assign_manager(project=project, manager=None, actor=manager)

    response = post(
        as_user(manager),
        reverse("programme:risk-edit", args=[risk.pk]),
        {
            "title": "Ritardo nella fornitura",
            "likelihood": 2,
            "impact": 2,
            "owner": staff_pm.pk,
            "status": "open",
        },
    )

    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.title == "Ritardo nella fornitura"
    assert risk.owner == staff_pm
