"""Browsing the programme: the projects list, the multi-year plans and the working group's
meetings. Every queryset starts from the reader's selector, so what lies outside their scope
is absent from a list and answers 404 as an object."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_htmx.http import push_url

from core.htmx import vary_on_htmx, wants_partial
from partners.models import Organisation
from programme.filters import ProjectListFilter
from programme.models import PlanAction, PlanPhase
from programme.permissions import can_change_plan, is_programme_manager
from programme.selectors import (
    managed_programmes,
    meetings_visible_to,
    plans_visible_to,
    projects_visible_to,
)

PER_PAGE = 25


@require_safe
@login_required
def project_list(request):
    """The projects the reader may see, filtered and searched, 25 to a page."""
    projects = (
        projects_visible_to(request.user)
        .with_progress()
        .select_related("programme", "thematic_area", "lead_organisation")
        .order_by("programme__name", "title", "pk")
    )
    project_filter = ProjectListFilter(request.GET or None, queryset=projects, request=request)
    page = Paginator(project_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
    # The filters actually chosen: the form sends every field, most of them empty.
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if chosen := [value for value in values if value.strip()]:
            query.setlist(key, chosen)
    context = {
        "filter": project_filter,
        "page_obj": page,
        "projects": page.object_list,
        "query": query,
        "filtered": any(key != "page" for key in query),
    }
    if wants_partial(request):
        response = render(request, "programme/project_list_results.html", context)
        # The address bar shows the filters chosen, not every empty field of the form.
        push_url(response, f"{request.path}?{query.urlencode()}" if query else request.path)
    else:
        context["crumbs"] = [(_("Projects"), "")]
        context["may_create"] = is_programme_manager(request.user)
        response = render(request, "programme/project_list.html", context)
    return vary_on_htmx(response)


@require_safe
def plan_list(request):
    """The multi-year plans the reader may see; published plans of published programmes are
    public."""
    plans = (
        plans_visible_to(request.user)
        .select_related("programme")
        .order_by("programme__name", "-start_year", "title")
    )
    # can_change_plan's rule (who manages the plan's programme), asked once for the whole list.
    managed = list(managed_programmes(request.user).order_by("name"))
    managed_ids = {programme.pk for programme in managed}
    rows = [(plan, plan.programme_id in managed_ids) for plan in plans]
    return render(
        request,
        "programme/plan_list.html",
        {"rows": rows, "managed_programmes": managed, "crumbs": [(_("Plans"), "")]},
    )


@require_safe
def plan_detail(request, pk: int):
    """A plan by year and phase: each cell lists its actions and the projects carrying them
    out that the reader may see."""
    plan = get_object_or_404(plans_visible_to(request.user).select_related("programme"), pk=pk)
    visible_projects = projects_visible_to(request.user).order_by("title")
    actions = PlanAction.objects.select_related("thematic_area").prefetch_related(
        Prefetch("projects", queryset=visible_projects, to_attr="visible_projects")
    )
    phases = list(
        PlanPhase.objects.filter(plan=plan).prefetch_related(Prefetch("actions", queryset=actions))
    )
    years = list(plan.years)
    grid = [
        (phase, [[a for a in phase.actions.all() if a.year == year] for year in years])
        for phase in phases
    ]
    return render(
        request,
        "programme/plan_detail.html",
        {
            "plan": plan,
            "years": years,
            "grid": grid,
            "may_change": can_change_plan(request.user, plan),
            # Who has no account reads a project on its public page.
            "project_url_name": (
                "portal:project" if request.user.is_authenticated else "portal:public-project"
            ),
            "crumbs": [(_("Plans"), reverse("programme:plan-list")), (plan.title, "")],
        },
    )


@require_safe
@login_required
def meeting_list(request):
    """The working group's meetings, for the managers and council members of the programme."""
    meetings = (
        meetings_visible_to(request.user)
        .select_related("programme")
        .prefetch_related(Prefetch("participants", queryset=Organisation.objects.order_by("name")))
        .annotate(decision_count=Count("decisions"))
        .order_by("-held_on", "-pk")
    )
    page = Paginator(meetings, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "programme/meeting_list.html",
        {"page_obj": page, "meetings": page.object_list, "crumbs": [(_("Meetings"), "")]},
    )


@require_safe
@login_required
def meeting_detail(request, pk: int):
    """A meeting: who took part, its minutes and its decisions, each with who answers for it
    and by when."""
    meeting = get_object_or_404(
        meetings_visible_to(request.user).select_related("programme"), pk=pk
    )
    decisions = list(meeting.decisions.select_related("project", "responsible"))
    project_ids = {decision.project_id for decision in decisions if decision.project_id}
    readable = set(
        projects_visible_to(request.user).filter(pk__in=project_ids).values_list("pk", flat=True)
    )
    today = timezone.localdate()
    for decision in decisions:
        decision.project_readable = decision.project_id in readable
        decision.late = decision.due_on is not None and decision.due_on < today
    return render(
        request,
        "programme/meeting_detail.html",
        {
            "meeting": meeting,
            "participants": meeting.participants.order_by("name"),
            "decisions": decisions,
            "crumbs": [(_("Meetings"), reverse("programme:meeting-list")), (meeting.title, "")],
        },
    )
