"""The reserves' reminder kinds, end to end through the notification machinery
(scan → reminder → scoped notifications), with time travel."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from cadre_portal.notifications import registry, services
from cadre_portal.notifications.models import Notification, Reminder, ReminderSetting
from reserves import workflow
from reserves.models import Appraisal, FollowUpVisit, TrainingSession
from reserves.tests import builders

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _celery_in_process():
    from cadre_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def on(day: date, hour: int = 8):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False)


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """scan(kind, day): run one kind's scan on that day, with its dispatch."""

    def run(kind: str, day: date):
        with on(day), django_capture_on_commit_callbacks(execute=True):
            return services.scan(kind)

    return run


def told(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, reminder__kind=kind).order_by("pk"))


def trainee(personas, village, name, start):
    with on(start):
        return builders.training(personas, village, start=start, name=name)


def attend(personas, candidate, day, hours):
    session = TrainingSession.objects.create(date=day, topic="集中学习", hours=Decimal(hours), place="县委党校")
    workflow.record_attendance(session=session, candidates=[candidate], by=personas.county_staff)
    return session


def test_every_reserves_kind_is_registered():
    assert {"training_session", "training_session_summary", "hours_behind", "cycle_ending", "appraisal_season",
            "followup_due", "followup_overdue"} <= set(registry.keys())


def test_the_migration_gave_every_kind_a_beat_task(db):
    from django_celery_beat.models import PeriodicTask

    services.sync_periodic_tasks()  # what post_migrate does after a test flush
    kinds = set(PeriodicTask.objects.filter(task=services.SCAN_TASK).values_list("kwargs", flat=True))
    assert {f'{{"kind": "{key}"}}' for key in registry.keys()} <= kinds


# --- quarterly training session ------------------------------------------------------------

@pytest.fixture
def session_in_march(personas):
    """A session on 20 March 2026; 王一 trains in 天城镇, 李二 in 沙坪镇."""
    wang = trainee(personas, personas.tree.village_a1, "王一", date(2025, 6, 1))
    li = trainee(personas, personas.tree.village_b1, "李二", date(2025, 6, 1))
    session = TrainingSession.objects.create(date=date(2026, 3, 20), topic="基层治理能力提升", hours=Decimal(8))
    return wang, li, session


def test_township_officers_are_told_of_the_session_seven_days_before(personas, session_in_march, scan):
    scan("training_session", date(2026, 3, 13))
    assert len(told(personas.officer_a, "training_session")) == 1


def test_nothing_is_sent_eight_days_before(personas, session_in_march, scan):
    scan("training_session", date(2026, 3, 12))
    assert not Reminder.objects.exists()


def test_an_officer_is_never_told_about_another_townships_trainees(personas, session_in_march, scan):
    scan("training_session", date(2026, 3, 13))
    bodies = " ".join(n.body for n in told(personas.officer_a, "training_session"))
    assert "王一" in bodies and "李二" not in bodies


def test_the_session_reminder_flags_trainees_behind_on_hours(personas, session_in_march, scan):
    scan("training_session", date(2026, 3, 13))
    assert "学时进度落后" in told(personas.officer_a, "training_session")[0].body


def test_county_staff_get_the_session_summary(personas, session_in_march, scan):
    scan("training_session_summary", date(2026, 3, 13))
    assert "全县应参训 2 人" in told(personas.county_staff, "training_session_summary")[0].title


def test_officers_do_not_get_the_county_summary(personas, session_in_march, scan):
    scan("training_session_summary", date(2026, 3, 13))
    assert not Notification.objects.filter(reminder__kind="training_session_summary", recipient__role="township_officer").exists()


def test_the_session_scan_twice_makes_one_reminder_per_township(personas, session_in_march, scan):
    scan("training_session", date(2026, 3, 13))
    scan("training_session", date(2026, 3, 14))
    assert Reminder.objects.filter(kind="training_session").count() == 2


def test_the_lead_time_is_the_administrators_setting(personas, session_in_march, scan):
    ReminderSetting.objects.filter(kind="training_session").update(lead_days=14)
    scan("training_session", date(2026, 3, 6))
    assert Reminder.objects.filter(kind="training_session").count() == 2


# --- hours behind, across a quarter boundary ---------------------------------------------------------

def test_hours_behind_repeats_once_per_quarter_across_the_boundary(personas, scan):
    slow = trainee(personas, personas.tree.village_a1, "赵三", date(2026, 1, 5))
    attend(personas, slow, date(2026, 3, 20), 8)
    for day in (date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 15)):
        scan("hours_behind", day)
    assert [r.period for r in Reminder.objects.filter(kind="hours_behind").order_by("period")] == ["2026Q4", "2027Q1"]


def test_a_trainee_on_pace_is_not_flagged(personas, scan):
    keen = trainee(personas, personas.tree.village_a1, "钱四", date(2026, 1, 5))
    attend(personas, keen, date(2026, 3, 20), 80)
    scan("hours_behind", date(2026, 7, 1))
    assert not Reminder.objects.filter(kind="hours_behind").exists()


def test_a_trainee_in_the_first_quarter_of_the_cycle_is_not_yet_judged(personas, scan):
    trainee(personas, personas.tree.village_a1, "孙五", date(2026, 6, 1))
    scan("hours_behind", date(2026, 7, 1))
    assert not Reminder.objects.filter(kind="hours_behind").exists()


def test_hours_behind_goes_to_the_trainees_township_only(personas, scan):
    trainee(personas, personas.tree.village_b1, "周六", date(2026, 1, 5))
    scan("hours_behind", date(2026, 7, 1))
    assert (len(told(personas.officer_a, "hours_behind")), len(told(personas.officer_b, "hours_behind"))) == (0, 1)


# --- across the two-year cycle ---------------------------------------------------------------------------

@pytest.fixture
def cycle(personas):
    """吴七 trains from 1 March 2025 to 1 March 2027."""
    return trainee(personas, personas.tree.village_a1, "吴七", date(2025, 3, 1))


def test_the_cycle_end_reminder_comes_ninety_days_before_and_once(personas, cycle, scan):
    for day in (date(2026, 11, 30), date(2026, 12, 1), date(2027, 2, 1), date(2027, 3, 2)):
        scan("cycle_ending", day)
    assert [(r.remind_on, r.period) for r in Reminder.objects.filter(kind="cycle_ending")] == [
        (date(2026, 12, 1), "2027-03-01")]


def test_nothing_about_the_cycle_end_in_the_first_year(personas, cycle, scan):
    scan("cycle_ending", date(2025, 12, 1))
    assert not Reminder.objects.filter(kind="cycle_ending").exists()


def test_the_appraisal_season_asks_for_year_one_then_year_two(personas, cycle, scan):
    scan("appraisal_season", date(2025, 11, 15))
    first = told(personas.officer_a, "appraisal_season")
    Appraisal.objects.create(candidate=cycle, year=1, appraised_on=date(2025, 12, 1), grade=builders.grade("合格"), opinion="良好")
    scan("appraisal_season", date(2026, 11, 20))
    scan("appraisal_season", date(2026, 11, 21))
    periods = [n.reminder.period for n in told(personas.officer_a, "appraisal_season")]
    assert (len(first), periods) == (1, ["2025", "2026"])


def test_no_appraisal_reminder_once_both_years_are_recorded(personas, cycle, scan):
    for year in (1, 2):
        Appraisal.objects.create(candidate=cycle, year=year, appraised_on=date(2026, 12, 1), grade=builders.grade("合格"), opinion="良好")
    scan("appraisal_season", date(2026, 11, 20))
    assert not Reminder.objects.filter(kind="appraisal_season").exists()


def test_no_appraisal_reminder_outside_the_window(personas, cycle, scan):
    scan("appraisal_season", date(2026, 11, 14))
    assert not Reminder.objects.filter(kind="appraisal_season").exists()


def test_the_appraisal_window_is_the_administrators_setting(personas, cycle, scan):
    ReminderSetting.objects.filter(kind="appraisal_season").update(window_start="10-01", window_end="10-31")
    scan("appraisal_season", date(2026, 10, 2))
    assert Reminder.objects.filter(kind="appraisal_season", period="2026").exists()


# --- first-year follow-up visits ---------------------------------------------------------------------------

@pytest.fixture
def appointee(personas):
    """郑八 appointed on 10 January 2026; the follow-up visit is due 10 January 2027."""
    with on(date(2026, 1, 10)):
        return builders.appointed(personas, personas.tree.village_a1, name="郑八", on=date(2026, 1, 10))


def test_the_follow_up_is_due_thirty_days_ahead(personas, appointee, scan):
    scan("followup_due", date(2026, 12, 11))
    assert len(told(personas.officer_a, "followup_due")) == 1


def test_an_overdue_follow_up_is_escalated_to_county_staff(personas, appointee, scan):
    scan("followup_overdue", date(2027, 1, 11))
    assert (len(told(personas.officer_a, "followup_overdue")), len(told(personas.county_staff, "followup_overdue"))) == (1, 1)


def test_a_follow_up_is_not_overdue_on_its_due_date(personas, appointee, scan):
    scan("followup_overdue", date(2027, 1, 10))
    assert not Reminder.objects.filter(kind="followup_overdue").exists()


def test_a_recorded_visit_is_not_overdue(personas, appointee, scan):
    visit = FollowUpVisit.objects.get(candidate=appointee)
    with on(date(2027, 1, 5)):
        workflow.record_follow_up(visit=visit, by=personas.county_staff, visited_on=date(2027, 1, 5), result="good", note="胜任")
    scan("followup_overdue", date(2027, 1, 20))
    assert not Reminder.objects.filter(kind="followup_overdue").exists()


def test_the_other_township_hears_nothing_of_the_follow_up(personas, appointee, scan):
    scan("followup_overdue", date(2027, 1, 11))
    assert told(personas.officer_b, "followup_overdue") == []


# --- the embedded default ----------------------------------------------------------------------------------

def test_run_due_reminders_delivers_the_reserves_reminders(personas, session_in_march, django_capture_on_commit_callbacks):
    with on(date(2026, 3, 13)), django_capture_on_commit_callbacks(execute=True):
        call_command("run_due_reminders")
    assert len(told(personas.officer_b, "training_session")) == 1


def test_the_reminders_page_shows_an_upcoming_session(personas, session_in_march, login):
    with on(date(2026, 3, 1)):
        html = login(personas.county_staff).get("/notifications/reminders/").content.decode()
    assert "应参训" in html
