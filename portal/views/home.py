from django.shortcuts import render
from django.views.decorators.http import require_safe

from funding.models import Commitment, Disbursement
from funding.selectors import disbursements_awaiting_verification, fully_visible_commitments
from partners.models import Membership
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
        **_your_ledger_work(user),
    }


def _your_ledger_work(user) -> dict:
    """The co-financing that waits on the user: for a partner's representative, its pledges
    to confirm and its declarations awaiting the finance office; for a programme manager,
    the disbursements to verify."""
    represented = current_memberships(user).filter(role=Membership.Role.REPRESENTATIVE)
    own = fully_visible_commitments(user).filter(
        organisation__in=represented.values("organisation")
    )
    pledges = own.filter(status=Commitment.Status.PLEDGED).select_related(
        "organisation", "project", "plan_action"
    )
    declared = Disbursement.objects.filter(
        commitment__in=own.values("pk"), status=Disbursement.Status.DECLARED
    ).select_related("commitment__organisation", "commitment__project", "commitment__plan_action")
    to_verify = disbursements_awaiting_verification(user).exclude(declared_by=user)
    return {
        "pledges_to_confirm": list(pledges.order_by("year", "pk")[:10]),
        "declared_awaiting": list(declared.order_by("created_at", "pk")[:10]),
        "disbursements_to_verify": to_verify.count(),
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
