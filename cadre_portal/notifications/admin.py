from django.contrib import admin
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from cadre_portal.notifications import outbox, registry
from cadre_portal.notifications.models import Delivery, Notification, OutboxMessage, Reminder, ReminderSetting


@admin.register(ReminderSetting)
class ReminderSettingAdmin(SimpleHistoryAdmin):
    list_display = ("kind_label", "enabled", "lead_days", "notify_township_officers", "notify_county_staff", "send_email",
                    "window_start", "window_end", "updated_at")
    list_editable = ("enabled", "lead_days", "notify_township_officers", "notify_county_staff", "send_email")
    readonly_fields = ("kind_label", "kind_help", "updated_at")
    fields = ("kind_label", "kind_help", "enabled", "lead_days", "notify_township_officers", "notify_county_staff",
              "send_email", "window_start", "window_end", "updated_at")

    @admin.display(description="提醒类型")
    def kind_label(self, obj):
        return obj.kind_label

    @admin.display(description="说明")
    def kind_help(self, obj):
        try:
            kind = registry.get(obj.kind)
        except LookupError:
            return "（该提醒类型已不再注册）"
        notes = [kind.description or kind.label]
        if not kind.uses_lead_days:
            notes.append("此类型不使用“提前天数”。")
        if kind.uses_window:
            notes.append("此类型在“开始日期”至“结束日期”期间提醒。")
        return format_html("{}", " ".join(notes))

    def has_add_permission(self, request):
        # Rows are created for each registered kind; an arbitrary one would do nothing.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KindFilter(admin.SimpleListFilter):
    """Filter by reminder kind, showing each kind's label (never its key)."""

    title = "提醒类型"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.key, kind.label) for kind in registry.all_kinds()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind_label", "title", "region", "period_text", "recipient_count", "dispatched_at")
    list_filter = (KindFilter, "created_at")
    fields = ("kind_label", "title", "body", "link", "region", "period_text", "remind_on", "due_date", "created_at",
              "dispatched_at", "recipient_count")
    readonly_fields = fields
    search_fields = ("title", "period")
    list_select_related = ("region",)
    date_hierarchy = "created_at"

    @admin.display(description="提醒类型", ordering="kind")
    def kind_label(self, obj):
        return obj.kind_label

    @admin.display(description="周期", ordering="period")
    def period_text(self, obj):
        return obj.period_label


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "title", "read_at")
    list_filter = ("read_at",)
    search_fields = ("title", "recipient__username", "recipient__full_name")
    list_select_related = ("recipient",)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "channel", "recipient", "address", "outcome", "attempts", "sent_at", "error")
    list_filter = ("channel", "outcome")
    search_fields = ("recipient__username", "address", "error")
    list_select_related = ("recipient",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Follow-up work of committed actions: what is pending, what failed and why.
    A failed message can be queued again once its cause is fixed."""

    list_display = ("created_at", "handler_text", "state", "attempts", "available_at", "done_at", "error_text")
    list_filter = ("state",)
    search_fields = ("handler", "last_error")
    fields = ("handler_text", "kwargs", "state", "attempts", "created_at", "available_at", "dispatched_at",
              "locked_until", "done_at", "last_error")
    readonly_fields = fields
    date_hierarchy = "created_at"
    actions = ["requeue"]

    @admin.display(description="任务", ordering="handler")
    def handler_text(self, obj):
        return obj.handler_label

    @admin.display(description="最近错误")
    def error_text(self, obj):
        return (obj.last_error or "")[:80]

    @admin.action(description="重新投递所选任务")
    def requeue(self, request, queryset):
        from cadre_portal.audit import record
        from cadre_portal.models import AuditEvent

        ids = list(queryset.values_list("pk", flat=True))
        count = outbox.requeue(ids)
        record(AuditEvent.Kind.OTHER, user=request.user, request=request,
               summary=f"重新投递后续任务 {count} 条", messages=ids[:200], count=count)
        self.message_user(request, f"已重新排队 {count} 条后续任务，将在一分钟内投递。")

    def has_delete_permission(self, request, obj=None):
        return False
