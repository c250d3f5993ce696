"""Builders for the retention tests: people under care, interviews, demands, measures —
all through ``youth_cadres.retention.workflow``."""

from __future__ import annotations

from datetime import date, timedelta

from cadre_portal.models import CodeItem
from youth_cadres.retention import codes, workflow
from youth_cadres.retention.workflow import NewDemand


def category(code: str) -> CodeItem:
    return CodeItem.objects.get(table=codes.DEMAND_CATEGORY_TABLE, code=code)


def youth_person(personas, unit, *, name: str | None = None, birth: date = date(1991, 3, 1)):
    """A young cadre in the bank (入库)."""
    from youth_cadres.models import Post
    from youth_cadres.tests.builders import bank_member, make_cadre, make_post

    post = Post.objects.filter(unit=unit).first() or make_post(unit, "副职", headcount=2)
    cadre = make_cadre(unit, birth=birth, **({"name": name} if name else {}))
    bank_member(cadre, personas.county_staff, posts=[post], day=date.today() - timedelta(days=400))
    return cadre


def youth_care(personas, unit, *, entered_on: date | None = None, interval_months: int | None = None, **person):
    cadre = youth_person(personas, unit, **person)
    return workflow.enrol(by=personas.county_staff, cadre=cadre, interval_months=interval_months,
                          entered_on=entered_on or date.today() - timedelta(days=365))


def reserve_care(personas, village=None, *, entered_on: date | None = None, interval_months: int | None = None, **fields):
    from reserves.tests.builders import training

    candidate = training(personas, village or personas.tree.village_a1, **fields)
    return workflow.enrol(by=personas.county_staff, candidate=candidate, interval_months=interval_months,
                          entered_on=entered_on or date.today() - timedelta(days=365))


def new_demand(personas, code: str = codes.HOUSING, *, content: str = "希望解决周转房", due_on: date | None = None,
               owner=None, nature: str = "individual") -> NewDemand:
    return NewDemand(category=category(code), content=content, owner=owner or personas.county_staff,
                     due_on=due_on or date.today() + timedelta(days=30), nature=nature)


def interview(personas, care, *, held_on: date | None = None, intention: str = "settled", demands=(), **extra):
    return workflow.record_interview(
        care=care, by=personas.county_staff, held_on=held_on or date.today() - timedelta(days=10),
        interviewer=personas.county_staff, state_of_mind=extra.pop("state_of_mind", "工作安心，状态良好。"),
        intention=intention, demands=list(demands), **extra,
    )


def demand(personas, care, code: str = codes.HOUSING, *, raised_on: date | None = None, **kwargs):
    return workflow.raise_demand(care=care, by=personas.county_staff, item=new_demand(personas, code, **kwargs),
                                 raised_on=raised_on or date.today() - timedelta(days=20))
