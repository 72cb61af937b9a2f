#!/usr/bin/env python
"""How fast is a programme's dashboard, against the raw SQL of its aggregates?

Seeds PROJECTS projects in one programme (three milestones, an allocation, a partner
commitment, an impegno and a payment each, a risk for one in five), then times the dashboard
page in-process (Django's test client, logged in as the programme manager, templates
included) next to the floor: the same figures — projects by status and thematic area,
progress weighted by cost, late and upcoming milestones, money planned, committed and spent
by year, co-financing by partner, open risks, latest decisions — computed by hand-written
SQL with psycopg, in the same run. Also prints the page's query count, which must not
depend on the number of projects. Usage: python benchmarks/pages.py [--smoke]
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from _common import arguments, percentiles, report, scratch_database, timed


def seed(projects: int):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from funding.models import Allocation, Commitment, FundSource, Transaction
    from partners.models import Organisation
    from programme.models import (
        Decision,
        Meeting,
        Milestone,
        Programme,
        ProgrammeAssignment,
        Project,
        Risk,
        ThematicArea,
    )

    rng = random.Random(11)
    today = datetime.now(tz=UTC).date()
    manager = get_user_model().objects.create_user("bench.manager", password="x")  # noqa: S106
    city = Organisation.objects.create(name="Comune", kind="municipality")
    partners = [
        Organisation.objects.create(name=f"Partner {n:02d}", kind="utility") for n in range(20)
    ]
    programme = Programme.objects.create(
        name="Programma", slug="programma", owner=city, status="published"
    )
    ProgrammeAssignment.objects.create(user=manager, programme=programme, role="programme_manager")
    areas = [
        ThematicArea.objects.create(programme=programme, name=f"Area {n}", position=n)
        for n in range(7)
    ]
    budget = FundSource.objects.create(
        programme=programme,
        name="Bilancio comunale",
        kind="municipal_budget",
        provider=city,
        total=Decimal("10000000000.00"),
    )
    statuses = ["proposed", "approved", "in_progress", "in_progress", "completed", "cancelled"]
    rows = Project.objects.bulk_create(
        (
            Project(
                programme=programme,
                title=f"Progetto {n:05d}",
                total_cost=Decimal(rng.randrange(10_000, 5_000_000)),
                lead_organisation=city,
                thematic_area=areas[n % 7] if n % 10 else None,
                status=(status := statuses[n % len(statuses)]),
                cup=f"J{n % 100:02d}H{n:011d}" if status not in ("proposed", "cancelled") else "",
            )
            for n in range(projects)
        ),
        batch_size=5000,
    )
    Milestone.objects.bulk_create(
        (
            Milestone(
                project=project,
                title=f"Traguardo {k}",
                due_on=today + timedelta(days=rng.randrange(-400, 400)),
                completed_on=today if rng.random() < 0.4 else None,
                weight=1 + k,
            )
            for project in rows
            for k in range(3)
        ),
        batch_size=10000,
    )
    Allocation.objects.bulk_create(
        (
            Allocation(
                fund_source=budget,
                project=project,
                year=2020 + n % 6,
                amount=Decimal(rng.randrange(1_000, 500_000)),
            )
            for n, project in enumerate(rows)
        ),
        batch_size=10000,
    )
    commitment_statuses = ["pledged", "confirmed", "partly_disbursed", "fulfilled", "withdrawn"]
    commitments = []
    for n, project in enumerate(rows):
        status = commitment_statuses[n % 5]
        amount = Decimal(rng.randrange(1_000, 100_000))
        commitments.append(
            Commitment(
                organisation=partners[n % 20],
                project=project,
                year=2020 + n % 6,
                kind="cash_transfer",
                amount=amount,
                disbursed_amount={"fulfilled": amount, "partly_disbursed": amount / 2}.get(
                    status, Decimal(0)
                ),
                status=status,
                act_reference="Delibera CdA" if status not in ("pledged", "withdrawn") else "",
                withdrawal_reason="Bilancio" if status == "withdrawn" else "",
            )
        )
    Commitment.objects.bulk_create(commitments, batch_size=10000)
    act = {"act_kind": "determina", "act_number": "1/2024", "act_date": date(2024, 1, 10)}
    impegni = Transaction.objects.bulk_create(
        (
            Transaction(
                project=project,
                phase="impegno",
                amount=Decimal("100000.00"),
                financial_year=2020 + n % 6,
                recorded_on=date(2024, 1, 15),
                **act,
            )
            for n, project in enumerate(rows)
        ),
        batch_size=10000,
    )
    Transaction.objects.bulk_create(
        (
            Transaction(
                project=entry.project,
                phase="pagamento",
                amount=Decimal(rng.randrange(1_000, 100_000)),
                financial_year=entry.financial_year,
                recorded_on=date(2024, 6, 15),
                **act,
            )
            for entry in impegni
        ),
        batch_size=10000,
    )
    Risk.objects.bulk_create(
        (
            Risk(
                project=project,
                title=f"Rischio {n}",
                likelihood=1 + n % 5,
                impact=1 + (n // 5) % 5,
                status="open" if n % 3 else "closed",
            )
            for n, project in enumerate(rows[::5])
        ),
        batch_size=10000,
    )
    for n in range(20):
        meeting = Meeting.objects.create(
            programme=programme, title=f"Riunione {n}", held_on=date(2024, 1, 1) + timedelta(n * 7)
        )
        Decision.objects.create(meeting=meeting, text=f"Decisione {n}", position=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return manager, programme


# The dashboard's figures in plain SQL: what the page cannot do with less.
FLOOR_SQL = {
    "grid": """
        SELECT status, thematic_area_id, count(*) FROM programme_project
        WHERE programme_id = %(p)s GROUP BY 1, 2""",
    "areas": """
        SELECT id, name FROM programme_thematicarea WHERE programme_id = %(p)s
        ORDER BY position, name""",
    "progress": """
        SELECT sum(pr.percent * p.total_cost) / NULLIF(sum(p.total_cost), 0), count(*)
        FROM programme_project p
        LEFT JOIN LATERAL (
            SELECT COALESCE(round(sum(m.weight) FILTER (WHERE m.completed_on IS NOT NULL)
                                  * 100.0 / sum(m.weight), 1), 0) AS percent
            FROM programme_milestone m WHERE m.project_id = p.id) pr ON true
        WHERE p.programme_id = %(p)s
          AND p.status IN ('approved', 'in_progress', 'suspended', 'completed')""",
    "milestone_counts": """
        SELECT count(*) FILTER (WHERE m.due_on < %(today)s),
               count(*) FILTER (WHERE m.due_on BETWEEN %(today)s AND %(horizon)s)
        FROM programme_milestone m JOIN programme_project p ON p.id = m.project_id
        WHERE p.programme_id = %(p)s AND m.completed_on IS NULL
          AND p.status NOT IN ('completed', 'cancelled')""",
    "late": """
        SELECT m.id, m.title, m.due_on, p.id, p.title
        FROM programme_milestone m JOIN programme_project p ON p.id = m.project_id
        WHERE p.programme_id = %(p)s AND m.completed_on IS NULL
          AND p.status NOT IN ('completed', 'cancelled') AND m.due_on < %(today)s
        ORDER BY m.due_on, m.id LIMIT 10""",
    "upcoming": """
        SELECT m.id, m.title, m.due_on, p.id, p.title
        FROM programme_milestone m JOIN programme_project p ON p.id = m.project_id
        WHERE p.programme_id = %(p)s AND m.completed_on IS NULL
          AND p.status NOT IN ('completed', 'cancelled')
          AND m.due_on BETWEEN %(today)s AND %(horizon)s
        ORDER BY m.due_on, m.id LIMIT 10""",
    "planned": """
        SELECT a.year, sum(a.amount) FROM funding_allocation a
        JOIN programme_project p ON p.id = a.project_id
        JOIN funding_fundsource s ON s.id = a.fund_source_id
        WHERE p.programme_id = %(p)s AND s.kind <> 'private_investment'
          AND p.status <> 'cancelled' GROUP BY 1""",
    "committed": """
        SELECT k.year, sum(k.amount) FROM funding_commitment k
        JOIN programme_project p ON p.id = k.project_id
        WHERE p.programme_id = %(p)s
          AND k.status IN ('confirmed', 'partly_disbursed', 'fulfilled') GROUP BY 1""",
    "spent": """
        SELECT t.financial_year, sum(t.amount) FROM funding_transaction t
        JOIN programme_project p ON p.id = t.project_id
        WHERE p.programme_id = %(p)s AND t.phase = 'pagamento' GROUP BY 1""",
    "private": """
        SELECT s.name, s.total, COALESCE(sum(a.amount), 0) FROM funding_fundsource s
        LEFT JOIN funding_allocation a ON a.fund_source_id = s.id
        WHERE s.programme_id = %(p)s AND s.kind = 'private_investment' GROUP BY s.id""",
    "cofinancing": """
        SELECT o.id, o.name,
               sum(k.amount) FILTER (WHERE k.status = 'pledged'),
               sum(k.amount)
                   FILTER (WHERE k.status IN ('confirmed', 'partly_disbursed', 'fulfilled')),
               sum(k.disbursed_amount)
                   FILTER (WHERE k.status IN ('confirmed', 'partly_disbursed', 'fulfilled'))
        FROM funding_commitment k JOIN programme_project p ON p.id = k.project_id
        JOIN partners_organisation o ON o.id = k.organisation_id
        WHERE p.programme_id = %(p)s GROUP BY o.id, o.name ORDER BY o.name""",
    "risks": """
        SELECT r.id, r.title, r.likelihood * r.impact AS score, p.id, p.title
        FROM programme_risk r JOIN programme_project p ON p.id = r.project_id
        WHERE p.programme_id = %(p)s AND r.status = 'open'
        ORDER BY score DESC, r.impact DESC, r.id LIMIT 10""",
    "risk_count": """
        SELECT count(*) FROM programme_risk r JOIN programme_project p ON p.id = r.project_id
        WHERE p.programme_id = %(p)s AND r.status = 'open'""",
    "decisions": """
        SELECT d.id, d.text, g.id, g.title, g.held_on FROM programme_decision d
        JOIN programme_meeting g ON g.id = d.meeting_id WHERE g.programme_id = %(p)s
        ORDER BY g.held_on DESC, g.id DESC, d.position, d.id LIMIT 10""",
}


def floor(dsn: str, params: dict):
    import psycopg

    connection = psycopg.connect(dsn)

    def call():
        with connection.cursor() as cursor:
            results = {}
            for name, sql in FLOOR_SQL.items():
                cursor.execute(sql, params)
                results[name] = cursor.fetchall()
        return results

    return call


def page(client, url: str):
    def call():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    return call


def main() -> None:
    args = arguments(__doc__, projects=(10_000, 60))
    if not args.smoke and args.repeat > 50:
        args.repeat = 50  # a full page with templates: 50 requests give steady percentiles
    with scratch_database("regia_bench_pages") as dsn:
        from django.db import connection
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from portal.selectors import UPCOMING_DAYS, programme_dashboard

        manager, programme = seed(args.projects)
        client = Client()
        client.force_login(manager)
        url = reverse("portal:dashboard", args=[programme.slug])
        today = timezone.localdate()
        params = {"p": programme.pk, "today": today, "horizon": today + timedelta(UPCOMING_DAYS)}
        page_call, floor_call = page(client, url), floor(dsn, params)

        # The floor must compute the same figures the page shows.
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            page_call()
        board = programme_dashboard(programme, user=manager, today=today)
        figures = floor_call()
        assert board.project_count == sum(n for _s, _a, n in figures["grid"]) == args.projects
        assert board.money.planned == sum(total for _y, total in figures["planned"])
        assert board.money.committed == sum(total for _y, total in figures["committed"])
        assert board.money.spent == sum(total for _y, total in figures["spent"])
        ((late, upcoming),) = figures["milestone_counts"]
        assert (board.late_count, board.upcoming_count) == (late, upcoming)
        weighted, _n = figures["progress"][0]
        assert board.progress == Decimal(weighted).quantize(Decimal("0.1")), (
            board.progress,
            weighted,
        )
        assert [r.pk for r in board.risks] == [row[0] for row in figures["risks"]]

        samples_page = percentiles(timed(page_call, args.repeat))
        samples_floor = percentiles(timed(floor_call, args.repeat))
        report(
            [
                (
                    "dashboard page",
                    *samples_page,
                    f"{samples_page[0] / samples_floor[0]:.2f}x its floor",
                ),
                ("raw SQL of its figures", *samples_floor, f"{len(FLOOR_SQL)} queries"),
            ]
        )
        print(f"projects: {args.projects}; the page's queries: {len(queries)}")


if __name__ == "__main__":
    main()
