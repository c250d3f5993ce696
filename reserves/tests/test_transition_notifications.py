"""Decisions reach the other side's notification centre, scoped, once, with the delivery logged."""

import pytest

from cadre_portal.notifications.models import Delivery, Notification
from reserves.models import Transition
from reserves.tasks import notify_transition
from reserves.tests import builders as b

pytestmark = pytest.mark.django_db(transaction=True)  # notifications are sent on commit


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_a_submission_tells_county_staff(personas):
    c = b.submitted(personas, name="王小明")
    assert any("王小明" in t and "提交" in t for t in titles(personas.county_staff))


def test_filing_tells_the_persons_township_officer_only(personas):
    c = b.training(personas, name="王小明")
    assert any("王小明" in t for t in titles(personas.officer_a))
    assert titles(personas.officer_b) == []


def test_the_portal_delivery_is_logged(personas):
    b.training(personas, name="王小明")
    note = Notification.objects.filter(recipient=personas.officer_a).latest("pk")
    assert note.deliveries.filter(channel=Delivery.Channel.PORTAL, outcome=Delivery.Outcome.SENT).count() == 1


def test_a_redelivered_task_notifies_nobody_twice(personas):
    c = b.training(personas, name="王小明")
    row = Transition.objects.filter(candidate=c, action="file").latest("pk")
    before = Notification.objects.count()
    assert notify_transition(row.pk) == 0
    assert Notification.objects.count() == before


def test_continued_training_tells_the_persons_township_officer(personas):
    from reserves import workflow

    c = b.final_filed(personas, recommendation="continue", name="李继续")
    workflow.continue_training(candidate=c, by=personas.county_staff)
    assert any("李继续" in t and "继续培养" in t for t in titles(personas.officer_a))
