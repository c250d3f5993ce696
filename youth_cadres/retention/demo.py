"""Demo retention work (``manage.py load_demo``): bank members and reserve cadres under
care with two years of interviews, demands across the categories followed to closure,
a measure raising the township allowance, people retained and people lost — all
through the workflow, dated in the past. Does nothing when care records exist."""

from __future__ import annotations

import random
from datetime import date, timedelta

from cadre_portal.models import Region, Role, User
from youth_cadres.retention import codes, workflow
from youth_cadres.retention.models import CareRecord, Demand
from youth_cadres.retention.codes import item as category
from youth_cadres.retention.workflow import NewDemand

MOODS = [
    "工作安心，思想稳定，能主动承担急难险重任务。",
    "工作积极，希望多参加业务培训，提升能力。",
    "对岗位比较满意，家庭有一定困难，希望组织关心。",
    "工作压力较大，但能正确对待，表示愿意在基层干下去。",
]
LEAVING_MOODS = [
    "家在市区，长期两地分居，有到县城或市直单位工作的想法。",
    "同学在外地企业收入较高，有离开乡镇发展的想法。",
]
DEMANDS = {
    codes.HOUSING: ["希望解决乡镇周转房，目前租住在集镇。", "申请人才公寓一套。"],
    codes.MARRIAGE: ["年龄偏大尚未成家，希望组织帮助扩大交友范围。"],
    codes.PAY: ["任职满年限，希望按规定晋升职级、调整工资。"],
    codes.ALLOWANCE: ["乡镇工作补贴偏低，希望提高。"],
    "schooling": ["子女明年上小学，希望协调到县城学校就读。"],
    "spouse": ["配偶在外县工作，希望协调调动到本县。"],
    "career": ["希望到县直部门跟班学习或挂职锻炼。"],
}


def load(*, county: Region, rng: random.Random) -> None:
    if CareRecord.objects.exists():
        return
    staff = list(User.objects.filter(role=Role.COUNTY_STAFF, is_active=True).order_by("pk"))
    if not staff:
        return
    by = staff[0]
    today = date.today()
    from reserves.models import Candidate
    from youth_cadres.models import Cadre

    cadres = list(Cadre.objects.filter(bank_entries__status="in_bank").distinct().order_by("pk")[:24])
    candidates = list(Candidate.objects.filter(stage__in=["training", "pool"]).order_by("pk")[:12])
    cares = []
    for person in cadres + candidates:
        entered = today - timedelta(days=rng.randint(450, 800))
        kwargs = {"cadre": person} if isinstance(person, Cadre) else {"candidate": person}
        try:
            cares.append(workflow.enrol(by=by, entered_on=entered, interval_months=rng.choice([3, 6, 6]),
                                        responsible=rng.choice(staff), **kwargs))
        except workflow.WorkflowError:
            continue
    if not cares:
        return
    leaving = set(rng.sample(range(len(cares)), min(8, len(cares))))
    allowance_demands = []
    for i, care in enumerate(cares):
        _interviews(rng, care, staff, today, leaving=i in leaving, allowance_demands=allowance_demands)
    # A measure for the common demand: the township allowance raised from 300 to 500 元 a month.
    effective = today - timedelta(days=200)
    ready = [d for d in allowance_demands if d.raised_on <= effective]
    measure = workflow.create_measure(
        by=by, title="提高乡镇工作补贴标准", category=category(codes.ALLOWANCE), effective_on=effective,
        content="经县委常委会研究，乡镇工作补贴由每人每月300元提高到500元，自实施之日起执行。",
        amount_before=300, amount_after=500, demands=ready,
    )
    workflow.create_measure(
        by=by, title="新建乡镇干部周转房", category=category(codes.HOUSING), effective_on=today - timedelta(days=120),
        content="在各乡镇集镇新建或改造周转房，优先保障外地年轻干部。",
    )
    # Outcomes: most of those who meant to leave stay; two leave.
    lost = 0
    for i in sorted(leaving):
        care = cares[i]
        care.refresh_from_db()
        if not care.ever_meant_to_leave or not care.is_active:
            continue
        on = min(today, (care.last_interview_on or today) + timedelta(days=rng.randint(10, 40)))
        if lost < 2 and rng.random() < 0.3:
            workflow.record_lost(care=care, by=by, on=on, destination=rng.choice(["考录到市直单位", "辞职到外地企业工作"]))
            lost += 1
        else:
            workflow.record_retained(care=care, by=by, on=on, note="解决住房和补贴问题、谈心谈话后表示安心在基层工作。",
                                     measure=measure if rng.random() < 0.5 else None)


def _interviews(rng, care, staff, today, *, leaving: bool, allowance_demands: list) -> None:
    from dateutil.relativedelta import relativedelta

    held = care.entered_on + relativedelta(months=care.interval_months) - timedelta(days=rng.randint(0, 20))
    n = 0
    while held <= today - timedelta(days=5):
        n += 1
        intention = "settled"
        if leaving and n == 1:
            intention = rng.choice(["wants_to_leave", "wants_to_leave", "asked_transfer"])
        items = []
        if n <= 2 and rng.random() < 0.6:
            code = rng.choice(list(DEMANDS))
            items.append(NewDemand(category=category(code), content=rng.choice(DEMANDS[code]), owner=rng.choice(staff),
                                   due_on=held + timedelta(days=rng.choice([30, 60, 90])),
                                   nature="common" if code == codes.ALLOWANCE else "individual"))
        interview = workflow.record_interview(
            care=care, by=staff[0], held_on=held, interviewer=rng.choice(staff), unit_heard=rng.random() < 0.5,
            unit_opinion="单位反映该同志工作认真负责。", state_of_mind=rng.choice(LEAVING_MOODS if intention != "settled" else MOODS),
            intention=intention, demands=items,
        )
        for demand in Demand.objects.filter(interview=interview).select_related("category"):
            _follow_up(rng, demand, staff, today, allowance_demands)
        held = held + relativedelta(months=care.interval_months) + timedelta(days=rng.randint(-10, 10))


def _follow_up(rng, demand, staff, today, allowance_demands) -> None:
    code = demand.category.code
    if code == codes.ALLOWANCE:
        allowance_demands.append(demand)
        return
    noted = demand.raised_on + timedelta(days=rng.randint(3, 15))
    if noted > today or rng.random() < 0.2:
        return  # still 提出 (some past their due date: the workbench shows them)
    workflow.add_action(demand=demand, by=staff[0], on=noted, note="已与相关部门对接，正在协调办理。")
    closed = noted + timedelta(days=rng.randint(5, 40))
    if closed > today or rng.random() < 0.15:
        return  # 办理中
    if rng.random() < 0.1:
        workflow.refuse(demand=demand, by=staff[0], closed_on=closed, reason="不符合现行政策规定，已向本人解释说明。")
        return
    resolution = {
        codes.HOUSING: "已安排乡镇周转房一套。", codes.MARRIAGE: "已纳入县青年联谊活动，对象已确定。",
        codes.PAY: "已按规定晋升职级并调整工资。",
    }.get(code, "已协调解决。")
    pay_rise = rng.choice([300, 450, 600, 800]) if code == codes.PAY else None
    workflow.resolve(demand=demand, by=staff[0], closed_on=closed, resolution=resolution, pay_rise=pay_rise)
