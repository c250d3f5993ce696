"""Login required everywhere (except an allowlist), session idle/absolute limits,
no caching of personal data."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers

from cadre_portal.models import AuditEvent

SESSION_LOGIN_AT = "_portal_login_at"
SESSION_LAST_SEEN = "_portal_last_seen"


@receiver(user_logged_in, dispatch_uid="session_limits_login_at")
def _stamp_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_LAST_SEEN] = now


class LoginRequiredMiddleware:
    """Every URL needs a logged-in user, except ``LOGIN_EXEMPT_URL_NAMES`` and
    ``LOGIN_EXEMPT_PATH_PREFIXES``. Anonymous requests are sent to the login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not self._is_exempt(request.path_info):
            if request.headers.get("HX-Request"):
                from django.http import HttpResponse

                response = HttpResponse(status=401)
                response["HX-Redirect"] = settings.LOGIN_URL if settings.LOGIN_URL.startswith("/") else "/accounts/login/"
                return response
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    @staticmethod
    def _is_exempt(path: str) -> bool:
        if path.startswith(settings.LOGIN_EXEMPT_PATH_PREFIXES):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            # Unknown URLs for anonymous users go to the login page too, so the
            # URL space is not probeable without an account.
            return False
        return match.url_name in settings.LOGIN_EXEMPT_URL_NAMES


class SessionLimitsMiddleware:
    """End a session after ``SESSION_IDLE_TIMEOUT`` without requests or
    ``SESSION_ABSOLUTE_TIMEOUT`` after login, whichever comes first.

    (A disabled account is logged out by Django itself: ModelBackend.get_user
    refuses inactive users on the next request.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            login_at = session.get(SESSION_LOGIN_AT)
            last_seen = session.get(SESSION_LAST_SEEN)
            if login_at is None:
                session[SESSION_LOGIN_AT] = login_at = now
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            expired = (last_seen is not None and now - last_seen > idle) or (now - login_at > absolute)
            if expired:
                from cadre_portal.audit import record

                user = request.user
                record(AuditEvent.Kind.SESSION_EXPIRED, user=user, summary=f"{user.display_name} 会话超时", request=request)
                logout(request)
                messages.info(request, "您长时间未操作或登录时间过长，已自动退出，请重新登录。")
                return redirect_to_login(request.get_full_path())
            # Write the timestamp at most once a minute to avoid a session save per request.
            if last_seen is None or now - last_seen > 60:
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Pages shown to a logged-in user and every file download carry personal data
    (names, ID numbers): ``Cache-Control: no-store, private`` so no browser cache,
    shared proxy or "back" button after logout keeps a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        download = response.get("Content-Disposition", "").lower().startswith("attachment")
        if download or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response

