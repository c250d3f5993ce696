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
from reserves.models import Appraisal, Candidate, FollowUpVisit, TrainingSession
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
    builders.give_hours(personas, candidate, hours, day=day)


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


def test_the_reminders_page_shows_an_upcoming_session(personas, session_in_march, login, scan):
    scan("training_session", date(2026, 3, 1))  # the daily scan plans the session's reminders
    with on(date(2026, 3, 1)):
        html = login(personas.county_staff).get("/notifications/reminders/").content.decode()
    assert "应参训" in html and "2026-03-13" in html


# --- period keys that would collide -----------------------------------------------------------

def test_two_sessions_in_one_quarter_are_each_announced(personas, session_in_march, scan):
    TrainingSession.objects.create(date=date(2026, 3, 27), topic="乡村振兴专题", hours=Decimal(6))
    scan("training_session", date(2026, 3, 13))
    scan("training_session", date(2026, 3, 20))
    titles = [n.title for n in told(personas.officer_a, "training_session")]
    assert len(titles) == 2 and any("03月20日" in t for t in titles) and any("03月27日" in t for t in titles)


def test_two_sessions_in_one_quarter_each_get_a_county_summary(personas, session_in_march, scan):
    TrainingSession.objects.create(date=date(2026, 3, 27), topic="乡村振兴专题", hours=Decimal(6))
    scan("training_session_summary", date(2026, 3, 13))
    scan("training_session_summary", date(2026, 3, 20))
    assert len(told(personas.county_staff, "training_session_summary")) == 2


def test_follow_up_reminders_come_once_however_many_days_are_scanned(personas, appointee, scan):
    from datetime import timedelta

    day = date(2026, 12, 1)
    while day <= date(2027, 2, 28):
        scan("followup_due", day)
        scan("followup_overdue", day)
        day += timedelta(days=1)
    due, overdue = told(personas.officer_a, "followup_due"), told(personas.officer_a, "followup_overdue")
    assert [(n.reminder.remind_on, n.reminder.period) for n in due] == [(date(2026, 12, 11), "2027-01-10")]
    assert [(n.reminder.remind_on, n.reminder.period) for n in overdue] == [(date(2027, 1, 11), "2027-01-10")]
    assert len(told(personas.county_staff, "followup_overdue")) == 1


# --- the administrator's settings change the next scan ---------------------------------------------

def test_switching_officers_off_leaves_them_untold(personas, session_in_march, scan):
    ReminderSetting.objects.filter(kind="training_session").update(notify_township_officers=False)
    scan("training_session", date(2026, 3, 13))
    assert not Notification.objects.filter(reminder__kind="training_session").exists()


def test_switching_county_staff_on_tells_them_too(personas, scan):
    trainee(personas, personas.tree.village_b1, "周六", date(2026, 1, 5))
    ReminderSetting.objects.filter(kind="hours_behind").update(notify_county_staff=True)
    scan("hours_behind", date(2026, 7, 1))
    assert (len(told(personas.officer_b, "hours_behind")), len(told(personas.county_staff, "hours_behind"))) == (1, 1)


def test_a_disabled_kind_is_not_scanned(personas, appointee, scan):
    ReminderSetting.objects.filter(kind="followup_overdue").update(enabled=False)
    scan("followup_overdue", date(2027, 1, 11))
    assert not Reminder.objects.filter(kind="followup_overdue").exists()


def test_the_cycle_end_lead_time_is_the_administrators_setting(personas, cycle, scan):
    ReminderSetting.objects.filter(kind="cycle_ending").update(lead_days=30)
    scan("cycle_ending", date(2026, 12, 1))
    assert not Reminder.objects.filter(kind="cycle_ending").exists()
    scan("cycle_ending", date(2027, 1, 30))
    assert Reminder.objects.filter(kind="cycle_ending").count() == 1


def test_the_follow_up_lead_time_is_the_administrators_setting(personas, appointee, scan):
    ReminderSetting.objects.filter(kind="followup_due").update(lead_days=10)
    scan("followup_due", date(2026, 12, 11))
    assert not Reminder.objects.filter(kind="followup_due").exists()
    scan("followup_due", date(2026, 12, 31))
    assert Reminder.objects.filter(kind="followup_due").count() == 1


def test_a_lead_time_changed_in_the_admin_form_changes_the_next_scan(personas, session_in_march, scan, login):
    from django.urls import reverse

    setting = ReminderSetting.objects.get(kind="training_session")
    response = login(personas.admin).post(
        reverse("admin:notifications_remindersetting_change", args=[setting.pk]),
        {"enabled": "on", "lead_days": "14", "notify_township_officers": "on", "send_email": "on",
         "window_start": "", "window_end": ""},
    )
    assert response.status_code == 302
    scan("training_session", date(2026, 3, 6))
    assert len(told(personas.officer_a, "training_session")) == 1


def test_recipients_changed_in_the_admin_list_change_the_next_scan(personas, appointee, scan, login):
    from django.urls import reverse

    rows = list(ReminderSetting.objects.order_by("kind"))
    form = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows)), "_save": "保存"}
    for i, row in enumerate(rows):
        form[f"form-{i}-id"] = str(row.pk)
        form[f"form-{i}-lead_days"] = str(row.lead_days)
        for field in ("enabled", "notify_township_officers", "notify_county_staff", "send_email"):
            if getattr(row, field) and not (row.kind == "followup_overdue" and field == "notify_county_staff"):
                form[f"form-{i}-{field}"] = "on"
    response = login(personas.admin).post(reverse("admin:notifications_remindersetting_changelist"), form)
    assert response.status_code == 302
    scan("followup_overdue", date(2027, 1, 11))
    assert (len(told(personas.officer_a, "followup_overdue")), len(told(personas.county_staff, "followup_overdue"))) == (1, 0)


# --- scope, every kind at once ------------------------------------------------------------------------

def test_no_kind_ever_tells_an_officer_about_another_township(personas, scan):
    """Both townships have a trainee near the end of the cycle and behind on hours,
    a session, an appraisal season and an overdue follow-up; each officer hears
    only of their own people."""
    from reserves.models import FollowUpVisit as Visit  # noqa: F401

    names = {personas.officer_a: ("甲一", "甲二"), personas.officer_b: ("乙一", "乙二")}
    villages = {personas.officer_a: personas.tree.village_a1, personas.officer_b: personas.tree.village_b1}
    for officer, (trainee_name, appointee_name) in names.items():
        trainee(personas, villages[officer], trainee_name, date(2025, 3, 1))
        with on(date(2026, 1, 10)):
            builders.appointed(personas, villages[officer], name=appointee_name, on=date(2026, 1, 10))
    TrainingSession.objects.create(date=date(2026, 12, 5), topic="年末集中培训", hours=Decimal(8))
    day = date(2026, 12, 1)
    for kind in registry.keys():
        scan(kind, day)
    scan("followup_overdue", date(2027, 1, 20))
    for officer, (own_trainee, own_appointee) in names.items():
        other = next(o for o in names if o != officer)
        notes = list(Notification.objects.filter(recipient=officer).select_related("reminder__region"))
        kinds = {n.reminder.kind for n in notes}
        assert {"training_session", "hours_behind", "cycle_ending", "appraisal_season", "followup_overdue"} <= kinds
        text = " ".join(n.title + n.body for n in notes)
        assert own_trainee in text and own_appointee in text
        assert not any(name in text for name in names[other])
        assert all(n.reminder.region.path.startswith(officer.region.path) for n in notes)


# --- the whole two-year cycle, scanned as beat would ----------------------------------------------------

def test_a_whole_cycle_scanned_every_few_days_yields_each_reminder_once(personas, scan):
    """吴七 trains from 1 March 2025 to 1 March 2027, with a session every quarter,
    and only attends the first. Scanning every kind every three days for the two
    years gives exactly one reminder per session, per quarter behind, per
    appraisal season and one at the end of the cycle."""
    from datetime import timedelta

    wu = trainee(personas, personas.tree.village_a1, "吴七", date(2025, 3, 1))
    sessions = [date(2025, m, 18) for m in (5, 8, 11)] + [date(2026, m, 18) for m in (2, 5, 8, 11)] + [date(2027, 2, 18)]
    for i, day in enumerate(sessions):
        session = TrainingSession.objects.create(date=day, topic=f"第{i + 1}期集中培训", hours=Decimal(8))
        if i == 0:
            with on(day):
                workflow.record_attendance(session=session, candidates=[wu], by=personas.county_staff)
    kinds = ["training_session", "training_session_summary", "hours_behind", "cycle_ending", "appraisal_season"]
    day = date(2025, 3, 1)
    while day <= date(2027, 3, 10):
        for kind in kinds:
            scan(kind, day)
        day += timedelta(days=3)

    def periods(kind):
        return sorted(Reminder.objects.filter(kind=kind).values_list("period", flat=True))

    assert len(periods("training_session")) == len(sessions) == len(set(periods("training_session")))
    assert len(periods("training_session_summary")) == len(sessions)
    assert periods("hours_behind") == ["2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4", "2027Q1"]
    assert periods("cycle_ending") == ["2027-03-01"]
    assert periods("appraisal_season") == ["2025", "2026"]
    # Each reminder reached 天城镇's officer once, and 沙坪镇's never.
    assert Notification.objects.filter(recipient=personas.officer_a).count() == Reminder.objects.exclude(
        kind="training_session_summary").count()
    assert not Notification.objects.filter(recipient=personas.officer_b).exists()


# --- set-based: the queries do not grow with the number of trainees, visits or reminders ------------

from cadre_portal.notifications.testing import assert_kind_is_set_based, scan_query_count  # noqa: E402


def _more_trainees(personas, start, n=6):
    villages = [personas.tree.village_a1, personas.tree.village_a2, personas.tree.village_b1]
    return lambda: [trainee(personas, villages[i % 3], f"学员{'甲乙丙丁戊己庚辛'[i]}", start) for i in range(n)]


@pytest.mark.parametrize("kind", ["training_session", "training_session_summary"])
def test_the_session_kinds_select_in_sql(personas, session_in_march, kind):
    def more():
        _more_trainees(personas, date(2025, 6, 1))()
        TrainingSession.objects.create(date=date(2026, 3, 27), topic="乡村振兴", hours=Decimal(8))

    assert_kind_is_set_based(kind, today=date(2026, 3, 13), add_rows=more)


def test_sessions_for_named_trainees_are_read_in_one_query_however_many(personas, session_in_march):
    def named(day, topic):
        session = TrainingSession.objects.create(date=day, topic=topic, hours=Decimal(4), for_all=False)
        session.trainees.set(Candidate.objects.filter(stage="training"))

    named(date(2026, 3, 21), "专题研讨")

    def more():
        _more_trainees(personas, date(2025, 6, 1))()
        named(date(2026, 3, 24), "专题研讨二")
        named(date(2026, 3, 25), "专题研讨三")

    assert_kind_is_set_based("training_session", today=date(2026, 3, 13), add_rows=more)


def test_hours_behind_selects_in_sql(personas):
    trainee(personas, personas.tree.village_a1, "赵三", date(2026, 1, 5))
    assert_kind_is_set_based("hours_behind", today=date(2026, 7, 1), add_rows=_more_trainees(personas, date(2026, 1, 5)))


def test_cycle_ending_selects_in_sql(personas, cycle):
    assert_kind_is_set_based("cycle_ending", today=date(2026, 12, 1), add_rows=_more_trainees(personas, date(2025, 3, 1)))


def test_appraisal_season_selects_in_sql(personas, cycle):
    def more():
        _more_trainees(personas, date(2025, 3, 1))()
        trainee(personas, personas.tree.village_b1, "沙坪学员", date(2025, 3, 1))
    assert_kind_is_set_based("appraisal_season", today=date(2026, 11, 20), add_rows=more)


@pytest.mark.parametrize("kind, day", [("followup_due", date(2026, 12, 11)), ("followup_overdue", date(2027, 1, 11))])
def test_the_follow_up_kinds_select_in_sql(personas, appointee, kind, day):
    def more():
        for i, village in enumerate([personas.tree.village_a2, personas.tree.village_b1]):
            with on(date(2026, 1, 10)):
                builders.appointed(personas, village, name=f"回访{'甲乙'[i]}", on=date(2026, 1, 10))
    assert_kind_is_set_based(kind, today=day, add_rows=more)


def test_a_scan_creating_many_reminders_runs_no_more_queries_than_one_creating_one(personas):
    """The whole daily scan, dispatch included: one reminder or many, the same queries
    (the recipients are the same two officers and county staff)."""
    def appointees(names, village):
        with on(date(2026, 1, 10)):
            for name in names:
                builders.appointed(personas, village, name=name, on=date(2026, 1, 10))

    appointees(["郑一"], personas.tree.village_a1)
    appointees(["郑二"], personas.tree.village_b1)
    scan_query_count("followup_overdue", date(2026, 6, 1))  # nothing due yet: warms the per-process caches
    few, created_few = scan_query_count("followup_overdue", date(2027, 1, 11))
    Reminder.objects.all().delete()
    appointees(["郑三", "郑四", "郑五", "郑六"], personas.tree.village_a2)
    appointees(["郑七", "郑八", "郑九"], personas.tree.village_b1)
    many, created_many = scan_query_count("followup_overdue", date(2027, 1, 11))
    assert (created_few, created_many) == (2, 9)
    assert many == few


def test_a_visit_recorded_before_its_reminder_went_out_leaves_the_upcoming_list(personas, appointee, scan):
    from cadre_portal.notifications.models import PlannedReminder

    scan("followup_due", date(2026, 11, 20))  # the reminder goes out on 11 December
    assert PlannedReminder.objects.filter(kind="followup_due").count() == 1
    visit = FollowUpVisit.objects.get(candidate=appointee)
    with on(date(2026, 11, 25)):
        workflow.record_follow_up(visit=visit, by=personas.county_staff, visited_on=date(2026, 11, 25), result="good", note="胜任")
    scan("followup_due", date(2026, 11, 26))
    assert not PlannedReminder.objects.filter(kind="followup_due").exists()
