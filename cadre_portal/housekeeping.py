"""Housekeeping: what the portal removes on a schedule, and how nothing goes silently.

- **Expired sessions** are deleted every night (``purge_expired_sessions``): a session
  past its expiry can never be used again, and the table would otherwise grow with every
  login. Beat runs it (``cadre_portal.tasks.housekeeping``, registered in
  ``CadrePortalConfig.ready``); without a broker, cron runs ``manage.py housekeeping``.
- **Done outbox messages** older than ``outbox.KEEP_DONE`` are deleted the same night.
- **Audit events** are kept at least ``AUDIT_KEEP_DAYS`` (default 190 days; never less than
  the 网络安全法's six months, ``MIN_AUDIT_KEEP_DAYS``). Older ones are *archived*, never just
  deleted: ``archive_audit`` writes them to a gzip'd JSON-lines file under
  ``AUDIT_ARCHIVE_DIR``, reads the file back and checks every id is in it, then deletes
  exactly those rows and records an audit entry saying how many, from when to when, and
  which file holds them. The monthly beat entry and ``manage.py archive_audit`` both call it.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

# 网络安全法 第二十一条: network logs kept no less than six months.
MIN_AUDIT_KEEP_DAYS = 183
ARCHIVE_BATCH = 5000


def audit_keep_days() -> int:
    days = int(getattr(settings, "AUDIT_KEEP_DAYS", 190))
    if days < MIN_AUDIT_KEEP_DAYS:
        raise ImproperlyConfigured(f"AUDIT_KEEP_DAYS 不能少于 {MIN_AUDIT_KEEP_DAYS} 天（网络日志至少留存六个月）。")
    return days


def archive_dir() -> Path:
    return Path(getattr(settings, "AUDIT_ARCHIVE_DIR", settings.BASE_DIR / "audit_archive"))


def purge_expired_sessions() -> int:
    """Delete the sessions whose expiry has passed; returns how many."""
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@dataclass
class ArchiveResult:
    count: int
    path: Path | None
    first: datetime | None = None
    last: datetime | None = None
    cutoff: datetime | None = None

    def summary(self) -> str:
        if not self.count:
            return f"没有早于 {timezone.localtime(self.cutoff):%Y-%m-%d} 的审计日志需要归档"
        return (f"归档审计日志 {self.count} 条（{timezone.localtime(self.first):%Y-%m-%d} 至 "
                f"{timezone.localtime(self.last):%Y-%m-%d}），文件 {self.path.name}")


def _row(event) -> dict:
    return {
        "id": event.pk,
        "created_at": event.created_at,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "user_id": event.user_id,
        "username": event.username,
        "ip_address": event.ip_address,
        "region_id": event.region_id,
        "summary": event.summary,
        "detail": event.detail,
    }


def archive_audit(*, before: datetime | None = None, directory: Path | None = None, user=None, now=None) -> ArchiveResult:
    """Archive the audit events created before ``before`` (default: now − AUDIT_KEEP_DAYS).

    A cutoff closer than the minimum retention is refused. The file is written and read
    back before any row is deleted; the rows deleted are exactly the ids in the file; the
    archive itself is recorded as a new audit entry (which is, of course, kept)."""
    from cadre_portal import audit
    from cadre_portal.models import AuditEvent

    now = now or timezone.now()
    keep = audit_keep_days()
    cutoff = before or (now - timedelta(days=keep))
    if cutoff > now - timedelta(days=MIN_AUDIT_KEEP_DAYS):
        raise ValueError(f"审计日志至少留存 {MIN_AUDIT_KEEP_DAYS} 天，不能归档 {timezone.localtime(cutoff):%Y-%m-%d} 之后的日志。")
    old = AuditEvent.objects.filter(created_at__lt=cutoff).order_by("created_at", "pk")
    if not old.exists():
        return ArchiveResult(0, None, cutoff=cutoff)

    directory = Path(directory or archive_dir())
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-before-{timezone.localtime(cutoff):%Y%m%d}-{timezone.localtime(now):%Y%m%d%H%M%S}.jsonl.gz"
    ids, first, last = [], None, None
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for event in old.iterator(chunk_size=ARCHIVE_BATCH):
            out.write(json.dumps(_row(event), cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
            ids.append(event.pk)
            first = first or event.created_at
            last = event.created_at
    # Read the file back: every id we are about to delete must be in it.
    with gzip.open(path, "rt", encoding="utf-8") as back:
        written = [json.loads(line)["id"] for line in back]
    if written != ids:
        path.unlink(missing_ok=True)
        raise RuntimeError("审计日志归档文件校验失败，未删除任何日志。")

    result = ArchiveResult(len(ids), path, first, last, cutoff)
    with transaction.atomic():
        for start in range(0, len(ids), ARCHIVE_BATCH):
            AuditEvent.objects.filter(pk__in=ids[start:start + ARCHIVE_BATCH]).delete()
        audit.record(
            AuditEvent.Kind.ARCHIVE, user=user, username="" if user else "system",
            summary=result.summary(), count=result.count, file=str(path),
            first=first.isoformat(), last=last.isoformat(), cutoff=cutoff.isoformat(),
            first_id=ids[0], last_id=ids[-1],
        )
    return result


def run(now=None) -> dict:
    """The nightly job: sessions, done outbox messages, and audit events past retention."""
    from cadre_portal.notifications import outbox

    archived = archive_audit(now=now)
    return {
        "sessions": purge_expired_sessions(),
        "outbox_done": outbox.purge_done(now=now),
        "audit_archived": archived.count,
        "audit_file": str(archived.path or ""),
    }
