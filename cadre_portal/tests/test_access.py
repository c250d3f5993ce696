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


# --- the young-cadre bank: unit contacts, township and domain officers -----------------------------


@pytest.fixture
def youth_world(personas, unit_contacts, settings, tmp_path):
    """One unit's cadre with a bank entry, a post holding, an appointment and every
    dossier record; outsiders: the other unit's contact, township officers (the unit
    lies in township A) and a domain officer."""
    from datetime import date

    from youth_cadres import workflow
    from youth_cadres.tests.builders import bank_member, full_dossier, make_cadre, make_post

    settings.MEDIA_ROOT = tmp_path
    staff = personas.county_staff
    unit = unit_contacts.unit_b  # 天城镇人民政府, in officer_a's township
    cadre = make_cadre(unit, birth=date(1991, 1, 1))
    post, other = make_post(unit, "镇长", level="141", headcount=1), make_post(unit, "副镇长", headcount=3)
    workflow.add_holder(post=other, cadre=make_cadre(unit, birth=date(1970, 1, 1)), by=staff, start=date(2015, 1, 1))
    entry = bank_member(cadre, staff, posts=[post])
    workflow.appoint(entry=entry, by=staff, post=post, appointed_on=date.today())
    second = make_cadre(unit, birth=date(1993, 1, 1))
    bank_member(second, staff, posts=[other], status="recommended")
    full_dossier(cadre, staff)
    return unit_contacts


def _youth_pks():
    ints = set()
    for model in apps.get_app_config("youth_cadres").get_models():
        if model.__name__.startswith("Historical"):
            continue
        ints.update(model.objects.values_list("pk", flat=True))
    return sorted(ints)


@pytest.mark.parametrize("who", ["contact_of_another_unit", "township_officer", "other_township_officer", "domain_officer"])
def test_every_young_cadre_object_url_is_404_outside_the_scope(youth_world, personas, client, who):
    user = {
        "contact_of_another_unit": youth_world.contact_a,
        "township_officer": personas.officer_a,
        "other_township_officer": personas.officer_b,
        "domain_officer": personas.domain_officer,
    }[who]
    client.force_login(user)
    pks = _youth_pks()
    routes = [r for r in object_routes() if r.name.startswith("youth_cadres:")]
    assert routes and pks
    failures = []
    for route in routes:
        for value in pks:
            url = _reverse(route, int_value=value, str_value="worklog")
            if url is None:
                continue
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status not in (404, 405):
                    failures.append(f"{method.upper()} {url} -> {status}")
    assert not failures, "\n".join(failures[:30])


def test_the_units_own_contact_opens_its_cadre(youth_world, client):
    from youth_cadres.models import Cadre

    client.force_login(youth_world.contact_b)
    cadre = Cadre.objects.filter(unit=youth_world.unit_b).first()
    assert client.get(reverse("youth_cadres:cadre_detail", args=[cadre.pk])).status_code == 200


# --- talents: every object URL of the app, for every role -------------------------------------------

TALENT_PERSONAS = ["officer_a", "officer_b", "county_staff", "leader", "domain_officer", "medical_officer",
                   "agriculture_officer", "industry_officer", "culture_officer", "admin", "unit_contact"]


def _talent_route_models():
    from talents.models import ArtsOrganization, Membership, PlanLine, Platform, RecruitmentPlan, Talent

    models_by_prefix = [("talents:platform", Platform), ("talents:member_add", Platform), ("talents:member_end", Membership),
                        ("talents:plan_line", PlanLine), ("talents:plan", RecruitmentPlan), ("talents:org", ArtsOrganization),
                        ("talents:activity", ArtsOrganization), ("talents:", Talent)]
    routes = {}
    for route in object_routes():
        if route.name.startswith("talents:"):
            routes[route.name] = (route, next(m for prefix, m in models_by_prefix if route.name.startswith(prefix)))
    return routes


@pytest.fixture
def talents_world(personas, unit_contacts):
    from talents.tests import figures_world

    figures_world.build(personas)
    personas.unit_contact = unit_contacts.contact_b  # a unit in 天城镇: sees nothing of the talents app
    return personas


@pytest.mark.parametrize("persona", TALENT_PERSONAS)
def test_every_talents_object_url_answers_by_scope_for_every_role(talents_world, client, persona):
    """An object outside the role's scope (another domain, another township) is a 404 on every
    talents object URL, GET and POST; one inside it is never a 404 (a read-only role gets a
    page or a 403, never a 500)."""
    user = getattr(talents_world, persona)
    client.force_login(user)
    routes = _talent_route_models()
    assert len(routes) >= 15, sorted(routes)
    failures = []
    for name, (route, model) in routes.items():
        visible = set(model.objects.visible_to(user).values_list("pk", flat=True))
        every = list(model.objects.order_by("pk").values_list("pk", flat=True))
        sample = [pk for pk in every if pk in visible][:3] + [pk for pk in every if pk not in visible][:3]
        for pk in sample:
            url = _reverse(route, int_value=pk, str_value="x")
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if pk in visible and status in (404, 500):
                    failures.append(f"{persona} {method.upper()} {url} (in scope) -> {status}")
                elif pk not in visible and status not in (404, 405):
                    failures.append(f"{persona} {method.upper()} {url} (out of scope) -> {status}")
    assert not failures, "\n".join(failures[:30])


def test_the_talents_sweep_sees_objects_in_and_out_of_every_domain_officers_scope(talents_world):
    from talents.models import Talent

    for persona in ("domain_officer", "medical_officer", "agriculture_officer", "industry_officer", "culture_officer"):
        user = getattr(talents_world, persona)
        mine = Talent.objects.visible_to(user).count()
        assert 0 < mine < Talent.objects.count(), persona
