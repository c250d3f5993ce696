"""Thin views: find the source, fetch the record through its scoped queryset (404 outside
the user's scope), check the role (403), call ``services`` or ``imports``, respond."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cadre_portal.documents import registry, services
from cadre_portal.documents import sheet as sheet_layout
from cadre_portal.documents.formdata import ym
from cadre_portal.documents.forms import FormOptionsForm
from cadre_portal.excel.models import ImportJob

# ImportJob rows of .lrmx uploads are registered as "lrmx.<source>" (cadre_portal.documents.imports).
IMPORT_PREFIX = "lrmx."


def _source(key) -> registry.FormSource:
    source = registry.get(key)
    if source is None:
        raise Http404
    return source


def _require_print(source, user):
    if not source.can_print(user):
        raise PermissionDenied("您没有生成干部任免审批表的权限。")


def _require_lrmx(source, user):
    if not source.can_export_lrmx(user):
        raise PermissionDenied("任免表文件（.lrmx）含完整身份证号码，您没有导出权限。")


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def _query(request) -> str:
    keep = {k: v for k, v in request.GET.items() if k in FormOptionsForm.base_fields and v}
    return ("?" + urlencode(keep)) if keep else ""


def _one(request, key, pk):
    source = _source(key)
    _require_print(source, request.user)
    obj = source.get(request.user, pk)
    occasions = source.occasions(obj)
    data = request.GET.copy()
    if "occasion" not in data:
        data["occasion"] = source.default_occasion(obj) or ""
    options_form = FormOptionsForm(data, occasions=occasions)
    options = options_form.options()
    form = services.build_forms(source, [(obj, options.occasion)], options=options, user=request.user)[0]
    return source, obj, _shown(options_form, form, occasions), form


def _shown(options_form, form, occasions=()):
    """The options as used (the defaults filled in), so the toolbar shows what the form says;
    a bound form with errors is kept as it is so its messages show."""
    if options_form.errors:
        return options_form
    return FormOptionsForm({
        "occasion": options_form.cleaned_data.get("occasion") or "",
        "age_date": ym(form.age_date),
        "filled_on": ym(form.filled_on),
        "filled_by": form.filled_by,
        "reporting_unit": form.reporting_unit,
    }, occasions=occasions)


# --- one person ---------------------------------------------------------------------------------


@require_GET
def rmb_print(request, key, pk):
    source, obj, options_form, form = _one(request, key, pk)
    services.audit(user=request.user, request=request, source=source, fmt="print", forms=[form])
    built = services.sheets([form])
    query = _query(request)
    return render(request, "documents/rmb_print.html", {
        "title": f"{form.name} · 干部任免审批表", "sheets": built, "page_count": services.page_count(built),
        "options_form": options_form,
        "docx_url": reverse("documents:rmb_docx", args=[key, pk]) + query,
        "lrmx_url": reverse("documents:rmb_lrmx", args=[key, pk]) + query if source.can_export_lrmx(request.user) else "",
        "back_url": source.detail_url(obj), **sheet_layout.geometry(),
    })


@require_GET
def rmb_docx(request, key, pk):
    source, _obj, _f, form = _one(request, key, pk)
    services.audit(user=request.user, request=request, source=source, fmt="docx", forms=[form])
    return _attachment(services.docx_bytes([form]), f"干部任免审批表-{services.safe_filename(form.name)}.docx",
                       registry.FORMATS["docx"].content_type)


@require_GET
def rmb_lrmx(request, key, pk):
    source = _source(key)
    _require_lrmx(source, request.user)
    source, _obj, _f, form = _one(request, key, pk)
    services.audit(user=request.user, request=request, source=source, fmt="lrmx", forms=[form])
    return _attachment(services.lrmx_bytes(form), f"{services.safe_filename(form.name)}.lrmx", "application/xml; charset=utf-8")


# --- a batch (appointment round) ------------------------------------------------------------------


def _batch(request, key, batch):
    source = _source(key)
    _require_print(source, request.user)
    items = source.batch_items(request.user, batch)
    options_form = FormOptionsForm(request.GET or None)
    options = options_form.options()
    forms = services.build_forms(source, items, options=options, user=request.user)
    return source, source.batch_label(request.user, batch), options_form, forms


@require_GET
def batch_print(request, key, batch):
    source, label, options_form, forms = _batch(request, key, batch)
    services.audit(user=request.user, request=request, source=source, fmt="print", forms=forms, batch=label)
    built = services.sheets(forms)
    query = _query(request)
    return render(request, "documents/rmb_print.html", {
        "title": f"{label} · 干部任免审批表（{len(forms)} 人）", "sheets": built, "page_count": services.page_count(built),
        "options_form": options_form, "batch": True,
        "docx_url": reverse("documents:batch_docx", args=[key, batch]) + query,
        "lrmx_url": reverse("documents:batch_lrmx", args=[key, batch]) + query if source.can_export_lrmx(request.user) else "",
        "lrmx_label": "下载全部任免表文件（.zip）",
        "back_url": reverse("documents:index"), **sheet_layout.geometry(),
    })


@require_GET
def batch_docx(request, key, batch):
    source, label, _f, forms = _batch(request, key, batch)
    services.audit(user=request.user, request=request, source=source, fmt="docx", forms=forms, batch=label)
    return _attachment(services.docx_bytes(forms), f"干部任免审批表-{services.safe_filename(label)}.docx",
                       registry.FORMATS["docx"].content_type)


@require_GET
def batch_lrmx(request, key, batch):
    _require_lrmx(_source(key), request.user)
    source, label, _f, forms = _batch(request, key, batch)
    services.audit(user=request.user, request=request, source=source, fmt="lrmx", forms=forms, batch=label)
    return _attachment(services.lrmx_zip(forms), f"任免表文件-{services.safe_filename(label)}.zip", "application/zip")


# --- the hub ---------------------------------------------------------------------------------------


@require_GET
def index(request):
    sources = [s for s in registry.all_sources() if s.can_print(request.user) or s.can_import(request.user)]
    if not sources:
        raise PermissionDenied("您没有使用干部任免审批表的权限。")
    groups = [{"source": s, "batches": s.batches(request.user) if s.can_print(request.user) else []} for s in sources]
    return render(request, "documents/index.html", {
        "groups": groups, "importable": registry.importable_for(request.user),
        "recent": ImportJob.objects.filter(owner=request.user, registry__startswith=IMPORT_PREFIX)[:5],
    })
