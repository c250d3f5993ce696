"""Admin for administrators: the young-cadre records, scoped like the views; statuses and
derived totals read-only (the workflow is their only writer)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cadre_portal.admin import ScopedAdminMixin
from youth_cadres.models import Appointment, AppointmentRound, BankEntry, Cadre, Post, TrainingPlan


@admin.register(Cadre)
class CadreAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "unit", "current_post", "post_level", "birth_date")
    list_filter = ("post_level",)
    search_fields = ("name", "id_number", "current_post")
    raw_id_fields = ("unit",)


@admin.register(Post)
class PostAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("unit", "title", "level", "headcount", "holder_count", "candidate_count")
    list_filter = ("level",)
    search_fields = ("title", "unit__name")
    raw_id_fields = ("unit",)
    readonly_fields = ("holder_count", "candidate_count")


@admin.register(BankEntry)
class BankEntryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("cadre", "status", "source", "recommended_on", "entry_date", "key_training")
    list_filter = ("status", "source", "key_training")
    search_fields = ("cadre__name", "cadre__id_number")
    raw_id_fields = ("cadre", "created_by")
    readonly_fields = ("status",)

    def has_add_permission(self, request):
        return False  # entries are made by the workflow (推荐)


@admin.register(Appointment)
class AppointmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("cadre", "post", "appointed_on", "cross_team", "round")
    search_fields = ("cadre__name",)
    raw_id_fields = ("cadre", "post", "bank_entry", "round", "created_by")
    readonly_fields = ("previous_post", "previous_unit", "cross_team")

    def has_add_permission(self, request):
        return False  # appointments are made by the workflow (任用)


@admin.register(AppointmentRound)
class AppointmentRoundAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "date", "reporting_unit", "filled_by")


@admin.register(TrainingPlan)
class TrainingPlanAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "cohort", "year")
    list_filter = ("cohort", "year")
