#!/usr/bin/env python
"""Benchmark the case list, case search and case page at national scale.

    python bench/cases.py --cases 1000000 [--database-url URL] [--repeat 200]

It migrates and fills its OWN scratch database (a temporary SQLite file by default; a given URL
must point to an EMPTY database), so it never touches real data: the 34 provinces and 3,321
communes, one agency and one case worker per commune, a case supervisor per province, and N
synthetic cases (invented names, encrypted like real ones, blind-indexed, each assigned to its
commune's worker). Then it times, through the real views (Django test client, session auth,
access logging included):

- the case list (first page) for a commune worker and for a province supervisor,
- a case search by phone number (blind index),
- the case page,
- the supervisor's list query as bare SQL (same SQL and parameters), to compare with the
  database's own time in the same run.

The last line printed is one JSON object with the p95 figures in milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per figure")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", default="", help="keep the scratch SQLite database in this dir")
    return parser.parse_args()


def setup_django(url: str, tmp: Path) -> None:
    """Production settings (DEBUG off, cached templates), with throwaway keys for this run."""
    import secrets

    from gbvms.envconf import new_field_key

    os.environ.update(
        {
            "DATABASE_URL": url,
            "GBVMS_DEBUG": "0",
            "GBVMS_SECRET_KEY": secrets.token_urlsafe(50),
            "GBVMS_FIELD_KEYS": new_field_key(),
            "GBVMS_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
            "GBVMS_ALLOWED_HOSTS": "testserver",
            "GBVMS_SSL_REDIRECT": "0",
            "GBVMS_TESTING": "1",  # static files from the finders, no collectstatic needed
            "DJANGO_SETTINGS_MODULE": "gbvms.settings",
        }
    )
    import django

    django.setup()


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    fn()  # warm
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


@contextlib.contextmanager
def scratch_database(args: argparse.Namespace) -> Iterator[Path]:
    """Django set up on the benchmark's own database: a temporary SQLite file (or the
    ``--keep`` directory's), or ``--database-url``, which must be empty. Yields the directory."""
    with tempfile.TemporaryDirectory(prefix="gbvms-bench-") as name:
        tmp = Path(args.keep or name)
        tmp.mkdir(parents=True, exist_ok=True)
        setup_django(args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}", tmp)
        from django.db import connection

        if connection.vendor == "postgresql" or args.database_url:
            with connection.cursor() as cursor:
                if connection.introspection.table_names(cursor):
                    sys.exit("--database-url must point to an empty database")
        yield tmp


def main() -> None:
    args = parse()
    with scratch_database(args):
        from django.core.management import call_command
        from django.db import connection

        from bench.fill import fill

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        world = fill(cases=args.cases, seed=args.seed, log=print)
        print(f"filled in {time.perf_counter() - started:.0f} s", flush=True)
        result = measure(world, args.repeat, random.Random(args.seed))
        result = {"cases": args.cases, "db": connection.vendor, **result}
        print(json.dumps(result))


def measure(world, repeat: int, rng: random.Random) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test import Client

    from gbvms.cases.selectors import case_list

    worker = Client()
    worker.force_login(world.worker, backend="django.contrib.auth.backends.ModelBackend")
    supervisor = Client()
    supervisor.force_login(world.supervisor, backend="django.contrib.auth.backends.ModelBackend")

    def get(client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code  # noqa: S101

    worker_list = timed(lambda: get(worker, "/cases/"), repeat)
    supervisor_list = timed(lambda: get(supervisor, "/cases/"), repeat)
    phones = world.phones

    def search() -> None:
        response = worker.post("/cases/", {"name": "", "phone": rng.choice(phones)})
        assert response.status_code == 200  # noqa: S101

    search_samples = timed(search, repeat)
    codes = world.codes
    page = timed(lambda: get(worker, f"/cases/{rng.choice(codes)}/"), repeat)
    qs = case_list(user=world.supervisor)[:25]
    sql, params = qs.query.sql_with_params()

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    raw_samples = timed(raw, repeat)
    explain(
        {
            "worker list": lambda: get(worker, "/cases/"),
            "supervisor list": lambda: get(supervisor, "/cases/"),
            "search": search,
            "case page": lambda: get(worker, f"/cases/{rng.choice(codes)}/"),
        }
    )
    figures = {
        "case_list_worker_p50_ms": p(worker_list, 0.5),
        "case_list_worker_p95_ms": p(worker_list, 0.95),
        "case_list_supervisor_p50_ms": p(supervisor_list, 0.5),
        "case_list_supervisor_p95_ms": p(supervisor_list, 0.95),
        "case_search_p50_ms": p(search_samples, 0.5),
        "case_search_p95_ms": p(search_samples, 0.95),
        "case_page_p50_ms": p(page, 0.5),
        "case_page_p95_ms": p(page, 0.95),
        "raw_sql_list_p50_ms": p(raw_samples, 0.5),
        "raw_sql_list_p95_ms": p(raw_samples, 0.95),
    }
    figures["case_list_p95_ms"] = max(
        figures["case_list_worker_p95_ms"], figures["case_list_supervisor_p95_ms"]
    )
    figures["mean_request_ms"] = round(statistics.mean(worker_list + page) * 1000, 2)
    return figures


def explain(requests: dict) -> None:  # type: ignore[type-arg]
    """Where one request of each kind spends its database time: query count, total, slowest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for label, fn in requests.items():
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            total = (time.perf_counter() - start) * 1000
        queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        print(f"{label}: {total:.1f} ms, {len(queries)} queries, {sql_ms:.1f} ms in SQL")
        for q in queries[:3]:
            print(f"   {float(q['time']) * 1000:6.1f} ms  {q['sql'][:160]}")


if __name__ == "__main__":
    main()
