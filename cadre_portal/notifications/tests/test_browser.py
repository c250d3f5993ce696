"""The notification centre and the reminders page in headless Chromium
(run with -m browser)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cadre_portal.models import AuditEvent
from cadre_portal.notifications.models import Notification, Reminder
from cadre_portal.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_badge_counts_99_plus_inside_the_top_bar_and_clear_of_the_name(live_server, page, personas):
    Notification.objects.bulk_create(
        Notification(recipient=personas.officer_a, title=f"提醒 {i}", link="/regions/") for i in range(120))
    log_in(page, live_server, "officer_a")
    badge = page.get_by_test_id("unread-count")
    assert badge.inner_text().startswith("99+")
    box, name = badge.bounding_box(), page.get_by_test_id("current-user").bounding_box()
    header = page.locator("header.navbar").bounding_box()
    assert box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"]
    assert box["x"] + box["width"] + 8 <= name["x"], "the badge runs into the user name"


def test_an_officer_reads_marks_and_opens_notifications(live_server, page, personas):
    village = personas.tree.village_a1
    reminder = Reminder.objects.create(
        kind="followup_due", target_type=ContentType.objects.get_for_model(village), target_id=village.pk,
        period="2027-01-10", region=village, title="郑八首年度回访应于 2027-01-10 前完成", remind_on=timezone.localdate())
    Notification.objects.create(recipient=personas.officer_a, reminder=reminder, title=reminder.title, link="/regions/")
    Notification.objects.create(recipient=personas.officer_a, title="第二条通知")
    Notification.objects.create(recipient=personas.officer_a, title="第三条通知")
    Notification.objects.create(recipient=personas.officer_b, title="沙坪镇的通知")
    log_in(page, live_server, "officer_a")
    assert page.get_by_test_id("unread-count").inner_text().startswith("3")

    page.goto(f"{live_server.url}/notifications/")
    body = page.locator(".page-body").inner_text()
    assert "首年度回访即将到期" in body and "沙坪镇的通知" not in body and "followup_due" not in body
    row = page.get_by_test_id("notification").filter(has_text="第二条通知")
    row.get_by_role("button", name="标为已读").click()
    page.locator('[data-testid=unread-count][data-unread-count="2"]').wait_for()
    assert row.get_by_role("button", name="标为已读").count() == 0

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_load_state("networkidle")
    assert "已将 2 条通知标为已读" in page.locator(".page-body").inner_text()
    assert page.get_by_test_id("unread-count").count() == 0

    page.get_by_test_id("notification").filter(has_text="郑八").get_by_role("button", name="查看记录").click()
    page.wait_for_url(f"{live_server.url}/regions/")


def test_county_staff_scan_by_hand_and_the_leader_only_reads(live_server, page, personas, browser):
    log_in(page, live_server, "county")
    page.goto(f"{live_server.url}/notifications/reminders/")
    page.get_by_test_id("scan-now").click()
    page.wait_for_load_state("networkidle")
    assert "已触发" in page.locator(".page-body").inner_text()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.REMINDER_SCAN, user=personas.county_staff).exists()

    leader = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900}).new_page()
    log_in(leader, live_server, "leader")
    leader.goto(f"{live_server.url}/notifications/reminders/")
    assert leader.get_by_test_id("upcoming").is_visible() and leader.get_by_test_id("scan-now").count() == 0
    leader.get_by_test_id("tab-sent").click()
    leader.get_by_test_id("sent").wait_for()
    assert leader.get_by_test_id("scan-now").count() == 0
