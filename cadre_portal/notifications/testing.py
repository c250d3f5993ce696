"""Helpers for the tests of reminder kinds (every app's ``tests/test_reminders.py``).

``scan_on(key, day)`` runs one kind's scan on a day with its dispatch, as beat
would; ``due_query_count(kind, today=…)`` counts the queries of ``kind.due()``;
``assert_kind_is_set_based(key, today=…, add_rows=…)`` pins the registry's rule:
the queries of ``due()`` and of the whole scan (dispatch included) do not grow
when ``add_rows()`` adds more due items for the same recipients.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Callable

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


def at(day: date, hour: int = 8):
    """Travel to ``day`` at ``hour`` local time (time_machine), as beat's scan would run."""
    import time_machine

    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    return time_machine.travel(moment, tick=False)


def scan_on(kind_key: str, day: date):
    """One kind's scan on ``day``, with its dispatch (the after-commit work runs)."""
    from cadre_portal.notifications import services

    with at(day), TestCase.captureOnCommitCallbacks(execute=True):
        return services.scan(kind_key)


def due_query_count(kind_key: str, *, today: date, until: date | None = None) -> tuple[int, int]:
    """(queries, rows) of ``kind.due()`` on ``today`` (up to ``until``, default 30 days on)."""
    from cadre_portal.notifications import registry
    from cadre_portal.notifications.models import ReminderSetting

    kind = registry.get(kind_key)
    setting = ReminderSetting.for_kind(kind)
    with CaptureQueriesContext(connection) as queries:
        rows = list(kind.due(today=today, until=until or today + timedelta(days=30), setting=setting))
    return len(queries), len(rows)


def scan_query_count(kind_key: str, day: date) -> tuple[int, int]:
    """(queries, reminders created) of a whole scan on ``day``, dispatch included."""
    with CaptureQueriesContext(connection) as queries:
        result = scan_on(kind_key, day)
    return len(queries), result.created


def assert_kind_is_set_based(kind_key: str, *, today: date, add_rows: Callable[[], None]) -> None:
    """``due()`` runs the same number of queries before and after ``add_rows()`` gives
    it more rows: the kind selects in SQL, not one query per item."""
    before, rows_before = due_query_count(kind_key, today=today)
    add_rows()
    after, rows_after = due_query_count(kind_key, today=today)
    assert rows_after > rows_before, f"add_rows() should add due rows ({rows_before} -> {rows_after})"
    assert after == before, f"{kind_key}.due() ran {before} queries for {rows_before} rows and {after} for {rows_after}"
