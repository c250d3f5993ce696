"""Builders for reserve cadres at any stage, through the real workflow."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from cadre_portal.models import RESERVE_GRADE_TABLE, CodeItem
from cadre_portal.testing import make_id_number
from reserves import workflow
from reserves.models import Appraisal, Candidate, FinalInspection, TrainingSession


def new_candidate(village, **fields) -> Candidate:
    values = dict(
        name="张伟", id_number=make_id_number(date(1994, 3, 8)), village=village, education="21",
        nomination_source="2", current_occupation="种植大户",
        criteria={c: {"rating": "好", "note": ""} for c in ["讲政治", "重品行", "测素能", "评表现", "访口碑"]},
    )
    values.update(fields)
    c = Candidate(**values)
    c.set_priority_groups(["1"])
    return c


def draft(personas, village=None, *, inspected=True, **fields) -> Candidate:
    village = village or personas.tree.village_a1
    officer = personas.officer_a if village.parent_id == personas.tree.township_a.pk else personas.officer_b
    c = workflow.create_draft(candidate=new_candidate(village, **fields), by=officer)
    if inspected:
        c = workflow.record_inspection(
            candidate=c, by=officer, inspection_date=date.today(), inspectors="李明、王芳",
            result=Candidate.InspectionResult.RECOMMENDED, opinion="群众公认，同意推荐。",
        )
    return c


def officer_for(personas, candidate):
    return personas.officer_a if candidate.village.parent_id == personas.tree.township_a.pk else personas.officer_b


def submitted(personas, village=None, **fields) -> Candidate:
    c = draft(personas, village, **fields)
    workflow.submit_nominations(candidates=[c], by=officer_for(personas, c), reason="测试：单人提交")
    return Candidate.objects.get(pk=c.pk)


def training(personas, village=None, *, start: date | None = None, **fields) -> Candidate:
    c = submitted(personas, village, **fields)
    workflow.file_nomination(candidate=c, by=personas.county_staff, on=start)
    return Candidate.objects.get(pk=c.pk)


def grade(name: str) -> CodeItem:
    return CodeItem.objects.get(table=RESERVE_GRADE_TABLE, name=name)


def give_hours(personas, c: Candidate, hours, *, day: date) -> None:
    """Credit ``hours`` through sessions of at most a day's 24 hours (the declared range)."""
    left, n = Decimal(hours), 1
    while left > 0:
        chunk = min(left, Decimal(24))
        s = TrainingSession.objects.create(date=day, topic=f"集中学习（第{n}期）", hours=chunk, place="县委党校")
        workflow.record_attendance(session=s, candidates=[c], by=personas.county_staff)
        left, n = left - chunk, n + 1


def complete_cycle(personas, c: Candidate, *, hours=150, grades=("合格", "优秀")) -> Candidate:
    """Give a trainee hours and two appraisals (cycle end still up to the dates)."""
    if hours:
        end = Candidate.objects.values_list("training_end", flat=True).get(pk=c.pk)
        day = min(date.today(), end)  # inside the cycle, where hours count
        give_hours(personas, c, hours, day=day)
    for year, g in enumerate(grades, start=1):
        Appraisal.objects.create(candidate=c, year=year, appraised_on=date.today(), grade=grade(g), opinion="表现良好。")
    return c


def ended_training(personas, village=None, **fields) -> Candidate:
    start = date.today() - timedelta(days=2 * 366)
    c = training(personas, village, start=start, **fields)
    return complete_cycle(personas, c)


def final_filed(personas, village=None, *, recommendation=FinalInspection.Recommendation.POOL, **fields) -> Candidate:
    c = ended_training(personas, village, **fields)
    officer = officer_for(personas, c)
    workflow.record_final_inspection(
        candidate=c, by=officer, inspected_on=date.today(), summary="综合考察优秀。", recommendation=recommendation
    )
    workflow.record_committee_decision(candidate=c, by=officer, committee_date=date.today(), opinion="审议通过。")
    workflow.file_final_inspection(candidate=c, by=personas.county_staff)
    return Candidate.objects.get(pk=c.pk)


def pooled(personas, village=None, **fields) -> Candidate:
    c = final_filed(personas, village, **fields)
    workflow.admit_to_pool(candidate=c, by=personas.county_staff, direction="村党组织书记人选", intended_post="村党组织副书记")
    return Candidate.objects.get(pk=c.pk)


def appointed(personas, village=None, *, on: date | None = None, **fields) -> Candidate:
    c = pooled(personas, village, **fields)
    workflow.appoint(candidate=c, by=personas.county_staff, post="村（社区）党组织委员", appointed_on=on or date.today())
    return Candidate.objects.get(pk=c.pk)
