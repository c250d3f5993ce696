"""Builders for talents tests: units, code items, talents, plans, platforms and
organizations, written through the app's own services (so they obey its rules)."""

from __future__ import annotations

import itertools
from datetime import date

from cadre_portal.models import CodeItem, Region, Unit
from cadre_portal.testing import han_number, make_id_number
from talents import codes, services
from talents.models import ArtsOrganization, Platform, RecruitmentPlan, Talent

_seq = itertools.count(1)

UNIT_NAMES = {
    "education": "县第一中学",
    "medical": "县人民医院",
    "agriculture": "县茶叶专业合作社",
    "industry": "县竹业科技有限公司",
    "culture": "县提琴戏传承发展中心",
}
DEFAULT_DETAILS = {"education": {"school_stage": "basic"}}


def unit(domain: str, region: Region, name: str | None = None, kind: str = Unit.Kind.INSTITUTION) -> Unit:
    name = name or UNIT_NAMES[domain]
    obj, _ = Unit.objects.get_or_create(region=region, name=name, defaults={"kind": kind, "domain": domain})
    return obj


def category(domain: str, name: str | None = None) -> CodeItem:
    qs = CodeItem.objects.filter(table=codes.category_table(domain))
    return qs.get(name=name) if name else qs.order_by("sort_order").first()


def channel(name: str = "专项招引") -> CodeItem:
    return CodeItem.objects.get(table=codes.CHANNEL_TABLE, name=name)


_DEFAULT = object()


def talent(personas, domain: str = "education", *, region: Region | None = None, unit_obj=_DEFAULT,
           name: str | None = None, **fields) -> Talent:
    """A talent of ``domain`` entered by that domain's officer; ``region`` (default the
    county) is where their unit lies, or where they work with ``unit_obj=None``."""
    region = region or personas.tree.county
    unit_obj = unit(domain, region) if unit_obj is _DEFAULT else unit_obj
    values = {
        "name": name or f"人才{han_number(next(_seq))}",
        "id_number": make_id_number(date(1988, 3, 4)),
        "category": category(domain),
        "unit": unit_obj,
        "details": dict(DEFAULT_DETAILS.get(domain, {})),
    }
    values.update(fields)
    obj = Talent(domain=domain, **values)
    if obj.unit_id is None and not fields.get("region"):
        obj.region = region
    return services.create_talent(talent=obj, by=personas.officer_of(domain))


def recruited(personas, domain: str = "medical", *, on: date | None = None, channel_name: str = "专项招引",
              plan_line=None, **fields) -> Talent:
    return talent(personas, domain, origin=Talent.Origin.RECRUITED, channel=channel(channel_name),
                  recruited_on=on or min(date.today(), date(date.today().year, 1, 15)), plan_line=plan_line, **fields)


def plan(personas, domain: str = "medical", year: int | None = None, lines=None) -> RecruitmentPlan:
    """A plan with lines [(category name or None, channel name, planned)]."""
    year = year or date.today().year
    lines = lines if lines is not None else [(None, "专项招引", 3)]
    data = [{"category": category(domain, c), "channel": channel(ch), "planned": n} for c, ch, n in lines]
    obj = RecruitmentPlan.objects.filter(domain=domain, year=year).first() or RecruitmentPlan(domain=domain, year=year)
    return services.save_plan(plan=obj, lines=data, by=personas.officer_of(domain))


def platform(personas, domain: str = "medical", kind: str | None = None, *, host: Unit | None = None, name: str | None = None,
             **fields) -> Platform:
    from talents import domains

    kind = kind or domains.get(domain).platform_kinds[0]
    host = host or unit(domain, personas.tree.county)
    obj = Platform(domain=domain, kind=kind, host_unit=host, name=name or f"平台{next(_seq)}", **fields)
    return services.save_platform(platform=obj, by=personas.officer_of(domain))


def organization(personas, *, region: Region | None = None, name: str | None = None, **fields) -> ArtsOrganization:
    responsible = unit("culture", personas.tree.county, name="县文学艺术界联合会", kind=Unit.Kind.SOCIAL)
    obj = ArtsOrganization(
        name=name or f"文艺组织{next(_seq)}", kind=ArtsOrganization.Kind.TROUPE, responsible_unit=responsible,
        region=region or personas.tree.county, **fields,
    )
    return services.save_organization(organization=obj, by=personas.culture_officer)
