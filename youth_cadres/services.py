"""Writes that keep the young cadres' files and records but never move a bank status:
the cadre file (with its photo), the per-cadre records of the growth dossier,
posts, training plans, career plans and appointment rounds.

Each per-cadre record kind in ``RECORD_KINDS`` says which roles may write it and
what it fixes by role (a unit contact's training record is the unit's line, their
performance record the daily one). ``save_record`` / ``delete_record`` check role
and scope like the workflow does (``workflow.check_actor``: a unit contact writes
only for their unit's cadres), apply the kind's rules (no date in the future),
write in one transaction and leave an audit entry; field history (who changed
what) is simple-history's, on every model.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Callable

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from cadre_portal import audit
from cadre_portal.models import AuditEvent, Role
from cadre_portal.scope import unit_in_scope
from youth_cadres import forms
from youth_cadres.models import (
    REVIEW_INTERVAL_MONTHS,
    AnnualAssessment,
    AppointmentRound,
    Cadre,
    CareerMilestone,
    CareerPlan,
    CareerReview,
    ConductNote,
    DossierAttachment,
    FamilyMember,
    IntegrityCheck,
    Line,
    PerformanceCheck,
    Post,
    ResumeEntry,
    RewardPunishment,
    StudyRecord,
    SupervisionOpinion,
    TrainingPlan,
    TrainingPlanItem,
    TrainingRecord,
    WorkLogEntry,
)
from youth_cadres.workflow import COUNTY, WorkflowError, check_actor

UNIT = (Role.UNIT_CONTACT,)
BOTH = (Role.COUNTY_STAFF, Role.UNIT_CONTACT)

PHOTO_BOX = (600, 800)  # pixels; enough for a printed 任免审批表 photo (about 35 × 45 mm)


# --- the cadre file --------------------------------------------------------------------------------


def normalize_photo(upload) -> ContentFile:
    """The uploaded picture as a JPEG (no EXIF, at most ``PHOTO_BOX``): what the
    任免审批表 and the .lrmx file embed. Refuses what Pillow cannot read as an image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail(PHOTO_BOX)
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=88, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise WorkflowError("照片无法识别，请上传 JPG 或 PNG 格式的图片。") from None
    return ContentFile(out.getvalue(), name="photo.jpg")


def _check_unit(by, unit) -> None:
    if not unit_in_scope(by, unit):
        raise WorkflowError("所选单位不在您的管辖范围内。")


def _check_cadre_writer(by) -> None:
    if by is None or not by.is_authenticated or by.is_read_only or by.role not in COUNTY:
        raise WorkflowError("干部信息由县委组织部干部维护。")


DUPLICATE_CADRE = "该身份证号码的干部信息已建档（一人一档），请在干部名册中查找后修改。"


@transaction.atomic
def create_cadre(*, cadre: Cadre, by, photo=None) -> Cadre:
    """File a new cadre (one record per resident ID number)."""
    _check_cadre_writer(by)
    _check_unit(by, cadre.unit)
    if Cadre.objects.filter(id_number=cadre.id_number).exists():
        raise WorkflowError(DUPLICATE_CADRE)
    if photo:
        cadre.photo.save("photo.jpg", normalize_photo(photo), save=False)
    try:
        with transaction.atomic():
            cadre.save()
    except IntegrityError:
        raise WorkflowError(DUPLICATE_CADRE) from None
    audit.record(AuditEvent.Kind.OTHER, user=by, region=cadre.unit.region, summary=f"干部建档：{cadre.name}（{cadre.unit.name}）", cadre=cadre.pk)
    return cadre


@transaction.atomic
def update_cadre(*, cadre: Cadre, by, photo=None) -> Cadre:
    """Save edits to a cadre file (``cadre`` carries them); the unit may change only
    within the editor's scope."""
    _check_cadre_writer(by)
    current = Cadre.objects.select_for_update(of=("self",)).select_related("unit").get(pk=cadre.pk)
    if not unit_in_scope(by, current.unit):
        raise WorkflowError("该干部不在您的管辖范围内。")
    _check_unit(by, cadre.unit)
    if Cadre.objects.filter(id_number=cadre.id_number).exclude(pk=cadre.pk).exists():
        raise WorkflowError(DUPLICATE_CADRE)
    old_photo = current.photo.name if current.photo else ""
    if photo:
        cadre.photo.save("photo.jpg", normalize_photo(photo), save=False)
    try:
        with transaction.atomic():
            cadre.save()
    except IntegrityError:
        raise WorkflowError(DUPLICATE_CADRE) from None
    if photo and old_photo:
        storage = current.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    audit.record(AuditEvent.Kind.OTHER, user=by, region=cadre.unit.region, summary=f"修改干部信息：{cadre.name}", cadre=cadre.pk)
    return cadre


# --- per-cadre records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordKind:
    """A kind of record kept on a cadre's file.

    ``roles`` may add, change and delete it (a unit contact only for their unit's
    cadres); ``fixed(by)`` gives the fields the role decides (line, kind, who);
    ``section`` is the dossier category it is shown under."""

    key: str
    label: str
    model: type
    form: type
    roles: tuple[str, ...]
    section: str
    fixed: Callable | None = None
    form_kwargs: Callable | None = None
    # Which role wrote a record (for unit contacts: only their own kind of record).
    owned_by_role: Callable | None = None


def _by_line(by) -> dict:
    return {"line": Line.UNIT if by.is_unit_contact else Line.DEPARTMENT, "recorded_by": by}


def _by_kind(by) -> dict:
    return {"kind": PerformanceCheck.Kind.DAILY if by.is_unit_contact else PerformanceCheck.Kind.PERIODIC, "recorded_by": by}


def _recorded_by(by) -> dict:
    return {"recorded_by": by}


def _writer_role(attr: str):
    """The role of whoever wrote a record (imports by county staff count as theirs)."""

    def role(obj):
        writer = getattr(obj, attr)
        return writer.role if writer is not None else Role.COUNTY_STAFF

    return role


RECORD_KINDS: dict[str, RecordKind] = {k.key: k for k in [
    RecordKind("resume", "简历", ResumeEntry, forms.ResumeForm, COUNTY, "basic"),
    RecordKind("family", "家庭成员", FamilyMember, forms.FamilyForm, COUNTY, "basic"),
    RecordKind("reward", "奖惩情况", RewardPunishment, forms.RewardForm, COUNTY, "rewards", _recorded_by),
    RecordKind("assessment", "年度考核", AnnualAssessment, forms.AssessmentForm, COUNTY, "rewards", _recorded_by),
    RecordKind("training", "培养记录", TrainingRecord, forms.TrainingRecordForm, BOTH, "study", _by_line,
               form_kwargs=lambda by, cadre: {"user": by, "cadre": cadre},
               owned_by_role=lambda obj: Role.UNIT_CONTACT if obj.line == Line.UNIT else Role.COUNTY_STAFF),
    RecordKind("study", "学习记录", StudyRecord, forms.StudyForm, BOTH, "study", _recorded_by,
               owned_by_role=_writer_role("recorded_by")),
    RecordKind("conduct", "作风纪律与政治表现", ConductNote, forms.ConductForm, COUNTY, "political", _recorded_by),
    RecordKind("worklog", "工作日志", WorkLogEntry, forms.WorkLogForm, BOTH, "work", lambda by: {"written_by": by},
               owned_by_role=_writer_role("written_by")),
    RecordKind("performance", "日常表现与定期考查", PerformanceCheck, forms.PerformanceForm, BOTH, "work", _by_kind,
               owned_by_role=lambda obj: Role.UNIT_CONTACT if obj.kind == PerformanceCheck.Kind.DAILY else Role.COUNTY_STAFF),
    RecordKind("supervision", "监督意见", SupervisionOpinion, forms.SupervisionForm, COUNTY, "integrity", _recorded_by),
    RecordKind("integrity", "廉洁情况考查", IntegrityCheck, forms.IntegrityForm, COUNTY, "integrity", _recorded_by),
    RecordKind("attachment", "档案材料", DossierAttachment, forms.AttachmentForm, COUNTY, "attachments",
               lambda by: {"uploaded_by": by}),
]}

# Dates that may not lie in the future, per model (checked for browser and import alike).
NOT_FUTURE = {
    WorkLogEntry: ("date", "工作日志日期"),
    StudyRecord: ("date", "学习日期"),
    ConductNote: ("date", "日期"),
    PerformanceCheck: ("checked_on", "考查日期"),
    SupervisionOpinion: ("date", "听取日期"),
    IntegrityCheck: ("date", "考查日期"),
    RewardPunishment: ("date", "奖惩时间"),
    TrainingRecord: ("start", "开始日期"),
}


def check_dates(obj) -> None:
    rule = NOT_FUTURE.get(type(obj))
    if rule:
        value = getattr(obj, rule[0])
        if value and value > date.today():
            raise WorkflowError(f"{rule[1]}不能晚于今天（{value:%Y年%m月%d日}）。")


def kinds_for(cadre: Cadre, user) -> list[RecordKind]:
    """Record kinds the user may add for this cadre (for the dossier page)."""
    if not user.is_authenticated or user.is_read_only or not unit_in_scope(user, cadre.unit):
        return []
    return [k for k in RECORD_KINDS.values() if user.role in k.roles]


def can_change(kind: RecordKind, obj, user) -> bool:
    """A unit contact changes only the unit's own kind of record (their work-log entries,
    daily-performance records, unit-line training); county staff every record."""
    if user.role not in kind.roles:
        return False
    if user.is_unit_contact and kind.owned_by_role is not None:
        return kind.owned_by_role(obj) == Role.UNIT_CONTACT
    return True


def check_record(cadre: Cadre, by, key: str) -> RecordKind:
    kind = RECORD_KINDS[key]
    check_actor(by, cadre, kind.roles)
    return kind


@transaction.atomic
def save_record(*, cadre: Cadre, by, key: str, form) -> object:
    """Add or change a record of ``cadre`` from a bound, valid form."""
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("unit__region").get(pk=cadre.pk)
    kind = check_record(cadre, by, key)
    obj = form.save(commit=False)
    is_new = obj.pk is None
    if not is_new and not can_change(kind, obj, by):
        raise WorkflowError(f"这条{kind.label}不是本单位填报的，不能修改。")
    obj.cadre = cadre
    if is_new and kind.fixed is not None:
        for name, value in kind.fixed(by).items():
            setattr(obj, name, value)
    check_dates(obj)
    if isinstance(obj, DossierAttachment) and is_new:
        upload = form.cleaned_data["file"]
        obj.original_name = (upload.name or "")[-200:]
        obj.size = upload.size or 0
        suffix = obj.original_name.rsplit(".", 1)[-1].lower()
        obj.content_type = forms.ATTACHMENT_TYPES.get(suffix, "application/octet-stream")
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise WorkflowError(f"{kind.label}已有相同的记录（如同一年度已登记考核结果）。") from None
    verb = "登记" if is_new else "修改"
    audit.record(
        AuditEvent.Kind.OTHER, user=by, region=cadre.unit.region,
        summary=f"{cadre.name}（{cadre.unit.name}）：{verb}{kind.label}", cadre=cadre.pk, record=key, record_id=obj.pk,
    )
    return obj


@transaction.atomic
def delete_record(*, obj, by, key: str) -> None:
    """Delete a record (its history keeps what it said and who deleted it)."""
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("unit__region").get(pk=obj.cadre_id)
    kind = check_record(cadre, by, key)
    if not can_change(kind, obj, by):
        raise WorkflowError(f"这条{kind.label}不是本单位填报的，不能删除。")
    obj.delete()
    audit.record(
        AuditEvent.Kind.OTHER, user=by, region=cadre.unit.region,
        summary=f"{cadre.name}（{cadre.unit.name}）：删除{kind.label}", cadre=cadre.pk, record=key, record_id=obj.pk,
    )


# --- posts ----------------------------------------------------------------------------------------------


@transaction.atomic
def save_post(*, post: Post, by) -> Post:
    """Create a post or save edits to it (``post`` carries them). The approved
    headcount (职数) may never fall below the current holders."""
    if by is None or not by.is_authenticated or by.is_read_only or by.role not in COUNTY:
        raise WorkflowError("岗位由县委组织部干部维护。")
    _check_unit(by, post.unit)
    if post.headcount < 1:
        raise WorkflowError("核定职数至少为 1 名。")
    duplicate = Post.objects.filter(unit=post.unit, title=post.title).exclude(pk=post.pk)
    if duplicate.exists():
        raise WorkflowError(f"{post.unit.name}已有名为“{post.title}”的岗位。")
    if post.pk is None:
        post.save()
        audit.record(AuditEvent.Kind.OTHER, user=by, region=post.unit.region, summary=f"新增岗位：{post}", post=post.pk)
        return post
    stored = Post.objects.select_for_update(of=("self",)).get(pk=post.pk)
    if post.headcount < stored.holder_count:
        raise WorkflowError(f"“{stored}”现任 {stored.holder_count} 名，核定职数不能少于现任人数。")
    changed = [f for f in ("title", "level", "headcount", "sort_order", "note") if getattr(stored, f) != getattr(post, f)]
    for name in changed:
        setattr(stored, name, getattr(post, name))
    if changed:
        stored.save(update_fields=changed)  # holder/candidate counts are the workflow's: never written here
        audit.record(AuditEvent.Kind.OTHER, user=by, region=stored.unit.region, summary=f"修改岗位：{stored}", post=stored.pk)
    return stored


# --- training plans --------------------------------------------------------------------------------------


def _check_county(by, what: str) -> None:
    if by is None or not by.is_authenticated or by.is_read_only or by.role not in COUNTY:
        raise WorkflowError(f"{what}由县委组织部干部办理。")


@transaction.atomic
def save_training_plan(*, plan: TrainingPlan, by) -> TrainingPlan:
    _check_county(by, "培养计划")
    if plan.pk is None:
        plan.created_by = by
    duplicate = TrainingPlan.objects.filter(cohort=plan.cohort, year=plan.year).exclude(pk=plan.pk)
    if duplicate.exists():
        raise WorkflowError(f"{plan.year}年“{plan.get_cohort_display()}”的培养计划已制定，请在原计划中增加措施。")
    plan.save()
    audit.record(AuditEvent.Kind.OTHER, user=by, summary=f"培养计划：{plan}", plan=plan.pk)
    return plan


@transaction.atomic
def save_plan_item(*, item: TrainingPlanItem, by) -> TrainingPlanItem:
    _check_county(by, "培养计划")
    item.save()
    audit.record(AuditEvent.Kind.OTHER, user=by, summary=f"培养措施：{item.plan} {item.get_dimension_display()}", plan=item.plan_id)
    return item


@transaction.atomic
def delete_plan_item(*, item: TrainingPlanItem, by) -> None:
    _check_county(by, "培养计划")
    plan = item.plan
    item.delete()
    audit.record(AuditEvent.Kind.OTHER, user=by, summary=f"删除培养措施：{plan}", plan=plan.pk)


# --- career plans ------------------------------------------------------------------------------------------


def next_review(day: date) -> date:
    return day + relativedelta(months=REVIEW_INTERVAL_MONTHS)


@transaction.atomic
def save_career_plan(*, plan: CareerPlan, cadre: Cadre, by) -> CareerPlan:
    """Make or revise a cadre's career plan; a new plan's first review falls due a year on."""
    check_actor(by, cadre)
    plan.cadre = cadre
    if plan.pk is None:
        if CareerPlan.objects.filter(cadre=cadre).exists():
            raise WorkflowError("该干部已有职业发展规划，请修改原规划。")
        plan.created_by = by
        plan.next_review_due = next_review(plan.made_on)
    plan.save()
    audit.record(AuditEvent.Kind.OTHER, user=by, region=cadre.unit.region, summary=f"{cadre.name}：职业发展规划", cadre=cadre.pk)
    return plan


@transaction.atomic
def save_milestone(*, milestone: CareerMilestone, plan: CareerPlan, by) -> CareerMilestone:
    check_actor(by, plan.cadre)
    milestone.plan = plan
    milestone.save()
    audit.record(AuditEvent.Kind.OTHER, user=by, region=plan.cadre.unit.region, summary=f"{plan.cadre.name}：发展节点 {milestone.description}", cadre=plan.cadre_id)
    return milestone


@transaction.atomic
def record_review(*, plan: CareerPlan, by, reviewed_on: date, summary: str, adjustments: str = "",
                  next_review_due: date | None = None) -> CareerReview:
    """The yearly review of a career plan (a record); the plan's next review moves on."""
    plan = CareerPlan.objects.select_for_update(of=("self",)).select_related("cadre__unit__region").get(pk=plan.pk)
    check_actor(by, plan.cadre)
    if reviewed_on > date.today():
        raise WorkflowError("回顾日期不能晚于今天。")
    if reviewed_on < plan.made_on:
        raise WorkflowError(f"回顾日期不能早于规划制定日期（{plan.made_on:%Y年%m月%d日}）。")
    summary = (summary or "").strip()
    if not summary:
        raise WorkflowError("请填写规划落实情况。")
    due = next_review_due or next_review(reviewed_on)
    if due <= reviewed_on:
        raise WorkflowError("下次回顾日期应晚于本次回顾日期。")
    review = CareerReview.objects.create(
        plan=plan, reviewed_on=reviewed_on, summary=summary, adjustments=(adjustments or "").strip(), next_review_due=due, by=by
    )
    plan.next_review_due = due
    plan.save(update_fields=["next_review_due"])
    audit.record(AuditEvent.Kind.OTHER, user=by, region=plan.cadre.unit.region, summary=f"{plan.cadre.name}：职业发展规划年度回顾", cadre=plan.cadre_id)
    return review


# --- appointment rounds ---------------------------------------------------------------------------------------


@transaction.atomic
def save_round(*, round: AppointmentRound, by) -> AppointmentRound:
    _check_county(by, "任免批次")
    if round.pk is None:
        round.created_by = by
    round.save()
    audit.record(AuditEvent.Kind.OTHER, user=by, summary=f"任免批次：{round.title}", round=round.pk)
    return round
