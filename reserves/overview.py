"""The reserves overview (工作总览) for a user and a period, per township.

Every number is taken through the user's scope and, where the figures registry
declares it, from the registry's own rows (``reserves.figures``): stage counts are
the pipeline figure's stages *as of* the period's end (from transition dates), the
period's events (推荐, 备案, 入库, 任用, 进入乡镇领导班子) come from
``reserves.events`` — the definition the flow figures and the list's date filter
share — so each number and the list it links to agree. "Behind on hours" and
"follow-up due" are about today and are shown only for a period ending today.
A fixed number of grouped queries whatever the size of the county.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from cadre_portal.figures import registry
from cadre_portal.figures.periods import Period
from cadre_portal.models import Region
from reserves import duties, events
from reserves.models import VILLAGE_MAX, VILLAGE_MIN, Candidate

S = Candidate.Stage

SHORT_STAGE_LABELS = {
    S.DRAFT: "草稿", S.SUBMITTED: "待审查备案", S.RETURNED: "退回修改", S.REJECTED: "未通过",
    S.TRAINING: "培养中", S.FINAL_INSPECTED: "已综合考察", S.COMMITTEE_APPROVED: "党委已审议",
    S.FINAL_FILED: "考察已备案", S.POOL: "储备库", S.APPOINTED: "已任用", S.REMOVED: "已退出",
}
STAGES = list(S.values)
FLOW_EVENTS = ["nominated", "filed", "admitted", "appointed", "promoted", "recruited"]


@dataclass
class Cell:
    value: int
    url: str = ""


@dataclass
class TownshipRow:
    township: Region
    stages: list[Cell] = field(default_factory=list)
    flows: list[Cell] = field(default_factory=list)
    behind: Cell | None = None
    due: Cell | None = None
    gap: Cell | None = None
    lacking: list[dict] = field(default_factory=list)
    over: list[dict] = field(default_factory=list)
    villages: int = 0


@dataclass
class Overview:
    period: Period
    rows: list[TownshipRow]
    stage_labels: list[str]
    flow_labels: list[str]
    totals: TownshipRow
    current: bool
    village_min: int = VILLAGE_MIN
    village_max: int = VILLAGE_MAX

    @property
    def lacking_total(self) -> int:
        return sum(len(r.lacking) for r in self.rows)

    @property
    def over_total(self) -> int:
        return sum(len(r.over) for r in self.rows)

    @property
    def villages_total(self) -> int:
        return sum(r.villages for r in self.rows)


def _list_url(**params) -> str:
    return reverse("reserves:list") + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


def event_list_url(event_key: str, period: Period, **params) -> str:
    """The roster filtered to the people whose event happened in the period."""
    return _list_url(date_event=event_key, date_from=period.start.isoformat(), date_to=period.end.isoformat(), **params)


def build(user, period: Period) -> Overview:
    """Per township: people by stage as of the period's end, the period's events,
    today's hours-behind and follow-ups due, villages outside 3–7 as of the end."""
    townships = list(Region.objects.visible_to(user).filter(level=Region.Level.TOWNSHIP).order_by("path"))
    current = period.is_current

    pipeline = registry.get("reserves.pipeline")
    by_stage: dict[tuple, int] = {}
    for parent, stage, n in (
        pipeline.rows(user, period).order_by().values("village__parent_id", "stage_then")
        .annotate(n=Count("pk")).values_list("village__parent_id", "stage_then", "n")
    ):
        by_stage[(parent, stage)] = n

    flows = {key: events.get(key).people_by(user, period.start, period.end, "village__parent_id") for key in FLOW_EVENTS}

    behind, due, gap = {}, {}, {}
    if current:
        # Today's duties, by the very querysets of the home panels, rosters and reminders.
        today = period.end

        def per_township(key):
            return dict(
                duties.people(key, user, today=today).order_by().values("village__parent_id").annotate(n=Count("pk"))
                .values_list("village__parent_id", "n")
            )

        behind, due, gap = per_township("behind"), per_township("follow_up"), per_township("training_gap")

    sizes = registry.get("reserves.village_size").rows(user, period)
    outside = list(
        sizes.filter(Q(n__lt=VILLAGE_MIN) | Q(n__gt=VILLAGE_MAX)).order_by("path").values("pk", "name", "parent_id", "n")
    )
    village_numbers = dict(
        Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE).order_by()
        .values("parent_id").annotate(n=Count("pk")).values_list("parent_id", "n")
    )

    rows = []
    for t in townships:
        row = TownshipRow(township=t, villages=village_numbers.get(t.pk, 0))
        for stage in STAGES:
            n = by_stage.get((t.pk, stage), 0)
            row.stages.append(Cell(n, _list_url(township=t.pk, stage=stage) if current and n else ""))
        for key in FLOW_EVENTS:
            n = flows[key].get(t.pk, 0)
            row.flows.append(Cell(n, event_list_url(key, period, township=t.pk) if n else ""))
        if current:
            n = behind.get(t.pk, 0)
            row.behind = Cell(n, duties.roster_url("behind", township=t.pk) if n else "")
            n = due.get(t.pk, 0)
            row.due = Cell(n, duties.roster_url("follow_up", township=t.pk) if n else "")
            n = gap.get(t.pk, 0)
            row.gap = Cell(n, duties.roster_url("training_gap", township=t.pk) if n else "")
        for v in outside:
            if v["parent_id"] == t.pk:
                v["url"] = _list_url(village=v["pk"]) if current else ""
                (row.lacking if v["n"] < VILLAGE_MIN else row.over).append(v)
        rows.append(row)

    totals = TownshipRow(township=None, villages=sum(r.villages for r in rows))
    for i, stage in enumerate(STAGES):
        n = sum(r.stages[i].value for r in rows)
        url = _list_url(stage=stage) if current else pipeline.url(period, [stage])
        totals.stages.append(Cell(n, url if n else ""))
    for i, key in enumerate(FLOW_EVENTS):
        n = sum(r.flows[i].value for r in rows)
        totals.flows.append(Cell(n, event_list_url(key, period) if n else ""))
    if current:
        n = sum(r.behind.value for r in rows)
        totals.behind = Cell(n, duties.roster_url("behind") if n else "")
        n = sum(r.due.value for r in rows)
        totals.due = Cell(n, duties.roster_url("follow_up") if n else "")
        n = sum(r.gap.value for r in rows)
        totals.gap = Cell(n, duties.roster_url("training_gap") if n else "")
    return Overview(
        period=period, rows=rows, totals=totals, current=current,
        stage_labels=[SHORT_STAGE_LABELS[s] for s in STAGES],
        flow_labels=[events.get(k).verb for k in FLOW_EVENTS],
    )
