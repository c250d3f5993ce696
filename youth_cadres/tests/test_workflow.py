"""The bank's moves (推荐 → 考察 → 入库 → 任用 / 调出), who may make them, and the post
totals they keep."""

from datetime import date, timedelta

import pytest

from cadre_portal.models import Unit
from cadre_portal.testing import make_unit
from youth_cadres import workflow
from youth_cadres.models import Appointment, BankEntry, BankTransition, Post, PostHolding
from youth_cadres.tests.builders import bank_member, make_cadre, make_post
from youth_cadres.workflow import AlreadyHandled, WorkflowError

pytestmark = pytest.mark.django_db
S = BankEntry.Status


@pytest.fixture
def staff(personas):
    return personas.county_staff


@pytest.fixture
def unit(unit_contacts):
    return unit_contacts.unit_a


@pytest.fixture
def cadre(unit):
    return make_cadre(unit, birth=date(1991, 4, 1), post_level="142")


@pytest.fixture
def post(unit):
    return make_post(unit, "局长", level="141", headcount=1)


# --- recommend -----------------------------------------------------------------------------


def test_county_staff_recommend_a_cadre_with_a_transition_row(staff, cadre, post):
    entry = workflow.recommend(cadre=cadre, by=staff, source="department", target_posts=[post])
    assert entry.status == S.RECOMMENDED
    row = entry.transitions.get()
    assert (row.from_status, row.to_status, row.action, row.by) == ("", S.RECOMMENDED, "recommend", staff)


def test_a_cadre_is_recommended_only_once_while_open(staff, cadre):
    workflow.recommend(cadre=cadre, by=staff, source="department")
    with pytest.raises(WorkflowError, match="不能重复推荐"):
        workflow.recommend(cadre=cadre, by=staff, source="unit")
    assert BankEntry.objects.count() == 1


def test_a_cadre_outside_every_cohort_cannot_be_recommended(staff, unit):
    too_old = make_cadre(unit, birth=date(1978, 1, 1), post_level="141")
    with pytest.raises(WorkflowError, match="不符合入库类别"):
        workflow.recommend(cadre=too_old, by=staff, source="department")
    assert not BankEntry.objects.exists()


@pytest.mark.parametrize("who", ["leader", "officer_a", "domain_officer"])
def test_other_roles_cannot_recommend(personas, cadre, who):
    with pytest.raises(WorkflowError):
        workflow.recommend(cadre=cadre, by=getattr(personas, who), source="department")
    assert not BankEntry.objects.exists()


def test_a_unit_contact_cannot_recommend(unit_contacts, cadre):
    with pytest.raises(WorkflowError, match="县委组织部干部"):
        workflow.recommend(cadre=cadre, by=unit_contacts.contact_a, source="unit")


def test_a_recommendation_cannot_be_dated_in_the_future(staff, cadre):
    with pytest.raises(WorkflowError, match="推荐日期不能晚于今天"):
        workflow.recommend(cadre=cadre, by=staff, source="department", recommended_on=date.today() + timedelta(days=1))


# --- inspect and admit ------------------------------------------------------------------------


def test_admission_needs_a_target_post(staff, cadre):
    entry = bank_member(cadre, staff, status="inspecting")
    with pytest.raises(WorkflowError, match="培养目标岗位"):
        workflow.admit(entry=entry, by=staff, inspection_opinion="合格")
    entry.refresh_from_db()
    assert entry.status == S.INSPECTING


def test_admission_needs_an_inspection_opinion(staff, cadre, post):
    entry = bank_member(cadre, staff, posts=[post], status="inspecting")
    with pytest.raises(WorkflowError, match="考察意见"):
        workflow.admit(entry=entry, by=staff, inspection_opinion="  ")


def test_admission_counts_the_member_on_each_target_post(staff, cadre, post, unit):
    other = make_post(unit, "副局长")
    entry = bank_member(cadre, staff, posts=[post, other])
    assert entry.status == S.IN_BANK and entry.entry_date == date.today()
    assert list(Post.objects.order_by("pk").values_list("candidate_count", flat=True)) == [1, 1]
    assert entry.transitions.last().opinion.startswith("培养类别：90后副科")


def test_inspection_cannot_start_twice(staff, cadre):
    entry = bank_member(cadre, staff, status="inspecting")
    with pytest.raises(AlreadyHandled):
        workflow.start_inspection(entry=entry, by=staff)


def test_only_a_recommended_cadre_can_be_admitted(staff, cadre, post):
    entry = bank_member(cadre, staff, posts=[post], status="recommended")
    with pytest.raises(WorkflowError, match="不能办理“考察合格，入库”"):
        workflow.admit(entry=entry, by=staff, inspection_opinion="合格")


# --- targets, key mark, transfer ---------------------------------------------------------------------


def test_changing_targets_moves_the_counts(staff, cadre, post, unit):
    other = make_post(unit, "副局长")
    entry = bank_member(cadre, staff, posts=[post])
    workflow.set_targets(entry=entry, by=staff, posts=[other])
    assert dict(Post.objects.values_list("title", "candidate_count")) == {"局长": 0, "副局长": 1}


def test_key_training_mark_is_a_transition(staff, cadre, post):
    entry = bank_member(cadre, staff, posts=[post])
    workflow.set_key_training(entry=entry, by=staff, key_training=True)
    entry.refresh_from_db()
    assert entry.key_training and entry.key_training_since == date.today()
    assert entry.transitions.last().action == "mark"


def test_transfer_needs_a_reason_and_frees_the_target(staff, cadre, post):
    entry = bank_member(cadre, staff, posts=[post])
    with pytest.raises(WorkflowError, match="调出理由"):
        workflow.transfer_out(entry=entry, by=staff, reason="")
    workflow.transfer_out(entry=entry, by=staff, reason="调任市直单位")
    entry.refresh_from_db()
    post.refresh_from_db()
    assert (entry.status, entry.exit_reason, post.candidate_count) == (S.TRANSFERRED, "调任市直单位", 0)


def test_a_transferred_cadre_can_be_recommended_again(staff, cadre):
    entry = bank_member(cadre, staff, status="recommended")
    workflow.transfer_out(entry=entry, by=staff, reason="考察未通过")
    again = workflow.recommend(cadre=cadre, by=staff, source="department")
    assert again.status == S.RECOMMENDED


# --- appointment ------------------------------------------------------------------------------------


def test_appointment_fills_the_post_and_moves_the_file(staff, cadre, post, unit):
    old = make_post(unit, "副局长")
    workflow.add_holder(post=old, cadre=cadre, by=staff, start=date(2020, 1, 1))
    entry = bank_member(cadre, staff, posts=[post])
    appointment = workflow.appoint(entry=entry, by=staff, post=post, appointed_on=date.today(), removed_post="副局长", reason="工作需要")
    entry.refresh_from_db()
    cadre.refresh_from_db()
    assert entry.status == S.APPOINTED and entry.exit_date == date.today()
    assert dict(Post.objects.values_list("title", "holder_count")) == {"局长": 1, "副局长": 0}
    assert (cadre.current_post, cadre.post_level, cadre.level_since) == (post.full_title, "141", date.today())
    assert appointment.previous_post.endswith("副职") and not appointment.cross_team
    assert PostHolding.objects.get(cadre=cadre, end__isnull=True).post == post


def test_appointment_across_the_three_teams_is_flagged(staff, cadre, personas):
    company = make_unit("崇阳县城市建设投资有限公司", personas.tree.county, kind=Unit.Kind.STATE_ENTERPRISE)
    manager = make_post(company, "副总经理", level="142", headcount=1)
    entry = bank_member(cadre, staff, posts=[manager])
    appointment = workflow.appoint(entry=entry, by=staff, post=manager, appointed_on=date.today())
    cadre.refresh_from_db()
    assert appointment.cross_team and cadre.unit == company
    assert "跨“三支队伍”：机关→企业" in entry.transitions.last().opinion


def test_appointing_to_a_full_post_is_refused_and_writes_nothing(staff, cadre, post, unit):
    holder = make_cadre(unit, birth=date(1975, 1, 1), post_level="141")
    workflow.add_holder(post=post, cadre=holder, by=staff, start=date(2019, 1, 1))
    entry = bank_member(cadre, staff, posts=[post])
    with pytest.raises(WorkflowError, match="已无空缺"):
        workflow.appoint(entry=entry, by=staff, post=post, appointed_on=date.today())
    entry.refresh_from_db()
    assert entry.status == S.IN_BANK and not Appointment.objects.exists()
    assert Post.objects.get(pk=post.pk).holder_count == 1


def test_appointing_a_cadre_already_appointed_is_refused(staff, cadre, post, unit):
    entry = bank_member(cadre, staff, posts=[post])
    workflow.appoint(entry=entry, by=staff, post=post, appointed_on=date.today())
    other = make_post(unit, "副局长")
    with pytest.raises(AlreadyHandled, match="已办理"):
        workflow.appoint(entry=entry, by=staff, post=other, appointed_on=date.today())
    assert Appointment.objects.count() == 1


def test_appointment_cannot_precede_bank_entry(staff, cadre, post):
    entry = bank_member(cadre, staff, posts=[post])
    with pytest.raises(WorkflowError, match="不能早于入库日期"):
        workflow.appoint(entry=entry, by=staff, post=post, appointed_on=date.today() - timedelta(days=1))


def test_the_count_appointed_from_the_bank_in_a_date_range_is_one_query(staff, unit, django_assert_num_queries):
    for i in range(3):
        c = make_cadre(unit, birth=date(1992, 1, 1 + i))
        p = make_post(unit, f"岗位{i}", headcount=1)
        workflow.appoint(entry=bank_member(c, staff, posts=[p]), by=staff, post=p, appointed_on=date.today())
    with django_assert_num_queries(1):
        n = Appointment.objects.visible_to(staff).from_bank().between(date.today() - timedelta(days=1), date.today()).count()
    assert n == 3


# --- holders and headcount --------------------------------------------------------------------------------


def test_a_post_never_gets_more_holders_than_its_headcount(staff, post, unit):
    a, b = make_cadre(unit, birth=date(1970, 1, 1)), make_cadre(unit, birth=date(1971, 1, 1))
    workflow.add_holder(post=post, cadre=a, by=staff, start=date(2020, 1, 1))
    with pytest.raises(WorkflowError, match="核定职数 1 名，现任 1 名"):
        workflow.add_holder(post=post, cadre=b, by=staff, start=date(2020, 1, 1))
    assert PostHolding.objects.count() == 1


def test_ending_a_holding_opens_the_vacancy(staff, post, unit):
    a = make_cadre(unit, birth=date(1970, 1, 1))
    holding = workflow.add_holder(post=post, cadre=a, by=staff, start=date(2020, 1, 1))
    workflow.end_holding(holding=holding, by=staff, on=date.today(), reason="到龄退出领导岗位")
    post.refresh_from_db()
    assert post.holder_count == 0 and post.vacancies == 1


def test_recount_finds_and_fixes_a_drifted_total(staff, post, unit):
    Post.objects.filter(pk=post.pk).update(candidate_count=5)
    assert workflow.recount_posts() == [{"post": post.pk, "stored": (0, 5), "expected": (0, 0)}]
    workflow.recount_posts(fix=True)
    assert workflow.recount_posts() == []


def test_every_move_writes_exactly_one_transition(staff, cadre, post):
    entry = bank_member(cadre, staff, posts=[post])
    workflow.appoint(entry=entry, by=staff, post=post, appointed_on=date.today())
    actions = list(BankTransition.objects.filter(entry=entry).values_list("action", flat=True))
    assert actions == ["recommend", "inspect", "admit", "appoint"]


def test_the_recount_command_reports_drift_and_fixes_it(staff, post, capsys):
    from django.core.management import call_command

    Post.objects.filter(pk=post.pk).update(candidate_count=3)
    with pytest.raises(SystemExit):
        call_command("recount_posts")
    call_command("recount_posts", "--fix")
    assert Post.objects.get(pk=post.pk).candidate_count == 0
    call_command("recount_posts")
    assert "一致" in capsys.readouterr().out
