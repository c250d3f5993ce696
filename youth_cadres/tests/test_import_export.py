"""Excel registries of the young-cadre bank: scoped, all-or-nothing imports with Chinese
row errors, bulk writes, and exports of exactly what the list shows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.tests import files
from cadre_portal.testing import make_id_number
from youth_cadres import workflow
from youth_cadres.models import BankEntry, BankTransition, Cadre, Post, TrainingRecord, WorkLogEntry
from youth_cadres.tests.builders import bank_member, make_cadre, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def excel_storage(settings, tmp_path):
    settings.EXCEL_IMPORT_DIR = str(tmp_path / "excel_imports")


def upload(client, key, path):
    with open(path, "rb") as fh:
        return client.post(reverse("excel:import", args=[key]), {"file": fh}, follow=True)


def last_job(user):
    return ImportJob.objects.filter(owner=user).latest("created_at")


def confirm(client, job):
    return client.post(reverse("excel:job_confirm", args=[job.pk]), follow=True)


def import_rows(login, user, key, header, rows, tmp_path):
    client = login(user)
    path = files.write_xlsx(tmp_path / f"{key}.xlsx", [header, *rows], text_columns=(2,))
    upload(client, key, path)
    job = last_job(user)
    return client, job


# --- cadres ---------------------------------------------------------------------------------------------

CADRE_HEADER = ["姓名", "身份证号码", "工作单位", "现任职务", "职务层次", "任现职级时间", "参加工作时间", "标签", "培养类别"]


def test_county_staff_import_cadres_and_the_cohort_column_is_ignored(login, personas, unit_contacts, tmp_path):
    number = make_id_number(date(1993, 4, 5))
    rows = [["周航", number, unit_contacts.unit_b.name, "崇阳县天城镇人民政府副镇长", "乡科级副职", "2022.03", "2015.07", "省选调生", "80后处级、正科满三年"]]
    client, job = import_rows(login, personas.county_staff, "youth_cadres", CADRE_HEADER, rows, tmp_path)
    assert (job.new_rows, job.error_rows) == (1, 0), job.errors
    confirm(client, job)
    cadre = Cadre.objects.with_cohort().get(id_number=number)
    assert (cadre.unit, cadre.post_level, cadre.tag_codes, cadre.birth_date) == (unit_contacts.unit_b, "142", ["selected"], date(1993, 4, 5))
    assert cadre.cohort_key == "potential_90"  # derived, not the file's 80后 label
    assert cadre.history.get().history_user == personas.county_staff


def test_a_unit_outside_the_list_and_a_future_date_are_row_errors_and_nothing_is_written(login, personas, unit_contacts, tmp_path):
    rows = [
        ["甲", make_id_number(date(1990, 1, 1)), unit_contacts.unit_b.name, "", "", "", "2015.07", "", ""],
        ["乙", make_id_number(date(1990, 1, 2)), "不存在的单位", "", "", "", "2015.07", "", ""],
        ["丙", make_id_number(date(1990, 1, 3)), unit_contacts.unit_b.name, "", "", "", f"{date.today().year + 1}.01", "", ""],
    ]
    client, job = import_rows(login, personas.county_staff, "youth_cadres", CADRE_HEADER, rows, tmp_path)
    messages = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "不在您管辖范围内的单位中" in messages[(3, "工作单位")]
    assert "不能晚于今天" in messages[(4, "参加工作时间")]
    confirm(client, job)
    assert not Cadre.objects.exists()


def test_unit_contacts_may_not_import_cadres(login, unit_contacts):
    response = login(unit_contacts.contact_b).get(reverse("excel:import", args=["youth_cadres"]))
    assert response.status_code == 403


# --- bank entries ------------------------------------------------------------------------------------------

BANK_HEADER = ["姓名", "身份证号码", "推荐来源", "推荐日期", "推荐理由", "培养目标岗位"]


def test_bank_rows_become_recommendations_through_the_workflow(login, personas, unit_contacts, tmp_path):
    unit = unit_contacts.unit_b
    post = make_post(unit, "镇长", level="141", headcount=1)
    young = make_cadre(unit, birth=date(1992, 1, 1))
    rows = [[young.name, young.id_number, "组织部推荐", "2026.01.05", "实绩突出", f"{unit.name}·镇长"]]
    client, job = import_rows(login, personas.county_staff, "youth_bank_entries", BANK_HEADER, rows, tmp_path)
    assert (job.new_rows, job.error_rows) == (1, 0), job.errors
    confirm(client, job)
    entry = BankEntry.objects.get()
    assert (entry.status, entry.source, list(entry.target_posts.all())) == ("recommended", "department", [post])
    assert BankTransition.objects.get(entry=entry).action == "import"


def test_bank_rows_are_checked_against_the_cohort_rules_and_the_open_entries(login, personas, unit_contacts, tmp_path):
    unit = unit_contacts.unit_b
    old = make_cadre(unit, birth=date(1975, 1, 1))
    member = make_cadre(unit, birth=date(1992, 2, 2))
    bank_member(member, personas.county_staff, status="recommended")
    rows = [
        [old.name, old.id_number, "单位推荐", "2026.01.05", "", ""],
        [member.name, member.id_number, "单位推荐", "2026.01.05", "", ""],
        ["查无此人", make_id_number(date(1991, 1, 1)), "单位推荐", "2026.01.05", "", ""],
    ]
    client, job = import_rows(login, personas.county_staff, "youth_bank_entries", BANK_HEADER, rows, tmp_path)
    messages = {e["row"]: e["message"] for e in job.errors}
    assert "不符合入库类别" in messages[2]
    assert "不能通过导入修改" in messages[3]
    assert "不在您管辖范围内的干部中" in messages[4]
    confirm(client, job)
    assert BankEntry.objects.count() == 1


def test_importing_recommendations_costs_the_same_queries_for_1_and_50_rows(personas, unit_contacts):
    unit = unit_contacts.unit_b
    post = make_post(unit, "镇长", level="141", headcount=1)

    def run(n, first):
        cadres = [make_cadre(unit, birth=date(1990, 1, 1) + timedelta(days=first + i)) for i in range(n)]
        items = [{"row": i + 2, "cadre_id": c.pk, "source": "unit", "recommended_on": date(2026, 1, 5), "post_ids": (post.pk,)}
                 for i, c in enumerate(cadres)]
        with CaptureQueriesContext(connection) as ctx:
            workflow.import_recommendations(items=items, by=personas.county_staff)
        return len(ctx.captured_queries)

    assert run(50, 100) == run(1, 0)


# --- work log ---------------------------------------------------------------------------------------------------

LOG_HEADER = ["姓名", "身份证号码", "日期", "工作内容", "工作成效"]


def test_a_unit_contact_imports_the_work_log_of_their_own_cadres_only(login, unit_contacts, tmp_path):
    mine = make_cadre(unit_contacts.unit_b, birth=date(1992, 1, 1))
    theirs = make_cadre(unit_contacts.unit_a, birth=date(1992, 1, 2))
    rows = [
        [mine.name, mine.id_number, "2026-01-05", "起草方案", "完成"],
        [theirs.name, theirs.id_number, "2026-01-05", "越权填报", ""],
    ]
    client, job = import_rows(login, unit_contacts.contact_b, "youth_work_log", LOG_HEADER, rows, tmp_path)
    assert [(e["row"], e["message"]) for e in job.errors] == [(3, "该身份证号码不在您管辖范围内的干部中，请核对（干部须先在干部名册中建档）。")]
    confirm(client, job)
    assert not WorkLogEntry.objects.exists()  # all or nothing


def test_a_work_log_date_in_the_future_is_refused_on_import(login, unit_contacts, tmp_path):
    mine = make_cadre(unit_contacts.unit_b, birth=date(1992, 1, 1))
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    client, job = import_rows(login, unit_contacts.contact_b, "youth_work_log", LOG_HEADER, [[mine.name, mine.id_number, tomorrow, "预写", ""]], tmp_path)
    assert job.errors[0]["message"] == "日期不能晚于今天。"


def test_an_imported_work_log_records_who_wrote_it(login, unit_contacts, tmp_path):
    mine = make_cadre(unit_contacts.unit_b, birth=date(1992, 1, 1))
    client, job = import_rows(login, unit_contacts.contact_b, "youth_work_log", LOG_HEADER, [[mine.name, mine.id_number, "2026-01-05", "调研", ""]], tmp_path)
    confirm(client, job)
    assert WorkLogEntry.objects.get().written_by == unit_contacts.contact_b


# --- training records and posts -------------------------------------------------------------------------------------

def test_a_unit_contacts_training_records_are_the_units_line(login, unit_contacts, tmp_path):
    mine = make_cadre(unit_contacts.unit_b, birth=date(1992, 1, 1))
    header = ["姓名", "身份证号码", "培养维度", "开始日期", "培养事项", "责任方"]
    client, job = import_rows(login, unit_contacts.contact_b, "youth_training_records", header,
                              [[mine.name, mine.id_number, "重点任务攻坚", "2026.01.05", "防汛值守", "组织部门"]], tmp_path)
    confirm(client, job)
    assert TrainingRecord.objects.get().line == "unit"


def test_a_post_import_may_not_cut_the_headcount_below_the_holders(login, personas, unit_contacts, tmp_path):
    unit = unit_contacts.unit_b
    post = make_post(unit, "副镇长", headcount=2)
    for i in range(2):
        workflow.add_holder(post=post, cadre=make_cadre(unit, birth=date(1970, 1, 1 + i)), by=personas.county_staff, start=date(2020, 1, 1))
    header = ["单位", "岗位名称", "职务层次", "核定职数"]
    client, job = import_rows(login, personas.county_staff, "youth_posts", header, [[unit.name, "副镇长", "乡科级副职", 1]], tmp_path)
    assert "核定职数不能少于现任人数" in job.errors[0]["message"]
    confirm(client, job)
    assert Post.objects.get(pk=post.pk).headcount == 2


def test_the_bank_export_follows_the_lists_filters(login, personas, unit_contacts):
    from io import BytesIO

    from openpyxl import load_workbook

    unit = unit_contacts.unit_b
    key = bank_member(make_cadre(unit, birth=date(1992, 1, 1), name="重点甲"), personas.county_staff, posts=[make_post(unit, "镇长", level="141")], key_training=True)
    bank_member(make_cadre(unit, birth=date(1992, 1, 2), name="普通乙"), personas.county_staff, status="recommended")
    response = login(personas.county_staff).get(reverse("excel:export", args=["youth_bank_entries"]), {"key_training": "1"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert names == [key.cadre.name]
