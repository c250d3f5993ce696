"""The transactional outbox: follow-up work that a committed action never loses.

A business action (a workflow transition, an import request, a button) often
has consequences outside its own rows: a notification, a Celery job. Sending
them straight to the broker after commit loses them when the broker is down
or the process dies between the commit and the send. Instead the action
*writes the follow-up work as a row* (``OutboxMessage``) in the same
transaction; after the commit the row is handed to a worker (best effort), and
a periodic sweep hands over whatever is still pending. A broker outage only
delays the work; the user's request succeeds whenever its transaction
committed.

The recipe (every app follows it):

1. Write the handler: a function taking JSON-serialisable keyword arguments
   (primary keys, never model instances), in ``<app>/tasks.py``, registered by
   name. It must be idempotent: a message may be delivered twice (a worker
   killed after the handler but before the message was marked done)::

       from cadre_portal.notifications import outbox

       @outbox.handler("reserves.notify_transition")
       def notify_transition(transition_pk: int) -> int:
           ...

   ``atomic=True`` (the default) runs the handler and the "done" mark in one
   transaction: for database-only work that makes delivery exactly-once. Long
   jobs (imports) pass ``atomic=False`` and ``lease=`` (how long a worker may
   hold the message before the sweep assumes it died and delivers it again).

2. Inside the action's transaction, enqueue it::

       with transaction.atomic():
           ...                                    # the action's own writes
           outbox.enqueue("reserves.notify_transition", transition_pk=row.pk)

   ``enqueue`` inserts the row and, once the transaction commits, dispatches
   it: to a Celery worker through the broker (``REDIS_URL`` set), or right
   here in-process (the embedded default, no broker). A failed dispatch is
   logged and left to the sweep; it never fails the request.
   ``outbox.notify(recipients=..., region=..., title=...)`` is the ready-made
   message for an in-portal notification (``services.notify``).

3. Nothing else. Beat runs ``sweep_outbox`` every minute (created by
   ``migrate``): it dispatches pending messages whose dispatch failed or was
   lost, retries failed handlers with backoff (``MAX_ATTEMPTS`` by default,
   then the message is marked failed and shown in the admin, where an
   administrator can re-queue it), and runs the hooks registered with
   ``@outbox.on_sweep`` (e.g. failing import jobs whose worker died).
   Without a broker, ``manage.py outbox_sweep`` (cron, every few minutes) does
   the same in-process; ``run_due_reminders`` runs it too.

When the caller must know whether the work was handed over (the "立即扫描"
button tells the user when the broker is down), enqueue with
``dispatch=False`` and call ``outbox.dispatch(messages)`` after the
transaction: its result says how many were sent, run or left pending.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable, Iterable

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

DELIVER_TASK = "cadre_portal.notifications.tasks.deliver_outbox"
SWEEP_TASK = "cadre_portal.notifications.tasks.sweep_outbox"
DEFAULT_LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8
# A message handed to the broker and still pending this long later lost its
# task (worker down, broker flushed): the sweep hands it over again.
REDISPATCH_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500
# Done messages are kept this long (the admin shows them), then purged by housekeeping.
KEEP_DONE = timedelta(days=30)


@dataclass(frozen=True)
class Handler:
    name: str
    func: Callable
    atomic: bool = True
    lease: timedelta = DEFAULT_LEASE
    max_attempts: int = MAX_ATTEMPTS
    label: str = ""


_HANDLERS: dict[str, Handler] = {}
_SWEEP_HOOKS: list[Callable] = []


def handler(name: str, *, atomic: bool = True, lease: timedelta = DEFAULT_LEASE, max_attempts: int = MAX_ATTEMPTS,
            label: str = ""):
    """Register ``func`` as the handler of outbox messages named ``name`` (a
    decorator; the function is returned unchanged). ``label`` is the Chinese
    name the admin shows."""

    def register(func):
        _HANDLERS[name] = Handler(name, func, atomic, lease, max_attempts, label)
        return func

    return register


def on_sweep(func: Callable) -> Callable:
    """Register a function (no arguments) that every sweep runs — housekeeping that
    must happen within minutes, such as failing jobs whose worker stopped heartbeating."""
    if func not in _SWEEP_HOOKS:
        _SWEEP_HOOKS.append(func)
    return func


_discovered = False


def _discover() -> None:
    """Import every app's ``tasks`` module (where handlers and sweep hooks are
    registered) once per process; a web process has not imported them."""
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
        _discovered = True


def get_handler(name: str) -> Handler:
    """The handler registered under ``name``."""
    if name not in _HANDLERS:
        _discover()
    try:
        return _HANDLERS[name]
    except KeyError:
        raise LookupError(f"No outbox handler named {name!r}") from None


def handler_label(name: str) -> str:
    found = _HANDLERS.get(name)
    return (found.label if found and found.label else "") or name


# --- enqueue ----------------------------------------------------------------------


def enqueue(name: str, *, dispatch: bool = True, delay: timedelta | None = None, **kwargs):
    """Write one outbox message (call it inside the action's transaction).

    ``kwargs`` are the handler's keyword arguments (JSON: ids, strings, numbers).
    With ``dispatch`` (the default) the message is handed over once the
    transaction commits; ``delay`` holds it back that long (the sweep delivers it).
    Returns the ``OutboxMessage``.
    """
    from cadre_portal.notifications.models import OutboxMessage

    get_handler(name)  # a typo fails here, inside the caller's transaction, not later in a worker
    now = timezone.now()
    message = OutboxMessage.objects.create(
        handler=name, kwargs=kwargs, available_at=now + delay if delay else now,
        # Assume the after-commit dispatch succeeds; a failed one clears this so the
        # next sweep picks the message up at once.
        dispatched_at=now if dispatch and not delay else None,
    )
    if dispatch and not delay:
        pk = message.pk

        def send():
            dispatch_ids([pk])

        send.__qualname__ = f"outbox dispatch {name}#{pk}"
        transaction.on_commit(send, robust=True)
    return message


def notify(*, recipients: Iterable, region, title: str, body: str = "", link: str = "", exclude=None, **options):
    """Enqueue an in-portal notification (``services.notify``) to ``recipients``
    (users or user ids) about something in ``region``; each recipient is still
    checked against their own scope when it is delivered."""
    ids = sorted({getattr(u, "pk", u) for u in recipients})
    return enqueue(
        "notifications.notify", recipient_ids=ids, region_id=getattr(region, "pk", region),
        title=title[:200], body=body, link=link[:500], exclude=getattr(exclude, "pk", exclude), **options,
    )


# --- dispatch ---------------------------------------------------------------------


@dataclass
class DispatchResult:
    sent: int = 0  # handed to the broker
    ran: int = 0  # delivered in-process (no broker)
    failed: int = 0  # in-process delivery raised: left pending for a retry
    pending: int = 0  # not handed over (broker unreachable): the sweep will
    broker_error: str = ""
    ids: list[int] = field(default_factory=list)

    @property
    def broker_down(self) -> bool:
        return bool(self.broker_error)

    def as_dict(self) -> dict:
        return {"sent": self.sent, "ran": self.ran, "failed": self.failed, "pending": self.pending,
                "broker_error": self.broker_error}


def runs_in_process() -> bool:
    """No broker configured (the embedded default): deliver in this process."""
    from cadre_portal.celery import app

    return bool(app.conf.task_always_eager)


def dispatch(messages) -> DispatchResult:
    """Hand over messages (``OutboxMessage`` objects or ids) now, after the
    transaction that wrote them. Never raises; the result says what happened."""
    from cadre_portal.notifications.models import OutboxMessage

    ids = [getattr(m, "pk", m) for m in messages]
    if ids:
        OutboxMessage.objects.filter(pk__in=ids).update(dispatched_at=timezone.now())
    return dispatch_ids(ids)


def dispatch_ids(ids: list[int]) -> DispatchResult:
    from cadre_portal.notifications.models import OutboxMessage

    result = DispatchResult(ids=list(ids))
    if not ids:
        return result
    if runs_in_process():
        for pk in ids:
            outcome = deliver(pk)
            if outcome == RETRY or outcome == FAILED:
                result.failed += 1
            else:
                result.ran += 1
        return result
    from cadre_portal.notifications import tasks

    for index, pk in enumerate(ids):
        try:
            # No publish retries: with the broker down the request must not hang;
            # the sweep hands the message over once the broker is back.
            tasks.deliver_outbox.apply_async((pk,), retry=False)
        except Exception as exc:  # noqa: BLE001 - any broker failure leaves the rest to the sweep
            left = ids[index:]
            result.pending = len(left)
            result.broker_error = f"{type(exc).__name__}: {exc}"[:500]
            logger.warning("Outbox: broker unreachable, %s message(s) left for the sweep: %s", len(left), exc)
            try:
                OutboxMessage.objects.filter(pk__in=left, state=OutboxMessage.State.PENDING).update(dispatched_at=None)
            except Exception:  # noqa: BLE001 - the sweep's redispatch interval covers it
                logger.exception("Outbox: could not mark %s message(s) undispatched", len(left))
            break
        else:
            result.sent += 1
    return result


# --- deliver ----------------------------------------------------------------------

DONE, RETRY, FAILED, NOTHING, BUSY = "done", "retry", "failed", "nothing", "busy"


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … up to an hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def deliver(message_id: int) -> str:
    """Run one message's handler unless it is done or another worker holds it.

    Claims the message with a conditional update (exactly one of several racing
    workers wins), runs the handler, marks it done; a failing handler is retried
    later with backoff and, after its ``max_attempts``, marked failed.
    Returns DONE, RETRY, FAILED, NOTHING (done already / gone) or BUSY.
    """
    from cadre_portal.notifications.models import OutboxMessage

    State = OutboxMessage.State
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None or message.state != State.PENDING:
        return NOTHING
    now = timezone.now()
    try:
        found = get_handler(message.handler)
    except LookupError:
        OutboxMessage.objects.filter(pk=message.pk, state=State.PENDING).update(
            state=State.FAILED, last_error=f"未注册的任务：{message.handler}", locked_until=None)
        logger.error("Outbox message %s names an unknown handler %s", message.pk, message.handler)
        return FAILED
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    claimed = OutboxMessage.objects.filter(free, pk=message.pk, state=State.PENDING).update(
        locked_until=now + found.lease, attempts=F("attempts") + 1)
    if not claimed:
        return BUSY
    attempts = message.attempts + 1
    try:
        if found.atomic:
            with transaction.atomic():
                found.func(**message.kwargs)
                _mark_done(message.pk)
        else:
            found.func(**message.kwargs)
            _mark_done(message.pk)
    except Exception as exc:  # noqa: BLE001 - recorded on the message and retried
        give_up = attempts >= found.max_attempts
        logger.warning("Outbox message %s (%s) failed on attempt %s%s: %s", message.pk, message.handler, attempts,
                       " — giving up" if give_up else "", exc, exc_info=True)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=State.FAILED if give_up else State.PENDING, last_error=error, locked_until=None,
            available_at=timezone.now() + backoff(attempts), dispatched_at=None,
        )
        return FAILED if give_up else RETRY
    return DONE


def _mark_done(pk: int) -> None:
    from cadre_portal.notifications.models import OutboxMessage

    OutboxMessage.objects.filter(pk=pk).update(
        state=OutboxMessage.State.DONE, done_at=timezone.now(), locked_until=None, last_error="")


# --- sweep ------------------------------------------------------------------------


@dataclass
class SweepResult:
    due: int = 0
    dispatch: DispatchResult = field(default_factory=DispatchResult)
    hooks: int = 0
    hook_errors: int = 0

    def as_dict(self) -> dict:
        return {"due": self.due, **self.dispatch.as_dict(), "hooks": self.hooks, "hook_errors": self.hook_errors}


def due_messages(now=None):
    """Pending messages to hand over: available, not held by a worker, and never
    dispatched or dispatched long enough ago that their task must be lost."""
    from cadre_portal.notifications.models import OutboxMessage

    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now),
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - REDISPATCH_AFTER),
        state=OutboxMessage.State.PENDING, available_at__lte=now,
    )


def sweep(*, limit: int = SWEEP_BATCH, run_hooks: bool = True) -> SweepResult:
    """Hand over every due message (up to ``limit``) and run the sweep hooks."""
    from cadre_portal.notifications.models import OutboxMessage

    _discover()
    result = SweepResult()
    now = timezone.now()
    ids = list(due_messages(now).order_by("available_at", "pk").values_list("pk", flat=True)[:limit])
    result.due = len(ids)
    if ids:
        OutboxMessage.objects.filter(pk__in=ids).update(dispatched_at=now)
        result.dispatch = dispatch_ids(ids)
    if run_hooks:
        for hook in list(_SWEEP_HOOKS):
            result.hooks += 1
            try:
                hook()
            except Exception:  # noqa: BLE001 - one hook's failure must not stop the others
                result.hook_errors += 1
                logger.exception("Outbox sweep hook %s failed", getattr(hook, "__qualname__", hook))
    return result


def requeue(messages) -> int:
    """An administrator re-queues failed (or stuck) messages: pending again, attempts reset."""
    from cadre_portal.notifications.models import OutboxMessage

    return OutboxMessage.objects.filter(pk__in=[getattr(m, "pk", m) for m in messages]).exclude(
        state=OutboxMessage.State.DONE).update(
        state=OutboxMessage.State.PENDING, attempts=0, locked_until=None, dispatched_at=None,
        available_at=timezone.now(), last_error="")


def purge_done(now=None) -> int:
    """Delete done messages older than ``KEEP_DONE`` (housekeeping)."""
    from cadre_portal.notifications.models import OutboxMessage

    now = now or timezone.now()
    deleted, _ = OutboxMessage.objects.filter(state=OutboxMessage.State.DONE, done_at__lt=now - KEEP_DONE).delete()
    return deleted


def backlog(now=None) -> dict:
    """Counts for the health check: pending, pending for over 10 minutes, failed."""
    from django.db.models import Count

    from cadre_portal.notifications.models import OutboxMessage

    now = now or timezone.now()
    State = OutboxMessage.State
    return OutboxMessage.objects.filter(state__in=[State.PENDING, State.FAILED]).aggregate(
        pending=Count("pk", filter=Q(state=State.PENDING)),
        stale=Count("pk", filter=Q(state=State.PENDING, created_at__lt=now - timedelta(minutes=10))),
        failed=Count("pk", filter=Q(state=State.FAILED)),
    )
