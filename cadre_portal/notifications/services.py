"""The reminder machinery: scan, dispatch, send, read.

Flow (each step set-based: a fixed number of queries per kind and per batch,
never one per reminder):

1. ``scan(kind)`` — run by beat once a day per kind (or by
   ``run_due_reminders``, or the "立即扫描" button): asks the kind for every row
   that is due up to ``UPCOMING_DAYS`` ahead (``kind.due()``, a few SQL queries).
   The rows due today are inserted as ``Reminder`` rows in bulk with ``ON CONFLICT
   DO NOTHING`` on the (kind, target, period) unique constraint — so duplicates
   are impossible however often or however concurrently scans run — and the ones
   this scan created are queued for dispatch through the outbox, in the same
   transaction. The later rows replace the kind's ``PlannedReminder`` rows (the
   reminders page's "upcoming" list).
2. ``dispatch_many(ids)`` — claims the reminders, resolves their recipients by
   role and region for the whole batch (one query for the users, one per
   recipient for the scope check of their targets), creates the
   ``Notification`` rows (unique per reminder and recipient) and their portal
   ``Delivery`` rows in bulk, and queues one e-mail ``Delivery`` each.
3. ``send_email_delivery(delivery)`` — sends one email under a row lock; a
   delivery already sent is never sent again. The task retries failures with
   exponential backoff (short countdowns only) and stops at a limit.

The outbox sweep (every minute under beat) dispatches reminders whose dispatch
was lost and re-queues e-mails whose task was lost.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cadre_portal.audit import record
from cadre_portal.models import AuditEvent, Role, User
from cadre_portal.notifications import registry
from cadre_portal.notifications.models import Delivery, Notification, PlannedReminder, Reminder, ReminderSetting
from cadre_portal.scope import region_in_scope

logger = logging.getLogger(__name__)

SCAN_TASK = "cadre_portal.notifications.tasks.scan_reminders"
# A reminder not dispatched this long after it was created lost its dispatch
# (worker killed, broker flushed): the sweep (and the next scan) dispatch it again.
STALLED_DISPATCH_AFTER = timedelta(minutes=10)
# An email delivery still pending/retrying this long after its last attempt
# lost its task: the sweep queues it again. Longer than the whole backoff.
STALLED_EMAIL_AFTER = timedelta(hours=1)
# How far ahead the scan plans reminders (the reminders page's "upcoming" list).
UPCOMING_DAYS = 30
# Reminders per insert statement and per dispatch batch.
BATCH = 500


@dataclass
class ScanResult:
    kind: str
    created: int = 0
    existing: int = 0
    planned: int = 0
    requeued: int = 0
    disabled: bool = False
    reminder_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "created": self.created, "existing": self.existing, "planned": self.planned,
                "requeued": self.requeued, "disabled": self.disabled}


def _enqueue(task, *args) -> None:
    """Send a task once the current transaction commits (immediately in autocommit).

    Robust: if sending fails (broker down) or, in eager mode, the task raises
    (an email to be retried), the error is logged and the caller carries on —
    the sweep picks up what was left undone (``requeue_stalled``).
    """

    def send():
        task.delay(*args)

    send.__qualname__ = f"enqueue {task.name}{args}"
    transaction.on_commit(send, robust=True)


# --- 1. scan -------------------------------------------------------------------------

def scan(kind_key: str, *, today: date | None = None) -> ScanResult:
    """Create the reminders of one kind that are due on ``today`` (default: the
    local date), each at most once, queue their dispatch, and plan the ones due
    within ``UPCOMING_DAYS``. A fixed number of queries whatever the number of rows."""
    from cadre_portal.notifications import outbox
    from cadre_portal.notifications.models import Heartbeat

    kind = registry.get(kind_key)
    setting = ReminderSetting.for_kind(kind)
    result = ScanResult(kind=kind.key)
    if not setting.enabled:
        PlannedReminder.objects.filter(kind=kind.key).delete()
        result.disabled = True
        return result
    today = today or timezone.localdate()
    rows = list(kind.due(today=today, until=today + timedelta(days=UPCOMING_DAYS), setting=setting))
    target_type = ContentType.objects.get_for_model(kind.model(), for_concrete_model=False)
    now = timezone.now()
    due_now = [row for row in rows if row.remind_on <= today]
    later = [row for row in rows if row.remind_on > today]
    with transaction.atomic():
        last_id = Reminder.objects.aggregate(last=Max("pk"))["last"] or 0
        token = uuid.uuid4()
        Reminder.objects.bulk_create(
            [
                Reminder(kind=kind.key, target_type=target_type, target_id=row.target_id, period=row.period,
                         region_id=row.region_id, title=row.title[:200], body=row.body, link=row.link[:500],
                         remind_on=row.remind_on, due_date=row.due_date, created_at=now, scan_token=token)
                for row in due_now
            ],
            ignore_conflicts=True, batch_size=BATCH,
        )
        result.reminder_ids = list(
            Reminder.objects.filter(kind=kind.key, pk__gt=last_id, scan_token=token)
            .order_by("pk").values_list("pk", flat=True)
        ) if due_now else []
        result.created = len(result.reminder_ids)
        result.existing = max(len(due_now) - result.created, 0)
        for start in range(0, len(result.reminder_ids), BATCH):
            outbox.enqueue("notifications.dispatch_reminders", reminder_ids=result.reminder_ids[start:start + BATCH])
        PlannedReminder.objects.filter(kind=kind.key).delete()
        PlannedReminder.objects.bulk_create(
            [
                PlannedReminder(kind=kind.key, target_type=target_type, target_id=row.target_id, period=row.period,
                                region_id=row.region_id, title=row.title[:200], link=row.link[:500],
                                remind_on=row.remind_on, due_date=row.due_date, planned_at=now)
                for row in later
            ],
            ignore_conflicts=True, batch_size=BATCH,
        )
        # A row planned again for a target and period already reminded of (a lead time
        # shortened after the reminder went out) will never be created: not upcoming.
        PlannedReminder.objects.filter(kind=kind.key).filter(
            _already_reminded(kind.key)
        ).delete()
        result.planned = PlannedReminder.objects.filter(kind=kind.key).count()
        Heartbeat.beat(f"scan:{kind.key}", created=result.created, planned=result.planned)
    result.requeued = requeue_stalled(kind.key)
    return result


def _already_reminded(kind_key: str) -> Q:
    from django.db.models import Exists, OuterRef

    return Q(Exists(Reminder.objects.filter(
        kind=kind_key, target_type=OuterRef("target_type"), target_id=OuterRef("target_id"), period=OuterRef("period"))))


def requeue_stalled(kind_key: str | None = None) -> int:
    """Dispatch again the reminders (of one kind, or all) that were never dispatched,
    and queue again the e-mails whose task was lost. Run by every scan of a kind and
    by the outbox sweep (every minute under beat)."""
    from cadre_portal.notifications import tasks

    now = timezone.now()
    stalled_reminders = Reminder.objects.filter(dispatched_at__isnull=True, created_at__lt=now - STALLED_DISPATCH_AFTER)
    stalled_emails = Delivery.objects.filter(
        channel=Delivery.Channel.EMAIL,
        outcome__in=[Delivery.Outcome.PENDING, Delivery.Outcome.RETRYING],
        updated_at__lt=now - STALLED_EMAIL_AFTER,
    )
    if kind_key is not None:
        stalled_reminders = stalled_reminders.filter(kind=kind_key)
        stalled_emails = stalled_emails.filter(notification__reminder__kind=kind_key)
    reminder_ids = list(stalled_reminders.order_by("pk").values_list("pk", flat=True)[:10 * BATCH])
    for start in range(0, len(reminder_ids), BATCH):
        _enqueue(tasks.dispatch_reminders, reminder_ids[start:start + BATCH])
    email_ids = list(stalled_emails.values_list("pk", flat=True)[:10 * BATCH])
    for pk in email_ids:
        _enqueue(tasks.send_email, pk)
    return len(reminder_ids) + len(email_ids)


@dataclass
class ScanRequest:
    """What the "立即扫描" button did: the kinds asked for and how the outbox handed them over."""

    keys: list[str]
    dispatch: object  # outbox.DispatchResult

    @property
    def broker_down(self) -> bool:
        return self.dispatch.broker_down


def trigger_scan(*, user, request=None, kinds: list[str] | None = None) -> ScanRequest:
    """The "立即扫描" button: one outbox message per enabled kind (or the given
    ones), written with the audit entry, then handed to the workers. With the
    broker down the scans stay queued in the outbox (the sweep runs them once it
    is back) and the result says so."""
    from cadre_portal.notifications import outbox

    keys = kinds or enabled_kind_keys()
    with transaction.atomic():
        # The audit page shows the detail to users: labels, never kind keys.
        record(AuditEvent.Kind.REMINDER_SCAN, user=user, request=request,
               summary="手动触发提醒扫描：" + "、".join(registry.label_for(k) for k in keys))
        messages = [outbox.enqueue("notifications.scan_reminders", kind=key, dispatch=False) for key in keys]
    return ScanRequest(keys=keys, dispatch=outbox.dispatch(messages))


def enabled_kind_keys() -> list[str]:
    kinds = registry.all_kinds()
    enabled = dict(ReminderSetting.objects.filter(kind__in=[k.key for k in kinds]).values_list("kind", "enabled"))
    return [kind.key for kind in kinds if enabled.get(kind.key, True)]


# --- 2. dispatch -------------------------------------------------------------------

def ancestor_paths(path: str) -> list[str]:
    """``421223/421223100/`` -> [``421223/``, ``421223/421223100/``]."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _recipients_by_reminder(kind, setting, reminders: list[Reminder]) -> dict[int, list[User]]:
    """Who is told of each reminder: by role (the setting) and region (officers of
    the record's township, county staff of its county), plus the people the kind
    names itself, each checked against their own scope — so nobody learns of a
    record they could not open. Queries: the users (one), the kind's extra
    recipients (one), and one scope check per distinct recipient."""
    roles = []
    if setting.notify_township_officers:
        roles.append(Role.TOWNSHIP_OFFICER)
    if setting.notify_county_staff:
        roles.append(Role.COUNTY_STAFF)
    by_role = list(User.objects.filter(is_active=True, role__in=roles).select_related("region")) if roles else []
    target_ids = sorted({r.target_id for r in reminders})
    extra = {tid: set(ids) for tid, ids in (kind.extra_recipients(target_ids, setting) or {}).items()}
    extra_ids = set().union(*extra.values()) if extra else set()
    extra_users = {u.pk: u for u in User.objects.filter(pk__in=extra_ids, is_active=True).select_related("region")} \
        if extra_ids else {}
    candidates: dict[int, list[User]] = {}
    for reminder in reminders:
        region = reminder.region
        found = {u.pk: u for u in by_role if u.region_id and region.path.startswith(u.region.path)}
        for pk in extra.get(reminder.target_id, ()):
            user = extra_users.get(pk)
            if user is not None and region_in_scope(user, region):
                found.setdefault(pk, user)
        candidates[reminder.pk] = [found[pk] for pk in sorted(found)]
    # One scope check per recipient for all the targets they would be told about.
    wanted: dict[int, set[int]] = defaultdict(set)
    users: dict[int, User] = {}
    for reminder in reminders:
        for user in candidates[reminder.pk]:
            wanted[user.pk].add(reminder.target_id)
            users[user.pk] = user
    allowed = {pk: kind.visible_targets(users[pk], sorted(ids)) for pk, ids in wanted.items()}
    return {
        reminder.pk: [u for u in candidates[reminder.pk] if reminder.target_id in allowed[u.pk]]
        for reminder in reminders
    }


def resolve_recipients(reminder: Reminder, setting: ReminderSetting, kind=None) -> list[User]:
    """The recipients of one reminder (see ``_recipients_by_reminder``)."""
    kind = kind or registry.get(reminder.kind)
    return _recipients_by_reminder(kind, setting, [reminder])[reminder.pk]


def dispatch_many(reminder_ids: list[int]) -> list[int]:
    """Create the notifications of a batch of reminders and queue their emails.

    Idempotent and safe to run concurrently: each reminder is claimed (its
    ``dispatched_at`` stamped) in the same transaction that creates its
    notifications, and notifications and deliveries are unique per recipient and
    channel — running it twice tells nobody twice. Returns the email deliveries
    queued. Queries: a fixed number per kind in the batch plus one per recipient.
    """
    from cadre_portal.notifications import tasks

    queued: list[int] = []
    with transaction.atomic():
        reminders = list(
            Reminder.objects.select_for_update(of=("self",))
            .select_related("region")
            .filter(pk__in=reminder_ids, dispatched_at__isnull=True)
            .order_by("pk")
        )
        by_kind: dict[str, list[Reminder]] = defaultdict(list)
        for reminder in reminders:
            by_kind[reminder.kind].append(reminder)
        now = timezone.now()
        for key, group in by_kind.items():
            try:
                kind = registry.get(key)
            except LookupError:
                logger.warning("Reminders %s have an unregistered kind %s", [r.pk for r in group], key)
                continue
            setting = ReminderSetting.for_kind(kind)
            recipients = _recipients_by_reminder(kind, setting, group)
            # The reminders are claimed (locked, undispatched): nothing of theirs exists yet.
            notifications = bulk_create_with_history(
                [
                    Notification(reminder=r, recipient=user, title=r.title, body=r.body, link=r.link, created_at=now)
                    for r in group for user in recipients[r.pk]
                ],
                Notification, batch_size=BATCH,
            )
            users = {u.pk: u for r in group for u in recipients[r.pk]}
            deliveries = []
            for n in notifications:
                deliveries.append(Delivery(notification=n, recipient_id=n.recipient_id, channel=Delivery.Channel.PORTAL,
                                           outcome=Delivery.Outcome.SENT, attempts=1, sent_at=now, created_at=now))
                if not setting.send_email:
                    continue
                address = users[n.recipient_id].email
                if address:
                    deliveries.append(Delivery(notification=n, recipient_id=n.recipient_id, channel=Delivery.Channel.EMAIL,
                                               address=address, created_at=now))
                else:
                    deliveries.append(Delivery(notification=n, recipient_id=n.recipient_id, channel=Delivery.Channel.EMAIL,
                                               outcome=Delivery.Outcome.SKIPPED, error="用户未填写电子邮箱", created_at=now))
            created = bulk_create_with_history(deliveries, Delivery, batch_size=BATCH)
            queued += [d.pk for d in created if d.channel == Delivery.Channel.EMAIL and d.outcome == Delivery.Outcome.PENDING]
            for r in group:
                r.dispatched_at = now
                r.recipient_count = len(recipients[r.pk])
            Reminder.objects.bulk_update(group, ["dispatched_at", "recipient_count"], batch_size=BATCH)
        for pk in queued:
            _enqueue(tasks.send_email, pk)
    return queued


def dispatch(reminder_pk: int) -> list[int]:
    """Dispatch one reminder (see ``dispatch_many``)."""
    return dispatch_many([reminder_pk])


def users_responsible_for(region, roles) -> list[User]:
    """Active users of the given roles whose scope covers ``region`` (officers of its
    township, county staff of its county …)."""
    return list(
        User.objects.filter(is_active=True, role__in=roles, region__path__in=ancestor_paths(region.path))
        .select_related("region")
        .order_by("pk")
    )


def notify(*, recipients, region, title: str, body: str = "", link: str = "", exclude=None) -> int:
    """An event notification (not a scheduled reminder): one in-portal notification
    per recipient whose scope covers ``region``, with its portal delivery logged.

    Idempotent per (recipient, title, link): a redelivered task notifies nobody twice.
    Returns how many notifications were created.
    """
    now = timezone.now()
    users = [u for u in recipients if region_in_scope(u, region) and (exclude is None or u.pk != exclude)]
    if not users:
        return 0
    already = set(
        Notification.objects.filter(recipient__in=users, title=title[:200], link=link[:500], reminder=None).values_list(
            "recipient_id", flat=True
        )
    )
    created = 0
    with transaction.atomic():
        for user in users:
            if user.pk in already:
                continue
            notification = Notification.objects.create(
                recipient=user, title=title[:200], body=body, link=link[:500], created_at=now
            )
            Delivery.objects.create(
                notification=notification, recipient=user, channel=Delivery.Channel.PORTAL,
                outcome=Delivery.Outcome.SENT, attempts=1, sent_at=now,
            )
            created += 1
    return created


# --- 3. email ----------------------------------------------------------------------

SENT, RETRY, FAILED, NOTHING = "sent", "retry", "failed", "nothing"
# The delivery row stays locked while the mail server answers (on SQLite that is
# the database's write lock): never wait on a silent server for ever.
EMAIL_SEND_TIMEOUT = 15


def portal_base_url() -> str:
    import os

    return getattr(settings, "PORTAL_BASE_URL", "") or os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")


def email_text(notification: Notification) -> tuple[str, str]:
    site = getattr(settings, "SITE_NAME", "干部人才梯队建设管理平台")
    subject = f"【{site}】{notification.title}"
    body = notification.body
    if notification.link:
        body += f"\n\n查看详情：{portal_base_url().rstrip('/')}{notification.link}"
    body += f"\n\n此邮件由{site}自动发送，请登录平台处理，勿直接回复。"
    return subject, body


def send_email_delivery(delivery_pk: int, *, final_attempt: bool) -> str:
    """Send one email delivery unless it is already sent (or given up).

    The row is locked while sending, so a redelivered task running beside the
    first waits and then finds it sent. Returns SENT, RETRY (the caller should
    retry), FAILED (given up after the last attempt) or NOTHING.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery_pk, channel=Delivery.Channel.EMAIL)
            .first()
        )
        if delivery is None or delivery.outcome not in (Delivery.Outcome.PENDING, Delivery.Outcome.RETRYING):
            return NOTHING
        notification = Notification.objects.get(pk=delivery.notification_id)
        subject, body = email_text(notification)
        delivery.attempts += 1
        try:
            connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_SEND_TIMEOUT)
            send_mail(subject, body, None, [delivery.address], fail_silently=False, connection=connection)
        except Exception as exc:  # noqa: BLE001 - any backend failure is logged and retried
            delivery.error = f"{type(exc).__name__}: {exc}"[:2000]
            delivery.outcome = Delivery.Outcome.FAILED if final_attempt else Delivery.Outcome.RETRYING
            delivery.save(update_fields=["attempts", "error", "outcome", "updated_at"])
            logger.warning("Email delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
            return FAILED if final_attempt else RETRY
        delivery.outcome = Delivery.Outcome.SENT
        delivery.sent_at = timezone.now()
        delivery.error = ""
        delivery.save(update_fields=["attempts", "error", "outcome", "sent_at", "updated_at"])
        return SENT


# --- reading -------------------------------------------------------------------------

def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(user) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.for_user(user).unread().count()


# --- the reminders page ----------------------------------------------------------------

def page_counts(user) -> dict[str, dict[str, int]]:
    """Per kind, in the user's scope: upcoming (planned) and sent reminders. Two
    grouped queries, whatever the number of reminders."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"upcoming": 0, "sent": 0})
    for kind, n in PlannedReminder.objects.visible_to(user).order_by().values("kind").annotate(n=Count("pk")).values_list(
            "kind", "n"):
        counts[kind]["upcoming"] = n
    for kind, n in Reminder.objects.visible_to(user).order_by().values("kind").annotate(n=Count("pk")).values_list(
            "kind", "n"):
        counts[kind]["sent"] = n
    return dict(counts)


def delivery_stats(reminder_ids: list[int]) -> dict[int, dict[str, int]]:
    """Read and e-mail counts of the reminders shown on one page (one grouped query)."""
    rows = (
        Notification.objects.filter(reminder_id__in=reminder_ids).order_by().values("reminder_id").annotate(
            read=Count("pk", filter=Q(read_at__isnull=False), distinct=True),
            email_sent=Count("deliveries", filter=Q(deliveries__channel=Delivery.Channel.EMAIL,
                                                     deliveries__outcome=Delivery.Outcome.SENT)),
            email_failed=Count("deliveries", filter=Q(
                deliveries__channel=Delivery.Channel.EMAIL,
                deliveries__outcome__in=[Delivery.Outcome.FAILED, Delivery.Outcome.RETRYING])),
        )
    )
    return {row["reminder_id"]: row for row in rows}


def last_scans() -> dict[str, object]:
    """When each kind was last scanned (its ``scan:<kind>`` heartbeat)."""
    from cadre_portal.notifications.models import Heartbeat

    return {key.split(":", 1)[1]: at for key, at in Heartbeat.objects.filter(key__startswith="scan:").values_list("key", "at")}


# --- beat schedule -------------------------------------------------------------------

def sync_periodic_tasks(*, PeriodicTask=None, CrontabSchedule=None, PeriodicTasks=None) -> int:
    """One django-celery-beat PeriodicTask per registered kind (and its
    ReminderSetting row). Existing tasks are left as the administrator edited
    them; only missing ones are created. Returns how many were created.

    Called by the data migration (with historical models) and after every
    migrate, so a kind added later (e.g. the retention interviews) gets its
    task without a migration of its own.
    """
    if PeriodicTask is None:
        from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks  # noqa: F811
    created = 0
    for kind in registry.all_kinds():
        kwargs = json.dumps({"kind": kind.key})
        if PeriodicTask.objects.filter(task=SCAN_TASK, kwargs=kwargs).exists():
            continue
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=kind.schedule_minute, hour=kind.schedule_hour, day_of_week="*", day_of_month="*",
            month_of_year="*", timezone=settings.TIME_ZONE,
        )
        name = f"提醒扫描：{kind.label}"
        if PeriodicTask.objects.filter(name=name).exists():
            name = f"{name}（{kind.key}）"
        PeriodicTask.objects.create(
            name=name, task=SCAN_TASK, kwargs=kwargs, crontab=schedule, enabled=True,
            description=kind.description or kind.label,
        )
        created += 1
    if created and PeriodicTasks is not None:
        # Tell a running beat (DatabaseScheduler) to reload its schedule.
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return created


def ensure_settings() -> None:
    for kind in registry.all_kinds():
        ReminderSetting.for_kind(kind)
