"""Thin views of the retention work: fetch through ``visible_to``, call the workflow,
render or redirect. Object URLs are 404 outside the viewer's scope (a township
officer sees only their township's reserve cadres' care; unit contacts and domain
officers nothing); writes are POST and refused in Chinese to everyone but county staff."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cadre_portal import lists
from cadre_portal.figures import compute, periods, registry
from youth_cadres.retention import filters, forms, tables, workflow
from youth_cadres.retention.models import CareRecord, Demand, DemandAction, DemandTransition, Interview, Measure
from youth_cadres.retention.workflow import AlreadyHandled, NewDemand, WorkflowError

SEES = ("county_staff", "leader", "admin", "township_officer")


def _require_viewer(user):
    """Unit contacts and domain officers see nothing of the retention work (404)."""
    if not (user.is_superuser or user.role in SEES):
        raise Http404("页面不存在")


def _require_writer(user):
    try:
        workflow.check_writer(user)
    except WorkflowError as exc:
        raise PermissionDenied(exc.message) from None


def _cares(user):
    return CareRecord.objects.visible_to(user).with_person()


def _get_care(user, pk) -> CareRecord:
    return get_object_or_404(_cares(user), pk=pk)


def _get_demand(user, pk) -> Demand:
    return get_object_or_404(
        Demand.objects.visible_to(user).select_related("care__cadre__unit__region", "care__candidate__village__parent",
                                                       "category", "owner", "measure", "interview"), pk=pk)


def _form_page(request, *, title, form, back, care=None, submit="保存", note="", status=200):
    return render(request, "youth_cadres/retention/form.html",
                  {"title": title, "form": form, "back": back, "care": care, "submit": submit, "note": note}, status=status)


# --- workbench ---------------------------------------------------------------------------------------


WORKBENCH_FIGURES = [
    "retention.housing_solved", "retention.marriage_solved", "retention.avg_pay_rise",
    "retention.allowance_before", "retention.allowance_after", "retention.retained",
]
WORKBENCH_BREAKDOWNS = ["retention.interviews", "retention.demands", "retention.outcomes"]
PANEL_ROWS = 20


@require_GET
def workbench(request):
    """留才工作台: due this month, overdue, leave intentions, open demands by category
    and owner, measures; and the seed's retention figures for any period."""
    user = request.user
    _require_viewer(user)
    today = date.today()
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    cares = _cares(user).active()
    period, period_errors = periods.from_params(request.GET)
    for error in period_errors:
        messages.warning(request, error)
    open_demands = Demand.objects.visible_to(user).open()
    context = {
        "today": today,
        "due_this_month": list(cares.filter(next_due__gte=today, next_due__lte=month_end).order_by("next_due", "pk")[:PANEL_ROWS]),
        "overdue": list(cares.filter(next_due__lt=today).order_by("next_due", "pk")[:PANEL_ROWS]),
        "leaving": list(cares.filter(intention__in=["wants_to_leave", "asked_transfer"], outcome="").order_by("next_due", "pk")[:PANEL_ROWS]),
        "by_category": list(open_demands.values("category__name", "category__sort_order").annotate(n=Count("pk"))
                            .order_by("category__sort_order", "category__name")),
        "by_owner": list(open_demands.values("owner__full_name", "owner__username").annotate(n=Count("pk"))
                         .order_by("-n", "owner__username")),
        "past_due": list(open_demands.filter(due_on__lt=today).select_related(
            "care__cadre__unit", "care__candidate__village__parent", "category", "owner").order_by("due_on", "pk")[:PANEL_ROWS]),
        "measures": list(Measure.objects.visible_to(user).select_related("category").annotate(n=Count("demands"))[:10]),
        "period": period,
        "period_choices": periods.PRESETS,
        "values": [compute.value(key, user, period) for key in WORKBENCH_FIGURES if registry.find(key)],
        "breakdowns": [compute.breakdown(key, user, period).as_table() | {"label": registry.get(key).label}
                       for key in WORKBENCH_BREAKDOWNS if registry.find(key)],
        "can_write": workflow.can_write(user),
    }
    return render(request, "youth_cadres/retention/workbench.html", context)


# --- lists ---------------------------------------------------------------------------------------------


@require_GET
def care_list(request):
    user = request.user
    _require_viewer(user)
    listing = lists.build(request, queryset=_cares(user), table_class=tables.CareTable,
                          filterset_class=filters.CareFilter, filterset_kwargs={"user": user}, export="retention_care")
    return render(request, "youth_cadres/retention/list.html",
                  {"listing": listing, "title": "留才关怀对象", "can_write": workflow.can_write(user)})


@require_GET
def demand_list(request):
    user = request.user
    _require_viewer(user)
    qs = Demand.objects.visible_to(user).select_related(
        "care__cadre__unit", "care__candidate__village__parent", "category", "owner")
    listing = lists.build(request, queryset=qs, table_class=tables.DemandTable, filterset_class=filters.DemandFilter,
                          filterset_kwargs={"user": user}, export="retention_demands")
    return render(request, "youth_cadres/retention/list.html", {"listing": listing, "title": "个人诉求"})


@require_GET
def interview_list(request):
    user = request.user
    _require_viewer(user)
    qs = Interview.objects.visible_to(user).select_related("care__cadre__unit", "care__candidate__village__parent", "interviewer")
    listing = lists.build(request, queryset=qs, table_class=tables.InterviewTable, filterset_class=filters.InterviewFilter,
                          filterset_kwargs={"user": user}, export="retention_interviews")
    return render(request, "youth_cadres/retention/list.html", {"listing": listing, "title": "留才访谈"})


@require_GET
def measure_list(request):
    user = request.user
    if not user.sees_whole_county:
        raise Http404("页面不存在")
    qs = Measure.objects.visible_to(user).select_related("category")
    listing = lists.build(request, queryset=qs, table_class=tables.MeasureTable, filterset_class=filters.MeasureFilter,
                          filterset_kwargs={"user": user}, export="retention_measures")
    return render(request, "youth_cadres/retention/list.html",
                  {"listing": listing, "title": "留才措施", "can_write": workflow.can_write(user), "add_measure": True})


# --- care records ------------------------------------------------------------------------------------------


def care_history(care, user) -> dict:
    """A person's retention history (the care page, the youth dossier's section and the
    reserves person page): interviews, demands with their notes, transitions — a fixed
    number of queries."""
    interviews = list(care.interviews.select_related("interviewer").order_by("-held_on", "-pk"))
    demands = list(care.demands.select_related("category", "owner", "measure").prefetch_related(
        Prefetch("actions", queryset=DemandAction.objects.order_by("on", "pk"))).order_by("-raised_on", "-pk"))
    transitions = list(care.transitions.select_related("by").order_by("at", "pk"))
    return {"care": care, "interviews": interviews, "demands": demands, "transitions": transitions,
            "can_write": workflow.can_write(user)}


@require_GET
def care_detail(request, pk):
    care = _get_care(request.user, pk)
    return render(request, "youth_cadres/retention/care_detail.html", care_history(care, request.user))


def _person(user, registry_key, person_pk):
    from reserves.models import Candidate
    from youth_cadres.models import Cadre

    model = {"youth": Cadre, "reserves": Candidate}.get(registry_key)
    if model is None:
        raise Http404("页面不存在")
    return get_object_or_404(model.objects.visible_to(user), pk=person_pk)


@require_http_methods(["GET", "POST"])
def care_enrol(request, registry_key, person_pk):
    user = request.user
    person = _person(user, registry_key, person_pk)  # 404 outside the scope before any refusal
    _require_writer(user)
    existing = CareRecord.objects.filter(**{"cadre" if registry_key == "youth" else "candidate": person}).first()
    if existing is not None:
        messages.info(request, f"{person.name}已在留才关怀对象中。")
        return redirect(existing.get_absolute_url())
    back = person.get_absolute_url() if hasattr(person, "get_absolute_url") else reverse("retention:care_list")
    if registry_key == "youth":
        back = reverse("youth_cadres:cadre_detail", args=[person.pk])
    form = forms.EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            care = workflow.enrol(by=user, entered_on=d["entered_on"], interval_months=d["interval_months"],
                                  responsible=d["responsible"], **{"cadre" if registry_key == "youth" else "candidate": person})
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已将{person.name}纳入留才关怀，首次访谈应于{care.next_due:%Y年%m月%d日}前完成。")
            return redirect(care.get_absolute_url())
    return _form_page(request, title=f"纳入留才关怀：{person.name}", form=form, back=back, submit="纳入关怀",
                      status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def care_interval(request, pk):
    user = request.user
    care = _get_care(user, pk)  # 404 outside the scope before any refusal
    _require_writer(user)
    form = forms.IntervalForm(request.POST or None, initial={"interval_months": care.interval_months,
                                                             "responsible": care.responsible_id})
    if request.method == "POST" and form.is_valid():
        try:
            workflow.change_interval(care=care, by=user, **form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已调整访谈周期。")
            return redirect(care.get_absolute_url())
    return _form_page(request, title="调整访谈周期", form=form, back=care.get_absolute_url(), care=care,
                      status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def interview_add(request, pk):
    user = request.user
    care = _get_care(user, pk)  # 404 outside the scope before any refusal
    _require_writer(user)
    form = forms.InterviewForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        demands = []
        if d.get("demand_category"):
            demands.append(NewDemand(category=d["demand_category"], content=d["demand_content"], owner=d["demand_owner"],
                                     due_on=d["demand_due_on"], nature=d.get("demand_nature") or Demand.Nature.INDIVIDUAL))
        try:
            workflow.record_interview(care=care, by=user, held_on=d["held_on"], interviewer=d["interviewer"],
                                      unit_heard=d["unit_heard"], unit_opinion=d["unit_opinion"],
                                      state_of_mind=d["state_of_mind"], intention=d["intention"], demands=demands)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已登记访谈。" + ("诉求已交承办人办理。" if demands else ""))
            return redirect(care.get_absolute_url())
    return _form_page(request, title="登记访谈", form=form, back=care.get_absolute_url(), care=care, submit="登记访谈",
                      status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def demand_add(request, pk):
    user = request.user
    care = _get_care(user, pk)  # 404 outside the scope before any refusal
    _require_writer(user)
    form = forms.DemandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            demand = workflow.raise_demand(care=care, by=user, raised_on=d["raised_on"], item=NewDemand(
                category=d["category"], content=d["content"], owner=d["owner"], due_on=d["due_on"], nature=d["nature"]))
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已登记诉求。")
            return redirect(demand.get_absolute_url())
    return _form_page(request, title="登记诉求", form=form, back=care.get_absolute_url(), care=care,
                      status=400 if form.errors else 200)


OUTCOME_FORMS = {"retain": ("登记为留下", forms.RetainForm), "lose": ("登记为流失", forms.LostForm)}


@require_http_methods(["GET", "POST"])
def care_outcome(request, pk, outcome):
    user = request.user
    care = _get_care(user, pk)  # 404 outside the scope before any refusal
    _require_writer(user)
    if outcome not in OUTCOME_FORMS:
        raise Http404("不支持的操作")
    title, form_class = OUTCOME_FORMS[outcome]
    kwargs = {"user": user} if outcome == "retain" else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if outcome == "retain":
                workflow.record_retained(care=care, by=user, on=d["on"], note=d["note"], measure=d["measure"])
            else:
                workflow.record_lost(care=care, by=user, on=d["on"], destination=d["destination"], note=d["note"])
        except AlreadyHandled as exc:
            messages.warning(request, exc.message)
            return redirect(care.get_absolute_url())
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已{title}。")
            return redirect(care.get_absolute_url())
    return _form_page(request, title=title, form=form, back=care.get_absolute_url(), care=care, submit=title,
                      status=400 if form.errors else 200)


# --- demands -------------------------------------------------------------------------------------------------


@require_GET
def demand_detail(request, pk):
    user = request.user
    demand = _get_demand(user, pk)
    context = {
        "demand": demand, "care": demand.care,
        "actions": list(demand.actions.select_related("by").order_by("on", "pk")),
        "transitions": list(DemandTransition.objects.filter(demand=demand).select_related("by").order_by("at", "pk")),
        "moves": workflow.available_actions(demand, user),
        "can_write": workflow.can_write(user),
    }
    return render(request, "youth_cadres/retention/demand_detail.html", context)


DEMAND_FORMS = {
    "handle": ("开始办理", forms.HandleForm),
    "note": ("登记办理情况", forms.NoteForm),
    "resolve": ("办结：已解决", forms.ResolveForm),
    "refuse": ("办结：无法解决", forms.RefuseForm),
}


@require_http_methods(["GET", "POST"])
def demand_act(request, pk, action):
    user = request.user
    demand = _get_demand(user, pk)  # 404 outside the scope before any refusal
    _require_writer(user)
    if action not in DEMAND_FORMS:
        raise Http404("不支持的操作")
    if not demand.is_open:
        messages.warning(request, f"该诉求已办结（{demand.get_status_display()}）。")
        return redirect(demand.get_absolute_url())
    title, form_class = DEMAND_FORMS[action]
    kwargs = {"demand": demand} if action == "resolve" else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if action == "handle":
                workflow.start_handling(demand=demand, by=user, note=d["note"])
            elif action == "note":
                workflow.add_action(demand=demand, by=user, on=d["on"], note=d["note"])
            elif action == "resolve":
                workflow.resolve(demand=demand, by=user, resolution=d["resolution"], closed_on=d["closed_on"],
                                 pay_rise=d.get("pay_rise"))
            else:
                workflow.refuse(demand=demand, by=user, reason=d["reason"], closed_on=d["closed_on"])
        except AlreadyHandled as exc:
            messages.warning(request, exc.message)
            return redirect(demand.get_absolute_url())
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已办理：{title}。")
            return redirect(demand.get_absolute_url())
    return _form_page(request, title=f"{title}：{demand.care.name}的{demand.category.name}诉求", form=form,
                      back=demand.get_absolute_url(), care=demand.care, submit=title, status=400 if form.errors else 200)


# --- measures ------------------------------------------------------------------------------------------------


@require_GET
def measure_detail(request, pk):
    user = request.user
    measure = get_object_or_404(Measure.objects.visible_to(user).select_related("category", "created_by"), pk=pk)
    demands = list(Demand.objects.visible_to(user).filter(measure=measure).select_related(
        "care__cadre__unit", "care__candidate__village__parent", "category").order_by("pk"))
    return render(request, "youth_cadres/retention/measure_detail.html", {"measure": measure, "demands": demands})


@require_http_methods(["GET", "POST"])
def measure_add(request):
    user = request.user
    _require_writer(user)
    form = forms.MeasureForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            measure = workflow.create_measure(by=user, **d)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已录入措施“{measure.title}”" + (f"，办结诉求 {len(d['demands'])} 件。" if d["demands"] else "。"))
            return redirect(measure.get_absolute_url())
    return _form_page(request, title="录入留才措施", form=form, back=reverse("retention:measure_list"), submit="保存措施",
                      status=400 if form.errors else 200)
