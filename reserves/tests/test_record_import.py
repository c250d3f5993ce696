"""Excel import of a reserve cadre's sub-records: mentors, placements, party steps, promotions,
pool entries — scoped, all or nothing, through the workflow where a stage or 政治面貌 moves,
and in bulk (the same queries for fifty rows as for one)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre_portal.excel.tests import files
from cadre_portal.models import AuditEvent
from cadre_portal.testing import han_number, make_id_number
from reserves import workflow
from reserves.models import Candidate, Mentor, PartyDevelopment, PoolEntry, Transition
from reserves.tests import builders
from reserves.tests.test_import_export import confirm, last_job, upload

MENTOR_HEADER = ["姓名", "身份证号码", "导师姓名", "导师职务", "开始日期", "传帮带方式", "传帮带情况"]
PARTY_HEADER = ["姓名", "身份证号码", "发展入党阶段", "日期"]
POOL_HEADER = ["姓名", "身份证号码", "入库日期", "使用方向", "拟任岗位"]


@pytest.fixture(autouse=True)
def excel_storage(settings, tmp_path):
    settings.EXCEL_IMPORT_DIR = str(tmp_path / "excel_imports")


def _mentor_row(c, mentor="刘建国"):
    return [c.name, c.id_number, mentor, "村党组织书记", "2026.03.01", "协助工作、交派任务", "协助申报集体经济项目。"]


def _errors(user) -> dict:
    return {e["row"]: e["message"] for e in last_job(user).errors}


def test_a_township_officer_imports_mentors_for_their_trainees_only(personas, login, tmp_path):
    officer = login(personas.officer_a)
    trainee = builders.training(personas, start=date(2026, 1, 5))
    pooled = builders.pooled(personas, name="赵六", id_number=make_id_number(date(1993, 1, 1)))
    theirs = builders.training(personas, personas.tree.village_b1, name="钱七", id_number=make_id_number(date(1994, 1, 1)))
    path = files.write_xlsx(tmp_path / "m.xlsx", [MENTOR_HEADER, _mentor_row(trainee), _mentor_row(pooled), _mentor_row(theirs)])
    upload(officer, "reserve_mentors", path)
    errors = _errors(personas.officer_a)
    assert errors[3] == Candidate.where("pool") + "，不能登记传帮带导师。"
    assert errors[4] == "该身份证号码不在您管辖范围内的后备干部中，请核对。"
    confirm(officer, last_job(personas.officer_a))
    assert not Mentor.objects.exists()  # a file with errors writes nothing

    upload(officer, "reserve_mentors", files.write_xlsx(tmp_path / "m2.xlsx", [MENTOR_HEADER, _mentor_row(trainee)]))
    confirm(officer, last_job(personas.officer_a))
    mentor = Mentor.objects.get()
    assert (mentor.candidate_id, mentor.mentor_name, mentor.activity_labels) == (trainee.pk, "刘建国", ["协助工作", "交派任务"])
    assert mentor.history.get().history_user == personas.officer_a


def test_a_mentor_evaluation_needs_what_was_done_first(personas, login, tmp_path):
    officer = login(personas.officer_a)
    trainee = builders.training(personas)
    header = ["姓名", "身份证号码", "导师姓名", "导师职务", "开始日期", "导师评价等次"]
    upload(officer, "reserve_mentors", files.write_xlsx(tmp_path / "m.xlsx", [
        header, [trainee.name, trainee.id_number, "刘建国", "村党组织书记", "2026.03.01", "好"]]))
    assert _errors(personas.officer_a)[2] == "导师评价之前，请先填写传帮带方式和传帮带情况。"


def test_party_steps_move_the_political_status_through_the_workflow(personas, login, tmp_path):
    officer = login(personas.officer_a)
    trainee = builders.training(personas)
    today = date.today()
    path = files.write_xlsx(tmp_path / "p.xlsx", [
        PARTY_HEADER,
        [trainee.name, trainee.id_number, "正式党员", f"{today:%Y-%m-%d}"],
        [trainee.name, trainee.id_number, "预备党员", f"{today - timedelta(days=365):%Y-%m-%d}"],
    ])
    upload(officer, "reserve_party_steps", path)
    job = last_job(personas.officer_a)
    assert (job.new_rows, job.error_rows) == (2, 0), job.errors
    confirm(officer, job)
    assert set(PartyDevelopment.objects.filter(candidate=trainee).values_list("step", flat=True)) == {"probationary", "full"}
    assert Candidate.objects.get(pk=trainee.pk).political_status == "01"
    assert AuditEvent.objects.filter(summary__startswith="导入发展入党 2 条，政治面貌随之变更 1 人").exists()


def test_a_full_member_step_without_the_probationary_one_is_refused(personas, login, tmp_path):
    officer = login(personas.officer_a)
    trainee = builders.training(personas)
    upload(officer, "reserve_party_steps", files.write_xlsx(tmp_path / "p.xlsx", [
        PARTY_HEADER, [trainee.name, trainee.id_number, "正式党员", f"{date.today():%Y-%m-%d}"]]))
    assert _errors(personas.officer_a)[2] == "转为正式党员之前，请先登记预备党员。"
    confirm(officer, last_job(personas.officer_a))
    assert not PartyDevelopment.objects.exists()
    assert Candidate.objects.get(pk=trainee.pk).political_status == trainee.political_status


def test_county_staff_admit_filed_people_to_the_pool_by_import(personas, login, tmp_path):
    staff = login(personas.county_staff)
    filed = builders.final_filed(personas)
    trainee = builders.training(personas, name="赵六", id_number=make_id_number(date(1993, 1, 1)))
    row = [filed.name, filed.id_number, f"{date.today():%Y-%m-%d}", "村党组织书记人选", "村党组织副书记"]
    upload(staff, "reserve_pool_entries", files.write_xlsx(tmp_path / "a.xlsx", [
        POOL_HEADER, row, [trainee.name, trainee.id_number, f"{date.today():%Y-%m-%d}", "村委会委员人选", ""]]))
    assert _errors(personas.county_staff)[3] == Candidate.where("training") + "，综合考察备案之后才能纳入储备库。"

    upload(staff, "reserve_pool_entries", files.write_xlsx(tmp_path / "b.xlsx", [POOL_HEADER, row]))
    confirm(staff, last_job(personas.county_staff))
    assert Candidate.objects.get(pk=filed.pk).stage == Candidate.Stage.POOL
    assert PoolEntry.objects.get(candidate=filed).direction == "村党组织书记人选"
    move = Transition.objects.filter(candidate=filed).latest("at")
    assert (move.action, move.from_stage, move.to_stage, move.by) == ("admit", "final_filed", "pool", personas.county_staff)


@pytest.mark.parametrize("key", ["reserve_promotions", "reserve_pool_entries"])
def test_township_officers_cannot_import_the_countys_records(personas, login, key):
    assert login(personas.officer_a).get(reverse("excel:import", args=[key])).status_code == 403


def _confirm_queries(client, user, path) -> int:
    upload(client, "reserve_mentors", path)
    job = last_job(user)
    assert job.error_rows == 0, job.errors
    with CaptureQueriesContext(connection) as ctx:
        confirm(client, job)
    return len(ctx.captured_queries)


def test_fifty_mentor_rows_are_written_with_the_queries_of_one(personas, login, tmp_path):
    """The bulk path: no query per row."""
    officer = login(personas.officer_a)
    people = workflow.import_at_stage(
        # Trainees carry their cycle (an import into training brings it).
        candidates=[builders.new_candidate(personas.tree.village_a1, name=f"孙{han_number(i)}", id_number=make_id_number(),
                                           training_start=date.today() - timedelta(days=30),
                                           training_end=date.today() + timedelta(days=700))
                    for i in range(51)],
        stage=Candidate.Stage.TRAINING, by=personas.county_staff, note="测试名册",
    )
    one = _confirm_queries(officer, personas.officer_a, files.write_xlsx(tmp_path / "1.xlsx", [MENTOR_HEADER, _mentor_row(people[0])]))
    fifty = _confirm_queries(officer, personas.officer_a, files.write_xlsx(
        tmp_path / "50.xlsx", [MENTOR_HEADER, *[_mentor_row(c) for c in people[1:]]]))
    assert Mentor.objects.count() == 51
    assert fifty <= one


@pytest.mark.parametrize("key,user,headers", [
    ("reserve_mentors", "officer_a", ["姓名", "身份证号码", "导师姓名", "导师职务", "开始日期", "结束日期", "传帮带方式", "传帮带情况", "导师评价等次", "导师评价"]),
    ("reserve_placements", "officer_a", ["姓名", "身份证号码", "锻炼方式", "岗位/地点", "工作内容", "开始日期", "结束日期", "完成情况"]),
    ("reserve_party_steps", "officer_a", ["姓名", "身份证号码", "发展入党阶段", "日期", "备注"]),
    ("reserve_promotions", "county_staff", ["姓名", "身份证号码", "使用方式", "日期", "新任职务", "单位", "备注"]),
    ("reserve_pool_entries", "county_staff", ["姓名", "身份证号码", "入库日期", "使用方向", "拟任岗位", "本人基本诉求"]),
])
def test_each_registry_offers_a_template_with_its_chinese_headers(personas, login, key, user, headers):
    import io

    from openpyxl import load_workbook

    response = login(getattr(personas, user)).get(reverse("excel:template", args=[key]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    found = [str(c.value).replace("*", "").replace("（必填）", "").strip() for row in sheet.iter_rows(max_row=3) for c in row if c.value]
    assert [h for h in found if h in headers] == headers


APPOINT_HEADER = ["姓名", "身份证号码", "任用时机", "任用职务", "任用日期"]
VISIT_HEADER = ["姓名", "身份证号码", "任用日期", "回访日期", "回访结果", "回访情况", "调整", "调整后职务", "调整日期"]


def test_county_staff_appoint_pool_members_by_import_and_the_follow_up_falls_due(personas, login, tmp_path):
    from reserves.models import Appointment, FollowUpVisit

    staff = login(personas.county_staff)
    pooled = builders.pooled(personas)
    trainee = builders.training(personas, name="赵六", id_number=make_id_number(date(1993, 1, 1)))
    day = date.today() - timedelta(days=3)
    rows = [[pooled.name, pooled.id_number, "平时调整", "村（社区）党组织委员", f"{day:%Y-%m-%d}"],
            [trainee.name, trainee.id_number, "", "村（社区）党组织委员", f"{day:%Y-%m-%d}"],
            [pooled.name, pooled.id_number, "村（社区）“两委”换届", "村（社区）党组织书记", f"{day - timedelta(days=1):%Y-%m-%d}"]]
    upload(staff, "reserve_appointments", files.write_xlsx(tmp_path / "a.xlsx", [APPOINT_HEADER, *rows]))
    errors = _errors(personas.county_staff)
    assert errors[3] == Candidate.where("training") + "，只有储备库人员可以任用。"
    assert "换届时的任用经第一人选提名推荐和选举产生" in errors[4]
    upload(staff, "reserve_appointments", files.write_xlsx(tmp_path / "b.xlsx", [APPOINT_HEADER, rows[0]]))
    confirm(staff, last_job(personas.county_staff))
    assert Candidate.objects.get(pk=pooled.pk).stage == Candidate.Stage.APPOINTED
    appointment = Appointment.objects.get(candidate=pooled)
    assert (appointment.occasion, appointment.appointed_on) == ("adjustment", day)
    assert FollowUpVisit.objects.get(appointment=appointment).due_date.year == day.year + 1
    assert Transition.objects.filter(candidate=pooled, action="appoint", by=personas.county_staff).exists()


def test_a_township_officer_records_follow_up_results_by_import(personas, login, tmp_path):
    from reserves.models import FollowUpVisit

    officer = login(personas.officer_a)
    start = date.today() - timedelta(days=380)
    appointed = builders.appointed(personas, on=start)
    row = [appointed.name, appointed.id_number, f"{start:%Y-%m-%d}", f"{date.today():%Y-%m-%d}", "胜任", "工作扎实，群众满意。",
           "调整岗位", "村（社区）党组织委员", ""]
    upload(officer, "reserve_follow_ups", files.write_xlsx(tmp_path / "v.xlsx", [VISIT_HEADER, row]))
    assert _errors(personas.officer_a) == {2: "请填写调整日期。"}
    row[6:9] = ["", "", ""]
    upload(officer, "reserve_follow_ups", files.write_xlsx(tmp_path / "v2.xlsx", [VISIT_HEADER, row]))
    job = last_job(personas.officer_a)
    assert (job.updated_rows, job.error_rows) == (1, 0), job.errors
    confirm(officer, job)
    visit = FollowUpVisit.objects.get(candidate=appointed)
    assert (visit.visited_on, visit.result, visit.recorded_by) == (date.today(), "good", personas.officer_a)
    assert Transition.objects.filter(candidate=appointed, action="follow_up").exists()
    upload(officer, "reserve_follow_ups", files.write_xlsx(tmp_path / "v3.xlsx", [VISIT_HEADER, [*row[:4], "基本胜任", *row[5:]]]))
    assert _errors(personas.officer_a)[2] == "该回访已录入，不能通过导入修改；如需更正请联系县委组织部。"
