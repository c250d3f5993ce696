"""Django admin for administrators: users, regions, units, code tables, audit log.

Admin querysets go through the same scope as the views (ScopedAdminMixin).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from django.conf import settings

from cadre_portal.models import AuditEvent, CodeItem, LoginLockout, Region, Unit, User


class ScopedAdminMixin:
    """Restrict admin lists and lookups to ``visible_to(request.user)``."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "code", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)
    readonly_fields = ("path",)


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "region", "domain")
    list_filter = ("kind", "domain")
    search_fields = ("name",)
    raw_id_fields = ("region",)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "role", "region", "domain", "unit", "is_active", "last_login")
    list_filter = ("role", "domain", "is_active")
    search_fields = ("username", "full_name", "phone")
    raw_id_fields = ("region", "unit")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "title", "phone", "email")}),
        ("角色与数据范围", {"fields": ("role", "region", "domain", "unit")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "role", "region", "domain", "unit", "password1", "password2")}),
    )


@admin.register(CodeItem)
class CodeItemAdmin(SimpleHistoryAdmin):
    list_display = ("table", "code", "name", "sort_order", "is_active", "is_passing")
    list_filter = ("table", "is_active")
    search_fields = ("code", "name")
    list_editable = ("sort_order", "is_active", "is_passing")


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "username", "ip_address", "summary")
    list_filter = ("kind",)
    search_fields = ("username", "summary")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    """Who is failing to log in; "解除锁定" (delete) lets a locked username try again."""

    list_display = ("username_display", "failures_display", "locked_display", "ip_display", "time_display")
    search_fields = ("username",)
    actions = ["unlock"]
    fields = ()
    ordering = ("-attempt_time",)

    @admin.display(description="用户名", ordering="username")
    def username_display(self, obj):
        return obj.username

    @admin.display(description="连续失败次数", ordering="failures_since_start")
    def failures_display(self, obj):
        return obj.failures_since_start

    @admin.display(description="已锁定", boolean=True)
    def locked_display(self, obj):
        return obj.failures_since_start >= settings.AXES_FAILURE_LIMIT

    @admin.display(description="IP 地址")
    def ip_display(self, obj):
        return obj.ip_address

    @admin.display(description="最近一次尝试", ordering="attempt_time")
    def time_display(self, obj):
        return obj.attempt_time

    @admin.action(description="解除锁定所选用户名")
    def unlock(self, request, queryset):
        count = queryset.count()
        queryset.delete()
        self.message_user(request, f"已解除 {count} 个用户名的锁定。")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
