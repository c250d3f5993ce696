"""How an audit entry reads: every detail key, code and reference in Chinese.

``cadre_portal.audit.record`` stores the details of an entry as codes and primary keys
(``action='admit'``, ``from_stage='final_filed'``, ``candidate=12``), which is right
for storage and wrong for a reader. ``describe(events)`` turns them into lines
``(标签, 值)`` for the audit page:

1. a key's label comes from ``LABELS`` (a test walks the source for every keyword
   passed to ``audit.record`` and requires a label here, so a new detail key cannot
   reach the page unlabelled);
2. a coded value is read against the app the entry belongs to (its *subject*: a
   reserve cadre, a bank entry, a talent, a platform, an arts organization), so the
   same ``action`` code reads as that app's verb;
3. references (people, sessions, posts …) are resolved to names with one query per
   kind present on the page, whatever the number of entries.

A key found in an entry that has no label (written by an older version) is shown
under “其他信息” with its value, never under its code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from django.apps import apps

OTHER = "其他信息"


# --- labels of detail keys ---------------------------------------------------------------

LABELS: dict[str, str] = {
    # subjects and references
    "candidate": "后备干部",
    "candidates": "涉及人员",
    "standard": "选拔标准",
    "session": "培训班次",
    "cadre": "干部",
    "bank_entry": "优秀年轻干部库人员",
    "post": "岗位",
    "posts": "岗位",
    "plan": "培养计划",
    "round": "任免批次",
    "talent": "人才",
    "platform": "平台",
    "organization": "文艺组织",
    "care": "留才关怀对象",
    "measure": "留才措施",
    "demand": "诉求",
    "interview": "访谈",
    "old": "原值",
    "new": "新值",
    # workflow
    "action": "操作",
    "actions": "办理结果",
    "from_stage": "原阶段",
    "to_stage": "新阶段",
    "from_status": "原状态",
    "to_status": "新状态",
    "from_state": "原状态",
    "to_state": "新状态",
    "on": "日期",
    "batch": "批量办理",
    "count": "数量",
    "record": "登记事项",
    "record_id": "记录编号",
    "changes": "变更内容",
    # Excel and documents
    "registry": "数据项",
    "file": "文件",
    "created": "新增",
    "updated": "更新",
    "unchanged": "无变化",
    "options": "导入选项",
    "refused": "拒绝原因",
    "cancelled": "取消时的导入状态",
    "error": "错误",
    "job_status": "取消时状态",
    "worker": "处理进程",
    "last_heartbeat": "最近心跳",
    "rows": "条数",
    "filters": "筛选条件",
    "masked": "身份证号码脱敏",
    "background": "后台导出",
    "document": "文书",
    "source": "来源",
    "format": "格式",
    "people": "人数",
    # operations
    "backup": "备份文件",
    "size": "大小",
    "tables": "数据表",
    "files": "附件文件",
    "removed": "清理的旧备份",
    "records": "涉及记录",
    "command": "命令",
    "messages": "后续任务",
    "unlocked": "解除锁定",
    "lock": "锁定方式",
    "level": "锁定次数",
    "minutes": "锁定时长",
    "limit": "失败次数上限",
    "background": "后台导出",
    # attendance saved for a block
    "added": "新增出勤人数",
    "removed_count": "取消出勤人数",
    "removed_names": "取消出勤人员",
    # an administrator's purge (cadre_portal.purge)
    "model": "数据类型",
    "names": "删除的记录",
    "counts": "删除数量（含连带删除）",
    "ids": "记录编号",
    # audit archive (cadre_portal.housekeeping)
    "cutoff": "归档截止时间",
    "first": "最早一条的时间",
    "last": "最晚一条的时间",
    "first_id": "最早一条的编号",
    "last_id": "最晚一条的编号",
}

# Keys that only serve a reference already shown (a bank entry's cadre is named by ``cadre``).
HIDDEN = {"record_id", "ids", "first_id", "last_id"}

ORDER = list(LABELS)

YES_NO = {True: "是", False: "否"}

COMMANDS = {
    "check_id_numbers": "身份证号码规范化检查",
    "check_reserves_ledger": "后备干部学时台账核对",
}

# Accounts that write entries without a person (management commands).
SYSTEM_USERNAMES = {key: f"系统（{label}）" for key, label in COMMANDS.items()}

LOCKS = {"pair": "用户名与IP地址组合", "username": "用户名", "ip": "IP地址"}

ERRORS = {"internal error": "系统内部错误", "worker lost": "后台处理进程中断"}

DOCUMENTS = {"rmb": "干部任免审批表"}

# Exports that are not Excel registries but are audited under a registry key.
OTHER_REGISTRIES = {"reserve_villages": "村（社区）后备干部换届准备情况"}


# --- subjects: whose codes an entry's action and states are ----------------------------------


def _reserves_actions():
    from reserves.models import Transition

    return dict(Transition.Action.choices)


def _reserves_stages():
    from reserves.models import Candidate

    return dict(Candidate.Stage.choices)


# Reserves entries whose ``record`` is not a record form's kind.
RESERVES_OTHER_RECORDS = {"inspection": "乡镇考察测评", "selection_standard": "后备干部选拔标准"}


def _reserves_records():
    from reserves.services import RECORD_KINDS

    return {**RESERVES_OTHER_RECORDS, **{key: kind.label for key, kind in RECORD_KINDS.items()}}


def _youth_actions():
    from youth_cadres.models import BankTransition

    return dict(BankTransition.Action.choices)


def _youth_statuses():
    from youth_cadres.models import BankEntry

    return dict(BankEntry.Status.choices)


def _youth_records():
    from youth_cadres.services import RECORD_KINDS

    return {key: kind.label for key, kind in RECORD_KINDS.items()}


def _moves(name):
    def labels():
        from talents import workflow

        return {key: move.label for key, move in getattr(workflow, name).items()}

    return labels


def _choices(model: str, attr: str):
    def labels():
        return dict(getattr(apps.get_model(model), attr).choices)

    return labels


def _none():
    return {}


def _retention_actions():
    from youth_cadres.retention.models import CareTransition, DemandTransition

    # “note” (登记办理情况) is an entry of a demand that is not a transition.
    return {**dict(CareTransition.Action.choices), **dict(DemandTransition.Action.choices), "note": "登记办理情况"}


def _retention_states():
    from youth_cadres.retention.models import Demand

    return dict(Demand.Status.choices)


@dataclass(frozen=True)
class Subject:
    """An app's entries: recognised by ``keys`` in the details; ``actions``, ``states``
    and ``records`` give the labels of its codes."""

    keys: tuple[str, ...]
    actions: Callable[[], dict]
    states: Callable[[], dict] = _none
    records: Callable[[], dict] = _none


SUBJECTS: list[Subject] = [
    Subject(("candidate", "candidates", "from_stage", "to_stage", "session", "batch", "standard"),
            _reserves_actions, _reserves_stages, _reserves_records),
    Subject(("care", "demand", "measure"), _retention_actions, _retention_states),
    Subject(("bank_entry", "cadre", "round"), _youth_actions, _youth_statuses, _youth_records),
    Subject(("talent",), _moves("TALENT_MOVES"), _choices("talents.Talent", "Status")),
    Subject(("platform",), _moves("PLATFORM_MOVES"), _choices("talents.Platform", "Status")),
    Subject(("organization",), _moves("ORG_MOVES"), _choices("talents.ArtsOrganization", "State")),
]


def subject_of(detail: dict) -> Subject | None:
    for subject in SUBJECTS:
        if any(key in detail for key in subject.keys):
            return subject
    return None


def _action_label(code, detail) -> str:
    subject = subject_of(detail)
    if subject is not None:
        label = subject.actions().get(code)
        if label:
            return label
    # An entry without a subject key (an import of many): the first app that knows the code.
    for other in SUBJECTS:
        label = other.actions().get(code)
        if label:
            return label
    return str(code)


def _state_label(code, detail) -> str:
    if not code:
        return "新建"
    subject = subject_of(detail)
    return (subject.states() if subject else {}).get(code, str(code))


def _record_label(code, detail) -> str:
    subject = subject_of(detail)
    return (subject.records() if subject else {}).get(code, str(code))


# --- references: primary keys shown as names ------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    model: str
    name: Callable = str
    related: tuple[str, ...] = ()


REFERENCES: dict[str, Reference] = {
    "candidate": Reference("reserves.Candidate", lambda c: f"{c.name}（{c.village.name}）", ("village",)),
    "candidates": Reference("reserves.Candidate", lambda c: c.name),
    "session": Reference("reserves.TrainingSession"),
    "standard": Reference("reserves.SelectionStandard", lambda s: f"{s.title}（{s.version}）"),
    "cadre": Reference("youth_cadres.Cadre", lambda c: c.name),
    "bank_entry": Reference("youth_cadres.BankEntry", lambda e: e.cadre.name, ("cadre",)),
    "post": Reference("youth_cadres.Post"),
    "posts": Reference("youth_cadres.Post"),
    "plan": Reference("youth_cadres.TrainingPlan"),
    "round": Reference("youth_cadres.AppointmentRound", lambda r: r.title),
    "care": Reference("retention.CareRecord", lambda c: c.name),
    "measure": Reference("retention.Measure", lambda m: m.title),
    "talent": Reference("talents.Talent", lambda t: t.name),
    "platform": Reference("talents.Platform", lambda p: p.name),
    "organization": Reference("talents.ArtsOrganization", lambda o: o.name),
}

LIST_SHOWN = 20


def _pks(value) -> list:
    values = value if isinstance(value, (list, tuple)) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


@dataclass
class Names:
    """Names of every referenced record on a page, one query per model."""

    by_key: dict[str, dict] = field(default_factory=dict)
    regions: dict = field(default_factory=dict)

    @classmethod
    def load(cls, details: list[dict]) -> "Names":
        wanted: dict[str, set] = defaultdict(set)
        for detail in details:
            for key, ref in REFERENCES.items():
                if key in detail:
                    wanted[ref.model].update(_pks(detail[key]))
        names: dict[str, dict] = {}
        for model_label, pks in wanted.items():
            related = {r for key, ref in REFERENCES.items() if ref.model == model_label for r in ref.related}
            try:
                model = apps.get_model(model_label)
            except LookupError:  # a model this installation does not have (yet): the key shows as deleted
                continue
            names[model_label] = model._base_manager.select_related(*related).in_bulk(pks) if pks else {}
        region_pks = {
            int(v) for detail in details if isinstance(detail.get("filters"), dict)
            for k, v in detail["filters"].items() if k in REGION_FILTERS and str(v).isdigit()
        }
        regions = apps.get_model("cadre_portal.Region")._base_manager.in_bulk(region_pks) if region_pks else {}
        return cls(names, {pk: r.name for pk, r in regions.items()})

    def name(self, key: str, pk) -> str:
        ref = REFERENCES[key]
        obj = self.by_key.get(ref.model, {}).get(pk)
        return ref.name(obj) if obj is not None else f"（已删除的记录 {pk}）"

    def region(self, value) -> str:
        return self.regions.get(int(value), str(value)) if str(value).isdigit() else str(value)

    def names(self, key: str, value) -> str:
        pks = _pks(value)
        shown = "、".join(self.name(key, pk) for pk in pks[:LIST_SHOWN])
        return shown + (f" 等 {len(pks)} 个" if len(pks) > LIST_SHOWN else "")


# --- values -----------------------------------------------------------------------------------


def _registry_title(key) -> str:
    from cadre_portal.documents import imports as document_imports
    from cadre_portal.documents import registry as documents
    from cadre_portal.excel import resources

    key = str(key)
    found = resources.get(key)
    if found is not None:
        return found.title
    if key.startswith(document_imports.REGISTRY_PREFIX):
        source = documents.get(key[len(document_imports.REGISTRY_PREFIX):])
        if source is not None:
            return f"干部任免审批表（{source.title}）"
    return OTHER_REGISTRIES.get(key, key)


def _form_values(values: dict, fields: dict) -> str:
    """``{name: value}`` of a form or filter set, with the field's label and choice labels."""
    parts = []
    for name, value in values.items():
        declared = fields.get(name)
        label = getattr(declared, "label", None) or name
        choices = dict(getattr(declared, "choices", None) or getattr(declared, "extra", {}).get("choices") or [])
        shown_values = value if isinstance(value, list) else [value]
        shown = "、".join(str(choices.get(v, v)) for v in shown_values)
        parts.append(f"{label}：{shown}")
    return "；".join(parts)


def _options(value, detail) -> str:
    from cadre_portal.excel import resources

    if not value:
        return "无"
    cls = resources.get(str(detail.get("registry", "")))
    form_class = getattr(cls, "options_form_class", None)
    fields = dict(getattr(form_class, "base_fields", {}) or {})
    return _form_values(value, fields) if isinstance(value, dict) else str(value)


REGION_FILTERS = ("township", "village", "region", "county")


def _filters(value, detail, names) -> str:
    from cadre_portal.excel import resources

    if not value:
        return "全部（未筛选）"
    if not isinstance(value, dict):
        return str(value)
    cls = resources.get(str(detail.get("registry", "")))
    try:
        # The list's filter set (some registries build it per call; none needs the instance's state).
        filterset = cls.get_filterset_class(cls.__new__(cls)) if cls is not None else None
    except Exception:  # an older registry shape: labels fall back to the plain keys below
        filterset = getattr(cls, "filterset_class", None)
    fields = dict(getattr(filterset, "base_filters", {}) or {})
    value = {k: (names.region(v) if k in REGION_FILTERS else v) for k, v in value.items()}
    return _form_values(value, fields)


def _changes(value, detail) -> str:
    """Before and after: ``{标签: {before, after}}`` (record changes) or a list of
    ``{region|village|label|field, before, after}`` (settings per region)."""
    if isinstance(value, dict):
        value = [{"label": label, **(change if isinstance(change, dict) else {"after": change})} for label, change in value.items()]
    if not isinstance(value, list):
        return str(value)
    parts = []
    for change in value:
        if not isinstance(change, dict):
            parts.append(str(change))
            continue
        where = change.get("region") or change.get("village") or change.get("label") or LABELS.get(change.get("field"), "")
        before = change.get("before")
        after = change.get("after")
        parts.append(f"{where}：{'未设' if before in (None, '') else before} → {'未设' if after in (None, '') else after}")
    return "；".join(parts)


def _actions_tally(value, detail) -> str:
    if isinstance(value, dict):
        return "；".join(f"{label} {n} 人" for label, n in value.items())
    return str(value)


def _size(value, detail) -> str:
    try:
        return f"{int(value) / 1e6:.1f} MB"
    except (TypeError, ValueError):
        return str(value)


def _records(value, detail) -> str:
    """``app.Model#pk`` strings (check_id_numbers) as the model's Chinese name and number."""
    values = value if isinstance(value, list) else [value]
    shown = []
    for item in values[:LIST_SHOWN]:
        label, _, pk = str(item).partition("#")
        try:
            name = apps.get_model(label)._meta.verbose_name
        except (LookupError, ValueError):
            name = label
        shown.append(f"{name} {pk}" if pk else str(name))
    return "、".join(shown) + (f" 等 {len(values)} 条" if len(values) > LIST_SHOWN else "")


def _list(value, detail) -> str:
    values = value if isinstance(value, list) else [value]
    return "、".join(str(v) for v in values[:LIST_SHOWN]) + (f" 等 {len(values)} 项" if len(values) > LIST_SHOWN else "")


def _format(value, detail) -> str:
    from cadre_portal.documents.registry import FORMATS

    found = FORMATS.get(value)
    return found.label if found is not None else str(value)


def _source(value, detail) -> str:
    from cadre_portal.documents import registry as documents

    found = documents.get(str(value))
    return found.title if found is not None else str(value)


def _job_status(value, detail) -> str:
    from cadre_portal.excel.models import ImportJob

    return dict(ImportJob.Status.choices).get(value, str(value))


def _yes_no(value, detail) -> str:
    return YES_NO.get(bool(value))


def _minutes(value, detail) -> str:
    return f"{value} 分钟"


VALUES: dict[str, Callable] = {
    "action": _action_label,
    "actions": _actions_tally,
    "from_stage": _state_label,
    "to_stage": _state_label,
    "from_status": _state_label,
    "to_status": _state_label,
    "from_state": _state_label,
    "to_state": _state_label,
    "record": _record_label,
    "registry": lambda v, d: _registry_title(v),
    "options": _options,
    "masked": _yes_no,
    "background": _yes_no,
    "cancelled": _job_status,
    "changes": _changes,
    "size": _size,
    "records": _records,
    "removed": _list,
    "unlocked": _list,
    "messages": _list,
    "command": lambda v, d: COMMANDS.get(v, str(v)),
    "lock": lambda v, d: LOCKS.get(v, str(v)),
    "error": lambda v, d: ERRORS.get(v, str(v)),
    "document": lambda v, d: DOCUMENTS.get(v, str(v)),
    "format": _format,
    "source": _source,
    "minutes": _minutes,
}


def _plain(value) -> str:
    if isinstance(value, bool):
        return YES_NO[value]
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return _list(value, {})
    if isinstance(value, dict):
        return "；".join(f"{k}：{_plain(v)}" for k, v in value.items())
    return str(value)


def lines(detail: dict, names: Names) -> list[tuple[str, str]]:
    """The entry's details as ``(label, value)`` lines, in a stable order."""
    if not isinstance(detail, dict):
        return [(OTHER, _plain(detail))] if detail else []
    result = []
    ordered = sorted(detail, key=lambda k: ORDER.index(k) if k in LABELS else len(ORDER))
    for key in ordered:
        if key in HIDDEN:
            continue
        value = detail[key]
        if key in REFERENCES:
            shown = names.names(key, value) if isinstance(value, list) else names.name(key, value)
        elif key == "filters":
            shown = _filters(value, detail, names)
        elif key in VALUES:
            shown = VALUES[key](value, detail)
        else:
            shown = _plain(value)
        result.append((LABELS.get(key, OTHER), shown))
    return result


def describe(events) -> None:
    """Attach ``detail_lines`` and ``actor`` to each event of a page (a list)."""
    events = list(events)
    names = Names.load([e.detail for e in events if isinstance(e.detail, dict)])
    for event in events:
        event.detail_lines = lines(event.detail or {}, names)
        event.actor = (event.user.display_name if event.user_id and event.user else "") or SYSTEM_USERNAMES.get(
            event.username, event.username
        )
