"""Business rules of the talents' writes: domains never mix, dates agree with plans,
only the domain's own department writes, and every write says who made it."""

from datetime import date, timedelta

import pytest

from cadre_portal.testing import make_id_number
from talents import services
from talents.models import Membership, PlanLine, Support, Talent, TalentStatusChange
from talents.tests import builders as b
from talents.workflow import WorkflowError

pytestmark = pytest.mark.django_db
THIS_YEAR = date.today().year


def _new(personas, domain="medical", **fields):
    values = {"name": "王医生", "id_number": make_id_number(), "category": b.category(domain),
              "unit": b.unit(domain, personas.tree.county), "details": dict(b.DEFAULT_DETAILS.get(domain, {}))}
    values.update(fields)
    return Talent(domain=domain, **values)


# --- who writes ------------------------------------------------------------------------------


def test_a_domain_officer_adds_a_talent_and_history_names_them(personas):
    t = b.talent(personas, "medical")
    assert t.history.first().history_user == personas.medical_officer
    assert t.created_by == personas.medical_officer


def test_adding_a_talent_writes_the_first_status_row(personas):
    t = b.talent(personas, "medical")
    row = TalentStatusChange.objects.get(talent=t)
    assert (row.from_status, row.to_status, row.by) == ("", "on_post", personas.medical_officer)


@pytest.mark.parametrize("who", ["county_staff", "leader", "officer_a", "admin", "domain_officer"])
def test_nobody_but_the_domains_own_officer_adds_to_its_registry(personas, who):
    with pytest.raises(WorkflowError):
        services.create_talent(talent=_new(personas, "medical"), by=getattr(personas, who))
    assert not Talent.objects.exists()


# --- domains never mix ---------------------------------------------------------------------------


def test_a_category_of_another_domain_is_refused(personas):
    problems = services.talent_problems(_new(personas, "medical", category=b.category("education")))
    assert problems["category"] == "该人才类别不属于医疗领域，请从本领域的类别中选择。"


def test_a_unit_of_another_domain_is_refused(personas):
    problems = services.talent_problems(_new(personas, "medical", unit=b.unit("education", personas.tree.county)))
    assert problems["unit"] == "请选择医疗领域的单位。"


def test_a_duplicate_resident_id_in_the_same_domain_is_refused(personas):
    first = b.talent(personas, "medical", name="张三")
    with pytest.raises(WorkflowError, match="该身份证号码已在本领域人才库中（张三）"):
        services.create_talent(talent=_new(personas, "medical", id_number=first.id_number), by=personas.medical_officer)


def test_the_same_person_may_be_a_talent_of_two_domains(personas):
    doctor = b.talent(personas, "medical")
    artist = b.talent(personas, "culture", id_number=doctor.id_number)
    assert artist.pk and artist.id_number == doctor.id_number


def test_the_workplace_region_is_the_units(personas):
    rural = b.unit("medical", personas.tree.township_b, name="沙坪镇卫生院")
    t = b.talent(personas, "medical", unit_obj=rural)
    assert t.region == personas.tree.township_b


def test_without_a_unit_the_workplace_must_be_given(personas):
    problems = services.talent_problems(_new(personas, "agriculture", unit=None, workplace="茅井村家庭农场"))
    assert "region" in problems


def test_a_locally_cultivated_talent_keeps_no_recruitment_data(personas):
    t = b.talent(personas, "medical", channel=b.channel(), recruited_on=date(2024, 1, 1))
    assert t.channel is None and t.recruited_on is None


def test_a_recruited_talent_needs_channel_and_date(personas):
    problems = services.talent_problems(_new(personas, origin=Talent.Origin.RECRUITED))
    assert problems["channel"] == "招引人才须填写招引渠道。" and problems["recruited_on"] == "招引人才须填写招引日期。"


def test_a_recruitment_date_in_the_future_is_refused(personas):
    t = _new(personas, origin=Talent.Origin.RECRUITED, channel=b.channel(), recruited_on=date.today() + timedelta(days=1))
    assert services.talent_problems(t)["recruited_on"] == "招引日期不能晚于今天。"


def test_a_served_unit_must_belong_to_the_domain(personas):
    t = _new(personas, "education", served_unit=b.unit("medical", personas.tree.county))
    assert services.talent_problems(t)["served_unit"] == "请选择教育领域的单位。"


def test_a_domain_without_served_units_refuses_one(personas):
    t = _new(personas, "culture", served_unit=b.unit("culture", personas.tree.township_a, name="天城镇文化站"))
    assert services.talent_problems(t)["served_unit"] == "文化领域不登记服务单位。"


# --- plans ------------------------------------------------------------------------------------


def test_a_recruitment_date_outside_the_plans_year_is_refused(personas):
    plan = b.plan(personas, "medical", year=THIS_YEAR)
    line = plan.lines.get()
    t = _new(personas, origin=Talent.Origin.RECRUITED, channel=line.channel, recruited_on=date(THIS_YEAR - 1, 6, 1), plan_line=line)
    assert services.talent_problems(t)["recruited_on"] == f"招引日期（{THIS_YEAR - 1}年06月01日）不在招引计划年度（{THIS_YEAR}年）内。"


def test_a_plan_line_of_another_channel_is_refused(personas):
    line = b.plan(personas, "medical").lines.get()
    t = _new(personas, origin=Talent.Origin.RECRUITED, channel=b.channel("定向招聘"), recruited_on=date(THIS_YEAR, 1, 2), plan_line=line)
    assert "招引渠道为“专项招引”" in services.talent_problems(t)["plan_line"]


def test_a_second_plan_for_the_same_year_is_refused(personas):
    b.plan(personas, "medical")
    from talents.models import RecruitmentPlan

    with pytest.raises(WorkflowError, match="已经建立"):
        services.save_plan(plan=RecruitmentPlan(domain="medical", year=THIS_YEAR), lines=[], by=personas.medical_officer)


def test_a_plan_line_with_recruited_talents_cannot_be_removed(personas):
    plan = b.plan(personas, "medical")
    b.recruited(personas, plan_line=plan.lines.get())
    with pytest.raises(WorkflowError, match="已有 1 名招引人才计入"):
        services.save_plan(plan=plan, lines=[], by=personas.medical_officer)
    assert PlanLine.objects.filter(plan=plan).count() == 1


def test_plan_lines_are_updated_in_place(personas):
    plan = b.plan(personas, "medical", lines=[(None, "专项招引", 3)])
    line = plan.lines.get()
    b.plan(personas, "medical", lines=[(None, "专项招引", 5), (None, "定向培养", 2)])
    assert PlanLine.objects.get(pk=line.pk).planned == 5
    assert plan.lines.count() == 2


def test_a_plan_with_another_domains_category_is_refused(personas):
    from talents.models import RecruitmentPlan

    with pytest.raises(WorkflowError, match="不是医疗领域的人才类别"):
        services.save_plan(plan=RecruitmentPlan(domain="medical", year=THIS_YEAR),
                           lines=[{"category": b.category("education"), "channel": b.channel(), "planned": 2}],
                           by=personas.medical_officer)


# --- platforms ------------------------------------------------------------------------------------


def test_a_platform_member_outside_the_platforms_domain_is_refused(personas):
    studio = b.platform(personas, "medical", "doctor_studio")
    teacher = b.talent(personas, "education")
    with pytest.raises(WorkflowError, match="请选择医疗领域人才库中的人才"):
        services.add_member(platform_pk=studio.pk, talent_pk=teacher.pk, role="member", joined_on=None, by=personas.medical_officer)
    assert not Membership.objects.exists()


def test_a_platform_kind_of_another_domain_is_refused(personas):
    with pytest.raises(WorkflowError, match="医疗领域没有“名师工作室”这类平台"):
        b.platform(personas, "medical", "teacher_studio")


def test_the_leader_is_a_current_lead_member(personas):
    doctor = b.talent(personas, "medical")
    studio = b.platform(personas, "medical", "doctor_studio", leader=doctor)
    assert studio.memberships.get().role == Membership.Role.LEAD


def test_adding_a_new_lead_makes_the_old_one_a_core_member(personas):
    old, new = b.talent(personas, "medical"), b.talent(personas, "medical")
    studio = b.platform(personas, "medical", "doctor_studio", leader=old)
    services.add_member(platform_pk=studio.pk, talent_pk=new.pk, role="lead", joined_on=None, by=personas.medical_officer)
    studio.refresh_from_db()
    assert studio.leader == new
    assert studio.memberships.get(talent=old).role == Membership.Role.CORE


def test_a_member_leaves_and_may_join_again(personas):
    doctor = b.talent(personas, "medical")
    studio = b.platform(personas, "medical", "doctor_studio")
    m = services.add_member(platform_pk=studio.pk, talent_pk=doctor.pk, role="member", joined_on=date(2024, 1, 1), by=personas.medical_officer)
    services.end_membership(membership_pk=m.pk, left_on=date(2024, 6, 1), by=personas.medical_officer)
    with pytest.raises(WorkflowError, match="已于2024年06月01日退出"):
        services.end_membership(membership_pk=m.pk, left_on=date(2024, 7, 1), by=personas.medical_officer)
    again = services.add_member(platform_pk=studio.pk, talent_pk=doctor.pk, role="core", joined_on=date(2025, 1, 1), by=personas.medical_officer)
    assert again.pk == m.pk and again.left_on is None


def test_a_member_cannot_leave_before_joining(personas):
    doctor = b.talent(personas, "medical")
    studio = b.platform(personas, "medical", "doctor_studio")
    m = services.add_member(platform_pk=studio.pk, talent_pk=doctor.pk, role="member", joined_on=date(2024, 1, 1), by=personas.medical_officer)
    with pytest.raises(WorkflowError, match="不能早于加入日期"):
        services.end_membership(membership_pk=m.pk, left_on=date(2023, 1, 1), by=personas.medical_officer)


def test_another_domains_officer_cannot_touch_a_platform(personas):
    studio = b.platform(personas, "medical", "doctor_studio")
    doctor = b.talent(personas, "medical")
    with pytest.raises(WorkflowError, match="不存在或不在您的管辖范围内"):
        services.add_member(platform_pk=studio.pk, talent_pk=doctor.pk, role="member", joined_on=None, by=personas.domain_officer)


# --- supports and organizations ---------------------------------------------------------------------------


def test_support_is_recorded_for_agricultural_talents(personas):
    farmer = b.talent(personas, "agriculture", details={"industry": "02"})
    s = services.add_support(talent_pk=farmer.pk, support=Support(date=date(2025, 3, 1), kind="subsidy", amount=20000),
                             by=personas.agriculture_officer)
    assert s.recorded_by == personas.agriculture_officer and farmer.supports.count() == 1


def test_support_is_not_a_thing_of_the_education_registry(personas):
    teacher = b.talent(personas, "education")
    with pytest.raises(WorkflowError, match="教育领域不登记扶持情况"):
        services.add_support(talent_pk=teacher.pk, support=Support(date=date(2025, 3, 1), kind="subsidy"), by=personas.domain_officer)


def test_an_activity_before_the_organization_was_founded_is_refused(personas):
    from talents.models import OrgActivity

    org = b.organization(personas, founded_on=date(2020, 1, 1))
    with pytest.raises(WorkflowError, match="不能早于组织成立日期"):
        services.add_activity(organization_pk=org.pk, activity=OrgActivity(date=date(2019, 1, 1), title="演出"), by=personas.culture_officer)


def test_a_new_organization_starts_registered_with_a_state_row(personas):
    org = b.organization(personas)
    assert org.state == "registered" and org.state_changes.get().to_state == "registered"
