"""The reserves' figures (seed part 一 and the reserves dashboard), on the figures registry.

Every figure starts from ``visible_to(user)``. Stock figures read a person's stage
*as of* the period's end from the transition history (the ``to_stage`` of their
last transition before that day); for a period ending today that is the stored
stage, which ``tests/test_figures`` checks against the history. Flow figures
count on the event's own date: the appointment's ``appointed_on``, the
promotion's ``date``, the appraisal's ``appraised_on``, the session's date, the
transition's ``at``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, CharField, Count, DecimalField, F, IntegerField, Min, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, LessThan
from django.urls import reverse

from cadre_portal.figures.registry import (
    FLOW,
    STOCK,
    Chart,
    Column,
    Dimension,
    Figure,
    choices_dimension,
    period_dimension,
    region_dimension,
    register,
    scope_level,
    register_chart,
    register_section,
    section,
)
from cadre_portal.models import RESERVE_GRADE_TABLE, CodeItem, Region
from reserves import events
from reserves.models import (
    REQUIRED_HOURS,
    VILLAGE_MAX,
    VILLAGE_MIN,
    Appraisal,
    Attendance,
    Candidate,
    Transition,
)

SECTION = "reserves"
S = Candidate.Stage
A = Transition.Action

register_section(SECTION, "村（社区）后备干部", roles=("township_officer", "county_staff", "leader", "admin"), order=10)

# Funnel order: the main path first, then the side exits.
STAGE_BUCKETS = [
    (S.SUBMITTED, "待审查备案"), (S.TRAINING, "培养中"), (S.FINAL_INSPECTED, "已综合考察"),
    (S.COMMITTEE_APPROVED, "党委已审议"), (S.FINAL_FILED, "考察已备案"), (S.POOL, "储备库"), (S.APPOINTED, "已任用"),
    (S.DRAFT, "草稿"), (S.RETURNED, "退回修改"), (S.REJECTED, "审查未通过"), (S.REMOVED, "已退出"),
]
HOUR_BANDS = [("0", "不足30学时"), ("30", "30–59学时"), ("60", "60–89学时"), ("90", "90–119学时"), ("120", "120–149学时"),
              ("150", f"已满{REQUIRED_HOURS}学时")]
SIZE_BUCKETS = [("below", f"不足{VILLAGE_MIN}人"), ("within", f"{VILLAGE_MIN}–{VILLAGE_MAX}人"), ("above", f"超过{VILLAGE_MAX}人")]
POOL_BUCKETS = [("0", "无储备人选"), ("1", "1人"), ("2", "2人及以上")]


def candidate_url(candidate, period=None) -> str:
    return reverse("reserves:detail", args=[candidate.pk])


def _person_columns(*extra: Column) -> tuple[Column, ...]:
    return (
        Column("姓名", "name", link=True),
        Column("性别", "get_sex_display"),
        Column("年龄", "age"),
        Column("乡镇", "village.parent.name"),
        Column("村（社区）", "village.name"),
        *extra,
        Column("当前阶段", "get_stage_display"),
    )


PERSON = dict(columns=_person_columns(), related=("village__parent",), row_url=candidate_url, row_noun="人")


def stage_then(period):
    """A person's stage as of the period's end: the stored stage when that is today,
    else the ``to_stage`` of their last transition before the day after."""
    if period.is_current:
        return F("stage")
    last = Transition.objects.filter(candidate=OuterRef("pk"), at__lt=period.as_of_end).order_by("-at", "-pk")
    return Subquery(last.values("to_stage")[:1], output_field=CharField())


def as_of(user, period):
    """The user's candidates who existed on the period's end, annotated ``stage_then``."""
    return Candidate.objects.visible_to(user).annotate(stage_then=stage_then(period)).filter(stage_then__isnull=False)


def active_as_of(user, period):
    return as_of(user, period).filter(stage_then__in=Candidate.ACTIVE_STAGES)


def hours_then(period):
    """Hours attended in sessions up to the period's end: the stored ledger
    (``hours_attended``, kept by the workflow) when that is today."""
    if period.is_current:
        return F("hours_attended")
    attended = (
        Attendance.objects.filter(candidate=OuterRef("pk"), session__date__lte=period.as_of)
        .order_by().values("candidate").annotate(total=Sum("hours")).values("total")
    )
    return Coalesce(Subquery(attended), Value(Decimal("0")), output_field=DecimalField(max_digits=8, decimal_places=1))


def trainees_as_of(user, period):
    return as_of(user, period).filter(stage_then=S.TRAINING).annotate(hours_then=hours_then(period))


def _sees_reserves(user) -> bool:
    own = section(SECTION)
    return own is not None and own.allows(user)


def villages_with(user, period, counted, classes):
    """The user's villages, each annotated ``n`` (how many of its candidates
    ``counted(period)`` holds) and ``cls`` (the bucket ``classes(count)`` puts that
    number in; a village with none gets the bucket of 0). Nothing for a role that does
    not see reserves — the region tree is reference data every role reads, the
    headcounts are not.

    The candidates are counted per village without their own scope join: a
    candidate's scope *is* their village's, and only villages inside the user's
    scope are rows here, so the count is exactly what the user may open (the
    aggregate sweep test checks it against the drill-down lists)."""
    if not _sees_reserves(user):
        return Region.objects.none()
    per_village = counted(period).filter(village=OuterRef("pk")).order_by().values("village").annotate(c=Count("pk"))
    return (
        Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE)
        .annotate(
            n=Coalesce(Subquery(per_village.values("c"), output_field=IntegerField()), Value(0)),
            cls=Coalesce(Subquery(per_village.annotate(k=classes(F("c"))).values("k"), output_field=CharField()),
                         classes(Value(0))),
        )
    )


def _active_in_village(period):
    return Candidate.objects.annotate(stage_then=stage_then(period)).filter(stage_then__in=Candidate.ACTIVE_STAGES)


def _pool_in_village(period):
    return Candidate.objects.annotate(stage_then=stage_then(period)).filter(stage_then=S.POOL)


def village_url(key):
    """A village row opens the list of the people it counts, for the same period."""
    def url(village, period):
        return reverse("figures:rows", args=[key]) + f"?{period.query}&d0={village.pk}"
    return url


# --- the seed's figures --------------------------------------------------------------------------

def _happened(user, period, key):
    """The user's candidates whose ``key`` event (``reserves.events``, shared with the
    lists' date filters) happened in the period."""
    return Candidate.objects.visible_to(user).filter(events.get(key).happened(*period.dates))


def _appointed(user, period):
    # The event picks the people (a semi-join); the first date is looked up only for them.
    first = (
        events.get("appointed").records(*period.dates).filter(candidate=OuterRef("pk")).order_by().values("candidate")
        .annotate(first=Min("appointed_on")).values("first")
    )
    return _happened(user, period, "appointed").annotate(first_appointed_on=Subquery(first))


register(Figure(
    key="reserves.appointed", label="选拔任用后备干部", unit="人", kind=FLOW, section=SECTION, order=10,
    description="统计期间内在村（社区）“两委”换届或平时调整中任用的后备干部人数（按任用日期，一人多次任用计一人）。",
    rows=_appointed, dimensions=(period_dimension("first_appointed_on"),),
    columns=_person_columns(Column("任用日期", "first_appointed_on")), related=PERSON["related"],
    row_url=candidate_url, row_noun="人",
))


def _promoted(user, period):
    first = (
        events.get("promoted").records(*period.dates).filter(candidate=OuterRef("pk")).order_by().values("candidate")
        .annotate(first=Min("date")).values("first")
    )
    return _happened(user, period, "promoted").annotate(first_promoted_on=Subquery(first))


register(Figure(
    key="reserves.promoted_township_leadership", label="优先选拔进入乡镇领导班子", unit="人", kind=FLOW, section=SECTION, order=20,
    description="统计期间内作为“五类人员”进入乡镇领导班子的后备干部人数（按提拔日期）。",
    rows=_promoted, dimensions=(period_dimension("first_promoted_on"),),
    columns=_person_columns(Column("进入乡镇领导班子日期", "first_promoted_on")), related=PERSON["related"],
    row_url=candidate_url, row_noun="人",
))


def _recruited(user, period):
    first = (
        events.get("recruited").records(*period.dates).filter(candidate=OuterRef("pk")).order_by().values("candidate")
        .annotate(first=Min("date")).values("first")
    )
    return _happened(user, period, "recruited").annotate(first_recruited_on=Subquery(first))


register(Figure(
    key="reserves.recruited_by_exam", label="通过事业单位定向招考、乡镇公务员招录录用", unit="人", kind=FLOW, section=SECTION, order=21,
    description="统计期间内通过事业单位定向招考或乡镇公务员招录被录用的后备干部人数（按录用日期，一人多次计一人）。",
    rows=_recruited, dimensions=(period_dimension("first_recruited_on"),),
    columns=_person_columns(Column("录用日期", "first_recruited_on")), related=PERSON["related"],
    row_url=candidate_url, row_noun="人",
))


# --- stock figures -----------------------------------------------------------------------------

register(Figure(
    key="reserves.pipeline", label="后备干部各阶段人数", unit="人", kind=STOCK, section=SECTION, order=30,
    description="截至期末，每名已推荐人员所处的阶段（按流程记录推算）。",
    rows=as_of, dimensions=(choices_dimension("stage", "阶段", "stage_then", STAGE_BUCKETS),), **PERSON,
))

register(Figure(
    key="reserves.active", label="在册后备干部", unit="人", kind=STOCK, section=SECTION, order=40,
    description="截至期末处于待审查备案、培养中、综合考察至入库各阶段和储备库中的人数（每村3-7人的口径）。",
    rows=active_as_of, dimensions=(region_dimension("village"),), **PERSON,
))

register(Figure(
    key="reserves.pool_size", label="储备库人数", unit="人", kind=STOCK, section=SECTION, order=50,
    description="截至期末在储备库中的后备干部人数。",
    rows=lambda user, period: as_of(user, period).filter(stage_then=S.POOL), dimensions=(region_dimension("village"),), **PERSON,
))


def _village_buckets(user, period):
    return [(pk, name) for pk, name in
            Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE).order_by("path").values_list("pk", "name")] \
        if _sees_reserves(user) else []


register(Figure(
    key="reserves.village_counts", label="各村（社区）在册后备干部", unit="人", kind=STOCK, section=SECTION, order=60,
    description="截至期末各村（社区）在册后备干部人数（每村3-7人的口径）。",
    rows=active_as_of,
    dimensions=(Dimension("village", "村（社区）", lambda user, period: F("village_id"), _village_buckets),), **PERSON,
))


def _size_class(count):
    """below / within / above the 3–7 of one count expression."""
    return Case(
        When(GreaterThan(count, VILLAGE_MAX), then=Value("above")),
        When(LessThan(count, VILLAGE_MIN), then=Value("below")),
        default=Value("within"), output_field=CharField(),
    )


VILLAGE_COLUMNS = (Column("乡镇", "parent.name"), Column("村（社区）", "name", link=True), Column("人数", "n"))

register(Figure(
    key="reserves.village_size", label="村（社区）后备干部规模", unit="个", kind=STOCK, section=SECTION, order=70,
    description=f"截至期末在册后备干部不足{VILLAGE_MIN}人、{VILLAGE_MIN}–{VILLAGE_MAX}人、超过{VILLAGE_MAX}人的村（社区）个数。",
    rows=lambda user, period: villages_with(user, period, _active_in_village, _size_class),
    dimensions=(region_dimension("", row_level=5), Dimension("size", "规模", lambda user, period: F("cls"), lambda u, p: SIZE_BUCKETS)),
    columns=VILLAGE_COLUMNS, related=("parent",), row_url=village_url("reserves.village_counts"), row_noun="个村（社区）",
))


def _pool_class(count):
    return Case(
        When(GreaterThan(count, 1), then=Value("2")), When(GreaterThan(count, 0), then=Value("1")),
        default=Value("0"), output_field=CharField(),
    )


register(Figure(
    key="reserves.pool_readiness", label="各村（社区）储备人选", unit="个", kind=STOCK, section=SECTION, order=80,
    description="截至期末储备库中无人、1人、2人及以上的村（社区）个数，看下一次换届前的人选准备。",
    rows=lambda user, period: villages_with(user, period, _pool_in_village, _pool_class),
    dimensions=(region_dimension("", row_level=5), Dimension("pool", "储备人数", lambda user, period: F("cls"), lambda u, p: POOL_BUCKETS)),
    columns=(Column("乡镇", "parent.name"), Column("村（社区）", "name", link=True), Column("储备库人数", "n")),
    related=("parent",), row_url=village_url("reserves.pool_size_by_village"), row_noun="个村（社区）",
))

register(Figure(
    key="reserves.pool_size_by_village", label="各村（社区）储备库人数", unit="人", kind=STOCK, section=SECTION, order=85,
    description="截至期末各村（社区）储备库中的后备干部人数。",
    rows=lambda user, period: as_of(user, period).filter(stage_then=S.POOL),
    dimensions=(Dimension("village", "村（社区）", lambda user, period: F("village_id"), _village_buckets),), **PERSON,
))


def _hour_band():
    whens = [When(hours_then__gte=int(low), then=Value(low)) for low, _ in reversed(HOUR_BANDS[1:])]
    return Case(*whens, default=Value("0"), output_field=CharField())


HOURS_COLUMNS = _person_columns(Column("培养开始", "training_start"), Column("已完成学时", "hours_then"))

register(Figure(
    key="reserves.training_hours", label="培养对象学时完成情况", unit="人", kind=STOCK, section=SECTION, order=90,
    description=f"截至期末处于培养期的后备干部，按已参加集中学习培训的学时分段（要求不少于{REQUIRED_HOURS}学时）。",
    rows=trainees_as_of, dimensions=(Dimension("hours", "学时", lambda user, period: _hour_band(), lambda u, p: HOUR_BANDS),),
    columns=HOURS_COLUMNS, related=PERSON["related"], row_url=candidate_url, row_noun="人",
))

register(Figure(
    key="reserves.hours_completed", label=f"已满{REQUIRED_HOURS}学时的培养对象", unit="人", kind=STOCK, section=SECTION, order=95,
    description=f"截至期末处于培养期且集中学习培训已满{REQUIRED_HOURS}学时的人数。",
    rows=lambda user, period: trainees_as_of(user, period).filter(hours_then__gte=REQUIRED_HOURS),
    columns=HOURS_COLUMNS, related=PERSON["related"], row_url=candidate_url, row_noun="人",
))


# --- flow figures ------------------------------------------------------------------------------

def _attendance(user, period):
    return Attendance.objects.visible_to(user).filter(session__date__range=period.dates).order_by("-session__date", "pk")


register(Figure(
    key="reserves.training_hours_total", label="集中学习培训完成学时", unit="学时", kind=FLOW, section=SECTION, order=100,
    description="统计期间内后备干部参加县委党校集中学习培训累计获得的学时。",
    rows=_attendance, aggregate=Sum("hours"), decimals=1,
    columns=(Column("姓名", "candidate.name", link=True), Column("村（社区）", "candidate.village.name"),
             Column("培训日期", "session.date"), Column("培训主题", "session.topic"), Column("学时", "hours")),
    related=("candidate__village", "session"), row_url=lambda a, period: candidate_url(a.candidate), row_noun="人次",
))


def _grade_buckets(user, period):
    return list(CodeItem.objects.filter(table=RESERVE_GRADE_TABLE).order_by("sort_order", "code").values_list("pk", "name"))


register(Figure(
    key="reserves.appraisal_grades", label="年度综合评价等次", unit="人次", kind=FLOW, section=SECTION, order=110,
    description="统计期间内（按评议日期）村（社区）“两委”对后备干部的年度综合评价，分等次。",
    rows=lambda user, period: Appraisal.objects.visible_to(user).filter(appraised_on__range=period.dates).order_by("-appraised_on", "pk"),
    dimensions=(Dimension("grade", "等次", lambda user, period: F("grade_id"), _grade_buckets),),
    columns=(Column("姓名", "candidate.name", link=True), Column("村（社区）", "candidate.village.name"),
             Column("培养年度", "get_year_display"), Column("评议日期", "appraised_on"), Column("等次", "grade.name")),
    related=("candidate__village", "grade"), row_url=lambda a, period: candidate_url(a.candidate), row_noun="人次",
))


register(Figure(
    key="reserves.nominated", label="新推荐后备干部", unit="人", kind=FLOW, section=SECTION, order=120,
    description="统计期间内乡镇填报推荐（或县委组织部导入台账）的人数。",
    rows=lambda user, period: _happened(user, period, "nominated"),
    dimensions=(region_dimension("village"),), **PERSON,
))

register(Figure(
    key="reserves.filed", label="审查备案纳入培养序列", unit="人", kind=FLOW, section=SECTION, order=130,
    description="统计期间内经县委组织部审查备案、纳入后备干部培养序列的人数。",
    rows=lambda user, period: _happened(user, period, "filed"),
    dimensions=(region_dimension("village"),), **PERSON,
))

register(Figure(
    key="reserves.admitted_to_pool", label="纳入储备库", unit="人", kind=FLOW, section=SECTION, order=140,
    description="统计期间内（按入库日期）纳入后备干部储备库的人数。",
    rows=lambda user, period: _happened(user, period, "admitted"),
    dimensions=(region_dimension("village"),), **PERSON,
))


# --- the dashboard's charts ----------------------------------------------------------------------

register_chart(Chart("reserves.pipeline", "后备干部培养流程（各阶段人数）", "reserves.pipeline", type="funnel", section=SECTION, order=10,
                     hide=(S.DRAFT, S.RETURNED, S.REJECTED, S.REMOVED), note="漏斗为主流程各阶段；草稿、退回、未通过、已退出见数据表。"))
def _above_township(user) -> bool:
    return scope_level(user) < Region.Level.TOWNSHIP


def _township(user) -> bool:
    return scope_level(user) == Region.Level.TOWNSHIP


register_chart(Chart("reserves.village_size", f"各乡镇村（社区）后备干部规模（每村{VILLAGE_MIN}–{VILLAGE_MAX}人）", "reserves.village_size",
                     type="stacked", section=SECTION, order=20, alarm=("below", "above"), when=_above_township))
register_chart(Chart("reserves.village_counts", f"各村（社区）在册后备干部（每村{VILLAGE_MIN}–{VILLAGE_MAX}人）", "reserves.village_counts",
                     type="hbar", section=SECTION, order=20, bounds=(VILLAGE_MIN, VILLAGE_MAX), when=_township,
                     note=f"红色为不足{VILLAGE_MIN}人，橙色为超过{VILLAGE_MAX}人。"))
register_chart(Chart("reserves.training_hours", f"培养对象学时完成情况（要求{REQUIRED_HOURS}学时）", "reserves.training_hours",
                     type="bar", section=SECTION, order=30, alarm=("0", "30", "60")))
register_chart(Chart("reserves.appraisal_grades", "年度综合评价等次分布", "reserves.appraisal_grades", type="pie", section=SECTION, order=40))
register_chart(Chart("reserves.pool_readiness", "换届人选准备：各乡镇村（社区）储备人数", "reserves.pool_readiness",
                     type="stacked", section=SECTION, order=50, alarm=("0",), when=_above_township))
register_chart(Chart("reserves.pool_size_by_village", "换届人选准备：各村（社区）储备库人数", "reserves.pool_size_by_village",
                     type="hbar", section=SECTION, order=50, bounds=(1, 99), when=_township, note="红色为储备库中尚无人选的村（社区）。"))
register_chart(Chart("reserves.appointed", "选拔任用后备干部", "reserves.appointed", type="bar", section=SECTION, order=60))
register_chart(Chart("reserves.promoted", "优先选拔进入乡镇领导班子", "reserves.promoted_township_leadership", type="bar", section=SECTION, order=70))

# Number tiles at the top of the section.
for order, (key, title) in enumerate([
    ("reserves.active", "在册后备干部"),
    ("reserves.pool_size", "储备库人数"),
    ("reserves.appointed", "选拔任用后备干部"),
    ("reserves.promoted_township_leadership", "进入乡镇领导班子"),
    ("reserves.hours_completed", f"已满{REQUIRED_HOURS}学时"),
    ("reserves.training_hours_total", "集中培训完成学时"),
    ("reserves.nominated", "新推荐"),
    ("reserves.admitted_to_pool", "新纳入储备库"),
]):
    register_chart(Chart(f"tile.{key}", title, key, type="number", section=SECTION, order=order))
