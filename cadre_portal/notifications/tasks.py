"""Celery tasks of the reminder machinery. They take primary keys, call
``services`` and are idempotent. Retries use short exponential countdowns
(at most ``MAX_BACKOFF`` seconds — far below the Redis visibility timeout,
beyond which Redis would redeliver a waiting task)."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from cadre_portal.notifications import services

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
