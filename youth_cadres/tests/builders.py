"""Builders for the young-cadre tests: cadres, posts and bank entries in a given state.

Bank entries are moved through ``youth_cadres.workflow`` (never by setting the status),
so a builder's result is a state the application itself can reach.
"""

from __future__ import annotations

import itertools
from datetime import date

from cadre_portal.testing import make_id_number
from youth_cadres.models import Cadre, Post

_names = itertools.cycle(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄婷", "周杰", "吴敏", "徐涛", "孙丽"])


def make_cadre(unit, *, birth: date = date(1990, 5, 1), female: bool = False, post_level: str = "142",
               level_since: date | None = date(2020, 1, 1), work_start: date | None = date(2012, 7, 1),
               tags=(), name: str | None = None, **fields) -> Cadre:
    cadre = Cadre(
        name=name or next(_names), id_number=make_id_number(birth, female=female), unit=unit,
        post_level=post_level, level_since=level_since, work_start=work_start,
        current_post=fields.pop("current_post", f"{unit.name}副职"), **fields,
    )
    cadre.set_tags(tags)
    cadre.full_clean()
    cadre.save()
    return cadre


def make_post(unit, title: str = "副局长", *, level: str = "142", headcount: int = 2) -> Post:
    return Post.objects.create(unit=unit, title=title, level=level, headcount=headcount)


def bank_member(cadre, by, *, posts=(), status: str = "in_bank", day: date | None = None, key_training: bool = False):
    """A bank entry for ``cadre`` brought to ``status`` through the workflow."""
    from youth_cadres import workflow
    from youth_cadres.models import BankEntry

    day = day or date.today()
    entry = workflow.recommend(cadre=cadre, by=by, source=BankEntry.Source.DEPARTMENT, recommended_on=day, target_posts=posts)
    if status == "recommended":
        return entry
    workflow.start_inspection(entry=entry, by=by, on=day)
    if status == "inspecting":
        return entry
    workflow.admit(entry=entry, by=by, inspection_opinion="考察合格。", entry_date=day, key_training=key_training)
    entry.refresh_from_db()
    return entry
