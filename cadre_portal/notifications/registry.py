"""The reminder-kind registry.

A *kind* is one sort of reminder ("quarterly training session coming up",
"first-year follow-up visit overdue"). Each kind is a small class that selects,
in a few SQL queries, everything that is due; the machinery in ``services``
turns that set into reminders in bulk (at most once per kind, target and
period: ``INSERT … ON CONFLICT DO NOTHING`` on a unique constraint), keeps the
list of those still to come for the reminders page, resolves the recipients by
role and region in bulk, and delivers.

Adding a kind (e.g. the young-cadre retention interviews) — the worked example,
with its test, is in ``docs/REMINDERS.md``:

1. subclass ``ReminderKind`` in ``<app>/reminders.py``: ``key`` (stored, never
   renamed), ``label`` (Chinese, what users see), ``target_model`` (the
   ``"app_label.Model"`` its reminders are about), defaults for its setting, and
   ``due()`` returning ``Due`` rows built from ``values()``/``values_list()``
   queries — a fixed number of queries however many items there are, never one
   per item; optionally ``extra_recipients()`` (e.g. the officer responsible
   for a cadre, as user ids per target, from one query) and ``period_label()``;
2. decorate it with ``@register`` and import the module from the app's
   ``AppConfig.ready()``;
3. ``migrate``: ``post_migrate`` creates its ``ReminderSetting`` row and its
   django-celery-beat ``PeriodicTask``. No migration of its own.

``cadre_portal.notifications.testing.assert_kind_is_set_based`` checks step 1's
rule (the query count of ``due()`` does not grow with the data) in the kind's
own tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

from django.apps import apps


@dataclass(frozen=True, slots=True)
class Due:
    """One thing a kind wants a reminder for, as plain values (no model instances).

    ``target_id`` is the primary key of the record the reminder is about (a row of
    the kind's ``target_model``); ``region_id`` is where that record lives (a
    village, a township, or the county for a county-wide summary): it decides
    whose scope the reminder is in and so who may be told. ``period``
    distinguishes repeated reminders about the same target (``2026Q4``, ``2026``,
    a due date) — the scan never creates a second reminder for the same (kind,
    target, period). ``remind_on`` is the first day the reminder goes out; a row
    with a later date is listed as upcoming on the reminders page.
    """

    target_id: int
    region_id: int
    period: str
    title: str
    body: str
    remind_on: date
    link: str = ""
    due_date: date | None = None


class ReminderKind:
    """Base class for a kind of reminder. Subclasses set the class attributes
    and implement ``due``."""

    key: str = ""
    label: str = ""
    description: str = ""
    # "app_label.Model" of the records the reminders are about (Due.target_id).
    target_model: str = ""
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

    def due(self, *, today: date, until: date, setting) -> Iterable[Due]:
        """Everything that needs (or will need, up to ``until``) a reminder.

        Return rows whose ``remind_on`` is on or before ``until``; rows that are no
        longer relevant on ``today`` (a session already held, a visit already
        recorded) must not be returned. Select in SQL — ``values()`` and
        aggregates, ``select_related`` when instances are unavoidable — so the
        number of queries is fixed, whatever the number of rows.
        """
        raise NotImplementedError

    def model(self):
        return apps.get_model(self.target_model)

    def extra_recipients(self, target_ids: list[int], setting) -> Mapping[int, Iterable[int]]:
        """User ids this kind tells besides the roles ticked in its setting, per
        target id — e.g. the officer named as responsible for a cadre — from one
        query. Each one is still checked: active, the reminder's region in their
        scope, and ``visible_targets``. Default: nobody."""
        return {}

    def visible_targets(self, user, target_ids: list[int]) -> set[int]:
        """Which of ``target_ids`` ``user`` may learn about (one query). The default
        asks the target model's scoped queryset (``visible_to``) when it has one;
        a model without its own scope relies on the region check done by the
        caller (the reminder's region lies inside the user's scope)."""
        queryset = self.model()._default_manager.all()
        if hasattr(queryset, "visible_to"):
            return set(queryset.visible_to(user).filter(pk__in=target_ids).values_list("pk", flat=True))
        return set(target_ids)

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
    if not instance.target_model:
        raise ValueError(f"Reminder kind {instance.key!r} needs a target_model (\"app_label.Model\").")
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
