"""Failed-login throttling that an attacker cannot turn against a real user.

Locking a username after five failures from anywhere (the old rule) let anyone
lock ``zuzhibu`` out for 15 minutes, again and again. The portal counts failures
under three keys at once, each with its own limit, and each lockout lasts twice
as long as the one before (progressive), up to a day:

=================  ===========================  ==========  ==============
key                counts failures of …         limit        first lockout
=================  ===========================  ==========  ==============
username + address one username from one address       5     5 minutes
username           one username from anywhere         20     15 minutes
address            any username from one address      50     15 minutes
=================  ===========================  ==========  ==============

- Guessing from one address is throttled after 5 tries (5, 10, 20 … minutes), and a
  whole office behind one NAT address is not locked out by one person's typing.
- Guessing one account from many addresses is throttled by the username limit — but
  **not at an address the user has logged in from successfully in the last 90 days**
  (their office): the attacker slows the account down everywhere except where its
  owner works, so they cannot lock the owner out.
- Spraying many usernames from one address is throttled by the address limit.
- Counters are kept for 24 hours after the last failure; a successful login clears
  the username + address and username counters (not the address one).
- A locked-out user can ask an administrator: 系统管理 › 登录失败与锁定 › 解除锁定
  (audited). Lockouts and unlocks are written to the audit log with the counts.

The limits are settings (``LOGIN_THROTTLE``). Addresses are the client addresses of
``cadre_portal.audit.client_ip`` (``TRUSTED_PROXY_COUNT``), so they cannot be forged.

Hooks: ``ThrottleBackend`` (first in ``AUTHENTICATION_BACKENDS``) refuses a locked
login before any password is checked; the ``user_login_failed`` / ``user_logged_in``
signals count; ``LoginThrottleMiddleware`` answers a refused login with the 429
page, for the portal's login form and the admin's alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

PAIR, USERNAME, ADDRESS = "pair", "username", "ip"
DEFAULTS = {
    PAIR: {"limit": 5, "minutes": 5},
    USERNAME: {"limit": 20, "minutes": 15},
    ADDRESS: {"limit": 50, "minutes": 15},
}
MAX_LOCK = timedelta(hours=24)
FORGET_AFTER = timedelta(hours=24)
KNOWN_ADDRESS_FOR = timedelta(days=90)


def policy(scope: str) -> dict:
    return {**DEFAULTS[scope], **getattr(settings, "LOGIN_THROTTLE", {}).get(scope, {})}


def lock_duration(scope: str, level: int) -> timedelta:
    """The ``level``-th lockout (1, 2, …) of a key: the first one's length, doubled each time."""
    return min(timedelta(minutes=policy(scope)["minutes"]) * 2 ** max(level - 1, 0), MAX_LOCK)


def _keys(username: str, address: str | None) -> dict[str, str]:
    username = (username or "")[:150]
    address = address or "unknown"
    return {PAIR: f"{username}|{address}", USERNAME: username, ADDRESS: address}


@dataclass(frozen=True)
class Lock:
    scope: str
    until: object  # datetime

    @property
    def minutes(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds() // 60) + 1)


def current_lock(username: str, address: str | None, now=None) -> Lock | None:
    """The lock that refuses this login now, if any (one query)."""
    from cadre_portal.models import LoginThrottle

    now = now or timezone.now()
    keys = _keys(username, address)
    rows = {
        row.scope: row
        for row in LoginThrottle.objects.filter(
            Q(scope=PAIR, key=keys[PAIR]) | Q(scope=USERNAME, key=keys[USERNAME]) | Q(scope=ADDRESS, key=keys[ADDRESS])
        )
    }
    pair = rows.get(PAIR)
    known = pair is not None and pair.last_success_at is not None and pair.last_success_at > now - KNOWN_ADDRESS_FOR
    for scope in (PAIR, ADDRESS, USERNAME):
        row = rows.get(scope)
        if row is None or row.locked_until is None or row.locked_until <= now:
            continue
        if scope == USERNAME and known:
            continue  # the owner's own address: a distributed attack must not lock them out
        return Lock(scope, row.locked_until)
    return None


def record_failure(username: str, address: str | None, request=None) -> list[Lock]:
    """Count one failed login under the three keys; lock the keys that reach their limit."""
    from cadre_portal.models import LoginThrottle

    now = timezone.now()
    locks = []
    for scope, key in _keys(username, address).items():
        with transaction.atomic():
            row = _row_for_update(LoginThrottle, scope, key, username, address)
            if row.last_failure_at is None or row.last_failure_at < now - FORGET_AFTER:
                row.failures, row.level = 0, 0
            row.failures += 1
            row.last_failure_at = now
            fields = ["failures", "level", "last_failure_at"]
            locked = row.failures >= policy(scope)["limit"]
            if locked:
                row.level += 1
                row.failures = 0
                row.locked_until = now + lock_duration(scope, row.level)
                fields.append("locked_until")
                locks.append(Lock(scope, row.locked_until))
            row.save(update_fields=fields)
            if locked:
                _audit_lock(scope, row, request)
    return locks


def record_success(username: str, address: str | None) -> None:
    """A successful login clears the username + address and the username counters and
    remembers the address as one of the user's own."""
    from cadre_portal.models import LoginThrottle

    keys = _keys(username, address)
    now = timezone.now()
    updated = LoginThrottle.objects.filter(scope=PAIR, key=keys[PAIR]).update(
        failures=0, level=0, locked_until=None, last_success_at=now)
    if not updated:
        try:
            with transaction.atomic():
                LoginThrottle.objects.create(scope=PAIR, key=keys[PAIR], username=username[:150],
                                             ip_address=address, last_success_at=now)
        except IntegrityError:
            LoginThrottle.objects.filter(scope=PAIR, key=keys[PAIR]).update(last_success_at=now)
    LoginThrottle.objects.filter(scope=USERNAME, key=keys[USERNAME]).update(failures=0, level=0, locked_until=None)


def unlock(rows, *, by, request=None) -> int:
    """An administrator lets the keys of ``rows`` try again (audited with the names)."""
    from cadre_portal.audit import record
    from cadre_portal.models import AuditEvent

    rows = list(rows)
    names = [row.describe() for row in rows]
    count = type(rows[0]).objects.filter(pk__in=[r.pk for r in rows]).update(
        failures=0, level=0, locked_until=None) if rows else 0
    record(AuditEvent.Kind.OTHER, user=by, request=request,
           summary=f"解除登录锁定 {count} 项：" + "、".join(names[:10]) + (" 等" if len(names) > 10 else ""),
           unlocked=names[:200], count=count)
    return count


def _row_for_update(model, scope, key, username, address):
    try:
        return model.objects.select_for_update().get(scope=scope, key=key)
    except model.DoesNotExist:
        try:
            with transaction.atomic():
                return model.objects.create(
                    scope=scope, key=key, username=(username or "")[:150] if scope != ADDRESS else "",
                    ip_address=address if scope != USERNAME else None)
        except IntegrityError:
            return model.objects.select_for_update().get(scope=scope, key=key)


SCOPE_TEXT = {PAIR: "该用户名在本地址", USERNAME: "该用户名", ADDRESS: "本地址"}


def _audit_lock(scope, row, request):
    from cadre_portal.audit import record
    from cadre_portal.models import AuditEvent, Region

    region = Region.objects.filter(users__username=row.username).first() if row.username else None
    minutes = int(lock_duration(scope, row.level).total_seconds() // 60)
    record(
        AuditEvent.Kind.LOGIN_LOCKED, request=request, username=row.username, region=region,
        summary=f"{row.describe()}：连续登录失败，锁定 {minutes} 分钟（第 {row.level} 次）",
        lock=scope, level=row.level, minutes=minutes, limit=policy(scope)["limit"],
    )


# --- hooks ------------------------------------------------------------------------------


class ThrottleBackend:
    """First authentication backend: a locked login is refused before any password
    check (``PermissionDenied`` stops Django's backend loop)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None:
            return None
        from cadre_portal.audit import client_ip

        lock = current_lock(username, client_ip(request))
        if lock is not None:
            request.login_lock = lock
            raise PermissionDenied("login locked")
        # It never authenticates anybody, so it has no get_user(): sessions (and the test
        # client's force_login) name the backend that did.
        return None


@receiver(user_login_failed, dispatch_uid="login_throttle_failed")
def _on_failed(sender, credentials, request=None, **kwargs):
    if request is None or getattr(request, "login_lock", None) is not None:
        return  # a refused locked login is not another failure
    from cadre_portal.audit import client_ip

    record_failure((credentials or {}).get("username", ""), client_ip(request), request)


@receiver(user_logged_in, dispatch_uid="login_throttle_success")
def _on_success(sender, request, user, **kwargs):
    if request is None:
        return
    from cadre_portal.audit import client_ip

    record_success(user.get_username(), client_ip(request))


def lockout_response(request, lock: Lock):
    response = render(request, "registration/locked_out.html", {
        "lock": lock, "who": SCOPE_TEXT[lock.scope], "until": timezone.localtime(lock.until),
    }, status=429)
    response["Retry-After"] = str(lock.minutes * 60)
    return response


class LoginThrottleMiddleware:
    """Turn a login refused by ``ThrottleBackend`` into the 429 page (portal and admin)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        lock = getattr(request, "login_lock", None)
        if lock is not None:
            return lockout_response(request, lock)
        return response
