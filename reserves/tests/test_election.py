"""At 换届 a pool member is nominated as first choice and elected or not; adjustment stays direct."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from reserves import workflow
from reserves.models import TWO_COMMITTEE_POSTS, Appointment, Candidate, ElectionNomination, FollowUpVisit
from reserves.tests import builders as b
from reserves.workflow import WorkflowError

pytestmark = pytest.mark.django_db
S = Candidate.Stage
POST = "村（社区）党组织委员"


def _nominated(personas, **fields):
    c = b.pooled(personas, **fields)
    workflow.nominate_first_choice(candidate=c, by=personas.county_staff, post=POST, nominated_on=date.today() - timedelta(days=10))
    return Candidate.objects.get(pk=c.pk)


def test_the_first_choice_nomination_keeps_the_person_in_the_pool(personas):
    c = _nominated(personas)
    assert c.stage == S.POOL
    assert ElectionNomination.objects.get(candidate=c).is_pending
    assert c.transitions.last().get_action_display() == "第一人选提名推荐"


def test_elected_makes_the_appointment_with_its_follow_up(personas):
    c = _nominated(personas)
    day = date.today() - timedelta(days=2)
    nomination = workflow.record_election_result(candidate=c, by=personas.county_staff, elected=True, election_date=day,
                                                 post="村（社区）党组织副书记")
    c.refresh_from_db()
    assert c.stage == S.APPOINTED
    appointment = nomination.appointment
    assert (appointment.occasion, appointment.post, appointment.appointed_on) == ("election", "村（社区）党组织副书记", day)
    assert FollowUpVisit.objects.get(appointment=appointment).due_date == day.replace(year=day.year + 1)


def test_not_elected_stays_in_the_pool_and_may_be_nominated_again(personas):
    c = _nominated(personas)
    workflow.record_election_result(candidate=c, by=personas.county_staff, elected=False, election_date=date.today())
    c.refresh_from_db()
    assert c.stage == S.POOL and not Appointment.objects.filter(candidate=c).exists()
    assert ElectionNomination.objects.get(candidate=c).outcome == "not_elected"
    workflow.nominate_first_choice(candidate=c, by=personas.county_staff, post=POST, nominated_on=date.today())
    assert ElectionNomination.objects.filter(candidate=c).count() == 2


def test_a_second_pending_nomination_is_refused(personas):
    c = _nominated(personas)
    with pytest.raises(WorkflowError, match="请先录入选举结果"):
        workflow.nominate_first_choice(candidate=c, by=personas.county_staff, post=POST, nominated_on=date.today())


def test_an_election_cannot_be_recorded_as_a_direct_appointment(personas):
    c = b.pooled(personas)
    with pytest.raises(WorkflowError, match="第一人选提名推荐"):
        workflow.appoint(candidate=c, by=personas.county_staff, occasion="election", post=POST, appointed_on=date.today())
    assert Candidate.objects.get(pk=c.pk).stage == S.POOL


def test_an_adjustment_stays_direct(personas):
    c = b.pooled(personas)
    workflow.appoint(candidate=c, by=personas.county_staff, post=POST, appointed_on=date.today())
    assert Candidate.objects.get(pk=c.pk).stage == S.APPOINTED


def test_only_two_committee_posts(personas):
    c = b.pooled(personas)
    assert all(not name.startswith("村务监督") for _code, name in TWO_COMMITTEE_POSTS)
    with pytest.raises(WorkflowError, match="村“两委”职务"):
        workflow.nominate_first_choice(candidate=c, by=personas.county_staff, post="村务监督委员会主任", nominated_on=date.today())
    with pytest.raises(WorkflowError, match="村“两委”职务"):
        workflow.appoint(candidate=c, by=personas.county_staff, post="村务监督委员会委员", appointed_on=date.today())


def test_the_election_date_cannot_precede_the_nomination(personas):
    c = _nominated(personas)
    with pytest.raises(WorkflowError, match="不能早于提名日期"):
        workflow.record_election_result(candidate=c, by=personas.county_staff, elected=True,
                                        election_date=date.today() - timedelta(days=30))


def test_another_townships_officer_cannot_nominate(personas):
    c = b.pooled(personas)
    with pytest.raises(WorkflowError, match="管辖范围"):
        workflow.nominate_first_choice(candidate=c, by=personas.officer_b, post=POST, nominated_on=date.today())


def test_the_pages_nominate_and_record_the_outcome(personas, login):
    c = b.pooled(personas)
    client = login(personas.officer_a)
    form = client.get(reverse("reserves:action_form", args=[c.pk, "first_choice"])).content.decode()
    assert "村务监督委员会" not in form
    response = client.post(reverse("reserves:act", args=[c.pk, "first_choice"]),
                           {"post": POST, "nominated_on": date.today().isoformat(), "note": ""})
    assert response.status_code == 302
    response = client.post(reverse("reserves:act", args=[c.pk, "election"]),
                           {"outcome": "elected", "post": "", "election_date": date.today().isoformat(), "note": ""})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.stage == S.APPOINTED and c.appointments.get().post == POST
    page = client.get(reverse("reserves:detail", args=[c.pk])).content.decode()
    assert "第一人选提名推荐" in page and "当选" in page


def test_the_appointment_form_has_no_occasion_and_only_two_committee_posts(personas, login):
    c = b.pooled(personas)
    page = login(personas.county_staff).get(reverse("reserves:action_form", args=[c.pk, "appoint"])).content.decode()
    assert 'name="occasion"' not in page and "村务监督委员会" not in page
