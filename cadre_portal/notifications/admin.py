from django.contrib import admin
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from cadre_portal.notifications import registry
from cadre_portal.notifications.models import Delivery, Notification, Reminder, ReminderSetting


@admin.register(ReminderSetting)
class ReminderSettingAdmin(SimpleHistoryAdmin):
    list_display = ("kind_label", "enabled", "lead_days", "notify_township_officers", "notify_county_staff", "send_email",
                    "window_start", "window_end", "updated_at")
    list_editable = ("enabled", "lead_days", "notify_township_officers", "notify_county_staff", "send_email")
    readonly_fields = ("kind", "kind_help", "updated_at")
    fields = ("kind", "kind_help", "enabled", "lead_days", "notify_township_officers", "notify_county_staff",
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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind_label", "title", "region", "period", "recipient_count", "dispatched_at")
    list_filter = ("kind", "created_at")
    search_fields = ("title", "period")
    list_select_related = ("region",)
    date_hierarchy = "created_at"

    @admin.display(description="提醒类型", ordering="kind")
    def kind_label(self, obj):
        return obj.kind_label


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
