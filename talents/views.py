"""Thin views: fetch through ``visible_to``, call ``talents.services`` or
``talents.workflow``, render or redirect. Another domain's (or township's) record
is a 404; a read-only viewer asking for a writing page gets a 403 that says who
keeps the registry."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from cadre_portal import bounds, identity, lists
from cadre_portal.models import DOMAIN_DEPARTMENTS, Domain
from talents import domains, forms, history, overview as overview_data, services, workflow
from talents.filters import ArtsOrganizationFilter, PlatformFilter, TalentFilter
from talents.models import (
    ArtsOrganization,
    Membership,
    OrgActivity,
    PlanLine,
    Platform,
    RecruitmentPlan,
    Support,
    Talent,
)
from talents.tables import ArtsOrganizationTable, PlatformTable, talent_table_for
from talents.workflow import WorkflowError


def _domain(user, key: str):
    """The domain of a URL: unknown, or another domain for a domain officer, is a 404."""
    if key not in domains.keys() or (user.is_domain_officer and user.domain != key):
        raise Http404
    return domains.get(key)


def _require_editor(user, domain: str) -> None:
    if not workflow.can_edit(user, domain):
        label = Domain(domain).label
        raise PermissionDenied(f"{label}领域人才信息由{DOMAIN_DEPARTMENTS.get(domain, '行业主管部门')}维护，您可以查看。")


def _domain_tabs(user, current: str, url_name: str) -> list[dict]:
    return [{"key": key, "label": label, "active": key == current, "url_name": url_name} for key, label in domains.choices_for(user)]


# --- talents -------------------------------------------------------------------------------------


@require_GET
def index(request):
    """A domain officer's registry, or the five-domain overview for everybody else."""
    if request.user.is_domain_officer:
        return redirect("talents:list", domain=request.user.domain)
    return overview(request)


def _talents(user):
    return Talent.objects.visible_to(user).select_related("category", "unit", "channel")


@require_GET
def talent_list(request, domain):
    d = _domain(request.user, domain)
    listing = lists.build(
        request, queryset=_talents(request.user).filter(domain=domain), table_class=talent_table_for(domain),
        filterset_class=TalentFilter, filterset_kwargs={"user": request.user, "domain": domain}, export=f"talents_{domain}",
    )
    return render(request, "talents/talent_list.html", {
        "listing": listing, "domain": d, "tabs": _domain_tabs(request.user, domain, "talents:list"),
        "can_edit": workflow.can_edit(request.user, domain), "registry_key": f"talents_{domain}",
    })


def talent_create(request, domain):
    d = _domain(request.user, domain)
    _require_editor(request.user, domain)
    form = forms.TalentForm(request.POST or None, user=request.user, domain=domain)
    if request.method == "POST" and form.is_valid():
        try:
            talent = services.create_talent(talent=form.instance, by=request.user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            plan = f"，已计入{talent.plan_line.plan.year}年招引计划" if talent.plan_line_id else ""
            messages.success(request, f"已将 {talent.name} 录入{d.title}{plan}。")
            return redirect("talents:detail", pk=talent.pk)
    return render(request, "talents/talent_form.html", {"form": form, "domain": d, "editing": None})


def _get_talent(user, pk) -> Talent:
    return get_object_or_404(_talents(user).select_related("region__parent", "served_unit", "plan_line__plan", "created_by"), pk=pk)


@require_GET
def talent_detail(request, pk):
    user = request.user
    talent = _get_talent(user, pk)
    d = domains.get(talent.domain)
    memberships = list(
        Membership.objects.visible_to(user).filter(talent=talent).select_related("platform").order_by("left_on", "-joined_on")
    )
    moves = workflow.talent_moves(talent, user)
    context = {
        "t": talent,
        "domain": d,
        "details": talent.detail_rows(),
        "memberships": memberships,
        "supports": list(talent.supports.select_related("recorded_by")) if d.has_supports else None,
        "status_changes": list(talent.status_changes.select_related("by")),
        "history": history.entries(talent, detail_fields=d.fields),
        "moves": [(key, move, forms.StatusForm(prefix=key, reason_required=move.reason_required)) for key, move in moves],
        "can_edit": workflow.can_edit(user, talent.domain),
        "show_full_id": user.role in ("domain_officer", "county_staff", "admin") or user.is_superuser,
        "elsewhere": identity.records_elsewhere(talent.id_number, user, exclude=talent),
    }
    return render(request, "talents/talent_detail.html", context)


def talent_edit(request, pk):
    talent = _get_talent(request.user, pk)
    _require_editor(request.user, talent.domain)
    d = domains.get(talent.domain)
    form = forms.TalentForm(request.POST or None, instance=talent, user=request.user, domain=talent.domain)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_talent(talent=form.instance, by=request.user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{talent.name} 的信息已保存。")
            return redirect("talents:detail", pk=pk)
    return render(request, "talents/talent_form.html", {"form": form, "domain": d, "editing": talent})


@require_POST
def talent_status(request, pk, action):
    talent = _get_talent(request.user, pk)
    move = dict(workflow.talent_moves(talent, request.user)).get(action)
    if move is None:
        _require_editor(request.user, talent.domain)
        messages.warning(request, "该人才当前状态下不能办理此事项，请刷新页面。")
        return redirect("talents:detail", pk=pk)
    form = forms.StatusForm(request.POST, prefix=action, reason_required=move.reason_required)
    if form.is_valid():
        try:
            workflow.change_talent_status(talent_pk=talent.pk, action=action, on=form.cleaned_data["on"],
                                          reason=form.cleaned_data["reason"], by=request.user)
        except workflow.AlreadyHandled as exc:
            messages.warning(request, exc.message)
            return redirect("talents:detail", pk=pk)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已办理：{move.label}。")
            return redirect("talents:detail", pk=pk)
    return render(request, "talents/status_form.html", {"obj": talent, "move": move, "form": form,
                                                         "back": talent, "title": move.label}, status=400)


def support_create(request, pk):
    talent = _get_talent(request.user, pk)
    _require_editor(request.user, talent.domain)
    if not domains.get(talent.domain).has_supports:
        raise PermissionDenied(f"{talent.get_domain_display()}领域不登记扶持情况。")
    form = forms.SupportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_support(talent_pk=talent.pk, support=form.instance, by=request.user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "扶持情况已登记。")
            return redirect("talents:detail", pk=pk)
    return render(request, "talents/simple_form.html", {"form": form, "title": "登记扶持情况", "back": talent,
                                                         "back_url_name": "talents:detail"})


# --- overview --------------------------------------------------------------------------------------


@require_GET
def overview(request):
    """Five-domain overview: counts by domain × category, recruited this year against plan,
    platforms by kind and level, status — each one aggregate query over the viewer's scope."""
    if request.user.role == "unit_contact":
        # A unit contact's scope is one unit of the young-cadre bank: no talent registry
        # (the figures refuse them, and the overview's tables had no columns: a 500).
        raise PermissionDenied("单位干部联络员不查看五域人才。")
    year = date.today().year
    data = overview_data.build(request.user, year)
    if request.user.is_township_officer:
        data["chart"]["planned"] = None
    return render(request, "talents/overview.html", {
        "data": data, "year": year,
        # Plans are county-level: a township officer sees none, so the plan columns would only read "none".
        "show_plans": not request.user.is_township_officer,
    })


# --- platforms -------------------------------------------------------------------------------------


def _platforms(user):
    return Platform.objects.visible_to(user).select_related("host_unit", "leader").annotate(
        members_now=Count("memberships", filter=Q(memberships__left_on__isnull=True)))


@require_GET
def platform_list(request):
    listing = lists.build(request, queryset=_platforms(request.user), table_class=PlatformTable,
                          filterset_class=PlatformFilter, filterset_kwargs={"user": request.user}, export="talent_platforms")
    user = request.user
    can_add = user.is_domain_officer and bool(domains.get(user.domain).platform_kinds)
    return render(request, "talents/platform_list.html", {"listing": listing, "can_add": can_add})


def platform_create(request):
    user = request.user
    if not user.is_domain_officer:
        raise PermissionDenied("人才平台由各行业主管部门录入，您可以查看。")
    if not domains.get(user.domain).platform_kinds:
        raise PermissionDenied(f"{user.get_domain_display()}领域没有需要登记的平台类型。")
    form = forms.PlatformForm(request.POST or None, user=user, domain=user.domain)
    if request.method == "POST" and form.is_valid():
        try:
            platform = services.save_platform(platform=form.instance, served_units=form.cleaned_data["served_units"], by=user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已录入平台：{platform.name}。")
            return redirect("talents:platform_detail", pk=platform.pk)
    return render(request, "talents/platform_form.html", {"form": form, "editing": None})


def _get_platform(user, pk) -> Platform:
    return get_object_or_404(Platform.objects.visible_to(user).select_related("host_unit__region", "leader"), pk=pk)


@require_GET
def platform_detail(request, pk):
    user = request.user
    platform = _get_platform(user, pk)
    can_edit = workflow.can_edit(user, platform.domain)
    memberships = list(
        Membership.objects.visible_to(user).filter(platform=platform)
        .select_related("talent__category", "talent__unit").order_by("left_on", "role", "joined_on", "pk")
    )
    context = {
        "p": platform,
        "current": [m for m in memberships if m.left_on is None],
        "former": [m for m in memberships if m.left_on is not None],
        "served_units": list(platform.served_units.select_related("region")),
        "status_changes": list(platform.status_changes.select_related("by")),
        "history": history.entries(platform),
        "can_edit": can_edit,
        "member_form": forms.MemberForm(user=user, platform=platform) if can_edit and platform.status != Platform.Status.DISSOLVED else None,
        "moves": [(key, move, forms.StatusForm(prefix=key, reason_required=move.reason_required))
                  for key, move in workflow.platform_moves(platform, user)],
        "today": date.today(),
    }
    return render(request, "talents/platform_detail.html", context)


def platform_edit(request, pk):
    user = request.user
    platform = _get_platform(user, pk)
    _require_editor(user, platform.domain)
    form = forms.PlatformForm(request.POST or None, instance=platform, user=user, domain=platform.domain)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_platform(platform=form.instance, served_units=form.cleaned_data["served_units"], by=user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "平台信息已保存。")
            return redirect("talents:platform_detail", pk=pk)
    return render(request, "talents/platform_form.html", {"form": form, "editing": platform})


@require_POST
def member_add(request, pk):
    user = request.user
    platform = _get_platform(user, pk)
    _require_editor(user, platform.domain)
    form = forms.MemberForm(request.POST, user=user, platform=platform)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.add_member(platform_pk=platform.pk, talent_pk=d["talent"].pk, role=d["role"], joined_on=d["joined_on"],
                                note=d["note"], by=user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已将 {d['talent'].name} 加入{platform.name}。")
            return redirect("talents:platform_detail", pk=pk)
    return render(request, "talents/simple_form.html", {"form": form, "title": f"增加成员 · {platform.name}", "back": platform,
                                                         "back_url_name": "talents:platform_detail",
                                                         "action_url": request.path}, status=400)


@require_POST
def member_end(request, pk):
    user = request.user
    membership = get_object_or_404(Membership.objects.visible_to(user).select_related("platform", "talent"), pk=pk)
    _require_editor(user, membership.platform.domain)
    form = forms.EndMembershipForm(request.POST)
    if form.is_valid():
        try:
            services.end_membership(membership_pk=membership.pk, left_on=form.cleaned_data["left_on"], by=user)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记 {membership.talent.name} 退出{membership.platform.name}。")
    else:
        messages.error(request, "请填写有效的退出日期。")
    return redirect("talents:platform_detail", pk=membership.platform_id)


@require_POST
def platform_status(request, pk, action):
    user = request.user
    platform = _get_platform(user, pk)
    move = dict(workflow.platform_moves(platform, user)).get(action)
    if move is None:
        _require_editor(user, platform.domain)
        messages.warning(request, "该平台当前状态下不能办理此事项，请刷新页面。")
        return redirect("talents:platform_detail", pk=pk)
    form = forms.StatusForm(request.POST, prefix=action, reason_required=move.reason_required)
    if form.is_valid():
        try:
            workflow.change_platform_status(platform_pk=platform.pk, action=action, on=form.cleaned_data["on"],
                                            reason=form.cleaned_data["reason"], by=user)
        except workflow.AlreadyHandled as exc:
            messages.warning(request, exc.message)
            return redirect("talents:platform_detail", pk=pk)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已办理：{move.label}。")
            return redirect("talents:platform_detail", pk=pk)
    return render(request, "talents/status_form.html", {"obj": platform, "move": move, "form": form, "title": move.label},
                  status=400)


# --- recruitment plans -----------------------------------------------------------------------------


@require_GET
def plan_list(request):
    """Plan versus actual, per domain and year (one query for the lines, one for the years)."""
    user = request.user
    choices = domains.choices_for(user)
    key = user.domain if user.is_domain_officer else request.GET.get("domain") or choices[0][0]
    d = _domain(user, key)
    summary = services.plan_years(user, key)
    years = [row["year"] for row in summary]
    try:
        year = int(request.GET.get("year") or (years[0] if years else date.today().year))
    except ValueError:
        year = date.today().year
    if not bounds.PLAN_YEAR.contains(year):  # a year no plan can have: ignored like any bad filter
        year = date.today().year
    lines = list(services.plan_lines_for(user, key, year))
    plan = lines[0].plan if lines else RecruitmentPlan.objects.visible_to(user).filter(domain=key, year=year).first()
    unplanned = services.recruited_outside_plan(user, key, year)
    return render(request, "talents/plans.html", {
        "domain": d, "tabs": _domain_tabs(user, key, "talents:plans"), "summary": summary, "year": year, "lines": lines,
        "plan": plan, "unplanned": unplanned, "can_edit": workflow.can_edit(user, key),
        "totals": {"planned": sum(l.planned for l in lines), "actual": sum(l.actual for l in lines)},
    })


def plan_create(request):
    user = request.user
    if not user.is_domain_officer:
        raise PermissionDenied("人才招引计划由各行业主管部门填报，您可以查看。")
    return _plan_form(request, RecruitmentPlan(domain=user.domain), user.domain)


def plan_edit(request, pk):
    plan = get_object_or_404(RecruitmentPlan.objects.visible_to(request.user), pk=pk)
    _require_editor(request.user, plan.domain)
    return _plan_form(request, plan, plan.domain)


def _plan_form(request, plan, domain):
    user = request.user
    form = forms.PlanForm(request.POST or None, instance=plan)
    initial = [{"category": l.category_id, "channel": l.channel_id, "planned": l.planned, "note": l.note}
               for l in plan.lines.all()] if plan.pk else []
    formset = forms.PlanLineFormSet(request.POST or None, initial=initial, prefix="lines", form_kwargs={"domain": domain})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        problems = services.plan_problems(form.instance) if not plan.pk else {}
        if problems:
            for field, message in problems.items():
                form.add_error(field, message)
        else:
            try:
                saved = services.save_plan(plan=form.instance, lines=formset.lines(), by=user)
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{saved}已保存。")
                return redirect(f"{_plans_url()}?year={saved.year}")
    return render(request, "talents/plan_form.html", {"form": form, "formset": formset, "plan": plan,
                                                       "domain": domains.get(domain)})


def _plans_url():
    from django.urls import reverse

    return reverse("talents:plans")


@require_GET
def plan_line_detail(request, pk):
    """The talents recruited against one plan line."""
    line = get_object_or_404(PlanLine.objects.visible_to(request.user).select_related("plan", "category", "channel").with_actual(), pk=pk)
    talents = list(_talents(request.user).filter(plan_line=line).order_by("recruited_on", "pk"))
    return render(request, "talents/plan_line.html", {"line": line, "talents": talents, "domain": domains.get(line.plan.domain)})


# --- arts organizations ------------------------------------------------------------------------------


def _orgs(user):
    return ArtsOrganization.objects.visible_to(user).select_related("region__parent", "responsible_unit").annotate(
        last_activity=Max("activities__date"))


@require_GET
def org_list(request):
    listing = lists.build(request, queryset=_orgs(request.user), table_class=ArtsOrganizationTable,
                          filterset_class=ArtsOrganizationFilter, filterset_kwargs={"user": request.user},
                          export="talent_arts_orgs")
    return render(request, "talents/org_list.html", {"listing": listing, "can_edit": workflow.can_edit(request.user, Domain.CULTURE)})


def org_create(request):
    _require_editor(request.user, Domain.CULTURE)
    form = forms.OrganizationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.save_organization(organization=form.instance, by=request.user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记文艺组织：{org.name}。")
            return redirect("talents:org_detail", pk=org.pk)
    return render(request, "talents/org_form.html", {"form": form, "editing": None})


def _get_org(user, pk) -> ArtsOrganization:
    return get_object_or_404(ArtsOrganization.objects.visible_to(user).select_related("region__parent", "responsible_unit"), pk=pk)


@require_GET
def org_detail(request, pk):
    user = request.user
    org = _get_org(user, pk)
    return render(request, "talents/org_detail.html", {
        "o": org,
        "activities": list(org.activities.select_related("recorded_by")),
        "state_changes": list(org.state_changes.select_related("by")),
        "history": history.entries(org),
        "can_edit": workflow.can_edit(user, org.domain),
        "moves": [(key, move, forms.StatusForm(prefix=key, reason_required=move.reason_required))
                  for key, move in workflow.org_moves(org, user)],
    })


def org_edit(request, pk):
    org = _get_org(request.user, pk)
    _require_editor(request.user, org.domain)
    form = forms.OrganizationForm(request.POST or None, instance=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_organization(organization=form.instance, by=request.user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "文艺组织信息已保存。")
            return redirect("talents:org_detail", pk=pk)
    return render(request, "talents/org_form.html", {"form": form, "editing": org})


def activity_create(request, pk):
    org = _get_org(request.user, pk)
    _require_editor(request.user, org.domain)
    form = forms.ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_activity(organization_pk=org.pk, activity=form.instance, by=request.user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "活动已登记。")
            return redirect("talents:org_detail", pk=pk)
    return render(request, "talents/simple_form.html", {"form": form, "title": "登记活动", "back": org,
                                                         "back_url_name": "talents:org_detail"})


@require_POST
def org_state(request, pk, action):
    user = request.user
    org = _get_org(user, pk)
    move = dict(workflow.org_moves(org, user)).get(action)
    if move is None:
        _require_editor(user, org.domain)
        messages.warning(request, "该组织当前状态下不能办理此事项，请刷新页面。")
        return redirect("talents:org_detail", pk=pk)
    form = forms.StatusForm(request.POST, prefix=action, reason_required=move.reason_required)
    if form.is_valid():
        try:
            workflow.change_org_state(organization_pk=org.pk, action=action, on=form.cleaned_data["on"],
                                      reason=form.cleaned_data["reason"], by=user)
        except workflow.AlreadyHandled as exc:
            messages.warning(request, exc.message)
            return redirect("talents:org_detail", pk=pk)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已办理：{move.label}。")
            return redirect("talents:org_detail", pk=pk)
    return render(request, "talents/status_form.html", {"obj": org, "move": move, "form": form, "title": move.label}, status=400)
