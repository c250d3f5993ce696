"""Retention figures (docs/FIGURES.md rows 5–10 and the retention breakdowns), on the
figures registry; autodiscovered by the figures app.

Every figure starts from ``visible_to(user)`` and is a flow figure counted on the
event's own date: a demand's ``closed_on`` (a measure closes its demands on its
``effective_on``), a measure's ``effective_on``, the date of the 留下/流失 row
(``CareTransition.on``), an interview's ``held_on``.
"""

from __future__ import annotations

from django.db.models import Avg, Case, CharField, Exists, F, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.urls import reverse

from cadre_portal.figures.registry import (
    FLOW,
    Chart,
    Column,
    Dimension,
    Figure,
    choices_dimension,
    register,
    register_chart,
    register_section,
)
from cadre_portal.models import CodeItem
from youth_cadres.retention import codes
from youth_cadres.retention.models import CareRecord, CareTransition, Demand, Interview, Measure

SECTION = "retention"
register_section(SECTION, "留才（个人诉求）", roles=("county_staff", "leader", "admin", "township_officer"), order=25)

PERSON_RELATED = ("cadre__unit", "candidate__village__parent")


def care_url(care, period=None) -> str:
    return reverse("retention:care_detail", args=[care.pk])


PERSON_COLUMNS = (
    Column("姓名", "name", link=True),
    Column("人员类别", "get_registry_display"),
    Column("单位（村）", "workplace"),
)


def _solved(code: str):
    def rows(user, period):
        solved = Demand.objects.filter(care=OuterRef("pk"), category__code=code, status=Demand.Status.RESOLVED,
                                       closed_on__range=period.dates)
        return CareRecord.objects.visible_to(user).filter(Exists(solved)).order_by("pk")

    return rows


REGISTRY = choices_dimension("registry", "人员类别", "registry", CareRecord.Registry.choices)

register(Figure(
    key="retention.housing_solved", label="解决住房问题", unit="名", kind=FLOW, section=SECTION, order=10,
    description="统计期间内住房诉求办结为“已解决”（按办结日期；一项措施解决多人的，每人计一名）的人数。",
    rows=_solved(codes.HOUSING), dimensions=(REGISTRY,), columns=PERSON_COLUMNS, related=PERSON_RELATED,
    row_url=care_url, row_noun="人",
))

register(Figure(
    key="retention.marriage_solved", label="解决婚恋问题", unit="名", kind=FLOW, section=SECTION, order=20,
    description="统计期间内婚恋诉求办结为“已解决”（按办结日期）的人数。",
    rows=_solved(codes.MARRIAGE), dimensions=(REGISTRY,), columns=PERSON_COLUMNS, related=PERSON_RELATED,
    row_url=care_url, row_noun="人",
))


def _pay_rises(user, period):
    rise = (Demand.objects.filter(care=OuterRef("pk"), category__code=codes.PAY, status=Demand.Status.RESOLVED,
                                  closed_on__range=period.dates, pay_rise__isnull=False)
            .order_by().values("care").annotate(total=Sum("pay_rise")).values("total"))
    return (CareRecord.objects.visible_to(user).annotate(period_pay_rise=Subquery(rise))
            .filter(period_pay_rise__isnull=False).order_by("pk"))


register(Figure(
    key="retention.avg_pay_rise", label="人均增资", unit="元", kind=FLOW, section=SECTION, order=30,
    description="统计期间内薪酬增资诉求办结为“已解决”的人员，每人登记的每月增资金额之和的平均数（元/月）。",
    rows=_pay_rises, aggregate=Avg("period_pay_rise"), decimals=0,
    columns=(*PERSON_COLUMNS, Column("增资金额（元/月）", "period_pay_rise")), related=PERSON_RELATED,
    row_url=care_url, row_noun="人",
))


def _latest_allowance(user, period):
    """The latest 工作补贴 measure with both amounts taking effect in the period (one row)."""
    base = Measure.objects.visible_to(user).filter(category__code=codes.ALLOWANCE, effective_on__range=period.dates,
                                                   amount_before__isnull=False, amount_after__isnull=False)
    latest = base.order_by("-effective_on", "-pk").values("pk")[:1]
    return base.filter(pk__in=Subquery(latest)).order_by("pk")


MEASURE_COLUMNS = (
    Column("措施名称", "title", link=True), Column("实施日期", "effective_on"),
    Column("调整前（元/月）", "amount_before"), Column("调整后（元/月）", "amount_after"),
)

register(Figure(
    key="retention.allowance_before", label="乡镇工作补贴（调整前）", unit="元/月", kind=FLOW, section=SECTION, order=40,
    description="统计期间内最近一项乡镇工作补贴措施（按实施日期）调整前的每月金额。",
    rows=_latest_allowance, aggregate=Max("amount_before"), columns=MEASURE_COLUMNS, row_noun="项措施",
))

register(Figure(
    key="retention.allowance_after", label="乡镇工作补贴（调整后）", unit="元/月", kind=FLOW, section=SECTION, order=50,
    description="同一项措施调整后的每月金额。",
    rows=_latest_allowance, aggregate=Max("amount_after"), columns=MEASURE_COLUMNS, row_noun="项措施",
))


def _retained(user, period):
    retained = CareTransition.objects.filter(care=OuterRef("pk"), action=CareTransition.Action.RETAIN, on__range=period.dates)
    return CareRecord.objects.visible_to(user).filter(Exists(retained)).order_by("pk")


register(Figure(
    key="retention.retained", label="有意离开后被留下的干部", unit="名", kind=FLOW, section=SECTION, order=60,
    description="统计期间内（按登记的留下日期）曾表达离开意向（有离开意向、已提出调离）、经组织关心后留下的人数。",
    rows=_retained, dimensions=(REGISTRY,),
    columns=(*PERSON_COLUMNS, Column("留下日期", "outcome_on"), Column("关键做法", "outcome_note")),
    related=(*PERSON_RELATED, "decisive_measure"), row_url=care_url, row_noun="人",
))


# --- breakdowns -------------------------------------------------------------------------------------

INTERVIEW_STATES = [("done", "期内已访谈"), ("overdue", "到期未访谈"), ("not_due", "未到期")]


def _under_care(user, period):
    """People under care at some time in the period."""
    return (CareRecord.objects.visible_to(user).filter(entered_on__lte=period.end)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)).order_by("next_due", "pk"))


def _interview_state(user, period):
    held = Interview.objects.filter(care=OuterRef("pk"), held_on__range=period.dates)
    return Case(
        When(Exists(held), then=Value("done")),
        When(next_due__lte=period.end, then=Value("overdue")),
        default=Value("not_due"), output_field=CharField(),
    )


register(Figure(
    key="retention.interviews", label="定期访谈完成情况", unit="人", kind=FLOW, section=SECTION, order=70,
    description="统计期间内在关怀中的人员：期内已访谈、到期（下次访谈日期不晚于期末）未访谈、未到期。",
    rows=_under_care,
    dimensions=(Dimension("state", "访谈情况", _interview_state, lambda user, period: INTERVIEW_STATES),),
    columns=(*PERSON_COLUMNS, Column("最近访谈", "last_interview_on"), Column("下次访谈", "next_due")),
    related=PERSON_RELATED, row_url=care_url, row_noun="人",
))


def _category_buckets(user, period):
    return list(CodeItem.objects.filter(table=codes.DEMAND_CATEGORY_TABLE).order_by("sort_order", "code").values_list("pk", "name"))


register(Figure(
    key="retention.demands", label="个人诉求（按类别和办理状态）", unit="件", kind=FLOW, section=SECTION, order=80,
    description="统计期间内提出（按提出日期）的诉求，按类别和当前办理状态。",
    rows=lambda user, period: Demand.objects.visible_to(user).filter(raised_on__range=period.dates).order_by("due_on", "pk"),
    dimensions=(
        Dimension("category", "诉求类别", lambda user, period: F("category_id"), _category_buckets),
        choices_dimension("status", "办理状态", "status", Demand.Status.choices),
    ),
    columns=(Column("姓名", "care.name", link=True), Column("类别", "category.name"), Column("诉求内容", "content"),
             Column("承办人", "owner.display_name"), Column("办理期限", "due_on"), Column("状态", "get_status_display")),
    related=("care__cadre__unit", "care__candidate__village__parent", "category", "owner"), row_noun="件",
))

register(Figure(
    key="retention.outcomes", label="留下与流失", unit="人", kind=FLOW, section=SECTION, order=90,
    description="统计期间内（按登记日期）登记为留下或流失的人数。",
    rows=lambda user, period: (CareTransition.objects.visible_to(user)
                               .filter(action__in=[CareTransition.Action.RETAIN, CareTransition.Action.LOSE], on__range=period.dates)
                               .order_by("-on", "pk")),
    dimensions=(choices_dimension("outcome", "结果", "action", [(CareTransition.Action.RETAIN, "留下"),
                                                               (CareTransition.Action.LOSE, "流失")]),),
    columns=(Column("姓名", "care.name", link=True), Column("结果", "get_action_display"), Column("日期", "on"),
             Column("说明", "note")),
    related=("care__cadre__unit", "care__candidate__village__parent"),
    row_url=lambda t, period: care_url(t.care), row_noun="人",
))


# --- the dashboard's retention section -------------------------------------------------------------------

register_chart(Chart("retention.interviews", "定期访谈完成情况", "retention.interviews", type="pie", section=SECTION, order=10))
register_chart(Chart("retention.demands", "个人诉求（按类别和办理状态）", "retention.demands", type="stacked", section=SECTION, order=20,
                     width=8))
register_chart(Chart("retention.outcomes", "留下与流失", "retention.outcomes", type="pie", section=SECTION, order=30, width=4))

for order, (key, title) in enumerate([
    ("retention.housing_solved", "解决住房问题"),
    ("retention.marriage_solved", "解决婚恋问题"),
    ("retention.avg_pay_rise", "人均增资（元/月）"),
    ("retention.allowance_before", "乡镇工作补贴调整前（元/月）"),
    ("retention.allowance_after", "乡镇工作补贴调整后（元/月）"),
    ("retention.retained", "有意离开后留下"),
]):
    register_chart(Chart(f"tile.{key}", title, key, type="number", section=SECTION, order=order))
