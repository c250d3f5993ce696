"""The reminder machinery: scan, dispatch, send, read.

Flow (each step a Celery task taking primary keys, enqueued after commit):

1. ``scan(kind)`` — run by beat once a day per kind (or by
   ``run_due_reminders``, or the "立即扫描" button): asks the kind what is due
   and inserts one ``Reminder`` per (kind, target, period). The unique
   constraint decides: an insert that collides means "already there", so
   duplicates are impossible however often or however concurrently scans run.
2. ``dispatch(reminder)`` — resolves the recipients by role and region, checks
   each one's scope, creates their ``Notification`` (unique per reminder and
   recipient), logs the portal delivery and queues one email ``Delivery``.
3. ``send_email_delivery(delivery)`` — sends one email under a row lock; a
   delivery already sent is never sent again. The task retries failures with
   exponential backoff (short countdowns only) and stops at a limit.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadre_portal.audit import record
from cadre_portal.models import AuditEvent, Role, User
from cadre_portal.notifications import registry
from cadre_portal.notifications.models import Delivery, Notification, Reminder, ReminderSetting
from cadre_portal.scope import region_in_scope

logger = logging.getLogger(__name__)

SCAN_TASK = "cadre_portal.notifications.tasks.scan_reminders"
# A reminder not dispatched this long after it was created lost its task
# (worker killed, broker flushed): the next scan of its kind queues it again.
STALLED_DISPATCH_AFTER = timedelta(minutes=10)
# An email delivery still pending/retrying this long after its last attempt
# lost its task: the next scan queues it again. Longer than the whole backoff.
STALLED_EMAIL_AFTER = timedelta(hours=1)


@dataclass
class ScanResult:
    kind: str
    created: int = 0
    existing: int = 0
    requeued: int = 0
    disabled: bool = False
    reminder_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "created": self.created, "existing": self.existing,
                "requeued": self.requeued, "disabled": self.disabled}


def _enqueue(task, *args) -> None:
    """Send a task once the current transaction commits (immediately in autocommit).

    Robust: if sending fails (broker down) or, in eager mode, the task raises
    (an email to be retried), the error is logged and the caller carries on —
    the next scan of the kind picks up what was left undone (``_requeue_stalled``).
    """

    def send():
        task.delay(*args)

    send.__qualname__ = f"enqueue {task.name}{args}"
    transaction.on_commit(send, robust=True)


# --- 1. scan -------------------------------------------------------------------------

def scan(kind_key: str, *, today: date | None = None) -> ScanResult:
    """Create the reminders of one kind that are due on ``today`` (default: the
    local date), each at most once, and queue their dispatch after commit."""
    from cadre_portal.notifications import tasks

    kind = registry.get(kind_key)
    setting = ReminderSetting.for_kind(kind)
    result = ScanResult(kind=kind.key)
    if not setting.enabled:
        result.disabled = True
        return result
    today = today or timezone.localdate()
    for item in kind.due_items(today=today, until=today, setting=setting):
        if item.remind_on > today:
            continue
        reminder = _create_once(kind, item)
        if reminder is None:
            result.existing += 1
        else:
            result.created += 1
            result.reminder_ids.append(reminder.pk)
            _enqueue(tasks.dispatch_reminder, reminder.pk)
    result.requeued = _requeue_stalled(kind.key)
    return result


def _create_once(kind, item) -> Reminder | None:
    """Insert the reminder; None when the (kind, target, period) row already exists."""
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                kind=kind.key,
                target_type=ContentType.objects.get_for_model(item.target, for_concrete_model=False),
                target_id=item.target.pk,
                period=item.period,
                region=item.region,
                title=item.title[:200],
                body=item.body,
                link=item.link[:500],
                remind_on=item.remind_on,
                due_date=item.due_date,
            )
    except IntegrityError:
        return None


def _requeue_stalled(kind_key: str) -> int:
    return requeue_stalled(kind_key)


def requeue_stalled(kind_key: str | None = None) -> int:
    """Queue again the dispatch of reminders (of one kind, or all) that were never
    dispatched, and the e-mails whose task was lost. Run by every scan of a kind and
    by the outbox sweep (every minute under beat)."""
    from cadre_portal.notifications import tasks

    now = timezone.now()
    count = 0
    stalled_reminders = Reminder.objects.filter(dispatched_at__isnull=True, created_at__lt=now - STALLED_DISPATCH_AFTER)
    stalled_emails = Delivery.objects.filter(
        channel=Delivery.Channel.EMAIL,
        outcome__in=[Delivery.Outcome.PENDING, Delivery.Outcome.RETRYING],
        updated_at__lt=now - STALLED_EMAIL_AFTER,
    )
    if kind_key is not None:
        stalled_reminders = stalled_reminders.filter(kind=kind_key)
        stalled_emails = stalled_emails.filter(notification__reminder__kind=kind_key)
    for pk in stalled_reminders.values_list("pk", flat=True):
        _enqueue(tasks.dispatch_reminder, pk)
        count += 1
    for pk in stalled_emails.values_list("pk", flat=True):
        _enqueue(tasks.send_email, pk)
        count += 1
    return count


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
    return [kind.key for kind in registry.all_kinds() if ReminderSetting.for_kind(kind).enabled]


# --- 2. dispatch -------------------------------------------------------------------

def ancestor_paths(path: str) -> list[str]:
    """``421223/421223100/`` -> [``421223/``, ``421223/421223100/``]."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def resolve_recipients(reminder: Reminder, setting: ReminderSetting, kind=None) -> list[User]:
    """Who is told: by role (the setting) and region (officers of the record's
    township, county staff of its county), each checked against their own scope,
    so nobody learns of a record they could not open."""
    kind = kind or registry.get(reminder.kind)
    roles = []
    if setting.notify_township_officers:
        roles.append(Role.TOWNSHIP_OFFICER)
    if setting.notify_county_staff:
        roles.append(Role.COUNTY_STAFF)
    target = reminder.target
    if target is None:
        return []
    region = reminder.region
    candidates = {
        user.pk: user
        for user in User.objects.filter(role__in=roles, region__path__in=ancestor_paths(region.path)).select_related("region")
    } if roles else {}
    # People the kind names itself (e.g. the officer responsible for a cadre's
    # retention interviews), under the same checks as everyone else.
    for user in kind.extra_recipients(target, setting) or ():
        candidates.setdefault(user.pk, user)
    return [
        user for _, user in sorted(candidates.items())
        if user.is_active and region_in_scope(user, region) and kind.is_visible_to(target, user)
    ]


def dispatch(reminder_pk: int) -> list[int]:
    """Create the notifications of one reminder and queue its emails.

    Idempotent: notifications and deliveries are unique per recipient and
    channel; running it twice adds nobody twice. Returns the email deliveries
    queued.
    """
    from cadre_portal.notifications import tasks

    reminder = Reminder.objects.select_related("region", "target_type").filter(pk=reminder_pk).first()
    if reminder is None:
        return []
    try:
        kind = registry.get(reminder.kind)
    except LookupError:
        logger.warning("Reminder %s has an unregistered kind %s", reminder.pk, reminder.kind)
        return []
    setting = ReminderSetting.for_kind(kind)
    recipients = resolve_recipients(reminder, setting, kind)
    queued: list[int] = []
    now = timezone.now()
    with transaction.atomic():
        for user in recipients:
            notification, _ = Notification.objects.get_or_create(
                reminder=reminder,
                recipient=user,
                defaults={"title": reminder.title, "body": reminder.body, "link": reminder.link, "created_at": now},
            )
            Delivery.objects.get_or_create(
                notification=notification,
                channel=Delivery.Channel.PORTAL,
                defaults={"recipient": user, "outcome": Delivery.Outcome.SENT, "attempts": 1, "sent_at": now},
            )
            if not setting.send_email:
                continue
            if user.email:
                delivery, _ = Delivery.objects.get_or_create(
                    notification=notification,
                    channel=Delivery.Channel.EMAIL,
                    defaults={"recipient": user, "address": user.email},
                )
                if delivery.outcome in (Delivery.Outcome.PENDING, Delivery.Outcome.RETRYING):
                    queued.append(delivery.pk)
            else:
                Delivery.objects.get_or_create(
                    notification=notification,
                    channel=Delivery.Channel.EMAIL,
                    defaults={"recipient": user, "outcome": Delivery.Outcome.SKIPPED, "error": "用户未填写电子邮箱"},
                )
        Reminder.objects.filter(pk=reminder.pk).update(dispatched_at=now, recipient_count=len(recipients))
        for pk in queued:
            _enqueue(tasks.send_email, pk)
    return queued


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

@dataclass
class UpcomingItem:
    kind_key: str
    kind_label: str
    title: str
    region: object
    remind_on: date
    due_date: date | None
    link: str
    due_now: bool


def upcoming(user, *, today: date | None = None, days: int = 30) -> list[UpcomingItem]:
    """Reminders that will go out within ``days`` (or are due now and await the
    next scan) and do not exist yet, in the user's scope."""
    today = today or timezone.localdate()
    until = today + timedelta(days=days)
    items: list[UpcomingItem] = []
    for kind in registry.all_kinds():
        setting = ReminderSetting.for_kind(kind)
        if not setting.enabled:
            continue
        due = [i for i in kind.due_items(today=today, until=until, setting=setting) if region_in_scope(user, i.region)]
        if not due:
            continue
        existing = set(
            Reminder.objects.filter(kind=kind.key, period__in={i.period for i in due}).values_list(
                "target_type_id", "target_id", "period"
            )
        )
        for item in due:
            ct = ContentType.objects.get_for_model(item.target, for_concrete_model=False)
            if (ct.pk, item.target.pk, item.period) in existing:
                continue
            items.append(UpcomingItem(kind.key, kind.label, item.title, item.region, item.remind_on, item.due_date, item.link,
                                      item.remind_on <= today))
    items.sort(key=lambda i: (i.remind_on, i.kind_label))
    return items


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
