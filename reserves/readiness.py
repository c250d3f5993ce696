"""Is each village ready for its next 两委 换届? (seed 常态储备: 分村建立储备库，确保随备随用)

For every village in the user's scope: the active reserves by stage, trainees
behind on hours, the pool, the date of the next 换届 (``ElectionSchedule``: the
township's own date, else the county's, else the last 换届 plus a five-year term)
and the posts expected to fall vacant (``VillageSeatPlan``, entered by the
township; one post when not entered). The verdict weighs the pool against those
posts; people who can still enter the pool before the 换届 (trainees whose cycle
ends by then, people in the end-of-cycle steps) are shown beside it.

All numbers are grouped queries over the user's scoped rows (a fixed handful of
queries whatever the size of the county); the writes (换届 dates, vacancies)
are audited with their before and after values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, DateField, F, Q, Value, When

from cadre_portal import audit
from cadre_portal.figures.periods import term_start
from cadre_portal.models import AuditEvent, Region
from reserves.models import (
    TERM_YEARS,
    VILLAGE_MAX,
    VILLAGE_MIN,
    Candidate,
    ElectionSchedule,
    VillageSeatPlan,
)

S = Candidate.Stage
END_OF_CYCLE = (S.FINAL_INSPECTED, S.COMMITTEE_APPROVED, S.FINAL_FILED)
# Above this many villages in one page the user is asked to pick a township first.
MAX_VILLAGES_SHOWN = 600

VERDICTS = {
    "none": ("无储备人选", "bg-red-lt"),
    "short": ("人选不足", "bg-orange-lt"),
    "ready": ("人选充足", "bg-green-lt"),
    "no_vacancy": ("无空缺岗位", "bg-secondary-lt"),
}
VERDICT_CHOICES = [(k, label) for k, (label, _) in VERDICTS.items()]
SIZE_CHOICES = [("below", f"不足{VILLAGE_MIN}人"), ("within", f"{VILLAGE_MIN}-{VILLAGE_MAX}人"), ("above", f"超过{VILLAGE_MAX}人")]


class ReadinessError(Exception):
    """A refused write; ``str(error)`` is the message for the user."""


def default_vacancies() -> int:
    return int(getattr(settings, "RESERVES_DEFAULT_VACANCIES", 1))


def default_election() -> date:
    """The last 换届 (setting ``TERM_START``) plus one term."""
    return term_start() + relativedelta(years=TERM_YEARS)


@dataclass
class VillageRow:
    village: Region
    township_name: str
    submitted: int = 0
    training: int = 0
    end_of_cycle: int = 0
    pool: int = 0
    behind: int = 0
    next_election: date | None = None
    election_source: str = ""
    vacancies: int = 0
    vacancies_entered: bool = False
    posts: str = ""
    coming: int = 0  # can enter the pool before the 换届
    verdict: str = ""

    @property
    def active(self) -> int:
        return self.submitted + self.training + self.end_of_cycle + self.pool

    @property
    def size(self) -> str:
        return "below" if self.active < VILLAGE_MIN else ("above" if self.active > VILLAGE_MAX else "within")

    @property
    def shortfall(self) -> int:
        return max(0, self.vacancies - self.pool)

    @property
    def verdict_label(self) -> str:
        label = VERDICTS[self.verdict][0]
        return f"{label}（缺{self.shortfall}人）" if self.verdict in ("short", "none") and self.shortfall else label

    @property
    def verdict_class(self) -> str:
        return VERDICTS[self.verdict][1]

    @property
    def verdict_order(self) -> int:
        return list(VERDICTS).index(self.verdict)


@dataclass
class Readiness:
    rows: list[VillageRow]
    too_many: bool = False
    totals: dict = field(default_factory=dict)


def _verdict(pool: int, vacancies: int) -> str:
    if vacancies == 0:
        return "no_vacancy"
    if pool >= vacancies:
        return "ready"
    return "none" if pool == 0 else "short"


def election_dates(townships) -> tuple[dict[int, tuple[date, str]], tuple[date, str]]:
    """Each township's next 换届 date and where it comes from, and the county default."""
    township_ids = [t.pk for t in townships]
    parent_ids = {t.parent_id for t in townships if t.parent_id}
    schedules = {
        s.region_id: s.next_election
        for s in ElectionSchedule.objects.filter(region_id__in=[*township_ids, *parent_ids])
    }
    fallback = (default_election(), "按届期推算")
    result = {}
    for t in townships:
        if t.pk in schedules:
            result[t.pk] = (schedules[t.pk], "乡镇设定")
        elif t.parent_id in schedules:
            result[t.pk] = (schedules[t.parent_id], "县统一设定")
        else:
            result[t.pk] = fallback
    return result, fallback


def _sees_reserves(user) -> bool:
    from cadre_portal.figures import registry

    section = registry.section("reserves")
    return section is not None and section.allows(user)


def villages_for(user, township: Region | None = None):
    qs = Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE)
    if township is not None:
        qs = qs.filter(parent=township)
    return qs


def build(user, *, township: Region | None = None, today: date | None = None) -> Readiness:
    """The readiness table of the user's villages (or one township's)."""
    today = today or date.today()
    if not _sees_reserves(user):
        return Readiness(rows=[])
    villages = villages_for(user, township)
    if villages.count() > MAX_VILLAGES_SHOWN:
        return Readiness(rows=[], too_many=True)
    villages = list(villages.select_related("parent").order_by("path"))
    townships = {v.parent_id: v.parent for v in villages if v.parent_id}
    dates, fallback = election_dates(list(townships.values()))

    people = Candidate.objects.visible_to(user).filter(village__in=[v.pk for v in villages])
    stage_counts: dict[int, dict[str, int]] = {}
    for village_id, stage, n in people.order_by().values("village_id", "stage").annotate(n=Count("pk")).values_list(
        "village_id", "stage", "n"
    ):
        stage_counts.setdefault(village_id, {})[stage] = n
    behind = dict(
        people.filter(stage=S.TRAINING, hours_behind_from__lte=today).order_by()
        .values("village_id").annotate(n=Count("pk")).values_list("village_id", "n")
    )
    # Trainees whose cycle ends by their township's 换届 can still be appraised and admitted.
    election_of_township = Case(
        *[When(village__parent_id=pk, then=Value(d)) for pk, (d, _src) in dates.items()],
        default=Value(fallback[0]), output_field=DateField(),
    )
    coming = dict(
        people.filter(Q(stage__in=END_OF_CYCLE) | Q(stage=S.TRAINING, training_end__isnull=False))
        .annotate(election=election_of_township)
        .filter(Q(stage__in=END_OF_CYCLE) | Q(training_end__lte=F("election")))
        .order_by().values("village_id").annotate(n=Count("pk")).values_list("village_id", "n")
    )
    plans = {p.village_id: p for p in VillageSeatPlan.objects.visible_to(user).filter(village__in=[v.pk for v in villages])}

    rows = []
    for v in villages:
        counts = stage_counts.get(v.pk, {})
        when, source = dates.get(v.parent_id, fallback)
        plan = plans.get(v.pk)
        row = VillageRow(
            village=v, township_name=v.parent.name if v.parent_id else "",
            submitted=counts.get(S.SUBMITTED, 0), training=counts.get(S.TRAINING, 0),
            end_of_cycle=sum(counts.get(s, 0) for s in END_OF_CYCLE), pool=counts.get(S.POOL, 0),
            behind=behind.get(v.pk, 0), next_election=when, election_source=source,
            vacancies=plan.vacancies if plan else default_vacancies(), vacancies_entered=plan is not None,
            posts=plan.posts if plan else "", coming=coming.get(v.pk, 0),
        )
        row.verdict = _verdict(row.pool, row.vacancies)
        rows.append(row)
    totals = {key: sum(getattr(r, key) for r in rows) for key in ("submitted", "training", "end_of_cycle", "pool", "behind", "vacancies", "coming", "active")}
    totals["villages"] = len(rows)
    for key in VERDICTS:
        totals[f"verdict_{key}"] = sum(1 for r in rows if r.verdict == key)
    return Readiness(rows=rows, totals=totals)


# --- writes -------------------------------------------------------------------------------------


def _require(user, roles, message):
    if user is None or not user.is_authenticated or user.is_read_only or user.role not in roles:
        raise ReadinessError(message)


@transaction.atomic
def set_election_dates(*, by, dates: dict[Region, date | None]) -> int:
    """County staff set the next 换届 date of the county and/or townships (None removes a
    township's own date, so the county's applies). Audited with before and after."""
    _require(by, ("county_staff",), "换届时间由县委组织部设置。")
    changes = []
    for region, when in dates.items():
        if region.level not in (Region.Level.COUNTY, Region.Level.TOWNSHIP) or not region.path.startswith(by.region.path):
            raise ReadinessError("只能设置本县及所属乡镇的换届时间。")
        current = ElectionSchedule.objects.select_for_update().filter(region=region).first()
        before = current.next_election if current else None
        if before == when:
            continue
        if when is None:
            current.delete()
        elif current is None:
            ElectionSchedule.objects.create(region=region, next_election=when, updated_by=by)
        else:
            current.next_election, current.updated_by = when, by
            current.save(update_fields=["next_election", "updated_by", "updated_at"])
        changes.append({"region": region.name, "before": before.isoformat() if before else "", "after": when.isoformat() if when else ""})
    if changes:
        audit.record(
            AuditEvent.Kind.OTHER, user=by, summary="设置换届时间：" + "；".join(
                f"{c['region']} {c['before'] or '未设'} → {c['after'] or '按县统一'}" for c in changes
            ), changes=changes,
        )
    return len(changes)


@transaction.atomic
def set_seat_plans(*, by, township: Region, plans: dict[int, tuple[int | None, str]]) -> int:
    """A township's villages' expected vacancies at the next 换届 (village pk -> (count or
    None to clear, posts)). The township officer for their own township, county staff
    for any; every village must be in ``township`` and in the user's scope."""
    _require(by, ("township_officer", "county_staff"), "换届空缺岗位由乡镇组织委员或县委组织部干部填报。")
    villages = {v.pk: v for v in Region.objects.visible_to(by).filter(level=Region.Level.VILLAGE, parent=township)}
    if set(plans) - set(villages):
        raise ReadinessError("所填村（社区）不在该乡镇或不在您的管辖范围内，请刷新页面后重试。")
    existing = {p.village_id: p for p in VillageSeatPlan.objects.select_for_update().filter(village_id__in=list(plans))}
    changes = []
    for pk, (count, posts) in plans.items():
        posts = (posts or "").strip()
        plan = existing.get(pk)
        before = (plan.vacancies, plan.posts) if plan else (None, "")
        after = (count, posts if count is not None else "")
        if before == after:
            continue
        if count is None:
            plan.delete()
        elif plan is None:
            VillageSeatPlan.objects.create(village_id=pk, vacancies=count, posts=posts, updated_by=by)
        else:
            plan.vacancies, plan.posts, plan.updated_by = count, posts, by
            plan.save(update_fields=["vacancies", "posts", "updated_by", "updated_at"])
        changes.append({"village": villages[pk].name, "before": before[0], "after": after[0], "posts": after[1]})
    if changes:
        audit.record(
            AuditEvent.Kind.OTHER, user=by, region=township,
            summary=f"填报{township.name}换届空缺岗位：" + "；".join(
                f"{c['village']} {c['before'] if c['before'] is not None else '未填'} → {c['after'] if c['after'] is not None else '未填'}"
                for c in changes
            ), changes=changes,
        )
    return len(changes)
