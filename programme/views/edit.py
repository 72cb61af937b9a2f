"""Create and edit pages for programmes, plans (with their phases and actions), projects,
milestones, indicators, measurements and risks.

Every page follows docs/permissions.md: the object comes from the reader's selector (outside
it: 404), the predicate decides the action on GET and POST alike (refused: 403 with its
reason), and the form's data goes to a service, whose refusals show on the form with nothing
saved.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.permissions import require
from partners.selectors import user_organisations
from programme import services
from programme.forms import (
    IndicatorForm,
    MeasurementForm,
    MilestoneForm,
    PlanActionForm,
    PlanForm,
    PlanPhaseForm,
    ProgrammeForm,
    ProjectForm,
    RiskForm,
)
from programme.models import PlanAction, PlanPhase, Programme, Project
from programme.permissions import (
    can_change_plan,
    can_change_programme,
    can_change_project,
    can_create_programme,
    can_create_project,
    can_move_project,
)
from programme.selectors import (
    indicators_visible_to,
    managed_programmes,
    milestones_visible_to,
    plan_actions_visible_to,
    plan_phases_visible_to,
    plans_visible_to,
    programmes_visible_to,
    projects_visible_to,
    risks_visible_to,
)

form_methods = require_http_methods(["GET", "POST"])


# -- shared steps ------------------------------------------------------------------------


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


def project_url(project: Project) -> str:
    return reverse("portal:project", args=[project.pk])


def programme_url(programme: Programme) -> str:
    return reverse("portal:dashboard", args=[programme.slug])


def plan_url(plan) -> str:
    return reverse("programme:plan-detail", args=[plan.pk])


def _changes(form, *, exclude: tuple[str, ...] = ()) -> dict:
    """What the reader changed: the audit row then holds just that."""
    return {
        name: form.cleaned_data[name]
        for name in form.changed_data
        if name in form.cleaned_data and name not in exclude
    }


def _form_page(
    request: HttpRequest,
    form,
    *,
    save: Callable,
    done: Callable[[object], tuple[str, str]],
    title: str,
    crumbs: list[tuple[str, str | None]],
    cancel_url: str,
    template: str = "programme/object_form.html",
    **context,
) -> HttpResponse:
    """Show the form; on a valid POST, save through the service and go to the object's page.

    ``save(cleaned_data)`` calls the service and returns the object; ``done(obj)`` answers the
    success message and where to go. A service's ValidationError leaves everything unsaved
    (its transaction rolls back) and shows on the form.
    """
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = save(form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            message, url = done(saved)
            messages.success(request, message)
            return redirect(url)
    crumbs = [(label, url) for label, url in crumbs if url] + [(title, "")]
    return render(
        request,
        template,
        {"form": form, "title": title, "crumbs": crumbs, "cancel_url": cancel_url, **context},
    )


def _project_form_page(
    request: HttpRequest,
    project: Project,
    form,
    *,
    message: Callable[[object], str],
    title: str,
    subject: str | None = None,
    **context,
) -> HttpResponse:
    """``_form_page`` for what hangs from a project: its crumbs, and back to its page."""
    return _form_page(
        request,
        form,
        done=lambda saved: (message(saved), project_url(project)),
        title=title,
        crumbs=_project_crumbs(project),
        cancel_url=project_url(project),
        subject=subject or project.title,
        **context,
    )


def _created(obj) -> str:
    return _("“%(object)s” has been created.") % {"object": obj}


def _saved(obj) -> str:
    return _("Your changes to “%(object)s” have been saved.") % {"object": obj}


def _programme_crumbs(programme: Programme) -> list:
    return [(programme.name, _url("portal:dashboard", programme.slug))]


def _project_crumbs(project: Project) -> list:
    return [
        (_("Projects"), _url("programme:project-list")),
        (project.title, _url("portal:project", project.pk)),
    ]


def _plan_crumbs(plan) -> list:
    return [
        (_("Plans"), _url("programme:plan-list")),
        (plan.title, _url("programme:plan-detail", plan.pk)),
    ]


def _visible_project(request, pk: int) -> Project:
    project = get_object_or_404(
        projects_visible_to(request.user).select_related("programme__owner"), pk=pk
    )
    require(can_change_project(request.user, project))
    return project


# -- programmes --------------------------------------------------------------------------


@login_required
@form_methods
def programme_create(request):
    """A programme manager opens a draft programme for their organisation and manages it."""
    user = request.user
    owner = user_organisations(user).order_by("name").first()
    require(can_create_programme(user, Programme(owner=owner)))
    form = ProgrammeForm(request.POST or None, user=user)

    def save(data):
        require(can_create_programme(user, Programme(owner=data["owner"])))
        return services.programme_create_with_manager(
            actor=user, manager=None if user.is_superuser else user, **data
        )

    return _form_page(
        request,
        form,
        save=save,
        done=lambda programme: (_created(programme), programme_url(programme)),
        title=_("New programme"),
        crumbs=[(_("Dashboard"), _url("portal:dashboard-index"))],
        cancel_url=_url("portal:dashboard-index"),
        submit_label=_("Create the programme"),
    )


@login_required
@form_methods
def programme_edit(request, slug: str):
    programme = get_object_or_404(programmes_visible_to(request.user), slug=slug)
    require(can_change_programme(request.user, programme))
    form = ProgrammeForm(request.POST or None, instance=copy.copy(programme), user=request.user)
    return _form_page(
        request,
        form,
        save=lambda data: services.programme_update(
            programme=programme, actor=request.user, **_changes(form)
        ),
        done=lambda saved: (_saved(saved), programme_url(saved)),
        title=_("Edit the programme"),
        crumbs=_programme_crumbs(programme),
        cancel_url=programme_url(programme),
        template="programme/programme_form.html",
        programme=programme,
        subject=programme.name,
    )


@login_required
@require_POST
def programme_publish(request, slug: str):
    programme = get_object_or_404(programmes_visible_to(request.user), slug=slug)
    require(can_change_programme(request.user, programme))
    try:
        programme = services.programme_publish(programme=programme, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programme:programme-edit", slug=programme.slug)
    messages.success(request, _("“%(object)s” has been published.") % {"object": programme})
    return redirect(programme_url(programme))


# -- plans, their phases and actions -----------------------------------------------------


@login_required
@form_methods
def plan_create(request, slug: str):
    programme = get_object_or_404(programmes_visible_to(request.user), slug=slug)
    require(can_change_programme(request.user, programme))
    form = PlanForm(request.POST or None)
    return _form_page(
        request,
        form,
        save=lambda data: services.plan_create(actor=request.user, programme=programme, **data),
        done=lambda plan: (
            _("“%(object)s” has been created. Add its phases, then publish it.") % {"object": plan},
            reverse("programme:plan-edit", args=[plan.pk]),
        ),
        title=_("New plan"),
        crumbs=[*_programme_crumbs(programme), (_("Plans"), _url("programme:plan-list"))],
        cancel_url=_url("programme:plan-list"),
        subject=programme.name,
        submit_label=_("Create the plan"),
    )


@login_required
@form_methods
def plan_edit(request, pk: int):
    """The plan, and the page from which its phases and actions are added and published."""
    plan = get_object_or_404(
        plans_visible_to(request.user)
        .select_related("programme")
        .prefetch_related("phases__actions__thematic_area", "phases__actions__projects"),
        pk=pk,
    )
    require(can_change_plan(request.user, plan))
    form = PlanForm(request.POST or None, instance=copy.copy(plan))
    return _form_page(
        request,
        form,
        save=lambda data: services.plan_update(plan=plan, actor=request.user, **_changes(form)),
        done=lambda saved: (_saved(saved), plan_url(saved)),
        title=_("Edit the plan"),
        crumbs=_plan_crumbs(plan),
        cancel_url=plan_url(plan),
        template="programme/plan_form.html",
        plan=plan,
        subject=str(plan),
    )


@login_required
@require_POST
def plan_publish(request, pk: int):
    plan = get_object_or_404(plans_visible_to(request.user).select_related("programme"), pk=pk)
    require(can_change_plan(request.user, plan))
    try:
        plan = services.plan_publish(plan=plan, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programme:plan-edit", pk=plan.pk)
    messages.success(request, _("“%(object)s” has been published.") % {"object": plan})
    return redirect(plan_url(plan))


def _plan_hub(plan) -> str:
    return reverse("programme:plan-edit", args=[plan.pk])


@login_required
@form_methods
def plan_phase_create(request, pk: int):
    plan = get_object_or_404(plans_visible_to(request.user).select_related("programme"), pk=pk)
    require(can_change_plan(request.user, plan))
    form = PlanPhaseForm(request.POST or None, plan=plan)
    return _form_page(
        request,
        form,
        save=lambda data: services.plan_phase_create(actor=request.user, plan=plan, **data),
        done=lambda phase: (_created(phase), _plan_hub(plan)),
        title=_("New phase"),
        crumbs=_plan_crumbs(plan),
        cancel_url=_plan_hub(plan),
        subject=str(plan),
        submit_label=_("Add the phase"),
    )


@login_required
@form_methods
def plan_phase_edit(request, pk: int):
    phase = get_object_or_404(
        plan_phases_visible_to(request.user).select_related("plan__programme"), pk=pk
    )
    plan = phase.plan
    require(can_change_plan(request.user, plan))
    form = PlanPhaseForm(request.POST or None, instance=copy.copy(phase), plan=plan)
    return _form_page(
        request,
        form,
        save=lambda data: services.plan_phase_update(
            phase=phase, actor=request.user, **_changes(form)
        ),
        done=lambda saved: (_saved(saved), _plan_hub(plan)),
        title=_("Edit the phase"),
        crumbs=_plan_crumbs(plan),
        cancel_url=_plan_hub(plan),
        subject=str(plan),
    )


def _action_save(data: dict) -> tuple[list, dict]:
    fields = dict(data)
    return list(fields.pop("projects", [])), fields


@login_required
@form_methods
def plan_action_create(request, pk: int):
    phase = get_object_or_404(
        plan_phases_visible_to(request.user).select_related("plan__programme"), pk=pk
    )
    plan = phase.plan
    require(can_change_plan(request.user, plan))
    form = PlanActionForm(request.POST or None, phase=phase, user=request.user)

    def save(data):
        projects, fields = _action_save(data)
        return services.plan_action_create(
            actor=request.user, phase=phase, projects=projects, **fields
        )

    return _form_page(
        request,
        form,
        save=save,
        done=lambda action: (_created(action), _plan_hub(plan)),
        title=_("New action"),
        crumbs=_plan_crumbs(plan),
        cancel_url=_plan_hub(plan),
        subject=f"{plan} — {phase}",
        submit_label=_("Add the action"),
    )


@login_required
@form_methods
def plan_action_edit(request, pk: int):
    action: PlanAction = get_object_or_404(
        plan_actions_visible_to(request.user).select_related("phase__plan__programme"), pk=pk
    )
    phase: PlanPhase = action.phase
    plan = phase.plan
    require(can_change_plan(request.user, plan))
    form = PlanActionForm(
        request.POST or None, instance=copy.copy(action), phase=phase, user=request.user
    )

    def save(data):
        changes = _changes(form, exclude=("projects",))
        projects = list(data["projects"]) if "projects" in form.changed_data else None
        return services.plan_action_update(
            action=action, actor=request.user, projects=projects, **changes
        )

    return _form_page(
        request,
        form,
        save=save,
        done=lambda saved: (_saved(saved), _plan_hub(plan)),
        title=_("Edit the action"),
        crumbs=_plan_crumbs(plan),
        cancel_url=_plan_hub(plan),
        subject=f"{plan} — {phase}",
    )


# -- projects ----------------------------------------------------------------------------


@login_required
@form_methods
def project_create(request):
    """A programme manager proposes a project in one of their programmes (``?programme=``)."""
    user = request.user
    programme = None
    if slug := request.GET.get("programme"):
        programme = get_object_or_404(programmes_visible_to(user), slug=slug)
    if request.method == "POST":
        # The areas and weak points offered are those of the programme chosen.
        chosen = request.POST.get("programme", "")
        if chosen.isdigit():
            programme = managed_programmes(user).filter(pk=chosen).first() or programme
    # Without a programme yet, asked about the first the reader manages (if any).
    candidate = programme or managed_programmes(user).order_by("name").first() or Programme()
    require(can_create_project(user, Project(programme=candidate)))
    form = ProjectForm(request.POST or None, user=user, programme=programme)

    def save(data):
        fields = dict(data)
        challenges = list(fields.pop("challenges", []))
        require(can_create_project(user, Project(programme=fields["programme"])))
        return services.project_propose(actor=user, challenges=challenges, **fields)

    return _form_page(
        request,
        form,
        save=save,
        done=lambda project: (_created(project), project_url(project)),
        title=_("Propose a project"),
        crumbs=[(_("Projects"), _url("programme:project-list"))],
        cancel_url=_url("programme:project-list"),
        subject=programme.name if programme else "",
        submit_label=_("Propose the project"),
    )


@login_required
@form_methods
def project_edit(request, pk: int):
    """Who may change the project edits it; who may move it also chooses its manager."""
    project = _visible_project(request, pk)
    may_choose_manager = bool(can_move_project(request.user, project))
    form = ProjectForm(
        request.POST or None,
        instance=copy.copy(project),
        user=request.user,
        manager_choice=may_choose_manager,
    )

    def save(data):
        changes = _changes(form, exclude=("challenges", "manager"))
        challenges = list(data["challenges"]) if "challenges" in form.changed_data else None
        saved = services.project_update(
            project=project, actor=request.user, challenges=challenges, **changes
        )
        if may_choose_manager and "manager" in form.changed_data:
            saved = services.project_assign_manager(
                project=saved, manager=data["manager"], actor=request.user
            )
        return saved

    return _form_page(
        request,
        form,
        save=save,
        done=lambda saved: (_saved(saved), project_url(saved)),
        title=_("Edit the project"),
        crumbs=_project_crumbs(project),
        cancel_url=project_url(project),
        subject=project.title,
        project=project,
    )


# -- what hangs from a project: milestones, indicators and measurements, risks ------------


@login_required
@form_methods
def milestone_create(request, pk: int):
    project = _visible_project(request, pk)
    form = MilestoneForm(request.POST or None)
    return _project_form_page(
        request,
        project,
        form,
        save=lambda data: services.milestone_create(actor=request.user, project=project, **data),
        message=_created,
        title=_("New milestone"),
        submit_label=_("Add the milestone"),
    )


@login_required
@form_methods
def milestone_edit(request, pk: int):
    milestone = get_object_or_404(
        milestones_visible_to(request.user).select_related("project__programme"), pk=pk
    )
    project = milestone.project
    require(can_change_project(request.user, project))
    form = MilestoneForm(request.POST or None, instance=copy.copy(milestone))
    return _project_form_page(
        request,
        project,
        form,
        save=lambda data: services.milestone_update(
            milestone=milestone, actor=request.user, **_changes(form)
        ),
        message=_saved,
        title=_("Edit the milestone"),
    )


@login_required
@form_methods
def indicator_create(request, pk: int):
    project = _visible_project(request, pk)
    form = IndicatorForm(request.POST or None, project=project)
    return _project_form_page(
        request,
        project,
        form,
        save=lambda data: services.indicator_create(actor=request.user, project=project, **data),
        message=_created,
        title=_("New indicator"),
        submit_label=_("Add the indicator"),
    )


@login_required
@form_methods
def indicator_edit(request, pk: int):
    indicator = get_object_or_404(
        indicators_visible_to(request.user).select_related("project__programme"), pk=pk
    )
    project = indicator.project
    require(can_change_project(request.user, project))
    form = IndicatorForm(request.POST or None, instance=copy.copy(indicator), project=project)
    return _project_form_page(
        request,
        project,
        form,
        save=lambda data: services.indicator_update(
            indicator=indicator, actor=request.user, **_changes(form)
        ),
        message=_saved,
        title=_("Edit the indicator"),
    )


@login_required
@form_methods
def measurement_create(request, pk: int):
    indicator = get_object_or_404(
        indicators_visible_to(request.user).select_related("project__programme"), pk=pk
    )
    project = indicator.project
    require(can_change_project(request.user, project))
    form = MeasurementForm(request.POST or None, indicator=indicator)
    return _project_form_page(
        request,
        project,
        form,
        save=lambda data: services.measurement_record(
            actor=request.user, indicator=indicator, **data
        ),
        message=lambda measurement: (
            _("The measurement of “%(indicator)s” has been recorded.") % {"indicator": indicator}
        ),
        title=_("New measurement"),
        subject=f"{project.title} — {indicator}",
        submit_label=_("Record the measurement"),
    )


@login_required
@form_methods
def risk_create(request, pk: int):
    project = _visible_project(request, pk)
    form = RiskForm(request.POST or None, project=project)
    return _project_form_page(
        request,
        project,
        form,
        save=lambda data: services.risk_create(actor=request.user, project=project, **data),
        message=_created,
        title=_("New risk"),
        submit_label=_("Add the risk"),
    )


@login_required
@form_methods
def risk_edit(request, pk: int):
    risk = get_object_or_404(
        risks_visible_to(request.user).select_related("project__programme__owner"), pk=pk
    )
    project = risk.project
    require(can_change_project(request.user, project))
    form = RiskForm(request.POST or None, instance=copy.copy(risk), project=project)
    return _project_form_page(
        request,
        project,
        form,
        save=lambda data: services.risk_update(risk=risk, actor=request.user, **_changes(form)),
        message=_saved,
        title=_("Edit the risk"),
    )
