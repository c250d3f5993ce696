"""Period keys and calendar helpers shared by the reminder kinds."""

from __future__ import annotations

import re
from datetime import date, timedelta


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_key(day: date) -> str:
    """``2026-11-03`` -> ``2026Q4``."""
    return f"{day.year}Q{quarter_of(day)}"


def quarter_bounds(day: date) -> tuple[date, date]:
    """First and last day of the quarter containing ``day``."""
    first_month = (quarter_of(day) - 1) * 3 + 1
    start = date(day.year, first_month, 1)
    next_start = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, next_start - timedelta(days=1)


def month_day(value: str, year: int) -> date | None:
    """``"11-15"`` in ``year`` -> date(year, 11, 15); ``"02-29"`` falls back to
    28 February in a common year; empty or malformed -> None."""
    try:
        month, day = (int(part) for part in value.split("-"))
    except (AttributeError, ValueError):
        return None
    for d in (day, day - 1, day - 2, day - 3):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    return None


_QUARTER = re.compile(r"^(\d{4})Q([1-4])")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_YEAR = re.compile(r"^(\d{4})$")


def period_label(period: str) -> str:
    """A period key as users read it: ``2026Q4`` (and ``2026Q4-S11``, a session
    in that quarter) -> ``2026年第4季度``; ``2027-03-01`` -> ``2027年03月01日``;
    ``2026`` -> ``2026年度``. Anything else is shown as it is."""
    period = period or ""
    if match := _QUARTER.match(period):
        return f"{match[1]}年第{match[2]}季度"
    if match := _DATE.match(period):
        return f"{match[1]}年{match[2]}月{match[3]}日"
    if match := _YEAR.match(period):
        return f"{match[1]}年度"
    return period
