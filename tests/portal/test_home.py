"""The home page tells a logged-in user where their work starts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programme.services import project_assign_manager
from tests.factories import AdminFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def your_work(client, user) -> str:
    client.force_login(user)
    content = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return content.split('id="your-work-title"')[1].split("</section>")[0]


def test_a_manager_finds_the_dashboards_of_their_programmes(client, manager, programme):
    section = your_work(client, manager)

    assert reverse("portal:dashboard", args=[programme.slug]) in section


def test_a_project_manager_finds_their_projects_and_the_next_milestone(
    client, project_manager, project
):
    today = timezone.localdate()
    MilestoneFactory(project=project, title="Kick-off", due_on=today - timedelta(days=3))
    MilestoneFactory(project=project, title="Go-live", due_on=today + timedelta(days=30))

    section = your_work(client, project_manager)

    assert reverse("portal:project", args=[project.pk]) in section
    assert "Next milestone: Kick-off" in section
    assert "late" in section
    assert "Go-live" not in section


def test_a_partner_finds_the_projects_of_their_organisation_only(
    client, partner_rep, project, programme
):
    other = ProjectFactory(programme=programme, title="Not theirs")

    section = your_work(client, partner_rep)

    assert project.title in section
    assert other.title not in section


def test_someone_with_nothing_assigned_is_told_so(client, citizen):
    section = your_work(client, citizen)

    assert "Nothing is assigned to you yet" in section


def test_visitors_see_no_work_section(client):
    content = client.get(reverse("portal:home")).content.decode()

    assert 'id="your-work-title"' not in content


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("portal:home"))
    return len(queries)


def test_the_home_page_costs_the_same_queries_for_few_or_many_projects(
    client, project_manager, project, programme
):
    client.force_login(project_manager)
    MilestoneFactory(project=project)
    few = count_queries(client)
    for n in range(9):
        more = ProjectFactory(programme=programme, title=f"Project {n}")
        project_assign_manager(project=more, manager=project_manager, actor=AdminFactory())
        MilestoneFactory(project=more)

    assert count_queries(client) == few


def test_an_administrator_manages_no_project_of_their_own(client, admin_user, project, english):
    client.force_login(admin_user)

    content = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Projects you manage" not in content
    assert "Project manager" not in content.split("</header>")[0]
