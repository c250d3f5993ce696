"""A cache for figure results that every committed write invalidates.

A dashboard reads a dozen or more figures, each an aggregate over the whole scope
(100,000 people in a county, 2,000,000 in a province). Their results are kept,
per process, under a key made of the figure, the viewer's scope, the period and
the **data version**: on PostgreSQL the sum of the insert/update/delete counters
(``pg_stat_user_tables``) of the tables figures read — the apps that register
figures, the region tree, units, code tables. Any committed write changes it,
whatever path wrote: an ORM save, the bulk ``COPY`` path, ``queryset.update()``,
raw SQL. PostgreSQL publishes a transaction's counters when it ends, or within
about ten seconds when it ends within a second of the previous publication
(``PGSTAT_IDLE_INTERVAL``); the version is read at most once every five seconds per process.
A result computed less than ``FIGURES_CACHE_MIN_SECONDS`` (default 15 s) ago is
served even if the data changed since, so a steady stream of writes across a
province costs one computation per figure and scope in that interval, not one per
request. A result older than that but younger than ``FIGURES_CACHE_STALE_SECONDS``
(default 120 s) is served while one background thread of the process computes it
again (stale-while-revalidate): at province scale a full recomputation takes
seconds, and no viewer waits for it unless the cached numbers are older than that.

So a number on a dashboard **lags a write by at most about two minutes**
(``FIGURES_CACHE_STALE_SECONDS``), usually by 20 s or less, and a result is never
kept longer than ``FIGURES_CACHE_SECONDS`` (default 300 s).

On SQLite (the embedded default, a county's data) and in tests nothing is cached:
``FIGURES_CACHE_SECONDS=0`` or no PostgreSQL means every figure is computed.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, connections

logger = logging.getLogger(__name__)

VERSION_MEMO_SECONDS = 5.0
_MISSING = object()
_lock = threading.Lock()
_memo = {"at": -1e9, "version": None}
_reference_memo = {"at": -1e9, "version": None}
_store: LocMemCache | None = None
_reference_store: LocMemCache | None = None
_refreshing: set[str] = set()
_pool: ThreadPoolExecutor | None = None
_tables: list[str] | None = None
SOURCE_APPS: set[str] = set()  # filled by the figures app with every app that has a figures module


def seconds() -> int:
    return int(getattr(settings, "FIGURES_CACHE_SECONDS", 0) or 0)


def enabled() -> bool:
    return seconds() > 0 and connection.vendor == "postgresql"


def store() -> LocMemCache:
    global _store
    if _store is None:
        _store = LocMemCache("cadre-portal-figures", {"TIMEOUT": seconds(), "OPTIONS": {"MAX_ENTRIES": 5000, "CULL_FREQUENCY": 4}})
    return _store


def reference_store() -> LocMemCache:
    global _reference_store
    if _reference_store is None:
        _reference_store = LocMemCache("cadre-portal-figure-buckets", {"TIMEOUT": seconds(), "OPTIONS": {"MAX_ENTRIES": 2000}})
    return _reference_store


def source_tables() -> list[str]:
    """The tables figures read: every model table of the apps with figures, plus the
    shared region tree, units, code tables and users (scope)."""
    global _tables
    if _tables is None:
        from django.apps import apps

        labels = SOURCE_APPS | {"cadre_portal"}
        tables = set()
        for model in apps.get_models():
            if model._meta.app_label in labels and not model._meta.db_table.startswith(f"{model._meta.app_label}_historical"):
                tables.add(model._meta.db_table)
        _tables = sorted(tables)
    return _tables


def reference_tables() -> list[str]:
    """The shared tables bucket lists read: regions, code tables, units, users (not the
    audit log or anything else a workflow writes on every action)."""
    from cadre_portal.models import CodeItem, Region, Unit, User

    return sorted(m._meta.db_table for m in (CodeItem, Region, Unit, User))


def _read_version(tables: list[str], memo: dict) -> str:
    now = time.monotonic()
    with _lock:
        if now - memo["at"] < VERSION_MEMO_SECONDS:
            return memo["version"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0), COUNT(*) FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [tables],
        )
        changes, count = cursor.fetchone()
    found = f"{changes}.{count}"
    with _lock:
        memo.update(at=time.monotonic(), version=found)
    return found


def version() -> str | None:
    """The data version of the figure sources (see the module docstring)."""
    return _read_version(source_tables(), _memo)


def reference_version() -> str | None:
    """The version of the shared reference data alone: bucket lists (a county's
    townships, the grade table) stay cached while the registries change."""
    return _read_version(reference_tables(), _reference_memo)


def scope_key(user) -> str:
    region = getattr(user, "region", None) if getattr(user, "region_id", None) else None
    return "|".join([
        str(getattr(user, "role", "")), "su" if getattr(user, "is_superuser", False) else "",
        region.path if region is not None else "", str(getattr(user, "domain", "") or ""),
        str(getattr(user, "unit_id", "") or ""), "1" if getattr(user, "is_active", False) else "0",
    ])


def min_seconds() -> int:
    return int(getattr(settings, "FIGURES_CACHE_MIN_SECONDS", 15) or 0)


def stale_seconds() -> int:
    return int(getattr(settings, "FIGURES_CACHE_STALE_SECONDS", 120) or 0)


def _refresh_later(key: str, compute, current) -> None:
    """Compute ``key`` again in the process's one refresh thread (once at a time per key)."""
    global _pool
    with _lock:
        if key in _refreshing:
            return
        _refreshing.add(key)
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="figures-refresh")

    def run():
        try:
            value = compute()
            store().set(key, (value, current, time.monotonic()), seconds())
        except Exception:  # noqa: BLE001 - the stale value stays; the next view tries again
            logger.exception("Refreshing a cached figure failed")
        finally:
            with _lock:
                _refreshing.discard(key)
            connections.close_all()  # this thread's own connections

    _pool.submit(run)


def cached(kind: str, name: str, user, period, compute):
    """``compute()``, or its result for the same figure, scope and period when the data
    version has not changed since — or changed less than ``FIGURES_CACHE_MIN_SECONDS``
    after it was computed (under a steady stream of writes a figure is then computed
    at most once in that interval instead of on every request)."""
    if not enabled():
        return compute()
    raw = f"{kind}\x1f{name}\x1f{scope_key(user)}\x1f{period.key}\x1f{period.start}\x1f{period.end}"
    key = "f:" + hashlib.sha1(raw.encode()).hexdigest()
    if kind == "buckets":
        return _cached_reference(key, compute)
    current = version()
    found = store().get(key, _MISSING)
    if found is not _MISSING:
        value, seen_version, computed_at = found
        age = time.monotonic() - computed_at
        if seen_version == current or age < min_seconds():
            return value
        if age < stale_seconds():
            _refresh_later(key, compute, current)
            return value
    value = compute()
    store().set(key, (value, current, time.monotonic()), seconds())
    return value


def _cached_reference(key: str, compute):
    current = reference_version()
    found = reference_store().get(key, _MISSING)
    if found is not _MISSING and found[1] == current:
        return found[0]
    value = compute()
    reference_store().set(key, (value, current), seconds())
    return value


def wait_for_refreshes(timeout: float = 60.0) -> None:
    """Block until the refresh thread has nothing left (tests, benchmarks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            if not _refreshing:
                return
        time.sleep(0.02)


def clear(*, results_only: bool = False) -> None:
    """Forget every cached result (tests, after a restore); ``results_only`` keeps the
    bucket lists (what a write to a registry leaves valid)."""
    store().clear()
    if not results_only:
        reference_store().clear()
        with _lock:
            _reference_memo.update(at=-1e9, version=None)
    with _lock:
        _memo.update(at=-1e9, version=None)
