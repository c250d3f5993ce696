"""Retention reminders: interview coming due (N days before), overdue (escalated after M
days), demand past due (owner, then escalated), monthly summary — exactly once per
(kind, target, period), scoped recipients, settings that change the next scan, SQL-set
based, and a whole year of interview cycles scanned day by day."""

from datetime import date, timedelta

import pytest

from cadre_portal.notifications.models import Notification, Reminder, ReminderSetting
from cadre_portal.notifications.testing import assert_kind_is_set_based, scan_on
from cadre_portal.testing import make_user
from youth_cadres.retention import workflow
from youth_cadres.retention.tests.builders import demand, interview, reserve_care, youth_care

START = date.today() - timedelta(days=420)


def _reminders(kind):
    return Reminder.objects.filter(kind=kind)


@pytest.fixture
def care(personas, unit_contacts):
    return youth_care(personas, unit_contacts.unit_a, entered_on=START, interval_months=2)


def test_the_interview_reminder_comes_n_days_before_and_not_the_day_before(personas, care):
    due = care.next_due
    scan_on("retention_interview_due", due - timedelta(days=15))
    assert not _reminders("retention_interview_due").exists()
    scan_on("retention_interview_due", due - timedelta(days=14))
    assert _reminders("retention_interview_due").count() == 1


def test_the_responsible_officer_is_told(personas, unit_contacts):
    officer = make_user("responsible", "county_staff", personas.tree.county)
    c = youth_care(personas, unit_contacts.unit_a, entered_on=START, interval_months=2)
    workflow.change_interval(care=c, by=personas.county_staff, interval_months=2, responsible=officer)
    c.refresh_from_db()
    scan_on("retention_interview_due", c.next_due - timedelta(days=14))
    assert Notification.objects.filter(recipient=officer, reminder__kind="retention_interview_due").count() == 1


def test_a_township_officer_is_never_told_about_a_young_cadre(personas, unit_contacts):
    c = youth_care(personas, unit_contacts.unit_b, entered_on=START, interval_months=2)  # a unit in township A
    ReminderSetting.objects.filter(kind="retention_interview_due").update(notify_township_officers=True)
    scan_on("retention_interview_due", c.next_due - timedelta(days=14))
    assert _reminders("retention_interview_due").count() == 1
    assert not Notification.objects.filter(recipient=personas.officer_a).exists()


def test_the_setting_lead_days_change_the_next_scan(personas, care):
    ReminderSetting.objects.filter(kind="retention_interview_due").update(lead_days=30)
    scan_on("retention_interview_due", care.next_due - timedelta(days=30))
    assert _reminders("retention_interview_due").count() == 1


def test_an_overdue_interview_is_escalated_to_county_staff_after_m_days_once(personas, care):
    due = care.next_due
    for offset in range(0, 30):
        scan_on("retention_interview_overdue", due + timedelta(days=offset))
    reminders = _reminders("retention_interview_overdue")
    assert reminders.count() == 1
    assert reminders.get().remind_on == due + timedelta(days=7)
    assert Notification.objects.filter(recipient=personas.county_staff, reminder__kind="retention_interview_overdue").count() == 1


def test_a_demand_past_due_goes_to_its_owner_then_is_escalated(personas, care):
    owner = make_user("owner", "county_staff", personas.tree.county)
    ReminderSetting.objects.filter(kind="retention_demand_overdue").update(notify_county_staff=False)
    d = demand(personas, care, raised_on=START + timedelta(days=10), due_on=START + timedelta(days=40), owner=owner)
    for offset in range(0, 60):
        scan_on("retention_demand_overdue", d.due_on + timedelta(days=offset))
        scan_on("retention_demand_escalated", d.due_on + timedelta(days=offset))
    assert list(Notification.objects.filter(reminder__kind="retention_demand_overdue").values_list("recipient", flat=True)) == [owner.pk]
    escalation = _reminders("retention_demand_escalated").get()
    assert escalation.remind_on == d.due_on + timedelta(days=15)
    assert Notification.objects.filter(reminder=escalation, recipient=personas.county_staff).exists()


def test_a_closed_demand_is_not_reminded(personas, care):
    d = demand(personas, care, raised_on=START + timedelta(days=10), due_on=START + timedelta(days=40))
    workflow.resolve(demand=d, by=personas.county_staff, resolution="已解决。")
    scan_on("retention_demand_overdue", d.due_on + timedelta(days=5))
    assert not _reminders("retention_demand_overdue").exists()


def test_the_monthly_summary_counts_open_demands_by_category_once_a_month(personas, care):
    demand(personas, care, "housing", raised_on=START + timedelta(days=1))
    demand(personas, care, "housing", raised_on=START + timedelta(days=1))
    demand(personas, care, "marriage", raised_on=START + timedelta(days=1))
    first = date.today().replace(day=1)
    for day in (first, first + timedelta(days=1), first + timedelta(days=2)):
        scan_on("retention_monthly_summary", day)
    summary = _reminders("retention_monthly_summary").get()
    assert "住房 2 件" in summary.body and "婚恋 1 件" in summary.body and "3 件" in summary.title


def test_the_kinds_select_in_sql(personas, unit_contacts, care):
    today = care.next_due - timedelta(days=14)
    assert_kind_is_set_based("retention_interview_due", today=today, add_rows=lambda: [
        youth_care(personas, unit_contacts.unit_a, entered_on=START, interval_months=2) for _ in range(3)])
    day = START + timedelta(days=100)
    assert_kind_is_set_based("retention_demand_overdue", today=day, add_rows=lambda: [
        demand(personas, care, raised_on=START + timedelta(days=1), due_on=START + timedelta(days=30 + i)) for i in range(3)])


def test_a_whole_year_of_interview_cycles_gives_one_reminder_per_cycle(personas, care):
    """Scan every other day for a year, as beat would (a missed day is caught up by the next
    scan); each time an interview falls due it is recorded on its due date. A two-month
    interval gives six cycles: six coming-due reminders per person, none overdue."""
    reserve = reserve_care(personas, entered_on=START, interval_months=2)
    day = START
    while day < START + timedelta(days=365):
        scan_on("retention_interview_due", day)
        scan_on("retention_interview_overdue", day)
        for c in (care, reserve):
            c.refresh_from_db()
            if c.next_due <= day:
                interview(personas, c, held_on=c.next_due)
        day += timedelta(days=2)
    due = _reminders("retention_interview_due")
    assert due.filter(target_id=care.pk).count() == 6 == due.filter(target_id=reserve.pk).count()
    assert len(set(due.filter(target_id=care.pk).values_list("period", flat=True))) == 6
    assert not _reminders("retention_interview_overdue").exists()
