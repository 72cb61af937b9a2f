"""Programme dashboards for managers and council members, and the council area.

Who may read: the programme's managers and council members (every programme for an
administrator). A programme outside the reader's scope answers 404, like the API; an account
with no programme at all gets a 403 page that says why.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.charts import horizontal_bars
from portal.selectors import (
    UPCOMING_DAYS,
    dashboard_programmes,
    latest_decisions,
    latest_project_status_changes,
    programme_dashboard,
)


def _programmes_or_403(user) -> list:
    programmes = list(dashboard_programmes(user).select_related("owner").order_by("name"))
    if not programmes:
        raise PermissionDenied(
            _(
                "Dashboards are for the managers and council members of a programme, "
                "and your account is not assigned to any programme."
            )
        )
    return programmes


@require_safe
@login_required
def dashboard_index(request):
    """The programmes whose dashboard the reader may open; straight to it when only one."""
    programmes = _programmes_or_403(request.user)
    if len(programmes) == 1:
        return redirect("portal:dashboard", slug=programmes[0].slug)
    return render(
        request,
        "portal/dashboard_index.html",
        {"programmes": programmes, "crumbs": [(_("Dashboards"), "")]},
    )


@require_safe
@login_required
def dashboard(request, slug: str):
    """A programme at a glance: projects, progress, milestones, money, partners, risks."""
    programme = get_object_or_404(
        dashboard_programmes(request.user).select_related("owner"), slug=slug
    )
    board = programme_dashboard(programme, user=request.user, today=timezone.localdate())
    money_chart = horizontal_bars(
        [
            (_("Planned (allocations)"), board.money.planned, "regia-bar-planned"),
            (_("Committed by partners (firm)"), board.money.committed, "regia-bar-committed"),
            (_("Spent (payments)"), board.money.spent, "regia-bar-spent"),
        ]
    )
    return render(
        request,
        "portal/dashboard.html",
        {
            "board": board,
            "programme": programme,
            "money_chart": money_chart,
            "upcoming_days": UPCOMING_DAYS,
            "crumbs": [
                (_("Dashboards"), reverse("portal:dashboard-index")),
                (programme.name, ""),
            ],
        },
    )


@require_safe
@login_required
def council(request):
    """The council area: read-only dashboards, the latest status changes and decisions."""
    programmes = _programmes_or_403(request.user)
    scope = dashboard_programmes(request.user)
    return render(
        request,
        "portal/council.html",
        {
            "programmes": programmes,
            "status_changes": latest_project_status_changes(scope),
            "decisions": latest_decisions(scope),
            "crumbs": [(_("Council area"), "")],
        },
    )
