"""The project overview: everything about one project that its reader may see, in one page."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.project_overview import project_overview as build_overview
from programme.models import Project
from programme.selectors import projects_visible_to


@require_safe
def project_overview(request, pk: int):
    """For whoever may read the project (others: 404). Visitors without an account go to the
    public page of a public project, and to the login page otherwise."""
    if not request.user.is_authenticated:
        if Project.objects.public().filter(pk=pk).exists():
            return redirect("portal:public-project", pk=pk)
        return redirect_to_login(request.get_full_path())

    project = get_object_or_404(
        projects_visible_to(request.user)
        .with_progress()
        .select_related("programme", "thematic_area", "lead_organisation", "manager"),
        pk=pk,
    )
    overview = build_overview(request.user, project)
    crumbs = [(_("Projects"), reverse("programme:project-list")), (project.title, "")]
    return render(
        request,
        "portal/project.html",
        {"project": project, "overview": overview, "crumbs": crumbs},
    )
