"""A real Celery worker and beat on Redis deliver a retention reminder end to end
(issue 9 item 4). Deselected by default; run with ``-m celery_worker`` and REDIS_URL
set (see ``cadre_portal/notifications/tests/test_worker.py``, whose fixtures this reuses)."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import pytest
from django.core import mail

from cadre_portal.celery import app as celery_app
from cadre_portal.notifications import services
from cadre_portal.notifications.models import Delivery, Notification, Reminder
from cadre_portal.notifications.tests.test_worker import (  # noqa: F401  (redis_broker is a fixture)
    _close_db_after_task,
    _closing_scheduler,
    redis_broker,
    wait_for,
)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
KIND = "retention_interview_due"


def test_beat_and_a_worker_deliver_a_retention_interview_reminder(redis_broker):  # noqa: F811
    from celery import signals
    from celery.beat import EmbeddedService
    from celery.contrib.testing.worker import start_worker
    from dateutil.relativedelta import relativedelta
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from cadre_portal.testing import make_personas, make_unit_contacts
    from youth_cadres.retention import workflow
    from youth_cadres.retention.tests.builders import youth_person

    personas = make_personas()
    staff = personas.county_staff
    staff.email = "county@example.org"
    staff.save()
    cadre = youth_person(personas, make_unit_contacts(personas.tree).unit_a)
    due = date.today() + timedelta(days=3)
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # setting up: the workflow's outbox runs in-process
    try:
        care = workflow.enrol(by=staff, cadre=cadre, entered_on=due - relativedelta(months=2), interval_months=2,
                              responsible=staff)
    finally:
        celery_app.conf.task_always_eager = previous_eager
    assert care.next_due == due
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(task=services.SCAN_TASK).delete()
    task = PeriodicTask.objects.create(name="提醒扫描：留才访谈（每秒）", task=services.SCAN_TASK,
                                       kwargs=json.dumps({"kind": KIND}), interval=every_second)
    mail.outbox = []

    signals.task_postrun.connect(_close_db_after_task, weak=False)
    beat = EmbeddedService(celery_app, thread=True, scheduler_cls=_closing_scheduler())
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="solo", concurrency=1, shutdown_timeout=20):
            beat.start()
            delivered = wait_for(lambda: Delivery.objects.filter(channel="email", outcome="sent").exists(), timeout=90)
            time.sleep(3)  # more scans fire: nothing may be duplicated
            beat.stop()
            beat.join(10)
    finally:
        signals.task_postrun.disconnect(_close_db_after_task)
        if beat.is_alive():
            beat.stop()

    task.refresh_from_db()
    assert delivered, "no email delivery was sent within the time limit"
    assert task.total_run_count >= 2
    assert Reminder.objects.filter(kind=KIND, target_id=care.pk).count() == 1
    assert list(Notification.objects.filter(reminder__kind=KIND).values_list("recipient__username", flat=True)) == [staff.username]
    assert [m.to for m in mail.outbox] == [["county@example.org"]]
