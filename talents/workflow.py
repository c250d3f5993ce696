"""The only code that changes a status in this app: a talent's 在岗/调出/退休/流失, a
platform's 建设中/运行中/已撤销 and an arts organization's registration state.

``TALENT_MOVES``, ``PLATFORM_MOVES`` and ``ORG_MOVES`` declare every allowed move:
its label, the states it starts from and the state it leads to. Each move runs in
one transaction: the writer's role, domain and scope are checked, the record is
re-read under a row lock (``select_for_update``; on SQLite the IMMEDIATE transaction
mode queues writers instead), the move is checked against the table and the dates,
only the changed fields are saved, and a change row (from, to, business date, who,
why) and an audit entry are written. Nothing else follows from a status move, so
there is no after-commit work.

A refusal is a ``WorkflowError`` with a Chinese message; ``AlreadyHandled`` means
someone else moved the record first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from cadre_portal import audit
from cadre_portal.models import AuditEvent, Domain
from talents.models import (
    ArtsOrganization,
    OrgStateChange,
    Platform,
    PlatformStatusChange,
    Talent,
    TalentStatusChange,
)

TS = Talent.Status
PS = Platform.Status
OS = ArtsOrganization.State


class WorkflowError(Exception):
    """A refused action; ``str(error)`` is the message for the user."""

    already_handled = False

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AlreadyHandled(WorkflowError):
    already_handled = True


@dataclass(frozen=True)
class Move:
    label: str
    from_states: tuple[str, ...]
    to_state: str
    reason_required: bool = False
    style: str = "secondary"


TALENT_MOVES: dict[str, Move] = {
    "transfer_out": Move("调出", (TS.ON_POST,), TS.TRANSFERRED, False, "warning"),
    "retire": Move("退休", (TS.ON_POST,), TS.RETIRED, False, "secondary"),
    "lose": Move("流失", (TS.ON_POST,), TS.LOST, True, "danger"),
    "return": Move("恢复在岗", (TS.TRANSFERRED, TS.LOST, TS.RETIRED), TS.ON_POST, True, "success"),
}

PLATFORM_MOVES: dict[str, Move] = {
    "activate": Move("建成运行", (PS.BUILDING,), PS.ACTIVE, False, "success"),
    "dissolve": Move("撤销平台", (PS.BUILDING, PS.ACTIVE), PS.DISSOLVED, True, "danger"),
    "restore": Move("恢复运行", (PS.DISSOLVED,), PS.ACTIVE, True, "secondary"),
}

ORG_MOVES: dict[str, Move] = {
    "regulate": Move("纳入规范管理", (OS.REGISTERED,), OS.REGULATED, False, "success"),
    "dissolve": Move("注销", (OS.REGISTERED, OS.REGULATED), OS.DISSOLVED, True, "danger"),
    "reregister": Move("重新登记", (OS.DISSOLVED,), OS.REGISTERED, True, "secondary"),
}


# --- who may write -------------------------------------------------------------------------


def can_edit(user, domain: str) -> bool:
    """Only the domain's own department keeps its registry: a domain officer of that domain.
    County staff and leaders read; township officers read what lies in their township."""
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active
        and user.role == "domain_officer" and user.domain == domain
    )


def check_writer(user, domain: str) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise WorkflowError("请先登录。")
    if user.is_read_only:
        raise WorkflowError("县领导账号为只读，不能办理业务。")
    if not can_edit(user, domain):
        raise WorkflowError(f"{Domain(domain).label}领域人才信息由{_department(domain)}维护。")


def _department(domain: str) -> str:
    from cadre_portal.models import DOMAIN_DEPARTMENTS

    return DOMAIN_DEPARTMENTS.get(domain, "行业主管部门")


def _lock(model, pk, user):
    """Re-read a record under a row lock, through the user's scope."""
    try:
        return model.objects.visible_to(user).select_for_update(of=("self",)).get(pk=pk)
    except model.DoesNotExist:
        raise WorkflowError("该记录不存在或不在您的管辖范围内。") from None


def _check_move(moves: dict[str, Move], key: str, current: str, labels: dict) -> Move:
    move = moves.get(key)
    if move is None:
        raise WorkflowError("未知的操作。")
    if current not in move.from_states:
        if current == move.to_state:
            raise AlreadyHandled(f"当前状态已是“{labels[current]}”，此事项已由他人办理，请刷新页面。")
        raise WorkflowError(f"当前状态为“{labels[current]}”，不能办理“{move.label}”。")
    return move


def _check_date(on: date | None, *, not_before: date | None, not_before_label: str) -> date:
    if on is None:
        raise WorkflowError("请填写变动日期。")
    if on > date.today():
        raise WorkflowError("变动日期不能晚于今天。")
    if not_before and on < not_before:
        raise WorkflowError(f"变动日期不能早于{not_before_label}（{not_before:%Y年%m月%d日}）。")
    return on


def _reason(move: Move, reason: str) -> str:
    reason = (reason or "").strip()
    if move.reason_required and not reason:
        raise WorkflowError(f"请填写“{move.label}”的说明。")
    return reason


def available_moves(moves: dict[str, Move], current: str, user, domain: str) -> list[tuple[str, Move]]:
    """The buttons a page shows: moves allowed from ``current`` for this user."""
    if not can_edit(user, domain):
        return []
    return [(key, move) for key, move in moves.items() if current in move.from_states]


# --- talents ----------------------------------------------------------------------------------


@transaction.atomic
def change_talent_status(*, talent_pk: int, action: str, on: date, reason: str = "", by) -> TalentStatusChange:
    """调出 / 退休 / 流失 / 恢复在岗, dated."""
    talent = _lock(Talent, talent_pk, by)
    check_writer(by, talent.domain)
    move = _check_move(TALENT_MOVES, action, talent.status, dict(TS.choices))
    last = talent.status_date or talent.recruited_on
    _check_date(on, not_before=last, not_before_label="上一次状态变动或招引日期")
    reason = _reason(move, reason)
    old = talent.status
    talent.status, talent.status_date = move.to_state, on
    talent._history_user = by
    talent.save(update_fields=["status", "status_date"])
    row = TalentStatusChange.objects.create(talent=talent, from_status=old, to_status=move.to_state, on=on, reason=reason, by=by)
    audit.record(
        AuditEvent.Kind.TRANSITION, user=by, region=talent.region,
        summary=f"{talent.name}（{talent.get_domain_display()}人才）：{move.label}",
        talent=talent.pk, action=action, from_status=old, to_status=move.to_state, on=on.isoformat(),
    )
    return row


def talent_moves(talent: Talent, user) -> list[tuple[str, Move]]:
    return available_moves(TALENT_MOVES, talent.status, user, talent.domain)


# --- platforms ---------------------------------------------------------------------------------


@transaction.atomic
def change_platform_status(*, platform_pk: int, action: str, on: date, reason: str = "", by) -> PlatformStatusChange:
    platform = _lock(Platform, platform_pk, by)
    check_writer(by, platform.domain)
    move = _check_move(PLATFORM_MOVES, action, platform.status, dict(PS.choices))
    _check_date(on, not_before=platform.status_date or platform.established_on, not_before_label="设立日期或上一次状态变动")
    reason = _reason(move, reason)
    old = platform.status
    platform.status, platform.status_date = move.to_state, on
    platform._history_user = by
    platform.save(update_fields=["status", "status_date"])
    row = PlatformStatusChange.objects.create(platform=platform, from_status=old, to_status=move.to_state, on=on, reason=reason, by=by)
    audit.record(
        AuditEvent.Kind.TRANSITION, user=by, summary=f"{platform.name}：{move.label}",
        platform=platform.pk, action=action, from_status=old, to_status=move.to_state, on=on.isoformat(),
    )
    return row


def platform_moves(platform: Platform, user) -> list[tuple[str, Move]]:
    return available_moves(PLATFORM_MOVES, platform.status, user, platform.domain)


# --- arts organizations ---------------------------------------------------------------------------


@transaction.atomic
def change_org_state(*, organization_pk: int, action: str, on: date, reason: str = "", by) -> OrgStateChange:
    org = _lock(ArtsOrganization, organization_pk, by)
    check_writer(by, org.domain)
    move = _check_move(ORG_MOVES, action, org.state, dict(OS.choices))
    _check_date(on, not_before=org.state_date, not_before_label="上一次登记状态变动")
    reason = _reason(move, reason)
    old = org.state
    org.state, org.state_date = move.to_state, on
    org._history_user = by
    org.save(update_fields=["state", "state_date"])
    row = OrgStateChange.objects.create(organization=org, from_state=old, to_state=move.to_state, on=on, reason=reason, by=by)
    audit.record(
        AuditEvent.Kind.TRANSITION, user=by, region=org.region, summary=f"{org.name}：{move.label}",
        organization=org.pk, action=action, from_state=old, to_state=move.to_state, on=on.isoformat(),
    )
    return row


def org_moves(org: ArtsOrganization, user) -> list[tuple[str, Move]]:
    return available_moves(ORG_MOVES, org.state, user, org.domain)
