"""The only code that changes a care record's next-due date, intention and outcome,
and a demand's status.

``ALLOWED`` declares every move of a ``Demand`` (提出 → 办理中 → 已解决 / 无法解决) and
``OUTCOMES`` every move of a care record's outcome (— → 已留下 / 已流失, 已留下 → 已流失).
Each business verb below is one function with keyword-only arguments that runs in
one transaction, re-reads the record under a row lock (``select_for_update``; on
SQLite the IMMEDIATE transactions of the settings queue writers instead), checks
role, scope, status and the business rules, saves only the changed fields, writes
a transition row and an audit entry, and writes its follow-up (a notification to
the demand's owner or the person's responsible officer) to the outbox in the same
transaction.

Only county staff (县委组织部干部) write; leaders are read-only. A refusal is a
``WorkflowError`` with a Chinese message; ``AlreadyHandled`` (a subclass) means
someone else moved the record first (two officers closing one demand: exactly
one closing).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cadre_portal import audit, bounds
from cadre_portal.models import AuditEvent, CodeItem, Role
from cadre_portal.notifications import outbox
from youth_cadres.retention import codes
from youth_cadres.retention.models import (
    FALLBACK_INTERVAL_MONTHS,
    LEAVING_INTENTIONS,
    CareRecord,
    CareTransition,
    Demand,
    DemandAction,
    DemandTransition,
    IntervalDefault,
    Intention,
    Interview,
    Measure,
)

Status = Demand.Status
Action = DemandTransition.Action
Outcome = CareRecord.Outcome
WRITERS = (Role.COUNTY_STAFF,)


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
    from_statuses: tuple[str, ...]
    to_status: str
    style: str = "primary"


ALLOWED: dict[str, Move] = {
    Action.HANDLE: Move("开始办理", (Status.RAISED,), Status.HANDLING),
    Action.RESOLVE: Move("办结：已解决", (Status.RAISED, Status.HANDLING), Status.RESOLVED, style="success"),
    Action.REFUSE: Move("办结：无法解决", (Status.RAISED, Status.HANDLING), Status.UNRESOLVABLE, style="danger"),
    Action.MEASURE: Move("措施解决", (Status.RAISED, Status.HANDLING), Status.RESOLVED, style="success"),
}

OUTCOMES: dict[str, tuple[tuple[str, ...], str]] = {
    CareTransition.Action.RETAIN: ((Outcome.NONE,), Outcome.RETAINED),
    CareTransition.Action.LOSE: ((Outcome.NONE, Outcome.RETAINED), Outcome.LOST),
}


# --- helpers ------------------------------------------------------------------------------------


def atomic_write(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with transaction.atomic():
            return func(*args, **kwargs)

    return wrapper


def check_writer(user) -> None:
    """Only county staff write; a leader is read-only, every other role is refused."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise WorkflowError("请先登录。")
    if user.is_read_only:
        raise WorkflowError("县领导账号为只读，不能办理业务。")
    if user.role not in WRITERS:
        raise WorkflowError("留才访谈和诉求办理由县委组织部干部办理。")


def can_write(user) -> bool:
    try:
        check_writer(user)
    except WorkflowError:
        return False
    return True


def _lock_care(user, pk) -> CareRecord:
    try:
        return (CareRecord.objects.visible_to(user).select_for_update(of=("self",))
                .select_related("cadre__unit__region", "candidate__village__parent").get(pk=pk))
    except CareRecord.DoesNotExist:
        raise WorkflowError("该关怀对象不存在或不在您的管辖范围内。") from None


def _lock_demand(user, pk) -> Demand:
    try:
        return (Demand.objects.visible_to(user).select_for_update(of=("self",))
                .select_related("care__cadre__unit__region", "care__candidate__village__parent", "category").get(pk=pk))
    except Demand.DoesNotExist:
        raise WorkflowError("该诉求不存在或不在您的管辖范围内。") from None


def _text(value, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message)
    return value


def _day(value, what: str, *, not_future: bool = True) -> date:
    if value is None:
        raise WorkflowError(f"请填写{what}。")
    if not_future and value > date.today():
        raise WorkflowError(f"{what}不能晚于今天。")
    _in_range(CareRecord, "entered_on", value, what)
    return value


def _in_range(model, field: str, value, what: str) -> None:
    try:
        bounds.check(model, field, value)
    except ValidationError as exc:
        raise WorkflowError(exc.messages[0].replace(model._meta.get_field(field).verbose_name, what, 1)) from None


def _money(value, what: str, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise WorkflowError(f"请填写{what}。")
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise WorkflowError(f"{what}应为金额（元）。") from None
    if not amount.is_finite() or amount < 0 or amount > 1_000_000:
        raise WorkflowError(f"{what}应在 0 至 1000000 元之间。")
    return amount.quantize(Decimal("0.01"))


def _category(category) -> CodeItem:
    if not isinstance(category, CodeItem) or category.table != codes.DEMAND_CATEGORY_TABLE:
        raise WorkflowError("请选择诉求类别。")
    return category


def _owner(user) -> None:
    if user is None:
        raise WorkflowError("请指定承办人。")
    if not user.is_active or user.role not in WRITERS:
        raise WorkflowError("承办人应为县委组织部干部。")


def _audit(by, care: CareRecord, summary: str, **detail) -> None:
    audit.record(AuditEvent.Kind.TRANSITION, user=by, region=care.region, summary=f"{care.name}（{care.workplace}）：{summary}",
                 care=care.pk, **detail)


def next_due_after(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def default_interval(registry: str, cohort: str = "") -> int:
    """The administrator's default interval (months) for a registry and cohort."""
    rows = dict(IntervalDefault.objects.filter(registry=registry, cohort__in=[cohort or "", ""]).values_list("cohort", "months"))
    return rows.get(cohort or "") or rows.get("") or FALLBACK_INTERVAL_MONTHS[registry]


# --- care records -------------------------------------------------------------------------------


ELIGIBLE_CANDIDATE_STAGES = ("training", "final_inspected", "committee_approved", "final_filed", "pool")


def _eligible(cadre, candidate) -> str:
    if bool(cadre) == bool(candidate):
        raise WorkflowError("请选择一名优秀年轻干部或一名村（社区）后备干部。")
    if cadre is not None:
        if not cadre.bank_entries.filter(status="in_bank").exists():
            raise WorkflowError(f"{cadre.name}不是优秀年轻干部库在库人员，不能纳入留才关怀。")
        return CareRecord.Registry.YOUTH
    if candidate.stage not in ELIGIBLE_CANDIDATE_STAGES:
        raise WorkflowError(f"{candidate.name}当前为“{candidate.get_stage_display()}”，只有培养中或储备库中的后备干部可纳入留才关怀。")
    return CareRecord.Registry.RESERVES


@atomic_write
def enrol(*, by, cadre=None, candidate=None, entered_on: date | None = None, interval_months: int | None = None,
          responsible=None) -> CareRecord:
    """Put a person under retention care (one care record per person). The interval
    defaults to the administrator's default for the registry (and cohort); the first
    interview is due one interval after ``entered_on``."""
    check_writer(by)
    from cadre_portal.scope import model_scope_q

    person = cadre or candidate
    if person is not None and not type(person).objects.filter(model_scope_q(type(person), by), pk=person.pk).exists():
        raise WorkflowError("该人员不在您的管辖范围内。")
    registry = _eligible(cadre, candidate)
    entered_on = _day(entered_on or date.today(), "纳入关怀日期")
    if interval_months in (None, ""):
        cohort = cadre.cohort if cadre is not None else ""
        interval_months = default_interval(registry, cohort)
    interval_months = _interval(interval_months)
    if responsible is not None:
        _owner(responsible)
    existing = CareRecord.objects.filter(cadre=cadre) if cadre is not None else CareRecord.objects.filter(candidate=candidate)
    if existing.exists():
        raise WorkflowError(f"{person.name}已在留才关怀对象中，不能重复纳入。")
    care = CareRecord(cadre=cadre, candidate=candidate, registry=registry, entered_on=entered_on,
                      interval_months=interval_months, next_due=next_due_after(entered_on, interval_months),
                      responsible=responsible or by, created_by=by)
    try:
        with transaction.atomic():
            care.save()
    except IntegrityError:
        raise WorkflowError(f"{person.name}已在留才关怀对象中，不能重复纳入。") from None
    CareTransition.objects.create(care=care, action=CareTransition.Action.ENROL, on=entered_on, by=by,
                                  note=f"访谈周期{interval_months}个月")
    _audit(by, care, "纳入留才关怀", action="enrol")
    return care


def _interval(value) -> int:
    try:
        months = int(value)
    except (TypeError, ValueError):
        raise WorkflowError("访谈周期应为 1 至 24 个月。") from None
    if not 1 <= months <= 24:
        raise WorkflowError("访谈周期应为 1 至 24 个月。")
    return months


@atomic_write
def change_interval(*, care: CareRecord, by, interval_months, responsible=None) -> CareRecord:
    """Edit a person's interval (and responsible officer); the next-due date follows
    from the last interview (or the enrolment) and the new interval."""
    check_writer(by)
    care = _lock_care(by, care.pk)
    if not care.is_active:
        raise WorkflowError("该人员已结束留才关怀。")
    months = _interval(interval_months)
    if responsible is not None:
        _owner(responsible)
        care.responsible = responsible
    old = care.interval_months
    care.interval_months = months
    care.next_due = next_due_after(care.last_interview_on or care.entered_on, months)
    care.save(update_fields=["interval_months", "next_due", "responsible"])
    CareTransition.objects.create(care=care, action=CareTransition.Action.INTERVAL, on=date.today(), by=by,
                                  note=f"访谈周期由{old}个月调整为{months}个月")
    _audit(by, care, f"访谈周期调整为{months}个月", action="interval", old=old, new=months)
    return care


# --- interviews ---------------------------------------------------------------------------------


@dataclass
class NewDemand:
    """A demand raised at an interview (or on its own)."""

    category: CodeItem
    content: str
    owner: object
    due_on: date
    nature: str = Demand.Nature.INDIVIDUAL


@atomic_write
def record_interview(*, care: CareRecord, by, held_on: date, interviewer, state_of_mind: str, intention: str,
                     unit_heard: bool = False, unit_opinion: str = "", demands: list[NewDemand] = ()) -> Interview:
    """Record an interview; it moves the next-due date forward (one interval after the
    latest interview) and sets the person's current intention. Demands raised at it
    are created in the same transaction, each told to its owner."""
    check_writer(by)
    care = _lock_care(by, care.pk)
    if not care.is_active:
        raise WorkflowError("该人员已结束留才关怀，不能再登记访谈。")
    state_of_mind, unit_opinion = check_interview(
        entered_on=care.entered_on, held_on=held_on, interviewer=interviewer, state_of_mind=state_of_mind,
        intention=intention, unit_heard=unit_heard, unit_opinion=unit_opinion)
    for item in demands:
        check_new_demand(item, raised_on=held_on)
    interview = Interview.objects.create(
        care=care, held_on=held_on, interviewer=interviewer, unit_heard=unit_heard, unit_opinion=unit_opinion,
        state_of_mind=state_of_mind, intention=intention, recorded_by=by,
    )
    latest = max(held_on, care.last_interview_on or held_on)
    fields = ["last_interview_on", "next_due", "ever_meant_to_leave"]
    if latest == held_on:
        care.intention = intention
        fields.append("intention")
    care.last_interview_on = latest
    care.next_due = next_due_after(latest, care.interval_months)
    care.ever_meant_to_leave = care.ever_meant_to_leave or intention in LEAVING_INTENTIONS
    care.save(update_fields=fields)
    CareTransition.objects.create(care=care, action=CareTransition.Action.INTERVIEW, on=held_on, by=by,
                                  note=f"本人意向：{Intention(intention).label}")
    _audit(by, care, f"登记访谈（{held_on:%Y-%m-%d}，{Intention(intention).label}）", action="interview", interview=interview.pk)
    for item in demands:
        _create_demand(care, item, by=by, raised_on=held_on, interview=interview)
    return interview


def check_interview(*, entered_on: date, held_on: date | None, interviewer, state_of_mind: str, intention: str,
                    unit_heard: bool = False, unit_opinion: str = "") -> tuple[str, str]:
    """The checks of an interview of a person under care since ``entered_on`` (a
    ``WorkflowError`` for the first problem); returns the cleaned texts
    ``(state_of_mind, unit_opinion)``. Also used by the Excel registry's preview."""
    if held_on is None:
        raise WorkflowError("请填写访谈日期。")
    if held_on > date.today():
        raise WorkflowError("访谈日期不能晚于今天。")
    if held_on < entered_on:
        raise WorkflowError(f"访谈日期不能早于纳入关怀日期（{entered_on:%Y年%m月%d日}）。")
    if interviewer is None:
        raise WorkflowError("请填写访谈人。")
    state_of_mind = _text(state_of_mind, "请填写思想和工作动态。")
    if intention not in Intention.values:
        raise WorkflowError("请选择本人意向（安心工作、有离开意向或已提出调离）。")
    unit_opinion = (unit_opinion or "").strip()
    if unit_heard and not unit_opinion:
        raise WorkflowError("同时访谈了所在单位时，请填写单位意见。")
    return state_of_mind, unit_opinion


def check_raised_on(*, entered_on: date, raised_on: date) -> None:
    """A demand's date: not in the future, not before the person's care began."""
    if raised_on > date.today():
        raise WorkflowError("诉求提出日期不能晚于今天。")
    if raised_on < entered_on:
        raise WorkflowError(f"诉求提出日期不能早于纳入关怀日期（{entered_on:%Y年%m月%d日}）。")


def check_new_demand(item: NewDemand, *, raised_on: date) -> None:
    """The checks of a new demand raised on ``raised_on`` (also the Excel preview's)."""
    _category(item.category)
    _text(item.content, "请填写诉求内容。")
    _owner(item.owner)
    if item.due_on is None:
        raise WorkflowError("请填写诉求的办理期限。")
    if item.due_on < raised_on:
        raise WorkflowError("办理期限不能早于诉求提出日期。")
    _in_range(Demand, "due_on", item.due_on, "办理期限")
    if item.nature not in Demand.Nature.values:
        raise WorkflowError("请选择诉求性质（个性诉求或共性诉求）。")


def _create_demand(care, item: NewDemand, *, by, raised_on: date, interview=None) -> Demand:
    demand = Demand.objects.create(
        care=care, interview=interview, category=item.category, nature=item.nature, content=item.content.strip(),
        raised_on=raised_on, owner=item.owner, due_on=item.due_on, created_by=by,
    )
    DemandTransition.objects.create(demand=demand, action=Action.RAISE, from_status="", to_status=demand.status, by=by)
    _audit(by, care, f"提出{item.category.name}诉求", action="raise", demand=demand.pk)
    if item.owner.pk != by.pk:
        outbox.notify(
            recipients=[item.owner], region=care.region, title=f"请办理：{care.name}的{item.category.name}诉求",
            body=f"{item.content.strip()[:200]}（办理期限 {item.due_on:%Y-%m-%d}）", link=demand.get_absolute_url(),
        )
    return demand


@atomic_write
def raise_demand(*, care: CareRecord, by, item: NewDemand, raised_on: date | None = None) -> Demand:
    """A demand raised outside an interview (a letter, a visit)."""
    check_writer(by)
    care = _lock_care(by, care.pk)
    if not care.is_active:
        raise WorkflowError("该人员已结束留才关怀。")
    raised_on = raised_on or date.today()
    check_raised_on(entered_on=care.entered_on, raised_on=raised_on)
    check_new_demand(item, raised_on=raised_on)
    return _create_demand(care, item, by=by, raised_on=raised_on)


# --- demands ------------------------------------------------------------------------------------


def _check_status(demand: Demand, key: str) -> Move:
    move = ALLOWED[key]
    if demand.status not in move.from_statuses:
        if not demand.is_open:
            raise AlreadyHandled(f"该诉求已办结（{demand.get_status_display()}），请刷新页面。")
        raise WorkflowError(f"该诉求当前为“{demand.get_status_display()}”，不能办理“{move.label}”。")
    return move


def _move(demand: Demand, key: str, *, by, note: str = "", fields=()) -> DemandTransition:
    from_status = demand.status
    demand.status = ALLOWED[key].to_status
    demand.save(update_fields=["status", *fields])
    row = DemandTransition.objects.create(demand=demand, action=key, from_status=from_status, to_status=demand.status,
                                          by=by, note=note)
    _audit(by, demand.care, f"{demand.category.name}诉求 {Action(key).label}", action=key, demand=demand.pk,
           from_status=from_status, to_status=demand.status)
    return row


def available_actions(demand: Demand, user) -> list[tuple[str, Move]]:
    if not can_write(user):
        return []
    return [(key, move) for key, move in ALLOWED.items() if key != Action.MEASURE and demand.status in move.from_statuses]


@atomic_write
def start_handling(*, demand: Demand, by, note: str = "") -> Demand:
    check_writer(by)
    demand = _lock_demand(by, demand.pk)
    _check_status(demand, Action.HANDLE)
    _move(demand, Action.HANDLE, by=by, note=(note or "").strip())
    return demand


@atomic_write
def add_action(*, demand: Demand, by, on: date, note: str) -> DemandAction:
    """A dated note of what was done (a demand still open moves to 办理中)."""
    check_writer(by)
    demand = _lock_demand(by, demand.pk)
    if not demand.is_open:
        raise AlreadyHandled(f"该诉求已办结（{demand.get_status_display()}），不能再登记办理情况。")
    note = _text(note, "请填写办理情况。")
    on = _day(on, "办理日期")
    if on < demand.raised_on:
        raise WorkflowError("办理日期不能早于诉求提出日期。")
    row = DemandAction.objects.create(demand=demand, on=on, note=note, by=by)
    if demand.status == Status.RAISED:
        _move(demand, Action.HANDLE, by=by, note=note)
    else:
        _audit(by, demand.care, f"{demand.category.name}诉求 登记办理情况", action="note", demand=demand.pk)
    return row


def _close(demand: Demand, key: str, *, by, closed_on: date, resolution: str, pay_rise=None, measure=None) -> Demand:
    if closed_on is None:
        raise WorkflowError("请填写办结日期。")
    if closed_on > date.today():
        raise WorkflowError("办结日期不能晚于今天。")
    if closed_on < demand.raised_on:
        raise WorkflowError("办结日期不能早于诉求提出日期。")
    demand.resolution = resolution
    demand.closed_on = closed_on
    fields = ["resolution", "closed_on"]
    if key in (Action.RESOLVE, Action.MEASURE) and demand.category.code == codes.PAY:
        if pay_rise is None or pay_rise <= 0:
            raise WorkflowError("薪酬增资诉求办结为“已解决”时，请填写每月增资金额（元）。")
        demand.pay_rise = pay_rise
        fields.append("pay_rise")
    if measure is not None:
        demand.measure = measure
        fields.append("measure")
    _move(demand, key, by=by, note=resolution, fields=fields)
    care = demand.care
    if care.responsible_id and care.responsible_id != by.pk:
        outbox.notify(
            recipients=[care.responsible_id], region=care.region,
            title=f"{care.name}的{demand.category.name}诉求已办结：{demand.get_status_display()}",
            body=resolution[:300], link=demand.get_absolute_url(),
        )
    return demand


def check_closing(*, status: str, raised_on: date, closed_on: date | None, resolution: str, category_code: str,
                  pay_rise=None) -> None:
    """The checks ``resolve`` / ``refuse`` make of a closing to ``status`` (已解决 or
    无法解决), for the Excel registry's preview (a ``WorkflowError`` for the first problem)."""
    if status == Status.RESOLVED:
        _text(resolution, "办结诉求时请填写办理结果。")
    else:
        _text(resolution, "办结为“无法解决”时请填写原因。")
    if closed_on is None:
        raise WorkflowError("请填写办结日期。")
    if closed_on > date.today():
        raise WorkflowError("办结日期不能晚于今天。")
    if closed_on < raised_on:
        raise WorkflowError("办结日期不能早于诉求提出日期。")
    rise = _money(pay_rise, "增资金额")
    if status == Status.RESOLVED and category_code == codes.PAY and (rise is None or rise <= 0):
        raise WorkflowError("薪酬增资诉求办结为“已解决”时，请填写每月增资金额（元）。")


@atomic_write
def resolve(*, demand: Demand, by, resolution: str, closed_on: date | None = None, pay_rise=None) -> Demand:
    """办结为已解决: a resolution is required; a pay demand records the monthly rise."""
    check_writer(by)
    demand = _lock_demand(by, demand.pk)
    _check_status(demand, Action.RESOLVE)
    resolution = _text(resolution, "办结诉求时请填写办理结果。")
    return _close(demand, Action.RESOLVE, by=by, closed_on=closed_on or date.today(), resolution=resolution,
                  pay_rise=_money(pay_rise, "增资金额"))


@atomic_write
def refuse(*, demand: Demand, by, reason: str, closed_on: date | None = None) -> Demand:
    """办结为无法解决: the reason is required."""
    check_writer(by)
    demand = _lock_demand(by, demand.pk)
    _check_status(demand, Action.REFUSE)
    reason = _text(reason, "办结为“无法解决”时请填写原因。")
    return _close(demand, Action.REFUSE, by=by, closed_on=closed_on or date.today(), resolution=reason)


# --- measures -----------------------------------------------------------------------------------


AMOUNT_CATEGORIES = (codes.ALLOWANCE, codes.PAY)


def check_measure(*, title: str, category, effective_on, amount_before=None, amount_after=None,
                  reduction_reason: str = "") -> dict:
    """The checked fields of a measure (a ``WorkflowError`` for the first problem)."""
    title = _text(title, "请填写措施名称。")
    category = _category(category)
    if effective_on is None:
        raise WorkflowError("请填写实施日期。")
    _in_range(Measure, "effective_on", effective_on, "实施日期")
    needs_amounts = category.code == codes.ALLOWANCE
    before = _money(amount_before, "调整前金额", required=needs_amounts)
    after = _money(amount_after, "调整后金额", required=needs_amounts)
    if (before is None) != (after is None):
        raise WorkflowError("调整前、调整后金额应同时填写。")
    reduction_reason = (reduction_reason or "").strip()
    if before is not None and after < before and not reduction_reason:
        raise WorkflowError("调整后金额低于调整前金额，请说明理由。")
    return dict(title=title, category=category, effective_on=effective_on, amount_before=before, amount_after=after,
                reduction_reason=reduction_reason)


@atomic_write
def create_measure(*, by, title: str, category, effective_on: date, content: str = "", amount_before=None,
                   amount_after=None, reduction_reason: str = "", demands=()) -> Measure:
    """Record a policy measure; ``demands`` (open demands of its category) are resolved by it."""
    check_writer(by)
    fields = check_measure(title=title, category=category, effective_on=effective_on, amount_before=amount_before,
                           amount_after=amount_after, reduction_reason=reduction_reason)
    measure = Measure.objects.create(content=(content or "").strip(), created_by=by, **fields)
    audit.record(AuditEvent.Kind.TRANSITION, user=by, summary=f"录入留才措施：{measure.title}", measure=measure.pk)
    if demands:
        _apply(measure, demands, by=by)
    return measure


@atomic_write
def apply_measure(*, measure: Measure, by, demands, pay_rise=None) -> list[Demand]:
    """Resolve many people's demands at once by a measure (each demand closed on the
    measure's date, with a transition row; a pay measure records its rise per person)."""
    check_writer(by)
    measure = Measure.objects.visible_to(by).select_for_update().get(pk=measure.pk)
    return _apply(measure, demands, by=by, pay_rise=pay_rise)


def _apply(measure: Measure, demands, *, by, pay_rise=None) -> list[Demand]:
    ids = sorted({getattr(d, "pk", d) for d in demands})
    if not ids:
        raise WorkflowError("请选择要由该措施解决的诉求。")
    if measure.effective_on > date.today():
        raise WorkflowError("措施尚未实施（实施日期晚于今天），不能据此办结诉求。")
    locked = list(Demand.objects.visible_to(by).select_for_update(of=("self",)).filter(pk__in=ids)
                  .select_related("category", "care__cadre__unit__region", "care__candidate__village__parent").order_by("pk"))
    if len(locked) != len(ids):
        raise WorkflowError("所选诉求中有不存在或不在您管辖范围内的诉求。")
    rise = _money(pay_rise, "增资金额")
    if rise is None and measure.category.code == codes.PAY and measure.amount_after is not None:
        rise = measure.amount_after - (measure.amount_before or 0)
    closed = []
    for demand in locked:
        if demand.category_id != measure.category_id:
            raise WorkflowError(f"{demand.care.name}的诉求类别为“{demand.category.name}”，与措施类别“{measure.category.name}”不同。")
        _check_status(demand, Action.MEASURE)
        if demand.raised_on > measure.effective_on:
            raise WorkflowError(f"{demand.care.name}的诉求提出于措施实施之后，请单独办结。")
        closed.append(_close(demand, Action.MEASURE, by=by, closed_on=measure.effective_on,
                             resolution=f"通过措施“{measure.title}”解决。{measure.amounts_text}".strip(),
                             pay_rise=rise, measure=measure))
    return closed


# --- outcomes -----------------------------------------------------------------------------------


def _outcome_move(care: CareRecord, key: str) -> str:
    from_outcomes, to_outcome = OUTCOMES[key]
    if care.outcome not in from_outcomes:
        if care.outcome == to_outcome:
            raise AlreadyHandled(f"{care.name}已登记为“{care.get_outcome_display()}”，请刷新页面。")
        raise WorkflowError(f"{care.name}已登记为“{care.get_outcome_display()}”，不能再登记。")
    return to_outcome


@atomic_write
def record_retained(*, care: CareRecord, by, on: date, note: str, measure: Measure | None = None) -> CareRecord:
    """留下: someone who stated an intention to leave (有离开意向/已提出调离) stays after the
    department's action, recorded with the date and the decisive measure (a policy
    measure, or the individual action described in ``note``)."""
    check_writer(by)
    care = _lock_care(by, care.pk)
    to_outcome = _outcome_move(care, CareTransition.Action.RETAIN)
    if not care.ever_meant_to_leave:
        raise WorkflowError(f"{care.name}从未在访谈中表达离开意向（有离开意向或已提出调离），不能登记为“留下”。")
    on = _day(on, "留下日期")
    if on < care.entered_on:
        raise WorkflowError("留下日期不能早于纳入关怀日期。")
    note = _text(note, "请写明起决定作用的措施或做法。")
    if measure is not None and not Measure.objects.visible_to(by).filter(pk=measure.pk).exists():
        raise WorkflowError("所选措施不存在。")
    from_outcome = care.outcome
    care.outcome, care.outcome_on, care.outcome_note, care.decisive_measure = to_outcome, on, note, measure
    care.save(update_fields=["outcome", "outcome_on", "outcome_note", "decisive_measure"])
    CareTransition.objects.create(care=care, action=CareTransition.Action.RETAIN, from_outcome=from_outcome,
                                  to_outcome=to_outcome, on=on, by=by, note=note)
    _audit(by, care, "登记为成功留下", action="retain", measure=getattr(measure, "pk", None))
    return care


@atomic_write
def record_lost(*, care: CareRecord, by, on: date, destination: str, note: str = "") -> CareRecord:
    """流失: the person left; recorded with the destination. Their care ends."""
    check_writer(by)
    care = _lock_care(by, care.pk)
    to_outcome = _outcome_move(care, CareTransition.Action.LOSE)
    on = _day(on, "离开日期")
    if on < care.entered_on:
        raise WorkflowError("离开日期不能早于纳入关怀日期。")
    destination = _text(destination, "请填写流失去向。")
    from_outcome = care.outcome
    care.outcome, care.outcome_on, care.destination = to_outcome, on, destination
    care.outcome_note = (note or "").strip()
    care.status, care.ended_on, care.next_due = CareRecord.Status.ENDED, on, None
    care.save(update_fields=["outcome", "outcome_on", "destination", "outcome_note", "status", "ended_on", "next_due"])
    CareTransition.objects.create(care=care, action=CareTransition.Action.LOSE, from_outcome=from_outcome,
                                  to_outcome=to_outcome, on=on, by=by, note=f"去向：{destination}")
    _audit(by, care, f"登记为流失（去向：{destination}）", action="lose")
    return care


@atomic_write
def end_care(*, care: CareRecord, by, on: date, reason: str) -> CareRecord:
    """结束关怀 (e.g. left the bank by appointment elsewhere): no more interviews are due."""
    check_writer(by)
    care = _lock_care(by, care.pk)
    if not care.is_active:
        raise AlreadyHandled("该人员已结束留才关怀，请刷新页面。")
    reason = _text(reason, "请填写结束关怀的原因。")
    on = _day(on, "结束日期")
    care.status, care.ended_on, care.next_due = CareRecord.Status.ENDED, on, None
    care.save(update_fields=["status", "ended_on", "next_due"])
    CareTransition.objects.create(care=care, action=CareTransition.Action.END, on=on, by=by, note=reason)
    _audit(by, care, "结束留才关怀", action="end")
    return care
