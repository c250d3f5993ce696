"""Benchmark of the leader dashboard and the situation report on PostgreSQL (``make bench``).

Two generated installations (``bench/generate.py``): a county of 100,000 people and a
province of 2,000,000. Each lives in its own database, ``<name>_100k`` / ``<name>_2m``
(``<name>`` from BENCH_DATABASE_URL, default ``postgres://postgres@127.0.0.1:5432/dashboards_bench``),
created, migrated and generated on the first run and reused afterwards (the 2M
generation takes several minutes; ``--regenerate`` starts again).

For each, as a leader whose scope is the whole installation, warm (two requests first,
then the median of ``--repeat`` requests):

- ``dashboard``: server time of ``GET /dashboards/`` through Django's test client (URL
  routing, middleware, every section's tiles and charts, the template), warm: the
  figure cache (``cadre_portal/figures/cache.py``, invalidated by every committed
  write) holds the results; also measured with the cache off (``uncached``: every
  figure computed by its one query) and once right after the cache is emptied;
- ``queries_per_widget``: the queries of a request right after a write (every figure
  recomputed; bucket lists such as the townships stay cached, being reference data)
  less its five fixed queries (session, user, the user's region, the data and reference
  versions), divided by its widgets;
- ``naive``: the same numbers the naive way, side by side in the same run: one ORM
  ``count()`` per tile and per bar or slice of every chart;
- ``report``: building the default situation report (every figure of the seed).

The last line: ``dashboard_100k_ms=… dashboard_2m_ms=… naive_100k_ms=… naive_2m_ms=…
queries_per_widget=… report_100k_ms=… report_2m_ms=…`` (targets: ≤ 100 ms at 100k, ≤ 300 ms
at 2M, ≤ 1 query per widget). ``--quick``: the 100k installation only.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dashboards_bench"
SIZES = {"100k": (100_000, "county"), "2m": (2_000_000, "province")}
# Every dashboard request, whatever its widgets: the session, the user, the user's region
# (the page header), the figures' data version and the reference data's version.
FIXED_QUERIES = 5


def database_url(size: str) -> str:
    base = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    parsed = urlparse(base)
    return urlunparse(parsed._replace(path=f"{parsed.path.rstrip('/')}_{size}"))


def ensure_database(url: str, *, fresh: bool) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = psycopg2.connect(dbname="postgres", user=parsed.username or "postgres", password=parsed.password or None,
                             host=parsed.hostname or "127.0.0.1", port=parsed.port or 5432)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and fresh:
            cursor.execute(f'DROP DATABASE "{name}"')
            exists = False
        if not exists:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def median_ms(fn, repeat: int) -> float:
    for _ in range(2):
        fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


class QueryCounter:
    """Counts the statements of a request (Django's own query log is reset when a
    request starts, so it cannot be read around a test-client request)."""

    def __init__(self, connection):
        self.connection, self.count = connection, 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self._cm = self.connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def child(size: str, repeat: int) -> dict:
    """Runs inside a process whose DATABASE_URL is the size's database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench import generate as gen
    from cadre_portal.dashboards import build, report
    from cadre_portal.dashboards.models import ReportTemplate
    from cadre_portal.figures import periods, registry
    from cadre_portal.models import Region, Role, User

    call_command("migrate", verbosity=0)
    people, shape = SIZES[size]
    if os.environ.get("BENCH_GENERATE", "1") == "1":
        before = gen.existing()
        gen.generate(people, shape=shape)  # fills only the registries still empty
        if gen.existing() != before or not before:
            # A freshly loaded table has no visibility map: VACUUM lets the counts use
            # index-only scans, as autovacuum would after a while in production.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    root = Region.objects.filter(parent__isnull=True).order_by("level").first() if shape == "province" \
        else Region.objects.get(code="421223")
    leader, _ = User.objects.get_or_create(username=f"bench_leader_{size}", defaults=dict(role=Role.LEADER, region=root, full_name="县领导"))
    if leader.region_id != root.pk:
        User.objects.filter(pk=leader.pk).update(region=root)
        leader.refresh_from_db()

    client = Client()
    client.force_login(leader)
    period = periods.preset(periods.THIS_YEAR)

    def dashboard():
        response = client.get("/dashboards/")
        assert response.status_code == 200, response.status_code

    from django.test.utils import override_settings

    from cadre_portal.figures import cache

    dashboard_ms = median_ms(dashboard, repeat)
    with QueryCounter(connection) as cached_queries:
        dashboard()
    with override_settings(FIGURES_CACHE_SECONDS=0):
        nocache_ms = median_ms(dashboard, max(3, repeat // 2))
        with QueryCounter(connection) as captured:
            dashboard()
    # After a write: every figure recomputed, the reference data (bucket lists) still cached.
    dashboard()
    cache.clear(results_only=True)
    with QueryCounter(connection) as after_write:
        started = time.perf_counter()
        dashboard()
        after_write_ms = (time.perf_counter() - started) * 1000
    cache.clear()
    started = time.perf_counter()
    dashboard()
    cold_ms = (time.perf_counter() - started) * 1000
    blocks = build.dashboard(leader, period)
    widgets = sum(len(b.tiles) + len(b.widgets) for b in blocks)

    def naive():
        for section in registry.sections_for(leader):
            for chart in registry.charts(section.key):
                figure = registry.find(chart.figure)
                if figure is None:
                    continue
                if chart.type == "number" or not figure.dimensions:
                    figure.rows(leader, period).count()
                    continue
                dims = figure.dimensions[:2]
                first = dims[0].bucket_list(leader, period)
                second = dims[1].bucket_list(leader, period) if len(dims) > 1 else [None]
                for a in first:
                    for b in second:
                        keys = [a.key] + ([b.key] if b is not None else [])
                        figure.queryset(leader, period, keys).count()

    naive_ms = median_ms(naive, max(1, repeat // 3))
    body = ReportTemplate.default().body
    report_ms = median_ms(lambda: report.build(body, user=leader, period=period), repeat)
    with override_settings(FIGURES_CACHE_SECONDS=0):
        report_nocache_ms = median_ms(lambda: report.build(body, user=leader, period=period), max(3, repeat // 3))
    return {
        "dashboard_ms": round(dashboard_ms, 1),
        "nocache_ms": round(nocache_ms, 1),
        "cold_ms": round(cold_ms, 1),
        "after_write_ms": round(after_write_ms, 1),
        "after_write_queries": after_write.count,
        "cached_queries": cached_queries.count,
        "report_nocache_ms": round(report_nocache_ms, 1),
        "naive_ms": round(naive_ms, 1),
        "report_ms": round(report_ms, 1),
        "queries": captured.count,
        "widgets": widgets,
        "people": people,
        "candidates": gen.existing(),
    }


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 100k installation")
    parser.add_argument("--regenerate", action="store_true", help="drop and generate the databases again")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--only", choices=list(SIZES), help="one installation only (for iterating; not the reported line)")
    parser.add_argument("--child", choices=list(SIZES))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.repeat)))
        return
    results = {}
    sizes = [args.only] if args.only else (["100k"] if args.quick else ["100k", "2m"])
    for size in sizes:
        url = database_url(size)
        ensure_database(url, fresh=args.regenerate)
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "PLAIN_STATIC": "1"}
        env.pop("REDIS_URL", None)
        out = subprocess.run([sys.executable, __file__, "--child", size, "--repeat", str(args.repeat)],
                             env=env, cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stderr)
            raise SystemExit(f"dashboard benchmark ({size}) failed")
        sys.stderr.write(out.stderr[-2000:])
        results[size] = json.loads(out.stdout.strip().splitlines()[-1])
        r = results[size]
        print(f"{size}: {r['candidates']:,} reserve cadres of {r['people']:,} people; dashboard warm {r['dashboard_ms']} ms "
              f"({r['cached_queries']} queries), recomputed after a write {r['after_write_ms']} ms ({r['after_write_queries']} queries), "
              f"cold process {r['cold_ms']} ms, cache off {r['nocache_ms']} ms "
              f"({r['queries']} queries, {r['widgets']} widgets); naive {r['naive_ms']} ms; "
              f"report {r['report_ms']} ms (uncached {r['report_nocache_ms']} ms)", flush=True)
    if "100k" not in results:
        return
    small = results["100k"]
    parts = [f"dashboard_100k_ms={small['dashboard_ms']}"]
    if "2m" in results:
        parts.append(f"dashboard_2m_ms={results['2m']['dashboard_ms']}")
    parts.append(f"naive_100k_ms={small['naive_ms']}")
    if "2m" in results:
        parts.append(f"naive_2m_ms={results['2m']['naive_ms']}")
    # Queries per widget when every figure is recomputed (after a write), less the request's
    # fixed queries.
    worst = max((r["after_write_queries"] - FIXED_QUERIES) / max(1, r["widgets"]) for r in results.values())
    parts.append(f"queries_per_widget={worst:.2f}")
    parts.append(f"dashboard_100k_uncached_ms={small['nocache_ms']}")
    if "2m" in results:
        parts.append(f"dashboard_2m_uncached_ms={results['2m']['nocache_ms']}")
    parts.append(f"report_100k_ms={small['report_ms']}")
    if "2m" in results:
        parts.append(f"report_2m_ms={results['2m']['report_ms']}")
    print(" ".join(parts))


if __name__ == "__main__":
    main()
