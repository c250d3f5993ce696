"""The notification centre (each user sees and marks only their own) and the
reminders page (county staff)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cadre_portal.models import AuditEvent
from cadre_portal.notifications import services
from cadre_portal.notifications.models import Notification, Reminder


def notify(user, title="培训提醒", **extra):
    return Notification.objects.create(recipient=user, title=title, body="内容", link="/regions/", **extra)


# --- login --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["notifications:list", "notifications:unread_count", "notifications:reminders"])
def test_it_requires_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_htmx_polling_without_a_session_is_told_to_log_in(client, db):
    response = client.get(reverse("notifications:unread_count"), HTTP_HX_REQUEST="true")
    assert response.status_code == 401


# --- the list ----------------------------------------------------------------------------------

def test_the_list_shows_my_notifications(personas, login):
    notify(personas.officer_a, title="天城镇的提醒")
    response = login(personas.officer_a).get(reverse("notifications:list"))
    assert "天城镇的提醒" in response.content.decode()


def test_the_list_never_shows_another_users_notifications(personas, login):
    notify(personas.officer_b, title="沙坪镇的提醒")
    response = login(personas.officer_a).get(reverse("notifications:list"))
    assert "沙坪镇的提醒" not in response.content.decode()


def test_the_unread_tab_hides_read_notifications(personas, login):
    from django.utils import timezone

    notify(personas.officer_a, title="早已读过", read_at=timezone.now())
    response = login(personas.officer_a).get(reverse("notifications:list") + "?show=unread")
    assert "早已读过" not in response.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(personas, login, django_assert_max_num_queries):
    for i in range(30):
        notify(personas.officer_a, title=f"提醒 {i}")
    client = login(personas.officer_a)
    with django_assert_max_num_queries(12):
        client.get(reverse("notifications:list"))


# --- mark read -----------------------------------------------------------------------------------

def test_i_can_mark_my_notification_read(personas, login):
    n = notify(personas.officer_a)
    login(personas.officer_a).post(reverse("notifications:mark_read", args=[n.pk]))
    n.refresh_from_db()
    assert n.is_read


def test_marking_another_users_notification_is_404(personas, login):
    n = notify(personas.officer_b)
    response = login(personas.officer_a).post(reverse("notifications:mark_read", args=[n.pk]))
    assert response.status_code == 404


def test_marking_another_users_notification_leaves_it_unread(personas, login):
    n = notify(personas.officer_b)
    login(personas.officer_a).post(reverse("notifications:mark_read", args=[n.pk]))
    n.refresh_from_db()
    assert not n.is_read


def test_mark_read_is_post_only(personas, login):
    n = notify(personas.officer_a)
    assert login(personas.officer_a).get(reverse("notifications:mark_read", args=[n.pk])).status_code == 405


def test_mark_read_over_htmx_returns_the_row_and_refreshes_the_badge(personas, login):
    n = notify(personas.officer_a)
    response = login(personas.officer_a).post(reverse("notifications:mark_read", args=[n.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Trigger"] == "notifications-changed" and f'id="notification-{n.pk}"' in response.content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_the_record(personas, login):
    n = notify(personas.officer_a)
    response = login(personas.officer_a).post(reverse("notifications:mark_read", args=[n.pk]), {"open": "1"})
    n.refresh_from_db()
    assert (response["Location"], n.is_read) == ("/regions/", True)


def test_an_outside_link_is_never_followed(personas, login):
    n = Notification.objects.create(recipient=personas.officer_a, title="x", link="//evil.example/")
    response = login(personas.officer_a).post(reverse("notifications:mark_read", args=[n.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read_marks_only_mine(personas, login):
    notify(personas.officer_a)
    notify(personas.officer_a)
    theirs = notify(personas.officer_b)
    login(personas.officer_a).post(reverse("notifications:mark_all_read"))
    theirs.refresh_from_db()
    assert (Notification.objects.filter(recipient=personas.officer_a, read_at__isnull=True).count(), theirs.is_read) == (0, False)


# --- unread count ------------------------------------------------------------------------------------

def test_the_unread_count_counts_my_unread_notifications(personas, login):
    from django.utils import timezone

    notify(personas.officer_a)
    notify(personas.officer_a)
    notify(personas.officer_a, read_at=timezone.now())
    notify(personas.officer_b)
    response = login(personas.officer_a).get(reverse("notifications:unread_count"))
    assert 'data-unread-count="2"' in response.content.decode()


def test_no_badge_without_unread_notifications(personas, login):
    response = login(personas.officer_a).get(reverse("notifications:unread_count"))
    assert 'data-unread-count="0"' in response.content.decode()


def test_the_top_bar_loads_the_count_lazily(personas, login):
    html = login(personas.officer_a).get(reverse("notifications:list")).content.decode()
    assert reverse("notifications:unread_count") in html and 'hx-trigger="load, every 60s' in html


# --- the reminders page -------------------------------------------------------------------------------

def test_county_staff_see_the_reminders_page(personas, login):
    assert login(personas.county_staff).get(reverse("notifications:reminders")).status_code == 200


def test_a_township_officer_may_not_see_the_reminders_page(personas, login):
    assert login(personas.officer_a).get(reverse("notifications:reminders")).status_code == 403


def test_the_reminders_page_lists_sent_reminders(personas, login, fake_kind):
    from django.contrib.contenttypes.models import ContentType

    village = personas.tree.village_a1
    Reminder.objects.create(kind="fake_due", target_type=ContentType.objects.get_for_model(village), target_id=village.pk,
                            period="2026-03-15", region=village, title="茅井村的提醒", remind_on=date(2026, 3, 8))
    response = login(personas.county_staff).get(reverse("notifications:reminders"), {"tab": "sent"})
    assert "茅井村的提醒" in response.content.decode()


def test_the_reminders_page_lists_upcoming_reminders(personas, login, fake_kind):
    from django.utils import timezone

    fake_kind.due_dates[personas.tree.village_a1] = timezone.localdate() + __import__("datetime").timedelta(days=20)
    services.scan("fake_due")  # the daily scan plans what is coming
    response = login(personas.county_staff).get(reverse("notifications:reminders"))
    assert "茅井村：事项将于" in response.content.decode()


def test_county_staff_can_trigger_a_scan(personas, login, fake_kind, django_capture_on_commit_callbacks):
    from django.utils import timezone

    fake_kind.due_dates[personas.tree.village_a1] = timezone.localdate() + __import__("datetime").timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        login(personas.county_staff).post(reverse("notifications:trigger_scan"), {"kind": "fake_due"})
    assert Notification.objects.filter(recipient=personas.officer_a).count() == 1


def test_a_manual_scan_is_audited(personas, login, fake_kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        login(personas.county_staff).post(reverse("notifications:trigger_scan"))
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.REMINDER_SCAN, user=personas.county_staff).exists()


@pytest.mark.parametrize("persona", ["officer_a", "leader", "domain_officer"])
def test_only_county_staff_and_admins_can_trigger_a_scan(personas, login, persona):
    response = login(getattr(personas, persona)).post(reverse("notifications:trigger_scan"))
    assert response.status_code == 403


def test_the_leader_sees_the_page_without_the_scan_button(personas, login):
    response = login(personas.leader).get(reverse("notifications:reminders"))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="tab-sent"' in html and 'data-testid="upcoming"' in html
    assert 'data-testid="scan-now"' not in html


def test_county_staff_see_the_scan_button(personas, login):
    html = login(personas.county_staff).get(reverse("notifications:reminders")).content.decode()
    assert 'data-testid="scan-now"' in html
