"""The retention workflow: care, interviews moving the next-due date, demands to closure,
measures resolving many at once, retained/lost — and every bad input of issue 9 refused
in Chinese with nothing written."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cadre_portal.models import AuditEvent
from cadre_portal.notifications.models import OutboxMessage
from youth_cadres.retention import codes, workflow
from youth_cadres.retention.models import CareRecord, CareTransition, Demand, DemandTransition, Interview, Measure
from youth_cadres.retention.tests.builders import (
    category,
    demand,
    interview,
    new_demand,
    reserve_care,
    youth_care,
    youth_person,
)
from youth_cadres.retention.workflow import WorkflowError

TODAY = date.today()


@pytest.fixture
def care(personas, unit_contacts):
    return youth_care(personas, unit_contacts.unit_a, entered_on=TODAY - timedelta(days=365), interval_months=6)


# --- care and the interview cycle ----------------------------------------------------------------


def test_enrolment_sets_the_first_interview_one_interval_after_entering_care(care):
    assert care.next_due == workflow.next_due_after(TODAY - timedelta(days=365), 6)
    assert care.transitions.get().action == CareTransition.Action.ENROL


def test_the_default_interval_is_the_administrators_for_the_registry(personas, unit_contacts):
    from youth_cadres.retention.models import IntervalDefault

    IntervalDefault.objects.update_or_create(registry="youth", cohort="", defaults={"months": 4})
    care = youth_care(personas, unit_contacts.unit_a)
    assert care.interval_months == 4


def test_a_person_is_under_care_only_once(personas, unit_contacts, care):
    with pytest.raises(WorkflowError, match="已在留才关怀对象中"):
        workflow.enrol(by=personas.county_staff, cadre=care.cadre)
    assert CareRecord.objects.count() == 1


def test_a_cadre_outside_the_bank_cannot_be_enrolled(personas, unit_contacts):
    from youth_cadres.tests.builders import make_cadre

    with pytest.raises(WorkflowError, match="不是优秀年轻干部库在库人员"):
        workflow.enrol(by=personas.county_staff, cadre=make_cadre(unit_contacts.unit_a))
    assert not CareRecord.objects.exists()


def test_a_draft_reserve_cadre_cannot_be_enrolled(personas):
    from reserves.tests.builders import draft

    with pytest.raises(WorkflowError, match="培养中或储备库"):
        workflow.enrol(by=personas.county_staff, candidate=draft(personas))


def test_a_reserve_cadre_in_training_can_be_enrolled(personas):
    care = reserve_care(personas)
    assert care.registry == "reserves" and care.region == personas.tree.village_a1


def test_an_interview_moves_the_next_due_date_one_interval_forward(personas, care):
    held = TODAY - timedelta(days=3)
    interview(personas, care, held_on=held)
    care.refresh_from_db()
    assert care.last_interview_on == held
    assert care.next_due == workflow.next_due_after(held, 6)


def test_an_older_interview_recorded_late_does_not_move_the_due_date_back(personas, care):
    interview(personas, care, held_on=TODAY - timedelta(days=3), intention="wants_to_leave")
    interview(personas, care, held_on=TODAY - timedelta(days=60), intention="settled")
    care.refresh_from_db()
    assert care.next_due == workflow.next_due_after(TODAY - timedelta(days=3), 6)
    assert care.intention == "wants_to_leave"


def test_changing_the_interval_recomputes_the_due_date(personas, care):
    workflow.change_interval(care=care, by=personas.county_staff, interval_months=3)
    care.refresh_from_db()
    assert care.next_due == workflow.next_due_after(care.entered_on, 3)


def test_an_interview_dated_in_the_future_is_refused_and_nothing_written(personas, care):
    with pytest.raises(WorkflowError, match="访谈日期不能晚于今天"):
        interview(personas, care, held_on=TODAY + timedelta(days=1), demands=[new_demand(personas)])
    assert not Interview.objects.exists() and not Demand.objects.exists()


def test_an_interview_before_the_person_entered_care_is_refused(personas, care):
    with pytest.raises(WorkflowError, match="不能早于纳入关怀日期"):
        interview(personas, care, held_on=care.entered_on - timedelta(days=1))
    assert not Interview.objects.exists()


def test_an_interview_with_a_bad_demand_writes_nothing(personas, care):
    bad = new_demand(personas, content="  ")
    with pytest.raises(WorkflowError, match="请填写诉求内容"):
        interview(personas, care, demands=[new_demand(personas), bad])
    assert not Interview.objects.exists() and not Demand.objects.exists()
    care.refresh_from_db()
    assert care.last_interview_on is None


def test_a_leader_cannot_record_an_interview(personas, care):
    with pytest.raises(WorkflowError, match="只读"):
        workflow.record_interview(care=care, by=personas.leader, held_on=TODAY, interviewer=personas.leader,
                                  state_of_mind="好", intention="settled")


def test_a_township_officer_cannot_write_even_for_their_own_reserve_cadre(personas):
    care = reserve_care(personas)
    with pytest.raises(WorkflowError, match="县委组织部干部办理"):
        workflow.record_interview(care=care, by=personas.officer_a, held_on=TODAY, interviewer=personas.officer_a,
                                  state_of_mind="好", intention="settled")


# --- demands ------------------------------------------------------------------------------------


def test_an_interview_raising_a_demand_tells_its_owner_through_the_outbox(personas, care):
    from cadre_portal.testing import make_user

    owner = make_user("owner2", "county_staff", personas.tree.county)
    interview(personas, care, demands=[new_demand(personas, owner=owner)])
    d = Demand.objects.get()
    assert d.status == "raised" and d.interview is not None
    assert d.transitions.get().action == "raise"
    assert OutboxMessage.objects.filter(handler="notifications.notify", kwargs__recipient_ids=[owner.pk]).exists()


def test_a_demand_goes_raised_handling_resolved_with_dated_notes(personas, care):
    d = demand(personas, care)
    workflow.add_action(demand=d, by=personas.county_staff, on=TODAY, note="已联系住建局协调周转房。")
    d.refresh_from_db()
    assert d.status == "handling"
    workflow.resolve(demand=d, by=personas.county_staff, resolution="已分配周转房一套。")
    d.refresh_from_db()
    assert (d.status, d.closed_on, d.resolution) == ("resolved", TODAY, "已分配周转房一套。")
    assert list(d.transitions.values_list("to_status", flat=True)) == ["raised", "handling", "resolved"]
    assert d.actions.count() == 1


def test_closing_a_demand_without_a_resolution_is_refused(personas, care):
    d = demand(personas, care)
    with pytest.raises(WorkflowError, match="请填写办理结果"):
        workflow.resolve(demand=d, by=personas.county_staff, resolution="  ")
    d.refresh_from_db()
    assert d.status == "raised" and d.transitions.count() == 1


def test_unresolvable_needs_a_reason(personas, care):
    d = demand(personas, care)
    with pytest.raises(WorkflowError, match="请填写原因"):
        workflow.refuse(demand=d, by=personas.county_staff, reason="")
    workflow.refuse(demand=d, by=personas.county_staff, reason="不符合政策规定。")
    d.refresh_from_db()
    assert d.status == "unresolvable"


def test_a_closed_demand_cannot_be_closed_again(personas, care):
    d = demand(personas, care)
    workflow.resolve(demand=d, by=personas.county_staff, resolution="已解决。")
    with pytest.raises(workflow.AlreadyHandled):
        workflow.refuse(demand=d, by=personas.county_staff, reason="重复")
    assert DemandTransition.objects.filter(demand=d, to_status__in=["resolved", "unresolvable"]).count() == 1


def test_a_pay_demand_resolved_records_the_monthly_rise(personas, care):
    d = demand(personas, care, codes.PAY)
    with pytest.raises(WorkflowError, match="增资金额"):
        workflow.resolve(demand=d, by=personas.county_staff, resolution="已晋升职级。")
    workflow.resolve(demand=d, by=personas.county_staff, resolution="已晋升职级。", pay_rise="600")
    d.refresh_from_db()
    assert d.pay_rise == Decimal("600.00")


def test_a_due_date_before_the_demand_was_raised_is_refused(personas, care):
    with pytest.raises(WorkflowError, match="办理期限不能早于"):
        demand(personas, care, raised_on=TODAY - timedelta(days=5), due_on=TODAY - timedelta(days=6))
    assert not Demand.objects.exists()


# --- measures -----------------------------------------------------------------------------------


def test_an_allowance_measure_resolves_many_peoples_demands_at_once(personas, unit_contacts, care):
    other = youth_care(personas, unit_contacts.unit_b)
    demands = [demand(personas, c, codes.ALLOWANCE) for c in (care, other)]
    measure = workflow.create_measure(by=personas.county_staff, title="提高乡镇工作补贴", category=category(codes.ALLOWANCE),
                                      effective_on=TODAY, amount_before=300, amount_after=500, demands=demands)
    assert set(Demand.objects.values_list("status", flat=True)) == {"resolved"}
    assert set(Demand.objects.values_list("measure", flat=True)) == {measure.pk}
    assert DemandTransition.objects.filter(action="measure").count() == 2
    assert "由每月300元调整为每月500元" in Demand.objects.first().resolution


def test_an_allowance_measure_lower_after_than_before_needs_a_reason(personas):
    kwargs = dict(by=personas.county_staff, title="调整补贴", category=category(codes.ALLOWANCE), effective_on=TODAY,
                  amount_before=500, amount_after=400)
    with pytest.raises(WorkflowError, match="请说明理由"):
        workflow.create_measure(**kwargs)
    assert not Measure.objects.exists()
    workflow.create_measure(**kwargs, reduction_reason="并入绩效奖励统一发放。")
    assert Measure.objects.count() == 1


def test_an_allowance_measure_needs_both_amounts(personas):
    with pytest.raises(WorkflowError, match="请填写调整后金额"):
        workflow.create_measure(by=personas.county_staff, title="补贴", category=category(codes.ALLOWANCE),
                                effective_on=TODAY, amount_before=300)


def test_a_measure_only_resolves_demands_of_its_category(personas, care):
    d = demand(personas, care, codes.HOUSING)
    with pytest.raises(WorkflowError, match="与措施类别"):
        workflow.create_measure(by=personas.county_staff, title="补贴", category=category(codes.ALLOWANCE),
                                effective_on=TODAY, amount_before=300, amount_after=500, demands=[d])
    assert not Measure.objects.exists()
    d.refresh_from_db()
    assert d.status == "raised"


# --- outcomes -----------------------------------------------------------------------------------


def test_a_person_who_meant_to_leave_is_recorded_as_retained(personas, care):
    interview(personas, care, intention="wants_to_leave")
    interview(personas, care, intention="settled", held_on=TODAY - timedelta(days=2))
    workflow.record_retained(care=care, by=personas.county_staff, on=TODAY, note="解决住房后安心留任。")
    care.refresh_from_db()
    assert (care.outcome, care.outcome_on, care.status) == ("retained", TODAY, "active")
    assert care.transitions.filter(action="retain", on=TODAY).exists()
    assert AuditEvent.objects.filter(detail__action="retain").exists()


def test_retained_is_refused_for_someone_who_never_meant_to_leave(personas, care):
    interview(personas, care, intention="settled")
    with pytest.raises(WorkflowError, match="从未在访谈中表达离开意向"):
        workflow.record_retained(care=care, by=personas.county_staff, on=TODAY, note="关心关爱")
    care.refresh_from_db()
    assert care.outcome == "" and not care.transitions.filter(action="retain").exists()


def test_a_lost_person_is_recorded_with_the_destination_and_their_care_ends(personas, care):
    with pytest.raises(WorkflowError, match="请填写流失去向"):
        workflow.record_lost(care=care, by=personas.county_staff, on=TODAY, destination="")
    workflow.record_lost(care=care, by=personas.county_staff, on=TODAY, destination="考入省直机关")
    care.refresh_from_db()
    assert (care.outcome, care.status, care.next_due, care.destination) == ("lost", "ended", None, "考入省直机关")


def test_the_same_outcome_twice_is_already_handled(personas, care):
    interview(personas, care, intention="asked_transfer")
    workflow.record_retained(care=care, by=personas.county_staff, on=TODAY, note="协调解决配偶工作。")
    with pytest.raises(workflow.AlreadyHandled):
        workflow.record_retained(care=care, by=personas.county_staff, on=TODAY, note="再次")


def test_a_person_of_the_bank_may_be_found_by_name(personas, unit_contacts):
    cadre = youth_person(personas, unit_contacts.unit_a, name="欧阳明")
    care = workflow.enrol(by=personas.county_staff, cadre=cadre)
    assert care.name == "欧阳明" and care.workplace == unit_contacts.unit_a.name
