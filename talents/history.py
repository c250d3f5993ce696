"""A record's field history (django-simple-history) as people read it: who changed what,
from which value to which, in Chinese labels — foreign keys by name, coded values by
label, a talent's domain fields (``details``) one by one. A bounded number of queries:
the history rows, then one lookup per referenced model."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

HIDDEN = {"id", "name_initials", "name_pinyin", "created_at", "created_by", "status", "status_date", "state", "state_date"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: object
    user: object
    kind: str  # 新建 / 修改
    changes: list[Change] = field(default_factory=list)


def entries(obj, *, limit: int = 30, detail_fields=()) -> list[Entry]:
    """Newest first. ``detail_fields`` are the ``talents.domains.DetailField``s of a talent."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    model = type(obj)
    fields = {f.attname: f for f in model._meta.concrete_fields if f.name not in HIDDEN}
    pairs = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        pairs.append((record, previous))
    # Names of the referenced rows, one query per related model.
    wanted: dict[type, set] = {}
    for record, previous in pairs:
        for attname, f in fields.items():
            if f.is_relation:
                for r in (record, previous):
                    if r is not None and getattr(r, attname, None) is not None:
                        wanted.setdefault(f.related_model, set()).add(getattr(r, attname))
    names = {m: {pk: str(o) for pk, o in m._default_manager.in_bulk(list(pks)).items()} for m, pks in wanted.items()}
    details = {d.key: d for d in detail_fields}
    result = []
    for record, previous in pairs:
        entry = Entry(at=record.history_date, user=record.history_user,
                      kind="新建" if record.history_type == "+" else ("删除" if record.history_type == "-" else "修改"))
        if previous is not None and record.history_type == "~":
            for attname, f in fields.items():
                old, new = getattr(previous, attname, None), getattr(record, attname, None)
                if old == new:
                    continue
                if attname == "details":
                    entry.changes.extend(_detail_changes(old or {}, new or {}, details))
                    continue
                entry.changes.append(Change(str(f.verbose_name), _show(f, old, names), _show(f, new, names)))
            if not entry.changes:
                continue
        result.append(entry)
    return result


def _show(f, value, names) -> str:
    if value in (None, ""):
        return "（空）"
    if f.is_relation:
        return names.get(f.related_model, {}).get(value, str(value))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return "是" if value else "否"
    if isinstance(f, models.DateField):
        return value.strftime("%Y.%m.%d") if hasattr(value, "strftime") else str(value)
    if f.name == "tags":
        return "、".join(t for t in str(value).split(",") if t) or "（空）"
    return str(value)


def _detail_changes(old: dict, new: dict, details: dict) -> list[Change]:
    changes = []
    for key in list(dict.fromkeys([*old, *new])):
        if old.get(key) == new.get(key):
            continue
        item = details.get(key)
        label = item.label if item else "领域信息（已停用的信息项）"
        show = (lambda v: item.display(v) or "（空）") if item else (lambda v: "（空）" if v in (None, "") else str(v))
        changes.append(Change(label, show(old.get(key)), show(new.get(key))))
    return changes
