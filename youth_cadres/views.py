"""Thin views: fetch through ``visible_to``, call the workflow or a service, render or redirect.

Object URLs are 404 outside the viewer's scope (another unit's cadre for a unit
contact; everything for township and domain officers); writes are POST-only and
refused with a Chinese message to roles that may not make them."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadre_portal import codes, lists
from youth_cadres import dossier as dossier_mod
from youth_cadres import filters, forms, services, tables, workflow
from youth_cadres.forecast import Forecast, forecast_years
from youth_cadres.models import (
    Appointment,
    AppointmentRound,
    BankEntry,
    BankTarget,
    Cadre,
    CareerMilestone,
    CareerPlan,
    DossierAttachment,
    Post,
    PostHolding,
    SupervisionOpinion,
    TrainingPlan,
    TrainingPlanItem,
    TrainingRecord,
    WorkLogEntry,
)
from youth_cadres.workflow import AlreadyHandled, WorkflowError

Action = workflow.Action
FAMILY_TITLES = [name for _code, name in codes.table("family_title_rmb_form_common")]


def _cadres(user):
    return Cadre.objects.visible_to(user).select_related("unit__region")


def _get_cadre(user, pk) -> Cadre:
    return get_object_or_404(_cadres(user), pk=pk)


def _require_county_staff(user, what="此操作"):
    if user.is_read_only:
        raise PermissionDenied("县领导账号为只读，不能办理业务。")
    if not user.is_county_staff:
        raise PermissionDenied(f"{what}由县委组织部干部办理。")


def _form_page(request, *, title, form, back, cadre=None, submit="保存", note="", status=200, enctype=False):
    return render(
        request, "youth_cadres/form.html",
        {"title": title, "form": form, "back": back, "c": cadre, "submit": submit, "note": note, "multipart": enctype,
         "family_titles": FAMILY_TITLES},
        status=status,
    )


# --- lists --------------------------------------------------------------------------------------------


@require_GET
def cadre_list(request):
    user = request.user
    listing = lists.build(
        request, queryset=_cadres(user).with_cohort(), table_class=tables.CadreTable,
        filterset_class=filters.CadreFilter, filterset_kwargs={"user": user}, export="youth_cadres",
    )
    return render(request, "youth_cadres/cadre_list.html", {"listing": listing})


@require_GET
def bank_list(request):
    user = request.user
    if "status" not in request.GET:
        # The bank proper (入库) unless another status is asked for; in the URL, so the
        # export and the filters carry it too.
        query = request.GET.copy()
        query["status"] = BankEntry.Status.IN_BANK
        return redirect(f"{request.path}?{query.urlencode()}")
    qs = BankEntry.objects.visible_to(user).select_related("cadre__unit").with_cohort()
    listing = lists.build(
        request, queryset=qs, table_class=tables.BankTable, filterset_class=filters.BankFilter,
        filterset_kwargs={"user": user}, export="youth_bank_entries",
    )
    counts = BankEntry.objects.visible_to(user).aggregate(
        in_bank=Count("pk", filter=Q(status=BankEntry.Status.IN_BANK)),
        pending=Count("pk", filter=Q(status__in=[BankEntry.Status.RECOMMENDED, BankEntry.Status.INSPECTING])),
        key=Count("pk", filter=Q(status=BankEntry.Status.IN_BANK, key_training=True)),
    )
    return render(request, "youth_cadres/bank_list.html", {"listing": listing, "counts": counts})


@require_GET
def post_list(request):
    """岗位供求 and the bench board: every post with its headcount, holders, vacancies and
    the bank members trained for it; posts with fewer than 2 are flagged."""
    user = request.user
    listing = lists.build(
        request, queryset=Post.objects.visible_to(user).select_related("unit"), table_class=tables.PostTable,
        filterset_class=filters.PostFilter, filterset_kwargs={"user": user}, export="youth_posts",
    )
    totals = Post.objects.visible_to(user).aggregate(
        posts=Count("pk"), short=Count("pk", filter=Q(candidate_count__lt=2)),
        vacant=Count("pk", filter=Q(holder_count__lt=F("headcount"))),
    )
    return render(request, "youth_cadres/post_list.html", {"listing": listing, "totals": totals})


@require_GET
def forecast(request):
    """Vacancy forecast: holders reaching the age ceiling or term limit within N years."""
    user = request.user
    try:
        years = int(request.GET.get("years") or forecast_years())
    except ValueError:
        years = forecast_years()
    years = max(1, min(years, 10))
    fc = Forecast(years)
    qs = PostHolding.objects.visible_to(user).filter(fc.q()).select_related("post__unit", "cadre")

    class Table(tables.ForecastTable):
        forecast = fc

    listing = lists.build(request, queryset=qs, table_class=Table, filterset_class=filters.ForecastFilter, filterset_kwargs={"user": user})
    return render(request, "youth_cadres/forecast.html", {"listing": listing, "forecast": fc, "years": years, "year_choices": range(1, 11)})


@require_GET
def appointment_list(request):
    user = request.user
    qs = Appointment.objects.visible_to(user).select_related("cadre", "post__unit", "round", "previous_unit")
    listing = lists.build(request, queryset=qs, table_class=tables.AppointmentTable, filterset_class=filters.AppointmentFilter)
    # The count "appointed from the bank in a date range": one query on the same filters.
    from_bank = listing.filterset.qs.from_bank().count() if listing.filterset.is_valid() else 0
    return render(request, "youth_cadres/appointment_list.html", {"listing": listing, "from_bank": from_bank})


def _record_list(request, *, model, table, flt, export, template_title, add_kind=None):
    user = request.user
    qs = model.objects.visible_to(user).select_related("cadre__unit")
    if model is WorkLogEntry:
        qs = qs.select_related("written_by")
    listing = lists.build(request, queryset=qs, table_class=table, filterset_class=flt, filterset_kwargs={"user": user}, export=export)
    return render(request, "youth_cadres/record_list.html", {"listing": listing, "title": template_title, "registry_key": export})


@require_GET
def worklog_list(request):
    return _record_list(request, model=WorkLogEntry, table=tables.WorkLogTable, flt=filters.WorkLogFilter,
                        export="youth_work_log", template_title="工作日志纪实")


@require_GET
def training_record_list(request):
    return _record_list(request, model=TrainingRecord, table=tables.TrainingRecordTable, flt=filters.TrainingRecordFilter,
                        export="youth_training_records", template_title="培养记录")


@require_GET
def supervision_list(request):
    if request.user.is_unit_contact:
        raise PermissionDenied("监督意见由县委组织部管理。")
    return _record_list(request, model=SupervisionOpinion, table=tables.SupervisionTable, flt=filters.SupervisionFilter,
                        export="youth_supervision", template_title="监督意见")


# --- the cadre (growth dossier) ------------------------------------------------------------------------


@require_GET
def cadre_detail(request, pk):
    user = request.user
    cadre = _get_cadre(user, pk)
    d = dossier_mod.assemble(cadre, user)
    entry = d.open_entry
    context = {
        "c": cadre,
        "d": d,
        "entry": entry,
        "actions": workflow.available_actions(entry, user) if entry else [],
        "can_recommend": entry is None and workflow.can_recommend(cadre, user),
        "record_kinds": {k.key: k for k in services.kinds_for(cadre, user)},
        "can_edit": user.is_county_staff and not user.is_read_only,
        "sees_integrity": dossier_mod.sees_integrity(user),
    }
    return render(request, "youth_cadres/cadre_detail.html", context)


@require_GET
def cadre_print(request, pk):
    user = request.user
    cadre = _get_cadre(user, pk)
    d = dossier_mod.assemble(cadre, user, full=True, printing=True)
    return render(request, "youth_cadres/dossier_print.html", {"c": cadre, "d": d, "sees_integrity": dossier_mod.sees_integrity(user)})


@require_GET
def cadre_history(request, pk):
    """Every change to the cadre's file and records, newest first (simple-history)."""
    from youth_cadres.history import changes_for

    cadre = _get_cadre(request.user, pk)
    return render(request, "youth_cadres/history.html", {"c": cadre, "changes": changes_for(cadre, request.user)})


@require_GET
def cadre_photo(request, pk):
    cadre = _get_cadre(request.user, pk)
    if not cadre.photo:
        raise Http404("没有照片")
    try:
        handle = cadre.photo.open("rb")
    except FileNotFoundError:
        raise Http404("照片文件不存在") from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def attachment_download(request, pk):
    attachment = get_object_or_404(DossierAttachment.objects.visible_to(request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    content_type = attachment.content_type or mimetypes.guess_type(attachment.original_name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name or attachment.title, content_type=content_type)


@require_http_methods(["GET", "POST"])
def cadre_create(request):
    user = request.user
    _require_county_staff(user, "干部建档")
    form = forms.CadreForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photo")
        cadre = form.save(commit=False)
        cadre.photo = None
        try:
            cadre = services.create_cadre(cadre=cadre, by=user, photo=photo if photo else None)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已为{cadre.name}建档。")
            return redirect("youth_cadres:cadre_detail", pk=cadre.pk)
    return _form_page(request, title="干部建档", form=form, back=reverse("youth_cadres:cadre_list"), enctype=True,
                      status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def cadre_edit(request, pk):
    user = request.user
    cadre = _get_cadre(user, pk)
    _require_county_staff(user, "干部信息")
    old_photo = cadre.photo.name if cadre.photo else ""
    form = forms.CadreForm(request.POST or None, request.FILES or None, instance=cadre, user=user)
    if request.method == "POST" and form.is_valid():
        photo = form.cleaned_data.get("photo")
        new_upload = photo if photo and photo.name != old_photo and hasattr(photo, "content_type") else None
        edited = form.save(commit=False)
        if not new_upload:
            edited.photo.name = old_photo if photo is not False else ""
        try:
            services.update_cadre(cadre=edited, by=user, photo=new_upload)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "干部信息已保存。")
            return redirect("youth_cadres:cadre_detail", pk=pk)
    return _form_page(request, title=f"修改干部信息：{cadre.name}", form=form, cadre=cadre,
                      back=reverse("youth_cadres:cadre_detail", args=[pk]), enctype=True, status=400 if form.errors else 200)


# --- per-cadre records -------------------------------------------------------------------------------------


def _kind(key):
    kind = services.RECORD_KINDS.get(key)
    if kind is None:
        raise Http404("不支持的登记事项")
    return kind


def _record_form(kind, request, cadre, instance=None):
    kwargs = kind.form_kwargs(request.user, cadre) if kind.form_kwargs else {}
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    return kind.form(data, files, instance=instance, **kwargs)


def _check_kind(kind, cadre, user):
    try:
        services.check_record(cadre, user, kind.key)
    except WorkflowError as exc:
        raise PermissionDenied(exc.message) from None


@require_http_methods(["GET", "POST"])
def record_add(request, pk, kind):
    cadre = _get_cadre(request.user, pk)
    kind = _kind(kind)
    _check_kind(kind, cadre, request.user)
    form = _record_form(kind, request, cadre)
    back = reverse("youth_cadres:cadre_detail", args=[pk]) + f"#{kind.section}"
    if request.method == "POST" and form.is_valid():
        try:
            services.save_record(cadre=cadre, by=request.user, key=kind.key, form=form)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记{kind.label}。")
            return redirect(back)
    return _form_page(request, title=f"登记{kind.label}：{cadre.name}", form=form, back=back, cadre=cadre,
                      enctype=kind.key == "attachment", status=400 if form.errors else 200)


def _get_record(kind, user, pk, record_pk):
    obj = get_object_or_404(kind.model.objects.visible_to(user).select_related("cadre__unit__region"), pk=record_pk, cadre_id=pk)
    return obj


@require_http_methods(["GET", "POST"])
def record_edit(request, pk, kind, record_pk):
    kind = _kind(kind)
    obj = _get_record(kind, request.user, pk, record_pk)
    cadre = obj.cadre
    _check_kind(kind, cadre, request.user)
    if kind.key == "attachment" or not services.can_change(kind, obj, request.user):
        raise PermissionDenied(f"这条{kind.label}不能在此修改。")
    form = _record_form(kind, request, cadre, instance=obj)
    back = reverse("youth_cadres:cadre_detail", args=[pk]) + f"#{kind.section}"
    if request.method == "POST" and form.is_valid():
        try:
            services.save_record(cadre=cadre, by=request.user, key=kind.key, form=form)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{kind.label}已修改。")
            return redirect(back)
    return _form_page(request, title=f"修改{kind.label}：{cadre.name}", form=form, back=back, cadre=cadre,
                      status=400 if form.errors else 200)


@require_POST
def record_delete(request, pk, kind, record_pk):
    kind = _kind(kind)
    obj = _get_record(kind, request.user, pk, record_pk)
    _check_kind(kind, obj.cadre, request.user)
    try:
        services.delete_record(obj=obj, by=request.user, key=kind.key)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除{kind.label}。")
    return redirect(reverse("youth_cadres:cadre_detail", args=[pk]) + f"#{kind.section}")


# --- the bank ------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def recommend(request, pk):
    user = request.user
    cadre = _get_cadre(user, pk)
    _require_county_staff(user, "推荐入库")
    form = forms.RecommendForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            workflow.recommend(cadre=cadre, by=user, source=d["source"], recommended_on=d["recommended_on"],
                               recommendation=d["recommendation"], target_posts=d["target_posts"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已推荐{cadre.name}进入优秀年轻干部库，请组织考察。")
            return redirect("youth_cadres:cadre_detail", pk=pk)
    blockers = workflow.cohort_blockers(cadre)
    return _form_page(request, title=f"推荐入库：{cadre.name}", form=form, cadre=cadre, submit="推荐",
                      back=reverse("youth_cadres:cadre_detail", args=[pk]), note=blockers[0] if blockers else "",
                      status=400 if form.errors else 200)


_ACTION_FORMS = {
    Action.INSPECT: lambda data, entry, user: forms.InspectForm(data),
    Action.ADMIT: lambda data, entry, user: forms.AdmitForm(data),
    Action.APPOINT: lambda data, entry, user: forms.AppointForm(data, user=user, entry=entry),
    Action.TRANSFER: lambda data, entry, user: forms.TransferForm(data),
    Action.MARK: lambda data, entry, user: forms.MarkForm(data, initial={"key_training": not entry.key_training}),
    Action.TARGETS: lambda data, entry, user: forms.TargetsForm(
        data, user=user, initial={"posts": list(entry.targets.values_list("post_id", flat=True))}),
}


def _perform(key, entry, user, d):
    w = workflow
    if key == Action.INSPECT:
        return w.start_inspection(entry=entry, by=user, on=d["on"], opinion=d["opinion"])
    if key == Action.ADMIT:
        return w.admit(entry=entry, by=user, **d)
    if key == Action.APPOINT:
        return w.appoint(entry=entry, by=user, **d)
    if key == Action.TRANSFER:
        return w.transfer_out(entry=entry, by=user, reason=d["reason"], on=d["on"])
    if key == Action.MARK:
        return w.set_key_training(entry=entry, by=user, key_training=d["key_training"], opinion=d["opinion"])
    if key == Action.TARGETS:
        return w.set_targets(entry=entry, by=user, posts=d["posts"], opinion=d["opinion"])
    raise PermissionDenied("不支持的操作。")


def _get_entry(user, pk) -> BankEntry:
    return get_object_or_404(BankEntry.objects.visible_to(user).select_related("cadre__unit__region"), pk=pk)


def _allowed(entry, user, key):
    if user.is_read_only:
        raise PermissionDenied("县领导账号为只读，不能办理业务。")
    action = next((a for a in workflow.available_actions(entry, user) if a.key == key), None)
    if action is None:
        raise PermissionDenied("您不能对该干部办理此事项（状态或权限不符）。")
    return action


@require_http_methods(["GET", "POST"])
def bank_action(request, pk, action):
    user = request.user
    entry = _get_entry(user, pk)
    if action not in _ACTION_FORMS:
        raise Http404("不支持的操作")
    allowed = _allowed(entry, user, action)
    form = _ACTION_FORMS[action](request.POST if request.method == "POST" else None, entry, user)
    back = reverse("youth_cadres:cadre_detail", args=[entry.cadre_id])
    if request.method == "POST" and form.is_valid():
        try:
            _perform(action, entry, user, form.cleaned_data)
        except AlreadyHandled as exc:
            messages.warning(request, exc.message)
            return redirect(back)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已办理：{allowed.label}。")
            return redirect(back)
    note = "；".join(allowed.blockers)
    return _form_page(request, title=f"{allowed.label}：{entry.cadre.name}", form=form, back=back, cadre=entry.cadre,
                      submit=allowed.label, note=note, status=400 if form.errors else 200)


# --- posts -----------------------------------------------------------------------------------------------------


def _get_post(user, pk) -> Post:
    return get_object_or_404(Post.objects.visible_to(user).select_related("unit__region"), pk=pk)


@require_GET
def post_detail(request, pk):
    user = request.user
    post = _get_post(user, pk)
    holdings = list(PostHolding.objects.visible_to(user).filter(post=post).select_related("cadre").order_by("end", "-start"))
    candidates = list(
        BankEntry.objects.visible_to(user).filter(targets__post=post, status__in=BankEntry.OPEN_STATUSES)
        .select_related("cadre__unit").with_cohort().order_by("status", "-entry_date", "pk")
    )
    fc = Forecast()
    current = [h for h in holdings if h.end is None]
    context = {
        "post": post, "current": current, "past": [h for h in holdings if h.end is not None], "candidates": candidates,
        "forecast": fc, "leaving": {h.pk: fc.reasons(h) for h in current},
        "can_edit": user.is_county_staff and not user.is_read_only,
        "appointments": list(Appointment.objects.visible_to(user).filter(post=post).select_related("cadre").order_by("-appointed_on")[:20]),
    }
    return render(request, "youth_cadres/post_detail.html", context)


@require_http_methods(["GET", "POST"])
def post_create(request):
    user = request.user
    _require_county_staff(user, "岗位维护")
    form = forms.PostForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.save_post(post=form.save(commit=False), by=user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已新增岗位：{post}。")
            return redirect("youth_cadres:post_detail", pk=post.pk)
    return _form_page(request, title="新增领导岗位", form=form, back=reverse("youth_cadres:post_list"), status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def post_edit(request, pk):
    user = request.user
    post = _get_post(user, pk)
    _require_county_staff(user, "岗位维护")
    form = forms.PostForm(request.POST or None, instance=post, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_post(post=form.save(commit=False), by=user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "岗位已保存。")
            return redirect("youth_cadres:post_detail", pk=pk)
    return _form_page(request, title=f"修改岗位：{post}", form=form, back=reverse("youth_cadres:post_detail", args=[pk]),
                      status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def holder_add(request, pk):
    user = request.user
    post = _get_post(user, pk)
    _require_county_staff(user, "登记现任人员")
    form = forms.HolderForm(request.POST or None, user=user, post=post)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.add_holder(post=post, cadre=form.cleaned_data["cadre"], by=user, start=form.cleaned_data["start"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已登记现任人员。")
            return redirect("youth_cadres:post_detail", pk=pk)
    note = f"核定职数 {post.headcount} 名，现任 {post.holder_count} 名。" + ("已无空缺。" if post.vacancies == 0 else "")
    return _form_page(request, title=f"登记现任人员：{post}", form=form, back=reverse("youth_cadres:post_detail", args=[pk]),
                      note=note, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def holding_end(request, pk):
    user = request.user
    holding = get_object_or_404(PostHolding.objects.visible_to(user).select_related("post__unit", "cadre__unit"), pk=pk)
    _require_county_staff(user, "离任登记")
    form = forms.EndHoldingForm(request.POST or None)
    back = reverse("youth_cadres:post_detail", args=[holding.post_id])
    if request.method == "POST" and form.is_valid():
        try:
            workflow.end_holding(holding=holding, by=user, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"])
        except AlreadyHandled as exc:
            messages.warning(request, exc.message)
            return redirect(back)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已登记离任，岗位空缺已更新。")
            return redirect(back)
    return _form_page(request, title=f"离任登记：{holding.cadre.name}（{holding.post}）", form=form, back=back,
                      status=400 if form.errors else 200)


# --- training plans ------------------------------------------------------------------------------------------------


@require_GET
def plan_list(request):
    plans = list(
        TrainingPlan.objects.visible_to(request.user).annotate(n_items=Count("items")).order_by("-year", "cohort")
    )
    from youth_cadres import cohorts

    counts = dict(
        BankEntry.objects.visible_to(request.user).in_bank().with_cohort().order_by().values("cohort_key")
        .annotate(n=Count("pk")).values_list("cohort_key", "n")
    )
    rules = [{"rule": r, "members": counts.get(r.key, 0)} for r in cohorts.RULES]
    return render(request, "youth_cadres/plan_list.html", {"plans": plans, "rules": rules, "can_edit": request.user.is_county_staff})


@require_GET
def plan_detail(request, pk):
    plan = get_object_or_404(
        TrainingPlan.objects.visible_to(request.user).prefetch_related(
            Prefetch("items", queryset=TrainingPlanItem.objects.annotate(n_records=Count("records")).order_by("sort_order", "pk"))
        ), pk=pk,
    )
    members = (
        BankEntry.objects.visible_to(request.user).in_bank().in_cohort(plan.cohort).select_related("cadre__unit")
        .order_by("cadre__unit__sort_order", "cadre__name")
    )
    return render(request, "youth_cadres/plan_detail.html", {
        "plan": plan, "members": list(members[:200]), "can_edit": request.user.is_county_staff and not request.user.is_read_only,
    })


@require_http_methods(["GET", "POST"])
def plan_edit(request, pk=None):
    user = request.user
    plan = get_object_or_404(TrainingPlan.objects.visible_to(user), pk=pk) if pk else None
    _require_county_staff(user, "培养计划")
    form = forms.TrainingPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.save_training_plan(plan=form.save(commit=False), by=user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "培养计划已保存。")
            return redirect("youth_cadres:plan_detail", pk=plan.pk)
    back = reverse("youth_cadres:plan_detail", args=[pk]) if pk else reverse("youth_cadres:plan_list")
    return _form_page(request, title="修改培养计划" if pk else "制定培养计划", form=form, back=back, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def plan_item_edit(request, pk, item_pk=None):
    user = request.user
    plan = get_object_or_404(TrainingPlan.objects.visible_to(user), pk=pk)
    item = get_object_or_404(TrainingPlanItem.objects.visible_to(user), pk=item_pk, plan=plan) if item_pk else None
    _require_county_staff(user, "培养计划")
    form = forms.PlanItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.plan = plan
        services.save_plan_item(item=obj, by=user)
        messages.success(request, "培养措施已保存。")
        return redirect("youth_cadres:plan_detail", pk=pk)
    return _form_page(request, title=f"培养措施：{plan}", form=form, back=reverse("youth_cadres:plan_detail", args=[pk]),
                      status=400 if form.errors else 200)


@require_POST
def plan_item_delete(request, pk, item_pk):
    user = request.user
    item = get_object_or_404(TrainingPlanItem.objects.visible_to(user), pk=item_pk, plan_id=pk)
    _require_county_staff(user, "培养计划")
    services.delete_plan_item(item=item, by=user)
    messages.success(request, "已删除培养措施。")
    return redirect("youth_cadres:plan_detail", pk=pk)


# --- career plans -----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def career_edit(request, pk):
    user = request.user
    cadre = _get_cadre(user, pk)
    _require_county_staff(user, "职业发展规划")
    plan = CareerPlan.objects.visible_to(user).filter(cadre=cadre).first()
    form = forms.CareerPlanForm(request.POST or None, instance=plan)
    back = reverse("youth_cadres:cadre_detail", args=[pk]) + "#career"
    if request.method == "POST" and form.is_valid():
        try:
            services.save_career_plan(plan=form.save(commit=False), cadre=cadre, by=user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "职业发展规划已保存。")
            return redirect(back)
    return _form_page(request, title=f"职业发展规划：{cadre.name}", form=form, back=back, cadre=cadre, status=400 if form.errors else 200)


def _get_plan(user, pk) -> CareerPlan:
    return get_object_or_404(CareerPlan.objects.visible_to(user).select_related("cadre__unit__region"), cadre_id=pk)


@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk, milestone_pk=None):
    user = request.user
    plan = _get_plan(user, pk)
    _require_county_staff(user, "职业发展规划")
    milestone = get_object_or_404(CareerMilestone.objects.visible_to(user), pk=milestone_pk, plan=plan) if milestone_pk else None
    form = forms.MilestoneForm(request.POST or None, instance=milestone)
    back = reverse("youth_cadres:cadre_detail", args=[pk]) + "#career"
    if request.method == "POST" and form.is_valid():
        try:
            services.save_milestone(milestone=form.save(commit=False), plan=plan, by=user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "发展节点已保存。")
            return redirect(back)
    return _form_page(request, title=f"发展节点：{plan.cadre.name}", form=form, back=back, cadre=plan.cadre, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def career_review(request, pk):
    user = request.user
    plan = _get_plan(user, pk)
    _require_county_staff(user, "规划回顾")
    form = forms.ReviewForm(request.POST or None)
    back = reverse("youth_cadres:cadre_detail", args=[pk]) + "#career"
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(plan=plan, by=user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已记录年度回顾。")
            return redirect(back)
    note = f"应于 {plan.next_review_due:%Y年%m月%d日} 前回顾。" + ("已逾期。" if plan.review_overdue else "")
    return _form_page(request, title=f"职业发展规划年度回顾：{plan.cadre.name}", form=form, back=back, cadre=plan.cadre,
                      note=note, submit="记录回顾", status=400 if form.errors else 200)


# --- appointment rounds ------------------------------------------------------------------------------------------------


@require_GET
def round_list(request):
    rounds = AppointmentRound.objects.visible_to(request.user).annotate(n=Count("appointments")).order_by("-date", "-pk")
    return render(request, "youth_cadres/round_list.html", {"rounds": list(rounds[:200]), "can_edit": request.user.is_county_staff})


@require_GET
def round_detail(request, pk):
    rnd = get_object_or_404(AppointmentRound.objects.visible_to(request.user), pk=pk)
    appointments = list(
        Appointment.objects.visible_to(request.user).filter(round=rnd).select_related("cadre", "post__unit", "previous_unit").order_by("pk")
    )
    return render(request, "youth_cadres/round_detail.html", {"round": rnd, "appointments": appointments, "can_edit": request.user.is_county_staff})


@require_http_methods(["GET", "POST"])
def round_edit(request, pk=None):
    user = request.user
    rnd = get_object_or_404(AppointmentRound.objects.visible_to(user), pk=pk) if pk else None
    _require_county_staff(user, "任免批次")
    form = forms.RoundForm(request.POST or None, instance=rnd)
    if request.method == "POST" and form.is_valid():
        rnd = services.save_round(round=form.save(commit=False), by=user)
        messages.success(request, "任免批次已保存。")
        return redirect("youth_cadres:round_detail", pk=rnd.pk)
    back = reverse("youth_cadres:round_detail", args=[pk]) if pk else reverse("youth_cadres:round_list")
    return _form_page(request, title="修改任免批次" if pk else "新建任免批次", form=form, back=back, status=400 if form.errors else 200)
