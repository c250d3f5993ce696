"""The notification centre (every user, only their own notifications) and the
reminders page (county staff: upcoming and sent reminders, scan by hand)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.utils import timezone
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cadre_portal.notifications import registry, services
from cadre_portal.notifications.models import Notification, PlannedReminder, Reminder
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


class _CountedPaginator(Paginator):
    """A paginator told its count (already computed with the per-kind counts)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


REMINDER_TABS = {"upcoming": "即将发出", "sent": "已发送"}
PAGE_SIZE = 30


def reminders(request):
    """Upcoming and sent reminders in the viewer's scope, one kind or all, one list
    at a time, paginated, with per-kind counts — a fixed number of queries, however
    many reminders there are."""
    user = request.user
    if not _can_see_reminders(user):
        raise PermissionDenied("只有县委组织部干部、县领导和系统管理员可以查看提醒管理。")
    kinds = registry.all_kinds()
    kind = request.GET.get("kind", "")
    if kind not in {k.key for k in kinds}:
        kind = ""
    tab = request.GET.get("tab", "upcoming")
    if tab not in REMINDER_TABS:
        tab = "upcoming"
    counts = services.page_counts(user)
    totals = {
        name: sum(c[name] for key, c in counts.items() if not kind or key == kind) for name in REMINDER_TABS
    }
    if tab == "upcoming":
        rows = PlannedReminder.objects.visible_to(user).select_related("region__parent").order_by("remind_on", "id")
    else:
        rows = Reminder.objects.visible_to(user).select_related("region__parent").order_by("-created_at", "-id")
    if kind:
        rows = rows.filter(kind=kind)
    page = _CountedPaginator(rows, PAGE_SIZE, count=totals[tab]).get_page(request.GET.get("page"))
    if tab == "sent":
        stats = services.delivery_stats([r.pk for r in page.object_list])
        for reminder in page.object_list:
            row = stats.get(reminder.pk, {})
            reminder.read_count = row.get("read", 0)
            reminder.email_sent = row.get("email_sent", 0)
            reminder.email_failed = row.get("email_failed", 0)
    last_scans = services.last_scans()
    return render(request, "notifications/reminders.html", {
        "page_obj": page,
        "tab": tab,
        "tabs": [(key, label, totals[key]) for key, label in REMINDER_TABS.items()],
        "kinds": [
            {"key": k.key, "label": k.label, "upcoming": counts.get(k.key, {}).get("upcoming", 0),
             "sent": counts.get(k.key, {}).get("sent", 0), "last_scan": last_scans.get(k.key)}
            for k in kinds
        ],
        "kind": kind,
        "kind_label": registry.label_for(kind) if kind else "",
        "last_scan": last_scans.get(kind) if kind else max(last_scans.values(), default=None),
        "today": timezone.localdate(),
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
