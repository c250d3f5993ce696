"""Excel import and export of the reserve registries: nominations, attendance, appraisals."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadre_portal import idcard
from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.tests import files
from cadre_portal.excel.tests.conftest import stored_files
from cadre_portal.models import AuditEvent
from cadre_portal.testing import han_number, make_id_number
from reserves import workflow
from reserves.models import Appraisal, Attendance, Candidate, TrainingSession, Transition
from reserves.tests import builders

HEADER = ["姓名", "身份证号码", "出生日期", "民族", "政治面貌", "学历", "所在村（社区）", "推荐方式", "优先选定群体", "现从事职业"]
CYCLE_HEADERS = ["培养开始日期", "培养结束日期"]


@pytest.fixture(autouse=True)
def excel_storage(settings, tmp_path):
    settings.EXCEL_IMPORT_DIR = str(tmp_path / "excel_imports")
    return tmp_path / "excel_imports"


def upload(client, key, path, **extra):
    with open(path, "rb") as fh:
        return client.post(reverse("excel:import", args=[key]), {"file": fh, **extra}, follow=True)


def last_job(user):
    return ImportJob.objects.filter(owner=user).latest("created_at")


def confirm(client, job):
    return client.post(reverse("excel:job_confirm", args=[job.pk]), follow=True)


def person(i, village="茅井村", birth=date(1992, 5, 1)):
    number = make_id_number(birth)
    return [f"张{han_number(i)}", number, f"{birth:%Y.%m}", "汉族", "群众", "大学", village, "群众推荐", "本村致富能手、退役军人", "种植大户"]


@pytest.fixture
def officer(personas, login):
    return login(personas.officer_a)


def test_a_township_officer_imports_an_office_file_as_drafts(personas, officer, tmp_path, excel_storage):
    lower_x = idcard.make("421223", date(1990, 1, 1), 2)
    while not lower_x.endswith("X"):
        lower_x = idcard.make("421223", date(1990, 1, 1), int(lower_x[14:17]) + 2)
    rows = [
        person(1),
        [None] * 10,
        ["\u3000李 四 ", lower_x.lower(), "1990年1月", "01", "13", "21", "大岭村", "1", "4", ""],
        ["王五", make_id_number(date(1991, 3, 2)), date(1991, 3, 2), "汉族", "中共党员", "大学", "421223100201", "支部推荐", "", ""],
        ["合计", "3人", None, None, None, None, None, None, None, None],
    ]
    path = files.write_xlsx(tmp_path / "推荐名单.xlsx", [HEADER, *rows], title="天城镇村（社区）后备干部推荐人选汇总表")
    upload(officer, "reserve_nominations", path)
    job = last_job(personas.officer_a)
    assert (job.new_rows, job.error_rows, job.total_rows) == (3, 0, 3), job.errors
    confirm(officer, job)
    created = Candidate.objects.order_by("pk")
    assert [c.stage for c in created] == ["draft"] * 3
    # Names are stored without spaces (people.clean_name): "\u3000李 四 " is 李四.
    assert created[1].name == "李四" and created[1].id_number == lower_x and created[1].birth_date == date(1990, 1, 1)
    assert created[0].priority_groups == ",1,4,"
    assert created[2].political_status == "01" and created[2].village == personas.tree.village_a1
    assert Transition.objects.filter(action="nominate").count() == 3
    assert stored_files(excel_storage) == []
    event = AuditEvent.objects.filter(kind="import").latest("created_at")
    assert event.detail["created"] == 3 and event.detail["file"] == "推荐名单.xlsx"


def test_an_id_number_mangled_by_excel_is_refused_with_that_message(personas, officer, tmp_path):
    row = person(1)
    row[1] = float(row[1][:15] + "000")
    upload(officer, "reserve_nominations", files.write_xlsx(tmp_path / "n.xlsx", [HEADER, person(2), row]))
    job = last_job(personas.officer_a)
    assert job.errors[0]["row"] == 3 and job.errors[0]["column"] == "身份证号码"
    assert "被 Excel 存成了数字" in job.errors[0]["message"]
    assert confirm(officer, job).status_code == 200
    assert Candidate.objects.count() == 0


def test_every_bad_cell_is_reported_with_row_column_and_message(personas, officer, tmp_path):
    bad_date = person(1)
    bad_date[2] = "1992.13"
    bad_code = person(2)
    bad_code[3] = "火星族"
    wrong_check = person(3)
    wrong_check[1] = wrong_check[1][:17] + ("0" if wrong_check[1][17] != "0" else "1")
    missing = person(4)
    missing[0] = "  "
    upload(officer, "reserve_nominations", files.write_xlsx(tmp_path / "n.xlsx", [HEADER, bad_date, bad_code, wrong_check, missing]))
    errors = {(e["row"], e["column"]): e["message"] for e in last_job(personas.officer_a).errors}
    assert "日期“1992.13”不存在" in errors[(2, "出生日期")]
    assert "“火星族”不是有效的民族" in errors[(3, "民族")]
    assert "校验位不正确" in errors[(4, "身份证号码")]
    assert errors[(5, "姓名")] == "必填项，不能为空。"
    assert Candidate.objects.count() == 0


def test_a_row_in_another_township_is_refused_without_revealing_anything(personas, officer, tmp_path):
    other = builders.draft(personas, personas.tree.village_b1)
    in_b = person(1, village="沙坪村")
    unknown = person(2, village="不存在村")
    theirs = person(3)
    theirs[1], theirs[2] = other.id_number, ""
    upload(officer, "reserve_nominations", files.write_xlsx(tmp_path / "n.xlsx", [HEADER, in_b, unknown, theirs]))
    errors = {e["row"]: e["message"] for e in last_job(personas.officer_a).errors}
    assert errors[2] == "“沙坪村”不在您的管辖范围内或不存在，请从下拉列表中选择。"
    assert errors[3] == "“不存在村”不在您的管辖范围内或不存在，请从下拉列表中选择。"
    assert errors[4] == workflow.DUPLICATE_MESSAGE
    assert "沙坪" not in errors[4] and other.get_stage_display() not in errors[4]
    assert Candidate.objects.count() == 1
    assert Candidate.objects.get().village == personas.tree.village_b1


def test_duplicates_in_the_file_are_reported_per_row(personas, officer, tmp_path):
    first = person(1)
    again = list(first)
    again[0] = "张一"
    upload(officer, "reserve_nominations", files.write_xlsx(tmp_path / "n.xlsx", [HEADER, first, person(2), again]))
    job = last_job(personas.officer_a)
    assert job.errors == [{"row": 4, "column": "身份证号码", "message": "与第 2 行重复（身份证号码相同）。"}]


def test_a_stage_column_and_an_id_column_in_the_file_are_ignored(personas, officer, tmp_path):
    path = files.write_xlsx(tmp_path / "n.xlsx", [["id", *HEADER, "所处阶段"], [99, *person(1), "储备库"]])
    upload(officer, "reserve_nominations", path)
    job = last_job(personas.officer_a)
    assert job.preview["ignored_headers"] == ["id"]
    confirm(officer, job)
    assert Candidate.objects.get().stage == "draft"


def test_drafts_in_scope_are_updated_but_filed_records_are_not(personas, officer, tmp_path):
    mine = builders.draft(personas, inspected=False)
    filed = builders.training(personas)
    row_mine = [mine.name, mine.id_number, "", "汉族", "群众", "研究生", "茅井村", "群众推荐", "本村致富能手", "种植大户"]
    row_filed = [filed.name, filed.id_number, "", "汉族", "群众", "研究生", "茅井村", "", "", ""]
    upload(officer, "reserve_nominations", files.write_xlsx(tmp_path / "n.xlsx", [HEADER, row_mine, row_filed]))
    job = last_job(personas.officer_a)
    assert job.errors == [{"row": 3, "column": "身份证号码", "message": "该人员正在培养期，不能通过导入修改；如需更正请联系县委组织部。"}]
    upload(officer, "reserve_nominations", files.write_xlsx(tmp_path / "n2.xlsx", [HEADER, row_mine]))
    job = last_job(personas.officer_a)
    assert job.updated_rows == 1
    confirm(officer, job)
    assert Candidate.objects.get(pk=mine.pk).education == "11"
    assert Candidate.objects.get(pk=mine.pk).stage == "draft"


def test_county_staff_import_into_a_stated_stage_through_the_workflow(personas, login, tmp_path):
    client = login(personas.county_staff)
    cycle = ["2024-03-01", "2026-03-01"]
    path = files.write_xlsx(tmp_path / "n.xlsx", [HEADER + CYCLE_HEADERS, person(1) + cycle, person(2, village="沙坪村") + cycle])
    page = upload(client, "reserve_nominations", path)
    assert "这个字段是必填项" in page.content.decode() or "必填" in page.content.decode()
    assert not ImportJob.objects.exists()
    upload(client, "reserve_nominations", path, stage="training", note="2024年后备干部名册")
    job = last_job(personas.county_staff)
    confirm(client, job)
    assert set(Candidate.objects.values_list("stage", flat=True)) == {"training"}
    assert set(Transition.objects.values_list("action", "opinion")) == {("import", "2024年后备干部名册")}


def test_a_leader_granted_export_gets_masked_id_numbers_and_still_cannot_import(personas, login):
    from django.contrib.auth.models import Permission

    c = builders.draft(personas)
    personas.leader.user_permissions.add(Permission.objects.get(codename="export_masked", content_type__app_label="excel"))
    client = login(personas.leader)
    assert client.get(reverse("excel:import", args=["reserve_nominations"])).status_code == 403
    assert client.get(reverse("excel:template", args=["reserve_nominations"])).status_code == 403
    assert client.get(reverse("excel:export", args=["users"])).status_code == 403
    response = client.get(reverse("excel:export", args=["reserve_nominations"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.cell(row=2, column=2).value == idcard.mask(c.id_number)
    officer_sheet = load_workbook(io.BytesIO(b"".join(
        login(personas.officer_a).get(reverse("excel:export", args=["reserve_nominations"])).streaming_content
    ))).worksheets[0]
    assert officer_sheet.cell(row=2, column=2).value == c.id_number


@pytest.mark.parametrize("key", ["reserve_nominations", "reserve_attendance", "reserve_appraisals"])
def test_read_only_and_unrelated_roles_get_403(personas, login, key):
    leader, domain = login(personas.leader), login(personas.domain_officer)
    assert leader.post(reverse("excel:import", args=[key])).status_code == 403
    assert leader.get(reverse("excel:export", args=[key])).status_code == 403
    assert domain.get(reverse("excel:import", args=[key])).status_code == 403
    assert domain.get(reverse("excel:export", args=[key])).status_code == 403


def test_nominations_round_trip_without_changes(personas, officer, tmp_path):
    for i in range(3):
        builders.draft(personas, name=f"王{han_number(i)}", id_number=make_id_number(date(1990 + i, 2, 3)))
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(b"".join(officer.get(reverse("excel:export", args=["reserve_nominations"])).streaming_content))
    upload(officer, "reserve_nominations", exported)
    job = last_job(personas.officer_a)
    assert (job.new_rows, job.updated_rows, job.unchanged_rows, job.error_rows) == (0, 0, 3, 0), job.errors


def test_nomination_export_runs_a_fixed_number_of_queries(personas, officer, django_assert_max_num_queries):
    workflow.create_drafts(candidates=[builders.new_candidate(personas.tree.village_a1, name=f"李{han_number(i)}",
                                                              id_number=make_id_number(date(1990, 1, 1) ))
                                       for i in range(200)], by=personas.officer_a)
    with django_assert_max_num_queries(12):
        response = officer.get(reverse("excel:export", args=["reserve_nominations"]) + "?stage=draft")
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet.max_row == 201


def test_old_xls_files_import(personas, officer, tmp_path):
    upload(officer, "reserve_nominations", files.write_xls(tmp_path / "n.xls", [HEADER, person(1), person(2)]))
    job = last_job(personas.officer_a)
    assert (job.new_rows, job.error_rows) == (2, 0), job.errors


def test_the_template_offers_scoped_village_and_code_dropdowns(personas, officer):
    response = officer.get(reverse("excel:template", args=["reserve_nominations"]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = wb.worksheets[0]
    assert sheet.column_dimensions["B"].number_format == "@"
    villages = [c.value for c in wb["代码表"]["A"] if c.value] + [
        dv.formula1 for dv in sheet.data_validations.dataValidation
    ]
    assert any("茅井村" in str(v) for v in villages)
    assert not any("沙坪村" in str(v) for v in villages)
    notes = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "身份证号码" in notes and "文本格式" in notes


# --- attendance and appraisals ------------------------------------------------------------


def test_attendance_is_recorded_through_the_workflow(personas, officer, tmp_path):
    trainee = builders.training(personas, start=date(2026, 1, 5))  # the session falls inside the cycle
    draft = builders.draft(personas, name="赵六", id_number=make_id_number(date(1993, 1, 1)))
    theirs = builders.training(personas, personas.tree.village_b1, name="钱七", id_number=make_id_number(date(1994, 1, 1)))
    session = TrainingSession.objects.create(date=date(2026, 3, 20), topic="乡村振兴政策解读", hours=Decimal("8"))
    header = ["培训日期", "培训主题", "姓名", "身份证号码"]
    path = files.write_xlsx(tmp_path / "a.xlsx", [
        header, ["2026.03.20", "乡村振兴政策解读", trainee.name, trainee.id_number],
        ["2026-03-20", "乡村振兴政策解读", draft.name, draft.id_number],
        ["2026-03-20", "乡村振兴政策解读", theirs.name, theirs.id_number],
    ])
    upload(officer, "reserve_attendance", path)
    errors = {e["row"]: e["message"] for e in last_job(personas.officer_a).errors}
    assert "不在培养期" in errors[3]
    assert errors[4] == "该身份证号码不在您管辖范围内的后备干部中，请核对。"
    path = files.write_xlsx(tmp_path / "a2.xlsx", [header, ["2026.03.20", "乡村振兴政策解读", trainee.name, trainee.id_number]])
    upload(officer, "reserve_attendance", path)
    confirm(officer, last_job(personas.officer_a))
    assert list(Attendance.objects.values_list("candidate", "session", "hours")) == [(trainee.pk, session.pk, Decimal("8.0"))]
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(b"".join(officer.get(reverse("excel:export", args=["reserve_attendance"])).streaming_content))
    upload(officer, "reserve_attendance", exported)
    job = last_job(personas.officer_a)
    assert (job.unchanged_rows, job.error_rows) == (1, 0), job.errors


def test_appraisals_import_for_trainees_and_round_trip(personas, officer, tmp_path):
    trainee = builders.training(personas)
    dims = ["政治表现", "学习表现", "工作表现", "能力表现", "作风表现"]
    header = ["姓名", "身份证号码", "培养年度", "评议日期", "参加评议人数", "年度综合评价等次", "集体鉴定意见",
              *[f"{d}·{r}" for d in dims for r in ("好", "较好")]]
    today = f"{date.today():%Y.%m.%d}"
    path = files.write_xlsx(tmp_path / "p.xlsx", [header, [trainee.name, trainee.id_number, "第一年", today, 15, "优秀", "表现突出。",
                                                          *[12, 3] * 5]])
    upload(officer, "reserve_appraisals", path)
    job = last_job(personas.officer_a)
    assert job.new_rows == 1, job.errors
    confirm(officer, job)
    appraisal = Appraisal.objects.get()
    assert (appraisal.year, appraisal.grade.name, appraisal.raters, appraisal.tallies["政治表现"]) == (1, "优秀", 15, {"好": 12, "较好": 3})
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(b"".join(officer.get(reverse("excel:export", args=["reserve_appraisals"])).streaming_content))
    upload(officer, "reserve_appraisals", exported)
    job = last_job(personas.officer_a)
    assert (job.unchanged_rows, job.error_rows) == (1, 0), job.errors
    changed = files.write_xlsx(tmp_path / "p2.xlsx", [header, [trainee.name, trainee.id_number, "1", today, 2, "合格", "改了。", *[1, 1] * 5]])
    upload(officer, "reserve_appraisals", changed)
    assert "不能通过导入修改" in last_job(personas.officer_a).errors[0]["message"]


# --- in the browser ------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_officer_fills_the_template_fixes_an_error_and_imports(live_server, page, personas, tmp_path):
    from django.urls import NoReverseMatch

    from cadre_portal.testing import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "officer_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("text=Excel导入导出")
    page.get_by_test_id("import-reserve_nominations").click()
    assert "导入后备干部推荐名单" in page.locator(".page-title").inner_text()
    with page.expect_download() as info:
        page.get_by_test_id("template-link").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)

    wb = load_workbook(template)
    sheet = wb.worksheets[0]
    headers = [c.value for c in sheet[1]]
    people = [("刘一", date(1990, 5, 1), "茅井村", "汉族"), ("陈二", date(1991, 6, 1), "大岭村", "火星族"),
              ("杨三", date(1992, 7, 1), "茅井村", "回族")]
    for r, (name, birth, village, ethnicity) in enumerate(people, start=2):
        values = {"姓名": name, "身份证号码": make_id_number(birth), "出生日期": f"{birth:%Y.%m}", "民族": ethnicity,
                  "政治面貌": "群众", "学历": "大学", "所在村（社区）": village, "推荐方式": "群众推荐"}
        for c, header in enumerate(headers, start=1):
            if header in values:
                sheet.cell(row=r, column=c, value=values[header])
    filled = tmp_path / "推荐名单.xlsx"
    wb.save(filled)

    page.set_input_files("#id_file", str(filled))
    page.get_by_test_id("upload-button").click()
    errors = page.get_by_test_id("error-table")
    assert "第 3 行" in errors.inner_text() and "火星族" in errors.inner_text()
    assert page.get_by_test_id("count-error").inner_text() == "1"
    assert page.get_by_test_id("confirm-button").count() == 0
    assert Candidate.objects.count() == 0

    sheet.cell(row=3, column=headers.index("民族") + 1, value="汉族")
    wb.save(filled)
    page.get_by_role("link", name="修改后重新上传").click()
    page.set_input_files("#id_file", str(filled))
    page.get_by_test_id("upload-button").click()
    assert page.get_by_test_id("count-new").inner_text() == "3"
    assert "陈二" in page.get_by_test_id("preview-table").inner_text()
    page.get_by_test_id("confirm-button").click()
    assert "新增 3 条" in page.get_by_test_id("job-message").inner_text()
    assert sorted(Candidate.objects.values_list("name", "stage")) == [("刘一", "draft"), ("杨三", "draft"), ("陈二", "draft")]
    try:
        list_url = reverse("reserves:list")
    except NoReverseMatch:
        list_url = None
    if list_url:
        page.goto(f"{live_server.url}{list_url}")
        body = page.locator(".page-body").inner_text()
        assert "刘一" in body and "陈二" in body and "杨三" in body


# --- month-only birth dates (出生年月) ------------------------------------------------------


def test_a_birth_month_alone_must_match_the_id_and_the_full_date_is_stored(personas, officer, tmp_path):
    born = [date(1987, 11, 23), date(1990, 9, 14), date(1975, 4, 30), date(1988, 2, 7)]
    numbers = [make_id_number(d) for d in born]
    rows = [
        ["甲", numbers[0], "1987.11", "汉族", "群众", "大学", "茅井村", "", "", ""],
        ["乙", numbers[1], "1990年9月", "汉族", "群众", "大学", "茅井村", "", "", ""],
        ["丙", numbers[2], 197504, "汉族", "群众", "大学", "茅井村", "", "", ""],
        ["丁", numbers[3], 1988.02, "汉族", "群众", "大学", "茅井村", "", "", ""],
    ]
    upload(officer, "reserve_nominations", files.write_xlsx(tmp_path / "n.xlsx", [HEADER, *rows]))
    job = last_job(personas.officer_a)
    assert (job.new_rows, job.error_rows) == (4, 0), job.errors
    confirm(officer, job)
    assert sorted(Candidate.objects.values_list("birth_date", flat=True)) == sorted(born)


def test_a_birth_month_that_differs_from_the_id_is_refused(personas, officer, tmp_path):
    wrong_month = ["甲", make_id_number(date(1987, 11, 23)), "1987.10", "汉族", "群众", "大学", "茅井村", "", "", ""]
    wrong_day = ["乙", make_id_number(date(1990, 9, 14)), "1990-09-15", "汉族", "群众", "大学", "茅井村", "", "", ""]
    upload(officer, "reserve_nominations", files.write_xlsx(tmp_path / "n.xlsx", [HEADER, wrong_month, wrong_day]))
    errors = {e["row"]: e["message"] for e in last_job(personas.officer_a).errors}
    assert errors == {2: "出生年月与身份证号码不符（号码显示为1987年11月）。",
                      3: "出生日期与身份证号码不符（号码显示为1990年9月14日）。"}


def test_an_imported_appraisal_is_checked_against_its_cycle_year_and_raters(personas, officer, tmp_path):
    trainee = builders.training(personas)  # the cycle starts today
    header = ["姓名", "身份证号码", "培养年度", "评议日期", "参加评议人数", "年度综合评价等次", "集体鉴定意见", "政治表现·好", "政治表现·较好"]
    before = f"{date.today() - timedelta(days=30):%Y.%m.%d}"
    path = files.write_xlsx(tmp_path / "p.xlsx", [header, [trainee.name, trainee.id_number, "第一年", before, 15, "优秀", "好。", 12, 2]])
    upload(officer, "reserve_appraisals", path)
    messages = [e["message"] for e in last_job(personas.officer_a).errors]
    assert any("评议日期应在培养第一年内" in m for m in messages), messages
    assert any("“政治表现”各等次票数合计 14 票，与参加评议人数 15 人不符" in m for m in messages), messages
    assert not Appraisal.objects.exists()


def test_other_date_columns_need_a_full_date(personas, officer, tmp_path):
    trainee = builders.training(personas)
    header = ["姓名", "身份证号码", "培养年度", "评议日期", "年度综合评价等次", "集体鉴定意见"]
    path = files.write_xlsx(tmp_path / "p.xlsx", [header, [trainee.name, trainee.id_number, "第一年", "2026.06", "优秀", "好。"]])
    upload(officer, "reserve_appraisals", path)
    assert last_job(personas.officer_a).errors[0]["message"] == "“2026.06”只有年月，请填写完整日期（年月日），如 2026-06-15。"


# --- exported files re-import; closed records are never re-created -----------------------------


def test_a_changed_row_for_a_closed_record_is_refused_and_nothing_is_recreated(personas, officer, tmp_path):
    done = builders.appointed(personas, name="赵任用", id_number=make_id_number(date(1985, 6, 6)))
    changed = ["赵任用", done.id_number, "", "汉族", "中共党员", "研究生", "茅井村", "", "", ""]
    upload(officer, "reserve_nominations", files.write_xlsx(tmp_path / "n.xlsx", [HEADER, changed]))
    job = last_job(personas.officer_a)
    assert job.errors == [{"row": 2, "column": "身份证号码", "message": (
        "该人员已被任用，记录已经办结：导入不能修改该记录，也不能据此重新推荐；如需重新推荐，请在系统中逐人填报。")}]
    assert Candidate.objects.filter(id_number=done.id_number).count() == 1


def test_an_attendance_export_re_imports_after_trainees_moved_on(personas, officer, tmp_path):
    trainee = builders.training(personas, start=date.today() - timedelta(days=100))
    session = TrainingSession.objects.create(date=date.today() - timedelta(days=10), topic="党史学习", hours=Decimal("6"))
    workflow.record_attendance(session=session, candidates=[trainee], by=personas.officer_a)
    workflow.withdraw(candidate=trainee, by=personas.county_staff, reason="外出务工")
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(b"".join(officer.get(reverse("excel:export", args=["reserve_attendance"])).streaming_content))
    upload(officer, "reserve_attendance", exported)
    job = last_job(personas.officer_a)
    assert (job.unchanged_rows, job.new_rows, job.error_rows) == (1, 0, 0), job.errors


# --- the preview checks what confirm checks; confirm says why it refuses -------------------------

ATTENDANCE_HEADER = ["培训日期", "培训主题", "姓名", "身份证号码"]


def test_the_preview_refuses_attendance_outside_the_trainees_cycle(personas, officer, tmp_path):
    trainee = builders.training(personas, start=date.today() - timedelta(days=30))
    early = TrainingSession.objects.create(date=date.today() - timedelta(days=60), topic="党史学习", hours=Decimal("6"))
    path = files.write_xlsx(tmp_path / "a.xlsx", [ATTENDANCE_HEADER, [f"{early.date:%Y-%m-%d}", "党史学习", trainee.name, trainee.id_number]])
    upload(officer, "reserve_attendance", path)
    job = last_job(personas.officer_a)
    assert job.error_rows == 1
    assert "的培养期" in job.errors[0]["message"] and "不包含本次培训日期" in job.errors[0]["message"]


def test_confirm_names_the_row_when_another_township_took_the_id_after_the_preview(personas, officer, tmp_path):
    row = person(1)
    upload(officer, "reserve_nominations", files.write_xlsx(tmp_path / "n.xlsx", [HEADER, person(2), row]))
    job = last_job(personas.officer_a)
    assert job.new_rows == 2
    builders.draft(personas, personas.tree.village_b1, name="沙坪人", id_number=row[1])
    page = confirm(officer, job).content.decode()
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors == [{"row": 3, "column": "身份证号码", "message": workflow.DUPLICATE_MESSAGE}]
    assert f"第 3 行：{workflow.DUPLICATE_MESSAGE}" in job.message and "请稍后重试" not in job.message
    assert "第 3 行" in page and workflow.DUPLICATE_MESSAGE in page
    assert not Candidate.objects.filter(village=personas.tree.village_a1).exists()


def test_confirm_re_checks_trainees_who_left_training_after_the_preview(personas, officer, tmp_path):
    trainee = builders.training(personas, start=date.today() - timedelta(days=100))
    session = TrainingSession.objects.create(date=date.today() - timedelta(days=10), topic="党史学习", hours=Decimal("6"))
    path = files.write_xlsx(tmp_path / "a.xlsx", [ATTENDANCE_HEADER, [f"{session.date:%Y-%m-%d}", "党史学习", trainee.name, trainee.id_number]])
    upload(officer, "reserve_attendance", path)
    job = last_job(personas.officer_a)
    assert job.new_rows == 1
    workflow.withdraw(candidate=trainee, by=personas.county_staff, reason="外出务工")
    confirm(officer, job)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors == [{"row": 2, "column": "身份证号码", "message": "该人员已退出后备干部队伍，不在培养期，不能登记出勤。"}]
    assert not Attendance.objects.exists()
    assert AuditEvent.objects.filter(kind="import", detail__has_key="error").exists()


@pytest.mark.django_db(transaction=True)
def test_two_users_confirming_the_same_people_at_once_one_wins_the_other_is_told_which_rows(tmp_path, settings):
    import threading

    from django.db import connection
    from django.test import Client

    from cadre_portal.testing import make_personas

    settings.EXCEL_IMPORT_DIR = str(tmp_path / "imports")
    personas = make_personas()
    rows = [person(i) + ["2024-03-01", "2026-03-01"] for i in range(1, 4)]  # cycle dates for the county's staged import
    path = files.write_xlsx(tmp_path / "n.xlsx", [HEADER + CYCLE_HEADERS, *rows])
    clients = []
    for user, extra in ((personas.officer_a, {}), (personas.county_staff, {"stage": "training", "note": "名册"})):
        client = Client()
        client.force_login(user)
        upload(client, "reserve_nominations", path, **extra)
        assert last_job(user).new_rows == 3
        clients.append((client, last_job(user)))
    barrier = threading.Barrier(2)

    def go(client, job):
        barrier.wait()
        try:
            client.post(reverse("excel:job_confirm", args=[job.pk]))
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=pair) for pair in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    jobs = sorted((ImportJob.objects.get(pk=job.pk) for _c, job in clients), key=lambda j: j.status)
    assert [j.status for j in jobs] == ["done", "failed"]
    loser = jobs[1]
    assert [e["row"] for e in loser.errors] == [2, 3, 4]
    # Serialised, the loser's re-check finds the winner's records; racing, the unique
    # constraint decides and the loser's rows are named all the same.
    assert loser.message.startswith("确认导入时发现问题，没有写入任何数据。第 2 行：")
    assert loser.errors[0]["message"] in (workflow.DUPLICATE_MESSAGE, "该记录在预览之后已由他人录入，请重新上传文件并预览。")
    assert Candidate.objects.count() == 3


# --- export filters -------------------------------------------------------------------------


def export_sheet(client, query=""):
    response = client.get(reverse("excel:export", args=["reserve_nominations"]) + query)
    if response.status_code != 200:
        return response.status_code, response.content.decode()
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    return 200, [row[0].value for row in sheet.iter_rows(min_row=2)]


def test_an_export_filter_outside_the_scope_or_unknown_is_refused_not_ignored(personas, officer, login):
    builders.draft(personas, name="天城人")
    builders.draft(personas, personas.tree.village_b1, name="沙坪人", id_number=make_id_number(date(1991, 1, 1)))
    status, page = export_sheet(officer, f"?village={personas.tree.village_b1.pk}")
    assert status == 400 and "村（社区）" in page and "未导出任何数据" in page
    status, page = export_sheet(officer, f"?township={personas.tree.township_b.pk}")
    assert status == 400 and "township" in page and "不适用于您的数据范围" in page
    county = login(personas.county_staff)
    assert export_sheet(county, "?township=999999")[0] == 400
    assert export_sheet(county, "?township=abc")[0] == 400
    assert AuditEvent.objects.filter(kind="export").count() == 0


def test_valid_export_filters_and_presentation_parameters_still_export(personas, officer, login):
    builders.draft(personas, name="天城人")
    builders.draft(personas, personas.tree.village_a2, name="大岭人", id_number=make_id_number(date(1991, 1, 1)))
    assert export_sheet(officer, f"?village={personas.tree.village_a2.pk}&page=2&sort=name") == (200, ["大岭人"])
    assert export_sheet(officer, "?village=&stage=") == (200, ["天城人", "大岭人"])
    county = login(personas.county_staff)
    assert export_sheet(county, f"?township={personas.tree.township_a.pk}")[1] == ["天城人", "大岭人"]


def test_an_imported_nominee_under_eighteen_is_refused(personas, officer, tmp_path):
    young = date.today().replace(year=date.today().year - 16) - timedelta(days=1)
    path = files.write_xlsx(tmp_path / "n.xlsx", [HEADER, person(1), person(2, birth=young)])
    upload(officer, "reserve_nominations", path)
    job = last_job(personas.officer_a)
    assert [(e["row"], e["message"]) for e in job.errors] == [(3, "年龄 16 岁，未满 18 周岁，不能推荐为后备干部。")]
    assert not Candidate.objects.exists()


def test_an_imported_nominee_outside_the_usual_age_band_is_a_warning_in_the_preview(personas, officer, tmp_path):
    today = date.today()
    older = date(today.year - 50, 1, 1) if (today.month, today.day) > (1, 1) else date(today.year - 51, 1, 1)
    path = files.write_xlsx(tmp_path / "n.xlsx", [HEADER, person(1), person(2, birth=older)])
    upload(officer, "reserve_nominations", path)
    job = last_job(personas.officer_a)
    assert job.status == ImportJob.Status.PREVIEWED and job.errors == [] and job.new_rows == 2
    [warning] = job.preview["warnings"]
    assert (warning["row"], warning["column"]) == (3, "出生日期")
    assert warning["message"].startswith("年龄 50 岁，超出通常 20–45 岁的范围。")
    page = officer.get(reverse("excel:job", args=[job.pk])).content.decode()
    assert "请核实（这些行仍会写入）" in page and "年龄 50 岁，超出通常 20–45 岁的范围。" in page
    confirm(officer, job)
    assert Candidate.objects.count() == 2


# --- the five aspects in the nominations file (issue 13 item 4) --------------------------------------------------

RATING_HEADERS = [f"{name}（考察测评等次）" for name in ["讲政治", "重品行", "测素能", "评表现", "访口碑"]]


def _import(client, user, path):
    upload(client, "reserve_nominations", path)
    job = last_job(user)
    if job.new_rows:
        confirm(client, job)
    return job


def test_the_nominations_file_carries_the_five_ratings(personas, officer, tmp_path):
    path = files.write_xlsx(tmp_path / "r.xlsx", [HEADER + RATING_HEADERS, person(1) + ["好", "较好", "好", "一般", "好"]])
    _import(officer, personas.officer_a, path)
    c = Candidate.objects.get()
    assert {code: item["rating"] for code, item in c.criteria.items()} == {
        "讲政治": "好", "重品行": "较好", "测素能": "好", "评表现": "一般", "访口碑": "好"}


def test_a_rating_outside_the_scale_is_refused(personas, officer, tmp_path):
    path = files.write_xlsx(tmp_path / "r.xlsx", [HEADER + RATING_HEADERS, person(1) + ["优", "好", "好", "好", "好"]])
    job = _import(officer, personas.officer_a, path)
    assert job.new_rows == 0 and not Candidate.objects.exists()


def test_a_draft_imported_without_ratings_cannot_be_submitted(personas, officer, tmp_path):
    path = files.write_xlsx(tmp_path / "r.xlsx", [HEADER, person(1)])
    _import(officer, personas.officer_a, path)
    c = Candidate.objects.get()
    workflow.record_inspection(candidate=c, by=personas.officer_a, inspection_date=date.today(), inspectors="李明",
                               result="recommended", opinion="同意")
    assert any("讲政治" in p for p in workflow.submit_blockers(Candidate.objects.get(pk=c.pk)))


def test_the_export_carries_the_ratings(personas, officer):
    builders.draft(personas)
    response = officer.get(reverse("excel:export", args=["reserve_nominations"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert RATING_HEADERS[0] in headers
    assert sheet.cell(row=2, column=headers.index(RATING_HEADERS[0]) + 1).value == "好"


# --- a county import at a stage brings that stage's data (issue 13 item 3) ----------------------------------------


def _staged(client, user, path, stage):
    upload(client, "reserve_nominations", path, stage=stage, note="历史台账")
    job = last_job(user)
    if job.new_rows and not job.errors:
        confirm(client, job)
    return job


def test_a_trainee_row_without_cycle_dates_is_refused_naming_the_column(personas, login, tmp_path):
    client = login(personas.county_staff)
    path = files.write_xlsx(tmp_path / "s.xlsx", [HEADER + ["培养开始日期"], person(1) + ["2025-01-01"]])
    job = _staged(client, personas.county_staff, path, "training")
    assert {"row": 2, "column": "培养结束日期", "message": "导入为“培养中”须填写培养结束日期。"} in job.errors
    assert not Candidate.objects.exists()


def test_a_pool_import_creates_the_pool_entry(personas, login, tmp_path):
    client = login(personas.county_staff)
    path = files.write_xlsx(tmp_path / "s.xlsx", [HEADER + ["使用方向", "拟任岗位", "入库日期"],
                                                  person(1) + ["村党组织书记人选", "村（社区）党组织副书记", "2024-06-01"]])
    _staged(client, personas.county_staff, path, "pool")
    c = Candidate.objects.get()
    assert c.stage == "pool"
    assert (c.pool_entry.direction, c.pool_entry.intended_post, c.pool_entry.admitted_on) == (
        "村党组织书记人选", "村（社区）党组织副书记", date(2024, 6, 1))


def test_a_pool_row_without_direction_is_refused(personas, login, tmp_path):
    client = login(personas.county_staff)
    job = _staged(client, personas.county_staff, files.write_xlsx(tmp_path / "s.xlsx", [HEADER, person(1)]), "pool")
    assert job.errors[0]["column"] == "使用方向" and not Candidate.objects.exists()


def test_an_appointee_import_creates_the_appointment_and_its_follow_up(personas, login, tmp_path):
    client = login(personas.county_staff)
    headers = HEADER + ["任用职务", "任用时机", "任用日期", "回访日期", "回访结果"]
    path = files.write_xlsx(tmp_path / "s.xlsx", [headers, person(1) + ["村（居）民委员会委员", "村（社区）“两委”换届", "2024-05-10",
                                                                         "2025-05-01", "胜任"]])
    _staged(client, personas.county_staff, path, "appointed")
    c = Candidate.objects.get()
    appointment = c.appointments.get()
    assert (c.stage, appointment.post, appointment.occasion, appointment.appointed_on) == (
        "appointed", "村（居）民委员会委员", "election", date(2024, 5, 10))
    visit = appointment.follow_up
    assert (visit.due_date, visit.visited_on, visit.result) == (date(2025, 5, 10), date(2025, 5, 1), "good")


def test_an_appointee_row_without_its_post_is_refused(personas, login, tmp_path):
    client = login(personas.county_staff)
    path = files.write_xlsx(tmp_path / "s.xlsx", [HEADER + ["任用时机", "任用日期"], person(1) + ["平时调整", "2024-05-10"]])
    job = _staged(client, personas.county_staff, path, "appointed")
    assert job.errors[0]["column"] == "任用职务" and not Candidate.objects.exists()


def test_only_stages_with_their_data_are_offered(personas, login):
    page = login(personas.county_staff).get(reverse("excel:import", args=["reserve_nominations"])).content.decode()
    assert "综合考察已完成" not in page and "储备库" in page


def test_a_township_officers_drafts_ignore_later_stage_columns(personas, officer, tmp_path):
    path = files.write_xlsx(tmp_path / "s.xlsx", [HEADER + CYCLE_HEADERS + ["使用方向"], person(1) + ["2024-01-01", "2026-01-01", "x"]])
    _import(officer, personas.officer_a, path)
    c = Candidate.objects.get()
    from reserves.models import PoolEntry

    assert c.stage == "draft" and c.training_start is None and not PoolEntry.objects.exists()
