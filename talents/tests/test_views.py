"""Pages: domain scope (another domain's record is a 404), who may write, forms that keep
input and say what is wrong in Chinese, POST-only moves, and pinned query counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cadre_portal.testing import make_id_number
from talents import services, workflow
from talents.models import ArtsOrganization, Membership, PlanLine, RecruitmentPlan, Talent
from talents.tests import builders as b

pytestmark = pytest.mark.django_db
YEAR = date.today().year


def talent_data(personas, domain="medical", **extra):
    data = {
        "name": "王大夫", "id_number": make_id_number(date(1991, 2, 3)), "ethnicity": "01", "political_status": "13",
        "category": b.category(domain).pk, "unit": b.unit(domain, personas.tree.county).pk, "origin": "local",
        "tag_text": "青年、骨干",
    }
    data.update(extra)
    return data


# --- scope ------------------------------------------------------------------------------------


def test_another_domains_talent_is_a_404(personas, login):
    doctor = b.talent(personas, "medical")
    client = login(personas.domain_officer)
    for name in ("talents:detail", "talents:edit", "talents:support"):
        assert client.get(reverse(name, args=[doctor.pk])).status_code == 404, name


def test_another_domains_list_is_a_404_for_a_domain_officer(personas, login):
    assert login(personas.domain_officer).get(reverse("talents:list", args=["medical"])).status_code == 404


def test_a_domain_officers_index_is_their_own_registry(personas, login):
    response = login(personas.medical_officer).get(reverse("talents:index"))
    assert response.status_code == 302 and response["Location"] == reverse("talents:list", args=["medical"])


def test_a_unit_contact_is_refused_the_five_domain_overview_in_chinese(personas, unit_contacts, login):
    client = login(unit_contacts.contact_a)
    for url in (reverse("talents:index"), reverse("talents:overview")):
        response = client.get(url)
        assert response.status_code == 403
        assert "单位干部联络员不查看五域人才" in response.content.decode()


def test_the_list_shows_only_the_domain(personas, login):
    b.talent(personas, "medical", name="李医生")
    b.talent(personas, "education", name="张老师")
    page = login(personas.county_staff).get(reverse("talents:list", args=["medical"])).content.decode()
    assert "李医生" in page and "张老师" not in page


def test_a_township_officer_sees_only_talents_working_in_their_township(personas, login):
    tree = personas.tree
    b.talent(personas, "medical", name="天城医生", region=tree.township_a,
             unit_obj=b.unit("medical", tree.township_a, name="天城镇卫生院"))
    county_doctor = b.talent(personas, "medical", name="县医院医生")
    client = login(personas.officer_a)
    page = client.get(reverse("talents:list", args=["medical"])).content.decode()
    assert "天城医生" in page and "县医院医生" not in page
    assert client.get(reverse("talents:detail", args=[county_doctor.pk])).status_code == 404


def test_a_township_officer_reads_but_does_not_edit(personas, login):
    tree = personas.tree
    mine = b.talent(personas, "medical", region=tree.township_a, unit_obj=b.unit("medical", tree.township_a, name="天城镇卫生院"))
    client = login(personas.officer_a)
    page = client.get(reverse("talents:detail", args=[mine.pk])).content.decode()
    assert "修改信息" not in page and mine.masked_id_number in page and mine.id_number not in page
    assert client.get(reverse("talents:edit", args=[mine.pk])).status_code == 403


# --- who writes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county_staff", "leader", "officer_a", "admin"])
def test_only_the_domains_officer_gets_the_add_form(personas, login, who):
    response = login(getattr(personas, who)).get(reverse("talents:create", args=["medical"]))
    assert response.status_code == 403
    assert "县卫健局维护" in response.content.decode()


def test_a_leader_sees_the_talent_without_buttons_and_cannot_post(personas, login):
    doctor = b.talent(personas, "medical")
    client = login(personas.leader)
    page = client.get(reverse("talents:detail", args=[doctor.pk])).content.decode()
    assert "修改信息" not in page and "确认流失" not in page
    response = client.post(reverse("talents:status", args=[doctor.pk, "retire"]), {"retire-on": date.today().isoformat()})
    assert response.status_code == 403
    doctor.refresh_from_db()
    assert doctor.status == Talent.Status.ON_POST


# --- forms ----------------------------------------------------------------------------------------


def test_the_officer_adds_a_talent_through_the_form(personas, login):
    data = talent_data(personas, d_department="儿科", d_posting="county_to_township", d_key_talent="on")
    response = login(personas.medical_officer).post(reverse("talents:create", args=["medical"]), data)
    talent = Talent.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("talents:detail", args=[talent.pk])
    assert talent.details == {"department": "儿科", "posting": "county_to_township", "key_talent": True}
    assert talent.tag_list == ["青年", "骨干"] and talent.sex == "1" and talent.birth_date == date(1991, 2, 3)
    assert talent.history.get().history_user == personas.medical_officer


def test_a_forged_category_of_another_domain_is_refused_and_the_input_kept(personas, login):
    data = talent_data(personas, category=b.category("education").pk, name="赵六")
    response = login(personas.medical_officer).post(reverse("talents:create", args=["medical"]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "选择一个有效的选项" in page and 'value="赵六"' in page
    assert not Talent.objects.exists()


def test_a_duplicate_resident_id_in_the_domain_names_the_record(personas, login):
    first = b.talent(personas, "medical", name="钱七")
    response = login(personas.medical_officer).post(reverse("talents:create", args=["medical"]),
                                                    talent_data(personas, id_number=first.id_number))
    assert "该身份证号码已在本领域人才库中（钱七）" in response.content.decode()
    assert Talent.objects.count() == 1


def test_a_mangled_id_number_is_explained_once(personas, login):
    response = login(personas.medical_officer).post(reverse("talents:create", args=["medical"]),
                                                    talent_data(personas, id_number="4.21223199005E+17"))
    assert response.content.decode().count("被 Excel 存成了数字") == 1


def test_a_recruited_talent_counts_against_the_chosen_plan_line(personas, login):
    line = b.plan(personas, "medical", lines=[(None, "专项招引", 3)]).lines.get()
    data = talent_data(personas, origin="recruited", channel=line.channel_id, recruited_on=f"{YEAR}-01-10", plan_line=line.pk)
    login(personas.medical_officer).post(reverse("talents:create", args=["medical"]), data)
    assert PlanLine.objects.filter(pk=line.pk).with_actual().get().actual == 1


def test_a_plan_line_of_another_year_is_refused_on_the_date(personas, login):
    line = b.plan(personas, "medical", lines=[(None, "专项招引", 3)]).lines.get()
    data = talent_data(personas, origin="recruited", channel=line.channel_id, recruited_on=f"{YEAR - 1}-05-10", plan_line=line.pk)
    page = login(personas.medical_officer).post(reverse("talents:create", args=["medical"]), data).content.decode()
    assert f"不在招引计划年度（{YEAR}年）内" in page
    assert not Talent.objects.exists()


def test_editing_keeps_the_status_and_records_the_change(personas, login):
    doctor = b.talent(personas, "medical", name="孙八")
    workflow.change_talent_status(talent_pk=doctor.pk, action="retire", on=date.today(), by=personas.medical_officer)
    data = talent_data(personas, id_number=doctor.id_number, name="孙八", post="主任医师")
    response = login(personas.medical_officer).post(reverse("talents:edit", args=[doctor.pk]), data)
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert doctor.post == "主任医师" and doctor.status == Talent.Status.RETIRED
    page = login(personas.medical_officer).get(reverse("talents:detail", args=[doctor.pk])).content.decode()
    assert "岗位/职务：<span class=\"text-secondary\">（空）</span> → 主任医师" in page


# --- status moves -------------------------------------------------------------------------------------


def test_status_urls_are_post_only(personas, login):
    doctor = b.talent(personas, "medical")
    assert login(personas.medical_officer).get(reverse("talents:status", args=[doctor.pk, "retire"])).status_code == 405


def test_losing_a_talent_without_a_reason_is_a_chinese_error(personas, login):
    doctor = b.talent(personas, "medical")
    response = login(personas.medical_officer).post(reverse("talents:status", args=[doctor.pk, "lose"]),
                                                    {"lose-on": date.today().isoformat(), "lose-reason": ""})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    doctor.refresh_from_db()
    assert doctor.status == Talent.Status.ON_POST


def test_a_move_through_the_page_writes_its_row(personas, login):
    doctor = b.talent(personas, "medical")
    day = date.today() - timedelta(days=3)
    response = login(personas.medical_officer).post(reverse("talents:status", args=[doctor.pk, "lose"]),
                                                    {"lose-on": day.isoformat(), "lose-reason": "考取外地编制"})
    assert response.status_code == 302
    assert doctor.status_changes.last().reason == "考取外地编制"


# --- platforms ------------------------------------------------------------------------------------------


def test_a_forged_member_of_another_domain_is_refused(personas, login):
    studio = b.platform(personas, "medical", "doctor_studio")
    teacher = b.talent(personas, "education")
    response = login(personas.medical_officer).post(reverse("talents:member_add", args=[studio.pk]),
                                                    {"talent": teacher.pk, "role": "member"})
    assert response.status_code == 400
    assert "请选择医疗领域人才库中的人才（平台成员须为本领域人才）。" in response.content.decode()
    assert not Membership.objects.exists()


def test_attaching_a_doctor_to_a_studio(personas, login):
    studio = b.platform(personas, "medical", "doctor_studio")
    doctor = b.talent(personas, "medical", name="周医生")
    client = login(personas.medical_officer)
    response = client.post(reverse("talents:member_add", args=[studio.pk]),
                           {"talent": doctor.pk, "role": "core", "joined_on": date.today().isoformat()})
    assert response.status_code == 302
    assert "周医生" in client.get(reverse("talents:detail", args=[doctor.pk])).content.decode()


def test_a_member_leaves_through_the_page(personas, login):
    studio = b.platform(personas, "medical", "doctor_studio")
    doctor = b.talent(personas, "medical")
    m = services.add_member(platform_pk=studio.pk, talent_pk=doctor.pk, role="member", joined_on=None, by=personas.medical_officer)
    login(personas.medical_officer).post(reverse("talents:member_end", args=[m.pk]), {"left_on": date.today().isoformat()})
    m.refresh_from_db()
    assert m.left_on == date.today()


def test_another_domains_platform_is_a_404(personas, login):
    studio = b.platform(personas, "medical", "doctor_studio")
    client = login(personas.domain_officer)
    assert client.get(reverse("talents:platform_detail", args=[studio.pk])).status_code == 404
    assert client.post(reverse("talents:member_add", args=[studio.pk]), {}).status_code == 404


def test_the_platform_form_offers_only_the_domains_kinds(personas, login):
    page = login(personas.medical_officer).get(reverse("talents:platform_create")).content.decode()
    assert "名医工作室" in page and "名师工作室" not in page


# --- plans ------------------------------------------------------------------------------------------------


def test_the_officer_creates_a_years_plan(personas, login):
    m01, m04 = b.category("medical", "“双一流”大学毕业生"), b.category("medical", "优秀大学生村医")
    data = {"year": YEAR, "approved_on": "", "note": "",
            "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
            "lines-0-category": m01.pk, "lines-0-channel": b.channel().pk, "lines-0-planned": "5",
            "lines-1-category": m04.pk, "lines-1-channel": b.channel("定向培养").pk, "lines-1-planned": "8"}
    response = login(personas.medical_officer).post(reverse("talents:plan_create"), data)
    assert response.status_code == 302
    plan = RecruitmentPlan.objects.get()
    assert (plan.domain, plan.year, plan.region) == ("medical", YEAR, personas.tree.county)
    assert sorted(plan.lines.values_list("planned", flat=True)) == [5, 8]


def test_a_plan_with_the_same_line_twice_is_refused(personas, login):
    m01 = b.category("medical", "“双一流”大学毕业生")
    data = {"year": YEAR, "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
            "lines-0-category": m01.pk, "lines-0-channel": b.channel().pk, "lines-0-planned": "5",
            "lines-1-category": m01.pk, "lines-1-channel": b.channel().pk, "lines-1-planned": "2"}
    page = login(personas.medical_officer).post(reverse("talents:plan_create"), data).content.decode()
    assert "同一人才类别和招引渠道只能填写一行。" in page
    assert not RecruitmentPlan.objects.exists()


def test_the_plans_page_shows_plan_versus_actual(personas, login):
    line = b.plan(personas, "medical", lines=[(None, "专项招引", 4)]).lines.get()
    b.recruited(personas, plan_line=line)
    page = login(personas.county_staff).get(reverse("talents:plans") + "?domain=medical").content.decode()
    assert f'data-testid="actual-{line.pk}"' in page and ">1</a>" in page


def test_county_staff_may_not_create_plans(personas, login):
    assert login(personas.county_staff).get(reverse("talents:plan_create")).status_code == 403


# --- arts organizations ----------------------------------------------------------------------------------


def test_the_culture_officer_registers_an_organization_and_an_activity(personas, login):
    unit = b.unit("culture", personas.tree.county, name="县文学艺术界联合会")
    client = login(personas.culture_officer)
    response = client.post(reverse("talents:org_create"), {"name": "沙坪镇提琴戏剧团", "kind": "troupe", "responsible_unit": unit.pk,
                                                           "region": personas.tree.township_b.pk, "members_count": "30"})
    org = ArtsOrganization.objects.get()
    assert response.status_code == 302 and org.state == "registered"
    client.post(reverse("talents:activity", args=[org.pk]), {"date": date.today().isoformat(), "title": "送戏下乡", "participants": "200"})
    assert org.activities.get().title == "送戏下乡"


def test_other_domain_officers_see_no_organizations_menu(personas, login):
    page = login(personas.medical_officer).get("/").content.decode()
    assert reverse("talents:orgs") not in page
    assert reverse("talents:orgs") in login(personas.culture_officer).get("/").content.decode()


# --- overview, identity, history ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county_staff", "leader", "officer_a", "admin"])
def test_the_overview_opens_for_every_reading_role(personas, login, who):
    b.talent(personas, "medical")
    assert login(getattr(personas, who)).get(reverse("talents:overview")).status_code == 200


def test_the_overview_counts_by_domain_for_county_staff(personas, login):
    b.talent(personas, "medical")
    b.talent(personas, "medical")
    b.talent(personas, "culture")
    page = login(personas.county_staff).get(reverse("talents:overview")).content.decode()
    assert 'data-testid="total-in-post">3<' in page


def test_the_talent_page_shows_the_same_person_elsewhere_that_the_viewer_may_open(personas, login):
    doctor = b.talent(personas, "medical", name="吴双")
    b.talent(personas, "culture", id_number=doctor.id_number, name="吴双")
    county = login(personas.county_staff).get(reverse("talents:detail", args=[doctor.pk])).content.decode()
    medical = login(personas.medical_officer).get(reverse("talents:detail", args=[doctor.pk])).content.decode()
    assert "文化领域" in county and "文化领域" not in medical


# --- query counts -------------------------------------------------------------------------------------


def _many(personas, domain, n):
    for i in range(n):
        b.talent(personas, domain, name=f"人{i}", details={"department": "内科", "posting": "county_to_township"})


@pytest.mark.parametrize("rows", [1, 50])
def test_the_registry_list_costs_the_same_for_1_and_50_rows(personas, login, django_assert_max_num_queries, rows):
    _many(personas, "medical", rows)
    client = login(personas.medical_officer)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("talents:list", args=["medical"]))
    assert response.content.decode().count('href="/talents/') >= rows


@pytest.mark.parametrize("rows", [1, 50])
def test_the_platform_list_costs_the_same_for_1_and_50_rows(personas, login, django_assert_max_num_queries, rows):
    for i in range(rows):
        b.platform(personas, "medical", "doctor_studio", name=f"工作室{i}")
    client = login(personas.county_staff)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("talents:platforms"))
    assert response.content.decode().count("/talents/platforms/") >= rows


@pytest.mark.parametrize("rows", [1, 50])
def test_the_organization_list_costs_the_same_for_1_and_50_rows(personas, login, django_assert_max_num_queries, rows):
    for i in range(rows):
        b.organization(personas, name=f"剧团{i}", region=personas.tree.township_a)
    client = login(personas.county_staff)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("talents:orgs"))
    assert response.content.decode().count("/talents/orgs/") >= rows


def test_the_talent_page_has_a_bounded_number_of_queries(personas, login, django_assert_max_num_queries):
    doctor = b.talent(personas, "medical")
    for i in range(5):
        studio = b.platform(personas, "medical", "doctor_studio", name=f"工作室{i}")
        services.add_member(platform_pk=studio.pk, talent_pk=doctor.pk, role="member", joined_on=None, by=personas.medical_officer)
    client = login(personas.medical_officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("talents:detail", args=[doctor.pk])).status_code == 200
