"""The only code that changes a bank entry's status and a post's holders.

``ALLOWED`` declares every move of a ``BankEntry``: from which statuses, to which,
by which role (推荐 → 考察 → 入库 → 任用 / 调出). Each business verb below is one
function with keyword-only arguments that runs in one transaction, re-reads the
entry under a row lock (``select_for_update``; on SQLite the IMMEDIATE
transactions of the settings queue writers instead), checks role, scope, status
and the business rules, saves only the changed fields, writes a
``BankTransition`` row and an audit entry.

Posts: ``Post.holder_count`` and ``Post.candidate_count`` are derived totals kept
here in the same transaction as the change that moves them. A holder is added
only by a conditional ``UPDATE … SET holder_count = holder_count + 1 WHERE
holder_count < headcount`` (and the database refuses more holders than the
headcount), so two concurrent appointments to a post's last vacancy cannot both
succeed. ``recount_posts`` recomputes both totals (``manage.py recount_posts``).

A refusal is a ``WorkflowError`` with a Chinese message for the user;
``AlreadyHandled`` (a subclass) means someone else moved the record first.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q

from cadre_portal import audit
from cadre_portal.models import AuditEvent, Role
from cadre_portal.scope import unit_in_scope
from youth_cadres import cohorts
from youth_cadres.models import (
    Appointment,
    AppointmentRound,
    BankEntry,
    BankTarget,
    BankTransition,
    Cadre,
    Post,
    PostHolding,
)

Status = BankEntry.Status
Action = BankTransition.Action
COUNTY = (Role.COUNTY_STAFF,)
OPEN = BankEntry.OPEN_STATUSES


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
    to_status: str | None  # None: stays where it is
    roles: tuple[str, ...] = COUNTY
    style: str = "primary"
    reason_required: bool = False


ALLOWED: dict[str, Move] = {
    Action.INSPECT: Move("启动考察", (Status.RECOMMENDED,), Status.INSPECTING),
    Action.ADMIT: Move("考察合格，入库", (Status.INSPECTING,), Status.IN_BANK, style="success"),
    Action.APPOINT: Move("任用", (Status.IN_BANK,), Status.APPOINTED, style="success"),
    Action.TRANSFER: Move("调出", OPEN, Status.TRANSFERRED, style="danger", reason_required=True),
    Action.MARK: Move("调整重点培养对象", (Status.IN_BANK,), None, style="secondary"),
    Action.TARGETS: Move("调整培养目标岗位", OPEN, None, style="secondary"),
}

DUPLICATE_MESSAGE = "该干部已在优秀年轻干部库中（推荐、考察中或已入库），不能重复推荐。"


# --- helpers ------------------------------------------------------------------------------------


def atomic_write(func):
    """``transaction.atomic`` for a workflow function (see the module docstring)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with transaction.atomic():
            return func(*args, **kwargs)

    return wrapper


def check_actor(user, cadre: Cadre, roles=COUNTY) -> None:
    """Role and scope: a read-only leader, another role, or a cadre outside the user's
    scope (a unit contact's other units) is refused with a Chinese message."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise WorkflowError("请先登录。")
    if user.is_read_only:
        raise WorkflowError("县领导账号为只读，不能办理业务。")
    if user.role not in roles:
        names = "、".join(Role(r).label for r in roles)
        raise WorkflowError(f"此操作由{names}办理。")
    if not unit_in_scope(user, cadre.unit):
        if user.is_unit_contact:
            raise WorkflowError("该干部不是您所联络单位的干部，不能为其填报。")
        raise WorkflowError("该干部不在您的管辖范围内。")


def _lock(pk) -> BankEntry:
    return BankEntry.objects.select_for_update(of=("self",)).select_related("cadre__unit").get(pk=pk)


def _check_status(entry: BankEntry, key: str) -> Move:
    move = ALLOWED[key]
    if entry.status not in move.from_statuses:
        if move.to_status and entry.status == move.to_status or entry.status in (Status.APPOINTED, Status.TRANSFERRED):
            raise AlreadyHandled(f"该干部{BankEntry.STATUS_PHRASES[entry.status]}，此事项已办理，请刷新页面。")
        raise WorkflowError(f"该干部{BankEntry.STATUS_PHRASES[entry.status]}，不能办理“{move.label}”。")
    return move


def _record(entry: BankEntry, *, from_status: str, action: str, by, opinion: str = "") -> BankTransition:
    row = BankTransition.objects.create(
        entry=entry, from_status=from_status, to_status=entry.status, action=action, by=by, opinion=opinion
    )
    audit.record(
        AuditEvent.Kind.TRANSITION, user=by, region=entry.cadre.unit.region,
        summary=f"{entry.cadre.name}（{entry.cadre.unit.name}）：优秀年轻干部库 {Action(action).label}",
        bank_entry=entry.pk, cadre=entry.cadre_id, action=action, from_status=from_status, to_status=entry.status,
    )
    return row


def _move(entry: BankEntry, key: str, *, by, opinion: str = "", fields: tuple[str, ...] = ()) -> BankTransition:
    from_status = entry.status
    move = ALLOWED[key]
    if move.to_status is not None:
        entry.status = move.to_status
    entry.save(update_fields=["status", *fields])
    return _record(entry, from_status=from_status, action=key, by=by, opinion=opinion)


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise WorkflowError(message)
    return value


def _not_future(day: date | None, what: str) -> date:
    day = day or date.today()
    if day > date.today():
        raise WorkflowError(f"{what}不能晚于今天。")
    return day


def _check_posts(user, posts) -> list[Post]:
    posts = list(posts or [])
    for post in posts:
        if not unit_in_scope(user, post.unit):
            raise WorkflowError(f"岗位“{post}”不在您的管辖范围内。")
    return posts


def _bump_candidates(post_ids, delta: int) -> None:
    """Keep ``Post.candidate_count`` (bank members targeted at the post) in step."""
    if post_ids:
        Post.objects.filter(pk__in=list(post_ids)).update(candidate_count=F("candidate_count") + delta)


# --- rules (also shown in the UI when unmet) ------------------------------------------------------


def cohort_blockers(cadre: Cadre, as_of: date | None = None) -> list[str]:
    if cohorts.cohort_of(cadre, as_of) == "":
        return [
            "该干部不符合入库类别（80后处级或正科满三年、85后正科、90后副科及省选调生和名校毕业生工作满三年、"
            "80后90后专业干部），请核对出生日期、职务层次（职级）、任现职级时间、参加工作时间和标签。"
        ]
    return []


def admit_blockers(entry: BankEntry, as_of: date | None = None) -> list[str]:
    problems = cohort_blockers(entry.cadre, as_of)
    if not entry.targets.exists():
        problems.append("请先确定至少一个培养目标岗位（一个岗位2名以上培养对象）。")
    return problems


def appoint_blockers(entry: BankEntry) -> list[str]:
    return []


def blockers(entry: BankEntry, key: str) -> list[str]:
    if key == Action.ADMIT:
        return admit_blockers(entry)
    return []


@dataclass
class AvailableAction:
    key: str
    label: str
    style: str
    reason_required: bool
    blockers: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.blockers


def available_actions(entry: BankEntry, user) -> list[AvailableAction]:
    """The moves the user may make now (role, scope and status fit), each with the
    business rules still unmet; the page shows a button when ``allowed``."""
    if user is None or not user.is_authenticated or user.is_read_only:
        return []
    if not unit_in_scope(user, entry.cadre.unit):
        return []
    result = []
    for key, move in ALLOWED.items():
        if user.role not in move.roles or entry.status not in move.from_statuses:
            continue
        result.append(AvailableAction(key, move.label, move.style, move.reason_required, blockers(entry, key)))
    return result


def can_recommend(cadre: Cadre, user) -> bool:
    return (
        user.is_authenticated and not user.is_read_only and user.role in COUNTY and unit_in_scope(user, cadre.unit)
        and not BankEntry.objects.filter(cadre=cadre, status__in=OPEN).exists()
    )


# --- the bank ---------------------------------------------------------------------------------------


@atomic_write
def recommend(
    *, cadre: Cadre, by, source: str, recommended_on: date | None = None, recommendation: str = "",
    target_posts=(), action: str = Action.RECOMMEND,
) -> BankEntry:
    """Recommend a cadre for the bank (推荐). The cadre must fall in a cohort; one open
    entry per cadre (the database refuses a second)."""
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("unit__region").get(pk=cadre.pk)
    check_actor(by, cadre)
    if source not in BankEntry.Source.values:
        raise WorkflowError("请选择推荐来源。")
    recommended_on = _not_future(recommended_on, "推荐日期")
    if BankEntry.objects.filter(cadre=cadre, status__in=OPEN).exists():
        raise WorkflowError(DUPLICATE_MESSAGE)
    problems = cohort_blockers(cadre, recommended_on)
    if problems:
        raise WorkflowError(problems[0])
    posts = _check_posts(by, target_posts)
    entry = BankEntry(
        cadre=cadre, source=source, recommended_on=recommended_on, recommendation=(recommendation or "").strip(),
        created_by=by, status=Status.RECOMMENDED,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise WorkflowError(DUPLICATE_MESSAGE) from None
    BankTarget.objects.bulk_create([BankTarget(entry=entry, post=p) for p in posts])
    opinion = f"{entry.get_source_display()}。{entry.recommendation}".strip()
    _record(entry, from_status="", action=action, by=by, opinion=opinion)
    return entry


@atomic_write
def start_inspection(*, entry: BankEntry, by, on: date | None = None, opinion: str = "") -> BankTransition:
    """The department starts the inspection (考察) of a recommended cadre."""
    e = _lock(entry.pk)
    check_actor(by, e.cadre)
    _check_status(e, Action.INSPECT)
    e.inspection_start = _not_future(on, "考察开始日期")
    if e.inspection_start < e.recommended_on:
        raise WorkflowError(f"考察开始日期不能早于推荐日期（{e.recommended_on:%Y年%m月%d日}）。")
    return _move(e, Action.INSPECT, by=by, opinion=(opinion or "").strip(), fields=("inspection_start",))


@atomic_write
def admit(
    *, entry: BankEntry, by, inspection_opinion: str, entry_date: date | None = None, key_training: bool = False,
) -> BankTransition:
    """The inspection passed: the cadre enters the bank (入库) on ``entry_date``. Needs a
    cohort on that day and at least one target post; the posts' candidate counts grow."""
    e = _lock(entry.pk)
    check_actor(by, e.cadre)
    _check_status(e, Action.ADMIT)
    e.entry_date = _not_future(entry_date, "入库日期")
    if e.inspection_start and e.entry_date < e.inspection_start:
        raise WorkflowError(f"入库日期不能早于考察开始日期（{e.inspection_start:%Y年%m月%d日}）。")
    problems = admit_blockers(e, e.entry_date)
    if problems:
        raise WorkflowError(problems[0])
    e.inspection_opinion = _require_text(inspection_opinion, "请填写考察意见。")
    e.key_training = bool(key_training)
    e.key_training_since = e.entry_date if key_training else None
    _bump_candidates(e.targets.values_list("post_id", flat=True), +1)
    cohort = cohorts.label(cohorts.cohort_of(e.cadre, e.entry_date))
    return _move(
        e, Action.ADMIT, by=by, opinion=f"培养类别：{cohort}。{e.inspection_opinion}",
        fields=("entry_date", "inspection_opinion", "key_training", "key_training_since"),
    )


@atomic_write
def set_key_training(*, entry: BankEntry, by, key_training: bool, opinion: str = "") -> BankTransition:
    """Mark or unmark a bank member as a key training object (重点培养对象)."""
    e = _lock(entry.pk)
    check_actor(by, e.cadre)
    _check_status(e, Action.MARK)
    if e.key_training == bool(key_training):
        raise AlreadyHandled("重点培养对象标记没有变化。")
    e.key_training = bool(key_training)
    e.key_training_since = date.today() if key_training else None
    what = "列为重点培养对象" if key_training else "不再列为重点培养对象"
    return _move(e, Action.MARK, by=by, opinion=f"{what}。{(opinion or '').strip()}".strip(), fields=("key_training", "key_training_since"))


@atomic_write
def set_targets(*, entry: BankEntry, by, posts, opinion: str = "") -> BankTransition:
    """Replace the target posts (培养目标岗位); counts follow for a member in the bank."""
    e = _lock(entry.pk)
    check_actor(by, e.cadre)
    _check_status(e, Action.TARGETS)
    posts = _check_posts(by, posts)
    if not posts:
        raise WorkflowError("请至少选择一个培养目标岗位。")
    old = set(e.targets.values_list("post_id", flat=True))
    new = {p.pk for p in posts}
    if old == new:
        raise AlreadyHandled("培养目标岗位没有变化。")
    BankTarget.objects.filter(entry=e, post_id__in=old - new).delete()
    BankTarget.objects.bulk_create([BankTarget(entry=e, post_id=pk) for pk in sorted(new - old)])
    if e.status == Status.IN_BANK:
        _bump_candidates(old - new, -1)
        _bump_candidates(new - old, +1)
    names = "、".join(str(p) for p in posts)
    return _move(e, Action.TARGETS, by=by, opinion=f"培养目标岗位：{names}。{(opinion or '').strip()}".strip())


@atomic_write
def transfer_out(*, entry: BankEntry, by, reason: str, on: date | None = None) -> BankTransition:
    """调出: the cadre leaves the bank (or the recommendation ends) with a reason."""
    e = _lock(entry.pk)
    check_actor(by, e.cadre)
    _check_status(e, Action.TRANSFER)
    e.exit_reason = _require_text(reason, "请填写调出理由。")
    e.exit_date = _not_future(on, "调出日期")
    if e.status == Status.IN_BANK:
        _bump_candidates(e.targets.values_list("post_id", flat=True), -1)
    return _move(e, Action.TRANSFER, by=by, opinion=e.exit_reason, fields=("exit_reason", "exit_date"))


@atomic_write
def import_recommendations(*, items: list[dict], by, note: str = "Excel 导入") -> list[BankEntry]:
    """Recommend many cadres at once (the Excel import): ``items`` are dicts with
    ``row`` (the sheet row, for messages), ``cadre_id``, ``source``, ``recommended_on``,
    ``recommendation`` and ``post_ids``. The same rules as ``recommend``, checked for the
    whole file in a few queries (cadres, open entries, posts), then bulk inserts of the
    entries, their targets and their transition rows — no query per row."""
    from cadre_portal.bulk import build, bulk_insert_with_history

    if by is None or not by.is_authenticated or by.is_read_only or by.role not in COUNTY:
        raise WorkflowError("推荐入库由县委组织部干部办理。")
    if not items:
        return []
    cadre_ids = [item["cadre_id"] for item in items]
    if len(set(cadre_ids)) != len(cadre_ids):
        raise WorkflowError("导入的数据中有重复的干部。")
    cadres = Cadre.objects.visible_to(by).select_for_update(of=("self",)).in_bulk(cadre_ids)
    taken = set(BankEntry.objects.filter(cadre_id__in=cadre_ids, status__in=OPEN).values_list("cadre_id", flat=True))
    post_ids = {pk for item in items for pk in item.get("post_ids", ())}
    posts = Post.objects.visible_to(by).in_bulk(post_ids)
    errors = []
    for item in items:
        cadre = cadres.get(item["cadre_id"])
        day = item["recommended_on"]
        if cadre is None:
            errors.append(f"第 {item['row']} 行：该干部不在您的管辖范围内。")
        elif cadre.pk in taken:
            errors.append(f"第 {item['row']} 行：{DUPLICATE_MESSAGE}")
        elif day > date.today():
            errors.append(f"第 {item['row']} 行：推荐日期不能晚于今天。")
        elif cohort_blockers(cadre, day):
            errors.append(f"第 {item['row']} 行：{cadre.name}不符合入库类别。")
        elif set(item.get("post_ids", ())) - set(posts):
            errors.append(f"第 {item['row']} 行：培养目标岗位不在您的管辖范围内。")
    if errors:
        raise WorkflowError("；".join(errors[:10]) + ("……" if len(errors) > 10 else ""))
    entries = build(BankEntry, [
        {"cadre_id": item["cadre_id"], "status": Status.RECOMMENDED, "source": item["source"], "recommended_on": item["recommended_on"],
         "recommendation": (item.get("recommendation") or "").strip(), "created_by_id": by.pk}
        for item in items
    ])
    try:
        with transaction.atomic():
            bulk_insert_with_history(entries, BankEntry, user=by)
    except IntegrityError:
        raise WorkflowError(DUPLICATE_MESSAGE) from None
    if any(e.pk is None for e in entries):  # backends that do not return ids
        by_cadre = dict(BankEntry.objects.filter(cadre_id__in=cadre_ids, status=Status.RECOMMENDED).values_list("cadre_id", "pk"))
        for e in entries:
            e.pk = e.id = by_cadre[e.cadre_id]
    targets = build(BankTarget, [
        {"entry_id": e.pk, "post_id": pk} for e, item in zip(entries, items) for pk in sorted(set(item.get("post_ids", ())))
    ])
    bulk_insert_with_history(targets, BankTarget, user=by)
    rows = build(BankTransition, [
        {"entry_id": e.pk, "from_status": "", "to_status": Status.RECOMMENDED, "action": Action.IMPORT, "by_id": by.pk,
         "opinion": f"{BankEntry.Source(e.source).label}。{note}"}
        for e in entries
    ])
    bulk_insert_with_history(rows, BankTransition, user=by)
    audit.record(AuditEvent.Kind.TRANSITION, user=by, summary=f"导入优秀年轻干部库推荐人选 {len(entries)} 人",
                 action=Action.IMPORT, count=len(entries))
    return entries


# --- posts and appointment --------------------------------------------------------------------------


def _take_seat(post: Post) -> None:
    """One more holder, if the headcount allows: a conditional UPDATE, so concurrent
    callers cannot both take the last vacancy."""
    taken = Post.objects.filter(pk=post.pk, holder_count__lt=F("headcount")).update(holder_count=F("holder_count") + 1)
    if not taken:
        current = Post.objects.filter(pk=post.pk).values("headcount", "holder_count").first() or {}
        raise WorkflowError(
            f"“{post}”核定职数 {current.get('headcount', post.headcount)} 名，现任 {current.get('holder_count', '')} 名，"
            "已无空缺，不能再任职。"
        )


def _leave_seat(holding: PostHolding, *, on: date, reason: str) -> None:
    holding.end = on
    holding.end_reason = reason
    holding.save(update_fields=["end", "end_reason"])
    Post.objects.filter(pk=holding.post_id, holder_count__gt=0).update(holder_count=F("holder_count") - 1)


@atomic_write
def add_holder(*, post: Post, cadre: Cadre, by, start: date) -> PostHolding:
    """Record a current holder of a post (岗位摸底): refused beyond the headcount."""
    check_actor(by, cadre)
    if not unit_in_scope(by, post.unit):
        raise WorkflowError("该岗位不在您的管辖范围内。")
    _not_future(start, "任职时间")
    if PostHolding.objects.filter(post=post, cadre=cadre, end__isnull=True).exists():
        raise WorkflowError(f"{cadre.name}已是“{post}”的现任人员。")
    _take_seat(post)
    holding = PostHolding.objects.create(post=post, cadre=cadre, start=start)
    audit.record(AuditEvent.Kind.OTHER, user=by, region=post.unit.region, summary=f"登记现任人员：{post} {cadre.name}", post=post.pk, cadre=cadre.pk)
    return holding


@atomic_write
def end_holding(*, holding: PostHolding, by, on: date, reason: str) -> PostHolding:
    """A holder leaves the post (免职、调离、退休…): the vacancy opens."""
    h = PostHolding.objects.select_for_update(of=("self",)).select_related("post__unit", "cadre__unit").get(pk=holding.pk)
    check_actor(by, h.cadre)
    if h.end is not None:
        raise AlreadyHandled("该任职已结束，请刷新页面。")
    if on < h.start:
        raise WorkflowError(f"离任时间不能早于任职时间（{h.start:%Y年%m月%d日}）。")
    _not_future(on, "离任时间")
    _leave_seat(h, on=on, reason=_require_text(reason, "请填写离任原因。"))
    audit.record(AuditEvent.Kind.OTHER, user=by, region=h.post.unit.region, summary=f"离任：{h.post} {h.cadre.name}（{reason}）", post=h.post_id, cadre=h.cadre_id)
    return h


@atomic_write
def appoint(
    *, entry: BankEntry, by, post: Post, appointed_on: date, removed_post: str = "", reason: str = "",
    round: AppointmentRound | None = None, release_current: bool = True,
) -> Appointment:
    """任用: appoint a bank member to a post, across 机关/事业/企业 as needed.

    Takes a vacancy of the post (refused when none is left, also against a
    concurrent appointment), ends the cadre's current holdings when
    ``release_current`` (their posts' vacancies open), moves the cadre's file to the
    post's unit, post and level, and closes the bank entry (任用)."""
    e = _lock(entry.pk)
    check_actor(by, e.cadre)
    _check_status(e, Action.APPOINT)
    if not unit_in_scope(by, post.unit):
        raise WorkflowError("拟任岗位不在您的管辖范围内。")
    appointed_on = _not_future(appointed_on, "任职时间")
    if e.entry_date and appointed_on < e.entry_date:
        raise WorkflowError(f"任职时间不能早于入库日期（{e.entry_date:%Y年%m月%d日}）。")
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("unit").get(pk=e.cadre_id)
    current = list(PostHolding.objects.select_for_update(of=("self",)).filter(cadre=cadre, end__isnull=True).select_related("post"))
    if any(h.post_id == post.pk for h in current):
        raise WorkflowError(f"{cadre.name}已是“{post}”的现任人员。")
    _take_seat(post)
    previous_unit = cadre.unit
    appointment = Appointment.objects.create(
        cadre=cadre, post=post, bank_entry=e, round=round, appointed_on=appointed_on,
        removed_post=(removed_post or "").strip(), reason=(reason or "").strip(),
        previous_post=cadre.current_post, previous_unit=previous_unit,
        cross_team=bool(previous_unit.team and post.unit.team and previous_unit.team != post.unit.team),
        created_by=by,
    )
    if release_current:
        for holding in current:
            _leave_seat(holding, on=appointed_on, reason=f"任{post}")
    PostHolding.objects.create(post=post, cadre=cadre, start=appointed_on, appointment=appointment)
    fields = ["unit", "current_post", "updated_at"]
    cadre.unit = post.unit
    cadre.current_post = post.full_title
    if cadre.post_level != post.level:
        cadre.post_level = post.level
        cadre.level_since = appointed_on
        fields += ["post_level", "level_since"]
    cadre.save(update_fields=fields)
    e.exit_date = appointed_on
    _bump_candidates(e.targets.values_list("post_id", flat=True), -1)
    across = f"（跨“三支队伍”：{previous_unit.team_label}→{post.unit.team_label}）" if appointment.cross_team else ""
    _move(e, Action.APPOINT, by=by, opinion=f"任{post}{across}，任职时间 {appointed_on:%Y年%m月%d日}。", fields=("exit_date",))
    return appointment


# --- derived totals ------------------------------------------------------------------------------


def expected_counts(posts=None) -> dict[int, tuple[int, int]]:
    """What ``holder_count`` and ``candidate_count`` should be, per post (two queries)."""
    qs = Post.objects.all() if posts is None else posts
    holders = dict(
        PostHolding.objects.filter(end__isnull=True, post__in=qs).order_by().values("post").annotate(n=Count("pk")).values_list("post", "n")
    )
    candidates = dict(
        BankTarget.objects.filter(entry__status=Status.IN_BANK, post__in=qs).order_by().values("post").annotate(n=Count("pk")).values_list("post", "n")
    )
    return {pk: (holders.get(pk, 0), candidates.get(pk, 0)) for pk in qs.values_list("pk", flat=True)}


def recount_posts(*, fix: bool = False) -> list[dict]:
    """Compare the stored totals with the records; with ``fix``, correct them (audited)."""
    wrong = []
    stored = {p["pk"]: p for p in Post.objects.values("pk", "holder_count", "candidate_count", "headcount")}
    for pk, (holders, candidates) in expected_counts().items():
        row = stored[pk]
        if (row["holder_count"], row["candidate_count"]) != (holders, candidates):
            wrong.append({"post": pk, "stored": (row["holder_count"], row["candidate_count"]), "expected": (holders, candidates)})
    if fix and wrong:
        with transaction.atomic():
            for item in wrong:
                holders, candidates = item["expected"]
                Post.objects.filter(pk=item["post"]).update(holder_count=holders, candidate_count=candidates)
            audit.record(AuditEvent.Kind.OTHER, summary=f"校正岗位现任人数和在库培养对象人数 {len(wrong)} 个", posts=[w["post"] for w in wrong])
    return wrong


def bank_condition(as_of: date) -> Q:
    """Bank members (入库) as of a day, from the entry's own dates (for stock figures)."""
    return Q(entry_date__isnull=False, entry_date__lte=as_of) & (Q(exit_date__isnull=True) | Q(exit_date__gt=as_of))
