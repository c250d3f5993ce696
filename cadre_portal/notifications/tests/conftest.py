"""Fixtures of the reminder machinery's tests: a tiny fake kind whose targets
are villages, and Celery in-process for every test but the real-worker ones
(CI may set REDIS_URL for the whole run)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cadre_portal.celery import app as celery_app
from cadre_portal.notifications import registry
from cadre_portal.notifications.periods import quarter_key
from cadre_portal.notifications.registry import Due, ReminderKind


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


class FakeKind(ReminderKind):
    """Each village in ``due_dates`` has something due on its date; remind
    ``lead_days`` before it. Period: the due date."""

    key = "fake_due"
    label = "测试到期事项"
    target_model = "cadre_portal.Region"
    default_lead_days = 7

    def __init__(self):
        self.due_dates = {}  # village -> due date

    def due(self, *, today, until, setting):
        for village, due_date in self.due_dates.items():
            remind_on = due_date - timedelta(days=setting.lead_days)
            if due_date < today or remind_on > until:
                continue
            yield Due(
                target_id=village.pk, region_id=village.pk, period=due_date.isoformat(),
                title=f"{village.name}：事项将于 {due_date:%Y-%m-%d} 到期", body="请及时处理。",
                remind_on=remind_on, due_date=due_date, link="/regions/",
            )


class QuarterlyFakeKind(ReminderKind):
    """Every village in ``villages`` gets one reminder per quarter."""

    key = "fake_quarterly"
    label = "测试季度提醒"
    target_model = "cadre_portal.Region"

    def __init__(self):
        self.villages = []

    def due(self, *, today, until, setting):
        for village in self.villages:
            yield Due(target_id=village.pk, region_id=village.pk, period=quarter_key(today),
                      title=f"{village.name}：{quarter_key(today)} 季度提醒", body="", remind_on=today)


@pytest.fixture
def fake_kind(db):
    kind = FakeKind()
    registry.register(kind)
    yield kind
    registry.unregister(kind.key)


@pytest.fixture
def quarterly_kind(db):
    kind = QuarterlyFakeKind()
    registry.register(kind)
    yield kind
    registry.unregister(kind.key)
