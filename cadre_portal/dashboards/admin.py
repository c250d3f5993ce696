from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from cadre_portal.dashboards import default_report, report
from cadre_portal.dashboards.models import ReportTemplate


@admin.register(ReportTemplate)
class ReportTemplateAdmin(SimpleHistoryAdmin):
    list_display = ("name", "is_default", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")
    actions = ["restore_default_text"]

    def has_module_permission(self, request):
        return request.user.is_active and (request.user.is_superuser or request.user.role == "admin")

    has_view_permission = has_change_permission = has_add_permission = has_delete_permission = (
        lambda self, request, obj=None: self.has_module_permission(request)
    )

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if obj.is_default:
            ReportTemplate.objects.exclude(pk=obj.pk).filter(is_default=True).update(is_default=False)
        super().save_model(request, obj, form, change)
        unknown = sorted({m.group(1) for m in report.PLACEHOLDER.finditer(obj.body)
                          if "." in m.group(1) and m.group(1) not in report.SEED_FIGURES and report.registry.find(m.group(1)) is None})
        if unknown:
            messages.warning(request, "模板中以下指标不存在，生成报告时将标注为“未知指标”：" + "、".join(unknown))

    @admin.action(description="恢复为系统默认正文")
    def restore_default_text(self, request, queryset):
        n = 0
        for template in queryset:
            template.body, template.updated_by = default_report.BODY, request.user
            template.save()
            n += 1
        messages.success(request, f"已将 {n} 个模板恢复为系统默认正文。")
