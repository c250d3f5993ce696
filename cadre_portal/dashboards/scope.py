"""A scope without a logged-in user, for commands (cron): the whole installation, or
one region node and everything under it, read-only."""

from __future__ import annotations


def scope_user(region=None):
    """An unsaved user whose scope is ``region`` (a leader's: read-only, every section),
    or the whole installation when ``region`` is None."""
    from cadre_portal.models import Role, User

    if region is None:
        return User(username="situation_report", full_name="全部地区", role=Role.ADMIN, is_active=True)
    return User(username="situation_report", full_name=region.name, role=Role.LEADER, region=region, is_active=True)
