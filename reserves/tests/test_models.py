"""Queryset helpers the reminders and the overview rely on, computed in the database."""

from datetime import date, timedelta

import pytest

from reserves.models import Candidate, FollowUpVisit
from reserves.tests import builders as b

pytestmark = pytest.mark.django_db


def _with_hours(personas, start, hours):
    c = b.training(personas, start=start)
    if hours:
        b.give_hours(personas, c, hours, day=start)
    return c


def test_a_trainee_on_pace_is_not_behind(personas):
    today = date.today()
    c = _with_hours(personas, today - timedelta(days=365), 80)
    row = Candidate.objects.with_projection(today).get(pk=c.pk)
    assert row.hours_done == 80 and round(row.projected_hours) == 160
    assert not Candidate.objects.behind_on_hours(today).filter(pk=c.pk).exists()


def test_a_trainee_short_at_the_current_pace_is_behind(personas):
    today = date.today()
    c = _with_hours(personas, today - timedelta(days=365), 60)
    assert Candidate.objects.behind_on_hours(today).filter(pk=c.pk).exists()


def test_cycle_ending_within_finds_cycles_ending_soon(personas):
    today = date.today()
    soon = b.training(personas, start=today - timedelta(days=720))
    later = b.training(personas, start=today - timedelta(days=100))
    found = set(Candidate.objects.cycle_ending_within(30, today).values_list("pk", flat=True))
    assert soon.pk in found and later.pk not in found


def test_appraisal_due_lists_trainees_whose_year_ends_without_an_appraisal(personas):
    today = date.today()
    due = b.training(personas, start=today - timedelta(days=340))
    fresh = b.training(personas, start=today - timedelta(days=30))
    found = set(Candidate.objects.appraisal_due(today).values_list("pk", flat=True))
    assert due.pk in found and fresh.pk not in found


def test_follow_ups_due_and_overdue(personas):
    today = date.today()
    overdue = b.appointed(personas, on=today - timedelta(days=380))
    due = b.appointed(personas, on=today - timedelta(days=350))
    assert set(FollowUpVisit.objects.overdue(today).values_list("candidate", flat=True)) == {overdue.pk}
    assert set(FollowUpVisit.objects.due(today).values_list("candidate", flat=True)) == {overdue.pk, due.pk}


def test_priority_groups_are_stored_for_one_filter(personas):
    c = b.draft(personas)
    c.set_priority_groups(["2", "4"])
    c.save()
    assert Candidate.objects.with_priority_group("4").filter(pk=c.pk).exists()
    assert not Candidate.objects.with_priority_group("1").filter(pk=c.pk).exists()


def test_every_model_keeps_history():
    from django.apps import apps

    for model in apps.get_app_config("reserves").get_models():
        if model.__name__.startswith("Historical"):
            continue
        assert hasattr(model, "history"), model.__name__


def test_a_trainee_in_the_first_quarter_is_not_yet_behind(personas):
    today = date.today()
    c = _with_hours(personas, today - timedelta(days=30), 0)
    assert not Candidate.objects.behind_on_hours(today).filter(pk=c.pk).exists()
