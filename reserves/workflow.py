"""The only code that changes a reserve cadre's stage.

``ALLOWED`` declares every move: from which stages, to which stage, by which
role. Each business verb below is one function with keyword-only arguments
that runs in one transaction, re-reads the candidate under a row lock
(``select_for_update``; on SQLite the IMMEDIATE transaction mode of the settings
queues writers instead), checks role, scope, stage and the business rules,
saves only the changed fields, writes a ``Transition`` row and an audit entry,
and leaves side effects (notifications) to ``transaction.on_commit``.

A refusal is a ``WorkflowError`` with a Chinese message for the user;
``AlreadyHandled`` (a subclass) means someone else moved the record first.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cadre_portal import audit
from cadre_portal.bulk import build, bulk_insert_with_history
from cadre_portal.models import AuditEvent, Region, Role
from cadre_portal.notifications import outbox
from cadre_portal.scope import region_in_scope
from reserves.models import (
    CYCLE_YEARS,
    RATINGS,
    REQUIRED_HOURS,
    SELECTION_CRITERIA,
    TWO_COMMITTEE_POSTS,
    VILLAGE_MAX,
    VILLAGE_MIN,
    Appointment,
    Attendance,
    Candidate,
    ElectionNomination,
    FinalInspection,
    FollowUpVisit,
    PartyDevelopment,
    FurtherTraining,
    PoolEntry,
    SelectionStandard,
    TrainingSession,
    Transition,
    add_months,
    further_training_hours,
    further_training_months,
)

Stage = Candidate.Stage
Action = Transition.Action
TOWNSHIP = (Role.TOWNSHIP_OFFICER,)
COUNTY = (Role.COUNTY_STAFF,)


class WorkflowError(Exception):
    """A refused action; ``str(error)`` is the message for the user."""

    already_handled = False

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AlreadyHandled(WorkflowError):
    """The record already moved on (someone else acted first)."""

    already_handled = True


@dataclass(frozen=True)
class Move:
    label: str
    from_stages: tuple[str, ...]
    to_stage: str | None  # None: stays where it is
    roles: tuple[str, ...]
    style: str = "primary"
    needs_form: bool = True  # a page with more fields than an opinion


ALLOWED: dict[str, Move] = {
    Action.SUBMIT: Move("提交县委组织部审查备案", (Stage.DRAFT, Stage.RETURNED), Stage.SUBMITTED, TOWNSHIP),
    Action.FILE: Move("审查备案，纳入培养序列", (Stage.SUBMITTED,), Stage.TRAINING, COUNTY, "success", False),
    Action.RETURN: Move("退回乡镇修改", (Stage.SUBMITTED,), Stage.RETURNED, COUNTY, "warning", False),
    Action.REJECT: Move("不予备案", (Stage.SUBMITTED,), Stage.REJECTED, COUNTY, "danger", False),
    Action.OVERRIDE: Move("特别准予综合考察", (Stage.TRAINING,), None, COUNTY, "secondary"),
    Action.FINAL_INSPECT: Move("录入综合考察和使用意见", (Stage.TRAINING,), Stage.FINAL_INSPECTED, TOWNSHIP),
    Action.COMMITTEE: Move("录入乡镇党委审议结果", (Stage.FINAL_INSPECTED,), Stage.COMMITTEE_APPROVED, TOWNSHIP),
    # Reached through the committee's form (decision 不同意): the file goes back to the
    # township's inspection.
    Action.COMMITTEE_RETURN: Move(
        "乡镇党委审议不同意，退回重新考察", (Stage.FINAL_INSPECTED,), Stage.TRAINING, TOWNSHIP, "warning"
    ),
    Action.FINAL_FILE: Move("综合考察审核备案", (Stage.COMMITTEE_APPROVED,), Stage.FINAL_FILED, COUNTY, "success", False),
    Action.FINAL_RETURN: Move(
        "退回乡镇重新考察", (Stage.FINAL_INSPECTED, Stage.COMMITTEE_APPROVED), Stage.TRAINING, COUNTY, "warning", False
    ),
    Action.ADMIT: Move("纳入储备库", (Stage.FINAL_FILED,), Stage.POOL, COUNTY, "success"),
    Action.REMOVE: Move("移出储备库", (Stage.POOL,), Stage.REMOVED, COUNTY, "danger", False),
    Action.WITHDRAW: Move(
        "退出培养", (Stage.DRAFT, Stage.RETURNED, Stage.TRAINING), Stage.REMOVED,
        (Role.TOWNSHIP_OFFICER, Role.COUNTY_STAFF), "danger", False,
    ),
    # The filed end-of-cycle inspection's recommendation decides which of these three follows.
    Action.CONTINUE: Move("继续培养", (Stage.FINAL_FILED,), Stage.TRAINING, COUNTY, "primary", False),
    Action.END: Move("不再作为后备干部", (Stage.FINAL_FILED,), Stage.REMOVED, COUNTY, "danger", False),
    # At a 换届 the pool member is nominated as first choice, then elected or not; an
    # adjustment between elections is a direct appointment.
    Action.FIRST_CHOICE: Move("第一人选提名推荐", (Stage.POOL,), None, (Role.COUNTY_STAFF, Role.TOWNSHIP_OFFICER)),
    Action.ELECTION: Move("录入换届选举结果", (Stage.POOL,), None, (Role.COUNTY_STAFF, Role.TOWNSHIP_OFFICER), "success"),
    Action.APPOINT: Move("平时调整任用", (Stage.POOL,), Stage.APPOINTED, COUNTY, "success"),
    Action.FOLLOW_UP: Move("录入首年度回访", (Stage.APPOINTED,), None, (Role.COUNTY_STAFF, Role.TOWNSHIP_OFFICER)),
}
# A township officer withdraws only what is still theirs (a draft); the county the rest.
_WITHDRAW_BY_ROLE = {
    Role.TOWNSHIP_OFFICER: (Stage.DRAFT, Stage.RETURNED),
    Role.COUNTY_STAFF: (Stage.TRAINING,),
}
# Moves reached through another action's form, not offered as buttons of their own.
VIA_OTHER_FORM = {Action.COMMITTEE_RETURN}
# Actions that need an opinion/reason typed in.
REASON_REQUIRED = {
    Action.RETURN, Action.REJECT, Action.REMOVE, Action.WITHDRAW, Action.FINAL_RETURN, Action.OVERRIDE, Action.END,
}


# --- helpers --------------------------------------------------------------------


def atomic_write(func):
    """``transaction.atomic`` for a workflow function. On PostgreSQL the row
    lock makes concurrent callers wait; on SQLite the settings' IMMEDIATE
    transactions (WAL, busy timeout) queue writers at BEGIN."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with transaction.atomic():
            return func(*args, **kwargs)

    return wrapper


def _role_ok(user, roles) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.role in roles


def _check_actor(user, candidate: Candidate, roles) -> None:
    if user is None or not user.is_authenticated or user.is_read_only:
        raise WorkflowError("县领导账号为只读，不能办理业务。")
    if not _role_ok(user, roles):
        names = "、".join(Role(r).label for r in roles)
        raise WorkflowError(f"此操作由{names}办理。")
    if not region_in_scope(user, candidate.village):
        raise WorkflowError("该人员不在您的管辖范围内。")


def _lock(pk) -> Candidate:
    """Re-read the candidate under a row lock inside the current transaction."""
    return Candidate.objects.select_for_update(of=("self",)).select_related("village").get(pk=pk)


def _check_stage(candidate: Candidate, key: str, user=None) -> Move:
    move = ALLOWED[key]
    stages = move.from_stages
    if key == Action.WITHDRAW and user is not None:
        stages = _WITHDRAW_BY_ROLE.get(user.role, ())
    if candidate.stage not in stages:
        if _was_handled(candidate, key):
            raise AlreadyHandled(f"{candidate.stage_sentence}，此事项已由他人办理，请刷新页面。")
        raise WorkflowError(f"{candidate.stage_sentence}，不能办理“{move.label}”。")
    return move


def handled_by_someone_else(candidate: Candidate, key: str, user) -> bool:
    """Whether ``key`` is unavailable because the record already moved on through this
    move or a sibling (someone acted first), rather than never having been possible."""
    if key == Action.FOLLOW_UP:
        return candidate.stage == Stage.APPOINTED and not candidate.follow_ups.filter(visited_on__isnull=True).exists()
    if key not in ALLOWED:
        return False
    return candidate.stage not in ALLOWED[key].from_stages and _was_handled(candidate, key)


def _was_handled(candidate: Candidate, key: str) -> bool:
    """The stage is one this move (or its siblings) leads to: somebody acted first."""
    move = ALLOWED[key]
    targets = {m.to_stage for k, m in ALLOWED.items() if set(m.from_stages) & set(move.from_stages)}
    return candidate.stage in targets


def _record(candidate: Candidate, *, from_stage: str, action: str, by, opinion: str = "") -> Transition:
    row = Transition.objects.create(
        candidate=candidate, from_stage=from_stage, to_stage=candidate.stage, action=action, by=by, opinion=opinion
    )
    audit.record(
        AuditEvent.Kind.TRANSITION,
        user=by,
        region=candidate.village,
        summary=f"{candidate.name}（{candidate.village.name}）：{Action(action).label}",
        candidate=candidate.pk,
        action=action,
        from_stage=from_stage,
        to_stage=candidate.stage,
    )
    _after_commit(row)
    return row


def _after_commit(row: Transition) -> None:
    """The transition's follow-up (telling the other side) is written to the outbox in
    this same transaction and delivered once it commits, or by the sweep if that fails:
    a committed decision never loses its notification (``cadre_portal.notifications.outbox``)."""
    outbox.enqueue("reserves.notify_transition", transition_pk=row.pk)


def _move(candidate: Candidate, key: str, *, by, opinion: str = "", fields: tuple[str, ...] = ()) -> Transition:
    from_stage = candidate.stage
    move = ALLOWED[key]
    if move.to_stage is not None:
        candidate.stage = move.to_stage
    candidate.save(update_fields=["stage", *fields])
    return _record(candidate, from_stage=from_stage, action=key, by=by, opinion=opinion)


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message)
    return value


# --- rules (also shown in the UI when unmet) ---------------------------------------------


def duplicate_exists(id_number: str, *, exclude_pk=None) -> bool:
    """An open record with this ID number anywhere in the installation (no scope on purpose:
    the answer is yes/no and reveals nothing else)."""
    qs = Candidate.objects.filter(id_number=id_number, stage__in=Candidate.OPEN_STAGES)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


DUPLICATE_MESSAGE = "该身份证号码已在全县后备干部队伍中（已推荐、培养中或在储备库），不能重复推荐；如有疑问请联系县委组织部。"


def village_counts(villages) -> dict[int, dict]:
    """Per village: active reserves (counted in 3–7) and drafts awaiting submission."""
    rows = (
        Candidate.objects.filter(village__in=villages)
        .values("village")
        .annotate(
            active=Count("pk", filter=Q(stage__in=Candidate.ACTIVE_STAGES)),
            drafts=Count("pk", filter=Q(stage__in=Candidate.EDITABLE_STAGES)),
        )
    )
    return {row["village"]: row for row in rows}


def hours_done(candidate: Candidate) -> Decimal:
    """Hours attended in the cycle: the stored ledger (kept by ``refresh_hours_ledger``)."""
    return candidate.hours_attended or Decimal("0")


# --- the hours ledger ----------------------------------------------------------------------


def attended_hours(candidate_ids) -> dict[int, Decimal]:
    """What the attendance rows say each candidate attended in their current training
    period (one grouped query): after 继续培养 the hours of the earlier period stay with
    it (``FurtherTraining.previous_hours``) and the new period starts from what is
    attended inside it."""
    rows = (
        Attendance.objects.counted().filter(candidate_id__in=candidate_ids)
        .filter(session__date__gte=F("candidate__training_start"), session__date__lte=F("candidate__training_end"))
        .order_by()
        .values("candidate_id").annotate(total=Sum("hours")).values_list("candidate_id", "total")
    )
    return {pk: total or Decimal("0") for pk, total in rows}


def refresh_hours_ledger(candidate_ids) -> int:
    """Recompute the stored hours ledger (``hours_attended``, ``hours_behind_from``) of
    these candidates from their attendance and cycle dates. Called by every workflow
    function that changes attendance or a cycle, inside its transaction, so the ledger
    commits with the change or not at all. Three queries whatever the number of
    candidates; returns how many rows changed."""
    ids = sorted({int(pk) for pk in candidate_ids})
    if not ids:
        return 0
    sums = attended_hours(ids)
    changed = []
    rows = Candidate.objects.filter(pk__in=ids).values_list(
        "pk", "training_start", "training_end", "hours_attended", "hours_behind_from"
    )
    for pk, start, end, old_hours, old_from in rows:
        c = Candidate(pk=pk, training_start=start, training_end=end)
        c.set_hours_ledger(sums.get(pk, Decimal("0")))
        if (c.hours_attended, c.hours_behind_from) != (old_hours, old_from):
            changed.append(c)
    if changed:
        Candidate.objects.bulk_update(changed, ["hours_attended", "hours_behind_from"], batch_size=500)
    return len(changed)


def ledger_mismatches(queryset=None, *, chunk: int = 5000):
    """(candidate, stored hours, attended hours, stored date, expected date) for every
    candidate whose stored ledger disagrees with its attendance (the check command)."""
    qs = (queryset if queryset is not None else Candidate.objects.all()).order_by("pk")
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).only(
            "pk", "name", "village_id", "training_start", "training_end", "hours_attended", "hours_behind_from"
        )[:chunk])
        if not batch:
            return
        sums = attended_hours([c.pk for c in batch])
        for c in batch:
            hours = sums.get(c.pk, Decimal("0"))
            expected = Candidate(training_start=c.training_start, training_end=c.training_end)
            expected.set_hours_ledger(hours)
            if (c.hours_attended, c.hours_behind_from) != (expected.hours_attended, expected.hours_behind_from):
                yield c, c.hours_attended, expected.hours_attended, c.hours_behind_from, expected.hours_behind_from
        last = batch[-1].pk


def submit_blockers(candidate: Candidate) -> list[str]:
    """What a nomination lacks before the township may submit it: the nomination source,
    the inspection with a rating on each of the five aspects, a 同意推荐 result."""
    problems = []
    if not candidate.nomination_source:
        problems.append("尚未填写推荐方式。")
    if not candidate.inspection_recorded:
        problems.append("尚未录入乡镇集中考察、测评结果。")
    elif candidate.inspection_result != Candidate.InspectionResult.RECOMMENDED:
        problems.append("考察测评结果为“不同意推荐”，不能提交。")
    else:
        problems += ["考察测评" + p for p in criteria_problems(candidate.criteria)]
    return problems


def final_inspection_blockers(candidate: Candidate, as_of: date | None = None) -> list[str]:
    """Why the end-of-cycle inspection cannot be recorded yet (empty when it can)."""
    as_of = as_of or date.today()
    problems = []
    if candidate.training_end and candidate.training_end > as_of and not candidate.cycle_override_reason:
        problems.append(f"培养期至 {candidate.training_end:%Y年%m月%d日} 结束，尚未期满（县委组织部可特别准予）。")
    done = hours_done(candidate)
    required = candidate.hours_required or REQUIRED_HOURS
    if done < required:
        problems.append(f"{candidate.cycle_label}集中学习培训 {done:g} 学时，不足 {required} 学时。")
    appraisals = list(candidate.appraisals.filter(cycle=candidate.cycle_number).select_related("grade"))
    have = {a.year for a in appraisals}
    missing = [y for y in candidate.cycle_years_required() if y not in have]
    if missing:
        problems.append(f"缺少{candidate.cycle_label}" + "、".join(f"第{'一二三四五'[y - 1]}年" for y in missing) + "的年度评议。")
    failing = [a for a in appraisals if not a.grade.is_passing]
    if failing and not candidate.grade_override_reason:
        problems.append(f"年度综合评价有“{failing[0].grade.name}”等次（县委组织部可特别准予）。")
    return problems


def _recommendation_blockers(candidate: Candidate, wanted: str) -> list[str]:
    inspection = FinalInspection.objects.filter(candidate=candidate).first()
    if inspection is None or inspection.recommendation != wanted:
        return [f"乡镇使用意见建议不是“{FinalInspection.Recommendation(wanted).label}”。"]
    return []


def admit_blockers(candidate: Candidate) -> list[str]:
    return _recommendation_blockers(candidate, FinalInspection.Recommendation.POOL)


def pending_election(candidate: Candidate) -> ElectionNomination | None:
    return ElectionNomination.objects.filter(candidate=candidate, outcome="").first()


def blockers(candidate: Candidate, key: str) -> list[str]:
    if key == Action.SUBMIT:
        return submit_blockers(candidate)
    if key == Action.FINAL_INSPECT:
        return final_inspection_blockers(candidate)
    if key == Action.ADMIT:
        return admit_blockers(candidate)
    if key == Action.CONTINUE:
        return _recommendation_blockers(candidate, FinalInspection.Recommendation.CONTINUE)
    if key == Action.END:
        return _recommendation_blockers(candidate, FinalInspection.Recommendation.NOT_USE)
    if key == Action.FIRST_CHOICE and pending_election(candidate) is not None:
        return ["已作为第一人选提名推荐，请先录入选举结果。"]
    if key == Action.APPOINT and pending_election(candidate) is not None:
        return ["已作为换届第一人选提名推荐，请先录入选举结果。"]
    if key == Action.OVERRIDE and candidate.cycle_override_reason and candidate.grade_override_reason:
        return ["已特别准予。"]
    return []


@dataclass
class AvailableAction:
    key: str
    label: str
    style: str
    needs_form: bool
    reason_required: bool
    blockers: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.blockers


def available_actions(candidate: Candidate, user) -> list[AvailableAction]:
    """The actions the user may take now (role, scope and stage fit), each with the
    business rules still unmet; the UI shows a button when ``allowed`` and the
    reasons otherwise."""
    if user is None or not user.is_authenticated or user.is_read_only:
        return []
    if not region_in_scope(user, candidate.village):
        return []
    result = []
    for key, move in ALLOWED.items():
        if user.role not in move.roles:
            continue
        stages = _WITHDRAW_BY_ROLE.get(user.role, ()) if key == Action.WITHDRAW else move.from_stages
        if candidate.stage not in stages:
            continue
        if key in VIA_OTHER_FORM:
            continue
        if key == Action.FOLLOW_UP and not candidate.follow_ups.filter(visited_on__isnull=True).exists():
            continue
        if key == Action.ELECTION and pending_election(candidate) is None:
            continue
        label = move.label
        if key == Action.WITHDRAW and candidate.stage in Candidate.EDITABLE_STAGES:
            label = "撤销推荐"  # a nominee not yet in training is withdrawn, not taken out of training
        result.append(AvailableAction(key, label, move.style, move.needs_form, key in REASON_REQUIRED, blockers(candidate, key)))
    return result


# --- nomination ------------------------------------------------------------------------


def _check_village(user, village: Region) -> None:
    if village is None or village.level != Region.Level.VILLAGE:
        raise WorkflowError("请选择村（社区）。")
    if not region_in_scope(user, village):
        raise WorkflowError("只能为本乡镇的村（社区）推荐后备干部。")


@atomic_write
def create_draft(*, candidate: Candidate, by) -> Candidate:
    """A township officer saves a new nomination as a draft."""
    if by is None or not _role_ok(by, TOWNSHIP):
        raise WorkflowError("推荐由乡镇组织委员填报。")
    _check_village(by, candidate.village)
    if duplicate_exists(candidate.id_number):
        raise WorkflowError(DUPLICATE_MESSAGE)
    candidate.stage = Stage.DRAFT
    candidate.nominated_by = by
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        raise WorkflowError(DUPLICATE_MESSAGE) from None
    _record(candidate, from_stage="", action=Action.NOMINATE, by=by)
    return candidate


@atomic_write
def save_draft(*, candidate: Candidate, by) -> Candidate:
    """Save edits to a draft (or a returned nomination). ``candidate`` carries the edits."""
    current = _lock(candidate.pk)
    _check_actor(by, current, TOWNSHIP)
    if not current.is_editable:
        raise AlreadyHandled(f"{current.stage_sentence}，已不能修改。")
    _check_village(by, candidate.village)
    if duplicate_exists(candidate.id_number, exclude_pk=candidate.pk):
        raise WorkflowError(DUPLICATE_MESSAGE)
    candidate.stage = current.stage
    editable = [f.name for f in Candidate._meta.concrete_fields if f.editable and not f.primary_key]
    candidate.save(update_fields=[*editable, "name_initials", "name_pinyin", "sex", "birth_date"])
    return candidate


def criteria_problems(criteria) -> list[str]:
    """The five aspects of the selection standard each need a rating."""
    criteria = criteria or {}
    ratings = {code for code, _ in RATINGS}
    return [f"尚未评定“{name}”的等次。" for code, name in SELECTION_CRITERIA
            if (criteria.get(code) or {}).get("rating") not in ratings]


@atomic_write
def record_inspection(
    *, candidate: Candidate, by, inspection_date: date, inspectors: str, result: str, opinion: str,
    criteria: dict | None = None, standard: SelectionStandard | None = None,
) -> Candidate:
    """The township's centralized inspection and rating (集中考察、测评) of one nominee: each of
    the five aspects of the county's published standard (``standard``) rated, the 测评
    result and opinion. ``criteria`` None keeps the ratings already recorded."""
    current = _lock(candidate.pk)
    _check_actor(by, current, TOWNSHIP)
    if not current.is_editable:
        raise AlreadyHandled(f"{current.stage_sentence}，已不能修改考察测评结果。")
    fields = ["inspection_date", "inspectors", "inspection_result", "inspection_opinion"]
    if criteria is not None:
        problems = criteria_problems(criteria)
        if problems:
            raise WorkflowError(problems[0])
        current.criteria = {code: {"rating": criteria[code]["rating"], "note": (criteria[code].get("note") or "").strip()}
                            for code, _ in SELECTION_CRITERIA}
        fields.append("criteria")
    if standard is not None:
        if standard.published_on > inspection_date:
            raise WorkflowError(f"考察测评日期早于所依据选拔标准的公告日期（{standard.published_on:%Y年%m月%d日}）。")
        current.inspection_standard = standard
        fields.append("inspection_standard")
    if result not in Candidate.InspectionResult.values:
        raise WorkflowError("请选择考察测评结果。")
    current.inspection_date = inspection_date
    current.inspectors = _require_text(inspectors, "请填写考察人员。")
    current.inspection_result = result
    current.inspection_opinion = _require_text(opinion, "请填写考察测评意见。")
    current.save(update_fields=fields)
    audit.record(
        AuditEvent.Kind.OTHER, user=by, region=current.village,
        summary=f"{current.name}（{current.village.name}）：录入乡镇集中考察、测评（{current.get_inspection_result_display()}）",
        candidate=current.pk, record="inspection",
    )
    return current


@atomic_write
def submit_nominations(*, candidates: list[Candidate], by, reason: str = "") -> list[Transition]:
    """The township submits one village's nominees to the county for 审查备案.

    The village should keep 3 to 7 reserves; a submission that leaves it outside
    that range needs a written reason, which the county sees."""
    if not candidates:
        raise WorkflowError("请至少选择一名人员提交。")
    pks = sorted({c.pk for c in candidates})
    locked = list(Candidate.objects.select_for_update(of=("self",)).select_related("village").filter(pk__in=pks).order_by("pk"))
    villages = {c.village_id for c in locked}
    if len(villages) != 1:
        raise WorkflowError("一次只能提交同一个村（社区）的人员。")
    for c in locked:
        _check_actor(by, c, TOWNSHIP)
        _check_stage(c, Action.SUBMIT)
        problems = submit_blockers(c)
        if problems:
            raise WorkflowError(f"{c.name}：{problems[0]}")
    village = locked[0].village
    already = Candidate.objects.filter(village=village, stage__in=Candidate.ACTIVE_STAGES).count()
    total = already + len(locked)
    reason = (reason or "").strip()
    if not VILLAGE_MIN <= total <= VILLAGE_MAX and not reason:
        raise WorkflowError(
            f"提交后{village.name}后备干部为 {total} 人，不在每村 {VILLAGE_MIN}-{VILLAGE_MAX} 人的规模内，请填写说明后再提交。"
        )
    rows = []
    for c in locked:
        c.submission_reason = reason if not VILLAGE_MIN <= total <= VILLAGE_MAX else ""
        rows.append(_move(c, Action.SUBMIT, by=by, opinion=c.submission_reason, fields=("submission_reason",)))
    return rows


def submit_nomination(*, candidate: Candidate, by, reason: str = "") -> Transition:
    return submit_nominations(candidates=[candidate], by=by, reason=reason)[0]


# --- county review ---------------------------------------------------------------------


@atomic_write
def file_nomination(*, candidate: Candidate, by, opinion: str = "", on: date | None = None) -> Transition:
    """County 审查备案: the person enters the two-year training sequence today."""
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.FILE)
    c.training_start = on or date.today()
    c.training_end = add_months(c.training_start, 12 * CYCLE_YEARS)
    c.set_hours_ledger(attended_hours([c.pk]).get(c.pk))
    return _move(
        c, Action.FILE, by=by, opinion=(opinion or "").strip() or "同意备案。",
        fields=("training_start", "training_end", "hours_attended", "hours_behind_from"),
    )


@atomic_write
def return_nomination(*, candidate: Candidate, by, reason: str) -> Transition:
    """County returns a nomination to the township for changes (it becomes editable again)."""
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.RETURN)
    return _move(c, Action.RETURN, by=by, opinion=_require_text(reason, "请填写退回理由。"))


@atomic_write
def reject_nomination(*, candidate: Candidate, by, reason: str) -> Transition:
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.REJECT)
    return _move(c, Action.REJECT, by=by, opinion=_require_text(reason, "请填写不予备案的理由。"))


# --- end of cycle ----------------------------------------------------------------------


@atomic_write
def grant_override(*, candidate: Candidate, by, reason: str, cycle: bool = False, grade: bool = False) -> Transition:
    """County lets the end-of-cycle inspection go ahead before the cycle ends (``cycle``)
    and/or despite a 不合格 grade (``grade``), with a reason."""
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.OVERRIDE)
    reason = _require_text(reason, "请填写特别准予的理由。")
    if not (cycle or grade):
        raise WorkflowError("请选择特别准予的事项。")
    fields = []
    if cycle:
        c.cycle_override_reason = reason
        fields.append("cycle_override_reason")
    if grade:
        c.grade_override_reason = reason
        fields.append("grade_override_reason")
    what = "、".join(x for x, on in (("培养期未满", cycle), ("年度评价不合格", grade)) if on)
    return _move(c, Action.OVERRIDE, by=by, opinion=f"{what}：{reason}", fields=tuple(fields))


@atomic_write
def record_final_inspection(
    *, candidate: Candidate, by, inspected_on: date, summary: str, recommendation: str,
    mass_evaluation: str = "", branch_appraisal: str = "", recommendation_note: str = "", as_of: date | None = None,
) -> Transition:
    """Township comprehensive inspection (综合考察) and its use recommendation.

    Guard: cycle ended (or county override), 150 hours, an appraisal for each
    year of the cycle, no failing grade (or county override)."""
    c = _lock(candidate.pk)
    _check_actor(by, c, TOWNSHIP)
    _check_stage(c, Action.FINAL_INSPECT)
    problems = final_inspection_blockers(c, as_of)
    if problems:
        raise WorkflowError("尚不能进行综合考察：" + "".join(problems))
    FinalInspection.objects.update_or_create(
        candidate=c,
        defaults=dict(
            inspected_on=inspected_on, summary=_require_text(summary, "请填写综合考察情况。"), recommendation=recommendation,
            mass_evaluation=mass_evaluation, branch_appraisal=branch_appraisal, recommendation_note=recommendation_note,
            committee_decision="", committee_date=None, committee_opinion="", filed_on=None, filing_opinion="",
        ),
    )
    label = FinalInspection.Recommendation(recommendation).label
    return _move(c, Action.FINAL_INSPECT, by=by, opinion=f"使用意见建议：{label}。{recommendation_note}".strip())


@atomic_write
def record_committee_decision(
    *, candidate: Candidate, by, committee_date: date, opinion: str, decision: str = FinalInspection.CommitteeDecision.AGREE,
) -> Transition:
    """The township party committee's review (乡镇党委审议) of the inspection and its
    recommendation: 同意 sends it to the county for 审核备案; 不同意 sends the file back to
    the township's inspection (the person is again in training, to be inspected anew)."""
    c = _lock(candidate.pk)
    _check_actor(by, c, TOWNSHIP)
    _check_stage(c, Action.COMMITTEE)
    if decision not in FinalInspection.CommitteeDecision.values:
        raise WorkflowError("请选择乡镇党委审议结果（同意或不同意）。")
    if committee_date is None or committee_date > date.today():
        raise WorkflowError("审议日期不能为空，也不能晚于今天。")
    opinion = _require_text(opinion, "请填写乡镇党委审议意见。")
    FinalInspection.objects.filter(candidate=c).update(
        committee_decision=decision, committee_date=committee_date, committee_opinion=opinion
    )
    if decision == FinalInspection.CommitteeDecision.DISAGREE:
        return _move(c, Action.COMMITTEE_RETURN, by=by, opinion=f"不同意，退回重新考察：{opinion}")
    return _move(c, Action.COMMITTEE, by=by, opinion=opinion)


@atomic_write
def file_final_inspection(*, candidate: Candidate, by, opinion: str = "") -> Transition:
    """County 审核备案 of the end-of-cycle inspection."""
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.FINAL_FILE)
    opinion = (opinion or "").strip() or "同意备案。"
    FinalInspection.objects.filter(candidate=c).update(filed_on=date.today(), filing_opinion=opinion)
    return _move(c, Action.FINAL_FILE, by=by, opinion=opinion)


@atomic_write
def return_final_inspection(*, candidate: Candidate, by, reason: str) -> Transition:
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.FINAL_RETURN)
    return _move(c, Action.FINAL_RETURN, by=by, opinion=_require_text(reason, "请填写退回理由。"))


# --- pool, appointment, follow-up ------------------------------------------------------------


@atomic_write
def admit_to_pool(
    *, candidate: Candidate, by, direction: str, intended_post: str = "", wishes: str = "",
    admitted_on: date | None = None, opinion: str = "",
) -> Transition:
    """County admits the person to the village's reserve pool (储备库)."""
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.ADMIT)
    problems = admit_blockers(c)
    if problems:
        raise WorkflowError(problems[0])
    PoolEntry.objects.update_or_create(
        candidate=c,
        defaults=dict(
            admitted_on=admitted_on or date.today(), direction=_require_text(direction, "请填写使用方向。"),
            intended_post=intended_post, wishes=wishes, removed_on=None, removal_reason="",
        ),
    )
    return _move(c, Action.ADMIT, by=by, opinion=(opinion or "").strip() or f"使用方向：{direction}")


def admit_problem(stage: str, recommendation: str | None) -> str:
    """Why a person in ``stage`` whose filed inspection recommends ``recommendation`` may not
    be admitted to the pool ("" when they may): the rule of ``admit_to_pool`` for a row."""
    if stage not in ALLOWED[Action.ADMIT].from_stages:
        return f"{Candidate.where(stage)}，综合考察备案之后才能纳入储备库。"
    if recommendation != FinalInspection.Recommendation.POOL:
        return "乡镇使用意见建议不是“纳入储备库”。"
    return ""


@dataclass(frozen=True)
class PoolAdmission:
    candidate_pk: int
    direction: str
    admitted_on: date | None = None
    intended_post: str = ""
    wishes: str = ""
    row: int | None = None  # the sheet's row, for the refusal


@atomic_write
def admit_many_to_pool(*, items: list[PoolAdmission], by) -> list[Transition]:
    """``admit_to_pool`` for many people at once (Excel import), all or none: the people
    locked in one query, their filed inspections read in one, the pool entries, the stage
    moves and the transition rows written in bulk with their history, one audit entry."""
    if not items:
        return []
    if by is None or not _role_ok(by, COUNTY):
        raise WorkflowError("纳入储备库由县委组织部干部办理。")
    people = {c.pk: c for c in Candidate.objects.select_for_update(of=("self",)).select_related("village")
              .filter(pk__in={item.candidate_pk for item in items})}
    scope = set(Candidate.objects.visible_to(by).filter(pk__in=people).values_list("pk", flat=True))
    recommendations = dict(FinalInspection.objects.filter(candidate_id__in=people).values_list("candidate_id", "recommendation"))
    refused = []
    for item in items:
        c = people.get(item.candidate_pk)
        problem = "该人员不在您的管辖范围内。" if c is None or c.pk not in scope else admit_problem(c.stage, recommendations.get(c.pk))
        if not problem and not (item.direction or "").strip():
            problem = "请填写使用方向。"
        if problem:
            refused.append((item, problem))
    if refused:
        raise WorkflowError("均未纳入储备库——" + "；".join(
            (f"第 {item.row} 行" if item.row else "") + f"：{message}" for item, message in refused[:10]
        ) + (f"……等 {len(refused)} 人" if len(refused) > 10 else ""))
    today = date.today()
    entries = [PoolEntry(candidate_id=item.candidate_pk, admitted_on=item.admitted_on or today, direction=item.direction.strip(),
                         intended_post=item.intended_post or "", wishes=item.wishes or "") for item in items]
    bulk_insert_with_history(entries, PoolEntry, user=by)
    moved = [people[item.candidate_pk] for item in items]
    from_stage = {c.pk: c.stage for c in moved}
    for c in moved:
        c.stage = Stage.POOL
    bulk_update_with_history(moved, Candidate, ["stage"], batch_size=1000, default_user=by)
    rows = build(Transition, [
        {"candidate_id": item.candidate_pk, "from_stage": from_stage[item.candidate_pk], "to_stage": Stage.POOL,
         "action": Action.ADMIT, "by_id": by.pk, "opinion": f"Excel 导入。使用方向：{item.direction.strip()}"}
        for item in items
    ])
    created = bulk_insert_with_history(rows, Transition, user=by)
    audit.record(
        AuditEvent.Kind.TRANSITION, user=by, summary=f"导入纳入储备库 {len(moved)} 人",
        action=Action.ADMIT, to_stage=Stage.POOL, count=len(moved), candidates=[c.pk for c in moved[:200]],
    )
    return created


@atomic_write
def continue_training(*, candidate: Candidate, by, opinion: str = "", start: date | None = None) -> FurtherTraining:
    """继续培养: the filed inspection recommended it, so a further training period opens —
    ``RESERVES_FURTHER_TRAINING_MONTHS`` long (default twelve), with its own hours target
    (``RESERVES_FURTHER_TRAINING_HOURS``) and its own annual appraisal. The period before
    is kept on the ``FurtherTraining`` row; the hours ledger restarts from the new period;
    earlier county overrides do not carry over."""
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.CONTINUE)
    problems = _recommendation_blockers(c, FinalInspection.Recommendation.CONTINUE)
    if problems:
        raise WorkflowError(problems[0])
    start = start or date.today()
    if c.training_end and start < c.training_end:
        raise WorkflowError(f"继续培养的开始日期不能早于上一培养期结束日期（{c.training_end:%Y年%m月%d日}）。")
    months, hours = further_training_months(), further_training_hours()
    inspection = FinalInspection.objects.get(candidate=c)
    period = FurtherTraining.objects.create(
        candidate=c, cycle_number=c.cycle_number + 1, start=start, end=add_months(start, months), hours_required=hours,
        previous_start=c.training_start, previous_end=c.training_end, previous_hours=c.hours_attended,
        inspection_summary=f"{inspection.inspected_on:%Y年%m月%d日}综合考察：{inspection.summary}"
        + (f"（{inspection.recommendation_note}）" if inspection.recommendation_note else ""),
        opened_by=by,
    )
    c.cycle_number = period.cycle_number
    c.training_start, c.training_end, c.hours_required = period.start, period.end, hours
    c.cycle_override_reason = c.grade_override_reason = ""
    text = (opinion or "").strip()
    _move(
        c, Action.CONTINUE, by=by,
        opinion=f"{period.label} {period.start:%Y年%m月%d日}至{period.end:%Y年%m月%d日}，集中学习不少于 {hours} 学时。" + text,
        fields=("cycle_number", "training_start", "training_end", "hours_required", "cycle_override_reason", "grade_override_reason"),
    )
    refresh_hours_ledger([c.pk])
    return period


@atomic_write
def end_reserve(*, candidate: Candidate, by, reason: str) -> Transition:
    """不再作为后备干部: the filed inspection recommended it; the person's record closes
    (distinct from 退出培养, which is for people still in training)."""
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.END)
    problems = _recommendation_blockers(c, FinalInspection.Recommendation.NOT_USE)
    if problems:
        raise WorkflowError(problems[0])
    return _move(c, Action.END, by=by, opinion=_require_text(reason, "请填写不再作为后备干部的理由。"))


@atomic_write
def remove_from_pool(*, candidate: Candidate, by, reason: str) -> Transition:
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.REMOVE)
    reason = _require_text(reason, "请填写移出储备库的理由。")
    PoolEntry.objects.filter(candidate=c).update(removed_on=date.today(), removal_reason=reason)
    return _move(c, Action.REMOVE, by=by, opinion=reason)


@atomic_write
def withdraw(*, candidate: Candidate, by, reason: str) -> Transition:
    """The person leaves the pipeline (a draft withdrawn by the township; a trainee by the county)."""
    c = _lock(candidate.pk)
    _check_actor(by, c, ALLOWED[Action.WITHDRAW].roles)
    _check_stage(c, Action.WITHDRAW, by)
    return _move(c, Action.WITHDRAW, by=by, opinion=_require_text(reason, "请填写退出理由。"))


def _check_post(post: str) -> str:
    if post not in dict(TWO_COMMITTEE_POSTS):
        raise WorkflowError("请选择村“两委”职务。")
    return post


def _make_appointment(c: Candidate, *, by, occasion: str, post: str, appointed_on: date, note: str = "") -> Appointment:
    appointment = Appointment.objects.create(
        candidate=c, occasion=occasion, post=post, appointed_on=appointed_on, note=note, by=by
    )
    FollowUpVisit.objects.create(appointment=appointment, candidate=c, due_date=add_months(appointed_on, 12))
    return appointment


@atomic_write
def appoint(
    *, candidate: Candidate, by, post: str, appointed_on: date, note: str = "",
    occasion: str = Appointment.Occasion.ADJUSTMENT,
) -> Appointment:
    """平时调整: a direct appointment from the pool between elections; the first-year
    follow-up visit falls due 12 months later. At a 换届 the person is elected instead
    (``nominate_first_choice`` then ``record_election_result``)."""
    c = _lock(candidate.pk)
    _check_actor(by, c, COUNTY)
    _check_stage(c, Action.APPOINT)
    if occasion != Appointment.Occasion.ADJUSTMENT:
        raise WorkflowError("换届时的任用经选举产生：请先进行第一人选提名推荐，再录入选举结果。")
    if pending_election(c) is not None:
        raise WorkflowError("该人员已作为换届第一人选提名推荐，请先录入选举结果。")
    _check_post(post)
    if appointed_on is None or appointed_on > date.today():
        raise WorkflowError("任用日期不能为空，也不能晚于今天。")
    appointment = _make_appointment(c, by=by, occasion=occasion, post=post, appointed_on=appointed_on, note=note)
    _move(
        c, Action.APPOINT, by=by,
        opinion=f"{Appointment.Occasion(occasion).label}任{appointment.get_post_display()}（{appointed_on:%Y年%m月%d日}）。{note}".strip(),
    )
    return appointment


@atomic_write
def nominate_first_choice(*, candidate: Candidate, by, post: str, nominated_on: date, note: str = "") -> ElectionNomination:
    """换届: the pool member is nominated as first choice (第一人选提名推荐) for a 村“两委”
    post; the stage stays 储备库 until the election's result is recorded."""
    c = _lock(candidate.pk)
    _check_actor(by, c, ALLOWED[Action.FIRST_CHOICE].roles)
    _check_stage(c, Action.FIRST_CHOICE)
    if pending_election(c) is not None:
        raise AlreadyHandled("该人员已作为第一人选提名推荐，请先录入选举结果。")
    _check_post(post)
    if nominated_on is None or nominated_on > date.today():
        raise WorkflowError("提名日期不能为空，也不能晚于今天。")
    nomination = ElectionNomination.objects.create(candidate=c, post=post, nominated_on=nominated_on, note=note, by=by)
    _move(c, Action.FIRST_CHOICE, by=by,
          opinion=f"作为{nomination.get_post_display()}第一人选提名推荐（{nominated_on:%Y年%m月%d日}）。{note}".strip())
    return nomination


@atomic_write
def record_election_result(
    *, candidate: Candidate, by, elected: bool, election_date: date, post: str = "", note: str = "",
) -> ElectionNomination:
    """The 换届 election's outcome for the pending first-choice nomination: 当选 (with the
    post won) makes the appointment, with its first-year follow-up; 未当选 leaves the
    person in the pool, free to be nominated or appointed again."""
    c = _lock(candidate.pk)
    _check_actor(by, c, ALLOWED[Action.ELECTION].roles)
    _check_stage(c, Action.ELECTION)
    nomination = ElectionNomination.objects.select_for_update().filter(candidate=c, outcome="").first()
    if nomination is None:
        raise AlreadyHandled("该人员没有待录入结果的第一人选提名，请刷新页面。")
    if election_date is None or election_date > date.today():
        raise WorkflowError("选举日期不能为空，也不能晚于今天。")
    if election_date < nomination.nominated_on:
        raise WorkflowError(f"选举日期不能早于提名日期（{nomination.nominated_on:%Y年%m月%d日}）。")
    fields = ["outcome", "election_date"]
    nomination.election_date = election_date
    if elected:
        post = _check_post(post or nomination.post)
        nomination.outcome, nomination.elected_post = ElectionNomination.Outcome.ELECTED, post
        nomination.appointment = _make_appointment(
            c, by=by, occasion=Appointment.Occasion.ELECTION, post=post, appointed_on=election_date, note=note
        )
        fields += ["elected_post", "appointment"]
        opinion = f"换届选举当选{post}（{election_date:%Y年%m月%d日}）。{note}".strip()
    else:
        nomination.outcome = ElectionNomination.Outcome.NOT_ELECTED
        opinion = f"换届选举未当选{nomination.get_post_display()}（{election_date:%Y年%m月%d日}），仍在储备库。{note}".strip()
    nomination.save(update_fields=fields)
    from_stage = c.stage
    if elected:
        c.stage = Stage.APPOINTED
        c.save(update_fields=["stage"])
    _record(c, from_stage=from_stage, action=Action.ELECTION, by=by, opinion=opinion)
    return nomination


@atomic_write
def record_follow_up(
    *, visit: FollowUpVisit, by, visited_on: date, result: str, note: str,
    adjustment: str = "", adjusted_post: str = "", adjusted_on: date | None = None,
) -> FollowUpVisit:
    """首年度回访考察: result and note, and the adjustment decided on it as an action —
    none, the post changed (to ``adjusted_post``) or removed from post — with its date."""
    c = _lock(visit.candidate_id)
    _check_actor(by, c, ALLOWED[Action.FOLLOW_UP].roles)
    _check_stage(c, Action.FOLLOW_UP)
    current = FollowUpVisit.objects.select_for_update().select_related("appointment").get(pk=visit.pk)
    if current.visited_on is not None:
        raise AlreadyHandled("该回访已由他人录入，请刷新页面。")
    if visited_on > date.today():
        raise WorkflowError("回访日期不能晚于今天。")
    if visited_on < current.appointment.appointed_on:
        raise WorkflowError(f"回访日期不能早于任用日期（{current.appointment.appointed_on:%Y年%m月%d日}）。")
    adjustment = adjustment or ""
    if adjustment not in FollowUpVisit.Adjustment.values:
        raise WorkflowError("调整方式不正确。")
    if adjustment:
        if adjusted_on is None:
            raise WorkflowError("请填写调整日期。")
        if adjusted_on < current.appointment.appointed_on or adjusted_on > date.today():
            raise WorkflowError("调整日期应在任用日期之后、不晚于今天。")
    if adjustment == FollowUpVisit.Adjustment.CHANGED:
        if adjusted_post not in dict(TWO_COMMITTEE_POSTS):
            raise WorkflowError("请选择调整后的村“两委”职务。")
        if adjusted_post == current.appointment.post:
            raise WorkflowError("调整后职务与现任职务相同。")
    else:
        adjusted_post = ""
    if not adjustment:
        adjusted_on = None
    current.visited_on = visited_on
    current.result = result
    current.note = _require_text(note, "请填写回访情况。")
    current.adjustment = adjustment
    current.adjusted_post = adjusted_post
    current.adjusted_on = adjusted_on
    current.recorded_by = by
    current.save(update_fields=["visited_on", "result", "note", "adjustment", "adjusted_post", "adjusted_on", "recorded_by"])
    opinion = f"回访结果：{current.get_result_display()}。{current.note}"
    if adjustment == FollowUpVisit.Adjustment.CHANGED:
        opinion += f" 调整：{adjusted_on:%Y年%m月%d日}由{current.appointment.get_post_display()}调整为{adjusted_post}。"
    elif adjustment == FollowUpVisit.Adjustment.REMOVED:
        opinion += f" 调整：{adjusted_on:%Y年%m月%d日}免去{current.appointment.get_post_display()}职务。"
    _record(c, from_stage=c.stage, action=Action.FOLLOW_UP, by=by, opinion=opinion)
    return current


# --- appointments and follow-ups in bulk (Excel import) ---------------------------------------


@dataclass(frozen=True)
class AppointmentItem:
    candidate_pk: int
    post: str
    appointed_on: date
    note: str = ""
    row: int | None = None  # the sheet's row, for the refusal


def appointment_problem(stage: str, pending: bool, post: str, appointed_on: date | None) -> str:
    """Why a direct appointment (平时调整) of a person in ``stage`` may not be recorded ("" when it
    may): the rules of ``appoint``, for one row of an import, in preview and at confirm."""
    if stage not in ALLOWED[Action.APPOINT].from_stages:
        return f"{Candidate.where(stage)}，只有储备库人员可以任用。"
    if pending:
        return "该人员已作为换届第一人选提名推荐，请先录入选举结果。"
    if post not in dict(TWO_COMMITTEE_POSTS):
        return "请选择村“两委”职务。"
    if appointed_on is None or appointed_on > date.today():
        return "任用日期不能为空，也不能晚于今天。"
    return ""


def _refuse(what: str, refused: list) -> None:
    if refused:
        raise WorkflowError(f"均未{what}——" + "；".join(
            (f"第 {item.row} 行" if item.row else "") + f"：{message}" for item, message in refused[:10]
        ) + (f"……等 {len(refused)} 条" if len(refused) > 10 else ""))


@atomic_write
def appoint_many(*, items: list[AppointmentItem], by) -> list[Appointment]:
    """``appoint`` (平时调整) for many pool members at once (Excel import), all or none: the
    people locked in one query, pending 换届 nominations read in one, the appointments, their
    first-year follow-ups, the stage moves and the transition rows written in bulk with their
    history, one audit entry. 换届 appointments are never imported: they come from the
    election's result (``record_election_result``)."""
    if not items:
        return []
    if by is None or not _role_ok(by, COUNTY):
        raise WorkflowError("任用由县委组织部干部办理。")
    people = {c.pk: c for c in Candidate.objects.select_for_update(of=("self",)).select_related("village")
              .filter(pk__in={item.candidate_pk for item in items})}
    scope = set(Candidate.objects.visible_to(by).filter(pk__in=people).values_list("pk", flat=True))
    pending = set(ElectionNomination.objects.filter(candidate_id__in=people, outcome="").values_list("candidate_id", flat=True))
    refused, seen = [], set()
    for item in items:
        c = people.get(item.candidate_pk)
        if c is None or c.pk not in scope:
            refused.append((item, "该人员不在您的管辖范围内。"))
        elif c.pk in seen:
            refused.append((item, "同一人只能任用一次。"))
        else:
            problem = appointment_problem(c.stage, c.pk in pending, item.post, item.appointed_on)
            if problem:
                refused.append((item, problem))
        seen.add(item.candidate_pk)
    _refuse("任用", refused)
    occasion = Appointment.Occasion.ADJUSTMENT
    appointments = bulk_create_with_history(
        [Appointment(candidate_id=item.candidate_pk, occasion=occasion, post=item.post, appointed_on=item.appointed_on,
                     note=(item.note or "").strip(), by=by) for item in items],
        Appointment, batch_size=1000, default_user=by,
    )
    bulk_create_with_history(
        [FollowUpVisit(appointment=a, candidate_id=a.candidate_id, due_date=add_months(a.appointed_on, 12)) for a in appointments],
        FollowUpVisit, batch_size=1000, default_user=by,
    )
    moved = [people[item.candidate_pk] for item in items]
    for c in moved:
        c.stage = Stage.APPOINTED
    bulk_update_with_history(moved, Candidate, ["stage"], batch_size=1000, default_user=by)
    posts = dict(TWO_COMMITTEE_POSTS)
    bulk_insert_with_history(build(Transition, [
        {"candidate_id": a.candidate_id, "from_stage": Stage.POOL, "to_stage": Stage.APPOINTED, "action": Action.APPOINT,
         "by_id": by.pk, "opinion": f"Excel 导入。{Appointment.Occasion(occasion).label}任{posts.get(a.post, a.post)}（{a.appointed_on:%Y年%m月%d日}）。{a.note}".strip()}
        for a in appointments
    ]), Transition, user=by)
    audit.record(
        AuditEvent.Kind.TRANSITION, user=by, summary=f"导入平时调整任用 {len(appointments)} 人",
        action=Action.APPOINT, to_stage=Stage.APPOINTED, count=len(appointments), candidates=[c.pk for c in moved[:200]],
    )
    return appointments


@dataclass(frozen=True)
class FollowUpItem:
    visit_pk: int
    visited_on: date
    result: str
    note: str
    adjustment: str = ""
    adjusted_post: str = ""
    adjusted_on: date | None = None
    row: int | None = None


def follow_up_problem(*, appointed_on: date, post: str, visited_on: date | None, result: str, note: str,
                      adjustment: str, adjusted_post: str, adjusted_on: date | None) -> str:
    """Why a first-year follow-up result may not be recorded ("" when it may): the rules of
    ``record_follow_up`` for one row of an import, in preview and at confirm."""
    if visited_on is None or visited_on > date.today():
        return "回访日期不能为空，也不能晚于今天。"
    if visited_on < appointed_on:
        return f"回访日期不能早于任用日期（{appointed_on:%Y年%m月%d日}）。"
    if result not in FollowUpVisit.Result.values:
        return "请选择回访结果。"
    if not (note or "").strip():
        return "请填写回访情况。"
    if (adjustment or "") not in FollowUpVisit.Adjustment.values:
        return "调整方式不正确。"
    if adjustment:
        if adjusted_on is None:
            return "请填写调整日期。"
        if adjusted_on < appointed_on or adjusted_on > date.today():
            return "调整日期应在任用日期之后、不晚于今天。"
    if adjustment == FollowUpVisit.Adjustment.CHANGED:
        if adjusted_post not in dict(TWO_COMMITTEE_POSTS):
            return "请选择调整后的村“两委”职务。"
        if adjusted_post == post:
            return "调整后职务与现任职务相同。"
    return ""


@atomic_write
def record_follow_ups(*, items: list[FollowUpItem], by) -> list[FollowUpVisit]:
    """``record_follow_up`` for many visits at once (Excel import), all or none: the visits
    locked in one query with their appointments and people, the results written in bulk
    with history, a transition row per person (the stage stays), one audit entry."""
    if not items:
        return []
    roles = ALLOWED[Action.FOLLOW_UP].roles
    if by is None or not _role_ok(by, roles):
        raise WorkflowError("首年度回访由县委组织部干部或乡镇组织委员录入。")
    visits = {v.pk: v for v in FollowUpVisit.objects.select_for_update(of=("self",))
              .select_related("appointment", "candidate__village").filter(pk__in={item.visit_pk for item in items})}
    scope = set(Candidate.objects.visible_to(by).filter(pk__in={v.candidate_id for v in visits.values()})
                .values_list("pk", flat=True))
    refused = []
    for item in items:
        v = visits.get(item.visit_pk)
        if v is None or v.candidate_id not in scope:
            problem = "该人员不在您的管辖范围内。"
        elif v.candidate.stage not in ALLOWED[Action.FOLLOW_UP].from_stages:
            problem = f"{v.candidate.stage_sentence}，不能录入首年度回访。"
        elif v.visited_on is not None:
            problem = "该回访已录入，不能通过导入修改。"
        else:
            problem = follow_up_problem(
                appointed_on=v.appointment.appointed_on, post=v.appointment.post, visited_on=item.visited_on,
                result=item.result, note=item.note, adjustment=item.adjustment, adjusted_post=item.adjusted_post,
                adjusted_on=item.adjusted_on,
            )
        if problem:
            refused.append((item, problem))
    _refuse("录入首年度回访", refused)
    changed = []
    for item in items:
        v = visits[item.visit_pk]
        v.visited_on, v.result, v.note = item.visited_on, item.result, item.note.strip()
        v.adjustment = item.adjustment or ""
        v.adjusted_post = item.adjusted_post if v.adjustment == FollowUpVisit.Adjustment.CHANGED else ""
        v.adjusted_on = item.adjusted_on if v.adjustment else None
        v.recorded_by = by
        changed.append(v)
    bulk_update_with_history(changed, FollowUpVisit, ["visited_on", "result", "note", "adjustment", "adjusted_post", "adjusted_on",
                                                     "recorded_by"], batch_size=1000, default_user=by)
    bulk_insert_with_history(build(Transition, [
        {"candidate_id": v.candidate_id, "from_stage": v.candidate.stage, "to_stage": v.candidate.stage, "action": Action.FOLLOW_UP,
         "by_id": by.pk, "opinion": f"Excel 导入。回访结果：{v.get_result_display()}。{v.note}"
         + (f" 调整：{v.adjusted_on:%Y年%m月%d日}{v.get_adjustment_display()}{('为' + v.adjusted_post) if v.adjusted_post else ''}。" if v.adjustment else "")}
        for v in changed
    ]), Transition, user=by)
    audit.record(
        AuditEvent.Kind.TRANSITION, user=by, summary=f"导入首年度回访结果 {len(changed)} 人",
        action=Action.FOLLOW_UP, count=len(changed), candidates=[v.candidate_id for v in changed[:200]],
    )
    return changed


# --- bulk: Excel import and attendance -------------------------------------------------------


def _bulk_insert(candidates: list[Candidate], *, stage: str, by, action: str, note: str) -> list[Candidate]:
    numbers = [c.id_number for c in candidates]
    if len(set(numbers)) != len(numbers):
        raise WorkflowError("导入的数据中有重复的身份证号码。")
    if stage in Candidate.OPEN_STAGES:
        taken = set(
            Candidate.objects.filter(id_number__in=numbers, stage__in=Candidate.OPEN_STAGES).values_list("id_number", flat=True)
        )
        if taken:
            # Row positions only: which township holds them is not the importer's business.
            rows = [str(i + 1) for i, c in enumerate(candidates) if c.id_number in taken]
            raise WorkflowError(f"第 {'、'.join(rows)} 条：{DUPLICATE_MESSAGE}")
    # The villages in one query (whether or not the instances carry them), each checked once.
    village_ids = {c.village_id for c in candidates}
    villages = Region.objects.in_bulk(village_ids)
    for pk in village_ids:
        _check_village(by, villages.get(pk))
    for c in candidates:
        c.stage = stage
        if c.nominated_by_id is None:
            c.nominated_by_id = by.pk
        c.fill_derived_fields()
        c.set_hours_ledger(0)  # new records have no attendance yet
    try:
        with transaction.atomic():
            created = bulk_insert_with_history(candidates, Candidate, user=by)
    except IntegrityError:
        raise WorkflowError(DUPLICATE_MESSAGE) from None
    if any(c.pk is None for c in created):  # backends that do not return ids
        by_number = dict(Candidate.objects.filter(id_number__in=numbers, stage=stage).values_list("id_number", "pk"))
        for c in created:
            c.pk = c.id = by_number[c.id_number]
    rows = build(
        Transition,
        [{"candidate_id": c.pk, "from_stage": "", "to_stage": stage, "action": action, "by_id": by.pk, "opinion": note} for c in created],
    )
    bulk_insert_with_history(rows, Transition, user=by)
    audit.record(
        AuditEvent.Kind.TRANSITION, user=by,
        summary=f"{Action(action).label}村（社区）后备干部 {len(created)} 人（{Candidate.Stage(stage).label}）",
        action=action, to_stage=stage, count=len(created),
    )
    return created


@atomic_write
def create_drafts(*, candidates: list[Candidate], by) -> list[Candidate]:
    """Bulk-insert unsaved candidates as drafts (Excel import by a township officer).

    A few queries in total: one duplicate check, the inserts and their history,
    the transition rows. ID numbers already open anywhere in the county are refused."""
    if by is None or not _role_ok(by, TOWNSHIP):
        raise WorkflowError("推荐由乡镇组织委员填报。")
    if not candidates:
        return []
    return _bulk_insert(candidates, stage=Stage.DRAFT, by=by, action=Action.NOMINATE, note="Excel 导入")


# The stages a county import may put records into, and what each needs (``stage_data_problems``).
IMPORT_STAGES = (Stage.TRAINING, Stage.POOL, Stage.APPOINTED)


@dataclass
class StageData:
    """What a record imported into a stage brings besides the person: the pool entry of a
    pool member, the appointment (and its first-year follow-up) of an appointee. The cycle
    dates of a trainee are the candidate's own ``training_start``/``training_end``."""

    admitted_on: date | None = None
    direction: str = ""
    intended_post: str = ""
    wishes: str = ""
    post: str = ""
    occasion: str = ""
    appointed_on: date | None = None
    visited_on: date | None = None
    visit_result: str = ""
    visit_note: str = ""


# Field names as the import file calls them, for messages that name the missing column.
STAGE_DATA_LABELS = {
    "training_start": "培养开始日期", "training_end": "培养结束日期", "direction": "使用方向", "post": "任用职务",
    "occasion": "任用时机", "appointed_on": "任用日期", "visit_result": "回访结果", "intended_post": "拟任岗位",
}


def stage_data_problems(candidate: Candidate, data: StageData | None, stage: str) -> list[tuple[str, str]]:
    """[(field, message)] of what a record imported into ``stage`` lacks (empty when complete)."""
    data = data or StageData()
    problems = []
    if stage == Stage.TRAINING:
        for name in ("training_start", "training_end"):
            if getattr(candidate, name) is None:
                problems.append((name, f"导入为“培养中”须填写{STAGE_DATA_LABELS[name]}。"))
        if candidate.training_start and candidate.training_end and candidate.training_end <= candidate.training_start:
            problems.append(("training_end", "培养结束日期应晚于开始日期。"))
    elif stage == Stage.POOL:
        if not (data.direction or "").strip():
            problems.append(("direction", "导入为“储备库”须填写使用方向。"))
        if data.intended_post and data.intended_post not in dict(TWO_COMMITTEE_POSTS):
            problems.append(("intended_post", "拟任岗位须为村“两委”职务。"))
    elif stage == Stage.APPOINTED:
        if data.post not in dict(TWO_COMMITTEE_POSTS):
            problems.append(("post", "导入为“已任用”须填写任用职务（村“两委”职务）。"))
        if data.occasion not in Appointment.Occasion.values:
            problems.append(("occasion", "导入为“已任用”须填写任用时机（换届或平时调整）。"))
        if data.appointed_on is None:
            problems.append(("appointed_on", "导入为“已任用”须填写任用日期。"))
        elif data.appointed_on > date.today():
            problems.append(("appointed_on", "任用日期不能晚于今天。"))
        if data.visited_on and data.visit_result not in FollowUpVisit.Result.values:
            problems.append(("visit_result", "填写了回访日期的，须填写回访结果。"))
    return problems


@atomic_write
def import_at_stage(
    *, candidates: list[Candidate], stage: str, by, note: str, stage_data: list[StageData] | None = None,
) -> list[Candidate]:
    """County staff import existing records straight into ``stage`` (recorded as an import),
    each with what that stage needs — cycle dates for trainees, the pool entry for pool
    members, the appointment and its first-year follow-up for appointees — or nothing
    is imported and the first record lacking it is named. ``stage_data`` runs parallel to
    ``candidates``."""
    if by is None or not _role_ok(by, COUNTY):
        raise WorkflowError("按阶段导入历史数据由县委组织部干部办理。")
    if stage not in IMPORT_STAGES:
        raise WorkflowError("按阶段导入只能导入为“培养中”“储备库”或“已任用”；其他阶段请逐人办理。")
    if not candidates:
        return []
    stage_data = list(stage_data) if stage_data is not None else [StageData() for _ in candidates]
    if len(stage_data) != len(candidates):
        raise WorkflowError("导入的数据不完整，请重新上传文件。")
    for i, (c, data) in enumerate(zip(candidates, stage_data)):
        problems = stage_data_problems(c, data, stage)
        if problems:
            raise WorkflowError(f"第 {i + 1} 条：{problems[0][1]}")
    note = _require_text(note, "请填写导入说明（数据来源）。")
    created = _bulk_insert(candidates, stage=stage, by=by, action=Action.IMPORT, note=note)
    if stage == Stage.POOL:
        PoolEntry.objects.bulk_create([
            PoolEntry(candidate_id=c.pk, admitted_on=d.admitted_on or date.today(), direction=d.direction.strip(),
                      intended_post=d.intended_post, wishes=d.wishes)
            for c, d in zip(created, stage_data)
        ])
    elif stage == Stage.APPOINTED:
        appointments = Appointment.objects.bulk_create([
            Appointment(candidate_id=c.pk, occasion=d.occasion, post=d.post, appointed_on=d.appointed_on, by=by, note=note)
            for c, d in zip(created, stage_data)
        ])
        FollowUpVisit.objects.bulk_create([
            FollowUpVisit(appointment=a, candidate_id=a.candidate_id, due_date=add_months(a.appointed_on, 12),
                          visited_on=d.visited_on, result=d.visit_result if d.visited_on else "",
                          note=d.visit_note if d.visited_on else "", recorded_by=by if d.visited_on else None)
            for a, d in zip(appointments, stage_data)
        ])
    return created


# --- data integrity: every record in a stage has that stage's data -------------------------------


def integrity_problems(queryset=None):
    """(candidate, message) for each record whose stage lacks the data that stage needs —
    the check ``manage.py check_reserves_integrity`` runs. A few queries in all."""
    qs = (queryset if queryset is not None else Candidate.objects.all()).select_related("village")
    checks = [
        (Q(stage=Stage.SUBMITTED) & (Q(inspection_date__isnull=True) | Q(inspection_result="")), "已提交审查备案，但没有乡镇考察测评结果。"),
        (Q(stage__in=(Stage.TRAINING, Stage.FINAL_INSPECTED, Stage.COMMITTEE_APPROVED, Stage.FINAL_FILED))
         & (Q(training_start__isnull=True) | Q(training_end__isnull=True)), "处于培养或综合考察阶段，但没有培养起止日期。"),
        (Q(stage__in=(Stage.FINAL_INSPECTED, Stage.COMMITTEE_APPROVED, Stage.FINAL_FILED), final_inspection__isnull=True),
         "处于综合考察阶段，但没有综合考察记录。"),
        (Q(stage__in=(Stage.COMMITTEE_APPROVED, Stage.FINAL_FILED), final_inspection__committee_date__isnull=True),
         "乡镇党委已审议，但没有审议记录。"),
        (Q(stage=Stage.FINAL_FILED, final_inspection__filed_on__isnull=True), "综合考察已备案，但没有备案记录。"),
        (Q(stage=Stage.POOL) & (Q(pool_entry__isnull=True) | Q(pool_entry__direction="")), "在储备库中，但没有入库记录（使用方向）。"),
        (Q(stage=Stage.APPOINTED, appointments__isnull=True), "已任用，但没有任用记录。"),
        (Q(stage=Stage.APPOINTED, appointments__follow_up__isnull=True, appointments__isnull=False), "已任用，但任用没有首年度回访安排。"),
    ]
    for condition, message in checks:
        for c in qs.filter(condition).distinct().order_by("village__path", "name", "pk"):
            yield c, message


def _lock_session(session: TrainingSession) -> TrainingSession:
    """Re-read the session under a row lock: attendance saves for one session queue here,
    so two people saving the same block at once never race on the unique row."""
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


@atomic_write
def record_attendance(*, session: TrainingSession, candidates, by, replace: bool = False, within=None) -> int:
    """Tick attendance for many trainees at once; each gets the session's hours.

    Only sessions inside a trainee's two-year cycle count towards its 150 hours.
    With ``replace``, trainees the user can see (for a township officer: their own
    township's; the session itself is county-wide) who are not ticked lose their
    attendance for this session; nobody else's is touched, and a leave (recorded with
    its reason on the person's own form) is never dropped by a box left unticked.
    Ticking someone on leave records them as present. ``within`` (candidate pks: the
    block of the page that was saved, e.g. one village) narrows who may lose it
    further. Concurrent saves of one session queue on the session's row lock.
    Returns the number of attendances added."""
    if by is None or by.is_read_only or not _role_ok(by, (Role.COUNTY_STAFF, Role.TOWNSHIP_OFFICER)):
        raise WorkflowError("培训出勤由县委组织部干部或乡镇组织委员登记。")
    session = _lock_session(session)
    visible = Candidate.objects.visible_to(by).filter(stage=Stage.TRAINING)
    pks = {c.pk for c in candidates}
    _check_attendees(session, visible, pks)
    touched, removed = set(), []
    if replace:
        dropped = Attendance.objects.filter(session=session, candidate__in=visible, status__in=Attendance.ATTENDED).exclude(
            candidate__in=pks)
        if within is not None:
            dropped = dropped.filter(candidate_id__in=list(within))
        removed = list(dropped.order_by("candidate__name").values_list("candidate_id", "candidate__name"))
        touched |= {pk for pk, _ in removed}
        dropped.delete()
    existing = dict(Attendance.objects.filter(session=session, candidate__in=pks).values_list("candidate_id", "status"))
    back = [pk for pk, status in existing.items() if status == Attendance.Status.LEAVE]
    if back:
        Attendance.objects.filter(session=session, candidate_id__in=back).update(
            status=Attendance.Status.PRESENT, hours=session.hours, leave_reason="", recorded_by=by)
        touched |= set(back)
    new = [Attendance(session=session, candidate_id=pk, hours=session.hours, recorded_by=by) for pk in sorted(pks - set(existing))]
    if new:
        try:
            with transaction.atomic():
                bulk_create_with_history(new, Attendance, default_user=by)
        except IntegrityError:  # a writer that did not take the session lock (another path) got there first
            raise AlreadyHandled("本次培训的出勤刚由他人登记，请刷新页面后查看。") from None
    refresh_hours_ledger(touched | {a.candidate_id for a in new})
    removed_names = [name for _, name in removed]
    summary = f"登记培训出勤：{session}（出勤 {len(pks)} 人，新增 {len(new)} 人"
    if removed:
        summary += f"，取消 {len(removed)} 人：{'、'.join(removed_names[:10])}{'等' if len(removed) > 10 else ''}"
    audit.record(
        AuditEvent.Kind.OTHER, user=by, summary=summary + "）", session=session.pk, count=len(pks), added=len(new),
        removed_count=len(removed), removed_names=removed_names,
    )
    return len(new)


def _check_attendees(session: TrainingSession, visible, pks: set) -> None:
    """Everyone in ``pks`` is a trainee the user can see, whose cycle covers the session
    and who is invited to it."""
    allowed = set(visible.filter(pk__in=pks).values_list("pk", flat=True))
    if pks - allowed:
        raise WorkflowError("所选人员中有不在培养期或不在您管辖范围内的人员。")
    outside = list(
        visible.filter(pk__in=pks)
        .exclude(training_start__lte=session.date, training_end__gte=session.date)
        .order_by("name").values_list("name", flat=True)[:5]
    )
    if outside:
        raise WorkflowError(
            f"{'、'.join(outside)}的培养期不包含本次培训日期（{session.date:%Y年%m月%d日}），不能登记出勤。"
        )
    if not session.for_all:
        invited = set(session.trainees.filter(pk__in=pks).values_list("pk", flat=True))
        if pks - invited:
            raise WorkflowError("所选人员中有不在本次培训指定参训名单内的人员。")


def _attendance_text(status, hours, reason) -> str:
    if status is None:
        return "未登记"
    if status == Attendance.Status.LEAVE:
        return f"请假（{reason}）"
    return f"{Attendance.Status(status).label} {float(hours):g} 学时"


@atomic_write
def set_attendance(*, session: TrainingSession, candidate: Candidate, by, status: str, hours=None, reason: str = "") -> Attendance:
    """One trainee's attendance at one session: present (the session's hours), partial
    (the hours actually attended, more than 0 and fewer than the session's) or on leave
    (a reason, no hours). The hours ledger follows in the same transaction; the audit
    entry carries the attendance before and after."""
    if by is None or by.is_read_only or not _role_ok(by, (Role.COUNTY_STAFF, Role.TOWNSHIP_OFFICER)):
        raise WorkflowError("培训出勤由县委组织部干部或乡镇组织委员登记。")
    session = _lock_session(session)
    c = _lock(candidate.pk)
    if not region_in_scope(by, c.village):
        raise WorkflowError("该人员不在您的管辖范围内。")
    _check_attendees(session, Candidate.objects.visible_to(by).filter(stage=Stage.TRAINING), {c.pk})
    S_ = Attendance.Status
    if status == S_.PRESENT:
        hours, reason = session.hours, ""
    elif status == S_.PARTIAL:
        try:
            hours = Decimal(str(hours)).quantize(Decimal("0.1"))
        except Exception:  # noqa: BLE001 - any unparsable number is the same refusal
            raise WorkflowError("请填写实际参训学时。") from None
        if not Decimal("0") < hours < session.hours:
            raise WorkflowError(f"部分参加的实际参训学时应大于 0 且少于本次培训的 {float(session.hours):g} 学时。")
        reason = (reason or "").strip()
    elif status == S_.LEAVE:
        hours, reason = Decimal("0"), _require_text(reason, "请填写请假事由。")
    else:
        raise WorkflowError("请选择出勤情况。")
    current = Attendance.objects.filter(session=session, candidate=c).first()
    before = _attendance_text(current.status, current.hours, current.leave_reason) if current else _attendance_text(None, 0, "")
    if current is None:
        current = Attendance(session=session, candidate=c)
    current.status, current.hours, current.leave_reason, current.recorded_by = status, hours, reason[:200], by
    current.save()
    refresh_hours_ledger([c.pk])
    after = _attendance_text(status, hours, reason)
    audit.record(
        AuditEvent.Kind.OTHER, user=by, region=c.village,
        summary=f"{c.name}（{c.village.name}）：{session} 出勤 {before} → {after}",
        candidate=c.pk, session=session.pk, changes={"出勤情况": {"before": before, "after": after}},
    )
    return current


# --- party development ------------------------------------------------------------------------

# 预备党员 and 正式党员 move 政治面貌 (codes.POLITICAL_STATUS: 02 中共预备党员, 01 中共党员).
PARTY_STATUS = {PartyDevelopment.Step.PROBATIONARY: "02", PartyDevelopment.Step.FULL: "01"}
PARTY_STEP_STAGES = (
    Stage.TRAINING, Stage.FINAL_INSPECTED, Stage.COMMITTEE_APPROVED, Stage.FINAL_FILED, Stage.POOL, Stage.APPOINTED,
)


def party_step_problem(step: str, on: date | None, recorded: dict) -> str:
    """Why ``step`` on ``on`` may not be recorded for a person whose recorded steps are
    ``recorded`` ({step: date}); "" when it may. Steps keep their order in time and
    正式党员 needs 预备党员 first. One rule for the form and the Excel import."""
    Step = PartyDevelopment.Step
    if step not in Step.values:
        return "请选择发展入党阶段。"
    if on is None or on > date.today():
        return "发展入党日期不能晚于今天。"
    if step in recorded:
        return f"已登记过“{Step(step).label}”（{recorded[step]:%Y年%m月%d日}）。"
    if step == Step.FULL and Step.PROBATIONARY not in recorded:
        return "转为正式党员之前，请先登记预备党员。"
    order = list(Step.values)
    for other, day in recorded.items():
        earlier = order.index(other) < order.index(step)
        if (earlier and day > on) or (not earlier and day < on):
            return f"“{Step(step).label}”的日期应在“{Step(other).label}”（{day:%Y年%m月%d日}）{'之后' if earlier else '之前'}。"
    return ""


def _party_status_after(step: str, before: str) -> str:
    """政治面貌 after ``step``: 中共预备党员 / 中共党员 at those steps, never back."""
    target = PARTY_STATUS.get(step)
    if target and not (target == "02" and before == "01"):
        return target
    return before


@atomic_write
def record_party_step(*, candidate: Candidate, by, step: str, on: date, note: str = "") -> PartyDevelopment:
    """A step of party development (发展入党). Steps keep their order in time; 正式党员
    needs 预备党员 first. At 预备党员 and 正式党员 the person's 政治面貌 becomes 中共预备党员
    / 中共党员 in the same transaction (never back: a 预备党员 step recorded late for
    someone already 中共党员 leaves it). The audit entry carries 政治面貌 before and after."""
    c = _lock(candidate.pk)
    _check_actor(by, c, (Role.TOWNSHIP_OFFICER, Role.COUNTY_STAFF))
    Step = PartyDevelopment.Step
    if c.stage not in PARTY_STEP_STAGES:
        raise WorkflowError(f"{c.stage_sentence}，不能登记发展入党。")
    recorded = dict(PartyDevelopment.objects.filter(candidate=c).values_list("step", "date"))
    problem = party_step_problem(step, on, recorded)
    if problem:
        raise WorkflowError(problem)
    row = PartyDevelopment.objects.create(candidate=c, step=step, date=on, note=(note or "").strip()[:200])
    before = c.political_status
    c.political_status = _party_status_after(step, before)
    if c.political_status != before:
        c.save(update_fields=["political_status"])
    changes = {"发展入党": {"before": "", "after": f"{Step(step).label}（{on:%Y年%m月%d日}）"}}
    if c.political_status != before:
        changes["政治面貌"] = {"before": c.__class__(political_status=before).get_political_status_display(),
                           "after": c.get_political_status_display()}
    audit.record(
        AuditEvent.Kind.OTHER, user=by, region=c.village,
        summary=f"{c.name}（{c.village.name}）：登记发展入党 {Step(step).label}"
                + (f"，政治面貌 {changes['政治面貌']['before']} → {changes['政治面貌']['after']}" if "政治面貌" in changes else ""),
        candidate=c.pk, record="party", changes=changes,
    )
    return row


@dataclass(frozen=True)
class PartyStepItem:
    candidate_pk: int
    step: str
    on: date
    note: str = ""
    row: int | None = None  # the sheet's row, for the refusal


@atomic_write
def record_party_steps(*, items: list[PartyStepItem], by) -> list[PartyDevelopment]:
    """Many steps of party development at once (Excel import), all or none, under the rules
    of ``record_party_step``: the people locked in one query, their recorded steps read in
    one, the steps inserted and 政治面貌 moved in bulk (with history), one audit entry. A
    person's steps in one call are taken in date order, so 预备党员 and 正式党员 may come
    together. Raises ``BatchRefused`` naming every refused item."""
    if not items:
        return []
    if by is None or not _role_ok(by, (Role.TOWNSHIP_OFFICER, Role.COUNTY_STAFF)):
        raise WorkflowError("发展入党由乡镇组织委员或县委组织部干部登记。")
    people = {
        c.pk: c for c in Candidate.objects.select_for_update(of=("self",)).select_related("village")
        .filter(pk__in={item.candidate_pk for item in items})
    }
    scope = set(Candidate.objects.visible_to(by).filter(pk__in=people).values_list("pk", flat=True))
    recorded: dict[int, dict] = defaultdict(dict)
    for candidate_id, step, day in PartyDevelopment.objects.filter(candidate_id__in=people).values_list("candidate_id", "step", "date"):
        recorded[candidate_id][step] = day
    order = list(PartyDevelopment.Step.values)
    refused, rows, before = [], [], {}
    for item in sorted(items, key=lambda i: (i.candidate_pk, i.on, order.index(i.step) if i.step in order else 0)):
        c = people.get(item.candidate_pk)
        if c is None or c.pk not in scope:
            refused.append((item, "该人员不在您的管辖范围内。"))
            continue
        if c.stage not in PARTY_STEP_STAGES:
            refused.append((item, f"{c.stage_sentence}，不能登记发展入党。"))
            continue
        problem = party_step_problem(item.step, item.on, recorded[c.pk])
        if problem:
            refused.append((item, problem))
            continue
        recorded[c.pk][item.step] = item.on
        rows.append(PartyDevelopment(candidate_id=c.pk, step=item.step, date=item.on, note=(item.note or "").strip()[:200]))
        before.setdefault(c.pk, c.political_status)
        c.political_status = _party_status_after(item.step, c.political_status)
    if refused:
        def who(item):
            c = people.get(item.candidate_pk)
            return (f"第 {item.row} 行" if item.row else "") + (c.name if c is not None and c.pk in scope else "")

        raise WorkflowError("发展入党均未登记——" + "；".join(f"{who(item)}：{message}" for item, message in refused[:10])
                            + (f"……等 {len(refused)} 条" if len(refused) > 10 else ""))
    created = bulk_insert_with_history(rows, PartyDevelopment, user=by)
    moved = [people[pk] for pk, old in before.items() if people[pk].political_status != old]
    if moved:
        bulk_update_with_history(moved, Candidate, ["political_status"], batch_size=1000, default_user=by)
    audit.record(
        AuditEvent.Kind.OTHER, user=by, summary=f"导入发展入党 {len(created)} 条，政治面貌随之变更 {len(moved)} 人",
        record="party", count=len(created), candidates=sorted(people),
        changes={f"{c.name}（{c.village.name}）政治面貌": {
            "before": Candidate(political_status=before[c.pk]).get_political_status_display(),
            "after": c.get_political_status_display()} for c in moved[:200]},
    )
    return created


# --- batches: many people, one transaction, all or none ---------------------------------------------


@dataclass(frozen=True)
class BatchItem:
    """One person's part of a batch: the action (an ``ALLOWED`` key), the opinion or
    reason, and what else that action takes (e.g. ``committee_date``)."""

    candidate: Candidate
    action: str
    opinion: str = ""
    extra: dict = field(default_factory=dict)


class BatchRefused(WorkflowError):
    """A batch applied to nobody because some people could not be handled; ``reasons``
    is [(candidate, message)] for each of them."""

    def __init__(self, reasons: list[tuple[Candidate, str]], total: int):
        self.reasons = reasons
        names = "；".join(f"{c.name}：{message}" for c, message in reasons[:10])
        more = f"……等 {len(reasons)} 人" if len(reasons) > 10 else ""
        super().__init__(f"本批 {total} 人均未办理，其中 {len(reasons)} 人不能办理——{names}{more}")


def _batch_call(item: BatchItem, by):
    """The per-person workflow function for the item's action: the same rules,
    locks and transition row as a single decision on the person page."""
    c, opinion, extra = item.candidate, item.opinion, item.extra
    calls = {
        Action.FILE: lambda: file_nomination(candidate=c, by=by, opinion=opinion),
        Action.RETURN: lambda: return_nomination(candidate=c, by=by, reason=opinion),
        Action.REJECT: lambda: reject_nomination(candidate=c, by=by, reason=opinion),
        Action.FINAL_FILE: lambda: file_final_inspection(candidate=c, by=by, opinion=opinion),
        Action.FINAL_RETURN: lambda: return_final_inspection(candidate=c, by=by, reason=opinion),
        Action.COMMITTEE: lambda: record_committee_decision(candidate=c, by=by, opinion=opinion, **extra),
        Action.COMMITTEE_RETURN: lambda: record_committee_decision(
            candidate=c, by=by, opinion=opinion, decision=FinalInspection.CommitteeDecision.DISAGREE, **extra
        ),
    }
    if item.action not in calls:
        raise WorkflowError(f"“{Action(item.action).label}”不能批量办理。")
    return calls[item.action]()


BATCH_ACTIONS = (
    Action.FILE, Action.RETURN, Action.REJECT, Action.FINAL_FILE, Action.FINAL_RETURN, Action.COMMITTEE, Action.COMMITTEE_RETURN,
)


@atomic_write
def run_batch(*, items: list[BatchItem], by, title: str) -> list[Transition]:
    """Handle many people at once — a village's list filed, returned or rejected with one
    opinion and per-person exceptions, a township committee's results — in one
    transaction: every person through their own workflow function (one transition row
    each), and if any of them is refused, nobody is handled and ``BatchRefused`` names
    each refused person with the reason. One audit entry records the batch (title,
    counts, names) beside the per-person entries."""
    if by is None or not by.is_authenticated or by.is_read_only:
        raise WorkflowError("县领导账号为只读，不能办理业务。")
    if not items:
        raise WorkflowError("请至少选择一人。")
    if len({item.candidate.pk for item in items}) != len(items):
        raise WorkflowError("同一人在本批中出现了两次，请刷新页面后重试。")
    results, reasons = [], []
    for item in items:
        try:
            with transaction.atomic():
                results.append(_batch_call(item, by))
        except WorkflowError as exc:
            reasons.append((item.candidate, exc.message))
    if reasons:
        raise BatchRefused(reasons, len(items))
    counts: dict[str, list[str]] = {}
    for item in items:
        counts.setdefault(Action(item.action).label, []).append(item.candidate.name)
    audit.record(
        AuditEvent.Kind.TRANSITION, user=by, region=_common_region(items),
        summary=f"{title}：共 {len(items)} 人（" + "；".join(f"{label} {len(names)} 人：{'、'.join(names)}" for label, names in counts.items()) + "）",
        batch=title, count=len(items), candidates=[item.candidate.pk for item in items],
        actions={label: len(names) for label, names in counts.items()},
    )
    return results


def _common_region(items: list[BatchItem]):
    villages = {item.candidate.village_id for item in items}
    if len(villages) == 1:
        return items[0].candidate.village
    townships = {item.candidate.village.parent_id for item in items}
    return items[0].candidate.village.parent if len(townships) == 1 else None
