"""The notification centre (every user, only their own notifications) and the
reminders page (county staff: upcoming and sent reminders, scan by hand)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cadre_portal.notifications import registry, services
from cadre_portal.notifications.models import Delivery, Notification, Reminder
from cadre_portal.notifications.navigation import REMINDER_PAGE_ROLES


def _can_see_reminders(user) -> bool:
    return user.is_portal_admin or user.role in REMINDER_PAGE_ROLES


def _can_scan(user) -> bool:
    return user.is_portal_admin or user.is_county_staff


def notification_list(request):
    show = request.GET.get("show", "all")
    queryset = Notification.objects.for_user(request.user).select_related("reminder")
    if show == "unread":
        queryset = queryset.unread()
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "page_obj": page,
        "show": show,
        "unread_total": services.unread_count(request.user),
    })


@require_GET
def unread_count(request):
    """The top-bar badge, polled by htmx."""
    return render(request, "notifications/_unread_badge.html", {"count": services.unread_count(request.user)})


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_POST
def mark_read(request, pk: int):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.mark_read(notification)
    if request.htmx:
        response = render(request, "notifications/_row.html", {"notification": notification})
        response["HX-Trigger"] = "notifications-changed"
        return response
    if request.POST.get("open") and notification.link.startswith("/") and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.link)
    return redirect(_safe_next(request, "notifications:list"))


@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect(_safe_next(request, "notifications:list"))


def reminders(request):
    user = request.user
    if not _can_see_reminders(user):
        raise PermissionDenied("只有县委组织部干部、县领导和系统管理员可以查看提醒管理。")
    kind = request.GET.get("kind", "")
    sent = (
        Reminder.objects.visible_to(user)
        .select_related("region")
        .annotate(
            email_sent=Count("notifications__deliveries", filter=Q(
                notifications__deliveries__channel=Delivery.Channel.EMAIL,
                notifications__deliveries__outcome=Delivery.Outcome.SENT), distinct=True),
            email_failed=Count("notifications__deliveries", filter=Q(
                notifications__deliveries__channel=Delivery.Channel.EMAIL,
                notifications__deliveries__outcome__in=[Delivery.Outcome.FAILED, Delivery.Outcome.RETRYING]), distinct=True),
            read_count=Count("notifications", filter=Q(notifications__read_at__isnull=False), distinct=True),
        )
        # Meta.ordering does not apply to aggregating queries.
        .order_by("-created_at", "-id")
    )
    if kind:
        sent = sent.filter(kind=kind)
    upcoming = services.upcoming(user)
    if kind:
        upcoming = [item for item in upcoming if item.kind_key == kind]
    page = Paginator(sent, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/reminders.html", {
        "page_obj": page,
        "upcoming": upcoming,
        "kinds": [(k.key, k.label) for k in registry.all_kinds()],
        "kind": kind,
        "can_scan": _can_scan(user),
    })


@require_POST
def trigger_scan(request):
    if not _can_scan(request.user):
        raise PermissionDenied("只有县委组织部干部和系统管理员可以触发提醒扫描。")
    kind = request.POST.get("kind", "")
    if kind and kind not in registry.keys():
        kind = ""
    scan = services.trigger_scan(user=request.user, request=request, kinds=[kind] if kind else None)
    if not scan.keys:
        messages.info(request, "没有启用的提醒类型。")
    elif scan.broker_down:
        messages.warning(
            request,
            f"消息队列（Redis）暂时无法连接，{len(scan.keys)} 类提醒的扫描已登记，未能立即执行；"
            "连接恢复后将自动执行，无需重复点击。如长时间未恢复，请联系系统管理员。",
        )
    elif scan.dispatch.failed:
        messages.warning(request, "部分提醒扫描执行出错，已登记稍后自动重试；如持续出错，请联系系统管理员。")
    else:
        messages.success(request, f"已触发 {len(scan.keys)} 类提醒的扫描，新的提醒将在扫描完成后出现在“已发送”列表中。")
    return redirect("notifications:reminders")
