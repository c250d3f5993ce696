"""One person across the registries: the same resident ID number elsewhere.

A resident ID number (居民身份证号码) is the natural key of a person in every
registry of people (village reserve cadres, young cadres, talents…). Each app
registers its person model here, so a person page can say "this person is also
a 村（社区）后备干部 / 优秀年轻干部 / 人才" and link there — but only to records
the viewer may open: each registry is queried through ``visible_to(user)``, so
a record outside the viewer's scope is simply not listed.

Adding a registry (in the app's ``AppConfig.ready()``)::

    from cadre_portal import identity
    identity.register("youth_cadres", label="优秀年轻干部", model="youth_cadres.Cadre",
                      url_name="youth:cadre_detail", describe=lambda c: c.current_post)

Showing it on a person page::

    context["elsewhere"] = identity.records_elsewhere(person.id_number, request.user, exclude=person)
    {% include "includes/records_elsewhere.html" %}

One query per registry, whatever the number of matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class PersonRegistry:
    key: str
    label: str
    model: str  # "app_label.ModelName"
    url_name: str  # reversed with the record's pk
    describe: Callable | None = None  # record -> short text (post, village, stage…)
    select_related: tuple[str, ...] = ()
    id_field: str = "id_number"

    def model_class(self):
        return apps.get_model(self.model)


@dataclass(frozen=True)
class Record:
    """A record of the same person in some registry, as the viewer may see it."""

    registry: str
    label: str
    name: str
    url: str
    description: str
    obj: object


_REGISTRIES: dict[str, PersonRegistry] = {}


def register(key: str, *, label: str, model: str, url_name: str, describe: Callable | None = None,
             select_related: tuple[str, ...] = (), id_field: str = "id_number") -> None:
    """Add (or replace, by key) a person registry."""
    _REGISTRIES[key] = PersonRegistry(key, label, model, url_name, describe, tuple(select_related), id_field)


def registries() -> list[PersonRegistry]:
    return list(_REGISTRIES.values())


def records_elsewhere(id_number: str, user, *, exclude=None) -> list[Record]:
    """The records with this ID number, in every registry, that ``user`` may open;
    ``exclude`` (the record being shown) is left out."""
    if not id_number:
        return []
    found = []
    for registry in _REGISTRIES.values():
        model = registry.model_class()
        qs = model.objects.visible_to(user).filter(**{registry.id_field: id_number})
        if registry.select_related:
            qs = qs.select_related(*registry.select_related)
        if exclude is not None and isinstance(exclude, model):
            qs = qs.exclude(pk=exclude.pk)
        for obj in qs.order_by("pk"):
            found.append(
                Record(
                    registry=registry.key,
                    label=registry.label,
                    name=str(getattr(obj, "name", obj)),
                    url=reverse(registry.url_name, args=[obj.pk]),
                    description=str(registry.describe(obj) or "") if registry.describe else "",
                    obj=obj,
                )
            )
    return found
