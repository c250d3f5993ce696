"""A cadre's change history: every version of the file and of its records, who made
it and what changed (from simple-history, one query per record kind; old and new
values compared in Python, never a query per version)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from youth_cadres import models as m

# Record kinds shown in the history, with the lookup from their history rows to the cadre.
TRACKED = [
    (m.Cadre, "干部信息", "id"),
    (m.ResumeEntry, "简历", "cadre_id"),
    (m.FamilyMember, "家庭成员", "cadre_id"),
    (m.RewardPunishment, "奖惩情况", "cadre_id"),
    (m.AnnualAssessment, "年度考核", "cadre_id"),
    (m.BankEntry, "优秀年轻干部库", "cadre_id"),
    (m.PostHolding, "任职", "cadre_id"),
    (m.Appointment, "任免", "cadre_id"),
    (m.TrainingRecord, "培养记录", "cadre_id"),
    (m.StudyRecord, "学习记录", "cadre_id"),
    (m.ConductNote, "作风纪律与政治表现", "cadre_id"),
    (m.WorkLogEntry, "工作日志", "cadre_id"),
    (m.PerformanceCheck, "日常表现与定期考查", "cadre_id"),
    (m.SupervisionOpinion, "监督意见", "cadre_id"),
    (m.IntegrityCheck, "廉洁情况考查", "cadre_id"),
    (m.DossierAttachment, "档案材料", "cadre_id"),
    (m.CareerPlan, "职业发展规划", "cadre_id"),
]
HIDDEN_FIELDS = {"name_initials", "name_pinyin", "updated_at", "created_at", "photo"}
TYPE_LABELS = {"+": "新增", "~": "修改", "-": "删除"}


@dataclass
class Change:
    at: datetime
    kind: str
    action: str
    by: str
    summary: str
    fields: list = field(default_factory=list)  # (label, old, new)


def _display(model, name, value) -> str:
    if value in (None, ""):
        return "—"
    f = model._meta.get_field(name)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y.%m.%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _visible(model, user) -> bool:
    """Whether the viewer's scope covers this record kind at all (unit contacts: not the
    integrity records)."""
    from cadre_portal.scope import NOTHING, model_scope_q

    return model_scope_q(model, user) != NOTHING


def changes_for(cadre, user, limit: int = 500) -> list[Change]:
    changes: list[Change] = []
    for model, label, key in TRACKED:
        if not _visible(model, user):
            continue
        fields = [
            f for f in model._meta.concrete_fields
            if f.name not in HIDDEN_FIELDS and not f.primary_key and f.name != "cadre"
        ]
        rows = list(
            model.history.filter(**{key: cadre.pk}).select_related("history_user").order_by("id", "history_date", "history_id")
        )
        previous = {}
        for row in rows:
            before = previous.get(row.id)
            diffs = []
            if row.history_type == "~" and before is not None:
                for f in fields:
                    old, new = getattr(before, f.attname), getattr(row, f.attname)
                    if old != new:
                        diffs.append((str(f.verbose_name), _display(model, f.name, old), _display(model, f.name, new)))
            previous[row.id] = row
            if row.history_type == "~" and not diffs:
                continue  # a save that changed nothing the user sees
            user_obj = row.history_user
            changes.append(Change(
                at=row.history_date, kind=label, action=TYPE_LABELS.get(row.history_type, row.history_type),
                by=(user_obj.display_name if user_obj else "系统"), summary=_summary(model, row), fields=diffs,
            ))
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]


def _summary(model, row) -> str:
    for name in ("text", "title", "content", "topic", "relation", "goal", "name"):
        if hasattr(row, name) and getattr(row, name):
            value = str(getattr(row, name))
            return value[:60] + ("…" if len(value) > 60 else "")
    if model is m.AnnualAssessment:
        return f"{row.year}年度"
    if model is m.BankEntry:
        return _display(model, "status", row.status)
    return ""
