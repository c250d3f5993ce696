"""Login required on every URL; another township's objects are 404 on every object URL."""

import uuid

import pytest
from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse

from cadre_portal.models import Region, Role
from cadre_portal.testing import make_region, make_user
from cadre_portal.tests.urlsweep import iter_routes, object_routes, sample_kwargs

pytestmark = pytest.mark.django_db

ALLOWLIST = {"login", "healthz"}

# Objects that belong to the whole county rather than to a township: a quarterly
# training session at the county party school is attended by trainees of every
# township. Officers open it, but see and tick only their own trainees; that is
# pinned by reserves/tests (test_views: the session page and attendance POST
# are scoped to the officer's trainees).
COUNTY_WIDE_ROUTES = {"reserves:training_detail", "reserves:attendance_save"}


def _reverse(route, **overrides):
    kwargs = sample_kwargs(route, **overrides)
    try:
        return reverse(route.name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def test_every_url_rejects_anonymous_users_except_the_allowlist(client):
    checked = 0
    for route in iter_routes():
        if route.name in ALLOWLIST:
            continue
        url = _reverse(route)
        if url is None:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, f"{method.upper()} {url} gave {response.status_code}"
            assert response["Location"].startswith(reverse("login")), f"{url} did not redirect to login"
        checked += 1
    assert checked >= 5


def test_the_allowlist_is_reachable_without_login(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


def test_an_unknown_url_sends_anonymous_users_to_login(client):
    assert client.get("/no/such/page/").status_code == 302


def _pk_values():
    """Primary keys of every row of every model the apps add (ints and uuids)."""
    ints, uuids = set(), set()
    for model in apps.get_models():
        if model._meta.app_label not in {"cadre_portal", "reserves", "youth_cadres", "talents", "notifications", "excel"}:
            continue
        if not model._meta.managed or model.__name__.startswith("Historical"):
            continue
        pk = model._meta.pk
        values = list(model.objects.values_list("pk", flat=True)[:200])
        if isinstance(pk, models.UUIDField):
            uuids.update(values)
        elif isinstance(pk, (models.AutoField, models.BigAutoField, models.IntegerField)):
            ints.update(values)
    return sorted(ints), sorted(uuids)


@pytest.fixture
def county_world(db):
    """The full demo county (every app's demo records) and an officer of a new,
    empty township: every object in the database is outside that officer's scope."""
    from cadre_portal import demo

    demo.load_all()
    county = Region.objects.get(code=demo.DEMO_COUNTY)
    empty_town = make_region("421223999", "测试乡", Region.Level.TOWNSHIP, Region.Kind.TOWNSHIP, county)
    make_region("421223999201", "测试村", Region.Level.VILLAGE, Region.Kind.VILLAGE, empty_town)
    return make_user("outsider", Role.TOWNSHIP_OFFICER, empty_town)


def test_objects_outside_the_scope_are_404_on_every_object_url(county_world, client):
    client.force_login(county_world)
    ints, uuids = _pk_values()
    assert ints, "the demo data should fill the database"
    # A few ids per table is enough: the outsider can see none of them.
    int_sample = ints[:40] + ints[-10:]
    uuid_sample = uuids[:10] or [str(uuid.uuid4())]
    failures = []
    routes = [r for r in object_routes() if r.name not in COUNTY_WIDE_ROUTES]
    for route in routes:
        values = uuid_sample if any(type(c).__name__ == "UUIDConverter" for c in route.converters.values()) else int_sample
        for value in values:
            url = _reverse(route, int_value=value, uuid_value=str(value))
            if url is None:
                continue
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                # 405: the URL does not take this method at all (reveals nothing).
                if status not in (404, 405):
                    failures.append(f"{method.upper()} {url} -> {status}")
    assert not failures, "\n".join(failures[:30])


def test_the_scope_sweep_covers_the_object_urls():
    # Guards the sweep itself: if no route took an id, the test above would pass vacuously.
    assert [r.name for r in object_routes()], "no object URLs found"
