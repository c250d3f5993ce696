"""Dashboard pages and their Excel exports (thin: periods in, figures out)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cadre_portal.dashboards import build, exports
from cadre_portal.figures import compute, periods, registry
from cadre_portal.figures.views import _scope_name


def _period(request):
    period, errors = periods.from_params(request.GET)
    for error in errors:
        messages.error(request, error)
    return period


@require_GET
def index(request):
    """The dashboard: every section the viewer's role sees, for one period."""
    user = request.user
    if not registry.sections_for(user):
        raise PermissionDenied("您的角色没有可查看的统计分析。")
    period = _period(request)
    blocks = build.dashboard(user, period)
    charts = [w.data for block in blocks for w in block.widgets]
    return render(request, "dashboards/index.html", {
        "blocks": blocks,
        "charts": charts,
        "period": period,
        "period_choices": periods.PRESETS,
        "scope_name": _scope_name(user),
    })


@require_GET
def export_chart(request, key):
    """One dashboard table as an Excel workbook (the numbers the chart shows)."""
    chart = registry.chart(key)
    if chart is None or chart.type == "number":
        raise Http404("没有这个图表。")
    figure = registry.find(chart.figure)
    if figure is None:
        raise Http404("没有这个图表。")
    if not compute.allowed(figure, request.user):
        raise PermissionDenied("您的角色不能查看该统计指标。")
    period = _period(request)
    item = build.widget(chart, request.user, period)
    if item is None:
        raise Http404("没有这个图表。")
    return exports.table_response(request, title=chart.title, table=item.table, period=period, scope=_scope_name(request.user))


REPORT_ROLES = ("county_staff", "leader", "admin")


def _report_allowed(user) -> bool:
    return user.is_superuser or user.role in REPORT_ROLES


@require_GET
def report(request):
    """The situation report for the viewer's scope and a period: a page whose every
    number links to its list, a Word download and a one-sheet Excel of its figures."""
    from cadre_portal.dashboards import report as reports
    from cadre_portal.dashboards.models import ReportTemplate

    user = request.user
    if not _report_allowed(user):
        raise PermissionDenied("情况汇报由县委组织部生成，县领导可查看。")
    period = _period(request)
    templates = list(ReportTemplate.objects.all()) or [ReportTemplate.default()]
    chosen = next((t for t in templates if str(t.pk) == request.GET.get("template")), None) or ReportTemplate.default()
    result = reports.build(chosen.body, user=user, period=period)
    for problem in result.problems:
        messages.warning(request, problem)
    fmt = request.GET.get("format")
    if fmt in ("docx", "xlsx"):
        from cadre_portal.audit import record
        from cadre_portal.models import AuditEvent

        stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        if fmt == "docx":
            record(AuditEvent.Kind.EXPORT, user=user, request=request, summary=f"生成情况汇报（Word，{period.span}）")
            return exports.attachment(reports.docx_bytes(result), f"{result.title}-{stamp}.docx",
                                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        record(AuditEvent.Kind.EXPORT, user=user, request=request, summary=f"导出情况汇报指标（{period.span}）")
        content = exports.figures_workbook(title=result.title, rows=reports.figure_rows(result), period=period, scope=result.scope)
        return exports.attachment(content, f"情况汇报指标-{stamp}.xlsx")
    return render(request, "dashboards/report.html", {
        "report": result,
        "period": period,
        "period_choices": periods.PRESETS,
        "templates": templates,
        "chosen": chosen,
        "keep": [("template", chosen.pk)] if len(templates) > 1 else [],
    })
