"""Writes that keep a reserve cadre's records but never move the stage: mentors,
placements, party development, appraisals, marks, promotions.

Each kind says in which stages it may be written and by whom; ``save_record``
checks role and scope like the workflow does, then saves the form in a
transaction and writes an audit entry carrying each changed field before and
after. A kind with a ``writer`` (发展入党, which moves 政治面貌) is saved by that
workflow function instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.db import IntegrityError, models, transaction

from cadre_portal import audit
from cadre_portal.models import AuditEvent, Role
from reserves import forms
from reserves.models import Candidate
from reserves import workflow
from reserves.workflow import WorkflowError, _check_actor

S = Candidate.Stage
BOTH = (Role.TOWNSHIP_OFFICER, Role.COUNTY_STAFF)
IN_TRAINING = (S.TRAINING, S.FINAL_INSPECTED, S.COMMITTEE_APPROVED)
AFTER_FILING = (*IN_TRAINING, S.FINAL_FILED, S.POOL, S.APPOINTED)


@dataclass(frozen=True)
class RecordKind:
    label: str
    form: type
    stages: tuple[str, ...]
    roles: tuple[str, ...] = BOTH
    on_candidate: bool = False  # the form edits fields of the candidate itself
    writer: Callable | None = None  # (candidate, by, cleaned_data) -> record, a workflow function


def _write_party_step(candidate, by, data):
    return workflow.record_party_step(candidate=candidate, by=by, step=data["step"], on=data["date"], note=data.get("note", ""))


RECORD_KINDS: dict[str, RecordKind] = {
    "mentor": RecordKind("传帮带导师", forms.MentorForm, IN_TRAINING),
    "placement": RecordKind("跟岗实习与实践锻炼", forms.PlacementForm, IN_TRAINING),
    "party": RecordKind("发展入党", forms.PartyStepForm, workflow.PARTY_STEP_STAGES, writer=_write_party_step),
    "key_mark": RecordKind("重点培养对象", forms.KeyMarkForm, IN_TRAINING, on_candidate=True),
    "appraisal": RecordKind("年度评议", forms.AppraisalForm, (S.TRAINING,)),
    "marks": RecordKind("五类人员与招考优先", forms.MarksForm, (S.POOL, S.APPOINTED), (Role.COUNTY_STAFF,), on_candidate=True),
    "promotion": RecordKind("后续提拔使用", forms.PromotionForm, (S.POOL, S.APPOINTED), (Role.COUNTY_STAFF,)),
}


def kinds_for(candidate: Candidate, user) -> list[tuple[str, RecordKind]]:
    """Record kinds the user may add for this candidate now (for the detail page)."""
    if user.is_read_only:
        return []
    return [(key, kind) for key, kind in RECORD_KINDS.items() if candidate.stage in kind.stages and user.role in kind.roles]


def check_record(candidate: Candidate, user, key: str) -> RecordKind:
    kind = RECORD_KINDS[key]
    _check_actor(user, candidate, kind.roles)
    if candidate.stage not in kind.stages:
        raise WorkflowError(f"{candidate.stage_sentence}，不能登记{kind.label}。")
    return kind


def _shown(instance, field) -> str:
    """A field's value as the user reads it (choices by label, booleans 是/否, dates as dates)."""
    value = getattr(instance, field.name)
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")() or "")
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(field, models.ForeignKey):
        return str(getattr(instance, field.name) or "")
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    return "" if value is None else str(value)


def _snapshot(instance, names) -> dict[str, tuple[str, str]]:
    """{field name: (label, shown value)} of ``names`` on ``instance``."""
    result = {}
    for name in names:
        field = instance._meta.get_field(name)
        result[name] = (str(field.verbose_name), _shown(instance, field))
    return result


def _changes(before: dict, after: dict) -> dict[str, dict]:
    """{label: {before, after}} for the fields whose shown value changed."""
    return {
        label: {"before": before.get(name, ("", ""))[1], "after": shown}
        for name, (label, shown) in after.items()
        if before.get(name, ("", ""))[1] != shown
    }


def _record_fields(form) -> list[str]:
    return [name for name in form.Meta.fields]


@transaction.atomic
def save_record(*, candidate: Candidate, by, key: str, form) -> object:
    """Save a record form for ``candidate`` after the role, scope and stage checks; the
    audit entry lists each field that changed with its value before and after."""
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("village").get(pk=candidate.pk)
    kind = check_record(candidate, by, key)
    if kind.writer is not None:
        return kind.writer(candidate, by, form.cleaned_data)
    names = _record_fields(form)
    before = _snapshot(candidate, names) if kind.on_candidate else {}
    obj = form.save(commit=False)
    if not kind.on_candidate:
        obj.candidate = candidate
        if hasattr(obj, "recorded_by_id"):
            obj.recorded_by = by
    if key == "appraisal":  # an appraisal belongs to the person's current training period
        obj.cycle = candidate.cycle_number
        if obj.year not in candidate.cycle_years_required():
            raise WorkflowError(f"{candidate.cycle_label}只有" + "、".join(
                f"第{'一二三四五'[y - 1]}年" for y in candidate.cycle_years_required()) + "的年度评议。")
    try:
        with transaction.atomic():
            if kind.on_candidate:
                obj.save(update_fields=names)
            else:
                obj.save()
    except IntegrityError:
        raise WorkflowError(f"{kind.label}已有相同的记录（如本培养期同一年度已评议、同一入党阶段已登记）。") from None
    changes = _changes(before, _snapshot(obj, names))
    if kind.on_candidate:
        what = f"修改{kind.label}：" + ("；".join(f"{label} {c['before'] or '（空）'} → {c['after'] or '（空）'}" for label, c in changes.items()) or "无变化")
    else:
        what = f"登记{kind.label}"
    audit.record(
        AuditEvent.Kind.OTHER, user=by, region=candidate.village,
        summary=f"{candidate.name}（{candidate.village.name}）：{what}", candidate=candidate.pk, record=key,
        changes=changes,
    )
    return obj


@transaction.atomic
def publish_standard(*, form, by):
    """County staff record a published version of the selection standard (统一制定并公告)."""
    if by is None or not by.is_authenticated or by.is_read_only or by.role != Role.COUNTY_STAFF:
        raise WorkflowError("选拔标准由县委组织部干部登记发布。")
    standard = form.save(commit=False)
    standard.published_by = by
    try:
        with transaction.atomic():
            standard.save()
    except IntegrityError:
        raise WorkflowError("该版本号已登记，请使用新的版本号。") from None
    audit.record(
        AuditEvent.Kind.OTHER, user=by, region=by.region,
        summary=f"发布村（社区）后备干部选拔标准：{standard.title}（{standard.version}，{standard.published_on:%Y年%m月%d日}公告）",
        record="selection_standard", standard=standard.pk,
    )
    return standard
