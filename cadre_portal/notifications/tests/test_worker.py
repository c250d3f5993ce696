"""A real Celery worker and beat against Redis deliver a reminder end to end.

Deselected by default (pytest.ini); run with REDIS_URL set, e.g.

    REDIS_URL=redis://127.0.0.1:6379/7 \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
    .venv/bin/python -m pytest -m celery_worker

Beat (django-celery-beat's DatabaseScheduler, in a thread) fires the scan of a
kind every second; a worker (``celery.contrib.testing.worker.start_worker``,
consuming from Redis) runs the scan, the dispatch and the email. Beat firing
many times still yields one reminder, one notification and one email. Without
REDIS_URL, or with Redis unreachable, the test is skipped — and fails when
CI=true, so a CI leg cannot pass without running it.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from cadre_portal.celery import app as celery_app
from cadre_portal.notifications import services
from cadre_portal.notifications.models import Delivery, Notification, Reminder

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI: the real-worker test must run, but {reason}")
    pytest.skip(reason)


@pytest.fixture
def redis_broker():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _unavailable("REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
        _unavailable(f"Redis at {url} is unreachable ({exc})")
    assert celery_app.conf.broker_url.startswith("redis"), "settings should use REDIS_URL as the broker"
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield url
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def beat_every_second(fake_kind):
    """The kind's beat entry, every second instead of daily."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(task=services.SCAN_TASK).delete()
    return PeriodicTask.objects.create(
        name="提醒扫描：测试（每秒）", task=services.SCAN_TASK, kwargs=json.dumps({"kind": fake_kind.key}),
        interval=every_second,
    )


def _close_db_after_task(**kwargs):
    # The worker and beat run in threads: give their connections back so the
    # test database can be flushed and dropped afterwards.
    connection.close()


def _closing_scheduler():
    """DatabaseScheduler that gives its thread's connection back when beat stops,
    so the test database can be dropped afterwards."""
    from django_celery_beat.schedulers import DatabaseScheduler

    class ClosingDatabaseScheduler(DatabaseScheduler):
        def close(self):
            try:
                super().close()
            finally:
                connection.close()

    return ClosingDatabaseScheduler


def wait_for(predicate, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def test_beat_and_a_worker_deliver_a_reminder_end_to_end(redis_broker, fake_kind, beat_every_second):
    from celery import signals
    from celery.beat import EmbeddedService
    from celery.contrib.testing.worker import start_worker

    from cadre_portal.testing import make_personas

    personas = make_personas()
    personas.officer_a.email = "officer-a@example.org"
    personas.officer_a.save()
    fake_kind.due_dates[personas.tree.village_a1] = timezone.localdate() + timedelta(days=3)
    mail.outbox = []

    signals.task_postrun.connect(_close_db_after_task, weak=False)
    beat = EmbeddedService(celery_app, thread=True, scheduler_cls=_closing_scheduler())
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="solo", concurrency=1, shutdown_timeout=20):
            beat.start()
            delivered = wait_for(lambda: Delivery.objects.filter(channel="email", outcome="sent").exists())
            # Let beat fire a few more scans: they must not duplicate anything.
            time.sleep(3)
            beat.stop()
            beat.join(10)
    finally:
        signals.task_postrun.disconnect(_close_db_after_task)
        if beat.is_alive():
            beat.stop()

    beat_every_second.refresh_from_db()
    assert delivered, "no email delivery was sent within the time limit"
    assert beat_every_second.total_run_count >= 2, "beat should have fired the scan more than once"
    assert Reminder.objects.filter(kind=fake_kind.key).count() == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["officer_a"]
    assert [m.to for m in mail.outbox] == [["officer-a@example.org"]]
    assert set(Delivery.objects.values_list("channel", "outcome")) == {("portal", "sent"), ("email", "sent")}
