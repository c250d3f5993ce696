"""The interview and demand registries: a good file goes through the workflow (next-due
date, intention, transition rows); every bad row refuses the whole file with its row and
column named in Chinese (a future date, a date before the care began, an unknown person,
a person outside the importer's scope, a closing without its resolution); a recorded
interview cannot be rewritten; an open demand is moved forward only through the workflow;
only county staff import; the preview reads the people of a file in a fixed number of
queries, however many rows it has."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre_portal.excel import engine
from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.reading import SheetRow, Table
from cadre_portal.excel.resources import get
from cadre_portal.excel.tests import files
from cadre_portal.testing import han_number, make_id_number
from youth_cadres.retention import codes, workflow
from youth_cadres.retention.models import CareTransition, Demand, DemandTransition, Interview
from youth_cadres.retention.tests.builders import demand as make_demand
from youth_cadres.retention.tests.builders import interview as make_interview
from youth_cadres.retention.tests.builders import reserve_care, youth_care

pytestmark = pytest.mark.django_db
TODAY = date.today()
I_HEADER = ["姓名", "身份证号码", "访谈日期", "访谈人", "同时访谈所在单位", "单位意见", "思想和工作动态", "本人意向"]
D_HEADER = ["姓名", "身份证号码", "诉求类别", "诉求性质", "诉求内容", "提出日期", "承办人", "办理期限", "办理状态",
            "办理结果", "办结日期", "增资金额（元/月）"]


def day(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


@pytest.fixture(autouse=True)
def excel_storage(settings, tmp_path):
    settings.EXCEL_IMPORT_DIR = str(tmp_path / "excel_imports")


@pytest.fixture
def youth(personas, unit_contacts):
    return youth_care(personas, unit_contacts.unit_a, name="钱留才", entered_on=TODAY - timedelta(days=300), interval_months=6)


@pytest.fixture
def reserve(personas):
    return reserve_care(personas, personas.tree.village_a1, name="孙后备", entered_on=TODAY - timedelta(days=100))


def _import(login, user, key, header, rows, tmp_path):
    client = login(user)
    path = files.write_xlsx(tmp_path / f"{key}.xlsx", [header, *rows], text_columns=(2,))
    with open(path, "rb") as fh:
        client.post(reverse("excel:import", args=[key]), {"file": fh}, follow=True)
    return client, ImportJob.objects.filter(owner=user, registry=key).order_by("-created_at").first()


def _confirm(client, job):
    client.post(reverse("excel:job_confirm", args=[job.pk]), follow=True)
    job.refresh_from_db()
    return job


def _errors(job) -> set[tuple[int, str]]:
    return {(e["row"], e["column"]) for e in job.errors}


def _message(job, row: int) -> str:
    return "".join(e["message"] for e in job.errors if e["row"] == row)


# --- interviews -------------------------------------------------------------------------------------------


def test_county_staff_import_interviews_through_the_workflow(login, personas, youth, reserve, tmp_path):
    client, job = _import(login, personas.county_staff, "retention_interviews", I_HEADER, [
        ["钱留才", youth.cadre.id_number, day(40), "组织部干部", "否", "", "希望解决住房，否则考虑调离。", "有离开意向"],
        ["孙后备", reserve.candidate.id_number, day(3), "county", "是", "村党组织支持其安心工作。", "工作安心。", "安心工作"],
    ], tmp_path)
    assert (job.new_rows, job.error_rows) == (2, 0), job.errors
    assert not Interview.objects.exists()  # a preview writes nothing
    job = _confirm(client, job)
    assert job.status == "done", job.message
    youth.refresh_from_db()
    reserve.refresh_from_db()
    assert youth.intention == "wants_to_leave" and youth.ever_meant_to_leave
    assert youth.next_due == workflow.next_due_after(TODAY - timedelta(days=40), 6)
    assert reserve.last_interview_on == TODAY - timedelta(days=3)
    heard = Interview.objects.get(care=reserve)
    assert heard.unit_heard and heard.interviewer == personas.county_staff and heard.recorded_by == personas.county_staff
    assert CareTransition.objects.filter(action="interview").count() == 2
    assert Interview.history.filter(history_user=personas.county_staff).count() == 2


def test_bad_interview_rows_refuse_the_whole_file_naming_row_and_column(login, personas, youth, reserve, tmp_path):
    _c, job = _import(login, personas.county_staff, "retention_interviews", I_HEADER, [
        ["钱留才", youth.cadre.id_number, day(10), "组织部干部", "否", "", "工作安心。", "安心工作"],  # good
        ["钱留才", youth.cadre.id_number, (TODAY + timedelta(days=2)).isoformat(), "组织部干部", "否", "", "工作安心。", "安心工作"],
        ["孙后备", reserve.candidate.id_number, day(200), "组织部干部", "否", "", "工作安心。", "安心工作"],
        ["查无此人", make_id_number(date(1985, 1, 1)), day(5), "组织部干部", "否", "", "工作安心。", "安心工作"],
        ["孙后备", reserve.candidate.id_number, day(6), "组织部干部", "是", "", "工作安心。", "安心工作"],
        ["孙后备", reserve.candidate.id_number, day(7), "天城镇组织委员", "否", "", "工作安心。", "安心工作"],
        ["李四", reserve.candidate.id_number, day(8), "组织部干部", "否", "", "工作安心。", "安心工作"],
    ], tmp_path)
    assert job.error_rows == 6
    assert _errors(job) == {(3, "访谈日期"), (4, "访谈日期"), (5, "身份证号码"), (6, "单位意见"), (7, "访谈人"), (8, "姓名")}
    assert "不能晚于今天" in _message(job, 3)
    assert "不能早于纳入关怀日期" in _message(job, 4)
    assert "留才关怀对象中没有这个身份证号码的人员" in _message(job, 5)
    assert "请填写单位意见" in _message(job, 6)
    assert "不是县委组织部在职干部" in _message(job, 7)
    assert "姓名与身份证号码不符" in _message(job, 8)
    assert not Interview.objects.exists()


def test_a_recorded_interview_cannot_be_rewritten_by_import(login, personas, youth, tmp_path):
    make_interview(personas, youth, held_on=TODAY - timedelta(days=10), intention="settled")
    _c, job = _import(login, personas.county_staff, "retention_interviews", I_HEADER, [
        ["钱留才", youth.cadre.id_number, day(10), "组织部干部", "否", "", "工作安心，状态良好。", "已提出调离"],
    ], tmp_path)
    assert _errors(job) == {(2, "本人意向")} and "不能通过导入修改" in _message(job, 2)
    youth.refresh_from_db()
    assert youth.intention == "settled"


def test_the_people_of_a_township_officer_or_a_leader_are_not_importable(login, personas, youth, reserve, tmp_path):
    for user in (personas.officer_a, personas.leader):
        _c, job = _import(login, user, "retention_interviews", I_HEADER, [
            ["孙后备", reserve.candidate.id_number, day(3), "组织部干部", "否", "", "工作安心。", "安心工作"],
        ], tmp_path)
        assert job is None
    assert not Interview.objects.exists()


def _validate(key, user, header, rows):
    resource = get(key)(user=user)
    table = Table(sheet="Sheet1", header_row=1, headers=dict(enumerate(header)),
                  rows=[SheetRow(number=i + 2, cells=dict(zip(header, r))) for i, r in enumerate(rows)])
    return engine.validate(resource, table)


def test_a_person_outside_the_importers_scope_is_an_unknown_person(personas, youth, reserve):
    """The registry's own scope (beneath the role check): for officer_b (沙坪镇) the young cadre
    (county-only) and 天城镇's reserve cadre are not there, in the same words as an unknown number."""
    rows = _validate("retention_interviews", personas.officer_b, I_HEADER, [
        ["钱留才", youth.cadre.id_number, day(3), "组织部干部", "否", "", "工作安心。", "安心工作"],
        ["孙后备", reserve.candidate.id_number, day(3), "组织部干部", "否", "", "工作安心。", "安心工作"],
    ])
    assert [(r.status, r.errors) for r in rows] == [("error", [("身份证号码", "留才关怀对象中没有这个身份证号码的人员，请核对（人员须先在系统中纳入留才关怀）。")])] * 2
    rows = _validate("retention_interviews", personas.officer_a, I_HEADER, [
        ["孙后备", reserve.candidate.id_number, day(3), "组织部干部", "否", "", "工作安心。", "安心工作"],
    ])
    assert rows[0].status == "new"


def test_the_preview_reads_a_files_people_in_a_fixed_number_of_queries(personas, unit_contacts):
    cares = [youth_care(personas, unit_contacts.unit_a, name=f"干部{han_number(i)}", birth=date(1991, 1, 1) + timedelta(days=i),
                        entered_on=TODAY - timedelta(days=300)) for i in range(12)]

    def rows(n):
        return [[c.cadre.name, c.cadre.id_number, day(5), "组织部干部", "否", "", "工作安心。", "安心工作"] for c in cares[:n]]

    counts = []
    for n in (1, 12):
        with CaptureQueriesContext(connection) as ctx:
            result = _validate("retention_interviews", personas.county_staff, I_HEADER, rows(n))
        assert all(r.status == "new" for r in result), [r.errors for r in result]
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


# --- demands ----------------------------------------------------------------------------------------------


def test_county_staff_import_demands_in_every_status(login, personas, youth, reserve, tmp_path):
    client, job = _import(login, personas.county_staff, "retention_demands", D_HEADER, [
        ["钱留才", youth.cadre.id_number, "住房", "个性诉求", "希望解决周转房", day(30), "组织部干部", day(-30), "提出", "", "", ""],
        ["钱留才", youth.cadre.id_number, "薪酬增资", "个性诉求", "希望提高待遇", day(60), "组织部干部", day(10), "已解决",
         "职级晋升", day(5), "350"],
        ["孙后备", reserve.candidate.id_number, "婚恋", "个性诉求", "希望帮助解决婚恋问题", day(20), "组织部干部", day(-10),
         "无法解决", "本人暂无意向", day(2), ""],
        ["孙后备", reserve.candidate.id_number, "工作补贴", "共性诉求", "补贴偏低", day(20), "组织部干部", day(-10), "办理中", "", "", ""],
    ], tmp_path)
    assert (job.new_rows, job.error_rows) == (4, 0), job.errors
    job = _confirm(client, job)
    assert job.status == "done", job.message
    by_content = {d.content: d for d in Demand.objects.all()}
    assert by_content["希望解决周转房"].status == "raised"
    pay = by_content["希望提高待遇"]
    assert (pay.status, pay.pay_rise, pay.closed_on, pay.resolution) == ("resolved", 350, TODAY - timedelta(days=5), "职级晋升")
    assert by_content["希望帮助解决婚恋问题"].status == "unresolvable"
    assert by_content["补贴偏低"].status == "handling" and by_content["补贴偏低"].nature == "common"
    assert list(DemandTransition.objects.filter(demand=pay).values_list("action", flat=True)) == ["raise", "resolve"]


def test_bad_demand_rows_refuse_the_whole_file_naming_row_and_column(login, personas, youth, reserve, tmp_path):
    iid = youth.cadre.id_number
    _c, job = _import(login, personas.county_staff, "retention_demands", D_HEADER, [
        ["钱留才", iid, "住房", "个性诉求", "希望解决周转房", day(30), "组织部干部", day(-30), "提出", "", "", ""],  # good
        ["钱留才", iid, "住房", "个性诉求", "未来的诉求", day(-3), "组织部干部", day(-30), "提出", "", "", ""],
        ["孙后备", reserve.candidate.id_number, "住房", "个性诉求", "关怀之前的诉求", day(150), "组织部干部", day(-30), "提出", "", "", ""],
        ["查无此人", make_id_number(date(1985, 1, 1)), "住房", "个性诉求", "无人", day(5), "组织部干部", day(-30), "提出", "", "", ""],
        ["钱留才", iid, "住房", "个性诉求", "办结无结果", day(30), "组织部干部", day(-30), "已解决", "", day(1), ""],
        ["钱留才", iid, "住房", "个性诉求", "无法解决无原因", day(30), "组织部干部", day(-30), "无法解决", "", day(1), ""],
        ["钱留才", iid, "薪酬增资", "个性诉求", "增资无金额", day(30), "组织部干部", day(-30), "已解决", "已增资", day(1), ""],
        ["钱留才", iid, "住房", "个性诉求", "期限早于提出", day(30), "组织部干部", day(40), "提出", "", "", ""],
        ["钱留才", iid, "住房", "个性诉求", "未办结有结果", day(30), "组织部干部", day(-30), "办理中", "已解决", "", ""],
        ["钱留才", iid, "住房", "个性诉求", "办结日期在未来", day(30), "组织部干部", day(-30), "已解决", "已解决", day(-1), ""],
    ], tmp_path)
    assert _errors(job) == {(3, "提出日期"), (4, "提出日期"), (5, "身份证号码"), (6, "办理结果"), (7, "办理结果"),
                            (8, "增资金额（元/月）"), (9, "办理期限"), (10, "办理结果"), (11, "办结日期")}
    assert "不能晚于今天" in _message(job, 3)
    assert "不能早于纳入关怀日期" in _message(job, 4)
    assert "留才关怀对象中没有这个身份证号码的人员" in _message(job, 5)
    assert "办结诉求时请填写办理结果" in _message(job, 6)
    assert "请填写原因" in _message(job, 7)
    assert "请填写每月增资金额" in _message(job, 8)
    assert "不能早于诉求提出日期" in _message(job, 9)
    assert "不应填写办理结果" in _message(job, 10)
    assert "办结日期不能晚于今天" in _message(job, 11)
    assert not Demand.objects.exists()


def test_an_open_demand_is_closed_by_import_through_the_workflow(login, personas, youth, tmp_path):
    open_one = make_demand(personas, youth, codes.HOUSING, content="希望解决周转房", raised_on=TODAY - timedelta(days=30),
                           due_on=TODAY + timedelta(days=30))
    row = ["钱留才", youth.cadre.id_number, "住房", "个性诉求", "希望解决周转房", day(30), "组织部干部", day(-30)]
    client, job = _import(login, personas.county_staff, "retention_demands", D_HEADER,
                          [[*row, "已解决", "已安排周转房", day(1), ""]], tmp_path)
    assert (job.updated_rows, job.error_rows) == (1, 0), job.errors
    job = _confirm(client, job)
    open_one.refresh_from_db()
    assert (open_one.status, open_one.resolution, open_one.closed_on) == ("resolved", "已安排周转房", TODAY - timedelta(days=1))
    assert DemandTransition.objects.filter(demand=open_one, action="resolve", by=personas.county_staff).count() == 1
    # Once closed, neither its status nor its other cells change by import.
    _c, job = _import(login, personas.county_staff, "retention_demands", D_HEADER,
                      [[*row, "无法解决", "改为无法解决", day(1), ""]], tmp_path)
    assert _errors(job) == {(2, "办理状态")} and "已办结" in _message(job, 2)
    _c, job = _import(login, personas.county_staff, "retention_demands", D_HEADER,
                      [[*row[:6], "组织部干部", day(-60), "已解决", "已安排周转房", day(1), ""]], tmp_path)
    assert _errors(job) == {(2, "办理期限")} and "不能通过导入修改" in _message(job, 2)


def test_the_preview_of_demands_reads_people_and_owners_in_a_fixed_number_of_queries(personas, unit_contacts):
    cares = [youth_care(personas, unit_contacts.unit_a, name=f"干部{han_number(i)}", birth=date(1991, 1, 1) + timedelta(days=i),
                        entered_on=TODAY - timedelta(days=300)) for i in range(12)]

    def rows(n):
        return [[c.cadre.name, c.cadre.id_number, "住房", "个性诉求", "希望解决周转房", day(5), "组织部干部", day(-30),
                 "已解决", "已安排", day(1), ""] for c in cares[:n]]

    counts = []
    for n in (1, 12):
        with CaptureQueriesContext(connection) as ctx:
            result = _validate("retention_demands", personas.county_staff, D_HEADER, rows(n))
        assert all(r.status == "new" for r in result), [r.errors for r in result]
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_demand_template_says_categories_are_given_by_name(personas):
    """Categories are read by name only (the code table's codes are not typed by users)."""
    resource = get("retention_demands")(user=personas.county_staff)
    column = next(c for c in resource.import_columns() if c.header == "诉求类别")
    text = column.describe(resource.ctx)
    assert text.startswith("填类别名称：住房") and "代码" not in text
