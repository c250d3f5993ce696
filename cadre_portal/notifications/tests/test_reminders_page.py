"""The reminders page reads only the viewer's scope, one kind or all, one list at a time,
paginated, with per-kind counts — a fixed number of queries whatever the number of reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from cadre_portal.models import Region, Role
from cadre_portal.notifications import services
from cadre_portal.notifications.models import Notification, PlannedReminder, Reminder
from cadre_portal.testing import make_region, make_user

pytestmark = pytest.mark.django_db
URL = "notifications:reminders"


@pytest.fixture
def other_county(personas):
    """通城县 with one village and its own county staff."""
    county = make_region("421222", "通城县", Region.Level.COUNTY, Region.Kind.COUNTY)
    town = make_region("421222100", "隽水镇", Region.Level.TOWNSHIP, Region.Kind.TOWN, county)
    village = make_region("421222100201", "城东村", Region.Level.VILLAGE, Region.Kind.VILLAGE, town)
    staff = make_user("tongcheng", Role.COUNTY_STAFF, county, full_name="通城县组织部干部")
    return village, staff


def sent(region, n, kind="fake_due", title="已发提醒"):
    ct = ContentType.objects.get_for_model(Region)
    Reminder.objects.bulk_create([
        Reminder(kind=kind, target_type=ct, target_id=region.pk, period=f"2026-03-{i + 1:02d}", region=region,
                 title=f"{title}{i}", remind_on=date(2026, 3, 1), dispatched_at=timezone.now(), recipient_count=1)
        for i in range(n)
    ])


def planned(region, n, kind="fake_due", title="待发提醒"):
    ct = ContentType.objects.get_for_model(Region)
    PlannedReminder.objects.bulk_create([
        PlannedReminder(kind=kind, target_type=ct, target_id=region.pk, period=f"2026-04-{i + 1:02d}", region=region,
                        title=f"{title}{i}", remind_on=timezone.localdate() + timedelta(days=5))
        for i in range(n)
    ])


def test_another_countys_reminders_are_neither_listed_nor_counted(personas, login, fake_kind, other_county):
    village, _ = other_county
    sent(village, 3, title="通城的提醒")
    sent(personas.tree.village_a1, 1, title="崇阳的提醒")
    response = login(personas.county_staff).get(reverse(URL), {"tab": "sent"})
    html = response.content.decode()
    assert "崇阳的提醒" in html and "通城的提醒" not in html
    assert dict((key, count) for key, _label, count in response.context["tabs"])["sent"] == 1


def test_the_other_countys_staff_see_theirs_only(personas, login, fake_kind, other_county):
    village, staff = other_county
    planned(village, 2, title="通城待发")
    planned(personas.tree.village_a1, 1, title="崇阳待发")
    html = login(staff).get(reverse(URL)).content.decode()
    assert "通城待发" in html and "崇阳待发" not in html


def test_each_kind_shows_its_upcoming_and_sent_counts(personas, login, fake_kind, quarterly_kind):
    sent(personas.tree.village_a1, 4)
    planned(personas.tree.village_a1, 2)
    sent(personas.tree.village_b1, 1, kind="fake_quarterly")
    kinds = {k["key"]: k for k in login(personas.county_staff).get(reverse(URL)).context["kinds"]}
    assert (kinds["fake_due"]["upcoming"], kinds["fake_due"]["sent"]) == (2, 4)
    assert (kinds["fake_quarterly"]["upcoming"], kinds["fake_quarterly"]["sent"]) == (0, 1)


def test_choosing_a_kind_lists_only_that_kind(personas, login, fake_kind, quarterly_kind):
    sent(personas.tree.village_a1, 2, title="到期类")
    sent(personas.tree.village_b1, 2, kind="fake_quarterly", title="季度类")
    html = login(personas.county_staff).get(reverse(URL), {"kind": "fake_quarterly", "tab": "sent"}).content.decode()
    assert "季度类0" in html and "到期类0" not in html


def test_the_lists_are_paginated_thirty_a_page(personas, login, fake_kind):
    sent(personas.tree.village_a1, 31)
    client = login(personas.county_staff)
    first = client.get(reverse(URL), {"tab": "sent"}).context["page_obj"]
    second = client.get(reverse(URL), {"tab": "sent", "page": 2}).context["page_obj"]
    assert (len(first.object_list), len(second.object_list), first.paginator.count) == (30, 1, 31)


def test_an_unknown_kind_or_tab_or_page_is_ignored(personas, login, fake_kind):
    response = login(personas.county_staff).get(reverse(URL), {"kind": "<script>", "tab": "x\x00", "page": "abc"})
    assert response.status_code == 200 and response.context["tab"] == "upcoming" and response.context["kind"] == ""


@pytest.mark.parametrize("tab", ["upcoming", "sent"])
def test_the_page_runs_the_same_queries_for_one_reminder_or_sixty(personas, login, fake_kind, tab,
                                                                 django_assert_max_num_queries):
    client = login(personas.county_staff)
    sent(personas.tree.village_a1, 1)
    planned(personas.tree.village_a1, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse(URL), {"tab": tab})
    Reminder.objects.all().delete()
    PlannedReminder.objects.all().delete()
    sent(personas.tree.village_a1, 30)
    sent(personas.tree.village_b1, 30)
    planned(personas.tree.village_a1, 30)
    planned(personas.tree.village_b1, 30)
    with django_assert_max_num_queries(len(one)):
        response = client.get(reverse(URL), {"tab": tab})
    assert len(response.context["page_obj"].object_list) == 30


def test_the_sent_list_shows_how_many_read_the_reminder(personas, login, fake_kind):
    sent(personas.tree.village_a1, 1)
    reminder = Reminder.objects.get()
    Notification.objects.create(recipient=personas.officer_a, reminder=reminder, title="x", read_at=timezone.now())
    Notification.objects.create(recipient=personas.county_staff, reminder=reminder, title="x")
    page = login(personas.county_staff).get(reverse(URL), {"tab": "sent"}).context["page_obj"]
    assert page.object_list[0].read_count == 1


def test_the_scan_plans_what_is_coming_and_the_page_lists_it(personas, login, fake_kind, django_capture_on_commit_callbacks):
    fake_kind.due_dates[personas.tree.village_a1] = timezone.localdate() + timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.scan("fake_due")
    assert (result.created, result.planned) == (0, 1)
    assert "茅井村：事项将于" in login(personas.county_staff).get(reverse(URL)).content.decode()


def test_a_planned_reminder_is_gone_once_the_scan_no_longer_finds_it(personas, fake_kind, django_capture_on_commit_callbacks):
    fake_kind.due_dates[personas.tree.village_a1] = timezone.localdate() + timedelta(days=20)
    services.scan("fake_due")
    fake_kind.due_dates.clear()
    services.scan("fake_due")
    assert not PlannedReminder.objects.exists()


def test_dispatching_many_reminders_runs_no_more_queries_than_one(personas, fake_kind):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sent_one = _undispatched(personas.tree.village_a1, 1)
    services.dispatch_many(sent_one)  # warm the caches
    _undispatched(personas.tree.village_a1, 1, start=50)
    with CaptureQueriesContext(connection) as one:
        services.dispatch_many(list(Reminder.objects.filter(dispatched_at__isnull=True).values_list("pk", flat=True)))
    many_ids = _undispatched(personas.tree.village_a1, 20, start=100) + _undispatched(personas.tree.village_a2, 20, start=200)
    with CaptureQueriesContext(connection) as many:
        services.dispatch_many(many_ids)
    assert Notification.objects.filter(reminder_id__in=many_ids, recipient=personas.officer_a).count() == 40
    # No more queries for 40 reminders than for one (a cache warmed by the first batch may save one).
    assert len(many) <= len(one), [q['sql'] for q in many.captured_queries]


def _undispatched(region, n, start=0):
    ct = ContentType.objects.get_for_model(Region)
    rows = Reminder.objects.bulk_create([
        Reminder(kind="fake_due", target_type=ct, target_id=region.pk, period=f"P{start + i}", region=region,
                 title="待分发", remind_on=date(2026, 3, 1))
        for i in range(n)
    ])
    return list(Reminder.objects.filter(period__in=[r.period for r in rows]).values_list("pk", flat=True))
