"""The talent-domain registry: what each of the five domains (五域) keeps beyond the
shared talent core.

Every talent is one ``talents.models.Talent`` row — one list, one scope, one Excel
path. What only one domain records (an education talent's 学段, a doctor's
县管乡用 posting, a farmer's leading industry) is declared here as ``DetailField``s
and stored, validated, in ``Talent.details`` (JSON). Forms, the talent page, the
list's extra columns and filters, and each domain's Excel template are built from
these declarations; nothing else needs to know a domain's fields.

Adding a field or a domain part:

1. add a ``DetailField`` to the domain's ``fields`` below: ``key`` (stored in the
   JSON, never renamed), ``label`` (Chinese, what users and Excel headers show),
   ``kind`` (``text`` / ``choice`` / ``code`` / ``bool`` / ``int``) and its choices
   or code table; set ``list_column`` / ``list_filter`` to show it on the list;
2. a new category or channel is a row of a code table (``talents.codes``), added by
   an administrator in 系统管理 → 代码表 — no code change;
3. a sixth domain needs a ``cadre_portal.models.Domain`` choice, a ``TalentDomain``
   registered here, and its category table in ``talents.codes``. No migration of
   this app is needed for 1 or 2: ``details`` is JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.core.exceptions import ValidationError

from cadre_portal.models import Domain
from talents import codes

YES = {"是", "1", "TRUE", "Y", "YES", "√"}
NO = {"否", "0", "FALSE", "N", "NO", "×"}


@dataclass(frozen=True)
class DetailField:
    """One domain-specific attribute of a talent, kept in ``Talent.details[key]``."""

    key: str
    label: str
    kind: str = "text"  # text | choice | code | bool | int | date (stored as an ISO date string)
    choices: tuple[tuple[str, str], ...] = ()  # for ``choice``
    code_table: str = ""  # for ``code`` (a CodeItem table an administrator extends)
    required: bool = False
    max_length: int = 100
    min_value: int | None = None
    max_value: int | None = None
    help_text: str = ""
    list_column: bool = False
    list_filter: bool = False
    # The list filter's label when it differs from the field's (a date filtered as 已入选/未入选).
    filter_label: str = ""

    def choice_pairs(self) -> list[tuple[str, str]]:
        if self.kind == "choice":
            return list(self.choices)
        if self.kind == "code":
            from cadre_portal.models import CodeItem

            return CodeItem.choices_for(self.code_table)
        return []

    def clean(self, value, *, choices: list[tuple[str, str]] | None = None):
        """The stored value for ``value`` (None when empty), or ValidationError in Chinese."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise ValidationError(f"请填写{self.label}。")
            return None
        if self.kind == "bool":
            if isinstance(value, bool):
                return value or None
            text = str(value).strip().upper()
            if text in YES:
                return True
            if text in NO:
                return None
            raise ValidationError(f"{self.label}请填写“是”或“否”。")
        if self.kind == "date":
            from datetime import date as date_type

            if isinstance(value, date_type):
                day = value
            else:
                from cadre_portal.excel.columns import CellError, parse_date

                try:
                    day = parse_date(str(value).strip())
                except CellError as exc:
                    raise ValidationError(f"{self.label}：{exc}") from None
            if day > date_type.today():
                raise ValidationError(f"{self.label}不能晚于今天。")
            return day.isoformat()
        if self.kind == "int":
            try:
                number = int(str(value).strip())
            except ValueError:
                raise ValidationError(f"{self.label}应填写整数。") from None
            if self.min_value is not None and number < self.min_value:
                raise ValidationError(f"{self.label}不能小于 {self.min_value}。")
            if self.max_value is not None and number > self.max_value:
                raise ValidationError(f"{self.label}不能大于 {self.max_value}。")
            return number
        text = str(value).strip()
        if self.kind in ("choice", "code"):
            pairs = choices if choices is not None else self.choice_pairs()
            for code, name in pairs:
                if text in (code, name):
                    return code
            raise ValidationError(f"“{text}”不是有效的{self.label}。")
        if len(text) > self.max_length:
            raise ValidationError(f"{self.label}最多 {self.max_length} 个字。")
        return text

    def display(self, value, *, choices: dict | None = None) -> str:
        if value in (None, ""):
            return ""
        if self.kind == "bool":
            return "是" if value else ""
        if self.kind == "date":
            return str(value).replace("-", ".")
        if self.kind in ("choice", "code"):
            labels = choices if choices is not None else dict(self.choice_pairs())
            return labels.get(value, str(value))
        return str(value)


@dataclass(frozen=True)
class TalentDomain:
    """How one domain's talent registry differs from the shared core."""

    key: str  # a cadre_portal.models.Domain value
    department: str
    fields: tuple[DetailField, ...] = ()
    # What ``Talent.served_unit`` means in this domain ("" = not used).
    served_unit_label: str = ""
    served_unit_help: str = ""
    platform_kinds: tuple[str, ...] = ()
    has_supports: bool = False
    # Short name for the registry (名优师资库 …), used in titles.
    registry_title: str = ""

    @property
    def label(self) -> str:
        return Domain(self.key).label

    @property
    def category_table(self) -> str:
        return codes.category_table(self.key)

    @property
    def title(self) -> str:
        return self.registry_title or f"{self.label}人才库"

    def field(self, key: str) -> DetailField:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    def list_columns(self) -> list[DetailField]:
        return [f for f in self.fields if f.list_column]

    def list_filters(self) -> list[DetailField]:
        return [f for f in self.fields if f.list_filter]

    def clean_details(self, data: dict) -> dict:
        """Validate a dict of raw detail values; return what ``Talent.details`` stores
        (empty values left out). Raises ValidationError({key: message})."""
        cleaned, errors = {}, {}
        for item in self.fields:
            try:
                value = item.clean(data.get(item.key))
            except ValidationError as exc:
                errors[item.key] = exc.messages[0]
                continue
            if value is not None:
                cleaned[item.key] = value
        unknown = set(data) - {f.key for f in self.fields}
        if unknown:
            errors["details"] = "包含本领域没有的信息项。"
        if errors:
            raise ValidationError(errors)
        return cleaned

    def detail_rows(self, details: dict) -> list[tuple[str, str]]:
        """(label, shown value) of every declared field that has a value."""
        rows = []
        for item in self.fields:
            shown = item.display((details or {}).get(item.key))
            if shown:
                rows.append((item.label, shown))
        return rows


_DOMAINS: dict[str, TalentDomain] = {}


def register(domain: TalentDomain) -> TalentDomain:
    if domain.key not in Domain.values:
        raise ValueError(f"{domain.key!r} is not a cadre_portal.models.Domain value")
    _DOMAINS[domain.key] = domain
    return domain


def get(key: str) -> TalentDomain:
    try:
        return _DOMAINS[key]
    except KeyError:
        raise LookupError(f"Unknown talent domain {key!r}") from None


def all_domains() -> list[TalentDomain]:
    """In the order of ``Domain`` (教育、医疗、农业、工业、文化)."""
    return [_DOMAINS[key] for key in Domain.values if key in _DOMAINS]


def keys() -> list[str]:
    return [d.key for d in all_domains()]


def choices_for(user) -> list[tuple[str, str]]:
    """The domains a user works with: a domain officer their own, everybody else all five."""
    if getattr(user, "is_domain_officer", False):
        return [(d.key, d.label) for d in all_domains() if d.key == user.domain]
    return [(d.key, d.label) for d in all_domains()]


def platform_kind_choices(domain_key: str) -> list[tuple[str, str]]:
    """The platform kinds a domain keeps (名医工作室 is 医疗's, 名师工作室 教育's …)."""
    from talents.models import Platform

    kinds = get(domain_key).platform_kinds
    return [(value, label) for value, label in Platform.Kind.choices if value in kinds]


# --- the five domains ----------------------------------------------------------------------

register(TalentDomain(
    key=Domain.EDUCATION,
    department="县教育局",
    registry_title="名优师资库",
    fields=(
        DetailField("school_stage", "学段", "choice", choices=(("basic", "基教"), ("higher", "高教"), ("vocational", "职教")),
                    required=True, list_column=True, list_filter=True),
        DetailField("subject", "任教学科", max_length=30, list_column=True),
        DetailField("alliance_mode", "教联体共享方式", "choice",
                    choices=(("rotation", "交流轮岗"), ("itinerant", "走教"), ("pairing", "结对帮扶"), ("delivery", "送教下乡")),
                    list_filter=True, help_text="参与县域教联体、城区强校与乡村弱校师资共享的方式"),
        DetailField("famous_class", "开设名师课堂", "bool"),
    ),
    served_unit_label="教联体共享的乡村学校",
    served_unit_help="参与教联体共享时，所服务的乡村学校（本人所在学校为派出学校）",
    platform_kinds=("teacher_studio",),
))

register(TalentDomain(
    key=Domain.MEDICAL,
    department="县卫健局",
    registry_title="医疗卫生人才库",
    fields=(
        DetailField("practice", "执业类别", "choice",
                    choices=(("clinical", "临床"), ("tcm", "中医"), ("dental", "口腔"), ("public_health", "公共卫生"),
                             ("nursing", "护理"), ("pharmacy", "药学"), ("technician", "医技"), ("management", "卫生管理")),
                    list_filter=True),
        DetailField("department", "科室/专业", max_length=30, list_column=True),
        DetailField("posting", "县管乡用/乡管村用", "choice",
                    choices=(("county_to_township", "县管乡用"), ("township_to_village", "乡管村用")),
                    list_column=True, list_filter=True),
        DetailField("management_selected_on", "入选县乡两级医疗卫生管理人才日期", "date", list_filter=True,
                    filter_label="县乡两级医疗卫生管理人才",
                    help_text="经公开选拔培育为县乡两级医疗卫生管理人才的，填写入选日期"),
        DetailField("key_talent", "名优医技人才", "bool", list_filter=True),
        DetailField("discipline_leader", "医学学科带头人", "bool", list_filter=True),
    ),
    served_unit_label="下沉服务单位",
    served_unit_help="县管乡用、乡管村用时实际工作的乡镇卫生院或村卫生室",
    platform_kinds=("doctor_studio", "expert_team", "chest_pain_center", "stroke_center", "maternal_center",
                    "neonatal_center", "tcm_specialty"),
))

register(TalentDomain(
    key=Domain.AGRICULTURE,
    department="县农业农村局",
    registry_title="农业农村人才库",
    fields=(
        DetailField("industry", "主导产业", "code", code_table=codes.INDUSTRY_TABLE, list_column=True, list_filter=True,
                    help_text="服务的县域主导农业产业（竹、茶、药、猪等）"),
        DetailField("business_name", "经营主体", max_length=60, list_column=True,
                    help_text="家庭农场、合作社、企业、网店等经营主体名称"),
        DetailField("business_scale", "经营规模", max_length=60, help_text="如：茶园 300 亩、年出栏生猪 2000 头"),
        DetailField("households", "带动农户数", "int", min_value=0, max_value=100000),
        DetailField("in_village_committee", "已进入村“两委”班子", "bool", list_filter=True),
    ),
    platform_kinds=("expert_team",),
    has_supports=True,
))

register(TalentDomain(
    key=Domain.INDUSTRY,
    department="县经信局",
    registry_title="企业人才库",
    fields=(
        DetailField("engagement", "引进形式", "choice",
                    choices=(("full_time", "全职"), ("adviser", "兼职顾问"), ("equity", "技术入股"), ("flexible", "柔性引进"),
                             ("order_training", "订单培养")),
                    list_column=True, list_filter=True),
        DetailField("above_scale", "所在企业为规上企业", "bool", list_filter=True),
        DetailField("speciality_field", "技术领域", max_length=40),
    ),
    served_unit_label="服务企业",
    served_unit_help="以兼职顾问、技术入股等形式服务的县内企业（本人单位之外）",
    platform_kinds=("enterprise_station", "remote_station", "academician_station", "postdoc_station",
                    "enterprise_school_center", "engineering_center"),
))

register(TalentDomain(
    key=Domain.CULTURE,
    department="县文旅局",
    registry_title="文化人才库",
    fields=(
        DetailField("art_form", "艺术门类", max_length=30, list_column=True),
        DetailField("heritage_item", "非遗项目", max_length=40, list_filter=False, help_text="如：提琴戏"),
        DetailField("school_programme", "经“政府买单、院校培养”定向培养", "bool", list_filter=True),
        DetailField("programme_school", "培养院校", max_length=40),
        DetailField("programme_year", "入学年份", "int", min_value=1950, max_value=2100),
    ),
    platform_kinds=("artist_studio",),
))

