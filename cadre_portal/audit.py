"""Explicit audit entries: logins, failed logins, imports, exports, workflow decisions.

Field-level history of records is kept by django-simple-history on every
model; this module records the events that are not a field change.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from cadre_portal.models import AuditEvent, Region


def client_ip(request) -> str | None:
    """The client's address as the portal's own proxies saw it.

    With ``TRUSTED_PROXY_COUNT = n`` (nginx in front: 1) the n-th address from the
    right of ``X-Forwarded-For`` is the client — each trusted proxy appends the
    address it received the request from, so what a client writes into the header
    itself stays to the left and is never believed. With 0 (the default) the header
    is ignored. A request that did not pass through all the proxies (too few hops)
    or a malformed address falls back to ``REMOTE_ADDR``.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def record(kind: str, *, user=None, summary: str, request=None, region=None, username: str = "", **detail) -> AuditEvent:
    """Write one audit entry. ``region`` defaults to the acting user's scope node
    (a unit contact's: their unit's region), so the audit page can be scoped like
    every other list."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if region is None and user is not None:
        # A unit contact has no region: their entries belong where their unit is.
        region = user.region if user.region_id else (user.unit.region if getattr(user, "unit_id", None) else None)
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=username or (user.username if user is not None else ""),
        ip_address=client_ip(request),
        region=region,
        summary=summary[:255],
        detail=detail,
    )


@receiver(user_logged_in, dispatch_uid="audit_login")
def _on_login(sender, request, user, **kwargs):
    record(AuditEvent.Kind.LOGIN, user=user, summary=f"{user.display_name} 登录", request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Kind.LOGOUT, user=user, summary=f"{user.display_name} 退出", request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")[:150]
    # Scope the entry to the account's region when the account exists, so county
    # staff see failed logins on their users; unknown names only admins see.
    region = Region.objects.filter(users__username=username).first() if username else None
    record(AuditEvent.Kind.LOGIN_FAILED, summary=f"用户名 {username} 登录失败", request=request, username=username, region=region)
