"""Django admin for administrators: users, regions, units, code tables, audit log.

Admin querysets go through the same scope as the views (ScopedAdminMixin).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from django.conf import settings

from cadre_portal.models import AuditEvent, CodeItem, LoginThrottle, Region, Unit, User


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


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Who is failing to log in, and what is locked; "解除锁定" lets a key try again
    (audited). See cadre_portal.login_throttle for the rules."""

    list_display = ("describe_display", "scope", "failures", "level", "locked_display", "locked_until", "last_failure_at")
    list_filter = ("scope",)
    search_fields = ("username", "ip_address")
    actions = ["unlock"]
    ordering = ("-last_failure_at",)
    readonly_fields = ("scope", "username", "ip_address", "failures", "level", "last_failure_at", "locked_until",
                       "last_success_at")
    fields = readonly_fields

    @admin.display(description="限制对象")
    def describe_display(self, obj):
        return obj.describe()

    @admin.display(description="锁定中", boolean=True)
    def locked_display(self, obj):
        return obj.is_locked

    @admin.action(description="解除锁定所选项")
    def unlock(self, request, queryset):
        from cadre_portal import login_throttle

        count = login_throttle.unlock(queryset, by=request.user, request=request)
        self.message_user(request, f"已解除 {count} 项登录锁定。")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
