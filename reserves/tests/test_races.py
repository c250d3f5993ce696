"""Races between people acting at once (issue 15 item 8): concurrent attendance saves
never answer 500, and the losers of a workflow race are told "已由他人办理" — the
workflow locks the record before checking its stage, and the pages leave the stage
check to it. Thread tests: run them on PostgreSQL too (``DATABASE_URL=…``)."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from cadre_portal.testing import make_personas
from reserves import workflow
from reserves.models import Attendance, Candidate, TrainingSession, Transition
from reserves.tests import builders as b

S = Candidate.Stage


def _all_at_once(n, work):
    """Run ``work(i)`` in ``n`` threads released together; returns each result or the exception's repr."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            results[i] = repr(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_concurrent_attendance_saves_of_one_block_all_answer_normally():
    personas = make_personas()
    people = [b.training(personas, start=date.today() - timedelta(days=30), name=n,
                         id_number=b.make_id_number(date(1990, 1, i + 1))) for i, n in enumerate(["甲", "乙", "丙"])]
    session = TrainingSession.objects.create(date=date.today(), topic="政策法规", hours=Decimal(8))
    clients = [_client(personas.officer_a), _client(personas.county_staff), _client(personas.officer_a), _client(personas.county_staff)]
    data = {"shown": [c.pk for c in people], "candidates": [c.pk for c in people], "block": people[0].village_id, "block_name": "茅井村"}
    url = reverse("reserves:attendance_save", args=[session.pk])
    statuses = _all_at_once(len(clients), lambda i: clients[i].post(url, data).status_code)
    assert statuses == [302] * len(clients), statuses
    assert Attendance.objects.filter(session=session).count() == 3
    assert list(workflow.ledger_mismatches()) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_attendance_writes_through_the_workflow_make_one_row_each():
    personas = make_personas()
    trainee = b.training(personas, start=date.today() - timedelta(days=30))
    session = TrainingSession.objects.create(date=date.today(), topic="政策法规", hours=Decimal(8))

    def work(i):
        if i % 2:
            workflow.record_attendance(session=session, candidates=[trainee], by=personas.officer_a)
        else:
            workflow.set_attendance(session=session, candidate=trainee, by=personas.officer_a, status="partial", hours="3")
        return "ok"

    assert _all_at_once(6, work) == ["ok"] * 6
    assert Attendance.objects.count() == 1
    assert list(workflow.ledger_mismatches()) == []


@pytest.mark.django_db(transaction=True)
def test_the_losers_of_a_filing_race_on_the_page_are_told_someone_else_did_it():
    personas = make_personas()
    c = b.submitted(personas)
    clients = [_client(personas.county_staff) for _ in range(5)]
    url = reverse("reserves:act", args=[c.pk, "file"])
    responses = _all_at_once(5, lambda i: clients[i].post(url, {"file-opinion": ""}, follow=True))
    assert all(not isinstance(r, str) and r.status_code == 200 for r in responses), responses
    pages = [r.content.decode() for r in responses]
    assert sum("已办理：审查备案" in p for p in pages) == 1
    assert sum("已由他人办理" in p for p in pages) == 4
    assert not any("阶段或权限不符" in p for p in pages)
    assert Transition.objects.filter(candidate=c, action="file").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_return_racing_a_filing_loses_with_already_handled():
    personas = make_personas()
    c = b.submitted(personas)
    clients = [_client(personas.county_staff), _client(personas.county_staff)]
    posts = [("file", {"file-opinion": ""}), ("return", {"return-opinion": "材料不全"})]

    def work(i):
        key, data = posts[i]
        return clients[i].post(reverse("reserves:act", args=[c.pk, key]), data, follow=True).content.decode()

    pages = _all_at_once(2, work)
    assert sum("已由他人办理" in p for p in pages) == 1, pages
    assert Transition.objects.filter(candidate=c, action__in=["file", "return"]).count() == 1


def test_a_decision_posted_after_someone_else_moved_the_record_says_so(personas, login, db):
    c = b.submitted(personas)
    workflow.return_nomination(candidate=c, by=personas.county_staff, reason="材料不全")
    response = login(personas.county_staff).post(reverse("reserves:act", args=[c.pk, "file"]), {"file-opinion": ""}, follow=True)
    page = response.content.decode()
    assert "已由他人办理" in page and "阶段或权限不符" not in page


def test_a_decision_never_possible_for_the_role_is_still_refused(personas, login, db):
    c = b.submitted(personas)
    response = login(personas.officer_a).post(reverse("reserves:act", args=[c.pk, "file"]), {"file-opinion": ""})
    assert response.status_code == 403
