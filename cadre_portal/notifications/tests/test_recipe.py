"""docs/REMINDERS.md "Adding a kind", executed: the recipe's steps and its tests, on a real
model of the young-cadre app (career plans due for their yearly review — the same shape as
the retention interviews: a due date, a cadre in a unit, a responsible officer).

If this file needs changing because the API changed, docs/REMINDERS.md changes with it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cadre_portal.models import Role, Unit
from cadre_portal.notifications import registry
from cadre_portal.notifications.models import Notification, Reminder, ReminderSetting
from cadre_portal.notifications.registry import Due, ReminderKind
from cadre_portal.notifications.testing import assert_kind_is_set_based, scan_on
from cadre_portal.testing import make_user

pytestmark = pytest.mark.django_db


# --- step 1: the kind (in the app's reminders.py) ------------------------------------------------

class CareerPlanReviewDueKind(ReminderKind):
    key = "career_plan_review_due"  # stored in the database: never rename it
    label = "职业发展规划回顾即将到期"  # what users see
    description = "优秀年轻干部职业发展规划年度回顾到期前 N 天，提醒县委组织部和规划制定人。"
    target_model = "youth_cadres.CareerPlan"  # what the reminders are about
    default_lead_days = 14
    default_notify_township_officers = False
    default_notify_county_staff = True

    def due(self, *, today, until, setting):
        from youth_cadres.models import CareerPlan

        lead = setting.lead_days
        rows = (
            CareerPlan.objects.filter(next_review_due__gte=today, next_review_due__lte=until + timedelta(days=lead))
            .order_by("next_review_due", "pk")
            .values("pk", "next_review_due", "cadre_id", "cadre__name", "cadre__unit__name", "cadre__unit__region_id")
        )
        for row in rows:  # one query, however many plans
            due_date = row["next_review_due"]
            yield Due(
                target_id=row["pk"],
                region_id=row["cadre__unit__region_id"],  # decides whose scope it is in
                period=due_date.isoformat(),  # one reminder per plan and due date
                title=f"{row['cadre__name']}（{row['cadre__unit__name']}）职业发展规划应于 {due_date:%Y-%m-%d} 前回顾",
                body="请按期回顾职业发展规划的目标和路径，并登记回顾情况。",
                remind_on=due_date - timedelta(days=lead),
                due_date=due_date,
                link=f"/youth/cadres/{row['cadre_id']}/",
            )

    def extra_recipients(self, target_ids, setting):
        from youth_cadres.models import CareerPlan

        # The officer who made the plan, besides the roles ticked in the setting: one query.
        rows = CareerPlan.objects.filter(pk__in=target_ids, created_by__isnull=False).values_list("pk", "created_by_id")
        return {pk: [user_id] for pk, user_id in rows}


# --- steps 2 and 3: register (the app's ready()) and migrate (post_migrate) ------------------------

@pytest.fixture
def kind(db):
    from cadre_portal.notifications.apps import _sync_after_migrate

    registry.register(CareerPlanReviewDueKind)
    _sync_after_migrate(sender=None)  # what `manage.py migrate` runs
    yield registry.get("career_plan_review_due")
    registry.unregister("career_plan_review_due")


@pytest.fixture
def unit(tree):
    return Unit.objects.create(name="县发展和改革局", kind=Unit.Kind.PARTY_GOV, region=tree.county)


def plan(unit, review_due: date, *, by=None, name="张伟"):
    from youth_cadres.models import CareerPlan
    from youth_cadres.tests.builders import make_cadre

    cadre = make_cadre(unit, name=name)
    return CareerPlan.objects.create(cadre=cadre, analysis="分析", goal="目标", path="路径", made_on=date(2025, 1, 1),
                                     next_review_due=review_due, created_by=by)


DUE = date(2026, 6, 30)


# --- step 4: the kind's tests --------------------------------------------------------------------

def test_migrate_gave_the_kind_its_setting_and_daily_scan(kind):
    from django_celery_beat.models import PeriodicTask

    setting = ReminderSetting.objects.get(kind=kind.key)
    assert (setting.lead_days, setting.notify_county_staff, setting.notify_township_officers) == (14, True, False)
    assert PeriodicTask.objects.filter(kwargs='{"kind": "career_plan_review_due"}', enabled=True).exists()


def test_the_reminder_comes_n_days_before_and_not_the_day_before(kind, personas, unit):
    plan(unit, DUE)
    scan_on(kind.key, DUE - timedelta(days=15))
    assert not Reminder.objects.filter(kind=kind.key).exists()
    scan_on(kind.key, DUE - timedelta(days=14))
    assert Reminder.objects.filter(kind=kind.key).count() == 1


def test_scanning_every_day_until_after_the_due_date_reminds_once(kind, personas, unit):
    plan(unit, DUE)
    for offset in range(20, -3, -1):
        scan_on(kind.key, DUE - timedelta(days=offset))
    assert Notification.objects.filter(reminder__kind=kind.key, recipient=personas.county_staff).count() == 1


def test_county_staff_and_the_planner_are_told_and_township_officers_never(kind, personas, unit):
    planner = make_user("planner", Role.COUNTY_STAFF, personas.tree.county, full_name="规划制定人")
    plan(unit, DUE, by=planner)
    scan_on(kind.key, DUE - timedelta(days=14))
    told = set(Notification.objects.filter(reminder__kind=kind.key).values_list("recipient__username", flat=True))
    assert told == {"county", "planner"}


def test_a_named_officer_outside_the_records_scope_is_not_told(kind, personas, unit):
    plan(unit, DUE, by=personas.officer_b)  # a township officer may not see county-unit cadres
    scan_on(kind.key, DUE - timedelta(days=14))
    assert not Notification.objects.filter(recipient=personas.officer_b).exists()


def test_the_setting_changes_the_next_scan(kind, personas, unit):
    ReminderSetting.objects.filter(kind=kind.key).update(lead_days=30)
    plan(unit, DUE)
    scan_on(kind.key, DUE - timedelta(days=30))
    assert Reminder.objects.filter(kind=kind.key).count() == 1


def test_the_kind_selects_in_sql(kind, personas, unit):
    plan(unit, DUE)
    assert_kind_is_set_based(
        kind.key, today=DUE - timedelta(days=14),
        add_rows=lambda: [plan(unit, DUE + timedelta(days=i), name=n) for i, n in enumerate(["王芳", "李娜", "刘洋"])],
    )
