"""The workflow: every move's happy path and every refusal, with its message."""

import threading
from datetime import date, timedelta

import pytest
from django.db import close_old_connections, connection

from cadre_portal.models import AuditEvent
from reserves import workflow
from reserves.models import Appointment, Candidate, FinalInspection, FollowUpVisit, PoolEntry, TrainingSession, Transition
from reserves.tests import builders as b
from reserves.workflow import AlreadyHandled, WorkflowError

S = Candidate.Stage
pytestmark = pytest.mark.django_db


# --- nomination ------------------------------------------------------------------------


def test_an_officer_saves_a_nomination_as_a_draft_with_a_transition_row(personas):
    c = b.draft(personas, inspected=False)
    assert c.stage == S.DRAFT
    row = c.transitions.get()
    assert (row.from_stage, row.to_stage, row.action, row.by) == ("", S.DRAFT, "nominate", personas.officer_a)


def test_the_draft_derives_sex_and_birth_date_from_the_id_number(personas):
    c = b.draft(personas, id_number=b.make_id_number(date(1995, 7, 9), female=True))
    assert (c.sex, c.birth_date) == ("2", date(1995, 7, 9))


def test_a_nomination_in_another_township_village_is_refused(personas):
    with pytest.raises(WorkflowError, match="只能为本乡镇"):
        workflow.create_draft(candidate=b.new_candidate(personas.tree.village_b1), by=personas.officer_a)


def test_county_staff_cannot_nominate(personas):
    with pytest.raises(WorkflowError, match="乡镇组织委员"):
        workflow.create_draft(candidate=b.new_candidate(personas.tree.village_a1), by=personas.county_staff)


def test_a_duplicate_active_id_number_elsewhere_in_the_county_is_refused_without_details(personas):
    other = b.training(personas, personas.tree.village_b1)
    with pytest.raises(WorkflowError) as err:
        workflow.create_draft(candidate=b.new_candidate(personas.tree.village_a1, id_number=other.id_number), by=personas.officer_a)
    assert "不能重复推荐" in err.value.message
    assert "沙坪" not in err.value.message and other.name not in err.value.message


def test_an_id_number_of_an_appointed_person_may_be_nominated_again(personas):
    old = b.appointed(personas)
    c = workflow.create_draft(candidate=b.new_candidate(personas.tree.village_a2, id_number=old.id_number), by=personas.officer_a)
    assert c.pk


def test_a_submitted_draft_can_no_longer_be_edited(personas):
    c = b.submitted(personas)
    c.current_occupation = "改了"
    with pytest.raises(AlreadyHandled, match="已不能修改"):
        workflow.save_draft(candidate=c, by=personas.officer_a)


def test_submission_needs_the_township_inspection(personas):
    c = b.draft(personas, inspected=False)
    with pytest.raises(WorkflowError, match="尚未录入乡镇集中考察"):
        workflow.submit_nominations(candidates=[c], by=personas.officer_a, reason="x")


def test_submission_outside_three_to_seven_needs_a_reason(personas):
    c = b.draft(personas)
    with pytest.raises(WorkflowError, match="不在每村 3-7 人的规模内"):
        workflow.submit_nominations(candidates=[c], by=personas.officer_a)


def test_submission_outside_three_to_seven_with_a_reason_keeps_it_for_the_county(personas):
    c = b.draft(personas)
    workflow.submit_nominations(candidates=[c], by=personas.officer_a, reason="本村人口少，暂推荐1人")
    c.refresh_from_db()
    assert (c.stage, c.submission_reason) == (S.SUBMITTED, "本村人口少，暂推荐1人")


def test_three_nominees_of_one_village_go_up_without_a_reason(personas):
    people = [b.draft(personas) for _ in range(3)]
    rows = workflow.submit_nominations(candidates=people, by=personas.officer_a)
    assert len(rows) == 3 and all(r.to_stage == S.SUBMITTED for r in rows)


def test_one_submission_holds_one_village_only(personas):
    people = [b.draft(personas), b.draft(personas, personas.tree.village_a2)]
    with pytest.raises(WorkflowError, match="同一个村"):
        workflow.submit_nominations(candidates=people, by=personas.officer_a, reason="x")


def test_an_officer_cannot_submit_another_townships_nominee(personas):
    c = b.draft(personas, personas.tree.village_b1)
    with pytest.raises(WorkflowError, match="管辖范围"):
        workflow.submit_nominations(candidates=[c], by=personas.officer_a, reason="x")


# --- county review ---------------------------------------------------------------------------


def test_filing_starts_a_two_year_training_cycle_today(personas):
    c = b.submitted(personas)
    row = workflow.file_nomination(candidate=c, by=personas.county_staff)
    c.refresh_from_db()
    assert c.stage == S.TRAINING
    assert (c.training_start, c.training_end) == (date.today(), date.today().replace(year=date.today().year + 2))
    assert (row.from_stage, row.to_stage, row.by) == (S.SUBMITTED, S.TRAINING, personas.county_staff)


def test_every_transition_writes_an_audit_event(personas):
    c = b.submitted(personas)
    workflow.file_nomination(candidate=c, by=personas.county_staff)
    assert AuditEvent.objects.filter(kind="transition", detail__action="file", detail__candidate=c.pk).count() == 1


def test_a_township_officer_cannot_file(personas):
    c = b.submitted(personas)
    with pytest.raises(WorkflowError, match="县委组织部干部办理"):
        workflow.file_nomination(candidate=c, by=personas.officer_a)


def test_leaders_change_nothing(personas):
    c = b.submitted(personas)
    with pytest.raises(WorkflowError, match="只读"):
        workflow.file_nomination(candidate=c, by=personas.leader)
    assert workflow.available_actions(c, personas.leader) == []
    c.refresh_from_db()
    assert c.stage == S.SUBMITTED


def test_filing_a_draft_is_refused_as_the_wrong_stage(personas):
    c = b.draft(personas)
    with pytest.raises(WorkflowError, match="不能办理“审查备案") as err:
        workflow.file_nomination(candidate=c, by=personas.county_staff)
    assert not err.value.already_handled


def test_filing_twice_is_already_handled(personas):
    c = b.submitted(personas)
    workflow.file_nomination(candidate=c, by=personas.county_staff)
    with pytest.raises(AlreadyHandled, match="已由他人办理"):
        workflow.file_nomination(candidate=c, by=personas.county_staff)


def test_returning_needs_a_reason_and_makes_the_nomination_editable_again(personas):
    c = b.submitted(personas)
    with pytest.raises(WorkflowError, match="请填写退回理由"):
        workflow.return_nomination(candidate=c, by=personas.county_staff, reason=" ")
    workflow.return_nomination(candidate=c, by=personas.county_staff, reason="学历信息有误")
    c.refresh_from_db()
    assert c.stage == S.RETURNED and c.is_editable
    c.education = "31"
    workflow.save_draft(candidate=c, by=personas.officer_a)
    workflow.submit_nominations(candidates=[c], by=personas.officer_a, reason="补正后重新提交")
    c.refresh_from_db()
    assert c.stage == S.SUBMITTED
    assert list(c.transitions.values_list("action", flat=True)) == ["nominate", "submit", "return", "submit"]


def test_rejecting_records_the_reason(personas):
    c = b.submitted(personas)
    workflow.reject_nomination(candidate=c, by=personas.county_staff, reason="不符合条件")
    c.refresh_from_db()
    assert c.stage == S.REJECTED and c.transitions.last().opinion == "不符合条件"


# --- training --------------------------------------------------------------------------------


def test_attendance_is_ticked_for_many_trainees_at_once(personas):
    people = [b.training(personas) for _ in range(3)]
    session = TrainingSession.objects.create(date=date.today(), topic="政策法规", hours=8, place="县委党校")
    assert workflow.record_attendance(session=session, candidates=people, by=personas.county_staff) == 3
    assert workflow.record_attendance(session=session, candidates=people, by=personas.county_staff) == 0
    assert Candidate.objects.with_hours().get(pk=people[0].pk).hours_done == 8


def test_attendance_of_a_person_not_in_training_is_refused(personas):
    c = b.draft(personas)
    session = TrainingSession.objects.create(date=date.today(), topic="政策法规", hours=8)
    with pytest.raises(WorkflowError, match="不在培养期"):
        workflow.record_attendance(session=session, candidates=[c], by=personas.county_staff)


def test_attendance_of_a_session_for_a_subset_needs_an_invited_trainee(personas):
    a, other = b.training(personas), b.training(personas)
    session = TrainingSession.objects.create(date=date.today(), topic="专题", hours=4, for_all=False)
    session.trainees.add(a)
    with pytest.raises(WorkflowError, match="指定参训名单"):
        workflow.record_attendance(session=session, candidates=[other], by=personas.county_staff)


def test_an_officer_cannot_tick_another_townships_trainee(personas):
    c = b.training(personas, personas.tree.village_b1)
    session = TrainingSession.objects.create(date=date.today(), topic="专题", hours=4)
    with pytest.raises(WorkflowError, match="管辖范围"):
        workflow.record_attendance(session=session, candidates=[c], by=personas.officer_a)


# --- end of cycle --------------------------------------------------------------------------


def _final(personas, c, **kw):
    return workflow.record_final_inspection(
        candidate=c, by=personas.officer_a, inspected_on=date.today(), summary="好", recommendation="pool", **kw
    )


def test_the_final_inspection_waits_for_the_cycle_hours_and_appraisals(personas):
    c = b.training(personas)
    with pytest.raises(WorkflowError) as err:
        _final(personas, c)
    assert "尚未期满" in err.value.message and "不足 150 学时" in err.value.message and "第一年、第二年" in err.value.message


def test_a_failing_grade_blocks_the_final_inspection(personas):
    c = b.training(personas, start=date.today() - timedelta(days=800))
    b.complete_cycle(personas, c, grades=("合格", "不合格"))
    with pytest.raises(WorkflowError, match="不合格"):
        _final(personas, c)


def test_the_county_can_override_an_unfinished_cycle_and_a_failing_grade_with_a_reason(personas):
    c = b.training(personas)
    b.complete_cycle(personas, c, grades=("合格", "不合格"))
    with pytest.raises(WorkflowError, match="理由"):
        workflow.grant_override(candidate=c, by=personas.county_staff, reason="", cycle=True)
    with pytest.raises(WorkflowError, match="县委组织部干部办理"):
        workflow.grant_override(candidate=c, by=personas.officer_a, reason="x", cycle=True)
    workflow.grant_override(candidate=c, by=personas.county_staff, reason="换届急需", cycle=True, grade=True)
    _final(personas, c)
    c.refresh_from_db()
    assert c.stage == S.FINAL_INSPECTED


def test_the_end_of_cycle_runs_through_committee_and_county_filing(personas):
    c = b.ended_training(personas)
    _final(personas, c)
    with pytest.raises(WorkflowError, match="县委组织部干部办理"):
        workflow.file_final_inspection(candidate=c, by=personas.county_staff.__class__.objects.get(pk=personas.officer_a.pk))
    with pytest.raises(WorkflowError, match="不能办理"):
        workflow.file_final_inspection(candidate=c, by=personas.county_staff)
    workflow.record_committee_decision(candidate=c, by=personas.officer_a, committee_date=date.today(), opinion="同意")
    workflow.file_final_inspection(candidate=c, by=personas.county_staff, opinion="准予备案")
    c.refresh_from_db()
    inspection = FinalInspection.objects.get(candidate=c)
    assert c.stage == S.FINAL_FILED and inspection.committee_opinion == "同意" and inspection.filing_opinion == "准予备案"


def test_the_county_can_send_a_final_inspection_back(personas):
    c = b.ended_training(personas)
    _final(personas, c)
    workflow.return_final_inspection(candidate=c, by=personas.county_staff, reason="考察材料不全")
    c.refresh_from_db()
    assert c.stage == S.TRAINING


# --- pool, appointment, follow-up -----------------------------------------------------------


def test_admission_to_the_pool_records_wishes_direction_and_post(personas):
    c = b.final_filed(personas)
    workflow.admit_to_pool(candidate=c, by=personas.county_staff, direction="村委会主任人选", intended_post="村委会副主任", wishes="希望留村")
    entry = PoolEntry.objects.get(candidate=c)
    assert (entry.direction, entry.intended_post, entry.wishes) == ("村委会主任人选", "村委会副主任", "希望留村")


def test_admission_needs_a_pool_recommendation(personas):
    c = b.final_filed(personas, recommendation="continue")
    with pytest.raises(WorkflowError, match="纳入储备库"):
        workflow.admit_to_pool(candidate=c, by=personas.county_staff, direction="x")


def test_removal_from_the_pool_needs_a_reason(personas):
    c = b.pooled(personas)
    with pytest.raises(WorkflowError, match="移出储备库的理由"):
        workflow.remove_from_pool(candidate=c, by=personas.county_staff, reason="")
    workflow.remove_from_pool(candidate=c, by=personas.county_staff, reason="外出务工")
    c.refresh_from_db()
    assert c.stage == S.REMOVED and c.pool_entry.removal_reason == "外出务工"


def test_appointment_sets_the_follow_up_twelve_months_later(personas):
    c = b.pooled(personas)
    workflow.appoint(candidate=c, by=personas.county_staff, occasion="adjustment", post="村（居）民委员会委员", appointed_on=date(2025, 3, 31))
    visit = FollowUpVisit.objects.get(candidate=c)
    assert visit.due_date == date(2026, 3, 31)
    c.refresh_from_db()
    assert c.stage == S.APPOINTED and Appointment.objects.filter(candidate=c).count() == 1


def test_only_the_pool_can_be_appointed(personas):
    c = b.training(personas)
    with pytest.raises(WorkflowError, match="不能办理“平时调整任用"):
        workflow.appoint(candidate=c, by=personas.county_staff, post="村（社区）党组织委员", appointed_on=date.today())


def test_the_follow_up_is_recorded_once(personas):
    c = b.appointed(personas)
    visit = c.follow_ups.get()
    workflow.record_follow_up(visit=visit, by=personas.county_staff, visited_on=date.today(), result="good", note="群众满意")
    with pytest.raises(AlreadyHandled, match="已由他人录入"):
        workflow.record_follow_up(visit=visit, by=personas.officer_a, visited_on=date.today(), result="good", note="again")
    assert c.transitions.filter(action="follow_up").count() == 1


def test_withdrawal_depends_on_the_role(personas):
    draft, trainee = b.draft(personas), b.training(personas)
    with pytest.raises(WorkflowError, match="不能办理“退出培养"):
        workflow.withdraw(candidate=trainee, by=personas.officer_a, reason="x")
    workflow.withdraw(candidate=draft, by=personas.officer_a, reason="本人放弃")
    workflow.withdraw(candidate=trainee, by=personas.county_staff, reason="外出")
    assert set(Candidate.objects.filter(pk__in=[draft.pk, trainee.pk]).values_list("stage", flat=True)) == {S.REMOVED}


# --- buttons --------------------------------------------------------------------------------


def test_available_actions_follow_role_and_stage(personas):
    c = b.submitted(personas)
    assert [a.key for a in workflow.available_actions(c, personas.officer_a)] == []
    assert [a.key for a in workflow.available_actions(c, personas.county_staff)] == ["file", "return", "reject"]
    assert workflow.available_actions(c, personas.officer_b) == []


def test_unmet_rules_are_listed_with_the_action(personas):
    c = b.training(personas)
    action = next(a for a in workflow.available_actions(c, personas.officer_a) if a.key == "final_inspect")
    assert not action.allowed and any("不足 150 学时" in m for m in action.blockers)


# --- bulk ----------------------------------------------------------------------------------


def test_create_drafts_inserts_in_a_few_queries(personas, django_assert_max_num_queries):
    people = [b.new_candidate(personas.tree.village_a1, id_number=b.make_id_number()) for _ in range(30)]
    with django_assert_max_num_queries(13):  # constant: one more for the villages, none per row
        created = workflow.create_drafts(candidates=people, by=personas.officer_a)
    assert len(created) == 30 and Transition.objects.filter(action="nominate").count() == 30
    assert Candidate.objects.filter(stage=S.DRAFT, name_initials="zw").count() == 30


def test_create_drafts_refuses_an_id_number_open_elsewhere(personas):
    other = b.training(personas, personas.tree.village_b1)
    people = [b.new_candidate(personas.tree.village_a1), b.new_candidate(personas.tree.village_a1, id_number=other.id_number)]
    with pytest.raises(WorkflowError, match="第 2 条"):
        workflow.create_drafts(candidates=people, by=personas.officer_a)
    assert Candidate.objects.count() == 1


def test_import_at_stage_is_recorded_as_an_import(personas):
    people = [b.new_candidate(personas.tree.village_b1)]
    with pytest.raises(WorkflowError, match="县委组织部干部"):
        workflow.import_at_stage(candidates=people, stage=S.POOL, by=personas.officer_b, note="历史数据")
    created = workflow.import_at_stage(candidates=people, stage=S.POOL, by=personas.county_staff, note="2023年台账",
                                       stage_data=[workflow.StageData(direction="村党组织书记人选")])
    row = created[0].transitions.get()
    assert (row.action, row.to_stage, row.opinion) == ("import", S.POOL, "2023年台账")


def test_the_open_stages_match_the_database_constraint():
    constraint = next(c for c in Candidate._meta.constraints if c.name == "candidate_one_open_record_per_id_number")
    assert set(dict(constraint.condition.children)["stage__in"]) == set(Candidate.OPEN_STAGES)


# --- concurrency ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_filings_make_exactly_one_transition(personas):
    c = b.submitted(personas)
    outcomes, barrier = [], threading.Barrier(10)

    def file_it():
        try:
            barrier.wait()
            workflow.file_nomination(candidate=c, by=personas.county_staff)
            outcomes.append("ok")
        except AlreadyHandled:
            outcomes.append("already")
        except Exception as exc:  # noqa: BLE001 - the test reports any other failure
            outcomes.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=file_it) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already"] * 9 + ["ok"], outcomes
    assert Transition.objects.filter(candidate=c, action="file").count() == 1


def test_an_officers_attendance_save_replaces_only_their_own_townships_trainees(personas):
    """The session is county-wide: 天城镇's officer unticking everyone leaves 沙坪镇's attendance alone."""
    mine, theirs = b.training(personas), b.training(personas, personas.tree.village_b1)
    session = TrainingSession.objects.create(date=date.today(), topic="政策法规", hours=8)
    workflow.record_attendance(session=session, candidates=[mine, theirs], by=personas.county_staff)
    workflow.record_attendance(session=session, candidates=[], by=personas.officer_a, replace=True)
    assert set(session.attendances.values_list("candidate", flat=True)) == {theirs.pk}


def test_a_session_outside_the_trainees_cycle_earns_no_hours(personas):
    c = b.training(personas)  # the cycle starts today
    before = TrainingSession.objects.create(date=date.today() - timedelta(days=7), topic="上季度培训", hours=24)
    with pytest.raises(WorkflowError, match="培养期不包含本次培训日期"):
        workflow.record_attendance(session=before, candidates=[c], by=personas.county_staff)


def test_a_follow_up_cannot_be_dated_before_the_appointment(personas):
    c = b.appointed(personas, on=date.today() - timedelta(days=30))
    visit = FollowUpVisit.objects.get(candidate=c)
    with pytest.raises(WorkflowError, match="不能早于任用日期"):
        workflow.record_follow_up(visit=visit, by=personas.county_staff, visited_on=date.today() - timedelta(days=31),
                                  result="good", note="x")


def test_a_draft_is_withdrawn_as_a_nomination_not_as_training(personas):
    c = b.draft(personas)
    labels = {a.key: a.label for a in workflow.available_actions(c, personas.officer_a)}
    assert labels["withdraw"] == "撤销推荐"
