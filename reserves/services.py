"""Writes that keep a reserve cadre's records but never move the stage: mentors,
placements, party development, appraisals, marks, promotions.

Each kind says in which stages it may be written and by whom; ``save_record``
checks role and scope like the workflow does, then saves the form in a
transaction and writes an audit entry."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from cadre_portal import audit
from cadre_portal.models import AuditEvent, Role
from reserves import forms
from reserves.models import Candidate
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


RECORD_KINDS: dict[str, RecordKind] = {
    "mentor": RecordKind("传帮带导师", forms.MentorForm, IN_TRAINING),
    "placement": RecordKind("跟岗实习与实践锻炼", forms.PlacementForm, IN_TRAINING),
    "party": RecordKind("发展入党", forms.PartyStepForm, AFTER_FILING),
    "key_mark": RecordKind("重点培养对象", forms.KeyMarkForm, IN_TRAINING, on_candidate=True),
    "appraisal": RecordKind("年度评议", forms.AppraisalForm, (S.TRAINING,)),
    "marks": RecordKind("五类人员与招考优先", forms.MarksForm, (S.POOL, S.APPOINTED), (Role.COUNTY_STAFF,), on_candidate=True),
    "promotion": RecordKind("后续提拔使用", forms.PromotionForm, (S.APPOINTED,), (Role.COUNTY_STAFF,)),
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


@transaction.atomic
def save_record(*, candidate: Candidate, by, key: str, form) -> object:
    """Save a record form for ``candidate`` after the role, scope and stage checks."""
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("village").get(pk=candidate.pk)
    kind = check_record(candidate, by, key)
    obj = form.save(commit=False)
    if not kind.on_candidate:
        obj.candidate = candidate
        if hasattr(obj, "recorded_by_id"):
            obj.recorded_by = by
    try:
        with transaction.atomic():
            if kind.on_candidate:
                obj.save(update_fields=list(form.Meta.fields))
            else:
                obj.save()
    except IntegrityError:
        raise WorkflowError(f"{kind.label}已有相同的记录（如同一培养年度已评议、同一入党阶段已登记）。") from None
    audit.record(
        AuditEvent.Kind.OTHER, user=by, region=candidate.village,
        summary=f"{candidate.name}（{candidate.village.name}）：登记{kind.label}", candidate=candidate.pk, record=key,
    )
    return obj
