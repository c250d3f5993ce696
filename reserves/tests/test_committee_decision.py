"""乡镇党委审议 records 同意 or 不同意/退回重新考察 with its opinion."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from reserves import workflow
from reserves.models import Candidate, FinalInspection
from reserves.tests import builders as b
from reserves.workflow import BatchItem, WorkflowError

pytestmark = pytest.mark.django_db
S = Candidate.Stage
A = workflow.Action


def _inspected(personas, **fields):
    c = b.ended_training(personas, **fields)
    workflow.record_final_inspection(candidate=c, by=personas.officer_a, inspected_on=date.today(), summary="合格",
                                     recommendation="pool")
    return Candidate.objects.get(pk=c.pk)


def test_agreement_sends_the_file_to_the_county(personas):
    c = _inspected(personas)
    workflow.record_committee_decision(candidate=c, by=personas.officer_a, committee_date=date.today(), opinion="同意")
    c.refresh_from_db()
    assert c.stage == S.COMMITTEE_APPROVED and c.final_inspection.committee_decision == "agree"


def test_disagreement_sends_the_file_back_to_the_townships_inspection(personas):
    c = _inspected(personas)
    workflow.record_committee_decision(candidate=c, by=personas.officer_a, committee_date=date.today(),
                                       opinion="群众评议材料不充分", decision="disagree")
    c.refresh_from_db()
    assert c.stage == S.TRAINING
    assert c.final_inspection.committee_decision == "disagree" and c.final_inspection.committee_opinion == "群众评议材料不充分"
    row = c.transitions.last()
    assert row.action == "committee_return" and "群众评议材料不充分" in row.opinion


def test_after_disagreement_the_township_inspects_again(personas):
    c = _inspected(personas)
    workflow.record_committee_decision(candidate=c, by=personas.officer_a, committee_date=date.today(), opinion="重新考察",
                                       decision="disagree")
    c.refresh_from_db()
    assert "final_inspect" in [a.key for a in workflow.available_actions(c, personas.officer_a) if a.allowed]
    workflow.record_final_inspection(candidate=c, by=personas.officer_a, inspected_on=date.today(), summary="重新考察合格",
                                     recommendation="pool")
    assert Candidate.objects.get(pk=c.pk).stage == S.FINAL_INSPECTED
    assert FinalInspection.objects.get(candidate=c).committee_decision == ""


def test_the_decision_needs_an_opinion_and_a_date_not_in_the_future(personas):
    c = _inspected(personas)
    with pytest.raises(WorkflowError, match="审议意见"):
        workflow.record_committee_decision(candidate=c, by=personas.officer_a, committee_date=date.today(), opinion="",
                                           decision="disagree")
    with pytest.raises(WorkflowError, match="不能晚于今天"):
        workflow.record_committee_decision(candidate=c, by=personas.officer_a, committee_date=date.today() + timedelta(days=1),
                                           opinion="同意")
    assert Candidate.objects.get(pk=c.pk).stage == S.FINAL_INSPECTED


def test_the_form_records_a_disagreement(personas, login):
    c = _inspected(personas)
    data = {"decision": "disagree", "committee_date": date.today().isoformat(), "opinion": "退回重新考察"}
    response = login(personas.officer_a).post(reverse("reserves:act", args=[c.pk, "committee"]), data)
    assert response.status_code == 302
    assert Candidate.objects.get(pk=c.pk).stage == S.TRAINING


def test_the_committee_return_is_not_a_button_of_its_own(personas):
    c = _inspected(personas)
    keys = [a.key for a in workflow.available_actions(c, personas.officer_a)]
    assert "committee" in keys and "committee_return" not in keys


def test_a_batch_records_agreement_with_a_disagreement_as_an_exception(personas):
    agreed = _inspected(personas)
    returned = _inspected(personas, name="王五")
    workflow.run_batch(items=[
        BatchItem(agreed, A.COMMITTEE, "同意", {"committee_date": date.today()}),
        BatchItem(returned, A.COMMITTEE_RETURN, "考察不充分", {"committee_date": date.today()}),
    ], by=personas.officer_a, title="镇党委会议")
    assert Candidate.objects.get(pk=agreed.pk).stage == S.COMMITTEE_APPROVED
    assert Candidate.objects.get(pk=returned.pk).stage == S.TRAINING
    assert FinalInspection.objects.get(candidate=returned).committee_decision == "disagree"


def test_the_committee_queue_offers_disagreement(personas, login):
    _inspected(personas)
    page = login(personas.officer_a).get(
        reverse("reserves:review_village", args=["committee", personas.tree.village_a1.pk])).content.decode()
    assert "不同意，退回重新考察" in page
