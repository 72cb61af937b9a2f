"""What the benchmarks share: a throwaway PostgreSQL database, Django on it, timing.

Each benchmark runs against a database of its own, created on the PostgreSQL server of
DATABASE_URL (default: the local one) and dropped at the end, so it never touches real data.
Figures are ratios against a baseline measured in the same run: these machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def arguments(description: str, **sizes: tuple[int, int]) -> argparse.Namespace:
    """``sizes`` maps a name to (full size, smoke size); --smoke picks the tiny one for CI."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="a tiny run, to prove it works")
    parser.add_argument("--repeat", type=int, default=None, help="timed requests per case")
    args = parser.parse_args()
    for name, (full, smoke) in sizes.items():
        setattr(args, name, smoke if args.smoke else full)
    if args.repeat is None:
        args.repeat = 5 if args.smoke else 200
    return args


@contextmanager
def scratch_database(prefix: str):
    """Create a PostgreSQL database, point Django at it, migrate; drop it afterwards."""
    import psycopg

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    parts = urlsplit(base)
    name = f"{prefix}_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    # The benchmark must measure the server, not the throttles.
    os.environ.setdefault("REGIA_API_USER_RATE", "100000000/minute")
    os.environ.setdefault("REGIA_API_ANON_RATE", "100000000/minute")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield os.environ["DATABASE_URL"]
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def timed(call, repeat: int) -> list[float]:
    """Seconds per call, after two warm-up calls."""
    call()
    call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def report(rows: list[tuple[str, float, float, str]]) -> None:
    """Print one line per case: p50 and p95 in milliseconds and a ratio."""
    width = max(len(row[0]) for row in rows)
    print(f"{'case':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  ratio")
    for name, p50, p95, ratio in rows:
        print(f"{name:<{width}}  {p50 * 1000:8.2f}  {p95 * 1000:8.2f}  {ratio}")
