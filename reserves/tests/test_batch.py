"""Batches at county scale: a village's list decided at once, all or none, with the
reasons shown; review queues that move on to the next village."""

from datetime import date

import pytest
from django.urls import reverse

from cadre_portal.models import AuditEvent
from reserves import workflow
from reserves.models import Candidate, Transition
from reserves.tests import builders as b
from reserves.workflow import BatchItem

S = Candidate.Stage
A = Transition.Action
pytestmark = pytest.mark.django_db


def _submitted(personas, n, village=None, prefix="王"):
    village = village or personas.tree.village_a1
    people = [b.draft(personas, village, name=f"{prefix}{'一二三四五六七'[i]}") for i in range(n)]
    workflow.submit_nominations(candidates=people, by=b.officer_for(personas, people[0]), reason="测试")
    return list(Candidate.objects.filter(pk__in=[p.pk for p in people]).select_related("village__parent").order_by("pk"))


def _stages(people):
    return [Candidate.objects.get(pk=p.pk).stage for p in people]


# --- workflow.run_batch ---------------------------------------------------------------------------


def test_a_village_is_filed_in_one_batch_with_a_transition_row_each(personas):
    people = _submitted(personas, 4)
    rows = workflow.run_batch(items=[BatchItem(p, A.FILE, "同意") for p in people], by=personas.county_staff, title="茅井村审查备案")
    assert len(rows) == 4 and _stages(people) == [S.TRAINING] * 4
    assert Transition.objects.filter(action=A.FILE, candidate__in=people, opinion="同意").count() == 4
    batch = AuditEvent.objects.get(summary__startswith="茅井村审查备案")
    assert "共 4 人" in batch.summary and "王一" in batch.summary


def test_exceptions_get_their_own_decision_and_reason(personas):
    people = _submitted(personas, 3)
    items = [BatchItem(people[0], A.FILE, "同意"), BatchItem(people[1], A.RETURN, "学历证明缺失"), BatchItem(people[2], A.REJECT, "不符合条件")]
    workflow.run_batch(items=items, by=personas.county_staff, title="茅井村")
    assert _stages(people) == [S.TRAINING, S.RETURNED, S.REJECTED]
    assert Transition.objects.get(candidate=people[1], action=A.RETURN).opinion == "学历证明缺失"


def test_one_refusal_stops_the_whole_batch_and_names_the_person(personas):
    people = _submitted(personas, 3)
    items = [BatchItem(people[0], A.FILE), BatchItem(people[1], A.RETURN, ""), BatchItem(people[2], A.FILE)]
    with pytest.raises(workflow.BatchRefused) as refused:
        workflow.run_batch(items=items, by=personas.county_staff, title="茅井村")
    assert [c.pk for c, _ in refused.value.reasons] == [people[1].pk]
    assert "王二：请填写退回理由" in refused.value.message
    assert _stages(people) == [S.SUBMITTED] * 3
    assert not Transition.objects.filter(action__in=[A.FILE, A.RETURN]).exists()


def test_a_batch_outside_the_scope_is_refused_for_everyone(personas):
    mine = _submitted(personas, 1)
    theirs = _submitted(personas, 1, personas.tree.village_b1, prefix="赵")
    with pytest.raises(workflow.BatchRefused):
        workflow.run_batch(items=[BatchItem(mine[0], A.COMMITTEE, "x", {"committee_date": date.today()}),
                                  BatchItem(theirs[0], A.COMMITTEE, "x", {"committee_date": date.today()})],
                           by=personas.officer_a, title="x")
    assert _stages(mine + theirs) == [S.SUBMITTED, S.SUBMITTED]


def test_a_leader_cannot_run_a_batch(personas):
    people = _submitted(personas, 1)
    with pytest.raises(workflow.WorkflowError):
        workflow.run_batch(items=[BatchItem(people[0], A.FILE)], by=personas.leader, title="x")


def test_the_committee_results_of_a_village_are_recorded_at_once(personas):
    people = []
    for name in ("甲", "乙"):
        c = b.ended_training(personas, name=name)
        workflow.record_final_inspection(candidate=c, by=personas.officer_a, inspected_on=date.today(),
                                         summary="优秀", recommendation="pool")
        people.append(Candidate.objects.select_related("village__parent").get(pk=c.pk))
    workflow.run_batch(items=[BatchItem(p, A.COMMITTEE, "审议通过", {"committee_date": date.today()}) for p in people],
                       by=personas.officer_a, title="乡镇党委审议")
    assert _stages(people) == [S.COMMITTEE_APPROVED] * 2


# --- the pages ------------------------------------------------------------------------------------


def _post(client, village, people, **data):
    payload = {"decision": A.FILE, "opinion": "", "shown": ",".join(str(p.pk) for p in people)}
    payload.update({f"include_{p.pk}": "on" for p in people})
    payload.update(data)
    return client.post(reverse("reserves:review_village", args=["nominations", village.pk]), payload)


def test_county_staff_file_a_village_and_move_to_the_next_one(personas, login):
    first = _submitted(personas, 3)
    second = _submitted(personas, 2, personas.tree.village_a2, prefix="李")
    response = _post(login(personas.county_staff), personas.tree.village_a1, first, opinion="同意备案")
    assert response.status_code == 302
    assert response["Location"] == reverse("reserves:review_village", args=["nominations", personas.tree.village_a2.pk])
    assert _stages(first) == [S.TRAINING] * 3 and _stages(second) == [S.SUBMITTED] * 2


def test_the_last_village_leads_back_to_the_empty_queue(personas, login):
    people = _submitted(personas, 1)
    response = _post(login(personas.county_staff), personas.tree.village_a1, people)
    assert response["Location"] == reverse("reserves:review_queue", args=["nominations"])


def test_an_exception_on_the_page_returns_one_person_with_a_reason(personas, login):
    people = _submitted(personas, 3)
    response = _post(login(personas.county_staff), personas.tree.village_a1, people,
                     **{f"action_{people[2].pk}": A.RETURN, f"reason_{people[2].pk}": "缺少考察材料"})
    assert response.status_code == 302 and _stages(people) == [S.TRAINING, S.TRAINING, S.RETURNED]


def test_an_unticked_person_is_left_waiting(personas, login):
    people = _submitted(personas, 2)
    data = {"decision": A.FILE, "shown": ",".join(str(p.pk) for p in people), f"include_{people[0].pk}": "on"}
    login(personas.county_staff).post(reverse("reserves:review_village", args=["nominations", personas.tree.village_a1.pk]), data)
    assert _stages(people) == [S.TRAINING, S.SUBMITTED]


def test_a_refused_batch_shows_each_reason_and_keeps_the_input(personas, login):
    people = _submitted(personas, 2)
    response = _post(login(personas.county_staff), personas.tree.village_a1, people, decision=A.RETURN, opinion="")
    page = response.content.decode()
    assert response.status_code == 400 and "均未办理" in page and page.count("请填写退回理由") >= 2
    assert f'data-testid="refused-{people[0].pk}"' in page and _stages(people) == [S.SUBMITTED] * 2


def test_a_stale_page_is_refused_when_someone_else_acted(personas, login):
    people = _submitted(personas, 2)
    workflow.file_nomination(candidate=people[0], by=personas.county_staff)
    response = _post(login(personas.county_staff), personas.tree.village_a1, people)
    assert response.status_code == 400 and "已由他人办理" in response.content.decode()
    assert _stages(people) == [S.TRAINING, S.SUBMITTED]


def test_the_queue_lists_the_waiting_villages(personas, login):
    _submitted(personas, 2)
    _submitted(personas, 1, personas.tree.village_b1, prefix="赵")
    page = login(personas.county_staff).get(reverse("reserves:review_queue", args=["nominations"]))
    assert [(r["village"].name, r["count"]) for r in page.context["rows"]] == [("茅井村", 2), ("沙坪村", 1)]


def test_the_officer_has_the_committee_queue_not_the_countys(personas, login):
    client = login(personas.officer_a)
    assert client.get(reverse("reserves:review_queue", args=["nominations"])).status_code == 403
    assert client.get(reverse("reserves:review")).url == reverse("reserves:review_queue", args=["committee"])
    assert login(personas.leader).get(reverse("reserves:review")).status_code == 403


def test_another_townships_village_is_a_404(personas, login):
    assert login(personas.officer_a).get(
        reverse("reserves:review_village", args=["committee", personas.tree.village_b1.pk])).status_code == 404


def test_the_village_page_costs_the_same_queries_for_1_and_7_people(personas, login):
    from reserves.tests.test_lists import _queries

    client = login(personas.county_staff)
    url = reverse("reserves:review_village", args=["nominations", personas.tree.village_a1.pk])
    _submitted(personas, 1, prefix="甲")
    client.get(url)  # warm: per-process caches (content types, code tables) are not the page's cost
    one = _queries(client, url)
    _submitted(personas, 6, prefix="乙")
    assert len(client.get(url).context["people"]) == 7
    assert _queries(client, url) == one
