"""Two people appointed to a post's last vacancy at the same moment: exactly one succeeds.

Run on PostgreSQL (row locks, READ COMMITTED) with real threads and connections; on
SQLite the IMMEDIATE transactions serialise the writers, and the same test pins that."""

import threading
from datetime import date

import pytest
from django.db import close_old_connections, connection

from youth_cadres import workflow
from youth_cadres.models import Appointment, BankEntry, Post, PostHolding
from youth_cadres.tests.builders import bank_member, make_cadre, make_post


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("people", [2, 6])
def test_concurrent_appointments_to_the_last_vacancy_let_exactly_one_through(personas, unit_contacts, people):
    staff = personas.county_staff
    unit = unit_contacts.unit_a
    post = make_post(unit, "局长", level="141", headcount=2)
    sitting = make_cadre(unit, birth=date(1972, 1, 1), post_level="141")
    workflow.add_holder(post=post, cadre=sitting, by=staff, start=date(2018, 1, 1))  # one vacancy left
    entries = [bank_member(make_cadre(unit, birth=date(1990, 1, 1 + i)), staff, posts=[post]) for i in range(people)]
    outcomes, barrier = [], threading.Barrier(people)

    def appoint(entry):
        try:
            barrier.wait()
            workflow.appoint(entry=entry, by=staff, post=Post.objects.get(pk=post.pk), appointed_on=date.today())
            outcomes.append("ok")
        except workflow.WorkflowError as exc:
            outcomes.append("full" if "已无空缺" in exc.message else exc.message)
        except Exception as exc:  # noqa: BLE001 - the test reports any other failure
            outcomes.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=appoint, args=(e,)) for e in entries]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["full"] * (people - 1) + ["ok"], outcomes
    post.refresh_from_db()
    assert post.holder_count == 2 == PostHolding.objects.filter(post=post, end__isnull=True).count()
    assert Appointment.objects.count() == 1
    assert BankEntry.objects.filter(status="appointed").count() == 1
    assert BankEntry.objects.filter(status="in_bank").count() == people - 1
    assert workflow.recount_posts() == []
