"""Admin registrations: scoped like the views; statuses are read-only (only
``talents.workflow`` moves them) and the change rows cannot be edited."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from talents.models import (
    ArtsOrganization,
    Membership,
    OrgActivity,
    OrgStateChange,
    PlanLine,
    Platform,
    PlatformStatusChange,
    RecruitmentPlan,
    Support,
    Talent,
    TalentStatusChange,
)


class ScopedAdmin(SimpleHistoryAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class ReadOnlyRowsAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Talent)
class TalentAdmin(ScopedAdmin):
    list_display = ["name", "domain", "category", "level", "unit", "status"]
    list_filter = ["domain", "status", "level", "origin"]
    search_fields = ["name", "id_number", "name_initials"]
    readonly_fields = ["domain", "status", "status_date"]
    raw_id_fields = ["unit", "served_unit", "region", "plan_line", "created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("category", "unit")


@admin.register(Platform)
class PlatformAdmin(ScopedAdmin):
    list_display = ["name", "kind", "domain", "host_unit", "level", "status"]
    list_filter = ["domain", "kind", "level", "status"]
    search_fields = ["name"]
    readonly_fields = ["domain", "status", "status_date"]
    raw_id_fields = ["host_unit", "leader", "created_by"]
    filter_horizontal = ["served_units"]


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["platform", "talent", "role", "joined_on", "left_on"]
    raw_id_fields = ["platform", "talent"]


class PlanLineInline(admin.TabularInline):
    model = PlanLine
    extra = 0
    raw_id_fields = ["category", "channel"]


@admin.register(RecruitmentPlan)
class RecruitmentPlanAdmin(ScopedAdmin):
    list_display = ["year", "domain", "region", "approved_on"]
    list_filter = ["domain", "year"]
    readonly_fields = ["domain"]
    inlines = [PlanLineInline]


@admin.register(Support)
class SupportAdmin(ScopedAdmin):
    list_display = ["talent", "date", "kind", "amount"]
    list_filter = ["kind"]
    raw_id_fields = ["talent", "recorded_by"]


@admin.register(ArtsOrganization)
class ArtsOrganizationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "state", "region", "members_count"]
    list_filter = ["kind", "state"]
    search_fields = ["name"]
    readonly_fields = ["state", "state_date"]
    raw_id_fields = ["responsible_unit", "region", "created_by"]


@admin.register(OrgActivity)
class OrgActivityAdmin(ScopedAdmin):
    list_display = ["organization", "date", "title", "participants"]
    raw_id_fields = ["organization", "recorded_by"]


for model in (TalentStatusChange, PlatformStatusChange, OrgStateChange):
    admin.site.register(model, ReadOnlyRowsAdmin)
