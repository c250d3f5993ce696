"""Admin registrations: scoped like the views; the stage is read-only (only the workflow moves it)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reserves.models import Candidate, TrainingSession, Transition


@admin.register(Candidate)
class CandidateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "village", "stage", "training_start", "training_end"]
    list_filter = ["stage"]
    search_fields = ["name", "id_number", "name_initials"]
    readonly_fields = ["stage"]
    raw_id_fields = ["village", "nominated_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related("village")


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["candidate", "action", "from_stage", "to_stage", "by", "at"]
    list_filter = ["action"]
    readonly_fields = ["candidate", "action", "from_stage", "to_stage", "by", "at", "opinion"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).select_related("candidate", "by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(TrainingSession, SimpleHistoryAdmin)
