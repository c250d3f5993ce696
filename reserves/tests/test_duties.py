"""Counts that agree (issue 13 item 16): each home-panel count, the roster it opens and
the reminder naming the same people come from one queryset (``reserves.duties``);
and quarterly training is checked (item 5): a trainee who attended no session in the
last completed quarter of their cycle is flagged on the panel, the overview and the
county's quarterly reminder summary."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cadre_portal.notifications import services
from cadre_portal.notifications.models import Reminder
from cadre_portal.testing import make_id_number
from reserves import duties, panels, workflow
from reserves.models import Appraisal, Candidate, TrainingSession
from reserves.tests import builders

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 1)  # inside the appraisal season (11-15 – 12-31)


@pytest.fixture(autouse=True)
def _celery_in_process():
    from cadre_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 8, tzinfo=TZ), tick=False)


def _trainee(personas, village, name, start, n):
    with on(start):
        return builders.training(personas, village, start=start, name=name, id_number=make_id_number(date(1990, 1, n)))


def _attend(personas, people, day, hours=8):
    """``hours`` credited on ``day``, in sessions of at most a day's 24 hours."""
    left, n = Decimal(hours), 1
    while left > 0:
        chunk = min(left, Decimal(24))
        session = TrainingSession.objects.create(date=day, topic=f"集中学习（第{n}期）", hours=chunk)
        with on(day):
            workflow.record_attendance(session=session, candidates=people, by=personas.county_staff)
        left, n = left - chunk, n + 1


@pytest.fixture
def county(personas):
    """Trainees of both townships: some with no appraisal yet, some behind on hours, some who
    skipped the last quarter of their cycle, one whose cycle has ended."""
    a1, a2, b1 = personas.tree.village_a1, personas.tree.village_a2, personas.tree.village_b1
    keen = _trainee(personas, a1, "赵一", date(2025, 9, 1), 1)
    idle = _trainee(personas, a1, "钱二", date(2025, 9, 1), 2)
    late = _trainee(personas, a2, "孙三", date(2026, 3, 1), 3)
    old = _trainee(personas, b1, "李四", date(2024, 6, 1), 4)
    other = _trainee(personas, b1, "周五", date(2025, 9, 1), 5)
    # The last completed quarter of a cycle begun 1 Sept 2025 on 1 Dec 2026 is 1 Sept – 30 Nov 2026.
    _attend(personas, [keen, other], date(2025, 10, 10), hours=60)
    _attend(personas, [keen], date(2026, 10, 10), hours=40)
    _attend(personas, [late], date(2026, 4, 10), hours=4)
    Appraisal.objects.create(candidate=keen, year=1, appraised_on=date(2026, 8, 1), raters=10, grade=builders.grade("合格"), opinion="好")
    return {"keen": keen, "idle": idle, "late": late, "old": old, "other": other}


def _panel(user, template_key):
    with on(TODAY):
        data = panels.township_todo(user) if template_key == "township" else panels.county_queue(user)
    return {d["key"]: d["count"] for d in data["duties"]}


def _roster(login, user, key):
    with on(TODAY):
        response = login(user).get(reverse("reserves:list"), {"due": key})
    return response.context["listing"].count.value


def _reminder_count(kind, *, township=None):
    with on(TODAY):
        services.scan(kind)
    total = 0
    for r in Reminder.objects.filter(kind=kind):
        if township is not None and r.region_id != township.pk:
            continue
        total += int(re.search(r"(\d+) 名培养对象", r.title).group(1))
    return total


@pytest.mark.parametrize("key,kind", [("behind", "hours_behind"), ("appraisal", "appraisal_season")])
def test_the_township_panel_its_roster_and_its_reminder_agree(personas, login, county, key, kind):
    officer, township = personas.officer_a, personas.tree.township_a
    panel = _panel(officer, "township")[key]
    assert panel > 0
    assert panel == _roster(login, officer, key) == _reminder_count(kind, township=township)


def test_the_training_gap_agrees_on_the_panel_the_roster_and_the_county_summary(personas, login, county):
    staff = personas.county_staff
    panel = _panel(staff, "county")["training_gap"]
    with on(TODAY):
        names = set(duties.people("training_gap", staff).values_list("name", flat=True))
    assert names == {"钱二", "孙三", "周五"}  # 李四's cycle ended before that quarter
    with on(TODAY):
        services.scan("training_gap")
    reminder = Reminder.objects.get(kind="training_gap")
    stated = int(re.search(r"全县 (\d+) 名", reminder.title).group(1))
    assert panel == _roster(login, staff, "training_gap") == stated == 3


def test_every_duty_on_the_township_panel_matches_its_roster(personas, login, county):
    officer = personas.officer_a
    for key, count in _panel(officer, "township").items():
        assert count == _roster(login, officer, key), key


def test_the_panel_links_to_the_roster_of_its_duty(personas, login, county):
    with on(TODAY):
        page = login(personas.officer_a).get("/").content.decode()
    assert 'href="/reserves/?due=appraisal"' in page and 'data-duty="training_gap"' in page


def test_a_trainee_who_attended_in_the_last_quarter_is_not_flagged(personas, county):
    assert county["keen"].pk not in duties.training_gaps(Candidate.objects.all(), TODAY)


def test_a_leave_does_not_count_as_attending_the_quarter(personas, county):
    session = TrainingSession.objects.create(date=date(2026, 11, 5), topic="政策法规", hours=Decimal(8))
    with on(date(2026, 11, 6)):
        workflow.set_attendance(session=session, candidate=county["idle"], by=personas.officer_a, status="leave", reason="病假")
    assert county["idle"].pk in duties.training_gaps(Candidate.objects.all(), TODAY)
    with on(date(2026, 11, 6)):
        workflow.set_attendance(session=session, candidate=county["idle"], by=personas.officer_a, status="partial", hours="2")
    assert county["idle"].pk not in duties.training_gaps(Candidate.objects.all(), TODAY)


def test_the_first_quarter_is_judged_only_once_it_has_ended():
    assert duties.last_cycle_quarter(date(2026, 9, 1), date(2026, 11, 30)) is None
    assert duties.last_cycle_quarter(date(2026, 9, 1), date(2026, 12, 1)) == (1, date(2026, 9, 1), date(2026, 11, 30))


def test_the_overview_flags_the_training_gap_per_township(personas, login, county):
    with on(TODAY):
        response = login(personas.county_staff).get(reverse("reserves:overview"))
    o = response.context["o"]
    assert {row.township.name: row.gap.value for row in o.rows} == {"天城镇": 2, "沙坪镇": 1}
    assert o.totals.gap.url.endswith("due=training_gap")


def test_the_officer_sees_only_their_townships_duties(personas, login, county):
    with on(TODAY):
        names = set(duties.people("training_gap", personas.officer_b).values_list("name", flat=True))
    assert names == {"周五"}
