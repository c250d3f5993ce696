"""The transactional outbox: follow-up work is written with the action, delivered after
commit or by the sweep, and never lost when the broker is down or the process dies."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from cadre_portal.celery import app as celery_app
from cadre_portal.notifications import outbox
from cadre_portal.notifications.models import Heartbeat, Notification, OutboxMessage
from reserves import workflow
from reserves.tests import builders as b

pytestmark = pytest.mark.django_db

calls: list[dict] = []


@outbox.handler("tests.record", label="测试任务")
def _record(**kwargs):
    calls.append(kwargs)


@outbox.handler("tests.flaky", max_attempts=3)
def _flaky(**kwargs):
    raise RuntimeError("下游服务不可用")


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


@pytest.fixture
def broker_down():
    """A broker configured but unreachable: every send raises like kombu does."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    error = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with mock.patch("cadre_portal.notifications.tasks.deliver_outbox.apply_async", side_effect=error) as send:
        yield send
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def broker_up():
    """A broker that accepts every send (the worker is not running: nothing is delivered)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    with mock.patch("cadre_portal.notifications.tasks.deliver_outbox.apply_async") as send:
        yield send
    celery_app.conf.task_always_eager = previous


def later(minutes: int):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


# --- enqueue and deliver ------------------------------------------------------------------


def test_a_message_is_delivered_in_process_after_commit_without_a_broker(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue("tests.record", x=1)
    assert calls == [{"x": 1}]
    assert OutboxMessage.objects.get().state == OutboxMessage.State.DONE


def test_nothing_is_delivered_before_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            outbox.enqueue("tests.record", x=1)
            assert calls == []
    assert len(callbacks) == 1 and calls == []


def test_a_rolled_back_action_leaves_no_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ZeroDivisionError):
            with transaction.atomic():
                outbox.enqueue("tests.record", x=1)
                1 / 0
    assert not OutboxMessage.objects.exists() and calls == []


def test_an_unknown_handler_fails_inside_the_callers_transaction():
    with pytest.raises(LookupError):
        outbox.enqueue("tests.no_such_handler", x=1)


def test_a_message_is_delivered_once_however_often_it_is_dispatched():
    message = outbox.enqueue("tests.record", dispatch=False, x=1)
    assert [outbox.deliver(message.pk) for _ in range(3)] == [outbox.DONE, outbox.NOTHING, outbox.NOTHING]
    assert calls == [{"x": 1}]


def test_a_message_held_by_a_live_worker_is_not_run_again():
    message = outbox.enqueue("tests.record", dispatch=False, x=1)
    OutboxMessage.objects.filter(pk=message.pk).update(locked_until=timezone.now() + timedelta(minutes=5))
    assert outbox.deliver(message.pk) == outbox.BUSY
    assert calls == []


def test_a_message_whose_worker_died_is_run_again_after_its_lease():
    message = outbox.enqueue("tests.record", dispatch=False, x=1)
    OutboxMessage.objects.filter(pk=message.pk).update(locked_until=timezone.now() - timedelta(seconds=1), attempts=1)
    assert outbox.deliver(message.pk) == outbox.DONE


def test_a_failing_handler_is_retried_later_with_its_error_kept():
    message = outbox.enqueue("tests.flaky", dispatch=False)
    assert outbox.deliver(message.pk) == outbox.RETRY
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING and "下游服务不可用" in message.last_error
    assert message.available_at > timezone.now() + timedelta(seconds=20)


def test_a_failing_handler_is_given_up_after_its_attempts_and_shown_as_failed():
    message = outbox.enqueue("tests.flaky", dispatch=False)
    outcomes = []
    for minutes in (0, 10, 20):
        with later(minutes):
            outcomes.append(outbox.deliver(message.pk))
    message.refresh_from_db()
    assert outcomes == [outbox.RETRY, outbox.RETRY, outbox.FAILED] and message.state == OutboxMessage.State.FAILED


def test_an_administrator_can_requeue_a_failed_message():
    message = outbox.enqueue("tests.record", dispatch=False, x=1)
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxMessage.State.FAILED, attempts=8)
    assert outbox.requeue([message.pk]) == 1
    assert outbox.deliver(message.pk) == outbox.DONE and calls == [{"x": 1}]


def test_a_handler_marked_atomic_leaves_nothing_half_written(personas):
    @outbox.handler("tests.half")
    def half(**kwargs):
        Notification.objects.create(recipient=personas.officer_a, title="写了一半")
        raise RuntimeError("中途失败")

    message = outbox.enqueue("tests.half", dispatch=False)
    outbox.deliver(message.pk)
    assert not Notification.objects.filter(title="写了一半").exists()


# --- broker down, process killed ---------------------------------------------------------------


def test_with_the_broker_down_the_message_waits_and_the_caller_is_not_told_an_error(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue("tests.record", x=1)  # must not raise
    message = OutboxMessage.objects.get()
    assert message.state == OutboxMessage.State.PENDING and message.dispatched_at is None


def test_the_sweep_delivers_what_waited_for_the_broker(broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue("tests.record", x=1)
    broker_down.side_effect = None  # the broker is back; run the handed-over task here
    broker_down.side_effect = lambda args, **kw: outbox.deliver(*args)
    result = outbox.sweep()
    assert result.due == 1 and calls == [{"x": 1}]
    assert OutboxMessage.objects.get().state == OutboxMessage.State.DONE


def test_the_sweep_with_the_broker_still_down_keeps_every_message(broker_down):
    for i in range(3):
        outbox.enqueue("tests.record", dispatch=False, x=i)
    result = outbox.sweep()
    assert result.dispatch.broker_down and result.dispatch.pending == 3
    assert OutboxMessage.objects.filter(state="pending", dispatched_at__isnull=True).count() == 3


def test_a_message_whose_dispatch_was_lost_is_handed_over_again_within_minutes(broker_up):
    """The process died between commit and send: the row says it was dispatched, nothing came."""
    outbox.enqueue("tests.record", dispatch=False, x=1)
    OutboxMessage.objects.update(dispatched_at=timezone.now())
    assert outbox.sweep().due == 0  # too early to tell a lost task from a queued one
    with later(6):
        assert outbox.sweep().dispatch.sent == 1


def test_without_a_broker_the_sweep_runs_the_messages_here():
    outbox.enqueue("tests.record", dispatch=False, x=1)
    result = outbox.sweep()
    assert result.dispatch.ran == 1 and calls == [{"x": 1}]


def test_a_retried_message_waits_for_its_backoff():
    message = outbox.enqueue("tests.flaky", dispatch=False)
    outbox.deliver(message.pk)
    assert outbox.sweep().due == 0
    with later(2):
        assert outbox.sweep().due == 1


def test_sweep_hooks_run_and_one_failing_hook_does_not_stop_the_others():
    ran = []
    first = outbox.on_sweep(lambda: (_ for _ in ()).throw(RuntimeError("坏了")))
    second = outbox.on_sweep(lambda: ran.append(1))
    try:
        result = outbox.sweep()
    finally:
        outbox._SWEEP_HOOKS.remove(first)
        outbox._SWEEP_HOOKS.remove(second)
    assert ran == [1] and result.hook_errors == 1


def test_the_sweep_task_stamps_the_beat_heartbeat():
    from cadre_portal.notifications import tasks

    tasks.sweep_outbox()
    assert Heartbeat.objects.get(key="beat").at > timezone.now() - timedelta(minutes=1)


def test_done_messages_are_purged_after_a_month():
    message = outbox.enqueue("tests.record", dispatch=False, x=1)
    outbox.deliver(message.pk)
    assert outbox.purge_done() == 0
    with later(31 * 24 * 60):
        assert outbox.purge_done() == 1


def test_migrate_creates_the_every_minute_sweep_in_beat():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task=outbox.SWEEP_TASK)
    assert task.enabled and task.interval.every == 60


# --- the transitions and the scan button ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_filing_with_the_broker_down_succeeds_and_the_notification_follows(personas, login, broker_down):
    c = b.submitted(personas, name="王小明")
    response = login(personas.county_staff).post(reverse("reserves:act", args=[c.pk, "file"]), {"opinion": "同意"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.stage == "training"
    assert not Notification.objects.filter(recipient=personas.officer_a, title__contains="王小明").exists()
    broker_down.side_effect = lambda args, **kw: outbox.deliver(*args)  # the broker is back
    outbox.sweep()
    assert Notification.objects.filter(recipient=personas.officer_a, title__contains="王小明").count() == 1


def test_a_transition_writes_its_notification_in_the_same_transaction(personas):
    c = b.submitted(personas, name="王小明")
    before = OutboxMessage.objects.filter(handler="reserves.notify_transition").count()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            row = workflow.file_nomination(candidate=c, by=personas.county_staff)
            assert OutboxMessage.objects.filter(handler="reserves.notify_transition", kwargs__transition_pk=row.pk).exists()
            raise RuntimeError("rolled back")
    assert OutboxMessage.objects.filter(handler="reserves.notify_transition").count() == before


def test_a_notification_lost_with_a_killed_web_worker_is_delivered_by_the_sweep(personas):
    """The ``db`` fixture never runs on-commit callbacks: exactly a process killed after commit."""
    c = b.training(personas, name="王小明")
    assert not Notification.objects.filter(recipient=personas.officer_a).exists()
    with later(6):
        outbox.sweep()
    assert Notification.objects.filter(recipient=personas.officer_a, title__contains="王小明").count() == 1


def test_the_scan_button_says_so_when_the_broker_is_down(personas, login, fake_kind, broker_down):
    response = login(personas.county_staff).post(reverse("notifications:trigger_scan"), {"kind": "fake_due"}, follow=True)
    text = response.content.decode()
    assert "消息队列（Redis）暂时无法连接" in text and "已触发" not in text
    assert OutboxMessage.objects.filter(handler="notifications.scan_reminders", state="pending").count() == 1


def test_a_scan_asked_for_while_the_broker_was_down_runs_once_it_is_back(personas, login, fake_kind, broker_down,
                                                                        django_capture_on_commit_callbacks):
    fake_kind.due_dates[personas.tree.village_a1] = timezone.localdate() + timedelta(days=2)
    login(personas.county_staff).post(reverse("notifications:trigger_scan"), {"kind": "fake_due"})
    celery_app.conf.task_always_eager = True  # back to the embedded default: the sweep runs it here
    with django_capture_on_commit_callbacks(execute=True):
        outbox.sweep()
    assert Notification.objects.filter(recipient=personas.officer_a).count() == 1
