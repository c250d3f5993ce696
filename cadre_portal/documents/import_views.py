"""The .lrmx import pages: upload, preview (per file: new / changed field by field /
unchanged / error), confirm all or nothing, cancel. Jobs are fetched through their
owner (another user's job is a 404); import needs the source's import role (403)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cadre_portal.documents import imports, registry
from cadre_portal.documents.forms import LrmxUploadForm
from cadre_portal.excel.models import ImportJob


def _source(key) -> registry.FormSource:
    source = registry.get(key)
    if source is None:
        raise Http404
    return source


def _importable(request, key) -> registry.FormSource:
    source = _source(key)
    if not source.can_import(request.user):
        raise PermissionDenied("您没有导入任免表文件的权限。")
    return source


def import_page(request, key):
    source = _importable(request, key)
    importer = source.importer
    post = request.method == "POST"
    form = LrmxUploadForm(request.POST if post else None, request.FILES if post else None)
    options_form = importer.options_form_class(request.user, request.POST if post else None) if importer.options_form_class else None
    if post and form.is_valid() and (options_form is None or options_form.is_valid()):
        options = options_form.options() if options_form is not None else {}
        try:
            job = imports.start_import(user=request.user, source_key=key, uploads=form.cleaned_data["files"],
                                       options=options, request=request)
        except imports.DocumentRejected as exc:
            form.add_error("files", str(exc))
        else:
            imports.run_preview(job)
            return redirect("documents:job", job_id=job.pk)
    recent = ImportJob.objects.filter(owner=request.user, registry=imports.job_registry(key))[:5]
    return render(request, "documents/import.html", {
        "source": source, "form": form, "options_form": options_form, "recent": recent,
    })


def _own_job(request, job_id) -> ImportJob:
    job = get_object_or_404(ImportJob, pk=job_id, owner=request.user, registry__startswith=imports.REGISTRY_PREFIX)
    if imports.source_of(job) is None:
        raise Http404
    return job


@require_GET
def job_detail(request, job_id):
    job = _own_job(request, job_id)
    source = imports.source_of(job)
    return render(request, "documents/job.html", {
        "job": job, "source": source, "files": job.preview.get("files", []), "ignored": job.preview.get("ignored", []),
        "expired": job.expires_at < timezone.now(),
    })


@require_POST
def job_confirm(request, job_id):
    job = _own_job(request, job_id)
    _importable(request, imports.source_of(job).key)
    if job.expires_at < timezone.now():
        imports.cancel(job)
        messages.error(request, "预览已过期，请重新上传文件。")
        return redirect("documents:import", key=imports.source_of(job).key)
    if not job.can_confirm or not imports.claim(job):
        messages.error(request, "该批文件当前不能导入（有错误、无变化、已导入或已取消）。")
        return redirect("documents:job", job_id=job.pk)
    job.refresh_from_db()
    imports.confirm(job, request=request)
    return redirect("documents:job", job_id=job.pk)


@require_POST
def job_cancel(request, job_id):
    job = _own_job(request, job_id)
    if job.status in (ImportJob.Status.PREVIEWED, ImportJob.Status.FAILED, ImportJob.Status.QUEUED):
        imports.cancel(job)
        messages.info(request, "已取消本次导入，上传的文件已删除。")
    return redirect("documents:import", key=imports.source_of(job).key)
