"""Data scope: the one place that turns a user into a filter.

Every view, export, import, count, chart and admin page fetches through
``Model.objects.visible_to(user)`` (or, for a model reached through a
relation, ``scope_q(user, region_field=..., domain_field=...)``). A record
outside the scope is then simply absent: ``get_object_or_404`` answers 404,
never a 403 that reveals it exists.

Rules:
- administrators (and superusers) see everything;
- everybody else sees their region node and everything under it;
- a domain officer sees only rows of their talent domain, and nothing of a
  model that has no domain (reserves, young cadres) — except reference data
  such as the region tree;
- a user with no region (and not an administrator) sees nothing;
- an inactive or anonymous user sees nothing.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

NOTHING = Q(pk__in=[])


def scope_q(
    user, *, region_field: str | None = "region", domain_field: str | None = None, reference: bool = False
) -> Q:
    """The filter for the rows ``user`` may see.

    ``region_field`` is the lookup path from the model to a ``Region``
    (e.g. ``"village"`` or ``"person__village"``); ``domain_field`` the
    lookup path to a talent domain code, if the model has one. ``reference``
    marks shared reference data (the region tree): every role sees its own part
    of it, whatever its domain.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role == "admin":
        return Q()
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
    ``scope_region_field`` and (optionally) ``scope_domain_field``."""

    def visible_to(self, user):
        model = self.model
        return self.filter(
            scope_q(
                user,
                region_field=getattr(model, "scope_region_field", "region"),
                domain_field=getattr(model, "scope_domain_field", None),
                reference=getattr(model, "scope_reference_data", False),
            )
        )


def region_in_scope(user, region) -> bool:
    """Whether a region node lies inside the user's scope (for checking input, e.g. import rows)."""
    if region is None:
        return False
    if user.is_superuser or user.role == "admin":
        return True
    if not user.is_active or user.region_id is None:
        return False
    return region.path.startswith(user.region.path)
