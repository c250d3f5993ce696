"""The reminder-kind registry.

A *kind* is one sort of reminder ("quarterly training session coming up",
"first-year follow-up visit overdue"). Each kind is a small class that knows
how to find what is due; the machinery in ``services`` turns what it finds
into reminders (at most once per kind, target and period), resolves the
recipients by role and region, and delivers.

Adding a kind (e.g. the young-cadre retention interviews) — worked example in
``docs/REMINDERS.md``:

1. subclass ``ReminderKind`` in ``<app>/reminders.py``: ``key`` (stored, never
   renamed), ``label`` (Chinese, what users see), defaults for its setting, and
   ``due_items()`` yielding ``DueItem`` objects; optionally ``extra_recipients()``
   (e.g. the officer responsible for a cadre) and ``period_label()``;
2. decorate it with ``@register`` and import the module from the app's
   ``AppConfig.ready()``;
3. ``migrate``: ``post_migrate`` creates its ``ReminderSetting`` row and its
   django-celery-beat ``PeriodicTask``. No migration of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from django.db import models


@dataclass(frozen=True)
class DueItem:
    """One thing a kind wants a reminder for.

    ``target`` is the record the reminder is about (any model instance);
    ``region`` is where that record lives (a township, or the county for a
    county-wide summary): it decides whose scope the reminder is in and so who
    may be told. ``period`` distinguishes repeated reminders about the same
    target (``2026Q4``, ``2026``, a due date) — the scan never creates a second
    reminder for the same (kind, target, period). ``remind_on`` is the first
    day the reminder should go out; items with a later date are shown as
    upcoming on the reminders page.
    """

    target: models.Model
    region: models.Model
    period: str
    title: str
    body: str
    remind_on: date
    link: str = ""
    due_date: date | None = None


class ReminderKind:
    """Base class for a kind of reminder. Subclasses set the class attributes
    and implement ``due_items``."""

    key: str = ""
    label: str = ""
    description: str = ""
    # Defaults for the administrator-editable ReminderSetting row.
    default_lead_days: int = 7
    default_notify_township_officers: bool = True
    default_notify_county_staff: bool = False
    default_send_email: bool = True
    default_window_start: str = ""  # "MM-DD", for seasonal kinds
    default_window_end: str = ""
    # Which ReminderSetting fields mean something for this kind (the admin
    # shows them; the others are ignored).
    uses_lead_days: bool = True
    uses_window: bool = False
    # When beat runs the scan (crontab fields, Asia/Shanghai).
    schedule_minute: str = "30"
    schedule_hour: str = "7"

    def due_items(self, *, today: date, until: date, setting) -> Iterable[DueItem]:
        """Everything that needs (or will need, up to ``until``) a reminder.

        Yield items whose ``remind_on`` is on or before ``until``; items that
        are no longer relevant on ``today`` (a session already held, a visit
        already recorded) must not be yielded.
        """
        raise NotImplementedError

    def extra_recipients(self, target: models.Model, setting) -> Iterable:
        """Users this kind tells besides the roles ticked in its setting — e.g.
        the officer named as responsible for a cadre. Each one is still
        checked: active, the reminder's region in their scope, and
        ``is_visible_to``. Default: nobody."""
        return ()

    def is_visible_to(self, target: models.Model, user) -> bool:
        """Whether ``user`` may learn about ``target``. The default asks the
        target's scoped queryset (``visible_to``) when it has one."""
        manager = type(target)._default_manager
        queryset = manager.all()
        if hasattr(queryset, "visible_to"):
            return queryset.visible_to(user).filter(pk=target.pk).exists()
        # A model without its own scope: the region check done by the caller
        # (the reminder's region lies inside the user's scope) is the rule.
        return True

    def period_label(self, period: str) -> str:
        """How users read one of this kind's period keys (the reminders page
        and the admin never show the raw key). The default understands
        ``2026Q4…``, ``2026-03-01…`` and ``2026``; override for other keys."""
        from cadre_portal.notifications.periods import period_label

        return period_label(period)

    def __repr__(self) -> str:
        return f"<ReminderKind {self.key}>"


_KINDS: dict[str, ReminderKind] = {}


def register(kind: ReminderKind | type[ReminderKind]) -> ReminderKind:
    """Register a kind (an instance or a class; usable as a class decorator).
    Registering the same key again replaces the earlier kind."""
    instance = kind() if isinstance(kind, type) else kind
    if not instance.key or not instance.label:
        raise ValueError("A reminder kind needs a key and a label.")
    _KINDS[instance.key] = instance
    return kind


def unregister(key: str) -> None:
    _KINDS.pop(key, None)


def get(key: str) -> ReminderKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"Unknown reminder kind {key!r}") from None


def all_kinds() -> list[ReminderKind]:
    return list(_KINDS.values())


def keys() -> list[str]:
    return list(_KINDS)


def label_for(key: str) -> str:
    """The kind's Chinese label; a kind no longer registered shows as such, never as its key."""
    kind = _KINDS.get(key)
    return kind.label if kind else "（已停用的提醒类型）"


def period_label_for(key: str, period: str) -> str:
    kind = _KINDS.get(key)
    if kind is None:
        from cadre_portal.notifications.periods import period_label

        return period_label(period)
    return kind.period_label(period)
