"""Work that is due about reserve cadres, each defined once as a queryset.

A home panel's count, the roster it opens (``?due=<key>``) and the reminder that
names the same people all narrow a candidate queryset through the one ``Duty``
here, so the three always agree ("年度评议待录入 0" beside a reminder listing 15
trainees cannot happen again). To add one: declare it in ``DUTIES`` with a function
``(candidates, today) -> candidates``; link the panel to ``roster_url(key)``; let
the reminder kind select with ``people(key, today=…)``.

- ``behind``: trainees whose pace projects fewer than 150 hours (the stored ledger);
- ``appraisal``: trainees who have reached a cycle year's appraisal point by the end of
  this year's appraisal season (the ``appraisal_season`` reminder's window) without it;
- ``cycle_ended``: trainees whose cycle has ended (待综合考察);
- ``follow_up``: appointees with a first-year follow-up visit due within the
  ``followup_due`` reminder's lead days or overdue;
- ``training_gap``: trainees who attended no session in the last completed quarter of
  their cycle (quarterly training, seed 一.3), the county's quarterly reminder summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from reserves.models import Appraisal, Attendance, Candidate, FollowUpVisit, add_months, cycle_appraisal_years

# The first appraisal falls in the first season at least this long after the start.
APPRAISAL_MIN_DAYS = 180
QUARTER_MONTHS = 3


# --- appraisal season ---------------------------------------------------------------------------


def appraisal_season_end(today: date) -> date:
    """The last day of the appraisal season that is current or next (the reminder's window)."""
    from cadre_portal.notifications.periods import month_day

    window_end = _window_end()
    end = month_day(window_end, today.year)
    if end is None:
        end = date(today.year, 12, 31)
    return end if end >= today else (month_day(window_end, today.year + 1) or date(today.year + 1, 12, 31))


def _window_end() -> str:
    from cadre_portal.notifications.registry import get

    kind = get("appraisal_season")
    setting = _reminder_setting(kind)
    return getattr(setting, "window_end", None) or kind.default_window_end


def _reminder_setting(kind):
    from cadre_portal.notifications.models import ReminderSetting

    return ReminderSetting.objects.filter(kind=kind.key).first()


def appraisal_reached_q(until: date) -> Q:
    """Trainees who have reached a cycle year's appraisal point by ``until`` without that
    year's appraisal (the first year 180 days after the start, the second a year later)."""
    further_years = cycle_appraisal_years(2)
    q = Q()
    for year in sorted({1, 2} | set(further_years)):
        # Only the years of the person's current period (two-year cycle or 继续培养), and only
        # that period's appraisals count.
        applies = (Q(cycle_number=1) if year in (1, 2) else Q(pk__in=[])) | (
            Q(cycle_number__gt=1) if year in further_years else Q(pk__in=[]))
        latest_start = until - timedelta(days=APPRAISAL_MIN_DAYS + (year - 1) * 365)
        done = Exists(Appraisal.objects.filter(candidate=OuterRef("pk"), cycle=OuterRef("cycle_number"), year=year))
        q |= applies & Q(training_start__lte=latest_start) & ~done
    return q


def _appraisal(qs, today):
    return qs.training().filter(appraisal_reached_q(appraisal_season_end(today)))


# --- follow-up visits -----------------------------------------------------------------------------------


def follow_up_lead_days() -> int:
    from cadre_portal.notifications.registry import get

    kind = get("followup_due")
    setting = _reminder_setting(kind)
    return setting.lead_days if setting is not None and setting.lead_days is not None else kind.default_lead_days


def _follow_up(qs, today):
    visits = FollowUpVisit.objects.due(as_of=today, within_days=follow_up_lead_days()).filter(candidate=OuterRef("pk"))
    return qs.filter(Exists(visits))


# --- quarterly training ---------------------------------------------------------------------------------


def last_cycle_quarter(start: date, today: date) -> tuple[int, date, date] | None:
    """The last quarter of a cycle begun on ``start`` that has ended by ``today``:
    (its number, first day, last day), or None before the first one ends."""
    months = (today.year - start.year) * 12 + today.month - start.month
    if add_months(start, months) > today:
        months -= 1
    n = months // QUARTER_MONTHS
    if n < 1:
        return None
    first = add_months(start, (n - 1) * QUARTER_MONTHS)
    return n, first, add_months(start, n * QUARTER_MONTHS) - timedelta(days=1)


def training_gaps(qs, today: date) -> dict[int, tuple[int, date, date]]:
    """Trainees of ``qs`` (pk → the quarter) who attended no session in the last completed
    quarter of their cycle, when that quarter lies inside the cycle. Two queries."""
    rows = list(
        qs.training().filter(training_start__lte=today - timedelta(days=90))
        .order_by().values_list("pk", "training_start", "training_end")
    )
    quarters = {}
    for pk, start, end in rows:
        quarter = last_cycle_quarter(start, today)
        if quarter is not None and end is not None and quarter[2] <= end:
            quarters[pk] = quarter
    # The same queries however many trainees (none included): lists pin their query counts.
    earliest = min((q[1] for q in quarters.values()), default=today)
    attended = set()
    for pk, day in (
        Attendance.objects.counted().filter(candidate_id__in=list(quarters) or [0], session__date__gte=earliest, session__date__lte=today)
        .values_list("candidate_id", "session__date")
    ):
        quarter = quarters[pk]
        if quarter[1] <= day <= quarter[2]:
            attended.add(pk)
    return {pk: q for pk, q in quarters.items() if pk not in attended}


def _training_gap(qs, today):
    return qs.filter(pk__in=list(training_gaps(qs, today)) or [0])  # [0]: an empty answer still asks the database


# --- the registry -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    key: str
    label: str
    narrow: Callable  # (candidate queryset, today) -> candidate queryset
    reminder_kinds: tuple[str, ...] = ()


DUTIES: dict[str, Duty] = {
    d.key: d
    for d in [
        Duty("behind", "学时进度落后", lambda qs, today: qs.training().filter(hours_behind_from__lte=today), ("hours_behind",)),
        Duty("appraisal", "年度评议待录入", _appraisal, ("appraisal_season",)),
        Duty("cycle_ended", "培养期已满待综合考察", lambda qs, today: qs.cycle_ended(today)),
        Duty("follow_up", "首年度回访到期", _follow_up, ("followup_due", "followup_overdue")),
        Duty("training_gap", "上一培养季度未参加集中培训", _training_gap, ("training_gap",)),
    ]
}
CHOICES = [(d.key, d.label) for d in DUTIES.values()]


def people(key: str, user=None, *, today: date | None = None, queryset=None):
    """The candidates the duty ``key`` is about: the user's (``visible_to``), or all of
    ``queryset`` / every candidate when no user is given (the reminder engine)."""
    today = today or date.today()
    qs = queryset if queryset is not None else (Candidate.objects.visible_to(user) if user is not None else Candidate.objects.all())
    return DUTIES[key].narrow(qs, today)


def roster_url(key: str, **params) -> str:
    from urllib.parse import urlencode

    return reverse("reserves:list") + "?" + urlencode({"due": key, **{k: v for k, v in params.items() if v not in (None, "")}})
