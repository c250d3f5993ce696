"""What users read: periods in words, kinds by their labels (never keys), on the
reminders page, in the audit log and in the admin; the administrator's seasonal
window is checked before it can silently switch a kind off."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cadre_portal.models import AuditEvent
from cadre_portal.notifications.models import Reminder, ReminderSetting
from cadre_portal.notifications.periods import period_label, quarter_bounds, quarter_key


# --- period keys ------------------------------------------------------------------------

@pytest.mark.parametrize("day, key", [
    (date(2026, 1, 1), "2026Q1"), (date(2026, 3, 31), "2026Q1"), (date(2026, 4, 1), "2026Q2"),
    (date(2026, 6, 30), "2026Q2"), (date(2026, 7, 1), "2026Q3"), (date(2026, 9, 30), "2026Q3"),
    (date(2026, 10, 1), "2026Q4"), (date(2026, 12, 31), "2026Q4"), (date(2027, 1, 1), "2027Q1"),
])
def test_the_quarter_key_changes_exactly_at_each_quarter_boundary(day, key):
    assert quarter_key(day) == key


@pytest.mark.parametrize("day, bounds", [
    (date(2026, 2, 14), (date(2026, 1, 1), date(2026, 3, 31))),
    (date(2026, 11, 3), (date(2026, 10, 1), date(2026, 12, 31))),
])
def test_quarter_bounds(day, bounds):
    assert quarter_bounds(day) == bounds


@pytest.mark.parametrize("key, label", [
    ("2026Q4", "2026年第4季度"), ("2026Q4-S11", "2026年第4季度"), ("2026Q1-421223", "2026年第1季度"),
    ("2027-03-01", "2027年03月01日"), ("2026", "2026年度"),
])
def test_period_keys_read_as_words(key, label):
    assert period_label(key) == label


def _reminder(village, period="2026Q4-S11", kind="fake_due", **extra):
    return Reminder.objects.create(
        kind=kind, target_type=ContentType.objects.get_for_model(village), target_id=village.pk, period=period,
        region=village, title="茅井村的提醒", remind_on=date(2026, 11, 20), **extra)


def test_the_reminders_page_shows_the_period_in_words_not_its_key(personas, login, fake_kind):
    _reminder(personas.tree.village_a1)
    html = login(personas.county_staff).get(reverse("notifications:reminders"), {"tab": "sent"}).content.decode()
    assert "2026年第4季度" in html and "2026Q4" not in html


def test_a_reminder_nobody_could_be_told_is_flagged_on_the_reminders_page(personas, login, fake_kind):
    _reminder(personas.tree.village_a1, dispatched_at=timezone.now(), recipient_count=0)
    html = login(personas.county_staff).get(reverse("notifications:reminders"), {"tab": "sent"}).content.decode()
    assert "没有应通知的在用账号" in html


def test_the_upcoming_list_filters_by_kind(personas, login, fake_kind, quarterly_kind, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from cadre_portal.notifications import services

    fake_kind.due_dates[personas.tree.village_a1] = timezone.localdate() + timedelta(days=20)
    fake_kind.due_dates[personas.tree.village_b1] = timezone.localdate() + timedelta(days=21)
    quarterly_kind.villages = [personas.tree.village_b1]
    with django_capture_on_commit_callbacks(execute=True):
        services.scan("fake_due")
        services.scan("fake_quarterly")
    client = login(personas.county_staff)
    upcoming = client.get(reverse("notifications:reminders"), {"kind": "fake_due"}).content.decode()
    assert "茅井村：事项将于" in upcoming and f"{personas.tree.village_b1.name}：事项将于" in upcoming
    sent = client.get(reverse("notifications:reminders"), {"kind": "fake_due", "tab": "sent"}).content.decode()
    assert " 季度提醒" not in sent  # the title; the kind label 测试季度提醒 is in the sidebar
    sent = client.get(reverse("notifications:reminders"), {"kind": "fake_quarterly", "tab": "sent"}).content.decode()
    assert f"{personas.tree.village_b1.name}：" in sent and "事项将于" not in sent


def test_the_manual_scan_audit_entry_shows_labels_not_kind_keys(personas, login, fake_kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(personas.county_staff).post(reverse("notifications:trigger_scan"), {"kind": "fake_due"})
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.REMINDER_SCAN)
    shown = event.summary + str(event.detail)
    assert "测试到期事项" in shown and "fake_due" not in shown


def test_the_audit_page_shows_no_kind_key(personas, login, fake_kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(personas.county_staff).post(reverse("notifications:trigger_scan"), {"kind": "fake_due"})
    html = login(personas.county_staff).get(reverse("audit_log")).content.decode()
    assert "手动触发提醒扫描：测试到期事项" in html and "fake_due" not in html


# --- admin ---------------------------------------------------------------------------------

def test_the_setting_admin_shows_the_kind_by_its_label(personas, login, fake_kind):
    setting = ReminderSetting.for_kind(fake_kind)
    html = login(personas.admin).get(reverse("admin:notifications_remindersetting_change", args=[setting.pk])).content.decode()
    assert "测试到期事项" in html and "fake_due" not in html


def test_the_reminder_admin_filters_by_kind_label(personas, login, fake_kind):
    _reminder(personas.tree.village_a1)
    html = login(personas.admin).get(reverse("admin:notifications_reminder_changelist")).content.decode()
    assert ">测试到期事项</a>" in html and ">fake_due<" not in html and "2026年第4季度" in html


def test_the_reminder_admin_filter_works(personas, login, fake_kind, quarterly_kind):
    _reminder(personas.tree.village_a1)
    _reminder(personas.tree.village_b1, kind="fake_quarterly", period="2026Q4")
    html = login(personas.admin).get(reverse("admin:notifications_reminder_changelist") + "?kind=fake_quarterly").content.decode()
    assert html.count('class="action-checkbox"') == 1


def test_a_reminder_opens_read_only_in_the_admin_without_keys(personas, login, fake_kind):
    reminder = _reminder(personas.tree.village_a1)
    html = login(personas.admin).get(reverse("admin:notifications_reminder_change", args=[reminder.pk])).content.decode()
    assert "测试到期事项" in html and "2026年第4季度" in html and "2026Q4-S11" not in html


# --- the seasonal window ------------------------------------------------------------------------

def _window(kind_key, start, end):
    setting = ReminderSetting.objects.get(kind=kind_key)
    setting.window_start, setting.window_end = start, end
    return setting


@pytest.fixture
def seasonal_kind(db):
    from cadre_portal.notifications import registry
    from cadre_portal.notifications.tests.conftest import FakeKind

    class Seasonal(FakeKind):
        key = "fake_season"
        label = "测试季节提醒"
        uses_window = True
        default_window_start = "11-15"
        default_window_end = "12-31"

    kind = Seasonal()
    registry.register(kind)
    ReminderSetting.for_kind(kind)
    yield kind
    registry.unregister(kind.key)


def test_a_window_ending_before_it_starts_is_refused(seasonal_kind):
    with pytest.raises(ValidationError) as error:
        _window("fake_season", "12-01", "01-15").full_clean()
    assert "window_end" in error.value.message_dict


def test_a_window_kind_needs_both_dates(seasonal_kind):
    with pytest.raises(ValidationError) as error:
        _window("fake_season", "11-01", "").full_clean()
    assert "window_end" in error.value.message_dict


def test_a_sound_window_is_accepted(seasonal_kind):
    _window("fake_season", "10-01", "10-31").full_clean()


def test_the_admin_form_refuses_a_backwards_window(personas, login, seasonal_kind):
    setting = ReminderSetting.objects.get(kind="fake_season")
    response = login(personas.admin).post(
        reverse("admin:notifications_remindersetting_change", args=[setting.pk]),
        {"enabled": "on", "lead_days": "7", "notify_township_officers": "on", "send_email": "on",
         "window_start": "12-01", "window_end": "01-15"},
    )
    setting.refresh_from_db()
    assert response.status_code == 200 and "结束日期不能早于开始日期" in response.content.decode()
    assert (setting.window_start, setting.window_end) == ("11-15", "12-31")
