"""Periods: the time window every figure is computed for.

A ``Period`` is a closed range of dates ``start..end`` with a Chinese label.
Flow figures count events dated inside it; stock figures count what existed
as of its ``end`` (``as_of``). The presets:

- 本年 ``this_year``: 1 January of this year to today;
- 近两年 ``two_years`` / 近三年 ``three_years``: calendar years including this
  one (from 1 January of last year / of the year before), to today;
- 本届 ``term``: since the last village 两委 换届 (``settings.TERM_START``), to today;
- 自定义 ``range``: ``from`` and ``to`` given as ``YYYY-MM-DD``.

A period never reaches past today: an end in the future is taken as today.
A period that starts after today, ends before it starts, or carries a date
that is not a date is refused with a Chinese message; ``from_params`` then
falls back to the default period and hands the messages to the caller, so a
page or report is still produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

THIS_YEAR, TWO_YEARS, THREE_YEARS, TERM, RANGE, ALL = "this_year", "two_years", "three_years", "term", "range", "all"
PRESETS = [
    (THIS_YEAR, "本年"),
    (TWO_YEARS, "近两年"),
    (THREE_YEARS, "近三年"),
    (TERM, "本届"),
    (RANGE, "自定义"),
]
PRESET_LABELS = dict(PRESETS)
DEFAULT = THIS_YEAR
EARLIEST = date(1949, 10, 1)


class PeriodError(ValueError):
    """A period that cannot be used; ``str(error)`` is the message for the user."""


def today() -> date:
    return timezone.localdate()


def term_start() -> date:
    """The date of the last village 两委 换届 (setting ``TERM_START``)."""
    value = getattr(settings, "TERM_START", "2026-01-01")
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date

    @property
    def as_of(self) -> date:
        """The day stock figures are counted on."""
        return self.end

    @property
    def is_current(self) -> bool:
        """Whether ``as_of`` is today, so stock figures may read today's state."""
        return self.end >= today()

    @property
    def name(self) -> str:
        if self.key == ALL:
            return "全部"
        return PRESET_LABELS.get(self.key, "自定义")

    @property
    def span(self) -> str:
        return f"{fmt(self.start)}至{fmt(self.end)}"

    @property
    def label(self) -> str:
        if self.key in (RANGE, ALL):
            return self.span
        return f"{self.name}（{self.span}）"

    @property
    def dates(self) -> tuple[date, date]:
        """For ``__range`` lookups on date fields."""
        return (self.start, self.end)

    @property
    def datetimes(self) -> tuple[datetime, datetime]:
        """Aware local datetimes [start 00:00, day after end 00:00) for datetime fields
        (use ``__gte`` the first and ``__lt`` the second)."""
        tz = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), tz),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz),
        )

    @property
    def as_of_end(self) -> datetime:
        """The first instant after the as-of day (``at__lt`` for "as of" history lookups)."""
        return self.datetimes[1]

    def params(self) -> dict[str, str]:
        """Query parameters that reproduce this period."""
        if self.key in (RANGE, ALL):
            return {"period": RANGE, "from": self.start.isoformat(), "to": self.end.isoformat()}
        return {"period": self.key}

    @property
    def query(self) -> str:
        """``params()`` as a query string."""
        from urllib.parse import urlencode

        return urlencode(self.params())

    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))


def preset(key: str, *, on: date | None = None) -> Period:
    """One of the named periods, ending today (or ``on``)."""
    day = on or today()
    if key == THIS_YEAR:
        return Period(key, date(day.year, 1, 1), day)
    if key == TWO_YEARS:
        return Period(key, date(day.year - 1, 1, 1), day)
    if key == THREE_YEARS:
        return Period(key, date(day.year - 2, 1, 1), day)
    if key == TERM:
        start = term_start()
        if start > day:
            raise PeriodError(f"本届起始日期（换届日期 {fmt(start)}）晚于今天，请检查“本届”设置。")
        return Period(key, start, day)
    if key == ALL:
        return Period(key, EARLIEST, day)
    raise PeriodError("不支持的统计期间。")


def parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise PeriodError(f"{what}“{text}”不是有效日期，请按 年-月-日（如 2024-01-01）填写。") from None


def make_range(start: date, end: date, *, on: date | None = None) -> Period:
    """A custom period, checked: not inverted, not in the future, not before 1949."""
    day = on or today()
    if end < start:
        raise PeriodError(f"结束日期（{fmt(end)}）早于开始日期（{fmt(start)}），请重新选择统计期间。")
    if start > day:
        raise PeriodError(f"统计期间（{fmt(start)}起）尚未开始，不能统计未来的数据。")
    if start < EARLIEST:
        raise PeriodError(f"开始日期不能早于{fmt(EARLIEST)}。")
    return Period(RANGE, start, min(end, day))


def from_params(params, *, default: str = DEFAULT, on: date | None = None) -> tuple[Period, list[str]]:
    """The period a request (or command) asks for, and the messages for what was
    refused. Never raises: a bad period falls back to ``default``."""
    key = (params.get("period") or "").strip()
    start_text, end_text = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if not key:
        key = RANGE if (start_text or end_text) else default
    errors: list[str] = []
    try:
        if key == RANGE:
            if not start_text or not end_text:
                raise PeriodError("自定义期间需要同时填写开始日期和结束日期。")
            return make_range(parse_date(start_text, "开始日期"), parse_date(end_text, "结束日期"), on=on), errors
        if key not in PRESET_LABELS:
            raise PeriodError("不支持的统计期间，已按默认期间统计。")
        return preset(key, on=on), errors
    except PeriodError as exc:
        errors.append(str(exc))
    return preset(default if default != TERM else THIS_YEAR, on=on), errors
