"""Excel registries of the young-cadre bank: cadres, posts, bank entries (recommendations),
training records, work-log entries and supervision opinions.

Rows that name a cadre do so by 身份证号码 (and 姓名, as a check), looked up in the
importer's scope in one query per file: a unit contact reaches only their unit's
cadres, so a row for another unit's cadre is refused like an unknown number. Statuses,
cohorts and the department/unit line are never read from a file (export-only
columns); bank entries come in as recommendations through
``workflow.import_recommendations``. Every write is a bulk insert or update (a few
queries per file, none per row).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from simple_history.utils import bulk_update_with_history

from cadre_portal import codes
from cadre_portal.bulk import build, bulk_insert_with_history
from cadre_portal.excel.columns import (
    BooleanColumn,
    CellError,
    CodeColumn,
    Column,
    DateColumn,
    IDNumberColumn,
    IntegerColumn,
    MultiCodeColumn,
    SexColumn,
    TextColumn,
)
from cadre_portal.excel.reading import clean_text
from cadre_portal.excel.resources import ExcelResource, register
from cadre_portal.models import Unit
from youth_cadres import cohorts, filters, tables, workflow
from youth_cadres.models import (
    DIMENSIONS,
    POST_LEVELS,
    RANKS,
    BankEntry,
    BankTarget,
    Cadre,
    Line,
    Post,
    SupervisionOpinion,
    TrainingRecord,
    WorkLogEntry,
)

COUNTY = ("county_staff",)
COUNTY_AND_UNITS = ("county_staff", "unit_contact")
NOT_IN_SCOPE = "该身份证号码不在您管辖范围内的干部中，请核对（干部须先在干部名册中建档）。"


# --- columns -------------------------------------------------------------------------------------


class UnitColumn(Column):
    """A unit of the user's scope (a unit contact: only their own), by name, or
    “名称（所在区划）” where two units share a name."""

    memoize = True

    def __init__(self, attribute="unit", header="工作单位", **kw):
        kw.setdefault("target", f"{attribute}_id")
        kw.setdefault("export_paths", (f"{attribute}__name", f"{attribute}__region__name"))
        kw.setdefault("width", 28)
        super().__init__(attribute, header, **kw)

    def index(self, ctx):
        key = ("youth_units",)
        if key not in ctx.cache:
            rows = list(
                Unit.objects.visible_to(ctx.user).exclude(kind=Unit.Kind.VILLAGE_ORG).order_by("region__path", "sort_order", "name")
                .values_list("pk", "name", "region__name")
            )
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
        raise CellError(f"“{text}”不在您管辖范围内的单位中，请从下拉列表中选择。")

    def to_cell(self, values, ctx):
        name, region = values
        if not name:
            return None
        _by_key, _labels, ambiguous = self.index(ctx)
        return f"{name}（{region}）" if name in ambiguous else name

    def dropdown(self, ctx):
        return self.index(ctx)[1]


class TagsColumn(MultiCodeColumn):
    """标签 stored ",selected,elite," (``Cadre.set_tags``); written 省选调生、名校毕业生."""

    def __init__(self, **kw):
        super().__init__("tags", "标签", choices=cohorts.TAGS, width=20,
                         note="省选调生、名校毕业生、专业干部，可多选，用顿号分隔", **kw)

    def parse(self, raw, ctx):
        joined = super().parse(raw, ctx)
        return f",{joined}," if joined else ""

    def to_cell(self, values, ctx):
        return super().to_cell(((values[0] or "").strip(","),), ctx)


class CohortColumn(Column):
    """Export only: the derived cohort (培养类别), never imported."""

    def __init__(self, prefix: str = "", **kw):
        paths = tuple(f"{prefix}{f}" for f in ("birth_date", "post_level", "rank", "level_since", "work_start", "tags"))
        super().__init__(f"{prefix}birth_date", "培养类别", importable=False, export_paths=paths, width=22, **kw)
        self.today = date.today()

    def to_cell(self, values, ctx):
        birth, level, rank, since, work, tags = values
        for rule in cohorts.RULES:
            if cohorts.matches(rule, birth_date=birth, post_level=level or "", rank=rank or "", level_since=since,
                               work_start=work, tags=tags or "", as_of=self.today):
                return rule.label
        return cohorts.NONE_LABEL


class YesNoColumn(Column):
    """Export only: a boolean as 是/否."""

    def __init__(self, attribute, header, **kw):
        super().__init__(attribute, header, importable=False, **kw)

    def to_cell(self, values, ctx):
        return "是" if values[0] else "否"


class ChoiceLabelColumn(Column):
    """Export only: a choice field's label (状态, 责任方)."""

    def __init__(self, attribute, header, choices, **kw):
        super().__init__(attribute, header, importable=False, **kw)
        self.labels = dict(choices)

    def to_cell(self, values, ctx):
        return self.labels.get(values[0], values[0]) or None


def not_future(row, target: str, header: str) -> None:
    value = row.values.get(target)
    if value and value > date.today():
        row.error(header, f"{header}不能晚于今天。")


# --- cadres ------------------------------------------------------------------------------------------------


@register
class CadreResource(ExcelResource):
    key = "youth_cadres"
    title = "干部信息"
    description = "干部名册（一人一档的基本信息）：单位、职务、学历学位、入党和参加工作时间、标签。"
    order = 200
    import_roles = COUNTY
    export_roles = COUNTY_AND_UNITS
    natural_key = ("id_number",)
    filterset_class = filters.CadreFilter
    list_table_class = tables.CadreTable
    list_url_name = "youth_cadres:cadre_list"
    import_note = "按身份证号码对应：已建档的干部更新所填的列，未建档的新建。培养类别由系统按出生日期、职务层次、任现职级时间等自动确定，不能导入。"

    name = TextColumn("name", "姓名", required=True, max_length=32, width=10)
    id_number = IDNumberColumn(required=True)
    sex = SexColumn(id_of="id_number", note="可不填，按身份证号码判断")
    birth_date = DateColumn("birth_date", "出生年月", birth_of="id_number", note="可不填，按身份证号码判断")
    ethnicity = CodeColumn("ethnicity", "民族", choices=codes.ETHNICITY, width=8)
    native_place = TextColumn("native_place", "籍贯", max_length=64)
    birth_place = TextColumn("birth_place", "出生地", max_length=64)
    political_status = CodeColumn("political_status", "政治面貌", choices=codes.POLITICAL_STATUS, width=12)
    party_join = DateColumn("party_join", "入党时间")
    work_start = DateColumn("work_start", "参加工作时间")
    health = CodeColumn("health", "健康状况", choices=codes.HEALTH, width=8)
    unit = UnitColumn(required=True)
    current_post = TextColumn("current_post", "现任职务", max_length=200, width=30)
    post_level = CodeColumn("post_level", "职务层次", choices=POST_LEVELS, width=12)
    rank = CodeColumn("rank", "职级", choices=RANKS, width=12)
    level_since = DateColumn("level_since", "任现职级时间")
    education = CodeColumn("education", "最高学历", choices=codes.EDUCATION, width=10)
    degree = CodeColumn("degree", "最高学位", choices=codes.DEGREE, width=10)
    fulltime_education = CodeColumn("fulltime_education", "全日制教育学历", choices=codes.EDUCATION, width=10)
    fulltime_degree = CodeColumn("fulltime_degree", "全日制教育学位", choices=codes.DEGREE, width=10)
    fulltime_school = TextColumn("fulltime_school", "全日制教育毕业院校系及专业", max_length=200, width=28)
    inservice_education = CodeColumn("inservice_education", "在职教育学历", choices=codes.EDUCATION, width=10)
    inservice_degree = CodeColumn("inservice_degree", "在职教育学位", choices=codes.DEGREE, width=10)
    inservice_school = TextColumn("inservice_school", "在职教育毕业院校系及专业", max_length=200, width=28)
    professional_title = TextColumn("professional_title", "专业技术职务", max_length=64)
    specialty = TextColumn("specialty", "熟悉专业有何专长", max_length=200, width=20)
    tags = TagsColumn()
    phone = TextColumn("phone", "联系电话", max_length=20, aliases=("手机号码",))
    cohort = CohortColumn()

    class Meta:
        model = Cadre
        fields = ("name", "id_number", "sex", "birth_date", "ethnicity", "native_place", "birth_place", "political_status",
                  "party_join", "work_start", "health", "unit", "current_post", "post_level", "rank", "level_since",
                  "education", "degree", "fulltime_education", "fulltime_degree", "fulltime_school", "inservice_education",
                  "inservice_degree", "inservice_school", "professional_title", "specialty", "tags", "phone", "cohort")

    def filterset_kwargs(self):
        return {"user": self.user}

    def export_order(self):
        return ("unit__sort_order", "unit__name", "name", "pk")

    def check_row(self, row):
        for target, header in (("party_join", "入党时间"), ("work_start", "参加工作时间"), ("level_since", "任现职级时间")):
            not_future(row, target, header)
        if "ethnicity" in row.present and not row.values.get("ethnicity"):
            row.values["ethnicity"] = "01"
        if "health" in row.present and not row.values.get("health"):
            row.values["health"] = "健康"
        if "political_status" in row.present and not row.values.get("political_status"):
            row.values["political_status"] = "13"

    def outside_scope(self, keys):
        numbers = [k[0] for k in keys]
        return {(n,) for n in Cadre.objects.filter(id_number__in=numbers).values_list("id_number", flat=True)}

    OUTSIDE_SCOPE_MESSAGE = "该身份证号码的干部已在其他单位建档，不在您的管辖范围内；如需调整请联系县委组织部。"

    def create(self, rows):
        cadres = build(Cadre, (self.model_kwargs(row.values) for row in rows))
        for cadre in cadres:
            cadre.fill_derived_fields()
        bulk_insert_with_history(cadres, Cadre, user=self.user)
        return len(cadres)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        if len(objs) != len(rows):
            raise workflow.WorkflowError("部分干部在预览之后已不在您的管辖范围内，请重新上传文件并预览。")
        fields = {"name_initials", "name_pinyin"}
        for row in rows:
            obj = objs[row.pk]
            for target in row.present:
                value = row.values[target]
                setattr(obj, target, "" if value is None and target in _TEXT_FIELDS else value)
                fields.add(target)
            obj.fill_derived_fields()
        bulk_update_with_history(list(objs.values()), Cadre, sorted(fields), batch_size=1000, default_user=self.user)
        return len(objs)

    refusal_types = (workflow.WorkflowError,)


_TEXT_FIELDS = {f.attname for f in Cadre._meta.concrete_fields if f.get_internal_type() == "CharField"}


# --- posts ------------------------------------------------------------------------------------------------


@register
class PostResource(ExcelResource):
    key = "youth_posts"
    title = "领导岗位（岗位供求）"
    description = "各单位领导岗位、职务层次和核定职数；导出时附现任人数、空缺和在库培养对象人数。"
    order = 210
    import_roles = COUNTY
    export_roles = COUNTY
    natural_key = ("unit_id", "title")
    filterset_class = filters.PostFilter
    list_table_class = tables.PostTable
    list_url_name = "youth_cadres:post_list"
    import_note = "按“单位 + 岗位名称”对应：已有的岗位更新职务层次、核定职数，没有的新建。核定职数不能少于现任人数。"

    unit = UnitColumn("unit", "单位", required=True)
    title_ = TextColumn("title", "岗位名称", required=True, max_length=64, width=20)
    level = CodeColumn("level", "职务层次", choices=POST_LEVELS, required=True, width=12)
    headcount = IntegerColumn("headcount", "核定职数", required=True, min_value=1, max_value=99, width=10)
    sort_order = IntegerColumn("sort_order", "排序", min_value=0, max_value=99999, width=8)
    note = TextColumn("note", "备注", max_length=200, width=20)
    holder_count = Column("holder_count", "现任人数", importable=False, width=10)
    candidate_count = Column("candidate_count", "在库培养对象人数", importable=False, width=14)

    class Meta:
        model = Post
        fields = ("unit", "title_", "level", "headcount", "sort_order", "note", "holder_count", "candidate_count")

    def filterset_kwargs(self):
        return {"user": self.user}

    def export_order(self):
        return ("unit__sort_order", "unit__name", "sort_order", "pk")

    def existing_fields(self):
        return ["holder_count"]

    def check_existing(self, row, record):
        headcount = row.values.get("headcount")
        if row.status == "update" and headcount is not None and headcount < record.get("holder_count", 0):
            row.error("核定职数", f"该岗位现任 {record['holder_count']} 名，核定职数不能少于现任人数。")

    def recheck(self, new, updated):
        if not updated:
            return []
        holders = dict(Post.objects.filter(pk__in=[r.pk for r in updated]).values_list("pk", "holder_count"))
        return [
            (r.number, "核定职数", f"该岗位现任 {holders.get(r.pk, 0)} 名，核定职数不能少于现任人数。")
            for r in updated if "headcount" in r.present and r.values["headcount"] < holders.get(r.pk, 0)
        ]

    def create(self, rows):
        posts = build(Post, ({**self.model_kwargs(row.values), "sort_order": row.values.get("sort_order") or 0} for row in rows))
        bulk_insert_with_history(posts, Post, user=self.user)
        return len(posts)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        fields = set()
        for row in rows:
            obj = objs[row.pk]
            for target in row.present:
                if target in ("unit_id", "title"):
                    continue  # the key
                value = row.values[target]
                setattr(obj, target, 0 if value is None and target == "sort_order" else ("" if value is None else value))
                fields.add(target)
        if fields:
            bulk_update_with_history(list(objs.values()), Post, sorted(fields), batch_size=1000, default_user=self.user)
        return len(objs)

    refusal_types = (workflow.WorkflowError,)


# --- rows that name a cadre --------------------------------------------------------------------------------


class CadreRowsMixin:
    """Rows naming a cadre by ID number (and name as a check), in the user's scope."""

    def prepare(self, rows):
        numbers = {r.values.get("id_number") for r in rows if r.values.get("id_number")}
        self.cadres = {
            c["id_number"]: c
            for c in Cadre.objects.visible_to(self.user).filter(id_number__in=numbers).values("pk", "id_number", "name")
        }

    def match_cadre(self, row) -> dict | None:
        found = self.cadres.get(row.values.get("id_number"))
        if found is None:
            row.error("身份证号码", NOT_IN_SCOPE)
            return None
        name = row.values.get("cadre_name")
        if name and name.replace(" ", "") != found["name"].replace(" ", ""):
            row.error("姓名", f"姓名与身份证号码不符（系统中为“{found['name']}”）。")
            return None
        row.values["cadre_id"] = found["pk"]
        return found

    def existing(self, keys):
        """Existing records by natural key, read with one ``cadre_id__in`` query (not an OR per key)."""
        if not keys:
            return {}
        paths = [t for t in self.natural_key] + [c.target for c in self.import_columns()
                                                 if c.target not in ("id_number", "cadre_name") and c.target not in self.natural_key]
        qs = self.match_queryset().filter(cadre_id__in={k[0] for k in keys})
        result = {}
        for found in qs.values("pk", *paths, *self.existing_fields()):
            result[tuple(found[t] for t in self.natural_key)] = found
        return result

    def record_values(self, row) -> dict:
        return {k: v for k, v in row.values.items() if k not in ("id_number", "cadre_name")}


def _cadre_columns():
    return {
        "cadre_name": TextColumn("cadre__name", "姓名", required=True, target="cadre_name", width=10),
        "id_number": IDNumberColumn("cadre__id_number", "身份证号码", required=True, target="id_number"),
        "unit": Column("cadre__unit__name", "单位", importable=False, width=24),
    }


# --- bank entries ----------------------------------------------------------------------------------------


class TargetPostsColumn(Column):
    """培养目标岗位: posts of the user's scope written “单位·岗位”, several separated by 、."""

    def __init__(self, **kw):
        super().__init__("targets", "培养目标岗位", target="post_ids", export_paths=("pk",), width=40,
                         note="写“单位·岗位名称”，多个用顿号分隔，如“崇阳县教育局·局长、崇阳县财政局·副局长”", **kw)

    def index(self, ctx):
        if "youth_posts" not in ctx.cache:
            rows = Post.objects.visible_to(ctx.user).values_list("pk", "unit__name", "title")
            ctx.cache["youth_posts"] = {f"{unit}·{title}": pk for pk, unit, title in rows}
        return ctx.cache["youth_posts"]

    def parse(self, raw, ctx):
        index = self.index(ctx)
        found = []
        for part in [p for p in MultiCodeColumn.SPLIT.split(clean_text(raw).replace("，", "、")) if p]:
            label = part.replace("-", "·").replace("•", "·").replace(".", "·")
            if label not in index:
                raise CellError(f"“{part}”不是您管辖范围内的岗位，请按“单位·岗位名称”填写。")
            found.append(index[label])
        return tuple(sorted(set(found)))

    def empty_value(self):
        return ()

    def to_cell(self, values, ctx):
        labels = ctx.cache.get("youth_entry_targets", {}).get(values[0], [])
        return "、".join(labels) or None


@register
class BankEntryResource(CadreRowsMixin, ExcelResource):
    key = "youth_bank_entries"
    title = "优秀年轻干部库（推荐人选）"
    description = "库内人员（推荐、考察、入库）：导入为新的推荐人选，考察、入库和任用在系统中办理。"
    order = 220
    import_roles = COUNTY
    export_roles = COUNTY
    natural_key = ("cadre_id",)
    filterset_class = filters.BankFilter
    list_table_class = tables.BankTable
    list_url_name = "youth_cadres:bank_list"
    import_note = ("导入的人员为新的推荐人选（状态“推荐”），须已在干部名册中建档并符合入库类别；"
                   "考察、入库、调出和任用在干部页面办理，不能通过导入修改。")

    cadre_name = TextColumn("cadre__name", "姓名", required=True, target="cadre_name", width=10)
    id_number = IDNumberColumn("cadre__id_number", "身份证号码", required=True, target="id_number")
    unit = Column("cadre__unit__name", "单位", importable=False, width=24)
    source = CodeColumn("source", "推荐来源", choices=BankEntry.Source.choices, required=True, width=14)
    recommended_on = DateColumn("recommended_on", "推荐日期", required=True)
    recommendation = TextColumn("recommendation", "推荐理由", max_length=2000, width=30)
    targets = TargetPostsColumn()
    status = ChoiceLabelColumn("status", "状态", BankEntry.Status.choices, width=8)
    entry_date = Column("entry_date", "入库日期", importable=False, width=12)
    key_training = YesNoColumn("key_training", "重点培养对象", width=10)
    cohort = CohortColumn(prefix="cadre__")

    class Meta:
        model = BankEntry
        fields = ("cadre_name", "id_number", "unit", "source", "recommended_on", "recommendation", "targets", "status",
                  "entry_date", "key_training", "cohort")

    def get_queryset(self):
        return BankEntry.objects.visible_to(self.user).filter(status__in=BankEntry.OPEN_STATUSES)

    def filterset_kwargs(self):
        return {"user": self.user}

    def export_order(self):
        return ("-entry_date", "pk")

    def iter_export_rows(self, queryset):
        # The target posts of the exported entries, in one query (no query per row).
        labels = defaultdict(list)
        targets = BankTarget.objects.filter(entry__in=queryset.order_by().values("pk")).order_by("post__unit__sort_order", "post__sort_order")
        for entry_id, unit, title in targets.values_list("entry_id", "post__unit__name", "post__title"):
            labels[entry_id].append(f"{unit}·{title}")
        self.ctx.cache["youth_entry_targets"] = labels
        yield from super().iter_export_rows(queryset)

    def existing(self, keys):
        if not keys:
            return {}
        qs = self.get_queryset().filter(cadre_id__in={k[0] for k in keys})
        found = {row["cadre_id"]: row for row in qs.values("pk", "cadre_id", "source", "recommended_on", "recommendation", "status")}
        posts = defaultdict(list)
        for entry_id, post_id in BankTarget.objects.filter(entry__in=[r["pk"] for r in found.values()]).values_list("entry_id", "post_id"):
            posts[entry_id].append(post_id)
        for row in found.values():
            row["post_ids"] = tuple(sorted(posts.get(row["pk"], [])))
        return {(cadre_id,): row for cadre_id, row in found.items()}

    def check_row(self, row):
        found = self.match_cadre(row)
        if found is None:
            return
        not_future(row, "recommended_on", "推荐日期")

    def check_new(self, row):
        cadre = self.cohort_cadres.get(row.values["cadre_id"])
        if cadre is not None and workflow.cohort_blockers(cadre, row.values.get("recommended_on") or date.today()):
            row.error("身份证号码", "该干部不符合入库类别（80后处级或正科满三年、85后正科、90后副科及工作满三年的省选调生和名校毕业生、专业干部）。")

    def prepare(self, rows):
        super().prepare(rows)
        self.cohort_cadres = Cadre.objects.visible_to(self.user).in_bulk([c["pk"] for c in self.cadres.values()])

    def check_existing(self, row, record):
        if row.status == "update":
            row.error("身份证号码", "该干部已在库中（推荐、考察或入库），不能通过导入修改；请在干部页面办理。")

    def outside_scope(self, keys):
        return set()

    def create(self, rows):
        items = [
            {"row": r.number, "cadre_id": r.values["cadre_id"], "source": r.values["source"], "recommended_on": r.values["recommended_on"],
             "recommendation": r.values.get("recommendation") or "", "post_ids": r.values.get("post_ids") or ()}
            for r in rows
        ]
        return len(workflow.import_recommendations(items=items, by=self.user))

    def update(self, rows):
        raise workflow.WorkflowError("库内人员不能通过导入修改。")

    refusal_types = (workflow.WorkflowError,)


# --- training records ----------------------------------------------------------------------------------------


@register
class TrainingRecordResource(CadreRowsMixin, ExcelResource):
    key = "youth_training_records"
    title = "培养记录"
    description = "干部参加各类培养的记录（六个维度）；组织部门和用人单位分别导入本方的培养记录。"
    order = 230
    import_roles = COUNTY_AND_UNITS
    export_roles = COUNTY_AND_UNITS
    natural_key = ("cadre_id", "dimension", "start", "title")
    filterset_class = filters.TrainingRecordFilter
    list_table_class = tables.TrainingRecordTable
    list_url_name = "youth_cadres:training_record_list"
    import_note = "县委组织部干部导入的记为“组织部门”培养，单位干部联络员导入的记为“用人单位”培养（只能导入本单位干部）。"

    cadre_name = TextColumn("cadre__name", "姓名", required=True, target="cadre_name", width=10)
    id_number = IDNumberColumn("cadre__id_number", "身份证号码", required=True, target="id_number")
    unit = Column("cadre__unit__name", "单位", importable=False, width=24)
    dimension = CodeColumn("dimension", "培养维度", choices=DIMENSIONS, required=True, width=14)
    start = DateColumn("start", "开始日期", required=True)
    end = DateColumn("end", "结束日期")
    title_ = TextColumn("title", "培养事项", required=True, max_length=200, width=30)
    content = TextColumn("content", "具体内容", max_length=2000, width=30)
    result = TextColumn("result", "成效", max_length=2000, width=24)
    line = ChoiceLabelColumn("line", "责任方", Line.choices, width=10)

    class Meta:
        model = TrainingRecord
        fields = ("cadre_name", "id_number", "unit", "dimension", "start", "end", "title_", "content", "result", "line")

    def filterset_kwargs(self):
        return {"user": self.user}

    def export_order(self):
        return ("-start", "-pk")

    def existing_fields(self):
        return ["line"]

    def check_row(self, row):
        if self.match_cadre(row) is None:
            return
        not_future(row, "start", "开始日期")
        start, end = row.values.get("start"), row.values.get("end")
        if start and end and end < start:
            row.error("结束日期", "结束日期不能早于开始日期。")

    def check_existing(self, row, record):
        if row.status == "update" and getattr(self.user, "is_unit_contact", False) and record.get("line") != Line.UNIT:
            row.error("培养事项", "这条培养记录是组织部门登记的，单位不能通过导入修改。")

    def create(self, rows):
        line = Line.UNIT if getattr(self.user, "is_unit_contact", False) else Line.DEPARTMENT
        objs = build(TrainingRecord, ({**self.model_kwargs(self.record_values(r)), "line": line, "recorded_by_id": self.user.pk} for r in rows))
        bulk_insert_with_history(objs, TrainingRecord, user=self.user)
        return len(objs)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        fields = set()
        for row in rows:
            for target in row.present:
                if target in ("id_number", "cadre_name") or target in self.natural_key:
                    continue
                value = row.values[target]
                setattr(objs[row.pk], target, "" if value is None and target != "end" else value)
                fields.add(target)
        if fields:
            bulk_update_with_history(list(objs.values()), TrainingRecord, sorted(fields), batch_size=1000, default_user=self.user)
        return len(objs)

    refusal_types = (workflow.WorkflowError,)


# --- work log -------------------------------------------------------------------------------------------------------


@register
class WorkLogResource(CadreRowsMixin, ExcelResource):
    key = "youth_work_log"
    title = "工作日志纪实"
    description = "干部的工作日志纪实，由单位干部联络员填报或导入（只能导入本单位干部）。"
    order = 240
    import_roles = COUNTY_AND_UNITS
    export_roles = COUNTY_AND_UNITS
    natural_key = ("cadre_id", "date", "content")
    filterset_class = filters.WorkLogFilter
    list_table_class = tables.WorkLogTable
    list_url_name = "youth_cadres:worklog_list"
    import_note = "日期不能晚于今天；同一干部、同一日期、相同工作内容的记录只导入一次（再次导入时更新工作成效）。"

    cadre_name = TextColumn("cadre__name", "姓名", required=True, target="cadre_name", width=10)
    id_number = IDNumberColumn("cadre__id_number", "身份证号码", required=True, target="id_number")
    unit = Column("cadre__unit__name", "单位", importable=False, width=24)
    date_ = DateColumn("date", "日期", required=True, allow_month=False)
    content = TextColumn("content", "工作内容", required=True, max_length=2000, width=40)
    result = TextColumn("result", "工作成效", max_length=2000, width=30)
    written_by = Column("written_by__full_name", "记录人", importable=False, width=12)

    class Meta:
        model = WorkLogEntry
        fields = ("cadre_name", "id_number", "unit", "date_", "content", "result", "written_by")

    def filterset_kwargs(self):
        return {"user": self.user}

    def export_order(self):
        return ("-date", "-pk")

    def check_row(self, row):
        if self.match_cadre(row) is None:
            return
        not_future(row, "date", "日期")

    def create(self, rows):
        objs = build(WorkLogEntry, ({**self.model_kwargs(self.record_values(r)), "written_by_id": self.user.pk} for r in rows))
        bulk_insert_with_history(objs, WorkLogEntry, user=self.user)
        return len(objs)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        for row in rows:
            objs[row.pk].result = row.values.get("result") or ""
        bulk_update_with_history(list(objs.values()), WorkLogEntry, ["result"], batch_size=1000, default_user=self.user)
        return len(objs)

    refusal_types = (workflow.WorkflowError,)


# --- supervision opinions ----------------------------------------------------------------------------------------


@register
class SupervisionResource(CadreRowsMixin, ExcelResource):
    key = "youth_supervision"
    title = "监督意见"
    description = "定期听取领导、同事、群众和纪检机关对干部的意见（抓监督、管廉洁），仅县委组织部。"
    order = 250
    import_roles = COUNTY
    export_roles = COUNTY
    natural_key = ("cadre_id", "source", "date", "content")
    filterset_class = filters.SupervisionFilter
    list_table_class = tables.SupervisionTable
    list_url_name = "youth_cadres:supervision_list"
    import_note = "听取日期不能晚于今天。"

    cadre_name = TextColumn("cadre__name", "姓名", required=True, target="cadre_name", width=10)
    id_number = IDNumberColumn("cadre__id_number", "身份证号码", required=True, target="id_number")
    unit = Column("cadre__unit__name", "单位", importable=False, width=24)
    source = CodeColumn("source", "意见来源", choices=SupervisionOpinion.Source.choices, required=True, width=10)
    date_ = DateColumn("date", "听取日期", required=True, allow_month=False)
    given_by = TextColumn("given_by", "提供意见的人员或单位", max_length=100, width=20)
    content = TextColumn("content", "意见内容", required=True, max_length=2000, width=40)

    class Meta:
        model = SupervisionOpinion
        fields = ("cadre_name", "id_number", "unit", "source", "date_", "given_by", "content")

    def filterset_kwargs(self):
        return {"user": self.user}

    def export_order(self):
        return ("-date", "-pk")

    def check_row(self, row):
        if self.match_cadre(row) is None:
            return
        not_future(row, "date", "听取日期")

    def create(self, rows):
        objs = build(SupervisionOpinion, ({**self.model_kwargs(self.record_values(r)), "recorded_by_id": self.user.pk} for r in rows))
        bulk_insert_with_history(objs, SupervisionOpinion, user=self.user)
        return len(objs)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        for row in rows:
            objs[row.pk].given_by = row.values.get("given_by") or ""
        bulk_update_with_history(list(objs.values()), SupervisionOpinion, ["given_by"], batch_size=1000, default_user=self.user)
        return len(objs)

    refusal_types = (workflow.WorkflowError,)


__all__ = ["CadreResource", "PostResource", "BankEntryResource", "TrainingRecordResource", "WorkLogResource",
           "SupervisionResource"]
