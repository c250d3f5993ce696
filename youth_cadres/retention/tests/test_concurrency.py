"""Two officers closing the same demand at the same moment: exactly one closing.

Run on PostgreSQL (row locks) with real threads and connections; on SQLite the
IMMEDIATE transactions serialise the writers, and the same test pins that."""

import threading

import pytest
from django.db import close_old_connections, connection

from cadre_portal.testing import make_user
from youth_cadres.retention import workflow
from youth_cadres.retention.models import Demand, DemandTransition
from youth_cadres.retention.tests.builders import demand, youth_care


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("officers", [2, 5])
def test_concurrent_closings_of_one_demand_let_exactly_one_through(personas, unit_contacts, officers):
    care = youth_care(personas, unit_contacts.unit_a)
    d = demand(personas, care)
    staff = [personas.county_staff] + [make_user(f"staff{i}", "county_staff", personas.tree.county) for i in range(officers - 1)]
    outcomes, barrier = [], threading.Barrier(officers)

    def close(i, user):
        try:
            barrier.wait()
            if i % 2:
                workflow.refuse(demand=Demand.objects.get(pk=d.pk), by=user, reason=f"原因{i}")
            else:
                workflow.resolve(demand=Demand.objects.get(pk=d.pk), by=user, resolution=f"已解决{i}")
            outcomes.append("ok")
        except workflow.AlreadyHandled:
            outcomes.append("already")
        except Exception as exc:  # noqa: BLE001 - the test reports any other failure
            outcomes.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=close, args=(i, u)) for i, u in enumerate(staff)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already"] * (officers - 1) + ["ok"], outcomes
    assert DemandTransition.objects.filter(demand=d, to_status__in=["resolved", "unresolvable"]).count() == 1
