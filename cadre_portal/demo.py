"""Demo data for `make run`: the 崇阳县 region tree, one user per role (and an
officer in a second township), units, and each app's fictional people.

Persons are fictional; ID numbers are valid by construction
(cadre_portal.idcard.make) but belong to nobody.
"""

from __future__ import annotations

import random
from importlib import import_module

from django.db import transaction

from cadre_portal import regions_io
from cadre_portal.models import Domain, Region, Role, Unit, User

DEMO_COUNTY = "421223"
DEMO_PASSWORD = "Demo@2026"

# username, role, full name, title, region code, domain
DEMO_USERS = [
    ("admin", Role.ADMIN, "王建国", "信息中心工程师", DEMO_COUNTY, ""),
    ("zuzhibu", Role.COUNTY_STAFF, "李卫东", "县委组织部组织科科长", DEMO_COUNTY, ""),
    ("lingdao", Role.LEADER, "陈志刚", "县委副书记", DEMO_COUNTY, ""),
    ("tiancheng", Role.TOWNSHIP_OFFICER, "刘晓燕", "天城镇党委组织委员", "421223100", ""),
    ("shaping", Role.TOWNSHIP_OFFICER, "张国强", "沙坪镇党委组织委员", "421223101", ""),
    ("jiaoyu", Role.DOMAIN_OFFICER, "周敏", "县教育局人事股股长", DEMO_COUNTY, Domain.EDUCATION),
    ("weijian", Role.DOMAIN_OFFICER, "吴海燕", "县卫健局人事股股长", DEMO_COUNTY, Domain.MEDICAL),
    ("nongye", Role.DOMAIN_OFFICER, "黄建国", "县农业农村局科教股股长", DEMO_COUNTY, Domain.AGRICULTURE),
    ("jingxin", Role.DOMAIN_OFFICER, "孙立新", "县经信局企业服务股股长", DEMO_COUNTY, Domain.INDUSTRY),
    ("wenlv", Role.DOMAIN_OFFICER, "邓雪梅", "县文旅局人事股股长", DEMO_COUNTY, Domain.CULTURE),
    ("fagaiju", Role.UNIT_CONTACT, "赵明", "县发改局办公室主任（干部联络员）", "", ""),
    ("tczhengfu", Role.UNIT_CONTACT, "孙丽", "天城镇党政办主任（干部联络员）", "", ""),
]
# A unit contact's scope is one unit (region code, unit name), not a region.
DEMO_USER_UNITS = {
    "fagaiju": (DEMO_COUNTY, "崇阳县发展和改革局"),
    "tczhengfu": ("421223100", "崇阳县天城镇人民政府"),
}

DEMO_UNITS = [
    ("中共崇阳县委组织部", Unit.Kind.PARTY_GOV, DEMO_COUNTY, ""),
    ("崇阳县教育局", Unit.Kind.PARTY_GOV, DEMO_COUNTY, Domain.EDUCATION),
    ("崇阳县卫生健康局", Unit.Kind.PARTY_GOV, DEMO_COUNTY, Domain.MEDICAL),
    ("崇阳县农业农村局", Unit.Kind.PARTY_GOV, DEMO_COUNTY, Domain.AGRICULTURE),
    ("崇阳县经济和信息化局", Unit.Kind.PARTY_GOV, DEMO_COUNTY, Domain.INDUSTRY),
    ("崇阳县文化和旅游局", Unit.Kind.PARTY_GOV, DEMO_COUNTY, Domain.CULTURE),
    ("中共崇阳县委党校", Unit.Kind.INSTITUTION, DEMO_COUNTY, ""),
    ("崇阳县人民医院", Unit.Kind.INSTITUTION, DEMO_COUNTY, Domain.MEDICAL),
    ("崇阳县第一中学", Unit.Kind.INSTITUTION, DEMO_COUNTY, Domain.EDUCATION),
    ("崇阳县提琴戏传承发展中心", Unit.Kind.INSTITUTION, DEMO_COUNTY, Domain.CULTURE),
    ("崇阳县城市建设投资有限公司", Unit.Kind.STATE_ENTERPRISE, DEMO_COUNTY, ""),
    ("中共崇阳县天城镇委员会", Unit.Kind.PARTY_GOV, "421223100", ""),
    ("中共崇阳县沙坪镇委员会", Unit.Kind.PARTY_GOV, "421223101", ""),
    ("崇阳县发展和改革局", Unit.Kind.PARTY_GOV, DEMO_COUNTY, ""),
    ("崇阳县天城镇人民政府", Unit.Kind.PARTY_GOV, "421223100", ""),
]

# Modules that may provide `load(*, county, rng)` for their own demo records.
APP_DEMOS = ["reserves.demo", "youth_cadres.demo", "youth_cadres.retention.demo", "talents.demo", "cadre_portal.notifications.demo"]


def load_regions() -> tuple[int, int]:
    from cadre_portal.management.commands.load_regions import DEFAULT_FIXTURE

    return regions_io.upsert_regions(regions_io.read_fixture(DEFAULT_FIXTURE))


@transaction.atomic
def load_users_and_units() -> None:
    regions = {r.code: r for r in Region.objects.filter(code__in={u[4] for u in DEMO_USERS} | {u[2] for u in DEMO_UNITS})}
    for order, (name, kind, code, domain) in enumerate(DEMO_UNITS):
        Unit.objects.get_or_create(region=regions[code], name=name, defaults={"kind": kind, "domain": domain, "sort_order": order})
    for username, role, full_name, title, code, domain in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        unit = None
        if username in DEMO_USER_UNITS:
            unit_code, unit_name = DEMO_USER_UNITS[username]
            unit = Unit.objects.get(region=regions[unit_code], name=unit_name)
        User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            full_name=full_name,
            title=title,
            region=regions[code] if code else None,
            domain=domain,
            unit=unit,
            email=f"{username}@example.com",
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )


def load_app_demos(county: Region, seed: int = 20261125) -> list[str]:
    loaded = []
    for module_name in APP_DEMOS:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        module.load(county=county, rng=random.Random(seed))
        loaded.append(module_name)
    return loaded


def settle_notifications() -> None:
    """The demo compresses two years of decisions into one run: their notifications
    are history, not news. Mark them read, then run today's reminder scans, so what
    is unread on the first login is what is really due."""
    from django.utils import timezone

    from cadre_portal.notifications import services
    from cadre_portal.notifications.models import Notification

    from django.test.utils import override_settings

    Notification.objects.filter(read_at__isnull=True, reminder__isnull=True).update(read_at=timezone.now())
    # The demo users' addresses are fictional: keep their reminder e-mails out of
    # the terminal that `make run` prints the logins to.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for key in services.enabled_kind_keys():
            services.scan(key)


def load_all() -> list[str]:
    load_regions()
    load_users_and_units()
    county = Region.objects.get(code=DEMO_COUNTY)
    loaded = load_app_demos(county)
    settle_notifications()
    return loaded
