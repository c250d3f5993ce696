"""The attendance page at county scale: blocks by village, filters, a per-township
summary for large counties, each block saved alone, removals confirmed first."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from reserves import workflow
from reserves.models import Attendance, Candidate, TrainingSession
from reserves.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    return TrainingSession.objects.create(date=date.today(), topic="政策法规", hours=Decimal(8))


def _trainees(personas, village, names):
    return [b.training(personas, village, start=date.today() - timedelta(days=30), name=n) for n in names]


def _save(client, session, shown, ticked, **extra):
    data = {"shown": [c.pk for c in shown], "candidates": [c.pk for c in ticked], "block": shown[0].village_id,
            "block_name": "测试村", **extra}
    return client.post(reverse("reserves:attendance_save", args=[session.pk]), data)


def test_the_page_shows_one_block_per_village(personas, login, session):
    _trainees(personas, personas.tree.village_a1, ["甲", "乙"])
    _trainees(personas, personas.tree.village_a2, ["丙"])
    response = login(personas.officer_a).get(reverse("reserves:training_detail", args=[session.pk]))
    blocks = response.context["blocks"]
    assert [(blk["village"].name, [c.name for c in blk["people"]]) for blk in blocks] == [("茅井村", ["甲", "乙"]), ("大岭村", ["丙"])]


def test_the_filters_narrow_the_blocks(personas, login, session):
    _trainees(personas, personas.tree.village_a1, ["张三", "李四"])
    _trainees(personas, personas.tree.village_b1, ["王五"])
    client = login(personas.county_staff)
    url = reverse("reserves:training_detail", args=[session.pk])
    by_township = client.get(url, {"township": personas.tree.township_b.pk}).context["blocks"]
    assert [c.name for blk in by_township for c in blk["people"]] == ["王五"]
    by_name = client.get(url, {"q": "zs"}).context["blocks"]
    assert [c.name for blk in by_name for c in blk["people"]] == ["张三"]


def test_only_missing_hides_those_already_recorded(personas, login, session):
    people = _trainees(personas, personas.tree.village_a1, ["甲", "乙"])
    workflow.record_attendance(session=session, candidates=[people[0]], by=personas.officer_a)
    blocks = login(personas.officer_a).get(reverse("reserves:training_detail", args=[session.pk]), {"missing": "1"}).context["blocks"]
    assert [c.name for blk in blocks for c in blk["people"]] == ["乙"]


def test_a_large_county_starts_from_the_township_summary(personas, login, session, monkeypatch):
    from reserves import views

    monkeypatch.setattr(views, "ATTENDANCE_BLOCKS_MAX", 2)
    _trainees(personas, personas.tree.village_a1, ["甲", "乙"])
    _trainees(personas, personas.tree.village_b1, ["丙"])
    response = login(personas.county_staff).get(reverse("reserves:training_detail", args=[session.pk]))
    assert response.context["blocks"] == []
    assert [(r["name"], r["eligible"]) for r in response.context["summary"]] == [("天城镇", 2), ("沙坪镇", 1)]


def test_saving_a_block_leaves_other_villages_alone(personas, login, session):
    a1 = _trainees(personas, personas.tree.village_a1, ["甲", "乙"])
    a2 = _trainees(personas, personas.tree.village_a2, ["丙"])
    workflow.record_attendance(session=session, candidates=a2, by=personas.officer_a)
    response = _save(login(personas.officer_a), session, shown=a1, ticked=a1[:1])
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("candidate__name", flat=True)) == {"甲", "丙"}


def test_taking_attendance_away_asks_first_and_names_who(personas, login, session):
    people = _trainees(personas, personas.tree.village_a1, ["甲", "乙"])
    workflow.record_attendance(session=session, candidates=people, by=personas.officer_a)
    client = login(personas.officer_a)
    response = _save(client, session, shown=people, ticked=people[:1])
    assert response.status_code == 200 and "移除以下 1 人" in response.content.decode() and "乙" in response.content.decode()
    assert Attendance.objects.count() == 2
    response = _save(client, session, shown=people, ticked=people[:1], confirm_removal="1")
    assert response.status_code == 302 and list(Attendance.objects.values_list("candidate__name", flat=True)) == ["甲"]
    assert Candidate.objects.get(pk=people[1].pk).hours_attended == 0


def test_a_block_with_someone_outside_the_scope_is_refused(personas, login, session):
    mine = _trainees(personas, personas.tree.village_a1, ["甲"])
    theirs = _trainees(personas, personas.tree.village_b1, ["乙"])
    response = _save(login(personas.officer_a), session, shown=mine + theirs, ticked=mine + theirs)
    assert response.status_code == 302 and not Attendance.objects.exists()


def test_a_leader_sees_the_page_without_boxes_to_tick(personas, login, session):
    _trainees(personas, personas.tree.village_a1, ["甲"])
    response = login(personas.leader).get(reverse("reserves:training_detail", args=[session.pk]))
    assert response.context["can_edit"] is False and "保存" not in response.content.decode().split("data-attendance-block")[-1][:2000]
    assert _save(login(personas.leader), session, shown=[Candidate.objects.get()], ticked=[]).status_code == 302
    assert not Attendance.objects.exists()


def test_the_page_costs_the_same_queries_for_1_and_50_trainees(personas, login, session):
    from reserves.tests.test_lists import _import, _queries

    client = login(personas.county_staff)
    url = reverse("reserves:training_detail", args=[session.pk]) + f"?township={personas.tree.township_a.pk}"
    _import(personas, 1, village=personas.tree.village_a1)
    client.get(url)
    one = _queries(client, url)
    _import(personas, 49, village=personas.tree.village_a2)
    assert sum(len(blk["people"]) for blk in client.get(url).context["blocks"]) == 50
    assert _queries(client, url) == one


# --- the new-session form -----------------------------------------------------------------------


def test_the_new_session_form_groups_trainees_by_village(personas, login):
    _trainees(personas, personas.tree.village_a1, ["甲"])
    _trainees(personas, personas.tree.village_b1, ["乙"])
    response = login(personas.county_staff).get(reverse("reserves:training_create"))
    groups = response.context["groups"]
    assert [(g["village"].name, [c.name for c in g["people"]]) for g in groups] == [("茅井村", ["甲"]), ("沙坪村", ["乙"])]
    page = response.content.decode()
    assert "data-trainee-picker" in page and 'data-filter-township' in page and "js/reserves.js" in page


def test_a_session_for_named_trainees_keeps_the_ticks_when_refused(personas, login):
    people = _trainees(personas, personas.tree.village_a1, ["甲", "乙"])
    data = {"date": "", "topic": "政策", "hours": "8", "place": "县委党校", "trainees": [people[1].pk],
            "subject": "policy", "teacher_kind": "party_school"}
    response = login(personas.county_staff).post(reverse("reserves:training_create"), data)
    assert response.status_code == 200 and response.context["selected"] == {str(people[1].pk)}
    assert f'value="{people[1].pk}" checked' in response.content.decode()


def test_a_session_for_named_trainees_is_saved_with_them(personas, login):
    people = _trainees(personas, personas.tree.village_a1, ["甲", "乙"])
    data = {"date": date.today().isoformat(), "topic": "政策", "hours": "8", "place": "县委党校", "trainees": [people[1].pk],
            "subject": "policy", "teacher_kind": "party_school"}
    response = login(personas.county_staff).post(reverse("reserves:training_create"), data)
    assert response.status_code == 302
    assert list(TrainingSession.objects.get().trainees.values_list("name", flat=True)) == ["乙"]
