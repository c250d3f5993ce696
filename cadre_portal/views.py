"""Shell views: home per role, audit log, password change, health check, error pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET

from cadre_portal import lists
from cadre_portal.audit import record
from cadre_portal.filters import AuditEventFilter
from cadre_portal.forms import LoginForm, PortalPasswordChangeForm
from cadre_portal.models import AuditEvent, Region
from cadre_portal.navigation import panels_for
from cadre_portal.tables import AuditEventTable


def home(request):
    user = request.user
    context = {
        "panels": panels_for(user),
        "scope_region": user.region,
    }
    return render(request, "home.html", context)


@require_GET
def healthz(request):
    """200 when this node can serve (the database answers), 503 otherwise; the body
    also reports the broker, the last beat run and the outbox backlog."""
    from cadre_portal import health

    ok, result = health.report()
    response = JsonResponse(result, status=200 if ok else 503, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def audit_log(request):
    user = request.user
    if not (user.is_portal_admin or user.is_county_staff):
        raise PermissionDenied("只有系统管理员和县委组织部干部可以查看审计日志。")
    # Keyset pages (cadre_portal.lists): the last page costs what the first does; the
    # table describes the details of the page shown in Chinese (cadre_portal.audit_display).
    listing = lists.build(request, queryset=AuditEvent.objects.visible_to(user).select_related("user", "region"),
                          table_class=AuditEventTable, filterset_class=AuditEventFilter)
    return render(request, "cadre_portal/audit_log.html", {"listing": listing})


def region_tree(request):
    """The regions in the user's scope, township by township."""
    regions = list(Region.objects.visible_to(request.user).filter(level__gte=Region.Level.COUNTY).order_by("path"))
    townships = [r for r in regions if r.level == Region.Level.TOWNSHIP]
    villages_by_parent: dict[int, list[Region]] = {}
    for r in regions:
        if r.level == Region.Level.VILLAGE:
            villages_by_parent.setdefault(r.parent_id, []).append(r)
    rows = [{"township": t, "villages": villages_by_parent.get(t.pk, [])} for t in townships]
    return render(request, "cadre_portal/regions.html", {"rows": rows, "total_villages": sum(len(r["villages"]) for r in rows)})


class PortalLoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    form_class = PortalPasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(AuditEvent.Kind.PASSWORD_CHANGE, user=self.request.user, summary="修改密码", request=self.request)
        messages.success(self.request, "密码已修改。")
        return response


def error_403(request, exception=None):
    message = str(exception) if exception and str(exception) else "您没有权限执行此操作。"
    return render(request, "403.html", {"message": message}, status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    """A dropped database connection or a query cancelled by the web statement
    timeout is a 503 with a Chinese explanation (retry later / narrow the filter);
    anything else is a 500. Called while the exception is being handled, wherever it
    was raised (a view or a middleware loading the session)."""
    import sys

    from django.db import InterfaceError, OperationalError

    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        cancelled = type(exc.__cause__).__name__ == "QueryCanceled" or "statement timeout" in str(exc)
        context = (
            {"title": "查询时间过长", "message": "本次查询超过了允许的时间，已中止。请缩小筛选范围后重试；需要全部数据时请使用导出。"}
            if cancelled else {}
        )
        # No request context: the context processors would ask the database again.
        response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


def csrf_failure(request, reason=""):
    return render(request, "403.html", {"message": "页面已过期或请求无效，请刷新页面后重试。"}, status=403)
