"""No record may sit in a stage without that stage's data: ``check_reserves_integrity`` lists any."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from reserves import workflow
from reserves.models import Candidate, PoolEntry
from reserves.tests import builders as b
from reserves.workflow import WorkflowError

pytestmark = pytest.mark.django_db


def test_the_demo_county_has_no_record_without_its_stages_data(db, capsys):
    from cadre_portal import demo

    demo.load_all()
    assert Candidate.objects.filter(stage__in=["training", "pool", "appointed"]).exists()
    assert list(workflow.integrity_problems()) == []
    call_command("check_reserves_integrity")
    assert "数据完整" in capsys.readouterr().out


def test_a_pool_member_without_a_pool_entry_is_listed(personas, capsys):
    c = b.pooled(personas)
    PoolEntry.objects.filter(candidate=c).delete()  # a broken row, as an old import could have left it
    with pytest.raises(CommandError, match="共 1 处"):
        call_command("check_reserves_integrity")
    assert f"{c.pk} {c.name}" in capsys.readouterr().out and "没有入库记录" in [m for _c, m in workflow.integrity_problems()][0]


def test_a_trainee_without_cycle_dates_is_listed(personas):
    c = b.training(personas)
    Candidate.objects.filter(pk=c.pk).update(training_end=None)
    assert [(x.pk, m) for x, m in workflow.integrity_problems()] == [(c.pk, "处于培养或综合考察阶段，但没有培养起止日期。")]


def test_the_workflow_refuses_a_staged_import_without_the_stages_data(personas):
    people = [b.new_candidate(personas.tree.village_a1)]
    with pytest.raises(WorkflowError, match="第 1 条：导入为“培养中”须填写培养开始日期"):
        workflow.import_at_stage(candidates=people, stage="training", by=personas.county_staff, note="台账")
    with pytest.raises(WorkflowError, match="只能导入为"):
        workflow.import_at_stage(candidates=people, stage="final_filed", by=personas.county_staff, note="台账")
    assert not Candidate.objects.exists()


def test_an_appointed_import_through_the_workflow_is_complete(personas):
    people = [b.new_candidate(personas.tree.village_a1)]
    data = [workflow.StageData(post="村（社区）党组织委员", occasion="adjustment", appointed_on=date(2024, 3, 1))]
    created = workflow.import_at_stage(candidates=people, stage="appointed", by=personas.county_staff, note="台账",
                                       stage_data=data)
    assert created[0].follow_ups.get().due_date == date(2025, 3, 1)
    assert list(workflow.integrity_problems()) == []
