"""Workflow actions: moving a project a step along its workflow, marking milestones done.

Who may act is decided by the permission predicates (refused: 403 with the reason); what may
happen is decided by the services (refused: the form again with their messages, nothing
changed). Objects the user may not read answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.htmx import render_page_or_partial
from core.permissions import require
from programme import services
from programme.forms_workflow import ProjectTransitionForm
from programme.models import Project
from programme.permissions import can_change_project, can_move_project
from programme.selectors import milestones_visible_to, projects_visible_to

# The htmx event a page hears when a milestone changed (see portal/project/milestones.html).
MILESTONES_CHANGED = "milestonesChanged"

# Where a refusal of the transition service belongs on the form.
ERROR_FIELDS = {
    "transition": "to",
    "status": "to",
    "act_required": "act_kind",
    "note_required": "note",
}


def _project_url(project_id: int, anchor: str = "") -> str:
    return reverse("portal:project", args=[project_id]) + (f"#{anchor}" if anchor else "")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_transition(request, pk: int):
    """GET: the form for one step (``?to=approved``); POST: take it.

    Only the programme's managers move a project; approval and cancellation need the act.
    """
    project = get_object_or_404(
        projects_visible_to(request.user).select_related("programme"), pk=pk
    )
    require(can_move_project(request.user, project))

    if request.method == "POST":
        form = ProjectTransitionForm(request.POST, project=project)
        if form.is_valid():
            try:
                project = services.project_transition(
                    project=project,
                    to=form.cleaned_data["to"],
                    actor=request.user,
                    note=form.cleaned_data["note"],
                    act=form.cleaned_data["act"],
                )
            except ValidationError as error:
                form.add_service_error(error, ERROR_FIELDS)
            else:
                messages.success(
                    request,
                    _("The project “%(project)s” is now “%(status)s”.")
                    % {"project": project.title, "status": project.get_status_display()},
                )
                return redirect(_project_url(project.pk, "workflow"))
    else:
        form = ProjectTransitionForm(initial={"to": request.GET.get("to")}, project=project)

    target = form["to"].value()
    context = {
        "project": project,
        "form": form,
        "target": target,
        "target_label": Project.Status(target).label if target in Project.Status.values else "",
        "project_url": _project_url(project.pk),
        "crumbs": [
            (project.title, _project_url(project.pk)),
            (_("Change the status"), ""),
        ],
    }
    return render_page_or_partial(
        request, "programme/transition_form.html", "programme/_transition_form.html", context
    )


def _back(request, milestone) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return _project_url(milestone.project_id, "milestones")


def _milestone_step(request, pk: int, service, done: str):
    """Run a milestone service for who may change its project; with htmx, answer the
    milestone's table row (with the outcome, for screen readers), otherwise go back."""
    milestone = get_object_or_404(
        milestones_visible_to(request.user).select_related("project__programme"), pk=pk
    )
    require(can_change_project(request.user, milestone.project))
    error = ""
    try:
        milestone = service(milestone=milestone, actor=request.user)
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    if request.htmx:
        response = render(
            request,
            "programme/_milestone_row.html",
            {
                "milestone": milestone,
                "can_change": True,
                "outcome": error or done % {"milestone": milestone.title},
                "outcome_is_error": bool(error),
            },
        )
        if not error:
            # The page's timeline and progress listen for this and fetch their new state.
            response["HX-Trigger"] = MILESTONES_CHANGED
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done % {"milestone": milestone.title})
    return redirect(_back(request, milestone))


@login_required
@require_POST
def milestone_complete(request, pk: int):
    """Mark a milestone done today: its project's manager and the programme's managers."""
    return _milestone_step(
        request, pk, services.milestone_complete, _("“%(milestone)s” is marked done.")
    )


@login_required
@require_POST
def milestone_reopen(request, pk: int):
    """Take back a milestone marked done by mistake."""
    return _milestone_step(
        request, pk, services.milestone_reopen, _("“%(milestone)s” is open again.")
    )
