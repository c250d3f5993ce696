"""The machinery, pinned with a tiny fake kind (villages with a due date)."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from smtplib import SMTPException
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection

from cadre_portal.notifications import services, tasks
from cadre_portal.notifications.models import Delivery, Notification, Reminder, ReminderSetting

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 10)


def at(day: date, hour: int = 8):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False)


@pytest.fixture
def due_in_a1(fake_kind, personas):
    """茅井村 (天城镇) has something due on 15 March; the default lead is 7 days."""
    fake_kind.due_dates[personas.tree.village_a1] = date(2026, 3, 15)
    personas.officer_a.email = "a@example.org"
    personas.officer_a.save()
    return fake_kind


def scan_now(kind_key, capture, day=TODAY):
    with at(day), capture(execute=True):
        return services.scan(kind_key)


# --- exactly once ------------------------------------------------------------------

def test_running_a_scan_twice_creates_one_reminder(due_in_a1, django_capture_on_commit_callbacks):
    scan_now("fake_due", django_capture_on_commit_callbacks)
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert Reminder.objects.filter(kind="fake_due").count() == 1


def test_the_second_scan_reports_the_reminder_as_existing(due_in_a1, django_capture_on_commit_callbacks):
    scan_now("fake_due", django_capture_on_commit_callbacks)
    result = scan_now("fake_due", django_capture_on_commit_callbacks)
    assert (result.created, result.existing) == (0, 1)


def test_running_a_scan_twice_notifies_and_emails_once(due_in_a1, personas, django_capture_on_commit_callbacks):
    scan_now("fake_due", django_capture_on_commit_callbacks)
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=personas.officer_a).count() == 1
    assert len(mail.outbox) == 1


def test_dispatching_a_reminder_twice_adds_nobody_twice(due_in_a1, personas, django_capture_on_commit_callbacks):
    result = scan_now("fake_due", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(result.reminder_ids[0])
    assert (Notification.objects.count(), Delivery.objects.count(), len(mail.outbox)) == (1, 2, 1)


def test_nothing_is_created_before_the_lead_time(due_in_a1, django_capture_on_commit_callbacks):
    result = scan_now("fake_due", django_capture_on_commit_callbacks, day=date(2026, 3, 7))
    assert result.created == 0


def test_lead_days_come_from_the_setting(due_in_a1, django_capture_on_commit_callbacks):
    ReminderSetting.objects.update_or_create(kind="fake_due", defaults={"lead_days": 10})
    result = scan_now("fake_due", django_capture_on_commit_callbacks, day=date(2026, 3, 5))
    assert result.created == 1


def test_a_disabled_kind_creates_nothing(due_in_a1, django_capture_on_commit_callbacks):
    ReminderSetting.objects.update_or_create(kind="fake_due", defaults={"enabled": False})
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert not Reminder.objects.exists()


# --- recipients are scoped --------------------------------------------------------

def test_the_officer_of_the_records_township_is_told(due_in_a1, personas, django_capture_on_commit_callbacks):
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["officer_a"]


def test_an_officer_is_never_told_about_another_township(due_in_a1, personas, django_capture_on_commit_callbacks):
    ReminderSetting.objects.update_or_create(kind="fake_due", defaults={"notify_county_staff": True})
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(recipient=personas.officer_b).exists()


def test_county_staff_are_told_when_the_setting_says_so(due_in_a1, personas, django_capture_on_commit_callbacks):
    ReminderSetting.objects.update_or_create(kind="fake_due", defaults={"notify_county_staff": True})
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"officer_a", "county"}


def test_leaders_and_domain_officers_are_not_told(due_in_a1, personas, django_capture_on_commit_callbacks):
    ReminderSetting.objects.update_or_create(kind="fake_due", defaults={"notify_county_staff": True})
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(recipient__in=[personas.leader, personas.domain_officer]).exists()


def test_an_inactive_officer_is_not_told(due_in_a1, personas, django_capture_on_commit_callbacks):
    personas.officer_a.is_active = False
    personas.officer_a.save()
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert not Notification.objects.exists()


def test_a_recipient_the_kind_says_cannot_see_the_target_is_not_told(due_in_a1, personas, django_capture_on_commit_callbacks):
    with mock.patch.object(type(due_in_a1), "visible_targets", return_value=set()):
        scan_now("fake_due", django_capture_on_commit_callbacks)
    assert not Notification.objects.exists()


# --- delivery ------------------------------------------------------------------------

def test_the_email_goes_to_the_officers_address(due_in_a1, django_capture_on_commit_callbacks):
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert mail.outbox[0].to == ["a@example.org"]


def test_the_email_carries_the_title_and_a_link(due_in_a1, django_capture_on_commit_callbacks):
    scan_now("fake_due", django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert "茅井村" in message.subject and "/regions/" in message.body


def test_every_delivery_is_logged_with_its_outcome(due_in_a1, django_capture_on_commit_callbacks):
    scan_now("fake_due", django_capture_on_commit_callbacks)
    logged = set(Delivery.objects.values_list("channel", "outcome", "attempts"))
    assert logged == {("portal", "sent", 1), ("email", "sent", 1)}


def test_a_user_without_email_gets_a_skipped_email_delivery(due_in_a1, personas, django_capture_on_commit_callbacks):
    personas.officer_a.email = ""
    personas.officer_a.save()
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert Delivery.objects.get(channel="email").outcome == Delivery.Outcome.SKIPPED


def test_no_email_when_the_setting_turns_it_off(due_in_a1, django_capture_on_commit_callbacks):
    ReminderSetting.objects.update_or_create(kind="fake_due", defaults={"send_email": False})
    scan_now("fake_due", django_capture_on_commit_callbacks)
    assert (len(mail.outbox), Delivery.objects.filter(channel="email").count()) == (0, 0)


def _email_delivery(django_capture_on_commit_callbacks):
    """Scan with email sending broken, so the email delivery stays pending."""
    with mock.patch("cadre_portal.notifications.tasks.send_email.delay"):
        scan_now("fake_due", django_capture_on_commit_callbacks)
    return Delivery.objects.get(channel="email")


@pytest.fixture
def eager_retries():
    """Without propagation, eager Celery runs a task's retries in-process
    (request.retries incremented, countdown ignored) — Celery's own retry path."""
    from cadre_portal.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


def test_a_task_retried_after_a_failure_sends_once(due_in_a1, django_capture_on_commit_callbacks, eager_retries):
    delivery = _email_delivery(django_capture_on_commit_callbacks)
    real_send = services.send_mail
    failures = iter([SMTPException("连接被拒绝")])

    def flaky_send(*args, **kwargs):
        for exc in failures:
            raise exc
        return real_send(*args, **kwargs)

    with mock.patch.object(services, "send_mail", side_effect=flaky_send):
        tasks.send_email.delay(delivery.pk)
        # With acks_late, Redis may hand the original message out again after the
        # retry went through (worker lost, visibility timeout): still one email.
        tasks.send_email.apply(args=[delivery.pk], retries=1)
        tasks.send_email.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (len(mail.outbox), delivery.outcome, delivery.attempts) == (1, "sent", 2)


def test_a_scan_task_retried_after_a_database_error_creates_and_sends_each_reminder_once(
        fake_kind, personas, django_capture_on_commit_callbacks, eager_retries):
    """The scan dies with a transient database error after its first reminder;
    Celery retries it: every target ends with one reminder, one notification, one email."""
    from django.db import OperationalError

    fake_kind.due_dates[personas.tree.village_a1] = date(2026, 3, 15)
    fake_kind.due_dates[personas.tree.village_b1] = date(2026, 3, 15)
    for officer, address in ((personas.officer_a, "a@example.org"), (personas.officer_b, "b@example.org")):
        officer.email = address
        officer.save()
    manager = type(Reminder.objects)
    real_create = manager.bulk_create
    calls = {"n": 0}

    def fail_once(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("could not serialize access")
        return real_create(self, *args, **kwargs)

    with at(TODAY), django_capture_on_commit_callbacks(execute=True), \
            mock.patch.object(manager, "bulk_create", fail_once):
        tasks.scan_reminders.delay("fake_due")
    assert calls["n"] >= 2, "the scan should have been retried"
    assert Reminder.objects.filter(kind="fake_due").count() == 2
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["officer_a", "officer_b"]
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]


# --- recipients a kind names itself ------------------------------------------------------

def test_a_kind_can_name_a_responsible_person_who_is_then_told(due_in_a1, personas, django_capture_on_commit_callbacks):
    village = personas.tree.village_a1
    with mock.patch.object(type(due_in_a1), "extra_recipients", return_value={village.pk: [personas.county_staff.pk]}):
        scan_now("fake_due", django_capture_on_commit_callbacks)
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"officer_a", "county"}


def test_a_named_person_outside_the_records_scope_is_not_told(due_in_a1, personas, django_capture_on_commit_callbacks):
    village = personas.tree.village_a1
    with mock.patch.object(type(due_in_a1), "extra_recipients", return_value={village.pk: [personas.officer_b.pk]}):
        scan_now("fake_due", django_capture_on_commit_callbacks)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["officer_a"]


def test_a_named_person_is_told_even_with_every_role_switched_off(due_in_a1, personas, django_capture_on_commit_callbacks):
    ReminderSetting.objects.update_or_create(kind="fake_due", defaults={"notify_township_officers": False})
    village = personas.tree.village_a1
    with mock.patch.object(type(due_in_a1), "extra_recipients", return_value={village.pk: [personas.officer_a.pk]}):
        scan_now("fake_due", django_capture_on_commit_callbacks)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["officer_a"]


def test_an_inactive_named_person_is_not_told(due_in_a1, personas, django_capture_on_commit_callbacks):
    ReminderSetting.objects.update_or_create(kind="fake_due", defaults={"notify_township_officers": False})
    personas.officer_a.is_active = False
    personas.officer_a.save()
    village = personas.tree.village_a1
    with mock.patch.object(type(due_in_a1), "extra_recipients", return_value={village.pk: [personas.officer_a.pk]}):
        scan_now("fake_due", django_capture_on_commit_callbacks)
    assert not Notification.objects.exists()


def test_a_send_task_delivered_twice_sends_once(due_in_a1, django_capture_on_commit_callbacks):
    delivery = _email_delivery(django_capture_on_commit_callbacks)
    tasks.send_email.delay(delivery.pk)
    tasks.send_email.delay(delivery.pk)
    assert len(mail.outbox) == 1


def test_a_failing_email_is_given_up_after_the_retry_limit(due_in_a1, django_capture_on_commit_callbacks, eager_retries):
    delivery = _email_delivery(django_capture_on_commit_callbacks)
    with mock.patch.object(services, "send_mail", side_effect=SMTPException("连接被拒绝")):
        tasks.send_email.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.outcome, delivery.attempts) == ("failed", tasks.send_email.max_retries + 1)


def test_a_failed_email_keeps_its_error(due_in_a1, django_capture_on_commit_callbacks, eager_retries):
    delivery = _email_delivery(django_capture_on_commit_callbacks)
    with mock.patch.object(services, "send_mail", side_effect=SMTPException("连接被拒绝")):
        tasks.send_email.delay(delivery.pk)
    delivery.refresh_from_db()
    assert "连接被拒绝" in delivery.error


def test_in_eager_mode_a_failed_email_waits_for_the_next_scan(due_in_a1, django_capture_on_commit_callbacks):
    with mock.patch.object(services, "send_mail", side_effect=SMTPException("连接被拒绝")):
        scan_now("fake_due", django_capture_on_commit_callbacks)  # must not raise
    assert Delivery.objects.get(channel="email").outcome == Delivery.Outcome.RETRYING


def test_a_stalled_email_is_sent_by_a_later_scan(due_in_a1, django_capture_on_commit_callbacks):
    with mock.patch.object(services, "send_mail", side_effect=SMTPException("连接被拒绝")):
        scan_now("fake_due", django_capture_on_commit_callbacks)
    with time_machine.travel(datetime(2026, 3, 10, 10, tzinfo=TZ), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.scan("fake_due")
    assert (len(mail.outbox), Delivery.objects.get(channel="email").outcome) == (1, "sent")


def test_retry_backoff_grows_and_stays_short():
    assert [tasks.backoff(n) for n in range(6)] == [30, 60, 120, 240, 480, 600]


def test_a_reminder_whose_dispatch_was_lost_is_dispatched_by_a_later_scan(due_in_a1, django_capture_on_commit_callbacks):
    # The process died after the scan committed: its after-commit dispatch never ran.
    with at(TODAY), django_capture_on_commit_callbacks(execute=False):
        services.scan("fake_due")
    assert not Notification.objects.exists()
    with time_machine.travel(datetime(2026, 3, 10, 9, tzinfo=TZ), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.scan("fake_due")
    assert Notification.objects.count() == 1


def test_a_task_for_a_deleted_reminder_does_nothing(db):
    assert tasks.dispatch_reminder.delay(987654).result == []


# --- time travel -----------------------------------------------------------------------

def test_a_quarterly_reminder_repeats_across_the_quarter_boundary(quarterly_kind, personas, django_capture_on_commit_callbacks):
    quarterly_kind.villages = [personas.tree.village_a1]
    for moment in (datetime(2026, 12, 31, 23, 30, tzinfo=TZ), datetime(2027, 1, 1, 0, 30, tzinfo=TZ),
                   datetime(2027, 1, 2, 8, tzinfo=TZ)):
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            services.scan("fake_quarterly")
    assert list(Reminder.objects.order_by("period").values_list("period", flat=True)) == ["2026Q4", "2027Q1"]


def test_the_quarter_follows_local_time_not_utc(quarterly_kind, personas, django_capture_on_commit_callbacks):
    quarterly_kind.villages = [personas.tree.village_a1]
    # 31 Dec 2026 17:00 UTC is already 1 Jan 2027 in 崇阳.
    with time_machine.travel(datetime(2026, 12, 31, 17, tzinfo=ZoneInfo("UTC")), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        services.scan("fake_quarterly")
    assert Reminder.objects.get().period == "2027Q1"


# --- the command and the beat schedule --------------------------------------------------

def test_run_due_reminders_does_what_beat_would(due_in_a1, django_capture_on_commit_callbacks):
    with at(TODAY), django_capture_on_commit_callbacks(execute=True):
        call_command("run_due_reminders", "--kind", "fake_due")
    assert Notification.objects.count() == 1


def test_run_due_reminders_reports_what_it_did(due_in_a1, capsys):
    with at(TODAY):
        call_command("run_due_reminders", "--kind", "fake_due")
    assert "新建提醒 1 条" in capsys.readouterr().out


def test_every_registered_kind_gets_a_periodic_task(fake_kind):
    from django_celery_beat.models import PeriodicTask

    services.sync_periodic_tasks()
    task = PeriodicTask.objects.get(task=services.SCAN_TASK, kwargs='{"kind": "fake_due"}')
    assert (task.enabled, task.crontab.hour, task.crontab.minute) == (True, "7", "30")


def test_syncing_again_keeps_the_administrators_changes(fake_kind):
    from django_celery_beat.models import PeriodicTask

    services.sync_periodic_tasks()
    PeriodicTask.objects.filter(kwargs='{"kind": "fake_due"}').update(enabled=False)
    services.sync_periodic_tasks()
    assert list(PeriodicTask.objects.filter(kwargs='{"kind": "fake_due"}').values_list("enabled", flat=True)) == [False]


def test_the_periodic_task_runs_the_scan_of_its_kind(due_in_a1):
    from django_celery_beat.models import PeriodicTask

    services.sync_periodic_tasks()
    entry = PeriodicTask.objects.get(kwargs='{"kind": "fake_due"}')
    from cadre_portal.celery import app

    with at(TODAY):
        app.tasks[entry.task].apply(kwargs={"kind": "fake_due"})
    assert Reminder.objects.count() == 1


# --- concurrency -----------------------------------------------------------------------------

def _scan_retrying_sqlite_table_lock(kind_key):
    """Should the SQLite test database be in memory with a shared cache, a second
    writer gets "database table is locked" at once instead of waiting out the
    busy timeout as on a file database (WAL, IMMEDIATE). Retry that one error
    so the test exercises the race, not the harness. Nothing else is retried."""
    from django.db import OperationalError

    for _ in range(200):
        try:
            return services.scan(kind_key, today=TODAY)
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("SQLite stayed locked")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_create_one_reminder_per_target(fake_kind):
    from cadre_portal.testing import make_personas

    personas = make_personas()
    fake_kind.due_dates[personas.tree.village_a1] = date(2026, 3, 15)
    fake_kind.due_dates[personas.tree.village_b1] = date(2026, 3, 16)
    ReminderSetting.for_kind(fake_kind)
    barrier = threading.Barrier(2)
    errors, results = [], []

    def run():
        try:
            barrier.wait()
            results.append(_scan_retrying_sqlite_table_lock("fake_due"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    with mock.patch("cadre_portal.notifications.outbox.dispatch_ids"):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert Reminder.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_scans_exactly_one_creates_each_reminder(fake_kind):
    """On PostgreSQL the two INSERTs really race: the second waits for the
    first to commit and collides with the unique constraint."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race itself is pinned on PostgreSQL")
    from cadre_portal.testing import make_personas

    personas = make_personas()
    fake_kind.due_dates[personas.tree.village_a1] = date(2026, 3, 15)
    ReminderSetting.for_kind(fake_kind)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(services.scan("fake_due", today=TODAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    with mock.patch("cadre_portal.notifications.outbox.dispatch_ids"):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted((r.created, r.existing) for r in results) == [(0, 1), (1, 0)]


def test_a_silent_mail_server_cannot_hold_the_delivery_lock_for_ever(due_in_a1, django_capture_on_commit_callbacks, settings):
    """The delivery row (on SQLite: the whole database) is locked while sending,
    so the SMTP connection must time out."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    opened = []

    class FakeSMTP:
        def __init__(self, host, port, local_hostname=None, timeout=None, **kwargs):
            opened.append(timeout)
            raise TimeoutError("timed out")

    with mock.patch("smtplib.SMTP", FakeSMTP):
        scan_now("fake_due", django_capture_on_commit_callbacks)
    assert opened and all(t is not None and t <= 60 for t in opened)
    assert Delivery.objects.get(channel="email").outcome == Delivery.Outcome.RETRYING


def test_a_kind_added_later_gets_its_setting_and_beat_task_from_migrate(db):
    """docs/REMINDERS.md: register the kind, run migrate — nothing else."""
    from django_celery_beat.models import PeriodicTask

    from cadre_portal.notifications import registry
    from cadre_portal.notifications.apps import _sync_after_migrate
    from cadre_portal.notifications.registry import ReminderKind

    class LaterInterviewDue(ReminderKind):  # a key no app registers (retention has its own kinds)
        key = "later_interview_due"
        label = "谈心谈话即将到期"
        target_model = "cadre_portal.Region"
        default_lead_days = 14
        default_notify_township_officers = False
        default_notify_county_staff = True

        def due(self, *, today, until, setting):
            return []

    registry.register(LaterInterviewDue)
    try:
        _sync_after_migrate(sender=None)
        setting = ReminderSetting.objects.get(kind="later_interview_due")
        task = PeriodicTask.objects.get(task=services.SCAN_TASK, kwargs='{"kind": "later_interview_due"}')
    finally:
        registry.unregister("later_interview_due")
    assert (setting.lead_days, setting.notify_township_officers, setting.notify_county_staff) == (14, False, True)
    assert task.name == "提醒扫描：谈心谈话即将到期" and task.enabled
