"""A follow-up's 调整 is an action — post changed or removed from post, with its date — not free text."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from reserves import workflow
from reserves.models import FollowUpVisit
from reserves.tests import builders as b
from reserves.workflow import WorkflowError

pytestmark = pytest.mark.django_db


def _visit(personas):
    c = b.appointed(personas, on=date.today() - timedelta(days=30))
    return c, c.follow_ups.get()


def test_a_post_change_is_recorded_with_the_new_post_and_date(personas):
    c, visit = _visit(personas)
    day = date.today() - timedelta(days=2)
    workflow.record_follow_up(visit=visit, by=personas.county_staff, visited_on=date.today(), result="fair", note="需加强",
                              adjustment="changed", adjusted_post="村（居）民委员会委员", adjusted_on=day)
    visit.refresh_from_db()
    assert (visit.adjustment, visit.adjusted_post, visit.adjusted_on) == ("changed", "村（居）民委员会委员", day)
    assert "调整为村（居）民委员会委员" in c.transitions.get(action="follow_up").opinion


def test_a_removal_from_post_needs_its_date(personas):
    _c, visit = _visit(personas)
    with pytest.raises(WorkflowError, match="调整日期"):
        workflow.record_follow_up(visit=visit, by=personas.county_staff, visited_on=date.today(), result="poor", note="不胜任",
                                  adjustment="removed")
    assert FollowUpVisit.objects.get(pk=visit.pk).visited_on is None


def test_a_post_change_needs_a_two_committee_post(personas):
    _c, visit = _visit(personas)
    with pytest.raises(WorkflowError, match="调整后的村“两委”职务"):
        workflow.record_follow_up(visit=visit, by=personas.county_staff, visited_on=date.today(), result="fair", note="x",
                                  adjustment="changed", adjusted_post="村务监督委员会委员", adjusted_on=date.today())


def test_the_follow_up_form_refuses_a_change_without_a_post(personas, login):
    c, _visit_ = _visit(personas)
    data = {"visited_on": date.today().isoformat(), "result": "fair", "note": "x", "adjustment": "changed",
            "adjusted_on": date.today().isoformat()}
    response = login(personas.county_staff).post(reverse("reserves:act", args=[c.pk, "follow_up"]), data)
    assert response.status_code == 400 and "请选择调整后的职务" in response.content.decode()
    assert c.follow_ups.get().visited_on is None


def test_the_follow_up_form_records_a_removal(personas, login):
    c, _visit_ = _visit(personas)
    data = {"visited_on": date.today().isoformat(), "result": "poor", "note": "不胜任", "adjustment": "removed",
            "adjusted_on": date.today().isoformat()}
    response = login(personas.county_staff).post(reverse("reserves:act", args=[c.pk, "follow_up"]), data)
    assert response.status_code == 302
    visit = c.follow_ups.get()
    assert visit.adjustment == "removed" and visit.adjusted_on == date.today()
