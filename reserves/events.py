"""Dated events in a reserve cadre's life, defined once.

The flow figures (``reserves.figures``: 新推荐, 审查备案, 纳入储备库, 选拔任用,
进入乡镇领导班子), the lists' date filters (``reserves.filters``) and the overview
all ask "did this person's <event> happen between two dates?" through
``Event.happened``, so a number and the list it opens always agree.

Each event is dated by its own record: a transition's time (推荐/导入, 备案 —
an import straight into training counts as filed), the pool entry's admission
date, an appointment's date, a promotion into township leadership's date, a recruitment
through 事业单位定向招考 or 乡镇公务员招录's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cadre_portal.scope import model_scope_q
from reserves.models import Appointment, Candidate, PoolEntry, Promotion, Transition

A = Transition.Action
S = Candidate.Stage


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware local datetimes [start 00:00, the day after end 00:00): the same bounds the
    figures' periods use for datetime fields."""
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


def _transition(q: Q) -> Callable:
    def records(start: date, end: date):
        low, high = day_bounds(start, end)
        return Transition.objects.filter(q, at__gte=low, at__lt=high)

    return records


def _record(model, date_field: str, **extra) -> Callable:
    def records(start: date, end: date):
        return model.objects.filter(**{f"{date_field}__range": (start, end)}, **extra)

    return records


@dataclass(frozen=True)
class Event:
    key: str
    label: str  # the date's name in filters: 推荐日期 …
    verb: str  # what happened, for tiles and headings: 新推荐 …
    _records: Callable  # (start, end) -> the dated rows (each with a ``candidate``)

    def records(self, start: date, end: date):
        """The rows that date this event between ``start`` and ``end`` (unscoped: scope
        them with ``visible_to`` or through the candidate)."""
        return self._records(start, end)

    def happened(self, start: date, end: date) -> Exists:
        """A condition on ``Candidate``: the event happened on a day in ``start``–``end``."""
        return Exists(self.records(start, end).filter(candidate=OuterRef("pk")))

    def people_by(self, user, start: date, end: date, group: str) -> dict:
        """How many of the user's candidates it happened to, per value of ``group`` (a
        path from the candidate, e.g. ``village__parent_id``): distinct people over the
        event rows, so the same count as ``happened`` on the candidate list."""
        path = f"candidate__{group}"
        records = self.records(start, end)
        # Scoped through the record's own scope (its join to the candidate's village),
        # not ``candidate__in=<scoped candidates>``: that semi-join hashed every
        # candidate of the scope a second time (issue 16: the overview at 100k).
        rows = (
            records.filter(model_scope_q(records.model, user)).order_by()
            .values(path).annotate(n=Count("candidate_id", distinct=True)).values_list(path, "n")
        )
        return dict(rows)


EVENTS: dict[str, Event] = {
    e.key: e
    for e in [
        Event("nominated", "推荐日期", "新推荐", _transition(Q(action__in=[A.NOMINATE, A.IMPORT]))),
        Event("filed", "审查备案日期", "审查备案纳入培养", _transition(Q(action=A.FILE) | Q(action=A.IMPORT, to_stage=S.TRAINING))),
        Event("admitted", "入库日期", "纳入储备库", _record(PoolEntry, "admitted_on")),
        Event("appointed", "任用日期", "选拔任用", _record(Appointment, "appointed_on")),
        Event("promoted", "进入乡镇领导班子日期", "进入乡镇领导班子", _record(Promotion, "date", kind=Promotion.Kind.TOWNSHIP_LEADERSHIP)),
        Event("recruited", "招考招录日期", "事业单位定向招考、乡镇公务员招录", _record(Promotion, "date", kind__in=Promotion.EXAMS)),
    ]
}
CHOICES = [(e.key, e.label) for e in EVENTS.values()]


def get(key: str) -> Event:
    return EVENTS[key]
