"""What ``/healthz`` reports: the database (which decides the status code), the
broker and the last beat run, and the outbox backlog (reported, never failing).

A load balancer takes a node out when the database check fails (503): that node
cannot serve anything. A broker outage or a stopped beat only delays follow-up
work (the outbox keeps it), so the node keeps serving and the report says why
things are slow.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

# Beat's sweep runs every minute: older than this, beat (or every worker) is not running.
BEAT_STALE_AFTER = timedelta(minutes=5)


def check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # Do not reuse a broken connection for the next request.
        connection.close_if_unusable_or_obsolete()
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_broker() -> dict:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return {"ok": True, "mode": "embedded", "detail": "未配置消息队列，任务在本进程内执行"}
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable
        return {"ok": False, "mode": "redis", "error": type(exc).__name__}
    return {"ok": True, "mode": "redis"}


def check_beat(now=None) -> dict:
    from cadre_portal.notifications.models import Heartbeat

    now = now or timezone.now()
    try:
        beat = Heartbeat.objects.filter(key="beat").values_list("at", flat=True).first()
    except DatabaseError:
        return {"ok": False, "last_run": None}
    if beat is None:
        return {"ok": not getattr(settings, "REDIS_URL", ""), "last_run": None}
    age = (now - beat).total_seconds()
    return {"ok": age <= BEAT_STALE_AFTER.total_seconds(), "last_run": beat.isoformat(), "age_s": round(age)}


def check_outbox() -> dict:
    from cadre_portal.notifications import outbox

    try:
        return outbox.backlog()
    except DatabaseError:
        return {}


def report() -> tuple[bool, dict]:
    database = check_database()
    result = {"database": database, "broker": check_broker()}
    if database["ok"]:
        result["beat"] = check_beat()
        result["outbox"] = check_outbox()
    result["status"] = "ok" if database["ok"] else "unavailable"
    return database["ok"], result
