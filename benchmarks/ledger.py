#!/usr/bin/env python
"""How fast is the reconciliation, against the raw SQL of its figures? And the import?

Seeds PROJECTS projects in one programme and TRANSACTIONS accounting entries (impegno,
liquidazione, pagamento, one in twenty reversed), with allocations from three budget sources
and a private investment, a partner commitment per project (every status, one in fifty an
operator's restated private investment) and disbursements on the firm ones (declared,
verified, rejected), all bulk-inserted. Then, in the same run:

- the floor: one hand-written SQL statement computing the per-project-and-year figures
  (allocated, pledged, committed, declared, verified, impegno, liquidazione, pagamento and
  the variances) with psycopg through Django's connection, rows fetched;
- ``funding.ledger.project_year_rows`` alone, and ``reconciliation_pivot`` (the rows and
  their pandas pivot with one column per fund source), after checking their figures equal
  the floor's. Target: the pivot's p50 ≤ 1.5 × the floor's.

Then it runs the import helper's benchmark (``_ledger_import.run``: a commitments CSV staged
and confirmed) and prints its seconds and peak memory. Usage:
python benchmarks/ledger.py [--smoke] [--repeat N]
"""

from __future__ import annotations

import random
import sys
from datetime import date
from decimal import Decimal

from _common import arguments, percentiles, report, scratch_database, timed

YEARS = (2022, 2023, 2024, 2025)
PARTNERS = 20


def seed(projects: int, transactions: int):
    from django.db import connection

    from funding.models import Allocation, Commitment, Disbursement, FundSource, Transaction
    from partners.models import Organisation
    from programme.models import Programme, Project

    rng = random.Random(7)
    city = Organisation.objects.create(name="Comune", kind="municipality")
    partners = [
        Organisation.objects.create(name=f"Partner {n:02d}", kind="utility")
        for n in range(PARTNERS)
    ]
    telecom = Organisation.objects.create(name="Telecom", kind="telecom")
    programme = Programme.objects.create(
        name="Programma", slug="programma", owner=city, status="published"
    )
    sources = [
        FundSource.objects.create(
            programme=programme, name=name, kind=kind, provider=city, total=Decimal("1e11")
        )
        for name, kind in (
            ("MIUR", "ministry_call"),
            ("Bilancio comunale", "municipal_budget"),
            ("Regione", "regional"),
        )
    ]
    fibre = FundSource.objects.create(
        programme=programme,
        name="Rete in fibra",
        kind="private_investment",
        provider=telecom,
        total=Decimal("1e11"),
    )
    rows = Project.objects.bulk_create(
        (
            Project(
                programme=programme,
                title=f"Progetto {n:05d}",
                total_cost=Decimal(rng.randrange(10_000, 5_000_000)),
                lead_organisation=city,
                status="in_progress",
                cup=f"J{n % 100:02d}H{n:011d}",
            )
            for n in range(projects)
        ),
        batch_size=5000,
    )
    allocations = [
        Allocation(
            fund_source=sources[(n + k) % 3],
            project=project,
            year=YEARS[(n + k) % 4],
            amount=Decimal(rng.randrange(1_000, 500_000)),
        )
        for n, project in enumerate(rows)
        for k in range(2)
    ]
    allocations += [
        Allocation(fund_source=fibre, project=project, year=2024, amount=Decimal("250000.00"))
        for project in rows[::10]
    ]
    Allocation.objects.bulk_create(allocations, batch_size=10000)
    statuses = ["pledged", "confirmed", "partly_disbursed", "fulfilled", "withdrawn"]
    commitments = []
    for n, project in enumerate(rows):
        status = statuses[n % 5]
        amount = Decimal(rng.randrange(1_000, 100_000))
        restated = n % 50 == 0  # Telecom records its fibre once more, on a project it funds
        commitments.append(
            Commitment(
                organisation=telecom if restated else partners[n % PARTNERS],
                project=project,
                year=YEARS[n % 4],
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
    disbursements = []
    for n, commitment in enumerate(commitments):
        if commitment.status in ("fulfilled", "partly_disbursed"):
            disbursements.append((commitment, commitment.disbursed_amount, "verified"))
        if commitment.status in ("confirmed", "partly_disbursed"):
            disbursements.append((commitment, Decimal("500.00"), "declared"))
        if n % 7 == 0 and commitment.status != "withdrawn":
            disbursements.append((commitment, Decimal("300.00"), "rejected"))
    Disbursement.objects.bulk_create(
        (
            Disbursement(
                commitment=commitment,
                organisation_id=commitment.organisation_id,
                amount=amount,
                disbursed_on=date(2024, 5, 2),
                status=status,
                rejection_reason="Non pertinente" if status == "rejected" else "",
            )
            for commitment, amount, status in disbursements
        ),
        batch_size=10000,
    )
    act = {"act_kind": "determina", "act_number": "1/2024", "act_date": date(2024, 1, 10)}
    phases = ("impegno", "liquidazione", "pagamento")
    per_project = max(1, transactions // projects)
    entries = Transaction.objects.bulk_create(
        (
            Transaction(
                project=project,
                phase=phases[k % 3],
                amount=Decimal(rng.randrange(1_000, 100_000)),
                financial_year=YEARS[(n + k // 3) % 4],
                recorded_on=date(2024, 6, 15),
                fund_source=sources[k % 3],
                **act,
            )
            for n, project in enumerate(rows)
            for k in range(per_project - per_project // 20)
        ),
        batch_size=10000,
    )
    # The rest are reversals: a negative entry that cancels one of the above.
    reversed_ = rng.sample(entries, min(len(entries), transactions - len(entries)))
    Transaction.objects.bulk_create(
        (
            Transaction(
                project_id=entry.project_id,
                phase=entry.phase,
                amount=-entry.amount,
                financial_year=entry.financial_year,
                recorded_on=date(2024, 7, 1),
                fund_source_id=entry.fund_source_id,
                reverses=entry,
                reason="Importo errato",
                **act,
            )
            for entry in reversed_
        ),
        batch_size=10000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts = {
        "projects": len(rows),
        "allocations": len(allocations),
        "commitments": len(commitments),
        "disbursements": len(disbursements),
        "transactions": Transaction.objects.count(),
    }
    return programme, counts


# The per-project-and-year figures in one hand-written statement: the floor.
FLOOR_SQL = """
WITH projects AS (SELECT id FROM programme_project WHERE programme_id = %(p)s),
co_financing AS (
    SELECT c.* FROM funding_commitment c
    WHERE c.project_id IN (SELECT id FROM projects)
      AND NOT EXISTS (
        SELECT 1 FROM funding_allocation a JOIN funding_fundsource s ON s.id = a.fund_source_id
        WHERE a.project_id = c.project_id AND s.kind = 'private_investment'
          AND s.provider_id = c.organisation_id)
),
figures AS (
    SELECT a.project_id, a.year, a.amount AS allocated, 0 AS pledged, 0 AS committed,
           0 AS declared, 0 AS verified, 0 AS impegno, 0 AS liquidazione, 0 AS pagamento
    FROM funding_allocation a JOIN funding_fundsource s ON s.id = a.fund_source_id
    WHERE a.project_id IN (SELECT id FROM projects) AND s.kind <> 'private_investment'
  UNION ALL
    SELECT c.project_id, c.year, 0,
           CASE WHEN c.status = 'pledged' THEN c.amount ELSE 0 END,
           CASE WHEN c.status IN ('confirmed', 'partly_disbursed', 'fulfilled')
                THEN c.amount ELSE 0 END,
           0, 0, 0, 0, 0
    FROM co_financing c WHERE c.status <> 'withdrawn'
  UNION ALL
    SELECT c.project_id, c.year, 0, 0, 0,
           CASE WHEN d.status = 'declared' THEN d.amount ELSE 0 END,
           CASE WHEN d.status = 'verified' THEN d.amount ELSE 0 END, 0, 0, 0
    FROM funding_disbursement d JOIN co_financing c ON c.id = d.commitment_id
    WHERE d.status <> 'rejected'
  UNION ALL
    SELECT t.project_id, t.financial_year, 0, 0, 0, 0, 0,
           CASE WHEN t.phase = 'impegno' THEN t.amount ELSE 0 END,
           CASE WHEN t.phase = 'liquidazione' THEN t.amount ELSE 0 END,
           CASE WHEN t.phase = 'pagamento' THEN t.amount ELSE 0 END
    FROM funding_transaction t
    WHERE t.project_id IN (SELECT id FROM projects)
)
SELECT f.project_id, p.title, f.year,
       sum(allocated), sum(pledged), sum(committed), sum(declared), sum(verified),
       sum(impegno), sum(liquidazione), sum(pagamento),
       sum(allocated) - sum(impegno), sum(impegno) - sum(pagamento),
       sum(committed) - sum(verified)
FROM figures f JOIN programme_project p ON p.id = f.project_id
GROUP BY f.project_id, p.title, f.year
ORDER BY p.title, f.project_id, f.year
"""


def floor(programme_id: int) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"p": programme_id})
        return cursor.fetchall()


def check_same_figures(programme, floor_rows: list[tuple]) -> None:
    """The ledger's rows and pivot hold exactly the floor's figures."""
    from funding.ledger import PROJECT_YEAR_MEASURES, project_year_rows, reconciliation_pivot

    rows = project_year_rows(programme)
    ours = [
        (r["project_id"], r["project"], r["year"], *(r[m] for m in PROJECT_YEAR_MEASURES))
        for r in rows
    ]
    theirs = [(*row[:3], *(Decimal(v) for v in row[3:])) for row in floor_rows]
    if ours != theirs:
        differing = next(pair for pair in zip(ours, theirs, strict=False) if pair[0] != pair[1])
        sys.exit(f"The ledger and the floor disagree ({len(ours)} vs {len(theirs)}): {differing}")
    pivot = reconciliation_pivot(programme)
    for measure in PROJECT_YEAR_MEASURES:
        if pivot[measure].sum() != sum((r[measure] for r in rows), Decimal(0)):
            sys.exit(f"The pivot's {measure} differs from the rows'")


def main() -> None:
    args = arguments(
        __doc__.splitlines()[1],
        projects=(10_000, 60),
        transactions=(100_000, 600),
        import_rows=(50_000, 200),
    )
    if "--repeat" not in sys.argv:
        args.repeat = 3 if args.smoke else 7
    with scratch_database("regia_bench_ledger"):
        from funding.ledger import project_year_rows, reconciliation_pivot

        programme, counts = seed(args.projects, args.transactions)
        print(", ".join(f"{n:,} {what}" for what, n in counts.items()))
        floor_rows = floor(programme.pk)
        check_same_figures(programme, floor_rows)
        print(f"{len(floor_rows):,} project-year rows, the same figures both ways")
        base = percentiles(timed(lambda: floor(programme.pk), args.repeat))
        rows = percentiles(timed(lambda: project_year_rows(programme), args.repeat))
        pivot = percentiles(timed(lambda: reconciliation_pivot(programme), args.repeat))
        report(
            [
                ("raw SQL aggregate (floor)", *base, "1.00×"),
                ("project_year_rows", *rows, f"{rows[0] / base[0]:.2f}×"),
                ("rows + reconciliation_pivot", *pivot, f"{pivot[0] / base[0]:.2f}× (≤ 1.5×)"),
            ]
        )

        import _ledger_import

        result = _ledger_import.run(rows=args.import_rows)
        print(
            f"import of {result['rows']:,} rows: {result['seconds']:.1f} s (≤ 60 s), "
            f"peak {result['peak_mb']:.0f} MB (≤ 500 MB)"
        )


if __name__ == "__main__":
    main()
