"""Builders shared by the test suites of every app (and the benchmarks).

Personas: two townships with an officer each, county staff, a leader, a
domain officer (education) and one for each other talent domain (医疗、农业、工业、
文化), an administrator; and, separately (``make_unit_contacts``, fixture
``unit_contacts``), two units — a county department and a township government —
with a unit contact each.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from cadre_portal import idcard
from cadre_portal.models import Region, Role, Unit, User

PASSWORD = "Test-pass-2026"
_seq = itertools.count(1)


def make_region(code: str, name: str, level: int, kind: str, parent: Region | None = None) -> Region:
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "kind": kind, "parent": parent}
    )
    return region


@dataclass
class RegionTree:
    county: Region
    township_a: Region
    township_b: Region
    village_a1: Region
    village_a2: Region
    village_b1: Region


def make_region_tree() -> RegionTree:
    """A small real-shaped tree: 崇阳县 with two towns and three villages."""
    county = make_region("421223", "崇阳县", Region.Level.COUNTY, Region.Kind.COUNTY)
    town_a = make_region("421223100", "天城镇", Region.Level.TOWNSHIP, Region.Kind.TOWN, county)
    town_b = make_region("421223101", "沙坪镇", Region.Level.TOWNSHIP, Region.Kind.TOWN, county)
    return RegionTree(
        county=county,
        township_a=town_a,
        township_b=town_b,
        village_a1=make_region("421223100201", "茅井村", Region.Level.VILLAGE, Region.Kind.VILLAGE, town_a),
        village_a2=make_region("421223100202", "大岭村", Region.Level.VILLAGE, Region.Kind.VILLAGE, town_a),
        village_b1=make_region("421223101201", "沙坪村", Region.Level.VILLAGE, Region.Kind.VILLAGE, town_b),
    )


def make_user(username: str, role: str, region: Region | None, *, domain: str = "", full_name: str = "", **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        region=region,
        domain=domain,
        full_name=full_name or username,
        **extra,
    )
    return user


def make_id_number(birth: date = date(1992, 5, 1), *, region: str = "421223", female: bool = False) -> str:
    """A fresh valid ID number on each call."""
    n = next(_seq) % 500
    sequence = n * 2 + (0 if female else 1)
    return idcard.make(region, birth, sequence)


@dataclass
class Personas:
    tree: RegionTree
    officer_a: User
    officer_b: User
    county_staff: User
    leader: User
    domain_officer: User
    admin: User
    medical_officer: User
    agriculture_officer: User
    industry_officer: User
    culture_officer: User

    def officer_of(self, domain: str) -> User:
        """The domain officer of a talent domain (education is ``domain_officer``)."""
        return {
            "education": self.domain_officer,
            "medical": self.medical_officer,
            "agriculture": self.agriculture_officer,
            "industry": self.industry_officer,
            "culture": self.culture_officer,
        }[domain]


def make_unit(name: str, region: Region, kind: str = Unit.Kind.PARTY_GOV, **extra) -> Unit:
    unit, _ = Unit.objects.get_or_create(region=region, name=name, defaults={"kind": kind, **extra})
    return unit


def make_personas() -> Personas:
    tree = make_region_tree()
    return Personas(
        tree=tree,
        officer_a=make_user("officer_a", Role.TOWNSHIP_OFFICER, tree.township_a, full_name="天城镇组织委员"),
        officer_b=make_user("officer_b", Role.TOWNSHIP_OFFICER, tree.township_b, full_name="沙坪镇组织委员"),
        county_staff=make_user("county", Role.COUNTY_STAFF, tree.county, full_name="组织部干部"),
        leader=make_user("leader", Role.LEADER, tree.county, full_name="县领导"),
        domain_officer=make_user("edu", Role.DOMAIN_OFFICER, tree.county, domain="education", full_name="教育局干部"),
        admin=make_user("admin", Role.ADMIN, tree.county, full_name="系统管理员", is_staff=True, is_superuser=True),
        medical_officer=make_user("med", Role.DOMAIN_OFFICER, tree.county, domain="medical", full_name="卫健局干部"),
        agriculture_officer=make_user("agri", Role.DOMAIN_OFFICER, tree.county, domain="agriculture", full_name="农业农村局干部"),
        industry_officer=make_user("ind", Role.DOMAIN_OFFICER, tree.county, domain="industry", full_name="经信局干部"),
        culture_officer=make_user("cul", Role.DOMAIN_OFFICER, tree.county, domain="culture", full_name="文旅局干部"),
    )


@dataclass
class UnitContacts:
    """Two units — a county department (机关, county node) and a township government
    (in township A) — with a unit contact (单位干部联络员) each."""

    unit_a: Unit
    unit_b: Unit
    contact_a: User
    contact_b: User


def make_unit_contacts(tree: RegionTree) -> UnitContacts:
    unit_a = make_unit("崇阳县发展和改革局", tree.county)
    unit_b = make_unit("崇阳县天城镇人民政府", tree.township_a)
    return UnitContacts(
        unit_a=unit_a,
        unit_b=unit_b,
        contact_a=make_user("contact_a", Role.UNIT_CONTACT, None, unit=unit_a, full_name="发改局干部联络员"),
        contact_b=make_user("contact_b", Role.UNIT_CONTACT, None, unit=unit_b, full_name="天城镇政府干部联络员"),
    )


HAN_DIGITS = "〇一二三四五六七八九"


def han_number(n: int) -> str:
    """``12`` -> ``一二``: distinct numbered names that are still valid names
    (``people.clean_name`` refuses ASCII digits in a name)."""
    return "".join(HAN_DIGITS[int(d)] for d in str(n))
