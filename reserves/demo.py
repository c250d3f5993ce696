"""Demo reserve cadres for the demo county, carried through the real workflow.

Townships that have a township officer get people at every stage, nominated,
inspected and submitted by that officer and decided by county staff; the
other townships get records the county imported at their stage (as a county
would load its existing ledger). Persons are fictional; ID numbers are valid
by construction and belong to nobody.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cadre_portal import idcard
from cadre_portal.models import RESERVE_GRADE_TABLE, CodeItem, Region, Role, User
from reserves import workflow
from reserves.models import (
    Appraisal,
    SelectionStandard,
    Candidate,
    FinalInspection,
    Mentor,
    PartyDevelopment,
    Placement,
    Promotion,
    TrainingSession,
    Transition,
)

Action = Transition.Action

SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_M = ["伟", "强", "军", "磊", "洋", "勇", "杰", "涛", "超", "明", "浩", "鹏", "俊", "斌", "宇", "志远", "建华", "海波", "晓东", "文斌", "国栋", "振华", "子豪", "思源", "永胜", "德明", "家乐", "俊杰", "宏伟", "天佑"]
GIVEN_F = ["芳", "娜", "敏", "静", "丽", "燕", "霞", "婷", "玲", "琳", "雪", "慧", "颖", "倩", "晓燕", "春梅", "丽娟", "海燕", "雨欣", "思琪", "佳怡", "梦瑶", "文静", "秀英", "欣怡"]
OCCUPATIONS = ["种植大户", "养殖户", "返乡创业青年", "村级后备文书", "个体工商户", "电商从业者", "合作社理事", "退役军人", "乡村医生", "村小教师", "外出务工返乡人员", "茶叶加工厂负责人", "楠竹加工户", "网格员"]
EDUCATION = [("21", 30), ("31", 35), ("37", 15), ("35", 12), ("11", 3), ("38", 5)]
POLITICAL = [("01", 40), ("02", 10), ("03", 25), ("13", 25)]
TOPICS = [
    "习近平新时代中国特色社会主义思想专题学习",
    "村（社区）工作重要政策法规",
    "村（社区）业务工作指导：村级财务与“三资”管理",
    "基层党建与党员发展工作实务",
    "乡村振兴与特色产业发展（竹、茶、药）",
    "矛盾纠纷排查调处与基层治理",
    "《村（社区）干部必学必备知识读本》导读",
    "优秀村党组织书记经验交流",
]
LEAVE_REASONS = ["本人生病住院", "外出务工", "家中有事", "参加镇防汛值守"]
_SUBJECTS = {
    TOPICS[0]: TrainingSession.Subject.THOUGHT, TOPICS[1]: TrainingSession.Subject.POLICY,
    TOPICS[2]: TrainingSession.Subject.GUIDANCE, TOPICS[5]: TrainingSession.Subject.GUIDANCE,
}
TEACHERS = ["县委党校 王老师", "天城镇茅井村党支部书记", "咸宁市优秀村支书 李书记", "县委组织部 组织科", "县农业农村局 专家", "赤壁市优秀社区书记"]


class _Timeline:
    """When each decision really happened. The workflow stamps its transition rows
    with the moment it runs; the demo runs years of business in seconds, so it notes
    the business date of every call and backdates the rows at the end."""

    def __init__(self):
        self.plan: dict[tuple[int, str], list[datetime]] = defaultdict(list)

    def on(self, candidate, action: str, day: date, hour: int = 10) -> None:
        minute = (candidate.pk * 7) % 60
        self.plan[(candidate.pk, action)].append(timezone.make_aware(datetime.combine(day, time(hour, minute))))

    def apply(self) -> None:
        rows = list(Transition.objects.filter(candidate_id__in={pk for pk, _ in self.plan}).order_by("pk"))
        changed = []
        for row in rows:
            planned = self.plan.get((row.candidate_id, row.action))
            if planned:
                row.at = planned.pop(0)
                changed.append(row)
        Transition.objects.bulk_update(changed, ["at"], batch_size=500)


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class _People:
    """Fictional persons with valid, unique ID numbers for region 421223."""

    def __init__(self, rng: random.Random, today: date):
        self.rng, self.today, self.used = rng, today, set()

    def make(self, village: Region) -> Candidate:
        rng = self.rng
        female = rng.random() < 0.35
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_F if female else GIVEN_M)
        while True:
            birth = self.today - timedelta(days=rng.randint(22 * 365 + 30, 40 * 365 - 30))
            seq = rng.randrange(0, 499) * 2 + (0 if female else 1)
            number = idcard.make("421223", birth, seq)
            if number not in self.used:
                self.used.add(number)
                break
        c = Candidate(
            name=name, id_number=number, village=village,
            education=_weighted(rng, EDUCATION), political_status=_weighted(rng, POLITICAL),
            phone=f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}", native_place="湖北崇阳",
            nomination_source=rng.choice(["1", "2", "3", "3"]), current_occupation=rng.choice(OCCUPATIONS),
            criteria={
                crit: {"rating": _weighted(rng, [("好", 60), ("较好", 35), ("一般", 5)]), "note": ""}
                for crit in ["讲政治", "重品行", "测素能", "评表现", "访口碑"]
            },
        )
        groups = rng.sample(["1", "2", "3", "4", "5", "6", "9"], k=rng.choice([1, 1, 1, 2]))
        c.set_priority_groups(groups)
        return c


def load(*, county: Region, rng: random.Random) -> None:
    """Fill the county with reserve cadres at every stage; does nothing if any exist."""
    if Candidate.objects.exists():
        return
    staff = User.objects.filter(role=Role.COUNTY_STAFF, is_active=True).order_by("pk").first()
    if staff is None:
        return
    today = date.today()
    people = _People(rng, today)
    officers = {u.region_id: u for u in User.objects.filter(role=Role.TOWNSHIP_OFFICER, is_active=True, region__isnull=False)}
    townships = list(Region.objects.filter(parent=county, level=Region.Level.TOWNSHIP).order_by("path"))
    villages = {t.pk: list(Region.objects.filter(parent=t, level=Region.Level.VILLAGE).order_by("path")) for t in townships}
    grades = {g.name: g for g in CodeItem.objects.filter(table=RESERVE_GRADE_TABLE)}

    SelectionStandard.objects.get_or_create(
        version="2022-1",
        defaults=dict(
            published_on=today - timedelta(days=1500), title="村（社区）后备干部选拔标准", published_by=staff,
            text="一、讲政治：坚决拥护党的领导，政治立场坚定。\n二、重品行：遵纪守法，品行端正，群众公认。\n"
                 "三、测素能：具备带领群众发展的能力。\n四、评表现：在本职岗位上表现突出。\n五、访口碑：走访群众，口碑良好。",
        ),
    )
    timeline = _Timeline()
    trainees: list[Candidate] = []
    for township in townships:
        officer = officers.get(township.pk)
        if officer is not None:
            trainees += _township_through_workflow(rng, people, officer, staff, villages[township.pk], today, timeline)
        else:
            trainees += _township_imported(rng, people, staff, villages[township.pk], today, timeline)

    _training_calendar(rng, staff, today)
    _attendance(rng, staff, trainees)
    _records(rng, trainees, grades, today)
    _end_of_cycle(rng, officers, staff, trainees, today, timeline)
    timeline.apply()


# Days before today on which a village's batch was filed: from fresh trainees to people
# whose cycle ended over a year ago (pool, appointment, first-year follow-up).
FILING_AGO = [60, 200, 380, 520, 650, 745, 760, 790, 900, 1020, 1100, 1150, 1180, 1200, 1230]


def _township_through_workflow(rng, people, officer, staff, villages, today, timeline) -> list[Candidate]:
    trainees = []
    for i, village in enumerate(villages):
        # Most villages within 3–7, some short, a few over.
        n_filed = rng.choice([3, 3, 4, 4, 5, 5, 6, 2, 1, 0, 8])
        # One batch per village: nominated, inspected, submitted, then filed by the county.
        start = today - timedelta(days=rng.choice(FILING_AGO))
        nominated, inspected, submitted = start - timedelta(days=45), start - timedelta(days=25), start - timedelta(days=15)
        batch = [workflow.create_draft(candidate=people.make(village), by=officer) for _ in range(n_filed)]
        for c in batch:
            timeline.on(c, Action.NOMINATE, nominated, 9)
            workflow.record_inspection(
                candidate=c, by=officer, inspection_date=inspected, inspectors=f"{officer.display_name}、镇纪委书记",
                result=Candidate.InspectionResult.RECOMMENDED, opinion="经集中考察、测评，群众认可度高，同意推荐。",
                standard=SelectionStandard.current(inspected),
            )
        if batch:
            reason = "" if 3 <= len(batch) <= 7 else ("本村常住青年较少，暂推荐现有人选。" if len(batch) < 3 else "本村为中心村，优秀青年较多。")
            workflow.submit_nominations(candidates=batch, by=officer, reason=reason)
            for c in batch:
                timeline.on(c, Action.SUBMIT, submitted, 15)
                workflow.file_nomination(candidate=c, by=staff, opinion="符合条件，同意备案。", on=start)
                timeline.on(c, Action.FILE, start, 11)
                trainees.append(Candidate.objects.get(pk=c.pk))
        # Work in progress: a few drafts, a submission awaiting review, a returned one, a rejected one.
        extra = i % 6
        if extra == 0:
            c = workflow.create_draft(candidate=people.make(village), by=officer)
            timeline.on(c, Action.NOMINATE, today - timedelta(days=rng.randint(1, 6)), 9)
        elif extra == 1:
            c = workflow.create_draft(candidate=people.make(village), by=officer)
            timeline.on(c, Action.NOMINATE, today - timedelta(days=10), 9)
            workflow.record_inspection(candidate=c, by=officer, inspection_date=today - timedelta(days=3), inspectors=officer.display_name,
                                       result=Candidate.InspectionResult.RECOMMENDED, opinion="同意推荐。")
            workflow.submit_nominations(candidates=[c], by=officer, reason="" if 3 <= len(batch) + 1 <= 7 else "补充推荐。")
            timeline.on(c, Action.SUBMIT, today - timedelta(days=2), 15)
        elif extra == 2:
            c = workflow.create_draft(candidate=people.make(village), by=officer)
            timeline.on(c, Action.NOMINATE, today - timedelta(days=30), 9)
            workflow.record_inspection(candidate=c, by=officer, inspection_date=today - timedelta(days=20), inspectors=officer.display_name,
                                       result=Candidate.InspectionResult.RECOMMENDED, opinion="同意推荐。")
            workflow.submit_nominations(candidates=[c], by=officer, reason="" if 3 <= len(batch) + 1 <= 7 else "补充推荐。")
            timeline.on(c, Action.SUBMIT, today - timedelta(days=18), 15)
            workflow.return_nomination(candidate=c, by=staff, reason="学历证明材料不全，请补充后重新提交。")
            timeline.on(c, Action.RETURN, today - timedelta(days=12), 10)
        elif extra == 3 and i < 12:
            c = workflow.create_draft(candidate=people.make(village), by=officer)
            timeline.on(c, Action.NOMINATE, today - timedelta(days=50), 9)
            workflow.record_inspection(candidate=c, by=officer, inspection_date=today - timedelta(days=40), inspectors=officer.display_name,
                                       result=Candidate.InspectionResult.RECOMMENDED, opinion="同意推荐。")
            workflow.submit_nominations(candidates=[c], by=officer, reason="补充推荐。")
            timeline.on(c, Action.SUBMIT, today - timedelta(days=38), 15)
            workflow.reject_nomination(candidate=c, by=staff, reason="年龄超过本轮选拔要求。")
            timeline.on(c, Action.REJECT, today - timedelta(days=30), 10)
    return trainees


def _township_imported(rng, people, staff, villages, today, timeline) -> list[Candidate]:
    """The county's existing ledger for townships without a portal officer yet."""
    batch = []
    for village in villages:
        for _ in range(rng.choice([0, 0, 1, 2, 3, 3, 4, 5])):
            c = people.make(village)
            c.training_start = today - timedelta(days=rng.choice([90, 300, 450, 600]))
            c.training_end = c.training_start + relativedelta(years=2)
            batch.append(c)
    if not batch:
        return []
    created = workflow.import_at_stage(candidates=batch, stage=Candidate.Stage.TRAINING, by=staff, note="导入县委组织部后备干部培养台账")
    for c in created:  # entered from the ledger on the day the county filed them
        timeline.on(c, Action.IMPORT, c.training_start, 16)
    return list(Candidate.objects.filter(pk__in=[c.pk for c in created]))


def _training_calendar(rng, staff, today):
    day = today - relativedelta(months=42)  # back to the start of the oldest cycles
    i = 0
    while day <= today:
        topic, teacher = TOPICS[i % len(TOPICS)], rng.choice(TEACHERS)
        TrainingSession.objects.create(
            date=day, topic=topic, hours=Decimal(rng.choice([24, 24, 24, 21])),
            subject=_SUBJECTS.get(topic, TrainingSession.Subject.OTHER), teacher=teacher,
            teacher_kind=TrainingSession.TeacherKind.SECRETARY if "书记" in teacher else (
                TrainingSession.TeacherKind.PARTY_SCHOOL if "党校" in teacher else TrainingSession.TeacherKind.OTHER),
            place="县委党校", created_by=staff,
        )
        day += relativedelta(months=3)
        i += 1


def _attendance(rng, staff, trainees):
    sessions = list(TrainingSession.objects.order_by("date"))
    diligence = {c.pk: rng.choice([1.0, 1.0, 1.0, 1.0, 1.0, 0.85, 0.6]) for c in trainees}
    for s in sessions:
        present = [c for c in trainees if c.training_start <= s.date <= c.training_end and rng.random() < diligence[c.pk]]
        if present:
            workflow.record_attendance(session=s, candidates=present, by=staff)
        absent = [c for c in trainees if c.training_start <= s.date <= c.training_end and c not in present]
        for c in absent[:2]:  # a couple of them asked for leave
            workflow.set_attendance(session=s, candidate=c, by=staff, status="leave", reason=rng.choice(LEAVE_REASONS))
        if present and rng.random() < 0.5:  # someone left early
            workflow.set_attendance(session=s, candidate=present[-1], by=staff, status="partial", hours=s.hours / 2)


def _records(rng, trainees, grades, today):
    mentors, placements, party, appraisals = [], [], [], []
    for c in trainees:
        elapsed = (today - c.training_start).days
        mentors.append(Mentor(candidate=c, mentor_name=rng.choice(SURNAMES) + rng.choice(GIVEN_M), mentor_post=f"{c.village.name}党组织书记",
                              start=c.training_start + timedelta(days=30)))
        if elapsed > 120:
            placements.append(Placement(candidate=c, kind=rng.choice(["shadow", "practice"]), place=f"{c.village.name}村委会",
                                        content=rng.choice(["协助开展人居环境整治", "跟岗村级财务管理", "牵头化解邻里纠纷", "协助发展茶叶合作社"]),
                                        start=c.training_start + timedelta(days=90), end=c.training_start + timedelta(days=270),
                                        outcome="按期完成，群众评价较好。"))
        if c.political_status in ("03", "13") and rng.random() < 0.5:
            party.append(PartyDevelopment(candidate=c, step="applicant", date=c.training_start + timedelta(days=45)))
            if elapsed > 400:
                party.append(PartyDevelopment(candidate=c, step="activist", date=c.training_start + timedelta(days=230)))
        for year in (1, 2):
            if elapsed >= 365 * year - 20:
                name = _weighted(rng, [("优秀", 30), ("合格", 67), ("不合格", 3)])
                appraisals.append(Appraisal(
                    candidate=c, year=year, appraised_on=c.training_start + relativedelta(years=year) - timedelta(days=15),
                    grade=grades[name], opinion="该同志政治立场坚定，工作积极主动，群众基础较好。" if name != "不合格" else "工作主动性不足，群众认可度不高。",
                    tallies={d: {"好": rng.randint(10, 25), "较好": rng.randint(3, 10), "一般": rng.randint(0, 4), "差": rng.randint(0, 1)}
                             for d in ["政治表现", "学习表现", "工作表现", "能力表现", "作风表现"]},
                ))
    Mentor.objects.bulk_create(mentors)
    Placement.objects.bulk_create(placements)
    PartyDevelopment.objects.bulk_create(party)
    Appraisal.objects.bulk_create(appraisals)
    keys = [c.pk for c in trainees if rng.random() < 0.15]
    for c in trainees:
        if c.pk in keys:
            since = min(today, c.training_start + timedelta(days=180))
            Candidate.objects.filter(pk=c.pk).update(key_training_object=True, key_training_since=since)


# Days after the end of the cycle on which each later step happened.
AFTER_END = {"inspect": 15, "committee": 30, "file": 45, "admit": 60, "appoint": 90}


def _end_of_cycle(rng, officers, staff, trainees, today, timeline):
    """Trainees whose cycle ended move on — inspection, committee, filing, pool,
    appointment, follow-up — each step dated after the one before and only as far
    as the time since the end of their cycle allows."""
    ended = [c for c in Candidate.objects.cycle_ended(today).filter(pk__in=[c.pk for c in trainees]).select_related("village")]
    for i, c in enumerate(ended):
        officer = officers.get(c.village.parent_id)
        if officer is None or workflow.final_inspection_blockers(c, today):
            continue
        end = c.training_end

        def day(step, end=end):
            return end + timedelta(days=AFTER_END[step])

        # Appointments come at the next election or adjustment, some weeks to months after admission.
        appointed_on = day("admit") + timedelta(days=rng.randint(AFTER_END["appoint"] - AFTER_END["admit"], 150))
        reachable = sum(1 for step in AFTER_END if day(step) <= today) - (appointed_on > today and day("appoint") <= today)
        if appointed_on + relativedelta(months=12) - timedelta(days=10) <= today:
            reachable += 1  # the first-year follow-up is done too
        # Those whose cycle ended long ago are mostly appointed by now; the rest spread over the steps.
        step = min(rng.choice([4, 5, 5, 6, 6]), reachable) if reachable >= 5 else min(i % 7, reachable)
        if step == 0:
            continue  # waits for the township's inspection
        # A few are recommended for a further year of training (继续培养), which the county opens.
        further = step >= 3 and i % 13 == 6
        workflow.record_final_inspection(
            candidate=c, by=officer, inspected_on=day("inspect"),
            summary="培养期内表现较好，但群众工作经验尚有不足。" if further else "培养期内表现优秀，群众公认，综合考察合格。",
            recommendation="continue" if further else "pool", mass_evaluation="群众满意度 96%", branch_appraisal="村党组织评鉴为优秀",
        )
        timeline.on(c, Action.FINAL_INSPECT, day("inspect"), 16)
        if step == 1:
            continue
        if further:
            workflow.record_committee_decision(candidate=c, by=officer, committee_date=day("committee"), opinion="同意继续培养一年。")
            timeline.on(c, Action.COMMITTEE, day("committee"), 17)
            workflow.file_final_inspection(candidate=c, by=staff, opinion="同意备案。")
            FinalInspection.objects.filter(candidate=c).update(filed_on=day("file"))
            timeline.on(c, Action.FINAL_FILE, day("file"), 10)
            period = workflow.continue_training(candidate=c, by=staff, start=day("file"), opinion="重点加强群众工作锻炼。")
            timeline.on(c, Action.CONTINUE, day("file"), 11)
            for session in TrainingSession.objects.filter(date__range=(period.start, min(period.end, today))):
                workflow.record_attendance(session=session, candidates=[c], by=staff)
            continue
        workflow.record_committee_decision(candidate=c, by=officer, committee_date=day("committee"), opinion="经镇党委会议审议，同意纳入储备库。")
        timeline.on(c, Action.COMMITTEE, day("committee"), 17)
        if step == 2:
            continue
        workflow.file_final_inspection(candidate=c, by=staff, opinion="同意备案。")
        FinalInspection.objects.filter(candidate=c).update(filed_on=day("file"))
        timeline.on(c, Action.FINAL_FILE, day("file"), 10)
        if step == 3:
            continue
        workflow.admit_to_pool(candidate=c, by=staff, direction=rng.choice(["村党组织书记人选", "村委会主任人选", "村“两委”委员人选"]),
                               intended_post=rng.choice(["村（社区）党组织委员", "村（居）民委员会委员", "村（社区）党组织副书记"]),
                               wishes=rng.choice(["希望留在本村发展产业", "希望参加学历提升", "无特别诉求"]), admitted_on=day("admit"))
        timeline.on(c, Action.ADMIT, day("admit"), 11)
        if step == 4:
            continue
        if rng.random() < 0.5:  # at a 换届: nominated as first choice, then elected
            nominated_on = appointed_on - timedelta(days=20)
            workflow.nominate_first_choice(candidate=c, by=staff, post="村（社区）党组织委员", nominated_on=nominated_on,
                                           note="经村党组织提名、乡镇党委审核")
            timeline.on(c, Action.FIRST_CHOICE, nominated_on, 10)
            nomination = workflow.record_election_result(candidate=c, by=staff, elected=True, election_date=appointed_on)
            appointment = nomination.appointment
            timeline.on(c, Action.ELECTION, appointed_on, 16)
        else:
            appointment = workflow.appoint(candidate=c, by=staff, post="村（社区）党组织委员", appointed_on=appointed_on, note="")
            timeline.on(c, Action.APPOINT, appointed_on, 10)
        if step == 6:
            visit = appointment.follow_up
            visited_on = visit.due_date - timedelta(days=10)
            workflow.record_follow_up(visit=visit, by=staff, visited_on=visited_on, result="good", note="履职尽责，群众满意。")
            timeline.on(c, Action.FOLLOW_UP, visited_on, 15)
            promoted_on = min(today, visited_on + timedelta(days=20))
            kind, post, unit = rng.choice([
                (Promotion.Kind.TOWNSHIP_LEADERSHIP, "乡镇党委委员", c.village.parent.name),
                (Promotion.Kind.TOWNSHIP_LEADERSHIP, "乡镇人民政府副镇长", c.village.parent.name),
                (Promotion.Kind.INSTITUTION_EXAM, "乡镇事业单位工作人员", f"{c.village.parent.name}便民服务中心"),
                (Promotion.Kind.CIVIL_SERVICE_EXAM, "乡镇机关公务员", f"{c.village.parent.name}党政办公室"),
                (Promotion.Kind.OTHER, "村党组织书记", c.village.name),
            ])
            Promotion.objects.create(candidate=c, kind=kind, date=promoted_on, post=post, unit=unit)
            Candidate.objects.filter(pk=c.pk).update(wulei_priority=True, wulei_category="1", exam_priority=True)
