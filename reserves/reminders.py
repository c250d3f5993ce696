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
  soon, and overdue (escalated to county staff);
- ``training_gap``: once a quarter, the county's summary of trainees who attended
  no session in the last completed quarter of their cycle, township by township.

The kinds that name people due for something (``hours_behind``,
``appraisal_season``, ``training_gap``) select them through ``reserves.duties`` —
the same queryset as the home panels' counts and the roster they open.

Every kind reads its lead time and recipients from its ``ReminderSetting`` and
selects its rows with a fixed number of queries (``values()`` rows, the hours
ledger stored on the candidate, ``Exists``/``Count`` for appraisals), whatever
the number of trainees.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef
from django.urls import NoReverseMatch, reverse

from cadre_portal import codes
from cadre_portal.notifications.periods import month_day, quarter_bounds, quarter_key
from cadre_portal.notifications.registry import Due, ReminderKind, register
from reserves import duties
from reserves.duties import APPRAISAL_MIN_DAYS
from reserves.models import REQUIRED_HOURS, Appraisal, Candidate, FollowUpVisit, TrainingSession, cycle_appraisal_years
NAME_LIST_LIMIT = 20

# What a trainee row carries (one query of values()).
TRAINEE_FIELDS = (
    "pk", "name", "village_id", "village__name", "village__path", "village__parent_id", "village__parent__name",
    "village__parent__parent_id", "hours_attended", "hours_behind_from", "training_start", "training_end",
)


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _names(rows, *, detail=None) -> str:
    shown = [f"{r['name']}（{r['village__name']}{('，' + detail(r)) if detail else ''}）" for r in rows[:NAME_LIST_LIMIT]]
    more = len(rows) - len(shown)
    return "、".join(shown) + (f" 等 {len(rows)} 人" if more > 0 else "")


def _hours(value) -> str:
    return f"{float(value or 0):g}"


def _order(rows) -> list[dict]:
    return sorted(rows, key=lambda r: (r["village__path"], r["name"], r["pk"]))


def _by_township(rows) -> dict[int, list[dict]]:
    """Rows grouped by township id, townships in path order, rows in roster order."""
    groups: dict[int, list[dict]] = defaultdict(list)
    for row in _order(rows):
        groups[row["village__parent_id"]].append(row)
    return groups


def _behind(row, on: date) -> bool:
    """Behind on hours on ``on``: the stored pace date (the hours ledger) has come."""
    return row["hours_behind_from"] is not None and row["hours_behind_from"] <= on


def _projected(row, on: date) -> float:
    """Hours at the end of the cycle if the pace so far holds."""
    done = float(row["hours_attended"] or 0)
    start, end = row["training_start"], row["training_end"]
    elapsed, cycle = (on - start).days, (end - start).days
    if elapsed <= 0 or elapsed >= cycle:
        return done
    return done * cycle / elapsed


def _upcoming_sessions(today: date, until: date, lead: int) -> list[dict]:
    return list(
        TrainingSession.objects.filter(date__gte=today, date__lte=until + timedelta(days=lead))
        .order_by("date", "pk").values("pk", "date", "topic", "place", "hours", "for_all")
    )


def _session_trainees(sessions: list[dict]) -> dict[int, list[dict]]:
    """Who is expected at each session: the named trainees, or (for a session for
    everyone) every trainee whose cycle covers its date. Two queries for any number
    of sessions and trainees."""
    result: dict[int, list[dict]] = {s["pk"]: [] for s in sessions}
    open_sessions = [s for s in sessions if s["for_all"]]
    if open_sessions:
        first, last = min(s["date"] for s in open_sessions), max(s["date"] for s in open_sessions)
        rows = Candidate.objects.training().filter(training_start__lte=last, training_end__gte=first).values(*TRAINEE_FIELDS)
        for row in rows:
            for s in open_sessions:
                if row["training_start"] <= s["date"] <= row["training_end"]:
                    result[s["pk"]].append(row)
    named = [s["pk"] for s in sessions if not s["for_all"]]
    if named:
        through = TrainingSession.trainees.through
        fields = {f"candidate__{f}" if f != "pk" else "candidate_id": f for f in TRAINEE_FIELDS}
        rows = through.objects.filter(trainingsession_id__in=named, candidate__stage=Candidate.Stage.TRAINING).values(
            "trainingsession_id", *fields)
        for row in rows:
            result[row["trainingsession_id"]].append({short: row[long] for long, short in fields.items()})
    return {pk: _order(rows) for pk, rows in result.items()}


def _quarter_label(day: date) -> str:
    return f"{day.year}年第{(day.month - 1) // 3 + 1}季度"


@register
class TrainingSessionKind(ReminderKind):
    key = "training_session"
    label = "集中培训即将开始"
    description = "每季度集中培训前 N 天，提醒参训人员所在乡镇的组织委员，并标出学时进度落后的人员。"
    target_model = "cadre_portal.Region"  # the township
    default_lead_days = 7

    def due(self, *, today, until, setting):
        lead = setting.lead_days
        sessions = _upcoming_sessions(today, until, lead)
        trainees = _session_trainees(sessions)
        for session in sessions:
            day = session["date"]
            for township_id, rows in _by_township(trainees[session["pk"]]).items():
                township = rows[0]["village__parent__name"]
                behind = [r for r in rows if _behind(r, day)]
                body = (
                    f"{_quarter_label(day)}集中培训“{session['topic']}”将于 {day:%Y年%m月%d日}在{session['place']}举行"
                    f"（{_hours(session['hours'])} 学时）。\n本乡镇应参训 {len(rows)} 人：{_names(rows)}。"
                )
                if behind:
                    body += f"\n其中学时进度落后（预计培养期满不足 {REQUIRED_HOURS} 学时）{len(behind)} 人：" + _names(
                        behind, detail=lambda r: f"已完成 {_hours(r['hours_attended'])} 学时")
                body += "\n请通知参训人员按时参加。"
                yield Due(
                    target_id=township_id, region_id=township_id, period=f"{quarter_key(day)}-S{session['pk']}",
                    title=f"{township}：{day:%m月%d日}集中培训，应参训 {len(rows)} 人",
                    body=body, remind_on=day - timedelta(days=lead), due_date=day,
                    link=_url("reserves:training_detail", session["pk"]),
                )


@register
class TrainingSessionSummaryKind(ReminderKind):
    key = "training_session_summary"
    label = "集中培训即将开始（全县汇总）"
    description = "每季度集中培训前 N 天，向县委组织部干部汇总各乡镇应参训人数和学时进度落后人数。"
    target_model = "reserves.TrainingSession"
    default_lead_days = 7
    default_notify_township_officers = False
    default_notify_county_staff = True

    def due(self, *, today, until, setting):
        lead = setting.lead_days
        sessions = _upcoming_sessions(today, until, lead)
        trainees = _session_trainees(sessions)
        for session in sessions:
            day = session["date"]
            by_county: dict[int, list[list[dict]]] = defaultdict(list)
            for rows in _by_township(trainees[session["pk"]]).values():
                by_county[rows[0]["village__parent__parent_id"]].append(rows)
            for county_id, townships in by_county.items():
                total = sum(len(rows) for rows in townships)
                behind = sum(1 for rows in townships for r in rows if _behind(r, day))
                lines = [f"{rows[0]['village__parent__name']}：应参训 {len(rows)} 人，学时落后 "
                         f"{sum(1 for r in rows if _behind(r, day))} 人" for rows in townships]
                county_code = _county_code(townships)
                yield Due(
                    target_id=session["pk"], region_id=county_id, period=f"{quarter_key(day)}-{county_code}",
                    title=f"{day:%m月%d日}集中培训：全县应参训 {total} 人，学时落后 {behind} 人",
                    body=f"{_quarter_label(day)}集中培训“{session['topic']}”将于 {day:%Y年%m月%d日}在{session['place']}举行。\n"
                         + "\n".join(lines),
                    remind_on=day - timedelta(days=lead), due_date=day,
                    link=_url("reserves:training_detail", session["pk"]),
                )


def _county_code(townships: list[list[dict]]) -> str:
    """The county's statistical code, from its first township's path (``421223/421223100/…``)."""
    return townships[0][0]["village__path"].split("/")[0]


@register
class HoursBehindKind(ReminderKind):
    key = "hours_behind"
    label = "学时进度落后"
    description = f"每季度初，提醒乡镇组织委员：按目前进度，培养期满时集中学习将不足 {REQUIRED_HOURS} 学时的培养对象。"
    target_model = "cadre_portal.Region"  # the township
    uses_lead_days = False

    def due(self, *, today, until, setting):
        quarter_start, _ = quarter_bounds(today)
        rows = duties.people("behind", today=today).values(*TRAINEE_FIELDS)
        link = _url("reserves:list")
        for township_id, group in _by_township(rows).items():
            yield Due(
                target_id=township_id, region_id=township_id, period=quarter_key(today),
                title=f"{group[0]['village__parent__name']}：{len(group)} 名培养对象学时进度落后",
                body=f"按目前进度，以下培养对象培养期满时集中学习将不足 {REQUIRED_HOURS} 学时：\n"
                     + _names(group, detail=lambda r: f"已完成 {_hours(r['hours_attended'])} 学时，预计 {_projected(r, today):.0f} 学时")
                     + "\n请督促其参加集中培训。",
                remind_on=quarter_start, link=duties.roster_url("behind", township=township_id) if link else "",
            )


@register
class CycleEndingKind(ReminderKind):
    key = "cycle_ending"
    label = "培养期即将届满"
    description = "两年培养期届满前 N 天（默认 90 天），提醒乡镇组织委员准备综合考察。"
    target_model = "reserves.Candidate"
    default_lead_days = 90

    def due(self, *, today, until, setting):
        lead = setting.lead_days
        rows = (
            Candidate.objects.training()
            .filter(training_end__gte=today, training_end__lte=until + timedelta(days=lead))
            .annotate(appraisals_done=Count("appraisals"))
            .order_by("training_end", "pk")
            .values(*TRAINEE_FIELDS, "appraisals_done")
        )
        for c in rows:
            where = f"{c['village__parent__name']}{c['village__name']}"
            yield Due(
                target_id=c["pk"], region_id=c["village_id"], period=c["training_end"].isoformat(),
                title=f"{c['name']}（{where}）培养期将于 {c['training_end']:%Y-%m-%d} 届满",
                body=f"{c['name']}的两年培养期（{c['training_start']:%Y-%m-%d} 至 {c['training_end']:%Y-%m-%d}）即将届满。"
                     f"已完成集中学习 {_hours(c['hours_attended'])} / {REQUIRED_HOURS} 学时，年度评议 {c['appraisals_done']} / 2 次。"
                     "请按时组织综合考察并提出使用意见建议。",
                remind_on=c["training_end"] - timedelta(days=lead), due_date=c["training_end"],
                link=_url("reserves:detail", c["pk"]),
            )


def appraisal_year_due(row, season_end: date) -> int | None:
    """The cycle year whose appraisal the season should record: the first one
    missing that the trainee has reached by the season's end."""
    years = cycle_appraisal_years(row.get("cycle_number") or 1)  # a further period has its own
    recorded = {year for year in years if row.get(f"has_year_{year}")}
    for year in years:
        reached = row["training_start"] + timedelta(days=APPRAISAL_MIN_DAYS + (year - 1) * 365)
        if year not in recorded:
            return year if reached <= season_end else None
    return None


@register
class AppraisalSeasonKind(ReminderKind):
    key = "appraisal_season"
    label = "年度评议"
    description = "每年年度评议期间（开始日期至结束日期），提醒乡镇组织委员为每名培养对象登记本年度评议。"
    target_model = "cadre_portal.Region"  # the township
    uses_lead_days = False
    uses_window = True
    default_window_start = "11-15"
    default_window_end = "12-31"

    def due(self, *, today, until, setting):
        link = _url("reserves:list")
        for year in sorted({today.year, until.year}):
            start = month_day(setting.window_start, year)
            end = month_day(setting.window_end, year)
            if start is None or end is None or end < start or end < today or start > until:
                continue
            rows = (
                Candidate.objects.training()
                .filter(duties.appraisal_reached_q(end))
                .annotate(
                    has_year_1=Exists(Appraisal.objects.filter(candidate=OuterRef("pk"), cycle=OuterRef("cycle_number"), year=1)),
                    has_year_2=Exists(Appraisal.objects.filter(candidate=OuterRef("pk"), cycle=OuterRef("cycle_number"), year=2)),
                )
                .values(*TRAINEE_FIELDS, "cycle_number", "has_year_1", "has_year_2")
            )
            due = [r for r in rows if appraisal_year_due(r, end) is not None]
            for township_id, group in _by_township(due).items():
                yield Due(
                    target_id=township_id, region_id=township_id, period=str(year),
                    title=f"{group[0]['village__parent__name']}：{year}年度评议，{len(group)} 名培养对象待登记",
                    body=f"{year}年度评议时间为 {start:%m月%d日} 至 {end:%m月%d日}。请组织党员群众代表评议、"
                         f"村“两委”班子评定等次并形成集体鉴定意见，登记以下培养对象的年度评议：\n" + _names(group),
                    remind_on=start, due_date=end, link=duties.roster_url("appraisal", township=township_id) if link else "",
                )


VISIT_FIELDS = (
    "pk", "due_date", "candidate_id", "candidate__name", "candidate__village_id", "candidate__village__name",
    "candidate__village__parent__name", "appointment__appointed_on", "appointment__post",
)
POSTS = dict(codes.VILLAGE_POSTS)


def _visits(qs):
    return qs.order_by("due_date", "pk").values(*VISIT_FIELDS)


def _where(v) -> str:
    return f"{v['candidate__village__parent__name']}{v['candidate__village__name']}"


@register
class FollowUpDueKind(ReminderKind):
    key = "followup_due"
    label = "首年度回访即将到期"
    description = "任用满一年的首年度回访考察到期前 N 天，提醒乡镇组织委员。"
    target_model = "reserves.FollowUpVisit"
    default_lead_days = 30

    def due(self, *, today, until, setting):
        lead = setting.lead_days
        visits = FollowUpVisit.objects.pending().filter(due_date__gte=today, due_date__lte=until + timedelta(days=lead))
        for v in _visits(visits):
            name, post = v["candidate__name"], POSTS.get(v["appointment__post"], v["appointment__post"])
            yield Due(
                target_id=v["pk"], region_id=v["candidate__village_id"], period=v["due_date"].isoformat(),
                title=f"{name}（{_where(v)}）首年度回访应于 {v['due_date']:%Y-%m-%d} 前完成",
                body=f"{name}于 {v['appointment__appointed_on']:%Y-%m-%d} 任{post}，"
                     f"首年度回访考察应于 {v['due_date']:%Y-%m-%d} 前完成并登记结果。",
                remind_on=v["due_date"] - timedelta(days=lead), due_date=v["due_date"],
                link=_url("reserves:detail", v["candidate_id"]),
            )


@register
class FollowUpOverdueKind(ReminderKind):
    key = "followup_overdue"
    label = "首年度回访已逾期"
    description = "首年度回访考察逾期未完成时，提醒乡镇组织委员并报县委组织部。"
    target_model = "reserves.FollowUpVisit"
    uses_lead_days = False
    default_notify_county_staff = True

    def due(self, *, today, until, setting):
        for v in _visits(FollowUpVisit.objects.overdue(as_of=until)):
            name = v["candidate__name"]
            yield Due(
                target_id=v["pk"], region_id=v["candidate__village_id"], period=v["due_date"].isoformat(),
                title=f"逾期：{name}（{_where(v)}）首年度回访未完成",
                body=f"{name}的首年度回访考察应于 {v['due_date']:%Y-%m-%d} 前完成，至今未登记回访结果。"
                     "请乡镇尽快回访，县委组织部督办。",
                remind_on=v["due_date"] + timedelta(days=1), due_date=v["due_date"],
                link=_url("reserves:detail", v["candidate_id"]),
            )


@register
class TrainingGapKind(ReminderKind):
    key = "training_gap"
    label = "未按季度参加集中培训（全县汇总）"
    description = "每季度初，向县委组织部干部汇总各乡镇上一培养季度未参加集中培训的培养对象（每季度至少参加一次集中学习培训）。"
    target_model = "cadre_portal.Region"  # the county
    uses_lead_days = False
    default_notify_township_officers = False
    default_notify_county_staff = True

    def due(self, *, today, until, setting):
        quarter_start, _ = quarter_bounds(today)
        gaps = duties.training_gaps(Candidate.objects.all(), today)
        if not gaps:
            return
        rows = Candidate.objects.filter(pk__in=list(gaps)).values(*TRAINEE_FIELDS)
        by_county: dict[int, list[list[dict]]] = defaultdict(list)
        for group in _by_township(rows).values():
            by_county[group[0]["village__parent__parent_id"]].append(group)
        for county_id, townships in by_county.items():
            total = sum(len(group) for group in townships)
            lines = [
                f"{group[0]['village__parent__name']} {len(group)} 人："
                + _names(group, detail=lambda r: f"第{gaps[r['pk']][0]}季度 {gaps[r['pk']][1]:%Y.%m.%d}—{gaps[r['pk']][2]:%m.%d}")
                for group in townships
            ]
            yield Due(
                target_id=county_id, region_id=county_id, period=quarter_key(today),
                title=f"全县 {total} 名培养对象上一培养季度未参加集中培训",
                body="按每季度至少参加一次集中学习培训的要求，以下培养对象在其培养期的上一个季度没有出勤记录（请假不计）：\n"
                     + "\n".join(lines) + "\n请督促乡镇通知本人参加下一期集中培训。",
                remind_on=quarter_start, link=duties.roster_url("training_gap"),
            )
