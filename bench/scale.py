"""Scale benchmark on PostgreSQL (``make bench-scale``; issue 16 items 1 and 7).

Grows a database to ``SCALE_PEOPLE`` reserve cadres (default 100,000, the issue's
baseline; ``SCALE_PEOPLE=2000000`` is the province run) plus the young-cadre bank and
the talent registries in the generator's proportions to them, through the project's
bulk path (``bench/generate.py``: ``COPY`` via ``cadre_portal.bulk``, coherent stage
history, attendance with the hours ledger, appraisals, pool, appointments, simple-
history rows), then adds what the generator does not write: the users of every role
(an officer per township, county staff, a leader, a domain officer, an administrator,
a unit contact), two years of audit events, the reminders and notifications of a first
daily scan (the "busy day", timed) and a year of older notifications per user.

The database is ``<name>_<size>`` (``<name>`` from ``BENCH_SCALE_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/scale``; size ``100k``, ``2m`` or the number). Growth
is resumable: each phase is recorded in ``bench_scale_phase`` when it commits, the
reserve cadres are committed per batch and a rerun goes on from where it stopped;
``--regenerate`` starts again.

Measured (``DEBUG=0``, warm, through Django's test client: URL routing, middleware,
views, templates; no network):

- every list, detail, home, overview, reminders, notifications and audit page for each
  role that may open it: median and p95 of ``--repeat`` requests and the queries of one
  request; the list's last page (``?last=1``) is the "deep page";
- ``EXPLAIN`` of every statement those pages run (item 7): any sequential scan of a table
  of more than ``BIG_TABLE_ROWS`` rows is printed with the page and the statement;
- the daily scan (``manage.py run_due_reminders``) on the day after the busy day;
- the export of the whole reserves list (``SCALE_PEOPLE`` rows, one .xlsx, through the export
  service the background export runs) in a process of its own, with its memory growth (peak
  RSS minus the RSS before, the peak reset through ``/proc/self/clear_refs``);
- ``rps_list``: ``/reserves/`` as county staff through gunicorn (3 sync workers, the
  deployment's config) driven by a bounded loopback load tool (``CONCURRENCY`` keep-busy
  clients for ``LOAD_SECONDS``), and ``rps_healthz`` with the same tool in the same run,
  so their ratio holds on a noisy machine.

The last line: ``scale_people=… page_p50_max_ms=… page_p95_max_ms=… deep_page_ms=…
reminders_page_ms=… scan_s=… export_100k_s=… export_peak_mb=… rps_list=… rps_healthz=…``
(more keys follow). Targets at 100k (county staff): every page p50 ≤ 100 ms, p95 ≤ 250 ms,
reminders ≤ 150 ms, scan ≤ 10 s, export ≤ 15 s and ≤ 50 MB, ``/reserves/`` ≥ 100 req/s.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/scale"
BIG_TABLE_ROWS = 10_000
PORT = int(os.environ.get("SCALE_PORT", "8111"))
CONCURRENCY = 6
LOAD_SECONDS = float(os.environ.get("SCALE_LOAD_SECONDS", "15"))
# Older notifications per user (a year of them), and audit events per reserve cadre.
NOTIFICATIONS_PER_USER = 400
AUDIT_PER_PERSON = 1.7


def log(message: str) -> None:
    print(f"[scale {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def size_label(people: int) -> str:
    return {100_000: "100k", 2_000_000: "2m"}.get(people, str(people))


def database_url(people: int) -> str:
    base = os.environ.get("BENCH_SCALE_DATABASE_URL", DEFAULT_URL)
    parsed = urlparse(base)
    return urlunparse(parsed._replace(path=f"{parsed.path.rstrip('/')}_{size_label(people)}"))


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


# --- growing the database (child process) ---------------------------------------------------


def _phase_done(name: str) -> dict | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_scale_phase (name text PRIMARY KEY, done_at timestamptz, info jsonb)")
        cursor.execute("SELECT info FROM bench_scale_phase WHERE name = %s", [name])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0] or "{}")


def _mark_done(name: str, info: dict | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_scale_phase VALUES (%s, now(), %s) ON CONFLICT (name) DO UPDATE SET info = EXCLUDED.info",
                       [name, json.dumps(info or {})])


def _root(shape: str):
    from cadre_portal.models import Region

    if shape == "province":
        return Region.objects.get(code="430000")
    return Region.objects.get(code="421223")


def _users(root):
    """The bench's users of every role (idempotent); unusable passwords (the client logs in by force)."""
    from cadre_portal.models import Region, Role, Unit, User

    townships = list(Region.objects.filter(path__startswith=root.path, level=Region.Level.TOWNSHIP).order_by("path"))
    existing = set(User.objects.filter(username__startswith="scale_").values_list("username", flat=True))
    rows = [User(username=f"scale_officer_{t.code}", role=Role.TOWNSHIP_OFFICER, region=t, full_name=f"{t.name}组织委员")
            for t in townships if f"scale_officer_{t.code}" not in existing]
    county = Region.objects.filter(path__startswith=root.path, level=Region.Level.COUNTY).order_by("path").first()
    unit = Unit.objects.filter(region=county).order_by("pk").first()
    for username, role, extra in [
        ("scale_county", Role.COUNTY_STAFF, dict(region=root, full_name="组织部干部")),
        ("scale_leader", Role.LEADER, dict(region=root, full_name="县领导")),
        ("scale_edu", Role.DOMAIN_OFFICER, dict(region=root, domain="education", full_name="教育局干部")),
        ("scale_admin", Role.ADMIN, dict(region=root, full_name="系统管理员", is_staff=True, is_superuser=True)),
        ("scale_unit", Role.UNIT_CONTACT, dict(unit=unit, full_name="单位干部联络员")),
    ]:
        if username not in existing:
            rows.append(User(username=username, role=role, **extra))
    for user in rows:
        user.set_unusable_password()
    User.objects.bulk_create(rows, batch_size=2000)
    return User.objects.filter(username__startswith="scale_")


def _audit(people: int, root, users, rng) -> int:
    """Two years of audit events: mostly workflow decisions, then logins, exports and imports,
    each in its acting user's region."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from bench.generate import BATCH, _Dated
    from cadre_portal.bulk import build, bulk_insert_with_history
    from cadre_portal.models import AuditEvent

    K = AuditEvent.Kind
    actors = [(u.pk, u.username, u.region_id) for u in users if u.region_id]
    kinds = [(K.TRANSITION, "审查备案 {n}", 70), (K.LOGIN, "{u} 登录", 18), (K.LOGOUT, "{u} 退出", 6),
             (K.EXPORT, "导出后备干部 {n} 条", 3), (K.IMPORT, "导入推荐人选 {n} 条", 2), (K.LOGIN_FAILED, "{u} 登录失败", 1)]
    names, summaries, weights = zip(*[(k, s, w) for k, s, w in kinds])
    total = int(people * AUDIT_PER_PERSON)
    now = timezone.now()
    done = 0
    while done < total:
        size = min(BATCH, total - done)
        rows = []
        for _ in range(size):
            i = rng.choices(range(len(names)), weights)[0]
            pk, username, region_id = actors[rng.randrange(len(actors))]
            rows.append(dict(kind=names[i], user_id=pk, username=username, ip_address="10.1.2.3", region_id=region_id,
                             summary=summaries[i].format(n=rng.randint(1, 500), u=username),
                             detail={}, created_at=now - timedelta(seconds=rng.randint(0, 730 * 86400))))
        with transaction.atomic(), _Dated(AuditEvent._meta.get_field("created_at")):
            bulk_insert_with_history(build(AuditEvent, rows), AuditEvent, user=None, history=False)
        done += size
        log(f"audit {done:,}/{total:,}")
    return total


def _old_notifications(users, rng) -> int:
    """A year of notifications per user (85 % read), with their history rows."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from cadre_portal.bulk import build, bulk_insert_with_history
    from cadre_portal.notifications.models import Notification

    now = timezone.now()
    total = 0
    batch = []
    for user in users:
        for _ in range(NOTIFICATIONS_PER_USER):
            at = now - timedelta(seconds=rng.randint(86400, 365 * 86400))
            batch.append(dict(recipient_id=user.pk, title="后备干部培训提醒", body="请按时参加集中学习培训。", link="/reserves/training/",
                              created_at=at, read_at=at + timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.85 else None))
        if len(batch) >= 20_000:
            with transaction.atomic():
                bulk_insert_with_history(build(Notification, batch), Notification, user=None, history=True)
            total += len(batch)
            batch = []
    if batch:
        with transaction.atomic():
            bulk_insert_with_history(build(Notification, batch), Notification, user=None, history=True)
        total += len(batch)
    return total


def _run_scan() -> float:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("run_due_reminders", stdout=out)
    seconds = time.perf_counter() - started
    log("scan: " + " | ".join(line for line in out.getvalue().splitlines() if line.strip()))
    return seconds


def grow(people: int, shape: str) -> dict:
    """Runs inside a process whose DATABASE_URL is the size's database."""
    import random

    from django.core.management import call_command
    from django.db import connection

    from bench import generate as gen

    call_command("migrate", verbosity=0)
    info: dict = {}
    if _phase_done("generate") is None:
        # SCALE_PEOPLE reserve cadres, the other registries in the generator's proportion to them.
        total = int(people / gen.RESERVES_SHARE)
        gen.generate(total, shape=shape, history=True, reserves=people)
        _mark_done("generate")
    root = _root(shape)
    users = list(_users(root))
    rng = random.Random(16)
    if _phase_done("audit") is None:
        _mark_done("audit", {"events": _audit(people, root, users, rng)})
    if _phase_done("notifications") is None:
        _mark_done("notifications", {"rows": _old_notifications(users, rng)})
    if _phase_done("vacuum") is None:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        _mark_done("vacuum")
    done = _phase_done("first_scan")
    if done is None:
        seconds = _run_scan()
        done = {"s": round(seconds, 2)}
        _mark_done("first_scan", done)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    info["first_scan_s"] = done["s"]
    with connection.cursor() as cursor:
        for table in ("reserves_candidate", "reserves_transition", "reserves_attendance", "cadre_portal_auditevent",
                      "notifications_reminder", "notifications_notification", "youth_cadres_cadre", "talents_talent"):
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            row = cursor.fetchone()
            info[table] = row[0] if row else None
    return info


# --- measuring (child process) --------------------------------------------------------------


class Capture:
    """Counts a request's statements and keeps its SELECTs (for EXPLAIN)."""

    def __init__(self, connection, keep: bool):
        self.connection, self.keep, self.count, self.selects = connection, keep, 0, []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.keep and not many and sql.lstrip().upper().startswith("SELECT"):
            self.selects.append((sql, params))
        return execute(sql, params, many, context)

    def __enter__(self):
        self._cm = self.connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=20, method="inclusive")[-1]


def _pages(users: dict) -> list[tuple[str, str]]:
    """(name, url) of every page measured; detail pages on a record the county can see."""
    from cadre_portal.models import Domain
    from reserves.models import Candidate, TrainingSession

    county = users["county_staff"]
    pages = [
        ("home", "/"), ("notifications", "/notifications/"), ("notifications_unread", "/notifications/?show=unread"),
        ("reminders", "/notifications/reminders/"), ("audit", "/audit/"), ("audit_last", "/audit/?last=1"),
        ("regions", "/regions/"), ("dashboard", "/dashboards/"), ("excel", "/excel/"),
        ("reserves_list", "/reserves/"), ("reserves_last", "/reserves/?last=1"),
        ("reserves_search_initials", "/reserves/?q=zs"), ("reserves_search_han", "/reserves/?q=张伟"),
        ("reserves_sort_hours", "/reserves/?sort=-hours_attended"),
        ("reserves_overview", "/reserves/overview/"), ("reserves_pool", "/reserves/pool/"),
        ("reserves_pool_last", "/reserves/pool/?last=1"),
        ("reserves_villages", "/reserves/villages/"), ("reserves_election", "/reserves/villages/election/"),
        ("reserves_seats", "/reserves/villages/seats/"), ("reserves_review", "/reserves/review/"),
        ("reserves_review_nominations", "/reserves/review/nominations/"),
        ("reserves_review_committee", "/reserves/review/committee/"),
        ("reserves_submission", "/reserves/submission/"), ("reserves_training", "/reserves/training/"),
        ("youth_bank", "/youth/"), ("youth_bank_last", "/youth/?last=1"), ("youth_cadres", "/youth/cadres/"),
        ("youth_cadres_last", "/youth/cadres/?last=1"), ("youth_posts", "/youth/posts/"),
        ("youth_forecast", "/youth/posts/forecast/"), ("youth_plans", "/youth/plans/"),
        ("youth_appointments", "/youth/appointments/"), ("youth_rounds", "/youth/rounds/"),
        ("youth_worklog", "/youth/worklog/"), ("youth_training_records", "/youth/training-records/"),
        ("youth_supervision", "/youth/supervision/"),
        ("talents_index", "/talents/"), ("talents_overview", "/talents/overview/"),
        ("talents_platforms", "/talents/platforms/"), ("talents_plans", "/talents/plans/"), ("talents_orgs", "/talents/orgs/"),
    ]
    for domain in Domain.values:
        pages.append((f"talents_list_{domain}", f"/talents/list/{domain}/"))
    pages.append(("talents_list_last", f"/talents/list/{Domain.values[0]}/?last=1"))
    # Details: the record with the longest history the county sees, the latest session.
    candidate = Candidate.objects.visible_to(county).filter(stage="appointed").order_by("pk").first()
    if candidate is not None:
        pages.append(("reserves_detail", f"/reserves/{candidate.pk}/"))
    session = TrainingSession.objects.order_by("-date").first()
    if session is not None:
        pages.append(("reserves_training_detail", f"/reserves/training/{session.pk}/"))
    try:
        from youth_cadres.models import BankEntry, Post

        entry = BankEntry.objects.filter(status="in_bank").order_by("pk").first()
        if entry is not None:
            pages += [("youth_detail", f"/youth/{entry.cadre_id}/"), ("youth_history", f"/youth/{entry.cadre_id}/history/")]
        post = Post.objects.order_by("pk").first()
        if post is not None:
            pages.append(("youth_post_detail", f"/youth/posts/{post.pk}/"))
    except ImportError:
        pass
    try:
        from talents.models import ArtsOrganization, Platform, Talent

        for name, model, url in [("talents_detail", Talent, "/talents/{}/"), ("talents_platform_detail", Platform, "/talents/platforms/{}/"),
                                 ("talents_org_detail", ArtsOrganization, "/talents/orgs/{}/")]:
            obj = model.objects.order_by("pk").first()
            if obj is not None:
                pages.append((name, url.format(obj.pk)))
    except ImportError:
        pass
    return pages


def _officer_detail_pages(officer) -> list[tuple[str, str]]:
    """A township officer sees only their township: details of a record there."""
    from reserves.models import Candidate

    candidate = Candidate.objects.visible_to(officer).filter(stage="appointed").order_by("pk").first()
    return [("reserves_detail", f"/reserves/{candidate.pk}/")] if candidate else []


def _seq_scans(plan: dict, big: dict) -> list[tuple[str, int]]:
    found = []
    node_type = plan.get("Node Type", "")
    relation = plan.get("Relation Name")
    if node_type == "Seq Scan" and relation and big.get(relation, 0) > BIG_TABLE_ROWS:
        found.append((relation, big[relation]))
    for child in plan.get("Plans", []) or []:
        found += _seq_scans(child, big)
    return found


def explain_all(statements: dict) -> list[dict]:
    """EXPLAIN each distinct statement; report sequential scans of big tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' AND reltuples > %s", [BIG_TABLE_ROWS])
        big = dict(cursor.fetchall())
    findings = []
    for sql, (params, where) in statements.items():
        try:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0]
        except Exception as exc:  # noqa: BLE001 - a statement that cannot be explained is reported, not fatal
            findings.append({"pages": sorted(where), "error": str(exc).splitlines()[0], "sql": sql[:300]})
            continue
        if isinstance(plan, str):
            plan = json.loads(plan)
        for relation, rows in _seq_scans(plan[0]["Plan"], big):
            findings.append({"pages": sorted(where), "table": relation, "rows": rows, "sql": sql[:400]})
    return findings, len(statements)


def _rss_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def measure_export(user) -> dict:
    """The whole reserves list as county staff, through the export service (the path the
    background export runs): seconds, rows and memory growth."""
    import gc

    from cadre_portal.excel.services import export_file

    gc.collect()
    before = _rss_kb("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the peak RSS (VmHWM) to the current RSS
        peak_reset = True
    except OSError:
        peak_reset = False
    started = time.perf_counter()
    fh, rows = export_file(user=user, registry_key="reserve_nominations", params={})
    seconds = time.perf_counter() - started
    size = fh.seek(0, 2)
    fh.close()
    peak = _rss_kb("VmHWM")
    return {"s": round(seconds, 2), "rows": rows, "bytes": size, "peak_mb": round((peak - before) / 1024, 1) if peak_reset else None}


def measure(people: int, shape: str, repeat: int, only: list[str] | None, roles: list[str] | None = None) -> dict:
    from django.db import connection
    from django.test import Client

    from cadre_portal.models import Role, User

    # No setup_test_environment(): its instrumented template rendering would be measured too.
    root = _root(shape)
    by_role = {}
    for role, username in [(Role.COUNTY_STAFF, "scale_county"), (Role.LEADER, "scale_leader"), (Role.DOMAIN_OFFICER, "scale_edu"),
                           (Role.ADMIN, "scale_admin"), (Role.UNIT_CONTACT, "scale_unit")]:
        by_role[str(role)] = User.objects.get(username=username)
    officer = User.objects.filter(username__startswith="scale_officer_", region__path__startswith=root.path).order_by("region__path").first()
    by_role[str(Role.TOWNSHIP_OFFICER)] = officer
    pages = _pages(by_role)
    if roles:
        by_role = {role: user for role, user in by_role.items() if role in roles}
    results: list[dict] = []
    statements: dict = {}
    for role, user in by_role.items():
        # A view that fails is a finding of the run (printed), not the end of it.
        client = Client(raise_request_exception=False)
        client.force_login(user)
        role_pages = pages if role != Role.TOWNSHIP_OFFICER else [p for p in pages if not p[0].startswith("reserves_detail")] + _officer_detail_pages(user)
        for name, url in role_pages:
            if only and name not in only:
                continue
            response = client.get(url)
            if response.status_code != 200:
                results.append({"role": role, "page": name, "url": url, "status": response.status_code})
                continue
            with Capture(connection, keep=True) as captured:
                client.get(url)
            for sql, params in captured.selects:
                statements.setdefault(sql, (params, set()))[1].add(f"{role}:{name}")
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            r = {"role": role, "page": name, "url": url, "status": 200, "p50": round(statistics.median(times), 1),
                 "p95": round(p95(times), 1), "queries": captured.count, "kb": round(len(response.content) / 1024)}
            results.append(r)
            log(f"{role:17} {name:28} p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  {r['queries']:3} queries  {r['kb']} KB")
    findings, explained = explain_all(statements)
    out = {"pages": results, "seq_scans": findings, "explained": explained}
    if not only:
        out["scan_s"] = round(_run_scan(), 2)
    client = Client()
    client.force_login(User.objects.get(username="scale_county"))
    client.get("/reserves/")
    out["session"] = f"{_session_cookie()}={client.cookies[_session_cookie()].value}"
    return out


def _session_cookie() -> str:
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME


# --- gunicorn and the load tool (parent process) --------------------------------------------


def load(path: str, *, cookie: str | None, seconds: float, concurrency: int = CONCURRENCY) -> dict:
    """A bounded loopback load: ``concurrency`` clients, each sending its next request when
    the previous answer has been read, for ``seconds``. Returns requests/s, latency
    percentiles and the non-200 answers."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    headers = {"Host": f"127.0.0.1:{PORT}"}
    if cookie:
        headers["Cookie"] = cookie

    def client():
        mine, bad = [], []
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    bad.append(str(response.status))
                    continue
            except OSError as exc:
                bad.append(type(exc).__name__)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    pct = (lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1)) if latencies else (lambda q: None)
    return {"rps": round(len(latencies) / elapsed, 1), "ok": len(latencies), "errors": len(errors),
            "error_kinds": sorted(set(errors))[:5], "p50_ms": pct(0.5), "p99_ms": pct(0.99)}


def gunicorn_run(url: str, session: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "PLAIN_STATIC": "1", "WEB_CONCURRENCY": "3",
           "PORTAL_BIND": f"127.0.0.1:{PORT}", "GUNICORN_ACCESS_LOG": "/dev/null"}
    env.pop("REDIS_URL", None)
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen([gunicorn, "-c", "deploy/gunicorn.conf.py", "cadre_portal.wsgi"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not answer /healthz within 60 s")
        cookie = session
        load("/reserves/", cookie=cookie, seconds=3)  # warm every worker
        load("/healthz", cookie=None, seconds=2)
        result = {"healthz": load("/healthz", cookie=None, seconds=LOAD_SECONDS),
                  "list": load("/reserves/", cookie=cookie, seconds=LOAD_SECONDS)}
        return result
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# --- entry point ------------------------------------------------------------------------------


def _child(mode: str, people: int, shape: str, repeat: int, only: list[str] | None, roles: list[str] | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if mode == "grow":
        result = grow(people, shape)
    elif mode == "export":
        # A process of its own, so the memory growth is the export's, not what the page
        # measurements left allocated (freed memory the export would silently reuse).
        from cadre_portal.models import User

        result = measure_export(User.objects.get(username="scale_county"))
    else:
        result = measure(people, shape, repeat, only, roles)
    print(json.dumps(result, ensure_ascii=False, default=str))


def _run_child(mode: str, url: str, args) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "PLAIN_STATIC": "1"}
    env.pop("REDIS_URL", None)  # scans and dispatch in process, as without a broker
    command = [sys.executable, __file__, "--child", mode, "--people", str(args.people), "--shape", args.shape,
               "--repeat", str(args.repeat)] + (["--page", *args.page] if args.page else []) \
        + (["--roles", *args.roles] if args.roles else [])
    out = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        raise SystemExit(f"scale benchmark ({mode}) failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=int(os.environ.get("SCALE_PEOPLE", "100000")))
    parser.add_argument("--shape", choices=["county", "province"])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--regenerate", action="store_true", help="drop the database and grow it again")
    parser.add_argument("--page", nargs="*", help="measure only these pages (for iterating; no result line)")
    parser.add_argument("--roles", nargs="*", help="measure the pages of these roles only (county_staff, township_officer, "
                        "leader, domain_officer, admin, unit_contact); the targets are county staff's")
    parser.add_argument("--no-load", action="store_true", help="skip the gunicorn run")
    parser.add_argument("--child", choices=["grow", "measure", "export"])
    args = parser.parse_args()
    args.shape = args.shape or ("province" if args.people >= 1_000_000 else "county")
    if args.child:
        _child(args.child, args.people, args.shape, args.repeat, args.page, args.roles)
        return
    url = database_url(args.people)
    ensure_database(url, fresh=args.regenerate)
    started = time.monotonic()
    grown = _run_child("grow", url, args)
    log(f"database ready in {time.monotonic() - started:.0f} s: {grown}")
    measured = _run_child("measure", url, args)
    if not args.page:
        measured["export"] = _run_child("export", url, args)
    pages = [p for p in measured["pages"] if p["status"] == 200]
    skipped = [f"{p['role']}:{p['page']}={p['status']}" for p in measured["pages"] if p["status"] not in (200, 500)]
    log(f"not open to the role (status): {', '.join(skipped)}")
    for p in measured["pages"]:
        if p["status"] == 500:
            print(f"SERVER ERROR: {p['role']} {p['url']}", flush=True)
    for finding in measured["seq_scans"]:
        if "error" in finding:
            print(f"EXPLAIN failed on {finding['pages'][:3]}: {finding['error']}: {finding['sql']}", flush=True)
        else:
            print(f"SEQ SCAN {finding['table']} (~{finding['rows']:,} rows) in {', '.join(finding['pages'][:4])}"
                  f"{' …' if len(finding['pages']) > 4 else ''}: {finding['sql']}", flush=True)
    print(f"EXPLAIN: {measured['explained']} distinct statements, {len(measured['seq_scans'])} sequential scans of tables "
          f"over {BIG_TABLE_ROWS:,} rows", flush=True)
    worst = sorted(pages, key=lambda p: -p["p95"])[:12]
    for p in worst:
        print(f"slowest: {p['role']} {p['url']} p50={p['p50']} ms p95={p['p95']} ms queries={p['queries']}", flush=True)
    if args.page:
        return
    county = [p for p in pages if p["role"] == "county_staff"]

    def of(name, key="p50"):
        return next((p[key] for p in county if p["page"] == name), None)

    loads = {} if args.no_load else gunicorn_run(url, measured["session"])
    for name, r in loads.items():
        print(f"gunicorn {name}: {r}", flush=True)
    export = measured["export"]
    parts = {
        "scale_people": args.people,
        "page_p50_max_ms": max(p["p50"] for p in county),
        "page_p95_max_ms": max(p["p95"] for p in county),
        "deep_page_ms": of("reserves_last"),
        "reminders_page_ms": of("reminders"),
        "scan_s": measured["scan_s"],
        "export_100k_s": export["s"],
        "export_peak_mb": export["peak_mb"],
        "rps_list": loads.get("list", {}).get("rps"),
        "rps_healthz": loads.get("healthz", {}).get("rps"),
        "roles_p95_max_ms": max(p["p95"] for p in pages),  # every role measured, not only county staff
        "first_scan_s": grown.get("first_scan_s"),
        "export_rows": export["rows"],
        "seq_scans": len(measured["seq_scans"]),
        "pages_measured": len(pages),
        "server_errors": sum(1 for p in measured["pages"] if p["status"] == 500),
    }
    print(" ".join(f"{k}={v}" for k, v in parts.items()), flush=True)


if __name__ == "__main__":
    main()
