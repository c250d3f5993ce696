"""Celery tasks of the reminder machinery and the outbox. They take primary keys,
call ``services``/``outbox`` and are idempotent. Retries use short exponential
countdowns (at most ``MAX_BACKOFF`` seconds — far below the Redis visibility
timeout, beyond which Redis would redeliver a waiting task).

Outbox handlers of this app (``outbox.handler``): ``notifications.notify`` (an
in-portal notification, see ``outbox.notify``), ``notifications.dispatch_reminders``
(a batch of reminders a scan created) and ``notifications.scan_reminders`` (a
scan asked for by the "立即扫描" button).
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from cadre_portal.notifications import outbox, services

MAX_BACKOFF = 600


def backoff(retries: int, base: int = 30) -> int:
    """30 s, 60 s, 120 s, … capped at MAX_BACKOFF."""
    return min(base * 2**retries, MAX_BACKOFF)


@shared_task(
    name=services.SCAN_TASK,
    ignore_result=True,
    # A transient database error (a lock timeout, a dropped connection) is retried
    # soon; a repeated scan is harmless (unique constraint).
    autoretry_for=(DatabaseError,),
    retry_backoff=10,
    retry_backoff_max=MAX_BACKOFF,
    max_retries=5,
)
def scan_reminders(kind: str) -> dict:
    """Beat runs this once a day per reminder kind (kwargs {"kind": ...})."""
    return services.scan(kind).as_dict()


@shared_task(
    name="cadre_portal.notifications.tasks.dispatch_reminder",
    bind=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    retry_backoff_max=MAX_BACKOFF,
    max_retries=5,
)
def dispatch_reminder(self, reminder_pk: int) -> list[int]:
    return services.dispatch(reminder_pk)


@shared_task(
    name="cadre_portal.notifications.tasks.dispatch_reminders",
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    retry_backoff_max=MAX_BACKOFF,
    max_retries=5,
)
def dispatch_reminders(reminder_ids: list[int]) -> list[int]:
    """Dispatch a batch of reminders (the sweep's re-dispatch of lost ones)."""
    return services.dispatch_many(reminder_ids)


@shared_task(name="cadre_portal.notifications.tasks.send_email", bind=True, ignore_result=True, max_retries=5)
def send_email(self, delivery_pk: int) -> str:
    outcome = services.send_email_delivery(delivery_pk, final_attempt=self.request.retries >= self.max_retries)
    if outcome == services.RETRY:
        raise self.retry(countdown=backoff(self.request.retries))
    return outcome


@shared_task(name="cadre_portal.notifications.tasks.scan_all", ignore_result=True)
def scan_all() -> list[dict]:
    """Every enabled kind in turn (a single beat entry could run this instead)."""
    return [services.scan(key).as_dict() for key in services.enabled_kind_keys()]


# --- the outbox ------------------------------------------------------------------------


@shared_task(name=outbox.DELIVER_TASK, ignore_result=True)
def deliver_outbox(message_id: int) -> str:
    """Run one outbox message (sent after the commit that wrote it, or by the sweep)."""
    return outbox.deliver(message_id)


@shared_task(name=outbox.SWEEP_TASK, ignore_result=True)
def sweep_outbox() -> dict:
    """Beat runs this every minute: hand over pending outbox messages, run the
    sweep hooks, and stamp the ``beat`` heartbeat that ``/healthz`` reports."""
    from cadre_portal.notifications.models import Heartbeat

    result = outbox.sweep().as_dict()
    Heartbeat.beat("beat", **result)
    return result


@outbox.handler("notifications.notify", label="站内通知")
def notify(*, recipient_ids: list[int], region_id: int, title: str, body: str = "", link: str = "",
           exclude: int | None = None) -> int:
    """An in-portal notification to the given users (each checked against their scope)."""
    from cadre_portal.models import Region, User

    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        return 0
    recipients = list(User.objects.filter(pk__in=recipient_ids, is_active=True).select_related("region"))
    return services.notify(recipients=recipients, region=region, title=title, body=body, link=link, exclude=exclude)


@outbox.handler("notifications.dispatch_reminders", label="提醒分发")
def dispatch_reminders_now(*, reminder_ids: list[int]) -> list[int]:
    """The dispatch a scan writes in its own transaction, one message per batch."""
    return services.dispatch_many(reminder_ids)


@outbox.handler("notifications.scan_reminders", atomic=False, label="提醒扫描")
def scan_reminders_now(*, kind: str) -> dict:
    """A scan asked for by hand ("立即扫描"); the scan commits per reminder itself."""
    from cadre_portal.notifications import registry

    if kind not in registry.keys():
        return {"kind": kind, "unknown": True}
    return services.scan(kind).as_dict()


@outbox.on_sweep
def requeue_stalled_reminders() -> int:
    """Reminders whose dispatch was lost, and e-mails whose task was lost, within
    minutes rather than at the kind's next daily scan."""
    return services.requeue_stalled()
