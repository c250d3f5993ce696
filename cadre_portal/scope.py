"""Data scope: the one place that turns a user into a filter.

Every view, export, import, count, chart and admin page fetches through
``Model.objects.visible_to(user)`` (or, for a model reached through a
relation, ``scope_q(user, region_field=..., domain_field=...)``). A record
outside the scope is then simply absent: ``get_object_or_404`` answers 404,
never a 403 that reveals it exists.

Rules:
- administrators (and superusers) see everything;
- a unit contact (单位干部联络员) sees only rows of their one unit, and nothing of a
  model that does not name a unit (``scope_unit_field``) — not even the region tree;
- a model that only county-wide roles work on (the young-cadre bank) declares
  ``scope_county_roles_only``: township and domain officers see nothing of it;
- everybody else sees their region node and everything under it;
- a domain officer sees only rows of their talent domain, and nothing of a
  model that has no domain (reserves, young cadres) — except reference data
  such as the region tree;
- a user with no region (and not an administrator) sees nothing;
- an inactive or anonymous user sees nothing.

A model declares its scope with class attributes read by ``visible_to``:
``scope_region_field`` (lookup path to a ``Region``; ``"self"`` for the tree;
``None`` for county-wide records without a region), ``scope_domain_field``,
``scope_unit_field`` (lookup path to a ``Unit``; ``"self"`` for ``Unit``),
``scope_reference_data`` and ``scope_county_roles_only``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

NOTHING = Q(pk__in=[])


def scope_q(
    user,
    *,
    region_field: str | None = "region",
    domain_field: str | None = None,
    unit_field: str | None = None,
    reference: bool = False,
    county_roles_only: bool = False,
) -> Q:
    """The filter for the rows ``user`` may see.

    ``region_field`` is the lookup path from the model to a ``Region``
    (e.g. ``"village"`` or ``"person__village"``); ``domain_field`` the
    lookup path to a talent domain code, if the model has one; ``unit_field``
    the lookup path to a ``Unit`` (``"self"`` for units), if unit contacts may
    see the model. ``reference`` marks shared reference data (the region tree):
    every region-scoped role sees its own part of it, whatever its domain.
    ``county_roles_only`` keeps township and domain officers out entirely.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role == "admin":
        return Q()
    if user.role == "unit_contact":
        if not unit_field or user.unit_id is None:
            return NOTHING
        return Q(pk=user.unit_id) if unit_field == "self" else Q(**{unit_field: user.unit_id})
    if county_roles_only and not user.sees_whole_county:
        return NOTHING
    q = Q()
    if user.role == "domain_officer" and not reference:
        if not domain_field or not user.domain:
            return NOTHING
        q &= Q(**{domain_field: user.domain})
    if region_field is None:
        # A model without a region is only for county-wide roles.
        return q if user.sees_whole_county else NOTHING
    if user.region_id is None:
        return NOTHING
    lookup = "path__startswith" if region_field == "self" else f"{region_field}__path__startswith"
    return q & Q(**{lookup: user.region.path})


class ScopedQuerySet(models.QuerySet):
    """QuerySet with ``visible_to(user)``; the model names its scope fields with
    ``scope_region_field`` and (optionally) ``scope_domain_field``,
    ``scope_unit_field``, ``scope_reference_data``, ``scope_county_roles_only``."""

    def visible_to(self, user):
        return self.filter(model_scope_q(self.model, user))


def model_scope_q(model, user) -> Q:
    """``scope_q`` with the scope ``model`` declares (what ``visible_to`` applies)."""
    return scope_q(
        user,
        region_field=getattr(model, "scope_region_field", "region"),
        domain_field=getattr(model, "scope_domain_field", None),
        unit_field=getattr(model, "scope_unit_field", None),
        reference=getattr(model, "scope_reference_data", False),
        county_roles_only=getattr(model, "scope_county_roles_only", False),
    )


def region_in_scope(user, region) -> bool:
    """Whether a region node lies inside the user's scope (for checking input, e.g. import rows).
    A unit contact's scope is a unit, not a region: always False for them."""
    if region is None:
        return False
    if user.is_superuser or user.role == "admin":
        return True
    if not user.is_active or user.region_id is None or user.role == "unit_contact":
        return False
    return region.path.startswith(user.region.path)


def unit_in_scope(user, unit) -> bool:
    """Whether a unit is inside the user's scope (for checking input and writes)."""
    if unit is None or user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.role == "admin":
        return True
    if user.role == "unit_contact":
        return user.unit_id is not None and user.unit_id == unit.pk
    if user.role == "domain_officer" and unit.domain != user.domain:
        return False
    return region_in_scope(user, unit.region)
