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
