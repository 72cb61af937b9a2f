"""The public pages for citizens, and the same figures as open data (CC BY 4.0).

Anyone may read them, logged in or not, and everyone reads the same thing: what
docs/permissions.md calls public. Every figure comes from ``portal.opendata``, so a page, its
CSV and its JSON never disagree.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.money import ZERO
from funding.models import FundSource
from portal import opendata
from programme.models import AuthorisingAct, Project, ProjectParticipation

# Open data may be cached by browsers and proxies for a short while: it is the same for all.
OPEN_DATA_MAX_AGE = 300


def _labelled(rows: list[dict], field: str, choices) -> list[dict]:
    """Add ``<field>_label``: the words a citizen reads for a stored code."""
    labels = dict(choices)
    for row in rows:
        row[f"{field}_label"] = labels.get(row[field], row[field])
    return rows


def _sum(rows: list[dict], field: str) -> Decimal:
    return sum((row[field] for row in rows), ZERO)


def _fund_sources(funding: list[dict]) -> dict[int, list[dict]]:
    """Each project's fund sources, their yearly allocations added up, budget ones first."""
    sources: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in funding:
        source = sources[row["project_id"]].setdefault(
            row["fund_source"],
            {
                "name": row["fund_source"],
                "kind": row["fund_source_kind"],
                "kind_label": row["fund_source_kind_label"],
                "provider": row["provider"],
                "off_budget": row["off_budget"],
                "years": [],
                "amount": ZERO,
            },
        )
        source["years"].append(row["year"])
        source["amount"] += row["amount"]
    return {
        project_id: sorted(by_name.values(), key=lambda s: (s["off_budget"], s["name"]))
        for project_id, by_name in sources.items()
    }


def _projects_with_labels(projects: list[dict]) -> list[dict]:
    _labelled(projects, "status", Project.Status.choices)
    roles = dict(ProjectParticipation.Role.choices)
    for project in projects:
        for participant in project["participants"]:
            participant["role_label"] = roles.get(participant["role"], participant["role"])
    return projects


def _totals(rows: list[dict]) -> dict[str, Decimal]:
    return {
        field: _sum(rows, field)
        for field in ("total_cost", "budget", "private_investment", "spent")
    }


@require_safe
def public_index(request):
    """The published programmes and their totals: where the city's money goes."""
    programmes = opendata.programme_rows()
    return render(
        request,
        "portal/public/index.html",
        {
            "programmes": programmes,
            "crumbs": [(_("Where the money goes"), "")],
        },
    )


def _by_thematic_area(projects: list[dict]) -> list[dict]:
    """The projects grouped by thematic area, in the programme's order, with their totals."""
    areas: dict[str | None, list[dict]] = {}
    for project in projects:
        areas.setdefault(project["thematic_area"], []).append(project)
    return [
        {"name": name, "projects": rows, "count": len(rows), **_totals(rows)}
        for name, rows in areas.items()
    ]


@require_safe
def public_programme(request, slug: str):
    """A published programme's public projects: cost, funding, money spent and progress."""
    programme = get_object_or_404(opendata.public_programmes().select_related("owner"), slug=slug)
    summary = opendata.programme_rows(programme=programme)[0]
    projects = _projects_with_labels(opendata.project_rows(programme=programme))
    funding = _labelled(
        opendata.funding_rows(programme=programme), "fund_source_kind", FundSource.Kind.choices
    )
    sources = _fund_sources(funding)
    for project in projects:
        project["fund_sources"] = sources.get(project["id"], [])
    return render(
        request,
        "portal/public/programme.html",
        {
            "programme": programme,
            "summary": summary,
            "areas": _by_thematic_area(projects),
            "crumbs": [
                (_("Where the money goes"), reverse("portal:public-index")),
                (programme.name, ""),
            ],
        },
    )


@require_safe
def public_project(request, pk: int):
    """One public project: CUP, cost, where its money comes from, what was paid, milestones."""
    project = get_object_or_404(
        opendata.public_projects()
        .select_related("programme")
        .only("pk", "description", "programme__name", "programme__slug"),
        pk=pk,
    )
    (row,) = _projects_with_labels(opendata.project_rows(project_id=pk))
    funding = _labelled(
        opendata.funding_rows(project_id=pk), "fund_source_kind", FundSource.Kind.choices
    )
    sources = _fund_sources(funding).get(pk, [])
    payments = _labelled(opendata.payment_rows(project_id=pk), "act_kind", AuthorisingAct.choices)
    return render(
        request,
        "portal/public/project.html",
        {
            "project": row,
            "description": project.description,
            "budget_sources": [s for s in sources if not s["off_budget"]],
            "private_sources": [s for s in sources if s["off_budget"]],
            "payments": payments,
            "milestones": opendata.milestone_rows(project_id=pk),
            "crumbs": [
                (_("Where the money goes"), reverse("portal:public-index")),
                (
                    project.programme.name,
                    reverse("portal:public-programme", args=[project.programme.slug]),
                ),
                (row["title"], ""),
            ],
        },
    )


@require_safe
def open_data(request):
    """The datasets, their fields, their licence and their stable addresses."""
    datasets = [
        {
            "spec": spec,
            "files": [
                {
                    "format": fmt,
                    "url": request.build_absolute_uri(
                        reverse(
                            "portal:open-data-file", kwargs={"dataset": spec.slug, "format": fmt}
                        )
                    ),
                }
                for fmt in opendata.FORMATS
            ],
        }
        for spec in opendata.DATASETS.values()
    ]
    programmes = opendata.public_programmes().order_by("name").values_list("slug", "name")
    return render(
        request,
        "portal/public/open_data.html",
        {
            "datasets": datasets,
            "programmes": programmes,
            "licence_url": opendata.LICENCE_URL,
            "attribution": _attribution(),
            "crumbs": [(_("Open data"), "")],
        },
    )


def _attribution() -> str:
    return _("Source: %(site)s, data released under the CC BY 4.0 licence.") % {
        "site": settings.REGIA_SITE_NAME
    }


@require_safe
def open_data_file(request, dataset: str, format: str):
    """One dataset as CSV (streamed) or JSON, optionally of one programme (?programme=slug)."""
    spec = opendata.DATASETS.get(dataset)
    if spec is None or format not in opendata.FORMATS:
        raise Http404
    filters = {}
    name = f"regia-{spec.slug}"
    if slug := request.GET.get("programme"):
        filters["programme"] = get_object_or_404(opendata.public_programmes(), slug=slug)
        name = f"{name}-{slug}"
    url = functools.partial(_absolute_url, request, spec.page[0]) if spec.page else None
    rows = opendata.export_rows(spec, spec.rows(**filters), url)
    filename = f"{name}.{format}"
    if format == "csv":
        response = StreamingHttpResponse(
            opendata.csv_lines(spec, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        rows = [{k: opendata.json_value(v) for k, v in row.items()} for row in rows]
        document = {"metadata": _metadata(request, spec, filters, len(rows)), "rows": rows}
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Link"] = f'<{opendata.LICENCE_URL}>; rel="license"'
    response["X-License"] = opendata.LICENCE_NAME
    # Public data, the same for everyone: any web page may read it, any cache may keep it.
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=OPEN_DATA_MAX_AGE)
    return response


def _absolute_url(request, url_name: str, key) -> str:
    return request.build_absolute_uri(reverse(url_name, args=[key]))


def _metadata(request, spec: opendata.Dataset, filters: dict, count: int) -> dict:
    programme = filters.get("programme")
    return {
        "title": str(spec.title),
        "description": str(spec.description),
        "publisher": settings.REGIA_SITE_NAME,
        "licence": {
            "id": opendata.LICENCE_NAME,
            "title": opendata.LICENCE_TITLE,
            "url": opendata.LICENCE_URL,
        },
        "attribution": _attribution(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "source": request.build_absolute_uri(reverse("portal:open-data")),
        "url": request.build_absolute_uri(),
        "programme": programme.slug if programme else None,
        "row_count": count,
        "fields": [
            {"name": column.name, "type": column.kind, "description": str(column.description)}
            for column in spec.columns
        ],
    }
