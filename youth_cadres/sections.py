"""Sections of the cadre page that other parts of the app add (the retention work of
issue 9: interviews, demands, measures).

A section is a template and a context function; the cadre page renders every
registered section the viewer may see, in order, after the career plan::

    # youth_cadres/retention.py (imported from YouthCadresConfig.ready)
    from youth_cadres.sections import register_section

    register_section("retention", "留才：定期访谈与诉求", "youth_cadres/retention/_section.html",
                     context=lambda cadre, user: {"interviews": ...}, roles=("county_staff", "leader", "admin"), order=50)

``context(cadre, user)`` returns the template's context (or None to hide the
section); it must fetch through ``visible_to(user)`` and use a fixed number of
queries (the page's query count is pinned).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class CadreSection:
    key: str
    title: str
    template: str
    context: Callable
    roles: tuple[str, ...] | None = None
    order: int = 100
    printable: bool = True  # shown in the dossier's print view too


_SECTIONS: dict[str, CadreSection] = {}


def register_section(key: str, title: str, template: str, *, context: Callable, roles=None, order: int = 100,
                     printable: bool = True) -> None:
    _SECTIONS[key] = CadreSection(key, title, template, context, tuple(roles) if roles else None, order, printable)


def sections_for(cadre, user, *, printing: bool = False) -> list[dict]:
    result = []
    for section in sorted(_SECTIONS.values(), key=lambda s: s.order):
        if section.roles is not None and user.role not in section.roles and not user.is_superuser:
            continue
        if printing and not section.printable:
            continue
        context = section.context(cadre, user)
        if context is not None:
            result.append({"key": section.key, "title": section.title, "template": section.template, "context": context})
    return result
