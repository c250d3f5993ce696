"""The stored hours ledger: kept by the workflow with the attendance, checked by a command."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from reserves import workflow
from reserves.models import (
    PACE_GRACE_DAYS,
    REQUIRED_HOURS,
    Attendance,
    Candidate,
    TrainingSession,
    hours_behind_from,
)
from reserves.tests import builders as b

pytestmark = pytest.mark.django_db


def _session(day, hours):
    return TrainingSession.objects.create(date=day, topic="集中学习", hours=Decimal(hours))


def _stored(c):
    return Candidate.objects.values_list("hours_attended", "hours_behind_from").get(pk=c.pk)


def _projection_says_behind(hours, start, end, today):
    """The projection as the lists used to compute it per row (float division)."""
    cycle, elapsed = (end - start).days, (today - start).days
    if elapsed < PACE_GRACE_DAYS:
        return False
    projected = hours if elapsed <= 0 or elapsed >= cycle else hours * cycle / elapsed
    return projected < REQUIRED_HOURS


@pytest.mark.parametrize("hours", [0, 4, 37.5, 60, 74.9, 75, 100, 149.9, 150, 200])
def test_the_stored_pace_date_agrees_with_the_projection_every_day_of_the_cycle(hours):
    start = date(2024, 3, 1)
    end = date(2026, 3, 1)
    behind_from = hours_behind_from(Decimal(str(hours)), start, end)
    for offset in range(0, 800, 1):
        today = start + timedelta(days=offset)
        stored = behind_from is not None and today >= behind_from
        assert stored == _projection_says_behind(float(hours), start, end, today), (hours, today)


def test_filing_sets_the_pace_date_from_the_cycle(personas):
    c = b.training(personas, start=date.today() - timedelta(days=10))
    hours, behind_from = _stored(c)
    assert hours == 0 and behind_from == c.training_start + timedelta(days=PACE_GRACE_DAYS)


def test_recording_attendance_stores_the_hours_with_it(personas):
    c = b.training(personas, start=date.today() - timedelta(days=100))
    workflow.record_attendance(session=_session(date.today(), 8), candidates=[c], by=personas.county_staff)
    workflow.record_attendance(session=_session(date.today() - timedelta(days=1), 6.5), candidates=[c], by=personas.officer_a)
    assert _stored(c)[0] == Decimal("14.5")


def test_unticking_a_trainee_takes_the_hours_off_the_ledger(personas):
    c = b.training(personas, start=date.today() - timedelta(days=100))
    other = b.training(personas, name="王芳")
    s = _session(date.today(), 8)
    workflow.record_attendance(session=s, candidates=[c, other], by=personas.county_staff)
    workflow.record_attendance(session=s, candidates=[other], by=personas.county_staff, replace=True)
    assert _stored(c)[0] == 0 and _stored(other)[0] == 8


def test_the_ledger_rolls_back_with_the_attendance(personas):
    c = b.training(personas, start=date.today() - timedelta(days=100))
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            workflow.record_attendance(session=_session(date.today(), 8), candidates=[c], by=personas.county_staff)
            raise RuntimeError("the request failed after the write")
    assert _stored(c)[0] == 0 and not Attendance.objects.exists()


def test_a_refused_attendance_changes_no_ledger(personas):
    c = b.training(personas)
    outsider = b.training(personas, personas.tree.village_b1, name="赵敏")
    with pytest.raises(workflow.WorkflowError):
        workflow.record_attendance(session=_session(date.today(), 8), candidates=[c, outsider], by=personas.officer_a)
    assert _stored(c)[0] == 0


def test_the_behind_filter_reads_the_ledger(personas):
    today = date.today()
    behind = b.training(personas, start=today - timedelta(days=365))
    on_pace = b.training(personas, start=today - timedelta(days=365), name="王芳")
    b.give_hours(personas, on_pace, 80, day=today - timedelta(days=5))
    found = set(Candidate.objects.behind_on_hours(today).values_list("pk", flat=True))
    assert behind.pk in found and on_pace.pk not in found


def test_the_final_inspection_guard_counts_the_stored_hours(personas):
    c = b.training(personas, start=date.today() - timedelta(days=800))
    b.give_hours(personas, c, 150, day=date.today() - timedelta(days=100))
    c = Candidate.objects.get(pk=c.pk)
    assert not any("学时" in p for p in workflow.final_inspection_blockers(c))


def test_the_check_command_reports_agreement(personas):
    c = b.training(personas, start=date.today() - timedelta(days=100))
    workflow.record_attendance(session=_session(date.today(), 8), candidates=[c], by=personas.county_staff)
    out = StringIO()
    call_command("check_reserves_ledger", stdout=out)
    assert "一致" in out.getvalue()


def test_the_check_command_finds_a_ledger_changed_behind_the_workflows_back(personas):
    c = b.training(personas, start=date.today() - timedelta(days=100))
    workflow.record_attendance(session=_session(date.today(), 8), candidates=[c], by=personas.county_staff)
    Candidate.objects.filter(pk=c.pk).update(hours_attended=Decimal("99"))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_reserves_ledger", stdout=out)
    assert f"{c.pk} {c.name}: 台账 99.0 学时" in out.getvalue()


def test_the_check_command_fixes_on_request(personas):
    c = b.training(personas, start=date.today() - timedelta(days=100))
    workflow.record_attendance(session=_session(date.today(), 8), candidates=[c], by=personas.county_staff)
    Candidate.objects.filter(pk=c.pk).update(hours_attended=Decimal("99"), hours_behind_from=None)
    call_command("check_reserves_ledger", "--fix", stdout=StringIO())
    assert _stored(c) == (Decimal("8.0"), hours_behind_from(Decimal(8), c.training_start, c.training_end))
    call_command("check_reserves_ledger", stdout=StringIO())  # agrees now (no CommandError)


def test_the_demo_county_ledger_agrees_with_its_attendance(db):
    from cadre_portal import demo

    demo.load_all()
    assert Attendance.objects.exists()
    assert list(workflow.ledger_mismatches()) == []


def test_refreshing_many_trainees_takes_a_few_queries(personas, django_assert_max_num_queries):
    people = [b.training(personas, name=f"学员{i}") for i in range(30)]
    s = _session(date.today(), 4)
    for c in people:
        Attendance.objects.create(session=s, candidate=c, hours=4)
    with django_assert_max_num_queries(3):
        changed = workflow.refresh_hours_ledger([c.pk for c in people])
    assert changed == 30
