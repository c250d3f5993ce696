"""Thin views: fetch through ``visible_to``, call the workflow or a service, render or redirect."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cadre_portal import identity, lists
from cadre_portal.figures import periods
from cadre_portal.figures import registry as figures_registry
from cadre_portal.models import Region, Role
from cadre_portal.people import name_search_q
from reserves import forms, services, workflow
from reserves import overview as overview_data
from reserves import queues, readiness
from reserves.batch_forms import BatchDecisionForm, ElectionScheduleForm, SeatPlanForm
from reserves.filters import CandidateFilter, PoolFilter, VillageFilterForm
from reserves.tables import CandidateTable, PoolTable, TrainingSessionTable, VillageReadinessTable
from reserves.models import (
    PACE_GRACE_DAYS,
    Attendance,
    Transition,
    REQUIRED_HOURS,
    VILLAGE_MAX,
    VILLAGE_MIN,
    Candidate,
    ElectionSchedule,
    SelectionStandard,
    TrainingSession,
    VillageSeatPlan,
)
from reserves.workflow import WorkflowError

S = Candidate.Stage


def _candidates(user):
    return Candidate.objects.visible_to(user).select_related("village__parent")


def _get(user, pk) -> Candidate:
    return get_object_or_404(_candidates(user), pk=pk)


def _require_officer(user):
    if not user.is_township_officer:
        raise PermissionDenied("推荐由乡镇组织委员填报。")


# --- lists ------------------------------------------------------------------------------------


@require_GET
def candidate_list(request):
    listing = lists.build(
        request, queryset=_candidates(request.user), table_class=CandidateTable, filterset_class=CandidateFilter,
        filterset_kwargs={"user": request.user}, export="reserve_nominations",
    )
    return render(request, "reserves/candidate_list.html", {"listing": listing})


@require_GET
def pool_roster(request):
    """储备库: the pool members, village by village (keyset pages, filters, export)."""
    queryset = _candidates(request.user).filter(stage=S.POOL).select_related("pool_entry")
    listing = lists.build(
        request, queryset=queryset, table_class=PoolTable, filterset_class=PoolFilter,
        filterset_kwargs={"user": request.user}, export="reserve_pool",
    )
    return render(request, "reserves/pool.html", {"listing": listing})


@require_GET
def overview(request):
    """Pipeline overview per township for a period (reserves.overview)."""
    user = request.user
    if user.is_township_officer:
        raise PermissionDenied("工作总览供县委组织部和县领导查看；本乡镇情况见“各村后备干部情况”。")
    if not _sees_reserves(user):
        raise PermissionDenied("您的角色不查看村（社区）后备干部。")
    period, errors = periods.from_params(request.GET)
    for error in errors:
        messages.error(request, error)
    data = overview_data.build(user, period)
    return render(request, "reserves/overview.html", {"o": data, "period": period, "period_choices": periods.PRESETS})


def _sees_reserves(user) -> bool:
    section = figures_registry.section("reserves")
    return section is not None and section.allows(user)


# --- the person -------------------------------------------------------------------------------


@require_GET
def candidate_detail(request, pk):
    user = request.user
    candidate = get_object_or_404(
        _candidates(user).with_projection().prefetch_related(
            Prefetch("transitions", queryset=candidate_transitions()),
            Prefetch("attendances", queryset=_attendances()),
            "mentors", "placements", "party_steps", "promotions", "further_trainings", "election_nominations",
            Prefetch("appraisals", queryset=_appraisals()),
            Prefetch("appointments", queryset=_appointments()),
        ).select_related("nominated_by"),
        pk=pk,
    )
    actions = workflow.available_actions(candidate, user)
    simple_forms = {
        a.key: forms.OpinionForm(required=a.reason_required, label=_OPINION_LABELS.get(a.key, "意见"), prefix=a.key)
        for a in actions if not a.needs_form
    }
    transitions = list(candidate.transitions.all())
    # The county's reason stays in view while the township works on a returned record.
    last_move = next((t for t in reversed(transitions) if t.from_stage != t.to_stage), None)
    returned = last_move is not None and last_move.action in (Transition.Action.RETURN, Transition.Action.FINAL_RETURN)
    pace_judged = candidate.training_start is not None and (candidate.elapsed_days or 0) >= PACE_GRACE_DAYS
    context = {
        "c": candidate,
        "transitions": transitions,
        "last_return": last_move if returned else None,
        "reminders": person_reminders(candidate, user),
        "pace_judged": pace_judged,
        "actions": actions,
        "simple_forms": simple_forms,
        "record_kinds": services.kinds_for(candidate, user),
        "final": getattr(candidate, "final_inspection", None) if _has(candidate, "final_inspection") else None,
        "pool": candidate.pool_entry if _has(candidate, "pool_entry") else None,
        "required_hours": candidate.hours_required or REQUIRED_HOURS,
        "shortfall": max(0.0, (candidate.hours_required or REQUIRED_HOURS) - (candidate.projected_hours or 0)) if pace_judged else None,
        "hours_pct": min(100, int((candidate.hours_done or 0) * 100 / (candidate.hours_required or REQUIRED_HOURS))),
        "elsewhere": identity.records_elsewhere(candidate.id_number, user, exclude=candidate),
        "retention": _retention(candidate, user),
    }
    return render(request, "reserves/candidate_detail.html", context)


def _retention(candidate, user):
    """The retention history (issue 9) of a reserve cadre in training or in the pool."""
    from django.apps import apps

    if not apps.is_installed("youth_cadres.retention"):
        return None
    from youth_cadres.retention.sections import for_candidate

    return for_candidate(candidate, user)


def person_reminders(candidate: Candidate, user, limit: int = 20) -> list:
    """The reminders about this person, in the user's scope: those whose target is
    the person or one of their follow-up visits, the quarterly session reminders of
    their township for sessions inside their cycle (they are expected there), and
    their township's hours-behind and appraisal-season reminders that name them.
    Three queries whatever the number of reminders."""
    from django.contrib.contenttypes.models import ContentType

    from cadre_portal.notifications.models import Reminder
    from cadre_portal.notifications.periods import quarter_key
    from reserves.models import FollowUpVisit as Visit

    types = ContentType.objects.get_for_models(Candidate, Visit, Region)
    q = Q(target_type=types[Candidate], target_id=candidate.pk) | Q(
        target_type=types[Visit], target_id__in=Visit.objects.filter(candidate=candidate).values("pk")
    )
    township = Q(target_type=types[Region], target_id=candidate.village.parent_id)
    if candidate.training_start and candidate.training_end:
        sessions = (
            TrainingSession.objects.filter(date__range=(candidate.training_start, candidate.training_end))
            .filter(Q(for_all=True) | Q(trainees=candidate)).distinct().values_list("pk", "date")
        )
        periods = [f"{quarter_key(day)}-S{pk}" for pk, day in sessions]
        if periods:
            q |= township & Q(kind="training_session", period__in=periods)
        named = f"{candidate.name}（{candidate.village.name}"
        q |= township & Q(kind__in=["hours_behind", "appraisal_season"], body__contains=named)
    return list(Reminder.objects.visible_to(user).filter(q).order_by("-remind_on", "-pk")[:limit])


def candidate_transitions():
    from reserves.models import Transition

    return Transition.objects.select_related("by").order_by("at", "pk")


def _attendances():
    from reserves.models import Attendance

    return Attendance.objects.select_related("session").order_by("session__date")


def _appraisals():
    from reserves.models import Appraisal

    return Appraisal.objects.select_related("grade").order_by("cycle", "year")


def _appointments():
    from reserves.models import Appointment

    return Appointment.objects.select_related("follow_up").order_by("appointed_on")


def _has(obj, attr) -> bool:
    try:
        getattr(obj, attr)
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist of a reverse one-to-one
        return False
    return True


_OPINION_LABELS = {
    "file": "备案意见（可不填）",
    "return": "退回理由",
    "reject": "不予备案理由",
    "final_file": "审核备案意见（可不填）",
    "final_return": "退回理由",
    "remove": "移出理由",
    "withdraw": "退出理由",
    "continue": "意见（可不填）",
    "end": "不再作为后备干部的理由",
}


def _village_counts_json(user):
    villages = Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE)
    counts = workflow.village_counts(villages)
    return {str(pk): {"active": row["active"], "drafts": row["drafts"]} for pk, row in counts.items()}


def candidate_create(request):
    _require_officer(request.user)
    form = forms.NominationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = workflow.create_draft(candidate=form.instance, by=request.user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存 {candidate.name} 的推荐（草稿）。请录入考察测评结果后提交县委组织部。")
            return redirect("reserves:detail", pk=candidate.pk)
    return render(request, "reserves/nomination_form.html", {"form": form, "counts": _village_counts_json(request.user), "editing": None})


def candidate_edit(request, pk):
    _require_officer(request.user)
    candidate = _get(request.user, pk)
    if not candidate.is_editable:
        messages.warning(request, f"{candidate.stage_sentence}，已不能修改。")
        return redirect("reserves:detail", pk=pk)
    form = forms.NominationForm(request.POST or None, instance=candidate, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.save_draft(candidate=form.instance, by=request.user)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "推荐信息已保存。")
            return redirect("reserves:detail", pk=pk)
    return render(request, "reserves/nomination_form.html", {"form": form, "counts": _village_counts_json(request.user), "editing": candidate})


def inspection_edit(request, pk):
    _require_officer(request.user)
    candidate = _get(request.user, pk)
    initial = {
        "inspection_date": candidate.inspection_date, "inspectors": candidate.inspectors,
        "result": candidate.inspection_result, "opinion": candidate.inspection_opinion,
        "standard": candidate.inspection_standard_id,
    } if candidate.inspection_recorded else None
    form = forms.InspectionForm(request.POST or None, initial=initial, criteria=candidate.criteria)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            workflow.record_inspection(
                candidate=candidate, by=request.user, inspection_date=d["inspection_date"], inspectors=d["inspectors"],
                result=d["result"], opinion=d["opinion"], criteria=form.criteria(), standard=d["standard"],
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "考察测评结果已保存。")
            return redirect("reserves:detail", pk=pk)
    return render(request, "reserves/simple_form.html", {"c": candidate, "form": form, "title": "乡镇集中考察、测评", "action_url": request.path})


# --- transitions ------------------------------------------------------------------------------

_ACTION_FORMS = {
    "override": lambda data, c: forms.OverrideForm(data),
    "final_inspect": lambda data, c: forms.FinalInspectionForm(data),
    "committee": lambda data, c: forms.CommitteeForm(data),
    "admit": lambda data, c: forms.AdmitForm(data),
    "appoint": lambda data, c: forms.AppointForm(data),
    "first_choice": lambda data, c: forms.FirstChoiceForm(data),
    "election": lambda data, c: forms.ElectionResultForm(data, nomination=workflow.pending_election(c)),
    "follow_up": lambda data, c: forms.FollowUpForm(data, instance=_pending_visit(c)),
}


def _pending_visit(candidate):
    return candidate.follow_ups.select_related("appointment").filter(visited_on__isnull=True).order_by("due_date").first()


def _action_form(key, data, candidate, reason_required=False):
    if key in _ACTION_FORMS:
        return _ACTION_FORMS[key](data, candidate)
    return forms.OpinionForm(data, required=reason_required, label=_OPINION_LABELS.get(key, "意见"), prefix=key)


def _perform(key, c, user, d):
    """Call the workflow function for ``key`` with the cleaned form data."""
    w = workflow
    if key == "file":
        return w.file_nomination(candidate=c, by=user, opinion=d["opinion"])
    if key == "return":
        return w.return_nomination(candidate=c, by=user, reason=d["opinion"])
    if key == "reject":
        return w.reject_nomination(candidate=c, by=user, reason=d["opinion"])
    if key == "override":
        return w.grant_override(candidate=c, by=user, reason=d["reason"], cycle=d["cycle"], grade=d["grade"])
    if key == "final_inspect":
        return w.record_final_inspection(candidate=c, by=user, **d)
    if key == "committee":
        return w.record_committee_decision(
            candidate=c, by=user, committee_date=d["committee_date"], opinion=d["opinion"], decision=d["decision"]
        )
    if key == "final_file":
        return w.file_final_inspection(candidate=c, by=user, opinion=d["opinion"])
    if key == "final_return":
        return w.return_final_inspection(candidate=c, by=user, reason=d["opinion"])
    if key == "admit":
        return w.admit_to_pool(candidate=c, by=user, **d)
    if key == "remove":
        return w.remove_from_pool(candidate=c, by=user, reason=d["opinion"])
    if key == "withdraw":
        return w.withdraw(candidate=c, by=user, reason=d["opinion"])
    if key == "appoint":
        return w.appoint(candidate=c, by=user, **d)
    if key == "continue":
        return w.continue_training(candidate=c, by=user, opinion=d["opinion"])
    if key == "end":
        return w.end_reserve(candidate=c, by=user, reason=d["opinion"])
    if key == "first_choice":
        return w.nominate_first_choice(candidate=c, by=user, **d)
    if key == "election":
        return w.record_election_result(
            candidate=c, by=user, elected=d["outcome"] == "elected", election_date=d["election_date"], post=d["post"],
            note=d["note"],
        )
    if key == "follow_up":
        visit = c.follow_ups.filter(visited_on__isnull=True).order_by("due_date").first()
        if visit is None:
            raise workflow.AlreadyHandled("该人员的回访已录入。")
        return w.record_follow_up(visit=visit, by=user, **d)
    raise PermissionDenied("不支持的操作。")


def _allowed_action(candidate, user, key):
    if user.is_read_only:
        raise PermissionDenied("县领导账号为只读，不能办理业务。")
    action = next((a for a in workflow.available_actions(candidate, user) if a.key == key), None)
    if action is None:
        raise PermissionDenied("您不能对该人员办理此事项（阶段或权限不符）。")
    return action


@require_GET
def action_form(request, pk, action):
    candidate = _get(request.user, pk)
    if action == "submit":
        return redirect(reverse("reserves:submission") + f"#village-{candidate.village_id}")
    allowed = _allowed_action(candidate, request.user, action)
    form = _action_form(action, None, candidate, allowed.reason_required)
    return render(request, "reserves/action_form.html", _action_context(candidate, form, allowed))


def _action_for_post(candidate, user, key):
    """The action a POST asks for. Role and scope are checked here; the stage is left to
    the workflow function, which locks the record before checking it — so the loser of
    a race is told "已由他人办理", never "阶段或权限不符" from a stale read here."""
    if user.is_read_only:
        raise PermissionDenied("县领导账号为只读，不能办理业务。")
    move = workflow.ALLOWED.get(key)
    if move is None or key == "submit" or user.role not in move.roles:
        raise PermissionDenied("您不能对该人员办理此事项（阶段或权限不符）。")
    action = next((a for a in workflow.available_actions(candidate, user) if a.key == key), None)
    if action is not None:
        return action
    if workflow.handled_by_someone_else(candidate, key, user):
        raise workflow.AlreadyHandled(f"{candidate.stage_sentence}，此事项已由他人办理，请刷新页面。")
    raise PermissionDenied("您不能对该人员办理此事项（阶段或权限不符）。")


@require_POST
def action_perform(request, pk, action):
    candidate = _get(request.user, pk)
    try:
        allowed = _action_for_post(candidate, request.user, action)
    except workflow.AlreadyHandled as exc:
        messages.warning(request, exc.message)
        return redirect("reserves:detail", pk=pk)
    form = _action_form(action, request.POST, candidate, allowed.reason_required)
    if form.is_valid():
        try:
            _perform(action, candidate, request.user, form.cleaned_data)
        except workflow.AlreadyHandled as exc:
            messages.warning(request, exc.message)
            return redirect("reserves:detail", pk=pk)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已办理：{allowed.label}。")
            return redirect("reserves:detail", pk=pk)
    return render(request, "reserves/action_form.html", _action_context(candidate, form, allowed), status=400)


def _action_context(candidate, form, action) -> dict:
    context = {"c": candidate, "form": form, "action": action}
    if action.key == "override":  # what the county is being asked to waive
        context["guard"] = workflow.final_inspection_blockers(candidate)
    return context


# --- records ------------------------------------------------------------------------------------


def record_add(request, pk, kind):
    candidate = _get(request.user, pk)
    if kind not in services.RECORD_KINDS:
        raise PermissionDenied("不支持的登记事项。")
    try:
        record_kind = services.check_record(candidate, request.user, kind)
    except WorkflowError as exc:
        raise PermissionDenied(exc.message) from None
    instance = candidate if record_kind.on_candidate else None
    form = record_kind.form(request.POST if request.method == "POST" else None, instance=instance, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_record(candidate=candidate, by=request.user, key=kind, form=form)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记：{record_kind.label}。")
            return redirect("reserves:detail", pk=pk)
    return render(request, "reserves/simple_form.html", {"c": candidate, "form": form, "title": f"登记{record_kind.label}", "action_url": request.path})


# --- the county's selection standard ------------------------------------------------------------


def standards(request):
    """The published selection standard, every version (all reserves users read it); county
    staff record a new version here."""
    user = request.user
    if not (_sees_reserves(user) or user.is_township_officer or user.is_county_staff):
        raise PermissionDenied("您的角色不查看村（社区）后备干部。")
    form = None
    if user.is_county_staff:
        form = forms.SelectionStandardForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                standard = services.publish_standard(form=form, by=user)
            except WorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已登记选拔标准 {standard.version}。")
                return redirect("reserves:standards")
    elif request.method == "POST":
        raise PermissionDenied("选拔标准由县委组织部干部登记发布。")
    rows = list(SelectionStandard.objects.select_related("published_by"))
    current = SelectionStandard.current()
    return render(request, "reserves/standards.html", {"standards": rows, "current": current, "form": form},
                  status=400 if form is not None and form.errors else 200)


@require_GET
def standard_attachment(request, pk):
    if not (_sees_reserves(request.user) or request.user.is_township_officer or request.user.is_county_staff):
        raise PermissionDenied("您的角色不查看村（社区）后备干部。")
    standard = get_object_or_404(SelectionStandard.objects.exclude(attachment=""), pk=pk)
    try:
        handle = standard.attachment.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    name = standard.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=f"{standard.title}（{standard.version}）{name[name.rfind('.'):]}")


# --- submission of a village's list ---------------------------------------------------------------


def _ready(user, village):
    return (
        Candidate.objects.visible_to(user)
        .filter(village=village, stage__in=Candidate.EDITABLE_STAGES)
        .order_by("name", "pk")
    )


@require_GET
def submission(request):
    """The officer's township, village by village: 3–7 counter and the drafts to submit."""
    _require_officer(request.user)
    villages = list(Region.objects.visible_to(request.user).filter(level=Region.Level.VILLAGE).order_by("path"))
    counts = workflow.village_counts(villages)
    pending = {}
    for c in Candidate.objects.visible_to(request.user).filter(stage__in=Candidate.EDITABLE_STAGES).order_by("name", "pk"):
        pending.setdefault(c.village_id, []).append(c)
    rows = [
        {"village": v, "active": counts.get(v.pk, {}).get("active", 0), "pending": pending.get(v.pk, [])}
        for v in villages
    ]
    return render(request, "reserves/submission.html", {"rows": rows, "vmin": VILLAGE_MIN, "vmax": VILLAGE_MAX})


@require_POST
def submit_village(request, village_pk):
    _require_officer(request.user)
    village = get_object_or_404(Region.objects.visible_to(request.user).filter(level=Region.Level.VILLAGE), pk=village_pk)
    form = forms.SubmitForm(request.POST, queryset=_ready(request.user, village))
    if form.is_valid():
        try:
            rows = workflow.submit_nominations(candidates=list(form.cleaned_data["candidates"]), by=request.user, reason=form.cleaned_data["reason"])
        except workflow.WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已将{village.name} {len(rows)} 人提交县委组织部审查备案。")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("reserves:submission") + f"#village-{village.pk}")


# --- training ----------------------------------------------------------------------------------------


@require_GET
def training_list(request):
    listing = lists.build(
        request, queryset=TrainingSession.objects.all(), table_class=TrainingSessionTable,
        table_kwargs={"user": request.user}, per_page=30,
    )
    trainees = Candidate.objects.visible_to(request.user).training()
    behind = trainees.filter(hours_behind_from__lte=date.today()).count()
    return render(request, "reserves/training_list.html", {"listing": listing, "behind": behind, "in_training": trainees.count()})


def training_create(request):
    if not request.user.is_county_staff:
        raise PermissionDenied("集中培训由县委组织部安排。")
    form = forms.TrainingSessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.created_by = request.user
        session.save()
        form.save_m2m()
        messages.success(request, "培训已创建，请登记出勤。")
        return redirect("reserves:training_detail", pk=session.pk)
    trainees = form.fields["trainees"].queryset.select_related("village__parent").order_by("village__path", "name_pinyin", "pk")
    selected = {str(v) for v in (request.POST.getlist("trainees") if request.method == "POST" else [])}
    groups = []
    for c in trainees:
        if not groups or groups[-1]["village"].pk != c.village_id:
            groups.append({"village": c.village, "people": []})
        groups[-1]["people"].append(c)
    townships = sorted({c.village.parent for c in trainees if c.village.parent_id}, key=lambda t: t.path)
    return render(request, "reserves/training_form.html", {
        "form": form, "groups": groups, "selected": selected, "townships": townships, "trainee_count": len(trainees),
    })


def _session_trainees(user, session):
    qs = (
        Candidate.objects.visible_to(user).training()
        .filter(training_start__lte=session.date, training_end__gte=session.date)  # the session falls in their cycle
        .select_related("village__parent").order_by("village__path", "name_pinyin", "pk")
    )
    if not session.for_all:
        qs = qs.filter(invited_sessions=session)
    return qs


ATTENDANCE_BLOCKS_MAX = 150  # above this many trainees a county-wide viewer picks a township first


def _attendance_filters(request):
    """township / village / q / missing from the query string, validated against the scope."""
    user = request.user
    regions = Region.objects.visible_to(user)
    township = village = None
    if user.sees_whole_county and _int(request.GET.get("township")):
        township = regions.filter(level=Region.Level.TOWNSHIP, pk=_int(request.GET.get("township"))).first()
    if _int(request.GET.get("village")):
        village = regions.filter(level=Region.Level.VILLAGE, pk=_int(request.GET.get("village"))).first()
        if village is not None and township is not None and village.parent_id != township.pk:
            village = None
    q = (request.GET.get("q") or "").strip()[:40]
    return township, village, q, request.GET.get("missing") == "1"


@require_GET
def training_detail(request, pk):
    """The attendance page: trainees in blocks by village, filtered by township, village
    and name, each block saved on its own; a county-wide viewer of a large county first
    picks a township from the per-township summary."""
    user = request.user
    session = get_object_or_404(TrainingSession, pk=pk)
    township, village, q, missing = _attendance_filters(request)
    everyone = _session_trainees(user, session)
    records = {
        pk: (status, hours, reason) for pk, status, hours, reason in
        Attendance.objects.filter(session=session, candidate__in=everyone).values_list("candidate_id", "status", "hours", "leave_reason")
    }
    present = {pk for pk, (status, _h, _r) in records.items() if status in Attendance.ATTENDED}
    trainees = everyone
    if township is not None:
        trainees = trainees.filter(village__parent=township)
    if village is not None:
        trainees = trainees.filter(village=village)
    if q:
        trainees = trainees.filter(name_search_q(q))
    if missing:
        trainees = trainees.exclude(pk__in=list(records))
    filtered = township is not None or village is not None or bool(q) or missing
    total = everyone.count()
    summary = None
    blocks = []
    if user.sees_whole_county and not filtered and total > ATTENDANCE_BLOCKS_MAX:
        summary = _attendance_summary(everyone, present)
    else:
        for c in trainees:
            c.attendance = records.get(c.pk)  # (status, hours, leave reason) or None
            if not blocks or blocks[-1]["village"].pk != c.village_id:
                blocks.append({"village": c.village, "people": []})
            blocks[-1]["people"].append(c)
        for block in blocks:
            block["present"] = sum(1 for c in block["people"] if c.pk in present)
    can_edit = (user.is_county_staff or user.is_township_officer) and not user.is_read_only
    townships = Region.objects.visible_to(user).filter(level=Region.Level.TOWNSHIP).order_by("path") if user.sees_whole_county else []
    villages = Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE).order_by("path")
    if township is not None:
        villages = villages.filter(parent=township)
    return render(request, "reserves/training_detail.html", {
        "session": session, "blocks": blocks, "present": present, "can_edit": can_edit, "summary": summary,
        "total_eligible": total, "total_present": len(present), "shown": sum(len(b["people"]) for b in blocks),
        "total_leave": sum(1 for status, _h, _r in records.values() if status == Attendance.Status.LEAVE),
        "townships": townships, "villages": villages, "f_township": township, "f_village": village, "f_q": q,
        "f_missing": missing, "query": request.GET.urlencode(),
    })


def _attendance_summary(trainees, present) -> list[dict]:
    """Per township: trainees expected at the session and how many are recorded."""
    rows = trainees.order_by().values("village__parent_id", "village__parent__name", "village__parent__path").annotate(n=Count("pk"))
    recorded = dict(
        trainees.filter(pk__in=present).order_by().values("village__parent_id").annotate(n=Count("pk"))
        .values_list("village__parent_id", "n")
    )
    return [
        {"pk": r["village__parent_id"], "name": r["village__parent__name"], "eligible": r["n"], "present": recorded.get(r["village__parent_id"], 0)}
        for r in sorted(rows, key=lambda r: r["village__parent__path"])
    ]


@require_POST
def attendance_save(request, pk):
    """Save one block (a village) of the attendance page. Taking attendance away from
    people who had it is shown first and needs a confirmation."""
    user = request.user
    session = get_object_or_404(TrainingSession, pk=pk)
    eligible = _session_trainees(user, session)
    shown = {int(x) for x in request.POST.getlist("shown") if x.isdigit()}
    form = forms.AttendanceForm(request.POST, queryset=eligible)
    back = reverse("reserves:training_detail", args=[pk]) + ("?" + request.POST.get("query", "") if request.POST.get("query") else "")
    if not form.is_valid() or not shown or not set(eligible.filter(pk__in=shown).values_list("pk", flat=True)) == shown:
        messages.error(request, "所选人员有误（可能已不在培养期或名单已变化），请刷新页面后重试。")
        return redirect(back)
    ticked = list(form.cleaned_data["candidates"])
    if {c.pk for c in ticked} - shown:
        messages.error(request, "所选人员不在本次保存的名单中，请刷新页面后重试。")
        return redirect(back)
    had = set(Attendance.objects.filter(session=session, candidate_id__in=shown, status__in=Attendance.ATTENDED).values_list(
        "candidate_id", flat=True))
    removing = had - {c.pk for c in ticked}
    block = request.POST.get("block_name", "")
    if removing and request.POST.get("confirm_removal") != "1":
        return render(request, "reserves/attendance_confirm.html", {
            "session": session, "removing": eligible.filter(pk__in=removing).order_by("name_pinyin"),
            "ticked": ticked, "shown": sorted(shown), "query": request.POST.get("query", ""), "block_name": block,
            "block": request.POST.get("block", ""),
        })
    try:
        added = workflow.record_attendance(session=session, candidates=ticked, by=user, replace=True, within=shown)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        text = f"{block}：到课 {len(ticked)} 人（新登记 {added} 人" + (f"，移除 {len(removing)} 人" if removing else "") + "）。"
        messages.success(request, text)
    return redirect(back + (f"#block-{request.POST.get('block')}" if request.POST.get("block") else ""))


def attendance_person(request, pk, candidate_pk):
    """One trainee's attendance at one session: present, partial (hours attended) or on
    leave (with the reason)."""
    user = request.user
    if user.is_read_only or not (user.is_county_staff or user.is_township_officer):
        raise PermissionDenied("培训出勤由县委组织部干部或乡镇组织委员登记。")
    session = get_object_or_404(TrainingSession, pk=pk)
    candidate = get_object_or_404(_session_trainees(user, session), pk=candidate_pk)
    current = Attendance.objects.filter(session=session, candidate=candidate).first()
    initial = {"status": current.status, "hours": current.hours, "reason": current.leave_reason} if current else None
    form = forms.AttendancePersonForm(request.POST or None, initial=initial, session=session)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            workflow.set_attendance(session=session, candidate=candidate, by=user, status=d["status"], hours=d.get("hours"),
                                    reason=d.get("reason", ""))
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记{candidate.name}的出勤：{Attendance.Status(d['status']).label}。")
            return redirect(reverse("reserves:training_detail", args=[pk]) + f"?village={candidate.village_id}#block-{candidate.village_id}")
    return render(request, "reserves/simple_form.html", {
        "c": candidate, "form": form, "title": f"{session.date:%Y.%m.%d} {session.topic}：出勤情况", "action_url": request.path,
    }, status=400 if request.method == "POST" else 200)


# --- villages: readiness for the next 换届 ------------------------------------------------------------


def _village_listing(request):
    user = request.user
    if not _sees_reserves(user):
        raise PermissionDenied("您的角色不查看村（社区）后备干部。")
    form = VillageFilterForm(request.GET or None, user=user)
    township = form.value("township") if "township" in form.fields else None
    data = readiness.build(user, township=township)
    rows = form.apply(data.rows)
    query = lists.export_query(request.GET)
    export_url = reverse("reserves:villages_export") + ("?" + query if query else "")
    listing = lists.build_rows(request, rows=rows, table_class=VillageReadinessTable, form=form, export_url=export_url)
    return listing, data


@require_GET
def villages(request):
    """各村后备干部情况: every village's reserves, pool, next 换届 and readiness verdict."""
    listing, data = _village_listing(request)
    return render(request, "reserves/villages.html", {
        "listing": listing, "data": data, "max_villages": readiness.MAX_VILLAGES_SHOWN,
        "fallback_election": readiness.default_election(),
    })


@require_GET
def villages_export(request):
    """The per-village table as shown (same filters and sort), as Excel. Numbers only."""
    from cadre_portal.audit import record
    from cadre_portal.dashboards.exports import XLSX, table_workbook
    from cadre_portal.figures.periods import preset
    from cadre_portal.figures.views import _scope_name
    from django.http import HttpResponse
    from urllib.parse import quote

    listing, _data = _village_listing(request)
    header = ["乡镇", "村（社区）", "在册", "待审查", "培养中", "学时落后", "期满考察中", "储备库", "下次换届日期", "换届日期来源",
              "预计空缺岗位", "空缺岗位", "换届人选准备", "换届前可入库"]
    rows = [
        [r.township_name, r.village.name, r.active, r.submitted, r.training, r.behind, r.end_of_cycle, r.pool,
         f"{r.next_election:%Y-%m-%d}", r.election_source, r.vacancies, r.posts if r.vacancies_entered else "未填报（按默认测算）",
         r.verdict_label, r.coming]
        for r in listing.records
    ]
    title = "各村（社区）后备干部和换届人选准备情况"
    content = table_workbook(title=title, table={"header": header, "rows": rows}, period=preset("this_year"),
                             scope=_scope_name(request.user))
    record("export", user=request.user, request=request, summary=f"导出{title} {len(rows)} 个村（社区）",
           registry="reserve_villages", rows=len(rows), filters=lists.export_query(request.GET))
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{title}-{date.today():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def election_schedule(request):
    """County staff set the next 换届 date for the county and, where different, a township."""
    user = request.user
    if not user.is_county_staff:
        raise PermissionDenied("换届时间由县委组织部设置。")
    county = user.region
    townships = Region.objects.visible_to(user).filter(level=Region.Level.TOWNSHIP, parent=county).order_by("path")
    current = dict(ElectionSchedule.objects.filter(region__path__startswith=county.path).values_list("region_id", "next_election"))
    form = ElectionScheduleForm(request.POST or None, county=county, townships=townships, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            n = readiness.set_election_dates(by=user, dates=form.dates())
        except readiness.ReadinessError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"换届时间已保存（{n} 处变更）。" if n else "换届时间没有变化。")
            return redirect("reserves:villages")
    return render(request, "reserves/election_schedule.html", {"form": form, "fallback": readiness.default_election()})


def seat_plans(request):
    """A township's villages: posts expected to fall vacant at the next 换届 (one block, one save)."""
    user = request.user
    if user.is_township_officer:
        township = user.region
    elif user.is_county_staff:
        township = get_object_or_404(
            Region.objects.visible_to(user).filter(level=Region.Level.TOWNSHIP), pk=_int(request.GET.get("township"))
        ) if request.GET.get("township") else None
    else:
        raise PermissionDenied("换届空缺岗位由乡镇组织委员或县委组织部干部填报。")
    townships = Region.objects.visible_to(user).filter(level=Region.Level.TOWNSHIP).order_by("path")
    form = None
    if township is not None:
        villages_qs = Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE, parent=township).order_by("path")
        current = {p.village_id: p for p in VillageSeatPlan.objects.visible_to(user).filter(village__parent=township)}
        form = SeatPlanForm(request.POST or None, villages=villages_qs, current=current)
        if request.method == "POST" and form.is_valid():
            try:
                n = readiness.set_seat_plans(by=user, township=township, plans=form.plans())
            except readiness.ReadinessError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已保存{township.name}的换届空缺岗位（{n} 个村（社区）有变更）。" if n else "没有变化。")
                return redirect(reverse("reserves:villages") + (f"?township={township.pk}" if user.sees_whole_county else ""))
    elif request.method == "POST":
        raise PermissionDenied("请先选择乡镇。")
    return render(request, "reserves/seat_plans.html", {"form": form, "township": township, "townships": townships})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- review queues and village batches -----------------------------------------------------------------


def _queue(request, key):
    queue = queues.QUEUES.get(key)
    if queue is None:
        raise Http404
    if not queue.allows(request.user):
        raise PermissionDenied(f"“{queue.title}”由{'、'.join(Role(r).label for r in queue.roles)}办理。")
    return queue


@require_GET
def review_queue(request, queue):
    """The villages waiting in a queue, township by township, each opening its batch page."""
    q = _queue(request, queue)
    rows = q.villages(request.user)
    return render(request, "reserves/review_queue.html", {
        "queue": q, "rows": rows, "total": sum(r["count"] for r in rows), "queues": queues.for_user(request.user),
    })


def review_village(request, queue, village_pk):
    """One village's list in a queue, decided in one batch (all or none); then the next village."""
    q = _queue(request, queue)
    user = request.user
    village = get_object_or_404(Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE), pk=village_pk)
    people = list(q.people(user, village).select_related("final_inspection") if q.key != "nominations" else q.people(user, village))
    form = BatchDecisionForm(request.POST or None, queue=q, people=people)
    refused = {}
    if request.method == "POST" and form.is_valid():
        try:
            rows = workflow.run_batch(items=form.items(), by=user, title=f"{village.full_name()}{q.title}")
        except workflow.BatchRefused as exc:
            refused = {c.pk: message for c, message in exc.reasons}
            form.add_error(None, exc.message)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{village.full_name()}：已办理 {len(rows)} 人。")
            following = q.next_village(user, after=village)
            if following is not None:
                return redirect("reserves:review_village", queue=q.key, village_pk=following.pk)
            messages.info(request, f"“{q.title}”已全部办理完毕。")
            return redirect("reserves:review_queue", queue=q.key)
    if not people and request.method == "GET":
        messages.info(request, f"{village.name}没有待{q.title}的人员。")
        following = q.next_village(user, after=village)
        return redirect("reserves:review_village", queue=q.key, village_pk=following.pk) if following else redirect(
            "reserves:review_queue", queue=q.key)
    waiting = q.villages(user)
    position = next((i for i, row in enumerate(waiting) if row["village"].pk == village.pk), None)
    following = q.next_village(user, after=village)
    active = Candidate.objects.visible_to(user).filter(village=village, stage__in=Candidate.ACTIVE_STAGES).count()
    return render(request, "reserves/review_village.html", {
        "queue": q, "village": village, "form": form, "refused": refused, "people": people,
        "position": (position + 1) if position is not None else None, "waiting": len(waiting),
        "next_village": following, "active": active, "vmin": VILLAGE_MIN, "vmax": VILLAGE_MAX,
    }, status=400 if request.method == "POST" else 200)


@require_GET
def review_index(request):
    """The first review queue of the user's role (the menu entry)."""
    available = queues.for_user(request.user)
    if not available:
        raise PermissionDenied("您的角色没有需要批量办理的事项。")
    return redirect("reserves:review_queue", queue=available[0].key)
