"""Vacancy forecast (岗位供求): posts whose holders reach the age ceiling or the term
limit within N years.

Settings (with these defaults):
- ``YOUTH_FORECAST_YEARS`` = 3 (N; the page also takes ``?years=``);
- ``YOUTH_AGE_CEILINGS`` = {"131": 60, "132": 58, "141": 55, "142": 55}: the age at
  which a holder of a post of that level (领导职务层次 code) leaves leadership;
  ``YOUTH_DEFAULT_AGE_CEILING`` = 60 for other levels;
- ``YOUTH_TERM_LIMIT_YEARS`` = 10: years in the same post (two five-year terms).

The forecast is a filter on current holdings (one query): for each level the
ceiling gives a birth-date bound, the term limit a start-date bound.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q

from youth_cadres.models import POST_LEVELS

DEFAULT_AGE_CEILINGS = {"131": 60, "132": 58, "141": 55, "142": 55}


def forecast_years() -> int:
    return int(getattr(settings, "YOUTH_FORECAST_YEARS", 3))


def age_ceilings() -> dict[str, int]:
    return {**DEFAULT_AGE_CEILINGS, **getattr(settings, "YOUTH_AGE_CEILINGS", {})}


def default_age_ceiling() -> int:
    return int(getattr(settings, "YOUTH_DEFAULT_AGE_CEILING", 60))


def term_limit_years() -> int:
    return int(getattr(settings, "YOUTH_TERM_LIMIT_YEARS", 10))


class Forecast:
    """Who leaves which post by ``as_of + years``, and why."""

    def __init__(self, years: int | None = None, as_of: date | None = None):
        self.years = forecast_years() if years is None else years
        self.as_of = as_of or date.today()
        self.horizon = self.as_of + relativedelta(years=self.years)
        self.ceilings = age_ceilings()
        self.default_ceiling = default_age_ceiling()
        self.term_limit = term_limit_years()

    @property
    def ceiling_text(self) -> str:
        """“县处级正职60岁、…，其他60岁” for the page."""
        names = dict(POST_LEVELS)
        parts = [f"{names.get(level, level)}{age}岁" for level, age in self.ceilings.items()]
        return "、".join(parts) + f"，其他{self.default_ceiling}岁"

    def ceiling_of(self, level: str) -> int:
        return self.ceilings.get(level, self.default_ceiling)

    def q(self, prefix: str = "") -> Q:
        """Current holdings that end by the horizon (``prefix`` from another model)."""
        by_age = Q()
        levels = [code for code, _ in POST_LEVELS]
        for level in levels:
            bound = self.horizon - relativedelta(years=self.ceiling_of(level))
            by_age |= Q(**{f"{prefix}post__level": level, f"{prefix}cadre__birth_date__lte": bound})
        other = self.horizon - relativedelta(years=self.default_ceiling)
        by_age |= ~Q(**{f"{prefix}post__level__in": levels}) & Q(**{f"{prefix}cadre__birth_date__lte": other})
        by_term = Q(**{f"{prefix}start__lte": self.horizon - relativedelta(years=self.term_limit)})
        return Q(**{f"{prefix}end__isnull": True}) & (by_age | by_term)

    def age_exit(self, holding) -> date | None:
        birth = holding.cadre.birth_date
        return birth + relativedelta(years=self.ceiling_of(holding.post.level)) if birth else None

    def term_exit(self, holding) -> date:
        return holding.start + relativedelta(years=self.term_limit)

    def leaves_on(self, holding) -> date | None:
        dates = [d for d in (self.age_exit(holding), self.term_exit(holding)) if d]
        return min(dates) if dates else None

    def reasons(self, holding) -> list[str]:
        found = []
        age = self.age_exit(holding)
        if age and age <= self.horizon:
            when = "已于" if age <= self.as_of else ""
            found.append(f"{when}{age:%Y年%m月}满{self.ceiling_of(holding.post.level)}岁")
        term = self.term_exit(holding)
        if term <= self.horizon:
            when = "已于" if term <= self.as_of else ""
            found.append(f"{when}{term:%Y年%m月}任同一职务满{self.term_limit}年")
        return found
