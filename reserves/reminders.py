"""The reserves' reminder kinds, on the notification machinery
(``cadre_portal.notifications``). Imported by the notifications app's
``ready()`` once the reserves models exist.

Kinds:

- ``training_session``: a centralized training session is coming up — each
  township with trainees is told (N days before), with its trainees and those
  behind on hours;
- ``training_session_summary``: the same session, summarised for county staff;
- ``hours_behind``: trainees whose pace projects fewer than 150 hours by the
  end of their cycle, once a quarter per township;
- ``cycle_ending``: a trainee's two-year cycle ends within 90 days;
- ``appraisal_season``: the annual appraisal window — each township is asked
  to record the year's appraisal of every trainee who lacks it;
- ``followup_due`` / ``followup_overdue``: first-year follow-up visits due
  soon, and overdue (escalated to county staff).

Every kind reads its lead time and recipients from its ``ReminderSetting``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.urls import NoReverseMatch, reverse

from cadre_portal.models import Region
from cadre_portal.notifications.periods import month_day, quarter_bounds, quarter_key
from cadre_portal.notifications.registry import DueItem, ReminderKind, register
from reserves.models import REQUIRED_HOURS, Candidate, FollowUpVisit, TrainingSession

# A trainee is judged on pace only after a quarter of the cycle has passed:
# before the first session everyone projects to zero hours.
PACE_GRACE_DAYS = 90
# The first appraisal falls in the first season at least this long after the start.
APPRAISAL_MIN_DAYS = 180
NAME_LIST_LIMIT = 20


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _names(candidates, *, detail=None) -> str:
    shown = [f"{c.name}（{c.village.name}{('，' + detail(c)) if detail else ''}）" for c in candidates[:NAME_LIST_LIMIT]]
    more = len(candidates) - len(shown)
    return "、".join(shown) + (f" 等 {len(candidates)} 人" if more > 0 else "")


def _township(candidate) -> Region:
    return candidate.village.parent


def _hours(value) -> str:
    return f"{float(value or 0):g}"


def _by_township(candidates) -> dict[Region, list]:
    groups: dict[Region, list] = defaultdict(list)
    for c in candidates:
        groups[_township(c)].append(c)
    return dict(sorted(groups.items(), key=lambda item: item[0].path))


def _session_trainees(session: TrainingSession) -> list[Candidate]:
    """Who is expected at a session: the named trainees, or (for a session for
    everyone) every trainee whose cycle covers its date."""
    base = Candidate.objects.training().select_related("village__parent")
    if session.for_all:
        base = base.filter(training_start__lte=session.date, training_end__gte=session.date)
    else:
        base = base.filter(invited_sessions=session)
    return list(base.with_projection(session.date).order_by("village__path", "name", "pk"))


def _behind(c) -> bool:
    return c.elapsed_days >= PACE_GRACE_DAYS and c.projected_hours < REQUIRED_HOURS


def _upcoming_sessions(today: date, until: date, lead: int):
    return TrainingSession.objects.filter(date__gte=today, date__lte=until + timedelta(days=lead)).order_by("date", "pk")


@register
class TrainingSessionKind(ReminderKind):
    key = "training_session"
    label = "集中培训即将开始"
    description = "每季度集中培训前 N 天，提醒参训人员所在乡镇的组织委员，并标出学时进度落后的人员。"
    default_lead_days = 7

    def due_items(self, *, today, until, setting):
        lead = setting.lead_days
        for session in _upcoming_sessions(today, until, lead):
            remind_on = session.date - timedelta(days=lead)
            for township, trainees in _by_township(_session_trainees(session)).items():
                behind = [c for c in trainees if _behind(c)]
                body = (
                    f"{session.quarter_label()}集中培训“{session.topic}”将于 {session.date:%Y年%m月%d日}在{session.place}举行"
                    f"（{_hours(session.hours)} 学时）。\n本乡镇应参训 {len(trainees)} 人：{_names(trainees)}。"
                )
                if behind:
                    body += f"\n其中学时进度落后（预计培养期满不足 {REQUIRED_HOURS} 学时）{len(behind)} 人：" + _names(
                        behind, detail=lambda c: f"已完成 {_hours(c.hours_done)} 学时")
                body += "\n请通知参训人员按时参加。"
                yield DueItem(
                    target=township, region=township, period=f"{quarter_key(session.date)}-S{session.pk}",
                    title=f"{township.name}：{session.date:%m月%d日}集中培训，应参训 {len(trainees)} 人",
                    body=body, remind_on=remind_on, due_date=session.date,
                    link=_url("reserves:training_detail", session.pk),
                )


@register
class TrainingSessionSummaryKind(ReminderKind):
    key = "training_session_summary"
    label = "集中培训即将开始（全县汇总）"
    description = "每季度集中培训前 N 天，向县委组织部干部汇总各乡镇应参训人数和学时进度落后人数。"
    default_lead_days = 7
    default_notify_township_officers = False
    default_notify_county_staff = True

    def due_items(self, *, today, until, setting):
        lead = setting.lead_days
        for session in _upcoming_sessions(today, until, lead):
            by_county: dict[Region, list] = defaultdict(list)
            for township, trainees in _by_township(_session_trainees(session)).items():
                by_county[township.parent].append((township, trainees))
            for county, rows in by_county.items():
                total = sum(len(t) for _, t in rows)
                behind = sum(1 for _, t in rows for c in t if _behind(c))
                lines = [f"{township.name}：应参训 {len(t)} 人，学时落后 {sum(1 for c in t if _behind(c))} 人"
                         for township, t in rows]
                yield DueItem(
                    target=session, region=county, period=f"{quarter_key(session.date)}-{county.code}",
                    title=f"{session.date:%m月%d日}集中培训：全县应参训 {total} 人，学时落后 {behind} 人",
                    body=f"{session.quarter_label()}集中培训“{session.topic}”将于 {session.date:%Y年%m月%d日}在{session.place}举行。\n"
                         + "\n".join(lines),
                    remind_on=session.date - timedelta(days=lead), due_date=session.date,
                    link=_url("reserves:training_detail", session.pk),
                )


@register
class HoursBehindKind(ReminderKind):
    key = "hours_behind"
    label = "学时进度落后"
    description = f"每季度初，提醒乡镇组织委员：按目前进度，培养期满时集中学习将不足 {REQUIRED_HOURS} 学时的培养对象。"
    uses_lead_days = False

    def due_items(self, *, today, until, setting):
        quarter_start, _ = quarter_bounds(today)
        trainees = list(
            Candidate.objects.behind_on_hours(as_of=today)
            .filter(elapsed_days__gte=PACE_GRACE_DAYS, training_end__gt=today)
            .select_related("village__parent")
            .order_by("village__path", "name", "pk")
        )
        for township, rows in _by_township(trainees).items():
            yield DueItem(
                target=township, region=township, period=quarter_key(today),
                title=f"{township.name}：{len(rows)} 名培养对象学时进度落后",
                body=f"按目前进度，以下培养对象培养期满时集中学习将不足 {REQUIRED_HOURS} 学时：\n"
                     + _names(rows, detail=lambda c: f"已完成 {_hours(c.hours_done)} 学时，预计 {c.projected_hours:.0f} 学时")
                     + "\n请督促其参加集中培训。",
                remind_on=quarter_start, link=_url("reserves:list") + "?stage=training" if _url("reserves:list") else "",
            )


@register
class CycleEndingKind(ReminderKind):
    key = "cycle_ending"
    label = "培养期即将届满"
    description = "两年培养期届满前 N 天（默认 90 天），提醒乡镇组织委员准备综合考察。"
    default_lead_days = 90

    def due_items(self, *, today, until, setting):
        lead = setting.lead_days
        horizon = (until - today).days + lead
        trainees = (
            Candidate.objects.cycle_ending_within(horizon, as_of=today)
            .with_hours()
            .select_related("village__parent")
            .prefetch_related("appraisals")
            .order_by("training_end", "pk")
        )
        for c in trainees:
            done = len(c.appraisals.all())
            yield DueItem(
                target=c, region=c.village, period=c.training_end.isoformat(),
                title=f"{c.name}（{c.village.full_name()}）培养期将于 {c.training_end:%Y-%m-%d} 届满",
                body=f"{c.name}的两年培养期（{c.training_start:%Y-%m-%d} 至 {c.training_end:%Y-%m-%d}）即将届满。"
                     f"已完成集中学习 {_hours(c.hours_done)} / {REQUIRED_HOURS} 学时，年度评议 {done} / 2 次。"
                     "请按时组织综合考察并提出使用意见建议。",
                remind_on=c.training_end - timedelta(days=lead), due_date=c.training_end,
                link=_url("reserves:detail", c.pk),
            )


def appraisal_year_due(candidate, season_end: date) -> int | None:
    """The cycle year whose appraisal the season should record: the first one
    missing that the trainee has reached by the season's end."""
    recorded = {a.year for a in candidate.appraisals.all()}
    for year in (1, 2):
        reached = candidate.training_start + timedelta(days=APPRAISAL_MIN_DAYS + (year - 1) * 365)
        if year not in recorded:
            return year if reached <= season_end else None
    return None


@register
class AppraisalSeasonKind(ReminderKind):
    key = "appraisal_season"
    label = "年度评议"
    description = "每年年度评议期间（开始日期至结束日期），提醒乡镇组织委员为每名培养对象登记本年度评议。"
    uses_lead_days = False
    uses_window = True
    default_window_start = "11-15"
    default_window_end = "12-31"

    def due_items(self, *, today, until, setting):
        for year in sorted({today.year, until.year}):
            start = month_day(setting.window_start, year)
            end = month_day(setting.window_end, year)
            if start is None or end is None or end < start or end < today or start > until:
                continue
            trainees = (
                Candidate.objects.training()
                .filter(training_start__lte=end - timedelta(days=APPRAISAL_MIN_DAYS))
                .select_related("village__parent")
                .prefetch_related("appraisals")
                .order_by("village__path", "name", "pk")
            )
            due = [(c, appraisal_year_due(c, end)) for c in trainees]
            due = [c for c, y in due if y is not None]
            for township, rows in _by_township(due).items():
                yield DueItem(
                    target=township, region=township, period=str(year),
                    title=f"{township.name}：{year}年度评议，{len(rows)} 名培养对象待登记",
                    body=f"{year}年度评议时间为 {start:%m月%d日} 至 {end:%m月%d日}。请组织党员群众代表评议、"
                         f"村“两委”班子评定等次并形成集体鉴定意见，登记以下培养对象的年度评议：\n" + _names(rows),
                    remind_on=start, due_date=end, link=_url("reserves:list"),
                )


def _visits(qs):
    return qs.select_related("candidate__village__parent", "appointment").order_by("due_date", "pk")


@register
class FollowUpDueKind(ReminderKind):
    key = "followup_due"
    label = "首年度回访即将到期"
    description = "任用满一年的首年度回访考察到期前 N 天，提醒乡镇组织委员。"
    default_lead_days = 30

    def due_items(self, *, today, until, setting):
        lead = setting.lead_days
        visits = FollowUpVisit.objects.pending().filter(due_date__gte=today, due_date__lte=until + timedelta(days=lead))
        for v in _visits(visits):
            c = v.candidate
            yield DueItem(
                target=v, region=c.village, period=v.due_date.isoformat(),
                title=f"{c.name}（{c.village.full_name()}）首年度回访应于 {v.due_date:%Y-%m-%d} 前完成",
                body=f"{c.name}于 {v.appointment.appointed_on:%Y-%m-%d} 任{v.appointment.get_post_display()}，"
                     f"首年度回访考察应于 {v.due_date:%Y-%m-%d} 前完成并登记结果。",
                remind_on=v.due_date - timedelta(days=lead), due_date=v.due_date,
                link=_url("reserves:detail", c.pk),
            )


@register
class FollowUpOverdueKind(ReminderKind):
    key = "followup_overdue"
    label = "首年度回访已逾期"
    description = "首年度回访考察逾期未完成时，提醒乡镇组织委员并报县委组织部。"
    uses_lead_days = False
    default_notify_county_staff = True

    def due_items(self, *, today, until, setting):
        for v in _visits(FollowUpVisit.objects.overdue(as_of=until)):
            c = v.candidate
            remind_on = v.due_date + timedelta(days=1)
            yield DueItem(
                target=v, region=c.village, period=v.due_date.isoformat(),
                title=f"逾期：{c.name}（{c.village.full_name()}）首年度回访未完成",
                body=f"{c.name}的首年度回访考察应于 {v.due_date:%Y-%m-%d} 前完成，至今未登记回访结果。"
                     "请乡镇尽快回访，县委组织部督办。",
                remind_on=remind_on, due_date=v.due_date, link=_url("reserves:detail", c.pk),
            )
