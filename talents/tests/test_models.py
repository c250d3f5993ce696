"""Scope of every talents model, and plan-versus-actual in one query."""

from datetime import date

import pytest

from talents.models import ArtsOrganization, Membership, PlanLine, Platform, RecruitmentPlan, Talent
from talents.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    """An education talent in the county seat and one in 沙坪镇, a doctor, their platform,
    a plan and an arts organization in 天城镇."""
    tree = personas.tree
    teacher = b.talent(personas, "education", name="县城教师")
    rural_teacher = b.talent(personas, "education", region=tree.township_b, name="沙坪教师",
                             unit_obj=b.unit("education", tree.township_b, name="沙坪镇中心小学"))
    doctor = b.talent(personas, "medical", name="医生")
    studio = b.platform(personas, "medical", "doctor_studio", leader=doctor)
    plan = b.plan(personas, "medical")
    org = b.organization(personas, region=tree.township_a, name="天城镇提琴戏剧团")
    return {"teacher": teacher, "rural_teacher": rural_teacher, "doctor": doctor, "studio": studio, "plan": plan, "org": org}


def names(qs):
    return sorted(str(x) for x in qs)


def test_a_domain_officer_sees_only_their_domain_county_wide(personas, world):
    assert names(Talent.objects.visible_to(personas.domain_officer)) == ["县城教师", "沙坪教师"]


def test_another_domains_officer_sees_none_of_those_talents(personas, world):
    assert names(Talent.objects.visible_to(personas.medical_officer)) == ["医生"]


def test_county_staff_and_leaders_see_all_five_domains(personas, world):
    for user in (personas.county_staff, personas.leader, personas.admin):
        assert Talent.objects.visible_to(user).count() == 3


def test_a_township_officer_sees_only_talents_working_in_their_township(personas, world):
    assert names(Talent.objects.visible_to(personas.officer_b)) == ["沙坪教师"]
    assert not Talent.objects.visible_to(personas.officer_a).exists()


def test_platforms_follow_their_domain_and_host_unit(personas, world):
    assert Platform.objects.visible_to(personas.medical_officer).count() == 1
    assert not Platform.objects.visible_to(personas.domain_officer).exists()
    assert not Platform.objects.visible_to(personas.officer_a).exists()  # hosted in the county seat
    assert Membership.objects.visible_to(personas.medical_officer).count() == 1
    assert not Membership.objects.visible_to(personas.domain_officer).exists()


def test_plans_are_county_level_and_invisible_to_township_officers(personas, world):
    assert RecruitmentPlan.objects.visible_to(personas.medical_officer).count() == 1
    assert not RecruitmentPlan.objects.visible_to(personas.domain_officer).exists()
    assert not RecruitmentPlan.objects.visible_to(personas.officer_a).exists()
    assert PlanLine.objects.visible_to(personas.county_staff).count() == 1


def test_arts_organizations_belong_to_culture_and_their_township(personas, world):
    assert ArtsOrganization.objects.visible_to(personas.culture_officer).count() == 1
    assert ArtsOrganization.objects.visible_to(personas.officer_a).count() == 1
    assert not ArtsOrganization.objects.visible_to(personas.officer_b).exists()
    assert not ArtsOrganization.objects.visible_to(personas.domain_officer).exists()


def test_plan_versus_actual_is_one_query(personas, django_assert_num_queries):
    plan = b.plan(personas, "medical", lines=[(None, "专项招引", 3), (None, "定向招聘", 2)])
    first, second = plan.lines.order_by("pk")
    b.recruited(personas, plan_line=first)
    b.recruited(personas, plan_line=first)
    with django_assert_num_queries(1):
        rows = {line.channel.name: (line.planned, line.actual) for line in PlanLine.objects.filter(plan=plan).select_related("channel").with_actual()}
    assert rows == {"专项招引": (3, 2), "定向招聘": (2, 0)}


def test_tags_are_found_by_one_filter(personas):
    t = b.talent(personas, "culture", tags=",提琴戏,青年,")
    assert list(Talent.objects.with_tag("青年")) == [t]
    assert not Talent.objects.with_tag("青").exists()


def test_recruited_in_counts_by_recruitment_year(personas):
    b.recruited(personas, on=date(2024, 5, 1))
    b.talent(personas, "medical")
    assert Talent.objects.recruited_in(2024).count() == 1
