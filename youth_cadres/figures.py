"""The young-cadre bank's figures (seed part 二 and the dashboard), on the figures registry.

Every figure starts from ``visible_to(user)``. Stock figures read the bank *as of*
the period's end from each entry's own dates (entered on ``entry_date``, left on
``exit_date`` when appointed or transferred out — both written by the workflow), and
the cohort as it stood that day (``cohorts.cohort_expression(as_of)``). Flow figures
count on the event's own date (``Appointment.appointed_on``).
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Case, CharField, Count, Exists, F, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from cadre_portal import codes
from cadre_portal.figures.registry import (
    FLOW,
    STOCK,
    Chart,
    Column,
    Dimension,
    Figure,
    choices_dimension,
    period_dimension,
    register,
    register_chart,
    register_section,
)
from cadre_portal.models import Unit
from youth_cadres import cohorts
from youth_cadres.models import MIN_CANDIDATES, POST_LEVELS, Appointment, BankEntry, BankTarget, Cadre, Post
from youth_cadres.workflow import bank_condition

SECTION = "youth"
register_section(SECTION, "优秀年轻干部", roles=("county_staff", "leader", "admin"), order=20)

AGE_BANDS = [("30", "30岁及以下"), ("35", "31–35岁"), ("40", "36–40岁"), ("45", "41–45岁"), ("99", "46岁及以上")]
TEAMS = list(Unit.Team.choices) + [("other", "其他")]
EDUCATION_GROUPS = [("1", "研究生"), ("2", "大学本科"), ("3", "大专"), ("9", "其他")]


def cadre_url(cadre, period=None) -> str:
    return reverse("youth_cadres:cadre_detail", args=[cadre.pk])


def entry_url(entry, period=None) -> str:
    return cadre_url(entry.cadre)


ENTRY_COLUMNS = (
    Column("姓名", "cadre.name", link=True),
    Column("性别", "cadre.get_sex_display"),
    Column("出生年月", "cadre.birth_month"),
    Column("单位", "cadre.unit.name"),
    Column("现任职务", "cadre.current_post"),
    Column("入库日期", "entry_date"),
)
ENTRY = dict(columns=ENTRY_COLUMNS, related=("cadre__unit",), row_url=entry_url, row_noun="人")


def bank_as_of(user, period):
    """Bank members (入库) on the period's end, from the entries' own dates."""
    return BankEntry.objects.visible_to(user).filter(bank_condition(period.as_of)).order_by("-entry_date", "pk")


def _cohort_dimension():
    return Dimension(
        "cohort", "培养类别",
        lambda user, period: cohorts.cohort_expression(period.as_of, prefix="cadre__", default="none"),
        lambda user, period: [*cohorts.CHOICES, ("none", cohorts.NONE_LABEL)],
    )


def _team_case(prefix: str):
    from cadre_portal.models import TEAM_KINDS

    return Case(
        *[When(**{f"{prefix}kind__in": kinds}, then=Value(team)) for team, kinds in TEAM_KINDS.items()],
        default=Value("other"), output_field=CharField(),
    )


def _team_dimension(prefix: str):
    return Dimension("team", "三支队伍", lambda user, period: _team_case(prefix), lambda user, period: TEAMS)


def _age_band(prefix: str, as_of: date):
    whens = []
    for key, _label in AGE_BANDS[:-1]:
        # Aged at most ``key`` on as_of: born after as_of - (key + 1) years.
        whens.append(When(**{f"{prefix}birth_date__gt": as_of - relativedelta(years=int(key) + 1)}, then=Value(key)))
    return Case(*whens, default=Value(AGE_BANDS[-1][0]), output_field=CharField())


def _education_group(prefix: str):
    return Case(
        When(**{f"{prefix}education__startswith": "1"}, then=Value("1")),
        When(**{f"{prefix}education__in": ["21", "22", "23"]}, then=Value("2")),
        When(**{f"{prefix}education__in": ["31", "32", "33", "34"]}, then=Value("3")),
        default=Value("9"), output_field=CharField(),
    )


# --- the seed's figures ------------------------------------------------------------------------------------

register(Figure(
    key="youth_cadres.bank_size", label="80、90优秀年轻干部库人数", unit="人", kind=STOCK, section=SECTION, order=10,
    description="截至期末在库（考察合格入库、尚未任用或调出）的优秀年轻干部人数。",
    rows=bank_as_of, dimensions=(_cohort_dimension(),), **ENTRY,
))


def _appointed_from_bank(user, period):
    first = (
        Appointment.objects.filter(cadre=OuterRef("pk"), bank_entry__isnull=False, appointed_on__range=period.dates)
        .order_by().values("cadre").annotate(first=Min("appointed_on")).values("first")
    )
    return (Cadre.objects.visible_to(user).annotate(first_appointed_on=Subquery(first))
            .filter(first_appointed_on__isnull=False).order_by("-first_appointed_on", "pk"))


register(Figure(
    key="youth_cadres.appointed_from_bank", label="从库中选拔任用", unit="名", kind=FLOW, section=SECTION, order=20,
    description="统计期间内（按任职时间）从优秀年轻干部库中选拔任用的干部人数，含机关、事业、企业“三支队伍”交流任用。",
    rows=_appointed_from_bank, dimensions=(period_dimension("first_appointed_on"),),
    columns=(Column("姓名", "name", link=True), Column("单位", "unit.name"), Column("现任职务", "current_post"),
             Column("任职时间", "first_appointed_on")),
    related=("unit",), row_url=cadre_url, row_noun="人",
))


# --- dashboard breakdowns ------------------------------------------------------------------------------------

register(Figure(
    key="youth_cadres.bank_by_cohort", label="在库人员培养类别", unit="人", kind=STOCK, section=SECTION, order=30,
    description="截至期末在库人员按培养类别（80后处级和正科满三年、85后正科、90后副科和选调生名校生、专业干部）分布；类别按当日自动确定。",
    rows=bank_as_of, dimensions=(_cohort_dimension(),), **ENTRY,
))

register(Figure(
    key="youth_cadres.bank_by_team", label="在库人员“三支队伍”分布", unit="人", kind=STOCK, section=SECTION, order=40,
    description="截至期末在库人员所在单位属机关、事业、企业的人数。",
    rows=bank_as_of, dimensions=(_team_dimension("cadre__unit__"),), **ENTRY,
))

register(Figure(
    key="youth_cadres.bank_by_age", label="在库人员年龄结构", unit="人", kind=STOCK, section=SECTION, order=50,
    description="截至期末在库人员按期末年龄分段。",
    rows=bank_as_of,
    dimensions=(Dimension("age", "年龄段", lambda user, period: _age_band("cadre__", period.as_of), lambda u, p: AGE_BANDS),),
    **ENTRY,
))

register(Figure(
    key="youth_cadres.bank_by_education", label="在库人员学历结构", unit="人", kind=STOCK, section=SECTION, order=60,
    description="截至期末在库人员按最高学历分组。",
    rows=bank_as_of,
    dimensions=(Dimension("education", "最高学历", lambda user, period: _education_group("cadre__"), lambda u, p: EDUCATION_GROUPS),),
    **ENTRY,
))

register(Figure(
    key="youth_cadres.bank_by_sex", label="在库人员性别结构", unit="人", kind=STOCK, section=SECTION, order=70,
    description="截至期末在库人员按性别。",
    rows=bank_as_of, dimensions=(choices_dimension("sex", "性别", "cadre__sex", codes.SEX),), **ENTRY,
))


def _candidates_then(period):
    """Bank members targeted at each post on the period's end: the stored total today."""
    if period.is_current:
        return F("candidate_count")
    counted = (
        BankTarget.objects.filter(post=OuterRef("pk")).filter(
            Q(entry__entry_date__isnull=False, entry__entry_date__lte=period.as_of)
            & (Q(entry__exit_date__isnull=True) | Q(entry__exit_date__gt=period.as_of))
        ).order_by().values("post").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _posts_short(user, period):
    return (Post.objects.visible_to(user).annotate(candidates_then=_candidates_then(period))
            .filter(candidates_then__lt=MIN_CANDIDATES).order_by("unit__sort_order", "sort_order", "pk"))


register(Figure(
    key="youth_cadres.posts_short", label="培养对象不足2名的岗位", unit="个", kind=STOCK, section=SECTION, order=80,
    description=f"截至期末在库培养对象不足{MIN_CANDIDATES}名的领导岗位个数（一个岗位2名以上培养对象的标准）。",
    rows=_posts_short,
    dimensions=(_team_dimension("unit__"), choices_dimension("level", "职务层次", "level", POST_LEVELS)),
    columns=(Column("单位", "unit.name"), Column("岗位", "title", link=True), Column("职务层次", "get_level_display"),
             Column("核定职数", "headcount"), Column("在库培养对象", "candidates_then")),
    related=("unit",), row_url=lambda post, period: reverse("youth_cadres:post_detail", args=[post.pk]), row_noun="个岗位",
))


def _appointments(user, period):
    return (Appointment.objects.visible_to(user).from_bank().filter(appointed_on__range=period.dates)
            .order_by("-appointed_on", "pk"))


APPOINTMENT_COLUMNS = (
    Column("姓名", "cadre.name", link=True), Column("原任职务", "previous_post"), Column("任职岗位", "post.full_title"),
    Column("任职时间", "appointed_on"),
)

register(Figure(
    key="youth_cadres.appointed_by_year", label="从库中选拔任用（人次）", unit="人次", kind=FLOW, section=SECTION, order=90,
    description="统计期间内从优秀年轻干部库中任用的人次，按任职时间分年度（本年内分季度）。",
    rows=_appointments, dimensions=(period_dimension("appointed_on"),),
    columns=APPOINTMENT_COLUMNS, related=("cadre", "post__unit"), row_url=lambda a, period: cadre_url(a.cadre), row_noun="人次",
))

register(Figure(
    key="youth_cadres.cross_team_appointments", label="跨“三支队伍”交流任用", unit="人次", kind=FLOW, section=SECTION, order=100,
    description="统计期间内从库中任用且跨机关、事业、企业交流的人次（按任职岗位所在队伍）。",
    rows=lambda user, period: _appointments(user, period).filter(cross_team=True),
    dimensions=(_team_dimension("post__unit__"),),
    columns=APPOINTMENT_COLUMNS, related=("cadre", "post__unit"), row_url=lambda a, period: cadre_url(a.cadre), row_noun="人次",
))


def _recommended(user, period):
    return (BankEntry.objects.visible_to(user).filter(recommended_on__range=period.dates).order_by("-recommended_on", "pk"))


register(Figure(
    key="youth_cadres.recommended", label="新推荐人选", unit="人", kind=FLOW, section=SECTION, order=110,
    description="统计期间内（按推荐日期）推荐进入优秀年轻干部库的人数。",
    rows=_recommended, dimensions=(choices_dimension("source", "推荐来源", "source", BankEntry.Source.choices),),
    columns=(Column("姓名", "cadre.name", link=True), Column("单位", "cadre.unit.name"), Column("推荐来源", "get_source_display"),
             Column("推荐日期", "recommended_on"), Column("状态", "get_status_display")),
    related=("cadre__unit",), row_url=entry_url, row_noun="人",
))


# --- the dashboard's charts ------------------------------------------------------------------------------------

register_chart(Chart("youth.bank_by_cohort", "在库人员培养类别", "youth_cadres.bank_by_cohort", type="pie", section=SECTION, order=10))
register_chart(Chart("youth.bank_by_team", "在库人员“三支队伍”分布", "youth_cadres.bank_by_team", type="pie", section=SECTION, order=20))
register_chart(Chart("youth.bank_by_age", "在库人员年龄结构", "youth_cadres.bank_by_age", type="bar", section=SECTION, order=30))
register_chart(Chart("youth.bank_by_education", "在库人员学历结构", "youth_cadres.bank_by_education", type="bar", section=SECTION, order=40))
register_chart(Chart("youth.posts_short", "培养对象不足2名的岗位（按队伍和职务层次）", "youth_cadres.posts_short", type="stacked",
                     section=SECTION, order=50))
register_chart(Chart("youth.appointed", "从库中选拔任用", "youth_cadres.appointed_by_year", type="bar", section=SECTION, order=60))

for order, (key, title) in enumerate([
    ("youth_cadres.bank_size", "在库优秀年轻干部"),
    ("youth_cadres.appointed_from_bank", "从库中选拔任用"),
    ("youth_cadres.posts_short", "培养对象不足2名的岗位"),
    ("youth_cadres.cross_team_appointments", "跨“三支队伍”交流任用"),
    ("youth_cadres.recommended", "新推荐人选"),
]):
    register_chart(Chart(f"tile.{key}", title, key, type="number", section=SECTION, order=order))
