"""The records kept beside the stage: attendance in full, in part or on leave; 传帮带 with
what was done and the mentor's evaluation; placements; party steps that move 政治面貌;
promotions and recruitments; appraisals checked against their raters and cycle year;
forms that never clear what the user did not clear, audited before and after."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cadre_portal.models import AuditEvent
from cadre_portal.testing import make_id_number
from reserves import workflow
from reserves.models import Attendance, Candidate, Mentor, PartyDevelopment, Placement, Promotion, TrainingSession
from reserves.tests import builders as b
from reserves.workflow import WorkflowError

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(personas):
    return b.training(personas, start=date.today() - timedelta(days=200))


@pytest.fixture
def session(db):
    return TrainingSession.objects.create(date=date.today() - timedelta(days=3), topic="政策法规解读", hours=Decimal(8),
                                          subject=TrainingSession.Subject.POLICY, teacher_kind=TrainingSession.TeacherKind.PARTY_SCHOOL)


def _hours(c):
    return Candidate.objects.values_list("hours_attended", flat=True).get(pk=c.pk)


# --- attendance: partial and leave (item 6) -----------------------------------------------------


def test_partial_attendance_counts_the_hours_actually_attended(personas, trainee, session):
    workflow.set_attendance(session=session, candidate=trainee, by=personas.officer_a, status="partial", hours="3.5")
    assert _hours(trainee) == Decimal("3.5")


def test_a_leave_counts_no_hours_and_keeps_its_reason(personas, trainee, session):
    workflow.record_attendance(session=session, candidates=[trainee], by=personas.county_staff)
    workflow.set_attendance(session=session, candidate=trainee, by=personas.officer_a, status="leave", reason="住院治疗")
    row = Attendance.objects.get()
    assert (row.status, row.hours, row.leave_reason, _hours(trainee)) == ("leave", 0, "住院治疗", 0)


def test_a_leave_without_a_reason_is_refused(personas, trainee, session):
    with pytest.raises(WorkflowError, match="请假事由"):
        workflow.set_attendance(session=session, candidate=trainee, by=personas.officer_a, status="leave", reason=" ")
    assert not Attendance.objects.exists()


def test_partial_hours_must_be_fewer_than_the_sessions(personas, trainee, session):
    with pytest.raises(WorkflowError, match="少于本次培训的 8 学时"):
        workflow.set_attendance(session=session, candidate=trainee, by=personas.officer_a, status="partial", hours="8")


def test_the_ledger_check_agrees_after_partial_and_leave(personas, trainee, session):
    other = TrainingSession.objects.create(date=date.today() - timedelta(days=2), topic="业务指导", hours=Decimal(6))
    workflow.set_attendance(session=session, candidate=trainee, by=personas.officer_a, status="partial", hours="2")
    workflow.set_attendance(session=other, candidate=trainee, by=personas.officer_a, status="leave", reason="外出务工")
    out = StringIO()
    call_command("check_reserves_ledger", stdout=out)
    assert list(workflow.ledger_mismatches()) == [] and _hours(trainee) == Decimal("2")


def test_an_unticked_box_does_not_drop_a_leave(personas, trainee, session):
    workflow.set_attendance(session=session, candidate=trainee, by=personas.officer_a, status="leave", reason="病假")
    workflow.record_attendance(session=session, candidates=[], by=personas.officer_a, replace=True)
    assert Attendance.objects.get().status == "leave"


def test_ticking_someone_on_leave_records_them_present(personas, trainee, session):
    workflow.set_attendance(session=session, candidate=trainee, by=personas.officer_a, status="leave", reason="病假")
    workflow.record_attendance(session=session, candidates=[trainee], by=personas.officer_a, replace=True)
    assert Attendance.objects.values_list("status", "hours").get() == ("present", Decimal("8"))
    assert _hours(trainee) == Decimal("8")


def test_the_attendance_audit_says_before_and_after(personas, trainee, session):
    workflow.record_attendance(session=session, candidates=[trainee], by=personas.county_staff)
    workflow.set_attendance(session=session, candidate=trainee, by=personas.officer_a, status="partial", hours="4")
    event = AuditEvent.objects.filter(detail__session=session.pk).latest("pk")
    assert event.detail["changes"] == {"出勤情况": {"before": "全程参加 8 学时", "after": "部分参加 4 学时"}}


def test_the_person_form_records_a_leave(personas, login, trainee, session):
    url = reverse("reserves:attendance_person", args=[session.pk, trainee.pk])
    response = login(personas.officer_a).post(url, {"status": "leave", "reason": "照顾病人"})
    assert response.status_code == 302
    assert Attendance.objects.get().leave_reason == "照顾病人"


def test_the_person_form_refuses_a_partial_without_hours(personas, login, trainee, session):
    url = reverse("reserves:attendance_person", args=[session.pk, trainee.pk])
    response = login(personas.officer_a).post(url, {"status": "partial"})
    assert response.status_code == 400 and "部分参加时请填写实际参训学时" in response.content.decode()
    assert not Attendance.objects.exists()


def test_another_townships_trainee_has_no_attendance_form(personas, login, session):
    theirs = b.training(personas, personas.tree.village_b1, start=date.today() - timedelta(days=200))
    url = reverse("reserves:attendance_person", args=[session.pk, theirs.pk])
    assert login(personas.officer_a).get(url).status_code == 404


def test_the_session_page_marks_leave_and_partial(personas, login, trainee, session):
    workflow.set_attendance(session=session, candidate=trainee, by=personas.officer_a, status="partial", hours="2")
    page = login(personas.officer_a).get(reverse("reserves:training_detail", args=[session.pk])).content.decode()
    assert 'data-testid="partial"' in page and "部分 2 学时" in page and "培训内容" in page and "政策法规" in page


# --- sessions carry subject and teacher kind (item 5) --------------------------------------------


def test_a_session_needs_its_subject_and_teacher_kind(personas, login):
    data = {"date": date.today().isoformat(), "topic": "集中学习", "hours": "8", "place": "县委党校", "for_all": "on"}
    response = login(personas.county_staff).post(reverse("reserves:training_create"), data)
    assert response.status_code == 200 and not TrainingSession.objects.exists()
    data.update(subject="thought", teacher_kind="secretary")
    assert login(personas.county_staff).post(reverse("reserves:training_create"), data).status_code == 302
    s = TrainingSession.objects.get()
    assert (s.get_subject_display(), s.get_teacher_kind_display()) == ("习近平新时代中国特色社会主义思想", "县内外优秀村（社区）书记")


# --- 传帮带 and placements (item 7) -------------------------------------------------------------


def test_mentoring_records_what_was_done_and_the_evaluation(personas, login, trainee):
    data = {"mentor_name": "王建国", "mentor_post": "茅井村党支部书记", "start": "2026-01-05", "activity_choices": ["assist", "problem"],
            "work_done": "协助开展人居环境整治，牵头化解两起邻里纠纷。", "evaluation_rating": "好", "evaluation": "肯干事、会干事。"}
    response = login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "mentor"]), data)
    assert response.status_code == 302
    m = Mentor.objects.get()
    assert (m.activity_labels, m.get_evaluation_rating_display()) == (["协助工作", "解决问题"], "好")
    page = login(personas.officer_a).get(reverse("reserves:detail", args=[trainee.pk])).content.decode()
    assert "协助工作、解决问题" in page and "导师评价：好" in page


def test_an_evaluation_needs_what_was_done_first(personas, login, trainee):
    data = {"mentor_name": "王建国", "mentor_post": "书记", "start": "2026-01-05", "evaluation_rating": "好"}
    response = login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "mentor"]), data)
    assert "导师评价之前，请先填写传帮带方式和传帮带情况" in response.content.decode()
    assert not Mentor.objects.exists()


def test_placements_are_shadowing_or_practice(personas, login, trainee):
    assert [k for k, _ in Placement.Kind.choices] == ["shadow", "practice"]
    data = {"kind": "practice", "place": "茅井村委会", "content": "牵头茶叶合作社", "start": "2026-03-01"}
    response = login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "placement"]), data)
    assert response.status_code == 302 and Placement.objects.get().get_kind_display() == "实践锻炼"


# --- party steps move 政治面貌 (item 7) -------------------------------------------------------------


def test_becoming_a_probationary_member_updates_the_political_status(personas, trainee):
    workflow.record_party_step(candidate=trainee, by=personas.officer_a, step="probationary", on=date.today() - timedelta(days=60))
    assert Candidate.objects.get(pk=trainee.pk).political_status == "02"
    workflow.record_party_step(candidate=trainee, by=personas.officer_a, step="full", on=date.today())
    assert Candidate.objects.get(pk=trainee.pk).political_status == "01"
    event = AuditEvent.objects.filter(detail__record="party").latest("pk")
    assert event.detail["changes"]["政治面貌"] == {"before": "中共预备党员", "after": "中共党员"}


def test_full_membership_needs_the_probationary_step_first(personas, trainee):
    with pytest.raises(WorkflowError, match="请先登记预备党员"):
        workflow.record_party_step(candidate=trainee, by=personas.officer_a, step="full", on=date.today())
    assert Candidate.objects.get(pk=trainee.pk).political_status == trainee.political_status


def test_party_steps_keep_their_order_in_time(personas, trainee):
    workflow.record_party_step(candidate=trainee, by=personas.officer_a, step="activist", on=date.today() - timedelta(days=10))
    with pytest.raises(WorkflowError, match="之后"):
        workflow.record_party_step(candidate=trainee, by=personas.officer_a, step="development", on=date.today() - timedelta(days=20))


def test_the_party_form_goes_through_the_workflow(personas, login, trainee):
    data = {"step": "probationary", "date": (date.today() - timedelta(days=1)).isoformat(), "note": "支部大会通过"}
    response = login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "party"]), data)
    assert response.status_code == 302
    assert PartyDevelopment.objects.get().step == "probationary"
    assert Candidate.objects.get(pk=trainee.pk).political_status == "02"


def test_another_township_cannot_record_a_party_step(personas, trainee):
    with pytest.raises(WorkflowError, match="管辖范围"):
        workflow.record_party_step(candidate=trainee, by=personas.officer_b, step="applicant", on=date.today())


# --- promotions and recruitments (item 9) ------------------------------------------------------------


def test_a_recruitment_through_the_exam_is_recorded_with_its_date(personas, login):
    c = b.appointed(personas)
    data = {"kind": "civil_service_exam", "date": date.today().isoformat(), "post": "乡镇公务员", "unit": "崇阳县天城镇人民政府"}
    response = login(personas.county_staff).post(reverse("reserves:record", args=[c.pk, "promotion"]), data)
    assert response.status_code == 302
    p = Promotion.objects.get()
    assert (p.get_kind_display(), p.date, p.into_township_leadership) == ("乡镇公务员招录", date.today(), False)


# --- appraisals: raters, tallies and the cycle year (item 15) -------------------------------------------


def _appraisal(raters, tallies, day, year=1):
    data = {"year": year, "appraised_on": day.isoformat(), "raters": raters, "grade": b.grade("合格").pk, "opinion": "表现良好"}
    data.update({f"t_{d}_{r}": tallies[d][r] for d in range(5) for r in range(4)})
    return data


def test_an_appraisal_whose_tallies_disagree_with_its_raters_is_refused(personas, login, trainee):
    tallies = [[10, 3, 2, 0]] * 4 + [[10, 3, 1, 0]]
    response = login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "appraisal"]),
                                              _appraisal(15, tallies, date.today()))
    assert "“作风表现”各等次票数合计 14 票，与参加评议人数 15 人不符" in response.content.decode()
    assert not trainee.appraisals.exists()


def test_an_appraisal_dated_before_its_cycle_year_is_refused(personas, login, trainee):
    tallies = [[10, 3, 2, 0]] * 5
    response = login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "appraisal"]),
                                              _appraisal(15, tallies, trainee.training_start - timedelta(days=1)))
    assert "评议日期应在培养第一年内" in response.content.decode()
    assert not trainee.appraisals.exists()


def test_a_second_year_appraisal_in_the_first_year_is_refused(personas, login, trainee):
    tallies = [[10, 3, 2, 0]] * 5
    response = login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "appraisal"]),
                                              _appraisal(15, tallies, date.today(), year=2))
    assert "评议日期应在培养第二年内" in response.content.decode()


def test_a_plausible_appraisal_is_recorded_with_its_raters(personas, login, trainee):
    tallies = [[10, 3, 2, 0]] * 5
    response = login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "appraisal"]),
                                              _appraisal(15, tallies, date.today()))
    assert response.status_code == 302 and trainee.appraisals.get().raters == 15


# --- forms never clear what the user did not clear (item 14) -----------------------------------------------


def _mark(personas, login, trainee):
    since = (date.today() - timedelta(days=5)).isoformat()
    response = login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "key_mark"]),
                                              {"key_training_object": "True", "key_training_since": since})
    assert response.status_code == 302


def test_an_empty_post_to_the_key_training_form_keeps_the_mark(personas, login, trainee):
    _mark(personas, login, trainee)
    login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "key_mark"]), {})
    c = Candidate.objects.get(pk=trainee.pk)
    assert c.key_training_object and c.key_training_since == date.today() - timedelta(days=5)


def test_the_key_training_form_shows_the_current_mark(personas, login, trainee):
    _mark(personas, login, trainee)
    response = login(personas.officer_a).get(reverse("reserves:record", args=[trainee.pk, "key_mark"]))
    form = response.context["form"]
    assert form["key_training_object"].value() is True
    assert form["key_training_since"].value() == date.today() - timedelta(days=5)
    tag = response.content.decode().split('value="True"')[1].split(">")[0]
    assert "checked" in tag


def test_removing_the_mark_is_a_deliberate_no_and_audited_before_and_after(personas, login, trainee):
    _mark(personas, login, trainee)
    login(personas.officer_a).post(reverse("reserves:record", args=[trainee.pk, "key_mark"]), {"key_training_object": "False"})
    c = Candidate.objects.get(pk=trainee.pk)
    assert not c.key_training_object and c.key_training_since is None
    event = AuditEvent.objects.filter(detail__record="key_mark").latest("pk")
    assert event.detail["changes"]["重点培养对象"] == {"before": "是", "after": "否"}
    assert "重点培养对象 是 → 否" in event.summary


def test_the_marks_form_keeps_unsent_values(personas, login):
    c = b.pooled(personas)
    client = login(personas.county_staff)
    client.post(reverse("reserves:record", args=[c.pk, "marks"]),
                {"wulei_priority": "True", "wulei_category": "1", "exam_priority": "True"})
    client.post(reverse("reserves:record", args=[c.pk, "marks"]), {"exam_priority": "False"})
    c = Candidate.objects.get(pk=c.pk)
    assert (c.wulei_priority, c.wulei_category, c.exam_priority) == (True, "1", False)


# --- the age band on the nomination form (item 15) ------------------------------------------------------


def _years_ago(years, days=1):
    today = date.today()
    return today.replace(year=today.year - years) - timedelta(days=days)


def _nominate(login, personas, birth, **extra):
    from reserves.tests.test_views import _nomination_data

    data = _nomination_data(personas.tree.village_a1, id_number=make_id_number(birth), **extra)
    return login(personas.officer_a).post(reverse("reserves:create"), data)


def test_a_nominee_under_eighteen_is_refused(personas, login):
    response = _nominate(login, personas, _years_ago(16))
    assert "年龄 16 岁，未满 18 周岁，不能推荐为后备干部" in response.content.decode()
    assert not Candidate.objects.exists()


def test_a_nominee_outside_the_usual_band_needs_a_confirmation(personas, login):
    response = _nominate(login, personas, _years_ago(61))
    assert "年龄 61 岁，超出通常 20–45 岁的范围" in response.content.decode()
    assert not Candidate.objects.exists()
    assert _nominate(login, personas, _years_ago(61), age_confirmed="on").status_code == 302
    page = login(personas.officer_a).get(reverse("reserves:detail", args=[Candidate.objects.get().pk])).content.decode()
    assert 'data-testid="age-warning"' in page


def test_the_age_band_is_a_setting(personas, login, settings):
    settings.RESERVES_AGE_USUAL_MAX = 65
    assert _nominate(login, personas, _years_ago(61)).status_code == 302


def test_a_nominee_in_the_usual_band_needs_no_confirmation(personas, login):
    assert _nominate(login, personas, _years_ago(30)).status_code == 302


def test_the_roster_lists_exam_recruitments_by_date(personas, login):
    c = b.pooled(personas)
    b.pooled(personas, name="王二", id_number=make_id_number(date(1991, 2, 2)))
    Promotion.objects.create(candidate=c, date=date.today(), post="乡镇公务员", kind="civil_service_exam")
    day = date.today().isoformat()
    response = login(personas.county_staff).get(reverse("reserves:list"), {"date_event": "recruited", "date_from": day, "date_to": day})
    assert [r.name for r in response.context["listing"].records] == [c.name]


def test_the_overview_counts_exam_recruitments(personas, login):
    c = b.pooled(personas)
    Promotion.objects.create(candidate=c, date=date.today(), post="乡镇公务员", kind="institution_exam")
    o = login(personas.county_staff).get(reverse("reserves:overview")).context["o"]
    column = o.flow_labels.index("事业单位定向招考、乡镇公务员招录")
    assert o.totals.flows[column].value == 1 and "date_event=recruited" in o.totals.flows[column].url
