#!/usr/bin/env python
"""How fast are the projects and commitments lists of the API, against the physical floor?

Seeds PROJECTS projects and COMMITMENTS commitments on PostgreSQL, then times the list
endpoints (page size 50, with the total count) in-process for a programme manager and for
a partner representative, next to the floor: the same page, the same rows and the same
COUNT fetched with psycopg and turned into JSON with json.dumps, in the same run.

Goals (issue #3): manager's list <= 3x the floor; partner's (object-filtered) <= 2x the
manager's. Usage: python benchmarks/api_list.py [--smoke]
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from _common import arguments, percentiles, report, scratch_database, timed

PAGE = 50


def seed(projects: int, commitments: int):
    """Two municipalities' programmes, many partners, projects and commitments in bulk.

    The partner representative's organisation makes 1 in 20 commitments; the others are
    spread over 19 organisations in every state, as in real use.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from funding.models import Commitment, CommitmentGroupObjectPermission
    from partners.models import Membership, Organisation
    from partners.services import organisation_group
    from programme.models import Programme, ProgrammeAssignment, Project, ProjectParticipation

    rng = random.Random(7)
    User = get_user_model()
    manager = User.objects.create_user("bench.manager", password="x")  # noqa: S106
    partner_user = User.objects.create_user("bench.partner", password="x")  # noqa: S106
    municipalities = [
        Organisation.objects.create(name=f"Comune {n}", kind="municipality") for n in (1, 2)
    ]
    partners = [
        Organisation.objects.create(name=f"Partner {n:02d}", kind="utility") for n in range(20)
    ]
    programmes = [
        Programme.objects.create(
            name=f"Programma {n}", slug=f"programma-{n}", owner=owner, status="published"
        )
        for n, owner in enumerate(municipalities)
    ]
    for programme in programmes:
        ProgrammeAssignment.objects.create(
            user=manager, programme=programme, role="programme_manager"
        )
    statuses = ["proposed", "under_assessment", "in_progress", "completed", "cancelled"]
    project_rows = Project.objects.bulk_create(
        Project(
            programme=programmes[n % 2],
            title=f"Progetto {n:05d}",
            summary="Un progetto della città intelligente",
            total_cost=Decimal(rng.randrange(10_000, 5_000_000)),
            lead_organisation=municipalities[n % 2],
            status=(status := statuses[n % len(statuses)]),
            cup=f"J{n % 100:02d}H{n:011d}" if status in ("in_progress", "completed") else "",
            planned_start=date(2019 + n % 5, 1 + n % 12, 1),
        )
        for n in range(projects)
    )
    ProjectParticipation.objects.bulk_create(
        ProjectParticipation(project=project, organisation=partners[n % 20], role="partner")
        for n, project in enumerate(project_rows)
    )
    group = organisation_group(partners[0])
    partner_user.groups.add(group)
    Membership.objects.create(user=partner_user, organisation=partners[0], role="representative")
    commitment_statuses = ["pledged", "confirmed", "partly_disbursed", "fulfilled", "withdrawn"]
    rows = []
    for n in range(commitments):
        status = commitment_statuses[n % 5]
        rows.append(
            Commitment(
                organisation=partners[n % 20],
                project=project_rows[rng.randrange(projects)],
                year=2019 + n % 5,
                kind="cash_transfer",
                amount=Decimal("10000.00"),
                disbursed_amount=Decimal("10000.00") if status == "fulfilled" else Decimal(0),
                status=status,
                act_reference="Delibera CdA" if status not in ("pledged", "withdrawn") else "",
                withdrawal_reason="Bilancio" if status == "withdrawn" else "",
            )
        )
    created = Commitment.objects.bulk_create(rows, batch_size=5000)
    permissions = Permission.objects.filter(
        content_type__app_label="funding", codename__in=["view_commitment", "change_commitment"]
    )
    CommitmentGroupObjectPermission.objects.bulk_create(
        (
            CommitmentGroupObjectPermission(content_object=c, group=group, permission=p)
            for c in created
            if c.organisation_id == partners[0].pk
            for p in permissions
        ),
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return manager, partner_user


PROJECT_COLUMNS = """
    p.id, p.programme_id AS programme, p.title, p.summary, p.description,
    p.thematic_area_id AS thematic_area,
    COALESCE((SELECT array_agg(c.challenge_id ORDER BY c.challenge_id)
              FROM programme_project_challenges c WHERE c.project_id = p.id), '{}') AS challenges,
    p.cup, p.rup, p.total_cost::text AS total_cost, p.lead_organisation_id AS lead_organisation,
    o.name AS lead_organisation_name,
    COALESCE((SELECT json_agg(json_build_object(
                  'id', pp.id, 'organisation', pp.organisation_id,
                  'organisation_name', po.name, 'role', pp.role) ORDER BY pp.id)
              FROM programme_projectparticipation pp
              JOIN partners_organisation po ON po.id = pp.organisation_id
              WHERE pp.project_id = p.id), '[]') AS participations,
    p.manager_id AS manager, p.status,
    COALESCE((SELECT round(sum(m.weight) FILTER (WHERE m.completed_on IS NOT NULL)
                           * 100.0 / sum(m.weight), 1)
              FROM programme_milestone m WHERE m.project_id = p.id), 0)::text AS progress_percent,
    p.planned_start, p.planned_end, p.actual_start, p.actual_end, p.created_at, p.updated_at
"""
PUBLIC_PROJECT = (
    "(g.status = 'published' AND p.status IN ('approved', 'in_progress', 'suspended', 'completed'))"
)
COMMITMENT_COLUMNS = """
    k.id, k.organisation_id AS organisation, o.name AS organisation_name, k.project_id AS project,
    k.plan_action_id AS plan_action, p.programme_id AS programme, k.year, k.kind,
    k.amount::text AS amount, k.disbursed_amount::text AS disbursed_amount, k.status,
    k.subject_to_budget_availability, k.description, k.act_reference,
    CASE WHEN k.organisation_id = ANY(%(own)s) OR p.programme_id = ANY(%(managed)s)
         THEN k.withdrawal_reason END AS withdrawal_reason,
    k.external_reference, k.created_at, k.updated_at
"""
FIRM = "k.status IN ('confirmed', 'partly_disbursed', 'fulfilled')"


@dataclass(frozen=True)
class Case:
    name: str
    role: str
    path: str
    where: str
    columns: str
    source: str
    order: str


CASES = [
    Case(
        "projects, manager",
        "manager",
        "/api/v1/projects/",
        f"(p.programme_id = ANY(%(managed)s) OR {PUBLIC_PROJECT})",
        PROJECT_COLUMNS,
        "programme_project p JOIN programme_programme g ON g.id = p.programme_id "
        "JOIN partners_organisation o ON o.id = p.lead_organisation_id",
        "p.programme_id, p.title, p.id",
    ),
    Case(
        "projects, partner",
        "partner",
        "/api/v1/projects/",
        f"({PUBLIC_PROJECT} OR p.id IN (SELECT project_id FROM programme_projectparticipation "
        "WHERE organisation_id = ANY(%(own)s)))",
        PROJECT_COLUMNS,
        "programme_project p JOIN programme_programme g ON g.id = p.programme_id "
        "JOIN partners_organisation o ON o.id = p.lead_organisation_id",
        "p.programme_id, p.title, p.id",
    ),
    Case(
        "commitments, manager",
        "manager",
        "/api/v1/commitments/",
        "p.programme_id = ANY(%(managed)s)",
        COMMITMENT_COLUMNS,
        "funding_commitment k JOIN partners_organisation o ON o.id = k.organisation_id "
        "JOIN programme_project p ON p.id = k.project_id "
        "JOIN programme_programme g ON g.id = p.programme_id",
        "k.year DESC, o.name, k.id",
    ),
    Case(
        "commitments, partner",
        "partner",
        "/api/v1/commitments/",
        f"(k.organisation_id = ANY(%(own)s) OR ({FIRM} AND ({PUBLIC_PROJECT} OR p.id IN "
        "(SELECT project_id FROM programme_projectparticipation "
        "WHERE organisation_id = ANY(%(own)s)))))",
        COMMITMENT_COLUMNS,
        "funding_commitment k JOIN partners_organisation o ON o.id = k.organisation_id "
        "JOIN programme_project p ON p.id = k.project_id "
        "JOIN programme_programme g ON g.id = p.programme_id",
        "k.year DESC, o.name, k.id",
    ),
]


def api_page(client, path: str):
    def call():
        response = client.get(path, {"page_size": PAGE})
        assert response.status_code == 200, response.status_code
        return response.json()

    return call


def floor_page(dsn: str, case: Case, scope: dict):
    """The same page straight from PostgreSQL: rows and COUNT, serialised with json.dumps."""
    import psycopg

    connection = psycopg.connect(dsn)
    page_sql = (
        f"SELECT {case.columns} FROM {case.source} WHERE {case.where} "
        f"ORDER BY {case.order} LIMIT {PAGE}"
    )
    count_sql = f"SELECT count(*) FROM {case.source} WHERE {case.where}"

    def call():
        with connection.cursor() as cursor:
            cursor.execute(count_sql, scope)
            (count,) = cursor.fetchone()
            cursor.execute(page_sql, scope)
            columns = [column.name for column in cursor.description]
            results = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return {"count": count, "results": json.loads(json.dumps(results, default=str))}

    return call


def main() -> None:
    args = arguments(__doc__, projects=(10_000, 200), commitments=(100_000, 2_000))
    with scratch_database("regia_bench_api") as dsn:
        from rest_framework.test import APIClient

        manager, partner = seed(args.projects, args.commitments)
        from partners.selectors import user_organisations
        from programme.selectors import managed_programmes

        scope = {
            "managed": list(managed_programmes(manager).values_list("pk", flat=True)),
            "own": list(user_organisations(partner).values_list("pk", flat=True)),
        }
        rows, medians = [], {}
        for case in CASES:
            client = APIClient()
            client.force_authenticate(manager if case.role == "manager" else partner)
            api_call, floor_call = api_page(client, case.path), floor_page(dsn, case, scope)
            api_result, floor_result = api_call(), floor_call()
            # The floor must answer the same question: the same COUNT and the same rows.
            assert api_result["count"] == floor_result["count"], (
                case.name,
                api_result["count"],
                floor_result["count"],
            )
            assert [r["id"] for r in api_result["results"]] == [
                r["id"] for r in floor_result["results"]
            ], case.name
            api = percentiles(timed(api_call, args.repeat))
            floor = percentiles(timed(floor_call, args.repeat))
            medians[case.name] = api[0]
            rows.append((f"{case.name}: API", *api, f"{api[0] / floor[0]:.2f}x its floor"))
            rows.append((f"{case.name}: floor", *floor, f"count {floor_result['count']}"))
        report(rows)
        for noun in ("projects", "commitments"):
            ratio = medians[f"{noun}, partner"] / medians[f"{noun}, manager"]
            print(f"{noun}: partner / manager = {ratio:.2f}x (goal <= 2x)")


if __name__ == "__main__":
    main()
