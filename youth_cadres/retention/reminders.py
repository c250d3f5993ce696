"""Retention reminder kinds (issue 9 item 4), on the notification machinery
(``cadre_portal.notifications``; recipe in ``docs/REMINDERS.md``). Registered from
the retention app's ``ready()``.

- ``retention_interview_due``: a person's interview is due within N days (N the
  setting's 提前天数) — to the responsible officer;
- ``retention_interview_overdue``: the interview is still not recorded M days after
  its due date (M the setting's 提前天数, here "days after") — escalated to county staff
  (and the responsible officer);
- ``retention_demand_overdue``: a demand is past its due date — to its owner;
- ``retention_demand_escalated``: a demand still open M days past its due date —
  escalated to county staff;
- ``retention_monthly_summary``: on the first of each month, open demands by
  category — to county staff.

Exactly once per (kind, target, period): the period of an interview reminder is the
due date it is about (an interview recorded moves the due date: a new cycle, a new
period); of a demand reminder the demand's due date; of the summary the month.
Every ``due()`` runs a fixed number of queries (``values()`` rows, one grouped count).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count
from django.urls import reverse

from cadre_portal.models import Region
from cadre_portal.notifications.registry import Due, ReminderKind, register
from youth_cadres.retention.models import CareRecord, Demand

CARE_FIELDS = (
    "pk", "next_due", "registry", "cadre__name", "cadre__unit__name", "cadre__unit__region_id",
    "candidate__name", "candidate__village__name", "candidate__village_id", "candidate__village__parent__name",
)
DEMAND_FIELDS = (
    "pk", "due_on", "content", "category__name", "owner__full_name", "care__registry", "care__cadre__name",
    "care__cadre__unit__name", "care__cadre__unit__region_id", "care__candidate__name", "care__candidate__village__name",
    "care__candidate__village_id", "care__candidate__village__parent__name",
)


def _person(row, prefix="") -> tuple[str, str, int]:
    """(name, where, region id) of a care row from ``values()``."""
    if row[f"{prefix}registry"] == CareRecord.Registry.YOUTH:
        return row[f"{prefix}cadre__name"], row[f"{prefix}cadre__unit__name"], row[f"{prefix}cadre__unit__region_id"]
    where = f"{row[f'{prefix}candidate__village__parent__name'] or ''}{row[f'{prefix}candidate__village__name']}"
    return row[f"{prefix}candidate__name"], where, row[f"{prefix}candidate__village_id"]


def _care_link(pk) -> str:
    return reverse("retention:care_detail", args=[pk])


def _pending_cares():
    return CareRecord.objects.filter(status=CareRecord.Status.ACTIVE, next_due__isnull=False).order_by("next_due", "pk")


class _CareKind(ReminderKind):
    target_model = "retention.CareRecord"
    default_notify_township_officers = False

    def extra_recipients(self, target_ids, setting):
        rows = CareRecord.objects.filter(pk__in=target_ids, responsible__isnull=False).values_list("pk", "responsible_id")
        return {pk: [user_id] for pk, user_id in rows}


@register
class InterviewDueKind(_CareKind):
    key = "retention_interview_due"
    label = "留才访谈即将到期"
    description = "留才关怀对象的定期访谈到期前 N 天，提醒负责同志。"
    default_lead_days = 14
    default_notify_county_staff = False

    def due(self, *, today, until, setting):
        lead = setting.lead_days
        rows = _pending_cares().filter(next_due__gte=today, next_due__lte=until + timedelta(days=lead)).values(*CARE_FIELDS)
        for row in rows:
            name, where, region_id = _person(row)
            yield Due(
                target_id=row["pk"], region_id=region_id, period=row["next_due"].isoformat(),
                title=f"{name}（{where}）留才访谈应于 {row['next_due']:%Y-%m-%d} 前完成",
                body="请按期访谈本人及其所在单位，了解思想和工作动态、困难和诉求，并登记访谈情况。",
                remind_on=row["next_due"] - timedelta(days=lead), due_date=row["next_due"], link=_care_link(row["pk"]),
            )


@register
class InterviewOverdueKind(_CareKind):
    key = "retention_interview_overdue"
    label = "留才访谈已逾期"
    description = "留才访谈逾期 M 天（提前天数一栏填写逾期天数）仍未登记时，报县委组织部并提醒负责同志。"
    default_lead_days = 7
    default_notify_county_staff = True

    def due(self, *, today, until, setting):
        late = setting.lead_days
        rows = _pending_cares().filter(next_due__lte=until - timedelta(days=late)).values(*CARE_FIELDS)
        for row in rows:
            name, where, region_id = _person(row)
            yield Due(
                target_id=row["pk"], region_id=region_id, period=row["next_due"].isoformat(),
                title=f"逾期：{name}（{where}）留才访谈未完成",
                body=f"{name}的定期访谈应于 {row['next_due']:%Y-%m-%d} 前完成，逾期 {late} 天仍未登记，请督办。",
                remind_on=row["next_due"] + timedelta(days=late), due_date=row["next_due"], link=_care_link(row["pk"]),
            )


class _DemandKind(ReminderKind):
    target_model = "retention.Demand"
    default_notify_township_officers = False
    uses_lead_days = False

    def _rows(self, *, until, late: int):
        return (Demand.objects.filter(status__in=Demand.OPEN_STATUSES, due_on__lte=until - timedelta(days=late + 1))
                .order_by("due_on", "pk").values(*DEMAND_FIELDS))

    def _due(self, row, *, late: int, title: str, body: str) -> Due:
        name, where, region_id = _person(row, "care__")
        return Due(
            target_id=row["pk"], region_id=region_id, period=row["due_on"].isoformat(),
            title=title.format(name=name, where=where, category=row["category__name"]),
            body=body.format(due=row["due_on"], content=row["content"][:100], owner=row["owner__full_name"], late=late),
            remind_on=row["due_on"] + timedelta(days=late + 1), due_date=row["due_on"],
            link=reverse("retention:demand_detail", args=[row["pk"]]),
        )


@register
class DemandOverdueKind(_DemandKind):
    key = "retention_demand_overdue"
    label = "诉求超过办理期限"
    description = "个人诉求超过办理期限仍未办结时，提醒承办人。"
    default_notify_county_staff = False

    def due(self, *, today, until, setting):
        for row in self._rows(until=until, late=0):
            yield self._due(row, late=0, title="超期：{name}（{where}）的{category}诉求未办结",
                            body="诉求“{content}”的办理期限为 {due:%Y-%m-%d}，请尽快办理并登记办理情况。")

    def extra_recipients(self, target_ids, setting):
        rows = Demand.objects.filter(pk__in=target_ids).values_list("pk", "owner_id")
        return {pk: [owner_id] for pk, owner_id in rows}


@register
class DemandEscalatedKind(_DemandKind):
    key = "retention_demand_escalated"
    label = "诉求超期督办"
    description = "个人诉求超过办理期限 M 天（提前天数一栏填写天数）仍未办结时，报县委组织部督办。"
    uses_lead_days = True
    default_lead_days = 14
    default_notify_county_staff = True

    def due(self, *, today, until, setting):
        late = setting.lead_days
        for row in self._rows(until=until, late=late):
            yield self._due(row, late=late, title="督办：{name}（{where}）的{category}诉求超期未办结",
                            body="诉求“{content}”的办理期限为 {due:%Y-%m-%d}，已超期 {late} 天，承办人：{owner}。")


@register
class MonthlySummaryKind(ReminderKind):
    key = "retention_monthly_summary"
    label = "未办结诉求月报"
    description = "每月1日，向县委组织部报告未办结的个人诉求（按类别）。"
    target_model = "cadre_portal.Region"
    uses_lead_days = False
    default_notify_township_officers = False
    default_notify_county_staff = True

    def due(self, *, today, until, setting):
        month = today.replace(day=1)
        counties = list(Region.objects.filter(level=Region.Level.COUNTY).values("pk", "name", "path"))
        if not counties:
            return
        counts = (Demand.objects.filter(status__in=Demand.OPEN_STATUSES)
                  .values("care__cadre__unit__region__path", "care__candidate__village__path", "category__name",
                          "category__sort_order")
                  .annotate(n=Count("pk")).order_by("category__sort_order", "category__name"))
        per_county: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in counts:
            path = row["care__cadre__unit__region__path"] or row["care__candidate__village__path"] or ""
            for county in counties:
                if path.startswith(county["path"]):
                    per_county[county["pk"]][row["category__name"]] += row["n"]
                    break
        for county in counties:
            by_category = per_county.get(county["pk"])
            if not by_category:
                continue
            total = sum(by_category.values())
            yield Due(
                target_id=county["pk"], region_id=county["pk"], period=month.isoformat(),
                title=f"{county['name']}未办结个人诉求 {total} 件（{month.year}年{month.month}月）",
                body="按类别：" + "、".join(f"{name} {n} 件" for name, n in by_category.items()) + "。",
                remind_on=month, due_date=month, link=reverse("retention:demand_list") + "?status=open",
            )

    def period_label(self, period: str) -> str:
        try:
            day = date.fromisoformat(period)
        except ValueError:
            return period
        return f"{day.year}年{day.month}月"
