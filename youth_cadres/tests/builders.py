"""Builders for the young-cadre tests: cadres, posts and bank entries in a given state.

Bank entries are moved through ``youth_cadres.workflow`` (never by setting the status),
so a builder's result is a state the application itself can reach.
"""

from __future__ import annotations

import itertools
from datetime import date

from cadre_portal.testing import make_id_number
from youth_cadres.models import Cadre, Post

_names = itertools.cycle(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄婷", "周杰", "吴敏", "徐涛", "孙丽"])


def make_cadre(unit, *, birth: date = date(1990, 5, 1), female: bool = False, post_level: str = "142",
               level_since: date | None = date(2020, 1, 1), work_start: date | None = date(2012, 7, 1),
               tags=(), name: str | None = None, **fields) -> Cadre:
    cadre = Cadre(
        name=name or next(_names), id_number=make_id_number(birth, female=female), unit=unit,
        post_level=post_level, level_since=level_since, work_start=work_start,
        current_post=fields.pop("current_post", f"{unit.name}副职"), **fields,
    )
    cadre.set_tags(tags)
    cadre.full_clean()
    cadre.save()
    return cadre


def make_post(unit, title: str = "副局长", *, level: str = "142", headcount: int = 2) -> Post:
    return Post.objects.create(unit=unit, title=title, level=level, headcount=headcount)


def bank_member(cadre, by, *, posts=(), status: str = "in_bank", day: date | None = None, key_training: bool = False):
    """A bank entry for ``cadre`` brought to ``status`` through the workflow."""
    from youth_cadres import workflow
    from youth_cadres.models import BankEntry

    day = day or date.today()
    entry = workflow.recommend(cadre=cadre, by=by, source=BankEntry.Source.DEPARTMENT, recommended_on=day, target_posts=posts)
    if status == "recommended":
        return entry
    workflow.start_inspection(entry=entry, by=by, on=day)
    if status == "inspecting":
        return entry
    workflow.admit(entry=entry, by=by, inspection_opinion="考察合格。", entry_date=day, key_training=key_training)
    entry.refresh_from_db()
    return entry


def full_dossier(cadre, staff, *, records: int = 1, first: int = 0):
    """``records`` of every per-cadre record kind for ``cadre``, a career plan with a
    milestone and a review, a training plan item and an appointment round: every
    object the young-cadre pages can open."""
    from django.core.files.base import ContentFile

    from youth_cadres import models as m

    day = date(2025, 3, 1)
    for i in range(records):
        m.ResumeEntry.objects.create(cadre=cadre, start=date(2008 + i % 10, 9, 1), end=date(2012 + i % 10, 7, 1), text=f"某大学学习{i}")
        m.FamilyMember.objects.create(cadre=cadre, relation="父亲", name=f"家人{i}", birth_date=date(1960, 1, 1), political_status="13")
        m.RewardPunishment.objects.create(cadre=cadre, date=day, kind="reward", text=f"嘉奖{i}")
        m.AnnualAssessment.objects.create(cadre=cadre, year=1970 + first + i, result="1")
        m.TrainingRecord.objects.create(cadre=cadre, dimension="political", line="department", start=day, title=f"培训{i}")
        m.StudyRecord.objects.create(cadre=cadre, date=day, form="self", topic=f"学习{i}")
        m.ConductNote.objects.create(cadre=cadre, date=day, aspect="political", nature="praise", content=f"表现{i}")
        m.WorkLogEntry.objects.create(cadre=cadre, date=day, content=f"工作{i}")
        m.PerformanceCheck.objects.create(cadre=cadre, kind="periodic", checked_on=day, rating="好", comment=f"考查{i}")
        m.SupervisionOpinion.objects.create(cadre=cadre, source="leader", date=day, content=f"意见{i}")
        m.IntegrityCheck.objects.create(cadre=cadre, date=day, method="talk", result="clear")
        attachment = m.DossierAttachment(cadre=cadre, category="work", title=f"材料{i}", original_name=f"材料{i}.pdf", size=4,
                                         content_type="application/pdf")
        attachment.file.save(f"a{i}.pdf", ContentFile(b"%PDF"), save=True)
    plan = m.CareerPlan.objects.create(cadre=cadre, analysis="分析", goal="目标", path="路径", made_on=date(2024, 1, 1),
                                       next_review_due=date(2025, 1, 1), created_by=staff)
    for i in range(records):
        m.CareerMilestone.objects.create(plan=plan, due=date(2026, 1, 1), description=f"节点{i}")
        m.CareerReview.objects.create(plan=plan, reviewed_on=date(2024, 12, 1), summary=f"回顾{i}", next_review_due=date(2025, 12, 1), by=staff)
    training_plan, _ = m.TrainingPlan.objects.get_or_create(cohort="potential_90", year=2026, defaults={"title": "计划"})
    m.TrainingPlanItem.objects.create(plan=training_plan, dimension="political", content="措施", line="department")
    m.AppointmentRound.objects.get_or_create(title="第一批", defaults={"date": day})
    return plan
