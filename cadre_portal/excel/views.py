"""Thin views: authorize, call ``services``, render. Jobs are fetched through the
owner (another user's job is a 404); import and export each check their own
role permission (403 otherwise)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cadre_portal.excel import exports, services
from cadre_portal.excel.forms import UploadForm
from cadre_portal.excel.models import ExportJob, ImportJob
from cadre_portal.excel.reading import ExcelRejected
from cadre_portal.excel.resources import ExportParamsError, for_user, get

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _registry(key):
    cls = get(key)
    if cls is None:
        raise Http404
    return cls


def _require_import(cls, user):
    if not cls.can_import(user):
        raise PermissionDenied(f"您没有导入{cls.title}的权限。")


def _own_job(request, job_id) -> ImportJob:
    return get_object_or_404(ImportJob, pk=job_id, owner=request.user)


def _attachment(fh, filename):
    response = FileResponse(fh, content_type=XLSX, as_attachment=True, filename=filename)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_GET
def index(request):
    recent_exports = ExportJob.objects.filter(owner=request.user).order_by("-created_at")[:5]
    return render(request, "excel/index.html", {"registries": for_user(request.user), "recent_exports": recent_exports})


def import_page(request, key):
    cls = _registry(key)
    _require_import(cls, request.user)
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    options_form = cls.options_form_class(request.user, data[0]) if cls.options_form_class else None
    form = UploadForm(*data)
    if request.method == "POST" and form.is_valid() and (options_form is None or options_form.is_valid()):
        options = options_form.options() if options_form is not None else {}
        try:
            job = services.start_import(user=request.user, registry_key=key, upload=form.cleaned_data["file"],
                                        options=options, request=request)
        except ExcelRejected as exc:
            form.add_error("file", str(exc))
        else:
            services.request_preview(job)
            return redirect("excel:job", job_id=job.pk)
    recent = ImportJob.objects.filter(owner=request.user, registry=key).order_by("-created_at")[:5]
    return render(request, "excel/import.html", {
        "registry": cls, "form": form, "options_form": options_form, "recent": recent,
        "can_export": cls.can_export(request.user),
    })


def _job_context(request, job):
    cls = _registry(job.registry)
    return {"job": job, "registry": cls, "expired": job.expires_at < timezone.now()}


@require_GET
def job_detail(request, job_id):
    job = _own_job(request, job_id)
    return render(request, "excel/job.html", _job_context(request, job))


@require_GET
def job_status(request, job_id):
    """The job panel alone, polled by htmx while a worker runs the job."""
    job = _own_job(request, job_id)
    response = render(request, "excel/_job_panel.html", _job_context(request, job))
    if not job.is_running and request.headers.get("HX-Request"):
        # Reload the whole page once so the preview table and buttons appear.
        response["HX-Refresh"] = "true"
    return response


@require_POST
def job_confirm(request, job_id):
    job = _own_job(request, job_id)
    cls = _registry(job.registry)
    _require_import(cls, request.user)
    if job.expires_at < timezone.now():
        services.cancel(job, user=request.user, request=request)
        messages.error(request, "预览已过期，请重新上传文件。")
        return redirect("excel:import", key=job.registry)
    if not services.request_commit(job, request=request):
        messages.error(request, "该文件当前不能导入（有错误行、已导入或已取消）。")
    return redirect("excel:job", job_id=job.pk)


@require_POST
def job_cancel(request, job_id):
    job = _own_job(request, job_id)
    if services.cancel(job, user=request.user, request=request):
        messages.info(request, "已取消本次导入，上传的文件已删除，没有写入任何数据。")
    else:
        messages.error(request, f"本次导入的状态是“{job.get_status_display()}”，不能再取消。")
    return redirect("excel:import", key=job.registry)


@require_GET
def export(request, key):
    cls = _registry(key)
    if not cls.can_export(request.user):
        raise PermissionDenied(f"您没有导出{cls.title}的权限。")
    try:
        _resource, _queryset, count = exports.export_plan(user=request.user, registry_key=key, params=request.GET)
        if count > exports.async_threshold():
            # Too large to write inside the request: a background job the user can leave.
            job = exports.start_export(user=request.user, registry_key=key, params=request.GET, request=request)
            return redirect("excel:export_job", job_id=job.pk)
        fh, _count = services.export_file(user=request.user, registry_key=key, params=request.GET, request=request)
    except ExportParamsError as exc:
        return render(request, "excel/export_refused.html", {"registry": cls, "message": str(exc)}, status=400)
    return _attachment(fh, exports.download_name(cls.title))


def _own_export(request, job_id) -> ExportJob:
    """Only the owner sees an export job or fetches its file (anyone else: 404)."""
    return get_object_or_404(ExportJob, pk=job_id, owner=request.user)


def _export_context(job):
    return {"job": job, "registry": _registry(job.registry)}


@require_GET
def export_job(request, job_id):
    job = _own_export(request, job_id)
    return render(request, "excel/export_job.html", _export_context(job))


@require_GET
def export_job_status(request, job_id):
    """The export panel alone, polled by htmx while the file is written."""
    job = _own_export(request, job_id)
    return render(request, "excel/_export_panel.html", _export_context(job))


@require_GET
def export_download(request, job_id):
    job = _own_export(request, job_id)
    if not job.can_download:
        message = ("下载链接已过期，文件已删除，请重新导出。" if job.is_expired
                   else "文件尚未生成完成，请稍后在导出页面下载。")
        return render(request, "excel/export_refused.html", {"registry": _registry(job.registry), "message": message},
                      status=410 if job.is_expired else 409)
    try:
        fh = exports.open_download(job)
    except FileNotFoundError:
        return render(request, "excel/export_refused.html", {"registry": _registry(job.registry),
                                                             "message": "下载链接已过期，文件已删除，请重新导出。"}, status=410)
    return _attachment(fh, job.download_name)


@require_GET
def template(request, key):
    cls = _registry(key)
    _require_import(cls, request.user)
    return _attachment(services.template_file(user=request.user, registry_key=key), f"{cls.title}导入模板.xlsx")
