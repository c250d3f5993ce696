"""Heartbeats of import jobs: how the portal knows a job's worker is still alive.

A process that works on a job (a Celery worker, or a web process validating a
small file inline) first *claims* it with a conditional update that stamps its
token (``host:pid:nonce``) in ``ImportJob.worker`` and the time in
``heartbeat_at``; then, while it works, a background thread with its own
database connection refreshes ``heartbeat_at`` every ``EXCEL_JOB_HEARTBEAT_SECONDS``
(10 s). The thread's own connection matters: the commit step runs in one long
transaction whose writes nobody else can see until it ends.

A process killed mid-job (SIGKILL, out of memory, a host lost) stops beating;
beat's every-minute sweep fails any claimed job whose heartbeat is older than
``EXCEL_JOB_STALE_SECONDS`` (120 s) — ``services.fail_abandoned`` — so the owner
reads why within a few minutes instead of watching "正在导入" for an hour. A
killed commit has written nothing (its transaction died with its connection),
and if the worker was merely stalled, its own final conditional update finds the
job no longer running and rolls back.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

log = logging.getLogger(__name__)


def interval_seconds() -> float:
    return float(getattr(settings, "EXCEL_JOB_HEARTBEAT_SECONDS", 10))


def stale_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "EXCEL_JOB_STALE_SECONDS", 120)))


def new_token() -> str:
    """Who is working on a job: host, process and a nonce (unique per claim)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:200]


def beat(job_id, token: str) -> int:
    """Stamp the heartbeat of ``job_id`` if ``token`` still holds it while it runs."""
    from cadre_portal.excel.models import ImportJob

    return ImportJob.objects.filter(pk=job_id, worker=token, status__in=ImportJob.RUNNING).update(
        heartbeat_at=timezone.now())


@contextmanager
def beating(job_id, token: str):
    """Keep the heartbeat of ``job_id`` fresh from a background thread while the
    block runs; the thread stops (and closes its connection) when the block ends."""
    stop = threading.Event()
    every = interval_seconds()

    def run():
        try:
            while not stop.wait(every):
                try:
                    if not beat(job_id, token):
                        return  # the job was cancelled, failed or finished: nothing to keep alive
                except DatabaseError as exc:  # a busy or dropped database: try again next tick
                    log.warning("Import job %s: heartbeat not written: %s", job_id, exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=f"excel-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)
