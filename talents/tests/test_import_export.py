"""Excel: a template per domain with its categories, platforms, plans and organizations;
preview, all-or-nothing, scoped to the domain; errors that name row and column and say
nothing about other domains; exports that re-import unchanged."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadre_portal import idcard
from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.tests import files
from cadre_portal.testing import make_id_number
from talents.models import ArtsOrganization, Membership, PlanLine, Platform, RecruitmentPlan, Talent, TalentStatusChange
from talents.tests import builders as b

pytestmark = pytest.mark.django_db
YEAR = date.today().year
HEADER = ["姓名", "身份证号码", "人才类别", "层级", "工作单位", "岗位/职务", "来源", "招引渠道", "招引日期", "计入招引计划年度",
          "科室/专业", "县管乡用/乡管村用", "名优医技人才"]


@pytest.fixture(autouse=True)
def excel_storage(settings, tmp_path):
    settings.EXCEL_IMPORT_DIR = str(tmp_path / "excel_imports")
    return tmp_path / "excel_imports"


@pytest.fixture
def hospital(personas):
    return b.unit("medical", personas.tree.county)


def upload(client, key, path):
    with open(path, "rb") as fh:
        return client.post(reverse("excel:import", args=[key]), {"file": fh}, follow=True)


def last_job(user):
    return ImportJob.objects.filter(owner=user).latest("created_at")


def confirm(client, job):
    return client.post(reverse("excel:job_confirm", args=[job.pk]), follow=True)


def doctor(name="李医生", number=None, **overrides):
    row = {"姓名": name, "身份证号码": number or make_id_number(date(1990, 4, 5)), "人才类别": "“双一流”大学毕业生", "层级": "",
           "工作单位": "县人民医院", "岗位/职务": "住院医师", "来源": "招引", "招引渠道": "专项招引", "招引日期": f"{YEAR}.03.01",
           "计入招引计划年度": YEAR, "科室/专业": "心内科", "县管乡用/乡管村用": "县管乡用", "名优医技人才": "是"}
    row.update(overrides)
    return row


def errors(job):
    return {(e["row"], e["column"]): e["message"] for e in job.errors}


def import_file(client, user, key, rows, tmp_path, header=HEADER, name="名单.xlsx"):
    rows = [[r.get(h, "") for h in header] if isinstance(r, dict) else r for r in rows]
    path = files.write_xlsx(tmp_path / name, [header, *rows])
    upload(client, key, path)
    return last_job(user)


# --- templates and rights -------------------------------------------------------------------------


def test_each_domain_template_offers_its_own_categories(personas, login):
    response = login(personas.medical_officer).get(reverse("excel:template", args=["talents_medical"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "“双一流”大学毕业生" in text and "县管乡用" in text
    assert "骨干教师" not in text and "学段" not in text


def test_a_domain_officer_may_not_use_another_domains_registry(personas, login):
    client = login(personas.domain_officer)
    assert client.get(reverse("excel:template", args=["talents_medical"])).status_code == 403
    assert client.get(reverse("excel:import", args=["talents_medical"])).status_code == 403
    assert client.get(reverse("excel:export", args=["talents_medical"])).status_code == 403


def test_county_staff_export_but_do_not_import_talents(personas, login):
    client = login(personas.county_staff)
    assert client.get(reverse("excel:import", args=["talents_medical"])).status_code == 403
    assert client.get(reverse("excel:export", args=["talents_medical"])).status_code == 200


def test_the_excel_index_lists_only_the_officers_own_domain(personas, login):
    page = login(personas.medical_officer).get(reverse("excel:index")).content.decode()
    assert "医疗卫生人才库" in page and "名优师资库" not in page


# --- importing talents ---------------------------------------------------------------------------


def test_a_medical_officer_imports_recruited_doctors_against_the_plan(personas, login, hospital, tmp_path):
    line = b.plan(personas, "medical", lines=[("“双一流”大学毕业生", "专项招引", 5)]).lines.get()
    client = login(personas.medical_officer)
    job = import_file(client, personas.medical_officer, "talents_medical", [doctor("李医生"), doctor("王医生", 来源="本土培养", 招引渠道="",
                      招引日期="", 计入招引计划年度="")], tmp_path)
    assert (job.new_rows, job.error_rows) == (2, 0), job.errors
    confirm(client, job)
    li = Talent.objects.get(name="李医生")
    assert (li.domain, li.plan_line, li.unit, li.region) == ("medical", line, hospital, hospital.region)
    assert li.details == {"department": "心内科", "posting": "county_to_township", "key_talent": True}
    assert li.history.first().history_user == personas.medical_officer
    assert TalentStatusChange.objects.filter(talent=li, reason="Excel导入").exists()
    assert PlanLine.objects.filter(pk=line.pk).with_actual().get().actual == 1
    assert Talent.objects.get(name="王医生").plan_line is None


def test_bad_rows_name_row_and_column_and_nothing_is_written(personas, login, hospital, tmp_path):
    b.plan(personas, "medical", lines=[("“双一流”大学毕业生", "专项招引", 5)])
    number = make_id_number()
    header = HEADER + ["所属领域"]
    rows = [
        doctor("甲", 所属领域="") ,
        doctor("乙", 所属领域="教育"),
        doctor("丙", 人才类别="学科带头人", 所属领域=""),
        doctor("丁", 招引日期=f"{YEAR - 1}.12.01", 所属领域=""),
        doctor("戊", number=number, 所属领域=""),
        doctor("己", number=number, 所属领域=""),
        doctor("庚", 工作单位="县第一中学", 所属领域=""),
    ]
    client = login(personas.medical_officer)
    job = import_file(client, personas.medical_officer, "talents_medical", [r for r in rows], tmp_path, header=header)
    found = errors(job)
    assert found[(3, "所属领域")] == "本模板只导入医疗领域人才，该行为教育领域；教育领域人才由其主管部门导入。"
    assert found[(4, "人才类别")].startswith("“学科带头人”不是有效的人才类别")
    assert found[(5, "招引日期")] == f"招引日期（{YEAR - 1}年12月01日）不在招引计划年度（{YEAR}年）内。"
    assert found[(7, "身份证号码")] == "与第 6 行重复（身份证号码相同）。"
    assert found[(8, "工作单位")] == "“县第一中学”不在本领域单位名录中，请从下拉列表中选择。"
    assert job.error_rows == 5
    assert confirm(client, job).status_code == 200
    assert not Talent.objects.exists()


def test_a_plan_year_without_that_line_is_refused(personas, login, hospital, tmp_path):
    b.plan(personas, "medical", lines=[("“双一流”大学毕业生", "定向招聘", 5)])
    job = import_file(login(personas.medical_officer), personas.medical_officer, "talents_medical", [doctor()], tmp_path)
    assert errors(job)[(2, "计入招引计划年度")] == f"{YEAR}年医疗人才招引计划中没有““双一流”大学毕业生·专项招引”一项，请先在招引计划中增加。"


def test_a_talent_of_another_domain_with_the_same_id_is_a_new_record_here(personas, login, hospital, tmp_path):
    """The same person in another domain's registry is neither refused nor revealed."""
    artist = b.talent(personas, "culture", name="张艺")
    job = import_file(login(personas.medical_officer), personas.medical_officer, "talents_medical",
                      [doctor("张艺", number=artist.id_number, 来源="本土培养", 招引渠道="", 招引日期="", 计入招引计划年度="")], tmp_path)
    assert (job.new_rows, job.error_rows) == (1, 0), job.errors


def test_an_existing_talent_is_updated_and_shown_as_such(personas, login, hospital, tmp_path):
    t = b.talent(personas, "medical", name="赵医生", unit_obj=hospital, details={"department": "儿科"})
    client = login(personas.medical_officer)
    job = import_file(client, personas.medical_officer, "talents_medical",
                      [doctor("赵医生", number=t.id_number, 来源="本土培养", 招引渠道="", 招引日期="", 计入招引计划年度="",
                              **{"岗位/职务": "副主任"})], tmp_path)
    assert (job.updated_rows, job.error_rows) == (1, 0), job.errors
    confirm(client, job)
    t.refresh_from_db()
    assert t.post == "副主任" and t.details["department"] == "心内科"


def test_an_export_re_imports_unchanged(personas, login, hospital, tmp_path):
    plan = b.plan(personas, "medical", lines=[(None, "专项招引", 3)])
    b.recruited(personas, plan_line=plan.lines.get(), tags=",青年,", details={"posting": "county_to_township", "key_talent": True})
    b.talent(personas, "medical", unit_obj=None, region=personas.tree.township_a, workplace="天城镇个体诊所", level="city")
    client = login(personas.medical_officer)
    exported = client.get(reverse("excel:export", args=["talents_medical"]))
    path = tmp_path / "导出.xlsx"
    path.write_bytes(b"".join(exported.streaming_content))
    upload(client, "talents_medical", path)
    job = last_job(personas.medical_officer)
    assert (job.unchanged_rows, job.new_rows, job.updated_rows, job.error_rows) == (2, 0, 0, 0), job.errors


def test_township_officers_export_only_their_township_with_masked_numbers(personas, login):
    b.talent(personas, "medical", region=personas.tree.township_a, name="天城医生",
             unit_obj=b.unit("medical", personas.tree.township_a, name="天城镇卫生院"))
    b.talent(personas, "medical", name="县医院医生")
    response = login(personas.officer_a).get(reverse("excel:export", args=["talents_medical"]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["天城医生"]
    assert "*" in rows[1][1]


# --- platforms, plans, organizations ---------------------------------------------------------------------

PLATFORM_HEADER = ["平台名称", "平台类型", "依托单位", "级别", "设立日期", "领衔人身份证号码", "成员身份证号码"]


def test_platforms_import_with_members_of_the_domain(personas, login, hospital, tmp_path):
    lead, member = b.talent(personas, "medical"), b.talent(personas, "medical")
    client = login(personas.medical_officer)
    job = import_file(client, personas.medical_officer, "talent_platforms",
                      [["张氏名医工作室", "名医工作室", "县人民医院", "市级", "2023.05.01", lead.id_number, member.id_number]],
                      tmp_path, header=PLATFORM_HEADER)
    assert (job.new_rows, job.error_rows) == (1, 0), job.errors
    confirm(client, job)
    studio = Platform.objects.get()
    assert (studio.domain, studio.leader, studio.level) == ("medical", lead, "city")
    assert dict(studio.memberships.values_list("talent_id", "role")) == {lead.pk: "lead", member.pk: "member"}


def test_a_platform_member_outside_the_domain_is_refused_without_saying_where_they_are(personas, login, hospital, tmp_path):
    teacher = b.talent(personas, "education")
    job = import_file(login(personas.medical_officer), personas.medical_officer, "talent_platforms",
                      [["名医工作室一", "名医工作室", "县人民医院", "", "", "", teacher.id_number]], tmp_path, header=PLATFORM_HEADER)
    message = errors(job)[(2, "成员身份证号码")]
    assert message == f"{idcard.mask(teacher.id_number)} 不是医疗领域人才库中的人才（平台成员须为本领域人才）。"
    assert "教育" not in message


def test_a_platform_kind_of_another_domain_is_refused(personas, login, hospital, tmp_path):
    job = import_file(login(personas.medical_officer), personas.medical_officer, "talent_platforms",
                      [["某名师工作室", "名师工作室", "县人民医院", "", "", "", ""]], tmp_path, header=PLATFORM_HEADER)
    assert errors(job)[(2, "平台类型")] == "医疗领域没有“名师工作室”这类平台。"


def test_platform_export_re_imports_unchanged(personas, login, hospital, tmp_path):
    doctor_ = b.talent(personas, "medical")
    studio = b.platform(personas, "medical", "doctor_studio", leader=doctor_, established_on=date(2022, 1, 1))
    from talents import services

    services.add_member(platform_pk=studio.pk, talent_pk=b.talent(personas, "medical").pk, role="member", joined_on=None,
                        by=personas.medical_officer)
    client = login(personas.medical_officer)
    path = tmp_path / "平台.xlsx"
    path.write_bytes(b"".join(client.get(reverse("excel:export", args=["talent_platforms"])).streaming_content))
    upload(client, "talent_platforms", path)
    job = last_job(personas.medical_officer)
    assert (job.unchanged_rows, job.error_rows) == (1, 0), job.errors


PLAN_HEADER = ["年度", "人才类别", "招引渠道", "计划人数", "备注"]


def test_plans_import_creates_the_years_plan_and_updates_lines(personas, login, tmp_path):
    client = login(personas.medical_officer)
    job = import_file(client, personas.medical_officer, "talent_plans",
                      [[YEAR, "“双一流”大学毕业生", "专项招引", 5, ""], [YEAR, "优秀大学生村医", "定向培养", 8, "乡镇卫生院"]],
                      tmp_path, header=PLAN_HEADER)
    assert (job.new_rows, job.error_rows) == (2, 0), job.errors
    confirm(client, job)
    plan = RecruitmentPlan.objects.get()
    assert (plan.domain, plan.year, plan.region) == ("medical", YEAR, personas.tree.county)
    job = import_file(client, personas.medical_officer, "talent_plans", [[YEAR, "“双一流”大学毕业生", "专项招引", 6, ""]],
                      tmp_path, header=PLAN_HEADER, name="二.xlsx")
    assert job.updated_rows == 1
    confirm(client, job)
    assert sorted(plan.lines.values_list("planned", flat=True)) == [6, 8]


def test_a_plan_line_of_another_domains_category_is_refused(personas, login, tmp_path):
    job = import_file(login(personas.medical_officer), personas.medical_officer, "talent_plans",
                      [[YEAR, "学科带头人", "专项招引", 5, ""]], tmp_path, header=PLAN_HEADER)
    assert errors(job)[(2, "人才类别")] == "“学科带头人”不是本领域的人才类别，请从下拉列表中选择。"


def test_plan_export_re_imports_unchanged(personas, login, tmp_path):
    b.plan(personas, "medical", lines=[(None, "专项招引", 3), (None, "定向招聘", 2)])
    client = login(personas.medical_officer)
    path = tmp_path / "计划.xlsx"
    path.write_bytes(b"".join(client.get(reverse("excel:export", args=["talent_plans"])).streaming_content))
    upload(client, "talent_plans", path)
    job = last_job(personas.medical_officer)
    assert (job.unchanged_rows, job.error_rows) == (2, 0), job.errors


ORG_HEADER = ["组织名称", "组织类型", "业务主管单位", "所在区划", "成员人数", "成立日期", "负责人"]


def test_the_culture_officer_imports_arts_organizations(personas, login, tmp_path):
    b.unit("culture", personas.tree.county, name="县文学艺术界联合会")
    client = login(personas.culture_officer)
    job = import_file(client, personas.culture_officer, "talent_arts_orgs",
                      [["天城镇提琴戏剧团", "民间剧团（戏曲班社）", "县文学艺术界联合会", "天城镇", 32, "2015.06", "周某"]],
                      tmp_path, header=ORG_HEADER)
    assert (job.new_rows, job.error_rows) == (1, 0), job.errors
    confirm(client, job)
    org = ArtsOrganization.objects.get()
    assert (org.state, org.region, org.members_count) == ("registered", personas.tree.township_a, 32)
    assert org.state_changes.get().reason == "Excel导入"


def test_only_the_culture_officer_imports_arts_organizations(personas, login):
    assert login(personas.medical_officer).get(reverse("excel:import", args=["talent_arts_orgs"])).status_code == 403


def test_an_organization_export_re_imports_unchanged(personas, login, tmp_path):
    b.organization(personas, region=personas.tree.township_b, members_count=12, founded_on=date(2010, 1, 1), leader_name="吴某")
    client = login(personas.culture_officer)
    path = tmp_path / "组织.xlsx"
    path.write_bytes(b"".join(client.get(reverse("excel:export", args=["talent_arts_orgs"])).streaming_content))
    upload(client, "talent_arts_orgs", path)
    job = last_job(personas.culture_officer)
    assert (job.unchanged_rows, job.error_rows) == (1, 0), job.errors
    assert not Membership.objects.exists()
