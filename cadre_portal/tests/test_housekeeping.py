"""Housekeeping: expired sessions purged on the beat schedule, audit events kept six
months and then archived to a file with an audit entry — never deleted silently."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from cadre_portal import audit, housekeeping
from cadre_portal.models import AuditEvent
from cadre_portal.notifications import schedule

pytestmark = pytest.mark.django_db


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def _event(days_ago: int, summary: str) -> AuditEvent:
    event = audit.record(AuditEvent.Kind.EXPORT, summary=summary, username="zuzhibu", rows=3)
    AuditEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return event


def test_expired_sessions_are_deleted_and_live_ones_kept():
    expired, live = _session(-timedelta(minutes=1)), _session(timedelta(hours=1))
    assert housekeeping.purge_expired_sessions() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert expired != live


def test_the_nightly_housekeeping_is_a_beat_entry_created_by_migrate():
    from django_celery_beat.models import PeriodicTask

    from cadre_portal.tasks import HOUSEKEEPING_TASK

    assert HOUSEKEEPING_TASK in {e.task for e in schedule.entries()}
    schedule.sync()
    task = PeriodicTask.objects.get(task=HOUSEKEEPING_TASK)
    assert task.enabled and task.crontab is not None


def test_the_beat_task_purges_sessions(settings):
    from cadre_portal.tasks import housekeeping as task

    _session(-timedelta(days=1))
    result = task.delay().get() if not settings.CELERY_TASK_ALWAYS_EAGER else task.apply().get()
    assert result["sessions"] == 1
    assert not Session.objects.exists()


def test_audit_events_younger_than_six_months_are_kept(tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    _event(150, "近期导出")
    result = housekeeping.archive_audit()
    assert result.count == 0 and list(tmp_path.iterdir()) == []
    assert AuditEvent.objects.filter(summary="近期导出").exists()


def test_old_audit_events_are_written_to_a_file_before_they_leave_the_database(tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    old = [_event(400, "导出名册甲"), _event(200, "导出名册乙")]
    recent = _event(10, "导出名册丙")

    result = housekeeping.archive_audit()

    assert result.count == 2
    with gzip.open(result.path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    assert [r["id"] for r in rows] == [e.pk for e in old]
    assert [r["summary"] for r in rows] == ["导出名册甲", "导出名册乙"]
    assert rows[0]["detail"] == {"rows": 3} and rows[0]["username"] == "zuzhibu"
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_an_archive_is_itself_an_audit_entry_with_count_period_and_file(tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    _event(400, "导出名册甲")
    _event(300, "导出名册乙")
    result = housekeeping.archive_audit()
    entry = AuditEvent.objects.get(kind=AuditEvent.Kind.ARCHIVE)
    assert entry.detail["count"] == 2
    assert entry.detail["file"] == str(result.path)
    assert "归档审计日志 2 条" in entry.summary and result.path.name in entry.summary


def test_a_cutoff_inside_six_months_is_refused_and_nothing_deleted(tmp_path, settings):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    _event(30, "导出名册")
    with pytest.raises(ValueError, match="至少留存 183 天"):
        housekeeping.archive_audit(before=timezone.now() - timedelta(days=20))
    assert AuditEvent.objects.filter(summary="导出名册").exists()


def test_a_retention_shorter_than_six_months_is_a_configuration_error(settings):
    settings.AUDIT_KEEP_DAYS = 90
    with pytest.raises(ImproperlyConfigured):
        housekeeping.archive_audit()


def test_the_command_archives_before_a_given_date_and_says_what(tmp_path, capsys):
    _event(800, "导出名册甲")
    _event(300, "导出名册乙")
    cutoff = (timezone.localdate() - timedelta(days=500)).isoformat()
    call_command("archive_audit", "--before", cutoff, "--dir", str(tmp_path))
    out = capsys.readouterr().out
    assert "归档审计日志 1 条" in out
    assert not AuditEvent.objects.filter(summary="导出名册甲").exists()
    assert AuditEvent.objects.filter(summary="导出名册乙").exists()
    assert len(list(tmp_path.glob("audit-before-*.jsonl.gz"))) == 1


def test_the_command_refuses_a_malformed_date_in_chinese(tmp_path):
    with pytest.raises(CommandError, match="格式不对"):
        call_command("archive_audit", "--before", "2026/13/01", "--dir", str(tmp_path))


def test_the_housekeeping_command_reports_each_count(tmp_path, settings, capsys):
    settings.AUDIT_ARCHIVE_DIR = tmp_path
    _session(-timedelta(hours=1))
    _event(365, "导出名册")
    call_command("housekeeping")
    out = capsys.readouterr().out
    assert "已清理过期会话 1 个" in out and "归档审计日志 1 条" in out
