"""Dossier items due (一人一档 upkeep): for bank members, what the county department
should have on file by now. Each rule is a filter on ``BankEntry`` rows (Exists
subqueries, one query per count); the county home panel counts them and the bank
list filters on them (``?due=<key>``).

- ``assessment``: last year's annual assessment (年度考核) not recorded, from March on
  (the assessment is done in January and February);
- ``periodic``: no periodic performance check (定期考查) by the department in the last
  quarter (92 days);
- ``supervision``: no supervision opinion (听取领导同事、群众、纪检机关意见) in the last year;
- ``work_log``: no work-log entry (工作日志纪实) in the last 30 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

from django.db.models import Exists, OuterRef, Q

from youth_cadres.models import AnnualAssessment, PerformanceCheck, SupervisionOpinion, WorkLogEntry

ASSESSMENT_FROM_MONTH = 3


@dataclass(frozen=True)
class DueRule:
    key: str
    label: str
    condition: Callable[[date], Q]  # rows (bank entries) that are due on the day


def _assessment(as_of: date) -> Q:
    year = as_of.year - 1 if as_of.month >= ASSESSMENT_FROM_MONTH else as_of.year - 2
    return ~Q(Exists(AnnualAssessment.objects.filter(cadre=OuterRef("cadre"), year=year)))


def _periodic(as_of: date) -> Q:
    since = as_of - timedelta(days=92)
    return ~Q(Exists(PerformanceCheck.objects.filter(
        cadre=OuterRef("cadre"), kind=PerformanceCheck.Kind.PERIODIC, checked_on__gt=since)))


def _supervision(as_of: date) -> Q:
    since = as_of - timedelta(days=365)
    return ~Q(Exists(SupervisionOpinion.objects.filter(cadre=OuterRef("cadre"), date__gt=since)))


def _work_log(as_of: date) -> Q:
    since = as_of - timedelta(days=30)
    return ~Q(Exists(WorkLogEntry.objects.filter(cadre=OuterRef("cadre"), date__gt=since)))


RULES = (
    DueRule("assessment", "年度考核结果未录入", _assessment),
    DueRule("periodic", "本季度未开展定期考查", _periodic),
    DueRule("supervision", "一年内未听取监督意见", _supervision),
    DueRule("work_log", "30天内无工作日志", _work_log),
)
BY_KEY = {rule.key: rule for rule in RULES}
CHOICES = [(rule.key, rule.label) for rule in RULES]


def counts(entries, as_of: date | None = None) -> list[dict]:
    """For bank entries (already scoped, in the bank), how many are due per rule —
    one aggregate query for all rules."""
    from django.db.models import Count

    as_of = as_of or date.today()
    totals = entries.aggregate(**{rule.key: Count("pk", filter=rule.condition(as_of)) for rule in RULES})
    return [{"key": rule.key, "label": rule.label, "n": totals[rule.key]} for rule in RULES]
