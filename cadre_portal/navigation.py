"""Role-aware navigation and home-page panels.

Each app registers its menu entries and home panels in its ``AppConfig.ready``,
so the shared shell does not import the apps. A role list of ``None`` means
every role; ``when(user)``, if given, narrows a menu entry further (e.g. to the
domain officers of one talent domain).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.urls import NoReverseMatch, reverse


@dataclass
class MenuItem:
    label: str
    url_name: str
    icon: str = ""
    roles: tuple[str, ...] | None = None
    order: int = 100
    section: str = ""
    when: Callable | None = None


@dataclass
class HomePanel:
    """A block on the home page: ``render(user)`` returns a dict for the panel
    template (or None to hide the panel)."""

    key: str
    template: str
    render: Callable
    roles: tuple[str, ...] | None = None
    order: int = 100


_MENU: list[MenuItem] = []
_PANELS: list[HomePanel] = []


def register_menu(label: str, url_name: str, *, icon: str = "", roles=None, order: int = 100, section: str = "",
                  when: Callable | None = None) -> None:
    if any(item.url_name == url_name for item in _MENU):
        return
    _MENU.append(MenuItem(label, url_name, icon, tuple(roles) if roles else None, order, section, when))


def register_home_panel(key: str, template: str, render: Callable, *, roles=None, order: int = 100) -> None:
    if any(panel.key == key for panel in _PANELS):
        return
    _PANELS.append(HomePanel(key, template, render, tuple(roles) if roles else None, order))


def _allowed(roles, user) -> bool:
    if roles is None:
        return True
    return user.role in roles or (user.is_superuser and "admin" in roles)


def menu_for(user) -> list[dict]:
    """Sections with their entries, in order, for the user's role."""
    sections: dict[str, list[dict]] = {}
    for item in sorted(_MENU, key=lambda i: i.order):
        if not _allowed(item.roles, user) or (item.when is not None and not item.when(user)):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        sections.setdefault(item.section, []).append({"label": item.label, "url": url, "icon": item.icon})
    return [{"section": name, "items": items} for name, items in sections.items()]


def panels_for(user) -> list[dict]:
    result = []
    for panel in sorted(_PANELS, key=lambda p: p.order):
        if not _allowed(panel.roles, user):
            continue
        context = panel.render(user)
        if context is not None:
            result.append({"key": panel.key, "template": panel.template, "context": context})
    return result
