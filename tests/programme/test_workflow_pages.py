"""The workflow pages: a project's step with its act, and milestones marked done or reopened."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from programme.models import AuthorisingAct, Project, StatusChange
from tests.factories import MilestoneFactory, ProgrammeFactory, ProjectFactory

pytestmark = pytest.mark.django_db

S = Project.Status
TODAY = timezone.localdate()
HTMX = {"HTTP_HX_REQUEST": "true"}


def transition_url(project) -> str:
    return reverse("programme:project-transition", args=[project.pk])


def overview_url(project) -> str:
    return reverse("portal:project", args=[project.pk])


def text(response) -> str:
    return response.content.decode()


def post_step(client, user, project, **data):
    client.force_login(user)
    return client.post(transition_url(project), data, HTTP_ACCEPT_LANGUAGE="en")


def act(**overrides) -> dict:
    return {
        "act_kind": AuthorisingAct.GIUNTA,
        "act_number": "45/2019",
        "act_date": "2019-03-14",
        **overrides,
    }


@pytest.fixture
def assessed(project):
    """The project, under assessment: the step before approval."""
    Project.objects.filter(pk=project.pk).update(status=S.UNDER_ASSESSMENT)
    project.refresh_from_db()
    return project


def assert_unchanged(project, status: str, changes: int = 0) -> None:
    project.refresh_from_db()
    assert project.status == status
    assert StatusChange.objects.filter(object_id=project.pk).count() == changes


# The form


def test_manager_gets_the_form_for_the_chosen_step(client, manager, assessed):
    client.force_login(manager)

    response = client.get(f"{transition_url(assessed)}?to=approved", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "<h1" in text(response)
    assert "Move to “Approved”" in text(response)
    assert 'name="act_number"' in text(response)
    assert 'name="act_date"' in text(response)
    assert '<option value="approved" selected>' in text(response)


def test_htmx_gets_the_form_alone(client, manager, assessed):
    client.force_login(manager)

    response = client.get(f"{transition_url(assessed)}?to=approved", **HTMX)

    assert response.status_code == 200
    assert "<html" not in text(response)
    assert 'id="transition-form"' in text(response)


# Success


def test_manager_approves_with_the_act_and_the_history_shows_it(client, manager, assessed):
    response = post_step(client, manager, assessed, to=S.APPROVED, note="Via libera", **act())

    assert response.status_code == 302
    assert response.headers["Location"] == overview_url(assessed) + "#workflow"
    assessed.refresh_from_db()
    assert assessed.status == S.APPROVED
    change = StatusChange.objects.get(object_id=assessed.pk, to_status=S.APPROVED)
    assert change.actor == manager
    assert (change.act_kind, change.act_number) == (AuthorisingAct.GIUNTA, "45/2019")
    assert change.act_date == datetime.date(2019, 3, 14)
    assert AuditEntry.objects.filter(verb="project.transitioned").exists()

    page = client.get(response.headers["Location"], HTTP_ACCEPT_LANGUAGE="en")
    content = text(page)
    assert "is now “Approved”" in content  # the success message
    assert "Delibera di Giunta no. 45/2019" in content
    assert "Via libera" in content
    assert timezone.localtime(change.created_at).strftime("%Y") in content


def test_suspension_with_a_note_needs_no_act(client, manager, programme):
    project = ProjectFactory(programme=programme, status=S.IN_PROGRESS)

    response = post_step(client, manager, project, to=S.SUSPENDED, note="Supplier bankrupt")

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == S.SUSPENDED


# Refusals: the form again, nothing changed


def test_approval_without_act_is_refused_on_the_form(client, manager, assessed):
    response = post_step(client, manager, assessed, to=S.APPROVED)

    assert response.status_code == 200
    assert "needs its authorising act" in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert_unchanged(assessed, S.UNDER_ASSESSMENT)


def test_approval_without_cup_is_refused(client, manager, programme):
    project = ProjectFactory(programme=programme, cup="", status=S.UNDER_ASSESSMENT)

    response = post_step(client, manager, project, to=S.APPROVED, **act())

    assert response.status_code == 200
    assert "needs its CUP before it can be approved" in text(response)
    assert_unchanged(project, S.UNDER_ASSESSMENT)


def test_act_dated_in_the_future_is_refused(client, manager, assessed):
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()

    response = post_step(client, manager, assessed, to=S.APPROVED, **act(act_date=tomorrow))

    assert response.status_code == 200
    assert "cannot be dated in the future" in text(response)
    assert 'id="id_act_date_error"' in text(response)
    assert_unchanged(assessed, S.UNDER_ASSESSMENT)


def test_act_given_in_part_is_refused_field_by_field(client, manager, assessed):
    response = post_step(client, manager, assessed, to=S.APPROVED, **act(act_number=""))

    assert response.status_code == 200
    assert "Give the act&#x27;s number." in text(response)
    assert_unchanged(assessed, S.UNDER_ASSESSMENT)


def test_illegal_step_is_refused(client, manager, project):
    response = post_step(client, manager, project, to=S.COMPLETED)

    assert response.status_code == 200
    assert "cannot move to this status" in text(response)
    assert_unchanged(project, S.PROPOSED)


def test_suspension_without_note_is_refused(client, manager, programme):
    project = ProjectFactory(programme=programme, status=S.IN_PROGRESS)

    response = post_step(client, manager, project, to=S.SUSPENDED)

    assert response.status_code == 200
    assert "Say why the project is suspended." in text(response)
    project.refresh_from_db()
    assert project.status == S.IN_PROGRESS


# Refusals: who may not


@pytest.mark.parametrize("who", ["project_manager", "council_member", "partner_rep"])
def test_who_may_not_move_the_project_gets_403_with_the_reason(client, request, who, assessed):
    user = request.getfixturevalue(who)

    response = post_step(client, user, assessed, to=S.APPROVED, **act())

    assert response.status_code == 403
    assert "Only the programme&#x27;s managers move a project" in text(response)
    assert_unchanged(assessed, S.UNDER_ASSESSMENT)


def test_the_form_itself_is_refused_to_who_may_not_move(client, project_manager, assessed):
    client.force_login(project_manager)

    response = client.get(f"{transition_url(assessed)}?to=approved")

    assert response.status_code == 403


def test_project_out_of_sight_is_404(client, citizen, manager, assessed):
    other = ProjectFactory(programme=ProgrammeFactory(), status=S.UNDER_ASSESSMENT)

    assert post_step(client, citizen, assessed, to=S.APPROVED, **act()).status_code == 404
    assert post_step(client, manager, other, to=S.APPROVED, **act()).status_code == 404
    assert_unchanged(assessed, S.UNDER_ASSESSMENT)
    assert_unchanged(other, S.UNDER_ASSESSMENT)


def test_anonymous_is_sent_to_login(client, assessed):
    response = client.post(transition_url(assessed), {"to": S.APPROVED, **act()})

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))
    assert_unchanged(assessed, S.UNDER_ASSESSMENT)


# Milestones


@pytest.fixture
def milestone(project):
    # A five-digit id: element ids and URLs must never read it as "12.345".
    return MilestoneFactory(pk=12345, project=project, title="Data platform live", due_on=TODAY)


def complete_url(milestone) -> str:
    return reverse("programme:milestone-complete", args=[milestone.pk])


def test_project_manager_marks_a_milestone_done_without_javascript(
    client, project_manager, milestone
):
    client.force_login(project_manager)

    response = client.post(complete_url(milestone), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response.headers["Location"] == overview_url(milestone.project) + "#milestones"
    milestone.refresh_from_db()
    assert milestone.completed_on == TODAY
    page = client.get(response.headers["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "“Data platform live” is marked done." in text(page)


def test_project_manager_marks_a_milestone_done_with_htmx(client, project_manager, milestone):
    client.force_login(project_manager)

    response = client.post(complete_url(milestone), HTTP_ACCEPT_LANGUAGE="en", **HTMX)

    assert response.status_code == 200
    row = text(response)
    assert row.strip().startswith(f'<tr id="milestone-{milestone.pk}"')
    assert "<html" not in row
    assert "Done" in row
    assert reverse("programme:milestone-reopen", args=[milestone.pk]) in row
    assert 'role="status"' in row
    assert response.headers["HX-Trigger"] == "milestonesChanged"  # the timeline redraws
    milestone.refresh_from_db()
    assert milestone.completed_on == TODAY


def test_manager_reopens_a_milestone(client, manager, milestone):
    milestone.completed_on = TODAY
    milestone.save()
    client.force_login(manager)

    response = client.post(reverse("programme:milestone-reopen", args=[milestone.pk]), **HTMX)

    assert response.status_code == 200
    milestone.refresh_from_db()
    assert milestone.completed_on is None
    assert complete_url(milestone) in text(response)


def test_a_milestone_already_done_says_so(client, project_manager, milestone):
    done_on = TODAY - datetime.timedelta(days=3)
    milestone.completed_on = done_on
    milestone.save()
    client.force_login(project_manager)

    response = client.post(complete_url(milestone), HTTP_ACCEPT_LANGUAGE="en", **HTMX)

    assert "The milestone is already done." in text(response)
    assert 'role="alert"' in text(response)
    assert "HX-Trigger" not in response.headers
    milestone.refresh_from_db()
    assert milestone.completed_on == done_on


@pytest.mark.parametrize("who", ["partner_rep", "council_member"])
def test_who_may_not_change_the_project_cannot_mark_done(client, request, who, milestone):
    client.force_login(request.getfixturevalue(who))

    response = client.post(complete_url(milestone), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert "Only the project&#x27;s manager and the programme&#x27;s managers" in text(response)
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_milestone_out_of_sight_is_404(client, citizen, milestone):
    client.force_login(citizen)

    assert client.post(complete_url(milestone)).status_code == 404
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_marking_done_needs_a_post(client, project_manager, milestone):
    client.force_login(project_manager)

    assert client.get(complete_url(milestone)).status_code == 405
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_going_back_only_to_this_site(client, project_manager, milestone):
    client.force_login(project_manager)

    response = client.post(complete_url(milestone), {"next": "https://evil.example/"})

    assert response.headers["Location"] == overview_url(milestone.project) + "#milestones"


def test_a_closed_project_has_no_step_to_offer(client, manager, programme):
    project = ProjectFactory(programme=programme, status=S.COMPLETED)
    client.force_login(manager)

    response = client.get(transition_url(project), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "no further step is possible" in text(response)
    assert '<form method="post" action="/projects/' not in text(response)
