"""Excel registries of the talents app, through the shared machinery (docs/EXCEL.md):

- ``talents_<domain>`` — one per domain (名优师资库, 医疗卫生人才库 …): the shared talent
  columns, that domain's categories as a dropdown and its own fields (学段, 县管乡用 …)
  as columns, generated from ``talents.domains``;
- ``talent_platforms`` — studios, teams, stations and centres with their leader and members;
- ``talent_plans`` — recruitment plan lines (year × category × channel × planned number);
- ``talent_arts_orgs`` — the arts organizations register.

Imports belong to the domain's own officer (a domain officer imports only into their
domain's registries); every row is checked with the same rules as the forms
(``talents.services``), the whole file is written in one transaction or not at all,
and a message never says anything about another domain's records. Statuses are
exported but never imported (they move through ``talents.workflow``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cadre_portal import codes as national_codes
from cadre_portal import idcard
from cadre_portal.bulk import bulk_insert_with_history
from cadre_portal.excel.columns import (
    CellError,
    CodeColumn,
    Column,
    DateColumn,
    IDNumberColumn,
    IntegerColumn,
    PersonNameColumn,
    RegionColumn,
    TextColumn,
)
from cadre_portal.excel.engine import CommitConflict
from cadre_portal.excel.reading import clean_text
from cadre_portal.excel.resources import ExcelResource, register, user_role
from cadre_portal.models import CodeItem, Domain, Unit
from talents import codes, domains, services
from talents.models import (
    ArtsOrganization,
    Level,
    OrgStateChange,
    PlanLine,
    Platform,
    RecruitmentPlan,
    Talent,
    TalentStatusChange,
)

# Township officers read (never keep) the talents of their township: masked, like leaders.
MASKED = ("leader", "township_officer")
EXPORT_ROLES = ("domain_officer", "county_staff", "township_officer", "admin")
TALENT_LEVELS = (3, 4, 5)


def _domain_officer_of(user, domain: str) -> bool:
    return user_role(user) != "domain_officer" or user.domain == domain


# --- columns ---------------------------------------------------------------------------------


class CodeItemColumn(Column):
    """A row of an administrator-extendable code table (人才类别, 招引渠道), by name or code."""

    memoize = True

    def __init__(self, attribute, header, *, table, **kw):
        kw.setdefault("target", f"{attribute}_id")
        kw.setdefault("export_paths", (f"{attribute}__name",))
        kw.setdefault("width", 18)
        super().__init__(attribute, header, **kw)
        self.table = table

    def items(self, ctx):
        key = ("code_items", self.table)
        if key not in ctx.cache:
            ctx.cache[key] = list(CodeItem.objects.filter(table=self.table).order_by("sort_order", "code")
                                  .values_list("pk", "code", "name", "is_active"))
        return ctx.cache[key]

    def parse(self, raw, ctx):
        text = clean_text(raw)
        for pk, code, name, _active in self.items(ctx):
            if text in (name, code):
                return pk
        raise CellError(f"“{text}”不是有效的{self.header}，请从下拉列表中选择。")

    def dropdown(self, ctx):
        return [name for _pk, _code, name, active in self.items(ctx) if active]

    def describe(self, ctx):
        base = super().describe(ctx)
        return (base + "；" if base else "") + "可选：" + "、".join(self.dropdown(ctx))


class UnitColumn(Column):
    """A unit of the domain's unit register within the user's scope, by name (or
    “名称（所在区划）” where two units share a name)."""

    memoize = True

    def __init__(self, attribute, header, *, domain, **kw):
        kw.setdefault("target", f"{attribute}_id")
        kw.setdefault("export_paths", (f"{attribute}__name", f"{attribute}__region__name"))
        kw.setdefault("width", 28)
        super().__init__(attribute, header, **kw)
        self.domain = domain

    def index(self, ctx):
        key = ("units", self.domain)
        if key not in ctx.cache:
            rows = list(Unit.objects.visible_to(ctx.user).filter(domain=self.domain).order_by("region__path", "sort_order", "name")
                        .values_list("pk", "name", "region__name"))
            counts = defaultdict(int)
            for _pk, name, _region in rows:
                counts[name] += 1
            by_key, labels = {}, []
            for pk, name, region in rows:
                full = f"{name}（{region}）"
                by_key[full] = pk
                if counts[name] == 1:
                    by_key[name] = pk
                labels.append(name if counts[name] == 1 else full)
            ctx.cache[key] = (by_key, labels, {name for name, n in counts.items() if n > 1})
        return ctx.cache[key]

    def parse(self, raw, ctx):
        text = clean_text(raw).replace("(", "（").replace(")", "）")
        by_key, _labels, ambiguous = self.index(ctx)
        if text in by_key:
            return by_key[text]
        if text in ambiguous:
            raise CellError(f"“{text}”有重名，请填写“单位名称（所在区划）”，或从下拉列表中选择。")
        raise CellError(f"“{text}”不在本领域单位名录中，请从下拉列表中选择。")

    def to_cell(self, values, ctx):
        name, region = values
        if not name:
            return None
        _by_key, _labels, ambiguous = self.index(ctx)
        return f"{name}（{region}）" if name in ambiguous else name

    def dropdown(self, ctx):
        return self.index(ctx)[1]


class TagsColumn(TextColumn):
    """Tags separated by 、，, or ; stored ",a,b," (``talents.models.tags_text``)."""

    SEPARATORS = ("、", "，", ",", ";", "；")

    def parse(self, raw, ctx):
        from talents.models import tags_text

        text = super().parse(raw, ctx)
        for sep in self.SEPARATORS[1:]:
            text = text.replace(sep, "、")
        return tags_text(text.split("、"))

    def to_cell(self, values, ctx):
        return "、".join(t for t in (values[0] or "").split(",") if t) or None


class DetailColumn(Column):
    """One domain-specific field (``talents.domains.DetailField``) kept in ``Talent.details``."""

    def __init__(self, item, **kw):
        super().__init__("details", item.label, target=f"detail:{item.key}", export_paths=(f"details__{item.key}",),
                         compare_path=f"details__{item.key}", required=item.required, note=item.help_text,
                         width=max(12, len(item.label) * 2 + 2), **kw)
        self.item = item
        self.memoize = item.kind in ("choice", "code", "bool")
        self.text_format = item.kind == "date"

    def empty_value(self):
        return None

    def parse(self, raw, ctx):
        if self.item.kind == "int" and isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if self.item.kind == "date":
            from cadre_portal.excel.columns import parse_date

            raw = parse_date(raw)
        try:
            return self.item.clean(clean_text(raw) if not isinstance(raw, bool) else raw, choices=self._pairs(ctx))
        except ValidationError as exc:
            raise CellError(exc.messages[0]) from None

    def _pairs(self, ctx):
        if self.item.kind not in ("choice", "code"):
            return None
        key = ("detail_choices", self.item.key)
        if key not in ctx.cache:
            ctx.cache[key] = self.item.choice_pairs()
        return ctx.cache[key]

    def to_cell(self, values, ctx):
        value = values[0]
        if value in (None, ""):
            return None
        if self.item.kind == "bool":
            return "是" if value else None
        if self.item.kind == "int":
            return int(value)
        if self.item.kind == "date":
            return date.fromisoformat(value)
        return self.item.display(value, choices=dict(self._pairs(ctx) or ()))

    def dropdown(self, ctx):
        if self.item.kind == "bool":
            return ["是", "否"]
        pairs = self._pairs(ctx)
        return [name for _code, name in pairs] if pairs else None

    def describe(self, ctx):
        base = super().describe(ctx)
        names = self.dropdown(ctx)
        if self.item.kind == "bool":
            return (base + "；" if base else "") + "填“是”或留空"
        return (base + "；" if base else "") + ("可选：" + "、".join(names) if names else "")


class DomainColumn(Column):
    """所属领域: optional; when given it must be this registry's domain (so a row of another
    domain is refused instead of being filed in the wrong registry)."""

    memoize = True

    def __init__(self, attribute="domain", header="所属领域", **kw):
        kw.setdefault("target", "domain_check")
        kw.setdefault("compare_path", attribute)
        kw.setdefault("width", 10)
        kw.setdefault("note", "可不填；填写时须为本模板的领域")
        super().__init__(attribute, header, **kw)

    def parse(self, raw, ctx):
        text = clean_text(raw)
        for value, label in Domain.choices:
            if text in (value, label, label + "领域"):
                return value
        raise CellError(f"“{text}”不是有效的领域（教育、医疗、农业、工业、文化）。")

    def to_cell(self, values, ctx):
        return Domain(values[0]).label if values[0] else None


class StatusColumn(Column):
    """Export only: statuses move through the workflow, never through a file."""

    def __init__(self, attribute, header, choices, **kw):
        super().__init__(attribute, header, importable=False, width=10, **kw)
        self.labels = dict(choices)

    def to_cell(self, values, ctx):
        return self.labels.get(values[0], values[0]) if values[0] else None


def check_person(row) -> None:
    """Sex and birth date, when given, must agree with the ID number; left empty, they are
    taken from it (so a re-import compares equal)."""
    values = row.values
    number = values.get("id_number")
    if not number:
        return
    info = idcard.parse(number)
    if values.get("sex") and values["sex"] != info.sex:
        row.error("性别", f"性别与身份证号码不符（号码显示为{national_codes.label(national_codes.SEX, info.sex)}）。")
    if values.get("birth_date") and values["birth_date"] != info.birth_date:
        row.error("出生日期", f"出生日期与身份证号码不符（号码显示为{info.birth_date:%Y年%m月%d日}）。")
    if "sex" in row.present and not values.get("sex"):
        values["sex"] = info.sex
    if "birth_date" in row.present and not values.get("birth_date"):
        values["birth_date"] = info.birth_date
    if "ethnicity" in row.present and not values.get("ethnicity"):
        values["ethnicity"] = "01"


# --- talents, one registry per domain ------------------------------------------------------------------

TALENT_FIELD_HEADERS = {
    "category": "人才类别", "unit": "工作单位", "region": "工作地点", "channel": "招引渠道", "recruited_on": "招引日期",
    "plan_line": "计入招引计划年度", "id_number": "身份证号码",
}
# Model attributes a talent row may carry (status, domain and the record of who entered it never).
TALENT_ATTRS = tuple(
    f.attname for f in Talent._meta.concrete_fields
    if f.name not in ("id", "domain", "status", "status_date", "created_by", "created_at", "name_initials", "name_pinyin")
)


class TalentResourceBase(ExcelResource):
    """One domain's talent registry; ``talent_resource`` makes the five classes."""

    domain = ""
    import_roles = ("domain_officer",)
    export_roles = EXPORT_ROLES
    masked_roles = MASKED
    natural_key = ("id_number",)
    list_url_name = "talents:index"

    class Meta:
        abstract = True

    @classmethod
    def can_import(cls, user) -> bool:
        return super().can_import(user) and user.domain == cls.domain

    @classmethod
    def can_export(cls, user) -> bool:
        return super().can_export(user) and _domain_officer_of(user, cls.domain)

    @property
    def talent_domain(self):
        return domains.get(self.domain)

    def get_queryset(self):
        return Talent.objects.visible_to(self.user).filter(domain=self.domain)

    def get_filterset_class(self):
        from talents.filters import TalentFilter

        return TalentFilter

    def filterset_kwargs(self):
        return {"user": self.user, "domain": self.domain}

    def export_order(self):
        return getattr(self, "_list_order", None) or ("name_pinyin", "name", "pk")

    def outside_scope(self, keys):
        """The same resident ID in this domain's registry outside the user's scope (another
        county of a city-wide installation): refused without saying where."""
        numbers = [k[0] for k in keys]
        return {(n,) for n in Talent.objects.filter(domain=self.domain, id_number__in=numbers).values_list("id_number", flat=True)}

    # --- reading ---
    def prepare(self, rows):
        numbers = {r.values.get("id_number") for r in rows if r.values.get("id_number")}
        self.current = {
            t.id_number: t for t in self.match_queryset().filter(id_number__in=numbers).select_related(
                "category", "unit", "channel", "served_unit", "plan_line__plan", "plan_line__category", "plan_line__channel")
        }
        self.categories = CodeItem.objects.filter(table=self.talent_domain.category_table).in_bulk()
        self.channels = CodeItem.objects.filter(table=codes.CHANNEL_TABLE).in_bulk()
        unit_ids = {r.values.get(t) for r in rows for t in ("unit_id", "served_unit_id")} - {None, ""}
        self.units = Unit.objects.filter(pk__in=unit_ids).in_bulk()
        self.plan_lines = {
            (line.plan.year, line.category_id, line.channel_id): line
            for line in PlanLine.objects.visible_to(self.user).filter(plan__domain=self.domain)
            .select_related("plan", "category", "channel")
        }

    def check_row(self, row):
        values = row.values
        label = self.talent_domain.label
        if values.get("domain_check") and values["domain_check"] != self.domain:
            other = Domain(values["domain_check"]).label
            row.error("所属领域", f"本模板只导入{label}领域人才，该行为{other}领域；{other}领域人才由其主管部门导入。")
            return
        values["domain_check"] = self.domain  # blank means this registry's domain
        check_person(row)
        if "origin" in row.present and not values.get("origin"):
            values["origin"] = Talent.Origin.LOCAL
        current = self.current.get(values["id_number"])
        talent = self._build(row, current)
        if talent is None:
            return
        problems = services.talent_problems(talent, check_duplicate=False)
        for field, message in problems.items():
            row.error(self._header(field), message)
        values["_model"] = {attname: getattr(talent, attname) for attname in TALENT_ATTRS}

    def _header(self, field: str) -> str:
        if field == "served_unit":
            return self.talent_domain.served_unit_label
        return TALENT_FIELD_HEADERS.get(field, "姓名")

    def _build(self, row, current: Talent | None) -> Talent | None:
        """The talent as it will be saved: the current record (if any) with the file's values."""
        values = row.values
        if current is not None:
            talent = Talent.objects.model(**{f.attname: getattr(current, f.attname) for f in Talent._meta.concrete_fields})
            talent.details = dict(current.details or {})
            for name in ("category", "unit", "channel", "served_unit", "plan_line"):
                if getattr(current, f"{name}_id"):
                    setattr(talent, name, getattr(current, name))
        else:
            talent = Talent(domain=self.domain, details={})
        for target in row.present:
            if target.startswith("detail:"):
                key, value = target[7:], values.get(target)
                if value is None:
                    talent.details.pop(key, None)
                else:
                    talent.details[key] = value
            elif target in TALENT_ATTRS:
                setattr(talent, target, values.get(target))
        for name, lookup in (("category", self.categories), ("channel", self.channels), ("unit", self.units),
                             ("served_unit", self.units)):
            pk = getattr(talent, f"{name}_id")
            if pk:
                setattr(talent, name, lookup.get(pk))
        services.normalize_talent(talent)
        if "plan_year" in row.present:
            year = values.get("plan_year")
            talent.plan_line = None
            if year:
                line = self.plan_lines.get((year, talent.category_id, talent.channel_id))
                if talent.origin != Talent.Origin.RECRUITED:
                    row.error("计入招引计划年度", "只有招引的人才计入招引计划；本土培养人才请留空。")
                    return None
                if line is None:
                    names = f"{talent.category.name if talent.category_id else ''}·{talent.channel.name if talent.channel_id else ''}"
                    row.error("计入招引计划年度", f"{year}年{self.talent_domain.label}人才招引计划中没有“{names}”一项，请先在招引计划中增加。")
                    return None
                talent.plan_line = line
        return talent

    # --- writing ---
    def create(self, rows):
        talents = []
        for row in rows:
            talent = Talent(domain=self.domain, created_by=self.user, **row.values["_model"])
            talent.fill_derived_fields()
            talents.append(talent)
        try:
            with transaction.atomic():
                bulk_insert_with_history(talents, Talent, user=self.user)
        except IntegrityError:
            raise CommitConflict("文件中有人员在预览之后已由他人录入本领域人才库，请重新上传文件并预览。") from None
        today = date.today()
        changes = [TalentStatusChange(talent=t, from_status="", to_status=Talent.Status.ON_POST,
                                      on=t.recruited_on or today, reason="Excel导入", by=self.user) for t in talents]
        bulk_create_with_history(changes, TalentStatusChange, batch_size=1000, default_user=self.user)
        return len(talents)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        if len(objs) != len(rows):
            raise CommitConflict("部分人员在预览之后已有变化，请重新上传文件并预览。")
        for row in rows:
            obj = objs[row.pk]
            for attname, value in row.values["_model"].items():
                setattr(obj, attname, value)
            obj.fill_derived_fields()
        fields = sorted({f.name for f in Talent._meta.concrete_fields if f.attname in TALENT_ATTRS} | {"name_initials", "name_pinyin"})
        bulk_update_with_history(list(objs.values()), Talent, fields, batch_size=1000, default_user=self.user)
        return len(objs)


def _talent_columns(domain) -> dict[str, Column]:
    """The columns of one domain's template, in order."""
    cols: dict[str, Column] = {
        "name": PersonNameColumn("name", "姓名", required=True),
        "id_number": IDNumberColumn(required=True),
        "sex": CodeColumn("sex", "性别", choices=national_codes.SEX, width=6, note="可不填，按身份证号码判断"),
        "birth_date": DateColumn("birth_date", "出生日期", aliases=("出生年月",), note="可不填，按身份证号码判断"),
        "ethnicity": CodeColumn("ethnicity", "民族", choices=national_codes.ETHNICITY, width=8, note="不填视为汉族"),
        "political_status": CodeColumn("political_status", "政治面貌", choices=national_codes.POLITICAL_STATUS, width=12),
        "education": CodeColumn("education", "学历", choices=national_codes.EDUCATION, width=12),
        "degree": CodeColumn("degree", "学位", choices=national_codes.DEGREE, width=10),
        "phone": TextColumn("phone", "联系电话", max_length=20, aliases=("手机号码", "电话")),
        "domain_check": DomainColumn(),
        "category": CodeItemColumn("category", "人才类别", table=domain.category_table, required=True),
        "level": CodeColumn("level", "层级", choices=Level.choices, width=8, note="国家级、省级、市级、县级；不适用的留空"),
        "unit": UnitColumn("unit", "工作单位", domain=domain.key, note="本领域单位名录中的单位"),
        "workplace": TextColumn("workplace", "单位名称（未列入单位名录时填写）", max_length=128, width=24),
        "region": RegionColumn("region", "工作地点", levels=TALENT_LEVELS, note="未选工作单位时必填；选了工作单位的，按单位所在区划"),
        "post": TextColumn("post", "岗位/职务", max_length=64, width=16),
        "title_name": TextColumn("title_name", "专业技术职称", max_length=40, width=16),
        "title_level": CodeColumn("title_level", "职称级别", choices=national_codes.TITLE_LEVEL, width=10),
        "speciality": TextColumn("speciality", "专业特长", max_length=200, width=20),
        "honours": TextColumn("honours", "荣誉称号", max_length=1000, width=24),
        "origin": CodeColumn("origin", "来源", choices=Talent.Origin.choices, width=10, note="招引或本土培养；不填视为本土培养"),
        "channel": CodeItemColumn("channel", "招引渠道", table=codes.CHANNEL_TABLE, note="招引人才必填"),
        "recruited_on": DateColumn("recruited_on", "招引日期", note="招引人才必填"),
        "plan_year": IntegerColumn("plan_line__plan__year", "计入招引计划年度", target="plan_year", compare_path="plan_line__plan__year",
                                   min_value=2000, max_value=2100, width=12,
                                   note="计入哪一年的招引计划（须与招引日期同一年，且计划中有该人才类别和招引渠道）；不计入的留空"),
    }
    if domain.served_unit_label:
        cols["served_unit"] = UnitColumn("served_unit", domain.served_unit_label, domain=domain.key, note=domain.served_unit_help)
    for item in domain.fields:
        cols[f"detail_{item.key}"] = DetailColumn(item)
    cols["tags"] = TagsColumn("tags", "标签", max_length=200, width=16, note="多个标签用顿号分隔")
    cols["status"] = StatusColumn("status", "状态", Talent.Status.choices)
    cols["status_date"] = DateColumn("status_date", "状态变动日期", importable=False)
    return cols


def talent_resource(domain_key: str) -> type[TalentResourceBase]:
    domain = domains.get(domain_key)
    columns = _talent_columns(domain)

    class Meta:
        model = Talent
        fields = tuple(columns)

    from talents.tables import talent_table_for

    attrs = {
        "__module__": __name__,
        "key": f"talents_{domain.key}",
        "title": f"{domain.title}（{domain.label}）",
        "description": f"{domain.department}维护的{domain.label}领域人才：{ '、'.join(i[1] for i in codes.TABLES[domain.category_table][:4]) }等。",
        "order": 200 + domains.keys().index(domain.key),
        "domain": domain.key,
        "list_table_class": talent_table_for(domain.key),
        "import_note": (f"只导入{domain.label}领域人才；同一身份证号码在本领域只登记一次，已在库的人员按文件内容更新。"
                        "状态（在岗、调出、退休、流失）不从文件读取，请在人才页面办理。"),
        **columns,
        "Meta": Meta,
    }
    return register(type(f"{domain.key.title()}TalentResource", (TalentResourceBase,), attrs))


TALENT_RESOURCES = {key: talent_resource(key) for key in domains.keys()}


# --- platforms -------------------------------------------------------------------------------------------


def _user_domains(user) -> list[str]:
    return [user.domain] if user_role(user) == "domain_officer" else domains.keys()


class PlatformKindColumn(CodeColumn):
    def __init__(self, **kw):
        super().__init__("kind", "平台类型", choices=Platform.Kind.choices, required=True, width=20, **kw)


class PlatformUnitColumn(UnitColumn):
    """The host unit among the units of the user's domains."""

    def index(self, ctx):
        key = ("platform_units",)
        if key not in ctx.cache:
            rows = list(Unit.objects.visible_to(ctx.user).filter(domain__in=_user_domains(ctx.user))
                        .order_by("region__path", "name").values_list("pk", "name", "region__name"))
            counts = defaultdict(int)
            for _pk, name, _region in rows:
                counts[name] += 1
            by_key, labels = {}, []
            for pk, name, region in rows:
                full = f"{name}（{region}）"
                by_key[full] = pk
                if counts[name] == 1:
                    by_key[name] = pk
                labels.append(name if counts[name] == 1 else full)
            ctx.cache[key] = (by_key, labels, {name for name, n in counts.items() if n > 1})
        return ctx.cache[key]


class IDListColumn(Column):
    """Several resident ID numbers in one cell (、 or line breaks between them)."""

    def __init__(self, attribute, header, **kw):
        kw.setdefault("width", 40)
        super().__init__(attribute, header, **kw)

    def parse(self, raw, ctx):
        text = clean_text(raw)
        for sep in ("，", ",", ";", "；", " ", "\n"):
            text = text.replace(sep, "、")
        numbers = []
        for part in (p for p in text.split("、") if p):
            try:
                number = idcard.parse(part).number
            except idcard.IDNumberError as exc:
                raise CellError(f"“{part}”：{exc}") from None
            if number not in numbers:
                numbers.append(number)
        return "、".join(sorted(numbers))

    def to_cell(self, values, ctx):
        members = ctx.cache.get("platform_members", {}).get(values[0], [])
        if ctx.mask_id_numbers:
            members = [idcard.mask(n) for n in members]
        return "、".join(members) or None


@register
class PlatformResource(ExcelResource):
    key = "talent_platforms"
    title = "人才平台"
    description = "名师/名医/名家工作室、专家团队、人才工作站、院士和博士后工作站、创新中心、重点专科等平台及其成员。"
    order = 210
    import_roles = ("domain_officer",)
    export_roles = EXPORT_ROLES
    masked_roles = MASKED
    natural_key = ("domain", "name")
    list_url_name = "talents:platforms"
    import_note = ("行业主管部门只导入本领域的平台；领衔人和成员须已在本领域人才库中（按身份证号码）。"
                   "成员列只增加成员，不移除成员（成员退出请在平台页面登记）；平台状态请在平台页面办理。")

    name = TextColumn("name", "平台名称", required=True, max_length=100, width=28)
    kind = PlatformKindColumn()
    domain_col = DomainColumn(target="domain", note="可不填，默认为本部门领域")
    host_unit = PlatformUnitColumn("host_unit", "依托单位", domain="", required=True)
    level = CodeColumn("level", "级别", choices=Level.choices, width=8)
    established_on = DateColumn("established_on", "设立日期")
    location = TextColumn("location", "所在地", max_length=100, note="异地人才工作站等设在县外的平台填写")
    served_places = TextColumn("served_places", "服务地区", max_length=200, width=20)
    leader = IDNumberColumn("leader__id_number", "领衔人身份证号码", target="leader_number", compare_path="leader__id_number")
    members = IDListColumn("pk", "成员身份证号码", target="member_numbers", compare_path="pk",
                           note="本领域人才库中的人才，多个用顿号分隔；只增加、不移除成员")
    description_ = TextColumn("description", "简介", max_length=2000, width=30)
    status = StatusColumn("status", "状态", Platform.Status.choices)

    class Meta:
        model = Platform
        fields = ("name", "kind", "domain_col", "host_unit", "level", "established_on", "location", "served_places",
                  "leader", "members", "description_", "status")

    @classmethod
    def can_import(cls, user) -> bool:
        return super().can_import(user) and bool(domains.get(user.domain).platform_kinds)

    def get_filterset_class(self):
        from talents.filters import PlatformFilter

        return PlatformFilter

    def filterset_kwargs(self):
        return {"user": self.user}

    def export_order(self):
        return getattr(self, "_list_order", None) or ("domain", "kind", "name", "pk")

    def iter_export_rows(self, queryset):
        members = defaultdict(list)
        rows = (Platform.members.through.objects.filter(platform__in=queryset.order_by().values("pk"), left_on__isnull=True)
                .order_by("talent__id_number").values_list("platform_id", "talent__id_number"))
        for platform_id, number in rows:
            members[platform_id].append(number)
        self.ctx.cache["platform_members"] = members
        return super().iter_export_rows(queryset)

    def prepare(self, rows):
        numbers = set()
        for r in rows:
            numbers.update(n for n in (r.values.get("member_numbers") or "").split("、") if n)
            if r.values.get("leader_number"):
                numbers.add(r.values["leader_number"])
        self.talents = defaultdict(dict)  # domain -> id number -> talent pk
        for pk, domain, number in (Talent.objects.visible_to(self.user).filter(id_number__in=numbers)
                                   .values_list("pk", "domain", "id_number")):
            self.talents[domain][number] = pk
        self.units = {u.pk: u for u in Unit.objects.filter(pk__in={r.values.get("host_unit_id") for r in rows} - {None})}
        names = {r.values.get("name") for r in rows}
        self.current_members = defaultdict(set)
        for platform_id, domain, name, number in (
            Platform.members.through.objects.filter(platform__in=self.get_queryset().filter(name__in=names), left_on__isnull=True)
            .values_list("platform_id", "platform__domain", "platform__name", "talent__id_number")
        ):
            self.current_members[(domain, name)].add(number)

    def check_row(self, row):
        values = row.values
        mine = _user_domains(self.user)
        domain = values.get("domain") or (mine[0] if len(mine) == 1 else None)
        if domain is None:
            row.error("所属领域", "请填写所属领域。")
            return
        if domain not in mine:
            other = Domain(domain).label
            row.error("所属领域", f"只能导入本部门领域的平台；{other}领域的平台由其主管部门导入。")
            return
        values["domain"] = domain
        if "domain" not in row.present:
            row.present.append("domain")
        label = Domain(domain).label
        talents = self.talents.get(domain, {})
        unit = self.units.get(values.get("host_unit_id"))
        platform = Platform(domain=domain, kind=values.get("kind"), name=values.get("name"), host_unit=unit,
                            established_on=values.get("established_on"))
        problems = services.platform_problems(platform, check_duplicate=False)
        headers = {"kind": "平台类型", "host_unit": "依托单位", "established_on": "设立日期", "name": "平台名称"}
        for field, message in problems.items():
            row.error(headers.get(field, "平台名称"), message)
        leader = values.get("leader_number")
        if leader:
            if leader not in talents:
                row.error("领衔人身份证号码", f"{idcard.mask(leader)} 不是{label}领域人才库中的人才，请先录入人才库。")
            else:
                values["leader_id"] = talents[leader]
        elif "leader_number" in row.present:
            values["leader_id"] = None
        members = [n for n in (values.get("member_numbers") or "").split("、") if n]
        outside = [n for n in members if n not in talents]
        if outside:
            shown = "、".join(idcard.mask(n) for n in outside[:3]) + ("等" if len(outside) > 3 else "")
            row.error("成员身份证号码", f"{shown} 不是{label}领域人才库中的人才（平台成员须为本领域人才）。")
        values["member_ids"] = [talents[n] for n in members if n in talents]

    def check_existing(self, row, record):
        # Members are only added by a file: a list the platform already has (or part of it) is no change.
        wanted = {n for n in (row.values.get("member_numbers") or "").split("、") if n}
        if "成员身份证号码" in row.changes and wanted <= self.current_members.get((row.values["domain"], row.values["name"]), set()):
            row.changes.remove("成员身份证号码")
            if not row.changes and row.status == "update":
                row.status = "unchanged"

    def existing(self, keys):
        result = super().existing(keys)
        for record in result.values():
            record["member_numbers"] = "、".join(sorted(self.current_members.get((record["domain"], record["name"]), ())))
        return result

    FIELDS = ("name", "kind", "host_unit_id", "level", "established_on", "location", "served_places", "description", "leader_id")

    def _apply(self, platform, row):
        for field in self.FIELDS:
            target = {"host_unit_id": "host_unit_id", "leader_id": "leader_id"}.get(field, field)
            if target in row.values and (target in row.present or field == "leader_id"):
                setattr(platform, field, row.values[target])

    def create(self, rows):
        platforms = []
        for row in rows:
            platform = Platform(domain=row.values["domain"], created_by=self.user)
            self._apply(platform, row)
            platforms.append(platform)
        try:
            with transaction.atomic():
                bulk_create_with_history(platforms, Platform, batch_size=500, default_user=self.user)
        except IntegrityError:
            raise CommitConflict("文件中有平台在预览之后已由他人录入，请重新上传文件并预览。") from None
        saved = {(p.domain, p.name): p for p in Platform.objects.filter(domain__in={p.domain for p in platforms},
                                                                          name__in=[p.name for p in platforms])}
        from talents.models import PlatformStatusChange

        bulk_create_with_history(
            [PlatformStatusChange(platform=p, from_status="", to_status=p.status, on=p.established_on or date.today(),
                                  reason="Excel导入", by=self.user) for p in saved.values()],
            PlatformStatusChange, default_user=self.user)
        self._members(rows, saved)
        return len(platforms)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        if len(objs) != len(rows):
            raise CommitConflict("部分平台在预览之后已有变化，请重新上传文件并预览。")
        for row in rows:
            self._apply(objs[row.pk], row)
        bulk_update_with_history(list(objs.values()), Platform, [f.replace("_id", "") for f in self.FIELDS],
                                 batch_size=500, default_user=self.user)
        self._members(rows, {(p.domain, p.name): p for p in objs.values()})
        return len(objs)

    def _members(self, rows, platforms) -> None:
        from talents.models import Membership

        existing = {(m.platform_id, m.talent_id): m for m in Membership.objects.filter(platform__in=list(platforms.values()))}
        new, revived = [], []
        for row in rows:
            platform = platforms[(row.values["domain"], row.values["name"])]
            wanted = list(row.values.get("member_ids") or [])
            if row.values.get("leader_id"):
                wanted.append(row.values["leader_id"])
            for talent_id in dict.fromkeys(wanted):
                role = Membership.Role.LEAD if talent_id == row.values.get("leader_id") else Membership.Role.MEMBER
                m = existing.get((platform.pk, talent_id))
                if m is None:
                    new.append(Membership(platform=platform, talent_id=talent_id, role=role,
                                          joined_on=platform.established_on or date.today()))
                elif m.left_on is not None or (role == Membership.Role.LEAD and m.role != role):
                    m.left_on, m.role = None, role if role == Membership.Role.LEAD else m.role
                    revived.append(m)
        if new:
            bulk_create_with_history(new, Membership, batch_size=1000, default_user=self.user)
        if revived:
            bulk_update_with_history(revived, Membership, ["left_on", "role"], batch_size=1000, default_user=self.user)


# --- recruitment plans -------------------------------------------------------------------------------------


class PlanCategoryColumn(Column):
    """人才类别 of the user's domain(s), by name."""

    memoize = True

    def __init__(self, **kw):
        super().__init__("category", "人才类别", target="category_id", export_paths=("category__name",),
                         required=True, width=22, **kw)

    def items(self, ctx):
        if "plan_categories" not in ctx.cache:
            tables = [codes.category_table(d) for d in _user_domains(ctx.user)]
            ctx.cache["plan_categories"] = list(CodeItem.objects.filter(table__in=tables).order_by("table", "sort_order")
                                                .values_list("pk", "code", "name", "table", "is_active"))
        return ctx.cache["plan_categories"]

    def parse(self, raw, ctx):
        text = clean_text(raw)
        found = [pk for pk, code, name, _t, _a in self.items(ctx) if text in (name, code)]
        if len(found) != 1:
            raise CellError(f"“{text}”不是本领域的人才类别，请从下拉列表中选择。")
        return found[0]

    def dropdown(self, ctx):
        return [name for _pk, _code, name, _t, active in self.items(ctx) if active]


class ActualColumn(Column):
    """Export only: talents recruited against the line (prepared once per export)."""

    def __init__(self):
        super().__init__("pk", "已招引人数", importable=False, width=10)

    def to_cell(self, values, ctx):
        return ctx.cache.get("plan_actual", {}).get(values[0], 0)


@register
class PlanResource(ExcelResource):
    key = "talent_plans"
    title = "人才招引计划"
    description = "各领域年度人才招引计划：按人才类别和招引渠道的计划人数（导出另含已招引人数）。"
    order = 220
    import_roles = ("domain_officer",)
    export_roles = EXPORT_ROLES
    masked_roles = MASKED
    natural_key = ("domain", "year", "category_id", "channel_id")
    list_url_name = "talents:plans"
    import_note = "每行为一项计划：年度 + 人才类别 + 招引渠道 + 计划人数。已有的计划项按文件更新计划人数；计划项不会因文件中没有而删除。"

    year = IntegerColumn("plan__year", "年度", target="year", compare_path="plan__year", required=True,
                         min_value=2000, max_value=2100, width=8)
    domain_col = DomainColumn("plan__domain", target="domain", compare_path="plan__domain", note="可不填，默认为本部门领域")
    category = PlanCategoryColumn()
    channel = CodeItemColumn("channel", "招引渠道", table=codes.CHANNEL_TABLE, required=True)
    planned = IntegerColumn("planned", "计划人数", required=True, min_value=1, max_value=9999, width=10)
    note = TextColumn("note", "备注", max_length=200, width=24)
    actual = ActualColumn()

    class Meta:
        model = PlanLine
        fields = ("year", "domain_col", "category", "channel", "planned", "note", "actual")

    def export_order(self):
        return ("plan__domain", "-plan__year", "category__sort_order", "channel__sort_order", "pk")

    def iter_export_rows(self, queryset):
        self.ctx.cache["plan_actual"] = dict(queryset.with_actual().order_by().values_list("pk", "actual"))
        return super().iter_export_rows(queryset)

    def existing(self, keys):
        """Plan lines in scope by (domain, year, category, channel)."""
        if not keys:
            return {}
        wanted = set(keys)
        qs = self.get_queryset().filter(plan__domain__in={k[0] for k in keys}, plan__year__in={k[1] for k in keys},
                                        category_id__in={k[2] for k in keys})
        result = {}
        for row in qs.values("pk", "plan__domain", "plan__year", "category_id", "channel_id", "planned", "note"):
            key = (row["plan__domain"], row["plan__year"], row["category_id"], row["channel_id"])
            if key in wanted:
                result[key] = {"pk": row["pk"], "domain": key[0], "year": key[1], "category_id": key[2], "channel_id": key[3],
                               "planned": row["planned"], "note": row["note"]}
        return result

    def prepare(self, rows):
        self.category_tables = dict(CodeItem.objects.filter(
            pk__in={r.values.get("category_id") for r in rows} - {None}).values_list("pk", "table"))

    def check_row(self, row):
        values = row.values
        mine = _user_domains(self.user)
        domain = values.get("domain") or (mine[0] if len(mine) == 1 else None)
        if domain not in mine:
            row.error("所属领域", "只能导入本部门领域的招引计划。" if domain else "请填写所属领域。")
            return
        values["domain"] = domain
        if "domain" not in row.present:
            row.present.append("domain")
        if self.category_tables.get(values["category_id"]) != codes.category_table(domain):
            row.error("人才类别", f"该人才类别不属于{Domain(domain).label}领域。")

    def create(self, rows):
        plans = {}
        county = services.county_of(self.user)
        if county is None:
            raise CommitConflict("您的数据范围不是一个县（区），不能导入招引计划。")
        for row in rows:
            key = (row.values["domain"], row.values["year"])
            if key not in plans:
                plan = RecruitmentPlan.objects.filter(region=county, domain=key[0], year=key[1]).first()
                if plan is None:
                    plan = RecruitmentPlan(region=county, domain=key[0], year=key[1], created_by=self.user)
                    plan._history_user = self.user
                    plan.save()
                plans[key] = plan
        lines = [PlanLine(plan=plans[(r.values["domain"], r.values["year"])], category_id=r.values["category_id"],
                          channel_id=r.values["channel_id"], planned=r.values["planned"], note=r.values.get("note") or "")
                 for r in rows]
        try:
            with transaction.atomic():
                bulk_create_with_history(lines, PlanLine, batch_size=1000, default_user=self.user)
        except IntegrityError:
            raise CommitConflict("文件中有计划项在预览之后已由他人录入，请重新上传文件并预览。") from None
        return len(lines)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        if len(objs) != len(rows):
            raise CommitConflict("部分计划项在预览之后已有变化，请重新上传文件并预览。")
        for row in rows:
            obj = objs[row.pk]
            if "planned" in row.present:
                obj.planned = row.values["planned"]
            if "note" in row.present:
                obj.note = row.values.get("note") or ""
        bulk_update_with_history(list(objs.values()), PlanLine, ["planned", "note"], batch_size=1000, default_user=self.user)
        return len(objs)


# --- arts organizations -----------------------------------------------------------------------------------


@register
class ArtsOrganizationResource(ExcelResource):
    key = "talent_arts_orgs"
    title = "文艺组织"
    description = "县内各类文艺组织的清理登记与规范管理名册。"
    order = 230
    import_roles = ("domain_officer",)
    export_roles = EXPORT_ROLES
    masked_roles = MASKED
    natural_key = ("name",)
    list_url_name = "talents:orgs"
    import_note = "新导入的组织为“已清理登记”；纳入规范管理、注销请在组织页面办理。"

    name = TextColumn("name", "组织名称", required=True, max_length=100, width=28)
    kind = CodeColumn("kind", "组织类型", choices=ArtsOrganization.Kind.choices, required=True, width=18)
    responsible_unit = UnitColumn("responsible_unit", "业务主管单位", domain=Domain.CULTURE, required=True)
    region = RegionColumn("region", "所在区划", levels=TALENT_LEVELS, required=True)
    members_count = IntegerColumn("members_count", "成员人数", min_value=0, max_value=100000, width=10)
    founded_on = DateColumn("founded_on", "成立日期")
    leader_name = TextColumn("leader_name", "负责人", max_length=32, width=10)
    phone = TextColumn("phone", "联系电话", max_length=20)
    note = TextColumn("note", "备注", max_length=2000, width=30)
    state = StatusColumn("state", "登记状态", ArtsOrganization.State.choices)

    class Meta:
        model = ArtsOrganization
        fields = ("name", "kind", "responsible_unit", "region", "members_count", "founded_on", "leader_name", "phone", "note", "state")

    @classmethod
    def can_import(cls, user) -> bool:
        return super().can_import(user) and user.domain == Domain.CULTURE

    def get_filterset_class(self):
        from talents.filters import ArtsOrganizationFilter

        return ArtsOrganizationFilter

    def filterset_kwargs(self):
        return {"user": self.user}

    def export_order(self):
        return getattr(self, "_list_order", None) or ("name", "pk")

    def check_row(self, row):
        founded = row.values.get("founded_on")
        if founded and founded > date.today():
            row.error("成立日期", "成立日期不能晚于今天。")

    def outside_scope(self, keys):
        names = [k[0] for k in keys]
        return {(n,) for n in ArtsOrganization.objects.filter(name__in=names).values_list("name", flat=True)}

    OUTSIDE_SCOPE_MESSAGE = "已有同名文艺组织（不在您的管辖范围内），无法导入；如有疑问请联系县文旅局。"

    FIELDS = ("name", "kind", "responsible_unit_id", "region_id", "members_count", "founded_on", "leader_name", "phone", "note")

    def create(self, rows):
        today = date.today()
        orgs = []
        for row in rows:
            values = {f: row.values.get(f) for f in self.FIELDS if f in row.values}
            values = {k: ("" if v is None and k in ("leader_name", "phone", "note") else v) for k, v in values.items()}
            orgs.append(ArtsOrganization(created_by=self.user, state_date=today, **values))
        try:
            with transaction.atomic():
                bulk_create_with_history(orgs, ArtsOrganization, batch_size=500, default_user=self.user)
        except IntegrityError:
            raise CommitConflict("文件中有组织在预览之后已由他人录入，请重新上传文件并预览。") from None
        saved = ArtsOrganization.objects.filter(name__in=[o.name for o in orgs])
        bulk_create_with_history([OrgStateChange(organization=o, from_state="", to_state=o.state, on=today, reason="Excel导入",
                                                 by=self.user) for o in saved], OrgStateChange, default_user=self.user)
        return len(orgs)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        if len(objs) != len(rows):
            raise CommitConflict("部分组织在预览之后已有变化，请重新上传文件并预览。")
        for row in rows:
            for target in row.present:
                if target in self.FIELDS:
                    value = row.values[target]
                    setattr(objs[row.pk], target, "" if value is None and target in ("leader_name", "phone", "note") else value)
        fields = [f.replace("_id", "") if f.endswith("_id") else f for f in self.FIELDS]
        bulk_update_with_history(list(objs.values()), ArtsOrganization, fields, batch_size=500, default_user=self.user)
        return len(objs)
