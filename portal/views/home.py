from django.shortcuts import render
from django.views.decorators.http import require_safe

from partners.selectors import current_memberships
from programme.models import Milestone, Programme, Project
from programme.selectors import assigned_programmes, managed_projects


def _your_work(user) -> dict:
    """Where a logged-in user's work starts: their programmes, the projects they manage, the
    projects their organisation takes part in (a few of each, with links)."""
    if not user.is_authenticated:
        return {}
    programmes = (
        Programme.objects.all() if user.is_superuser else assigned_programmes(user)
    ).order_by("name")
    managed = (
        managed_projects(user)
        .select_related("programme")
        .with_progress()
        .order_by("programme__name", "title")
    )
    # Latest due first, so that each project keeps its earliest open milestone.
    next_due = {
        milestone.project_id: milestone
        for milestone in Milestone.objects.filter(
            project__in=managed.values("pk"), completed_on__isnull=True
        )
        .order_by("project_id", "-due_on")
        .only("project_id", "title", "due_on", "completed_on")
    }
    organisation_projects = (
        Project.objects.filter(
            participations__organisation__in=current_memberships(user).values("organisation_id")
        )
        .exclude(pk__in=managed.values("pk"))
        .select_related("programme")
        .distinct()
        .order_by("programme__name", "title")
    )
    managed = list(managed[:10])
    for project in managed:
        project.next_milestone = next_due.get(project.pk)
    return {
        "your_programmes": list(programmes[:10]),
        "your_projects": managed,
        "organisation_projects": list(organisation_projects[:10]),
    }


@require_safe
def home(request):
    """What Regia is, the published programmes anyone may read, and where one's work starts."""
    programmes = (
        Programme.objects.filter(status=Programme.Status.PUBLISHED)
        .select_related("owner")
        .order_by("name")
    )
    public_projects = Project.objects.public().count()
    return render(
        request,
        "portal/home.html",
        {
            "programmes": programmes,
            "public_projects": public_projects,
            **_your_work(request.user),
        },
    )
