"""继续培养 opens a further training period; 不再作为后备干部 closes the record with its own action."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse

from cadre_portal.testing import make_id_number
from reserves import workflow
from reserves.models import Appraisal, Candidate, FurtherTraining, TrainingSession
from reserves.tests import builders as b
from reserves.workflow import WorkflowError

pytestmark = pytest.mark.django_db
S = Candidate.Stage


def _continued(personas, **kwargs):
    c = b.final_filed(personas, recommendation="continue")
    period = workflow.continue_training(candidate=c, by=personas.county_staff, **kwargs)
    return Candidate.objects.get(pk=c.pk), period


def _continued_a_year_ago(personas):
    """A further period that began a year ago and has just ended."""
    c, period = _continued(personas)
    Candidate.objects.filter(pk=c.pk).update(
        training_start=date.today() - timedelta(days=370), training_end=date.today() - timedelta(days=5)
    )
    return Candidate.objects.get(pk=c.pk), period


def test_continue_training_opens_a_one_year_period_with_its_own_hours_target(personas):
    c, period = _continued(personas)
    assert c.stage == S.TRAINING and c.cycle_number == 2
    assert (c.training_start, c.training_end) == (date.today(), date.today().replace(year=date.today().year + 1))
    assert c.hours_required == 75 and period.hours_required == 75


def test_the_period_before_is_kept_with_its_hours(personas):
    c, period = _continued(personas)
    assert period.previous_hours == Decimal("150") and period.previous_end is not None
    assert "综合考察" in period.inspection_summary


def test_the_hours_ledger_restarts_with_the_further_period(personas):
    c, _period = _continued(personas)
    assert c.hours_attended == 0
    session = TrainingSession.objects.create(date=date.today(), topic="继续培养专题", hours=Decimal("8"))
    workflow.record_attendance(session=session, candidates=[c], by=personas.county_staff)
    c.refresh_from_db()
    assert c.hours_attended == Decimal("8")
    assert not list(workflow.ledger_mismatches(Candidate.objects.filter(pk=c.pk)))


@override_settings(RESERVES_FURTHER_TRAINING_MONTHS=6, RESERVES_FURTHER_TRAINING_HOURS=40)
def test_the_length_and_target_are_settings(personas):
    c, _period = _continued(personas)
    assert c.hours_required == 40
    assert (c.training_end.year * 12 + c.training_end.month) - (c.training_start.year * 12 + c.training_start.month) == 6


def test_the_start_cannot_fall_inside_the_period_before(personas):
    c = b.final_filed(personas, recommendation="continue")
    with pytest.raises(WorkflowError, match="不能早于上一培养期结束日期"):
        workflow.continue_training(candidate=c, by=personas.county_staff, start=c.training_end - timedelta(days=1))


def test_the_further_period_needs_its_own_appraisal_and_hours_before_inspection(personas):
    c, _period = _continued_a_year_ago(personas)
    problems = " ".join(workflow.final_inspection_blockers(c))
    assert "不足 75 学时" in problems and "缺少继续培养期（第1次）第一年的年度评议" in problems


def test_the_further_period_can_be_inspected_again_and_enter_the_pool(personas):
    c, _period = _continued_a_year_ago(personas)
    b.give_hours(personas, c, Decimal("75"), day=date.today() - timedelta(days=30))  # sessions of at most 24 hours
    Appraisal.objects.create(candidate=c, cycle=2, year=1, appraised_on=date.today(), grade=b.grade("合格"), opinion="进步明显。")
    c.refresh_from_db()
    assert workflow.final_inspection_blockers(c) == []
    officer = b.officer_for(personas, c)
    workflow.record_final_inspection(candidate=c, by=officer, inspected_on=date.today(), summary="合格", recommendation="pool")
    workflow.record_committee_decision(candidate=c, by=officer, committee_date=date.today(), opinion="同意")
    workflow.file_final_inspection(candidate=c, by=personas.county_staff)
    workflow.admit_to_pool(candidate=c, by=personas.county_staff, direction="村委会委员人选")
    c.refresh_from_db()
    assert c.stage == S.POOL
    actions = list(c.transitions.values_list("action", flat=True))
    assert actions.count("final_inspect") == 2 and "continue" in actions


def test_an_appraisal_form_entry_belongs_to_the_current_period(personas, login):
    c, _period = _continued(personas)
    grade = b.grade("合格")
    data = {"year": "1", "appraised_on": date.today().isoformat(), "grade": grade.pk, "opinion": "良好"}
    data.update({f"t_{d}_{r}": ("10" if r == 0 else "0") for d in range(5) for r in range(4)}, raters="10")
    response = login(b.officer_for(personas, c)).post(reverse("reserves:record", args=[c.pk, "appraisal"]), data)
    assert response.status_code == 302
    assert Appraisal.objects.filter(candidate=c, cycle=2, year=1).exists()


def test_a_second_year_appraisal_is_refused_in_a_one_year_period(personas, login):
    c, _period = _continued(personas)
    data = {"year": "2", "appraised_on": date.today().isoformat(), "grade": b.grade("合格").pk, "opinion": "良好"}
    data.update({f"t_{d}_{r}": ("10" if r == 0 else "0") for d in range(5) for r in range(4)}, raters="10")
    response = login(b.officer_for(personas, c)).post(reverse("reserves:record", args=[c.pk, "appraisal"]), data)
    assert "只有第一年的年度评议" in response.content.decode()
    assert not Appraisal.objects.filter(candidate=c, cycle=2).exists()


def test_continue_training_needs_that_recommendation(personas):
    c = b.final_filed(personas)  # recommended for the pool
    with pytest.raises(WorkflowError, match="继续培养"):
        workflow.continue_training(candidate=c, by=personas.county_staff)
    assert not FurtherTraining.objects.exists()


def test_continue_training_is_the_countys(personas):
    c = b.final_filed(personas, recommendation="continue")
    with pytest.raises(WorkflowError, match="县委组织部"):
        workflow.continue_training(candidate=c, by=personas.officer_a)


def test_not_continued_ends_with_its_own_action(personas):
    c = b.final_filed(personas, recommendation="not_use")
    workflow.end_reserve(candidate=c, by=personas.county_staff, reason="综合考察不宜继续作为后备干部")
    c.refresh_from_db()
    assert c.stage == S.REMOVED
    assert c.transitions.last().get_action_display() == "不再作为后备干部"


def test_not_continued_needs_a_reason_and_that_recommendation(personas):
    pool = b.final_filed(personas)
    with pytest.raises(WorkflowError, match="不再作为后备干部"):
        workflow.end_reserve(candidate=pool, by=personas.county_staff, reason="x")
    c = b.final_filed(personas, recommendation="not_use", name="李四", id_number=make_id_number(date(1990, 1, 2)))
    with pytest.raises(WorkflowError, match="理由"):
        workflow.end_reserve(candidate=c, by=personas.county_staff, reason=" ")


def test_withdraw_is_no_longer_offered_after_the_filed_inspection(personas):
    c = b.final_filed(personas, recommendation="not_use")
    keys = [a.key for a in workflow.available_actions(c, personas.county_staff)]
    assert "withdraw" not in keys and "end" in keys and "continue" in keys


def test_the_buttons_follow_the_recommendation(personas):
    c = b.final_filed(personas, recommendation="continue")
    allowed = {a.key for a in workflow.available_actions(c, personas.county_staff) if a.allowed}
    assert allowed == {"continue"}


def test_the_person_page_shows_the_further_period(personas, login):
    c, _period = _continued(personas)
    page = login(personas.county_staff).get(reverse("reserves:detail", args=[c.pk])).content.decode()
    assert "继续培养期（第1次）" in page and "/ 75 学时" in page and "继续培养" in page


def test_continue_through_the_page(personas, login):
    c = b.final_filed(personas, recommendation="continue")
    response = login(personas.county_staff).post(reverse("reserves:act", args=[c.pk, "continue"]), {"continue-opinion": "加强锻炼"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.stage == S.TRAINING and c.cycle_number == 2


def test_appraisal_due_reads_the_current_period(personas):
    c, _period = _continued_a_year_ago(personas)
    assert Candidate.objects.appraisal_due().filter(pk=c.pk).exists()
    Appraisal.objects.create(candidate=c, cycle=2, year=1, appraised_on=date.today(), grade=b.grade("合格"), opinion="x")
    assert not Candidate.objects.appraisal_due().filter(pk=c.pk).exists()
