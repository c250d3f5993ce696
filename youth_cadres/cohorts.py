"""The cohorts (培养类别) of the young-cadre bank, as data, in one place.

Seed part 二（二）: "对'80后'处级和正科职满三年的干部聚焦政治能力和领导能力提升，
'85后'正科干部聚焦重要岗位历练，'90后'副科和工作满三年的省选调生、名校毕业生等
聚焦发展潜力提升，专业干部突出业务素养和管理能力双提升".

A cohort is **derived, never typed**: from the cadre's birth date, level
(职务层次, or the level their 职级 ranks with), the date they reached it
(任现职级时间), the date they started work, their tags, and the day it is
asked about. The rules are tried in the order of ``RULES``; the first that
matches gives the cohort (so an 85后 at 正科 for three years is in the 80后
leadership cohort, and 专业干部 is the cohort of a professional who fits none of
the others). A cadre who fits none is in no cohort and cannot enter the bank.

The same table gives both a Python answer (``cohort_of``) and an SQL
expression (``cohort_expression``), so lists, counts and figures group by
cohort in the database; tests check both agree at every boundary date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Case, CharField, Q, Value, When

from cadre_portal import codes

# Levels, by the 领导职务层次 codes (ZB09). A 职级 (2019 ladder) ranks with a level
# ("一级主任科员" with 乡科级正职), which counts the same for the cohorts.
DIVISION = ("131", "132")  # 县处级正职、副职 (处级)
FULL_SECTION = ("141",)  # 乡科级正职 (正科)
DEPUTY_SECTION = ("142",)  # 乡科级副职 (副科)
LEVEL_NAME_TO_CODE = {name: code for code, name in codes.LEADER_POST_LEVEL}
RANK_LEVEL = {  # 职级 code -> the level code it ranks with
    row[0]: LEVEL_NAME_TO_CODE.get(row[2], "") for row in codes.raw_tables()["civil_servant_rank_2019"]
}

TAG_SELECTED = "selected"  # 省选调生
TAG_ELITE = "elite"  # 名校毕业生
TAG_PROFESSIONAL = "professional"  # 专业干部
TAGS = [(TAG_SELECTED, "省选调生"), (TAG_ELITE, "名校毕业生"), (TAG_PROFESSIONAL, "专业干部")]

YEARS_AT_LEVEL = 3  # "正科职满三年"
YEARS_OF_WORK = 3  # "工作满三年的省选调生、名校毕业生"


@dataclass(frozen=True)
class Rule:
    """One cohort: who is in it, described by the fields it reads.

    ``born_from``/``born_to`` bound the birth date (inclusive); a person matches
    when at one of ``levels`` (by post level or rank), or at ``levels_after_years``
    for at least ``YEARS_AT_LEVEL`` years, or carrying one of ``tags_with_work``
    with at least ``YEARS_OF_WORK`` years of work, or carrying one of ``tags``."""

    key: str
    label: str  # 80后 …
    focus: str  # 培养重点
    born_from: date
    born_to: date | None
    levels: tuple[str, ...] = ()
    levels_after_years: tuple[str, ...] = ()
    tags_with_work: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


RULES: tuple[Rule, ...] = (
    Rule("leader_80", "80后处级、正科满三年", "政治能力和领导能力提升",
         date(1980, 1, 1), date(1989, 12, 31), levels=DIVISION, levels_after_years=FULL_SECTION),
    Rule("rotation_85", "85后正科", "重要岗位历练",
         date(1985, 1, 1), date(1989, 12, 31), levels=FULL_SECTION),
    Rule("potential_90", "90后副科、选调生和名校毕业生", "发展潜力提升",
         date(1990, 1, 1), None, levels=(*DEPUTY_SECTION, *FULL_SECTION, *DIVISION),
         tags_with_work=(TAG_SELECTED, TAG_ELITE)),
    Rule("professional", "专业干部", "业务素养和管理能力双提升",
         date(1980, 1, 1), None, tags=(TAG_PROFESSIONAL,)),
)
BY_KEY = {rule.key: rule for rule in RULES}
CHOICES = [(rule.key, rule.label) for rule in RULES]
NONE_LABEL = "不符合入库类别"


def label(key: str | None) -> str:
    rule = BY_KEY.get(key or "")
    return rule.label if rule else NONE_LABEL


def focus(key: str | None) -> str:
    rule = BY_KEY.get(key or "")
    return rule.focus if rule else ""


def ranks_at(levels) -> tuple[str, ...]:
    return tuple(rank for rank, level in RANK_LEVEL.items() if level in levels)


def _years_before(as_of: date, years: int) -> date:
    return as_of - relativedelta(years=years)


def _tag_set(tags: str) -> set[str]:
    return {t for t in (tags or "").split(",") if t}


def _at_level(post_level: str, rank: str, levels) -> bool:
    return post_level in levels or RANK_LEVEL.get(rank or "", "") in levels


def matches(rule: Rule, *, birth_date, post_level, rank, level_since, work_start, tags, as_of: date) -> bool:
    if birth_date is None or birth_date < rule.born_from or (rule.born_to and birth_date > rule.born_to):
        return False
    tag_set = _tag_set(tags)
    if rule.levels and _at_level(post_level, rank, rule.levels):
        return True
    if rule.levels_after_years and _at_level(post_level, rank, rule.levels_after_years):
        if level_since is not None and level_since <= _years_before(as_of, YEARS_AT_LEVEL):
            return True
    if rule.tags_with_work and tag_set & set(rule.tags_with_work):
        if work_start is not None and work_start <= _years_before(as_of, YEARS_OF_WORK):
            return True
    return bool(rule.tags and tag_set & set(rule.tags))


def cohort_of(cadre, as_of: date | None = None) -> str:
    """The cohort key of a cadre on ``as_of`` (today), or "" when none applies."""
    as_of = as_of or date.today()
    for rule in RULES:
        if matches(
            rule, birth_date=cadre.birth_date, post_level=cadre.post_level, rank=cadre.rank,
            level_since=cadre.level_since, work_start=cadre.work_start, tags=cadre.tags, as_of=as_of,
        ):
            return rule.key
    return ""


def _level_q(levels, prefix: str) -> Q:
    return Q(**{f"{prefix}post_level__in": levels}) | Q(**{f"{prefix}rank__in": ranks_at(levels)})


def _any(qs: list[Q]) -> Q:
    result = qs[0]
    for q in qs[1:]:
        result |= q
    return result


def _tags_q(tags, prefix: str) -> Q:
    return _any([Q(**{f"{prefix}tags__contains": f",{tag},"}) for tag in tags])


def rule_q(rule: Rule, as_of: date, prefix: str = "") -> Q:
    """The SQL condition of one rule for cadres (``prefix`` ``"cadre__"`` from a bank entry)."""
    born = Q(**{f"{prefix}birth_date__gte": rule.born_from})
    if rule.born_to:
        born &= Q(**{f"{prefix}birth_date__lte": rule.born_to})
    any_of = []
    if rule.levels:
        any_of.append(_level_q(rule.levels, prefix))
    if rule.levels_after_years:
        any_of.append(_level_q(rule.levels_after_years, prefix) & Q(
            **{f"{prefix}level_since__lte": _years_before(as_of, YEARS_AT_LEVEL)}
        ))
    if rule.tags_with_work:
        any_of.append(_tags_q(rule.tags_with_work, prefix) & Q(
            **{f"{prefix}work_start__lte": _years_before(as_of, YEARS_OF_WORK)}
        ))
    if rule.tags:
        any_of.append(_tags_q(rule.tags, prefix))
    return born & _any(any_of)


def cohort_expression(as_of: date | None = None, prefix: str = "", default: str = "") -> Case:
    """The cohort key as an SQL expression (first matching rule; ``default`` for none)."""
    as_of = as_of or date.today()
    return Case(
        *[When(rule_q(rule, as_of, prefix), then=Value(rule.key)) for rule in RULES],
        default=Value(default),
        output_field=CharField(),
    )


def cohort_filter(key: str, as_of: date | None = None, prefix: str = "") -> Q:
    """Cadres (or bank entries, with ``prefix``) in cohort ``key`` on ``as_of``: this
    rule matches and no earlier rule does. ``key`` "" means no cohort at all."""
    as_of = as_of or date.today()
    q = Q()
    for rule in RULES:
        if rule.key == key:
            return q & rule_q(rule, as_of, prefix)
        q &= ~rule_q(rule, as_of, prefix)
    return q if key == "" else Q(pk__in=[])
