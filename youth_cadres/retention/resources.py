"""Excel registries of the retention work (``cadre_portal.excel``): template, preview,
all-or-nothing import, export of the filtered list.

- ``retention_measures`` 留才措施: county policy measures. A new row is written by
  ``workflow.create_measure`` (the same checks as the form: a 工作补贴 measure needs both
  amounts, an "after" lower than the "before" needs a reason); an existing measure
  (same 措施名称 and 实施日期) may only have its 措施内容 and 调低的理由 changed — its
  category and amounts are figures already reported.
- ``retention_interviews`` 留才访谈: one row per interview of a person under care, named by
  身份证号码 (and 姓名 as a check). A new row is recorded by ``workflow.record_interview``
  (next-due date, intention, transition row, audit); an interview already recorded (same
  person and 访谈日期) cannot be changed by import.
- ``retention_demands`` 个人诉求: one row per demand. A new row is raised by
  ``workflow.raise_demand`` and, if its 办理状态 says so, moved on by ``start_handling`` /
  ``resolve`` / ``refuse``; an open demand already recorded (same person, 诉求类别, 提出日期
  and 诉求内容) may be moved forward (办理中, or closed with its 办理结果 and 办结日期) by the
  same workflow functions; nothing else of a recorded demand changes by import.

Each file's people, users and categories are read in one query each (``prepare``), never
per row; the writing goes row by row through the workflow, which locks and re-checks.
"""

from __future__ import annotations

from django.db.models import Q
from simple_history.utils import bulk_update_with_history

from cadre_portal.excel.columns import (
    BooleanColumn,
    CellError,
    CodeColumn,
    Column,
    DateColumn,
    DecimalColumn,
    IDNumberColumn,
    TextColumn,
)
from cadre_portal.excel.reading import clean_text
from cadre_portal.excel.resources import ExcelResource, register
from cadre_portal.models import CodeItem, Role, User
from cadre_portal import idcard
from youth_cadres.retention import codes, filters, tables, workflow
from youth_cadres.retention.models import CareRecord, Demand, Intention, Interview, Measure

COUNTY = ("county_staff",)
FIXED = {"category_id": "诉求类别", "amount_before": "调整前金额（元/月）", "amount_after": "调整后金额（元/月）"}


def category_choices():
    return [(str(pk), name) for pk, name in CodeItem.objects.filter(table=codes.DEMAND_CATEGORY_TABLE, is_active=True)
            .order_by("sort_order", "code").values_list("pk", "name")]


class CategoryColumn(CodeColumn):
    """诉求类别, from the administrator-editable code table (by name)."""

    def __init__(self, **kw):
        super().__init__("category", "诉求类别", choices=category_choices, target="category_id",
                         export_paths=("category__name",), required=True, width=12, **kw)

    def parse(self, raw, ctx):
        text = clean_text(raw)
        for pk, name in self.choices():
            if text == name:
                return int(pk)
        raise CellError(f"“{text}”不是有效的诉求类别，请从下拉列表中选择（{'、'.join(n for _p, n in self.choices())}）。")

    def to_cell(self, values, ctx):
        return values[0]

    def describe(self, ctx):
        return f"填类别名称：{'、'.join(name for _pk, name in self.choices())}（见下拉列表）"


@register
class MeasureResource(ExcelResource):
    key = "retention_measures"
    title = "留才措施"
    description = "解决共性诉求的政策措施（如乡镇工作补贴由每月X元提高到Y元），由县委组织部导入。"
    order = 270
    import_roles = COUNTY
    export_roles = (*COUNTY, "admin")
    natural_key = ("title", "effective_on")
    filterset_class = filters.MeasureFilter
    list_table_class = tables.MeasureTable
    list_url_name = "retention:measure_list"
    import_note = ("工作补贴类措施须填写调整前、调整后金额；调整后低于调整前时须填写调低的理由。"
                   "已有的措施（措施名称和实施日期相同）只能修改措施内容和调低的理由。")
    refusal_types = (workflow.WorkflowError,)

    title_ = TextColumn("title", "措施名称", required=True, max_length=200, width=30)
    category = CategoryColumn()
    effective_on = DateColumn("effective_on", "实施日期", required=True, allow_month=False)
    amount_before = DecimalColumn("amount_before", "调整前金额（元/月）", places=2, min_value=0, max_value=1_000_000)
    amount_after = DecimalColumn("amount_after", "调整后金额（元/月）", places=2, min_value=0, max_value=1_000_000)
    reduction_reason = TextColumn("reduction_reason", "调低的理由", max_length=2000, width=24)
    content = TextColumn("content", "措施内容", max_length=4000, width=40)

    class Meta:
        model = Measure
        fields = ("title_", "category", "effective_on", "amount_before", "amount_after", "reduction_reason", "content")

    def filterset_kwargs(self):
        return {"user": self.user}

    def export_order(self):
        return ("-effective_on", "-pk")

    @property
    def categories(self) -> dict:
        """The demand categories by pk, loaded once per file (preview and confirm each build
        their own resource)."""
        if not hasattr(self, "_categories"):
            self._categories = CodeItem.objects.filter(table=codes.DEMAND_CATEGORY_TABLE).in_bulk()
        return self._categories

    def check_row(self, row):
        v = row.values
        category = self.categories.get(v.get("category_id"))
        if category is None or not v.get("effective_on"):
            return
        try:
            workflow.check_measure(title=v.get("title"), category=category, effective_on=v["effective_on"],
                                   amount_before=v.get("amount_before"), amount_after=v.get("amount_after"),
                                   reduction_reason=v.get("reduction_reason") or "")
        except workflow.WorkflowError as exc:
            row.error("措施名称", exc.message)

    def check_existing(self, row, record):
        for target, header in FIXED.items():
            if target in row.present and target in record and _differs(record[target], row.values.get(target)):
                row.error(header, f"已有措施的{header}不能通过导入修改（已用于统计），如有错误请联系系统管理员。")

    def create(self, rows):
        for row in rows:
            v = row.values
            workflow.create_measure(
                by=self.user, title=v["title"], category=self.categories[v["category_id"]], effective_on=v["effective_on"],
                content=v.get("content") or "", amount_before=v.get("amount_before"), amount_after=v.get("amount_after"),
                reduction_reason=v.get("reduction_reason") or "",
            )
        return len(rows)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        for row in rows:
            for target in ("content", "reduction_reason"):
                if target in row.present:
                    setattr(objs[row.pk], target, row.values.get(target) or "")
        bulk_update_with_history(list(objs.values()), Measure, ["content", "reduction_reason"], batch_size=500,
                                 default_user=self.user)
        return len(objs)


def _differs(old, new) -> bool:
    if old in (None, "") and new in (None, ""):
        return False
    return old != new


# --- rows that name a person under care ---------------------------------------------------------

NOT_UNDER_CARE = "留才关怀对象中没有这个身份证号码的人员，请核对（人员须先在系统中纳入留才关怀）。"
PERSON_PATHS = ("care__cadre__id_number", "care__candidate__id_number")


class PersonIDColumn(IDNumberColumn):
    """身份证号码 of the person under care: a young cadre's or a reserve cadre's."""

    def __init__(self, **kw):
        super().__init__("care__cadre__id_number", "身份证号码", required=True, target="id_number",
                         export_paths=PERSON_PATHS, **kw)

    def to_cell(self, values, ctx):
        number = values[0] or values[1] or ""
        return idcard.mask(number) if ctx.mask_id_numbers else number


class PersonNameColumn(TextColumn):
    """姓名, read as a check of the ID number."""

    def __init__(self, **kw):
        super().__init__("care__cadre__name", "姓名", required=True, target="person_name", max_length=50, width=10,
                         export_paths=("care__cadre__name", "care__candidate__name"), **kw)

    def to_cell(self, values, ctx):
        return values[0] or values[1] or None


class WorkplaceColumn(Column):
    """Export only: 单位 (a young cadre) or 乡镇·村 (a reserve cadre)."""

    def __init__(self, **kw):
        super().__init__("care__cadre__unit__name", "单位或村（社区）", importable=False, width=24,
                         export_paths=("care__cadre__unit__name", "care__candidate__village__parent__name",
                                       "care__candidate__village__name"), **kw)

    def to_cell(self, values, ctx):
        unit, township, village = values
        return unit or f"{township or ''}{village or ''}" or None


class StaffColumn(Column):
    """A county staff member (访谈人, 承办人), by 姓名 (or user name when two share a name).
    The active county staff are read once per file."""

    memoize = True
    kind_note = "填县委组织部干部的姓名（同名时填用户名）"

    def __init__(self, attribute, header, **kw):
        super().__init__(f"{attribute}__full_name", header, target=f"{attribute}_id", width=12,
                         export_paths=(f"{attribute}__full_name", f"{attribute}__username"), **kw)

    @staticmethod
    def staff(ctx) -> dict:
        found = ctx.cache.get("retention_staff")
        if found is None:
            rows = list(User.objects.filter(role=Role.COUNTY_STAFF, is_active=True).values_list("pk", "username", "full_name"))
            names: dict[str, list[int]] = {}
            for pk, _username, full_name in rows:
                if full_name:
                    names.setdefault(full_name, []).append(pk)
            found = ctx.cache["retention_staff"] = {
                "usernames": {username: pk for pk, username, _n in rows},
                "names": names,
            }
        return found

    def parse(self, raw, ctx):
        text = clean_text(raw)
        staff = self.staff(ctx)
        pks = staff["names"].get(text, [])
        if len(pks) == 1:
            return pks[0]
        if text in staff["usernames"]:
            return staff["usernames"][text]
        if len(pks) > 1:
            raise CellError(f"县委组织部有多名干部叫“{text}”，请改填其用户名。")
        raise CellError(f"“{text}”不是县委组织部在职干部，{self.header}应为县委组织部干部。")

    def to_cell(self, values, ctx):
        full_name, username = values
        return full_name or username or None


class CareRowsMixin:
    """Rows naming a person under care by ID number (and name as a check), in the user's scope:
    the care records of the whole file are read in one query."""

    def prepare(self, rows):
        numbers = {r.values.get("id_number") for r in rows if r.values.get("id_number")}
        self.cares: dict[str, list[dict]] = {}
        if not numbers:
            return
        found = (CareRecord.objects.visible_to(self.user)
                 .filter(Q(cadre__id_number__in=numbers) | Q(candidate__id_number__in=numbers))
                 .values("pk", "entered_on", "status", "cadre__id_number", "cadre__name",
                         "candidate__id_number", "candidate__name"))
        for care in found:
            number = care["cadre__id_number"] or care["candidate__id_number"]
            care["name"] = care["cadre__name"] or care["candidate__name"]
            self.cares.setdefault(number, []).append(care)

    def match_care(self, row) -> dict | None:
        found = self.cares.get(row.values.get("id_number"), [])
        if not found:
            row.error("身份证号码", NOT_UNDER_CARE)
            return None
        name = (row.values.get("person_name") or "").replace(" ", "")
        matching = [c for c in found if c["name"].replace(" ", "") == name]
        if not matching:
            row.error("姓名", f"姓名与身份证号码不符（系统中为“{found[0]['name']}”）。")
            return None
        if len(matching) > 1:
            row.error("身份证号码", "该身份证号码对应两条留才关怀记录（优秀年轻干部和村后备干部），请在系统页面中登记。")
            return None
        row.values["care_id"] = matching[0]["pk"]
        return matching[0]

    def care_of(self, row) -> dict:
        return next(c for cares in self.cares.values() for c in cares if c["pk"] == row.values["care_id"])

    def check_new(self, row):
        if self.care_of(row)["status"] != CareRecord.Status.ACTIVE:
            row.error("身份证号码", "该人员已结束留才关怀，不能再导入新的记录。")

    def existing(self, keys):
        """Existing records by natural key, read with one ``care_id__in`` query."""
        if not keys:
            return {}
        wanted = set(keys)
        result = {}
        for found in self.match_queryset().filter(care_id__in={k[0] for k in keys}).values("pk", *self.record_fields):
            key = tuple(found[t] for t in self.natural_key)
            if key in wanted:
                result[key] = found
        return result

    def filterset_kwargs(self):
        return {"user": self.user}

    def cares_by_pk(self, rows) -> dict:
        return CareRecord.objects.visible_to(self.user).in_bulk({r.values["care_id"] for r in rows})


def _changed_headers(row, record, targets, labels) -> list[str]:
    return [labels[t] for t in targets if t in row.present and t in record and _differs(record[t], row.values.get(t))]


@register
class InterviewResource(CareRowsMixin, ExcelResource):
    key = "retention_interviews"
    title = "留才访谈"
    description = "对留才关怀对象的定期访谈（访谈日期、访谈人、单位意见、思想和工作动态、本人意向），由县委组织部导入。"
    order = 260
    import_roles = COUNTY
    export_roles = (*COUNTY, "township_officer", "admin")
    natural_key = ("care_id", "held_on")
    filterset_class = filters.InterviewFilter
    list_table_class = tables.InterviewTable
    list_url_name = "retention:interview_list"
    import_note = ("人员须已纳入留才关怀，按身份证号码对应（姓名用于核对）；访谈日期不能晚于今天，也不能早于纳入关怀日期；"
                   "同时访谈所在单位时须填写单位意见。同一人员同一访谈日期的访谈已登记的，不能通过导入修改。")
    refusal_types = (workflow.WorkflowError,)
    record_fields = ("care_id", "held_on", "interviewer_id", "unit_heard", "unit_opinion", "state_of_mind", "intention")

    person_name = PersonNameColumn()
    id_number = PersonIDColumn()
    workplace = WorkplaceColumn()
    held_on = DateColumn("held_on", "访谈日期", required=True, allow_month=False)
    interviewer = StaffColumn("interviewer", "访谈人", required=True)
    unit_heard = BooleanColumn("unit_heard", "同时访谈所在单位")
    unit_opinion = TextColumn("unit_opinion", "单位意见", max_length=4000, width=30)
    state_of_mind = TextColumn("state_of_mind", "思想和工作动态", required=True, max_length=4000, width=40)
    intention = CodeColumn("intention", "本人意向", choices=Intention.choices, required=True, width=12)

    class Meta:
        model = Interview
        fields = ("person_name", "id_number", "workplace", "held_on", "interviewer", "unit_heard", "unit_opinion",
                  "state_of_mind", "intention")

    def export_order(self):
        return ("-held_on", "-pk")

    def check_row(self, row):
        care = self.match_care(row)
        if care is None:
            return
        v = row.values
        try:
            workflow.check_interview(entered_on=care["entered_on"], held_on=v.get("held_on"), interviewer=v.get("interviewer_id"),
                                     state_of_mind=v.get("state_of_mind"), intention=v.get("intention"),
                                     unit_heard=v.get("unit_heard"), unit_opinion=v.get("unit_opinion"))
        except workflow.WorkflowError as exc:
            row.error(_interview_header(exc.message), exc.message)

    def check_existing(self, row, record):
        labels = {c.target: c.header for c in self.import_columns()}
        changed = _changed_headers(row, record, self.record_fields, labels)
        if changed:
            row.error(changed[0], f"该人员这一天的访谈已登记，{'、'.join(changed)}不能通过导入修改；如有错误请联系系统管理员。")

    def create(self, rows):
        cares = self.cares_by_pk(rows)
        interviewers = User.objects.in_bulk({r.values["interviewer_id"] for r in rows})
        for row in sorted(rows, key=lambda r: (r.values["held_on"], r.number)):
            v = row.values
            workflow.record_interview(
                care=cares[v["care_id"]], by=self.user, held_on=v["held_on"], interviewer=interviewers[v["interviewer_id"]],
                state_of_mind=v["state_of_mind"], intention=v["intention"], unit_heard=bool(v.get("unit_heard")),
                unit_opinion=v.get("unit_opinion") or "",
            )
        return len(rows)

    def update(self, rows):
        # check_existing refuses every changed row: a recorded interview is never rewritten.
        raise workflow.WorkflowError("已登记的访谈不能通过导入修改。")


def _interview_header(message: str) -> str:
    for needle, header in (("访谈日期", "访谈日期"), ("访谈人", "访谈人"), ("思想和工作动态", "思想和工作动态"),
                           ("本人意向", "本人意向"), ("单位意见", "单位意见")):
        if needle in message:
            return header
    return "访谈日期"


DEMAND_FIXED = ("category_id", "nature", "content", "raised_on", "owner_id", "due_on")
CLOSED = (Demand.Status.RESOLVED, Demand.Status.UNRESOLVABLE)
# Forward moves an import may make of an open demand.
FORWARD = {
    Demand.Status.RAISED: (Demand.Status.HANDLING, *CLOSED),
    Demand.Status.HANDLING: CLOSED,
}


@register
class DemandResource(CareRowsMixin, ExcelResource):
    key = "retention_demands"
    title = "个人诉求"
    description = "留才关怀对象提出的个人诉求及其办理（提出→办理中→已解决/无法解决），由县委组织部导入。"
    order = 265
    import_roles = COUNTY
    export_roles = (*COUNTY, "township_officer", "admin")
    natural_key = ("care_id", "category_id", "raised_on", "content")
    filterset_class = filters.DemandFilter
    list_table_class = tables.DemandTable
    list_url_name = "retention:demand_list"
    import_note = ("人员须已纳入留才关怀，按身份证号码对应（姓名用于核对）；提出日期不能晚于今天，也不能早于纳入关怀日期；"
                   "承办人应为县委组织部干部。办理状态为已解决或无法解决时须填写办理结果和办结日期，薪酬增资诉求已解决时须填写增资金额。"
                   "已登记的诉求（人员、类别、提出日期和诉求内容相同）只能向前办理（办理中、办结），不能修改其他内容。")
    refusal_types = (workflow.WorkflowError,)
    record_fields = ("care_id", "category_id", "nature", "content", "raised_on", "owner_id", "due_on", "status",
                     "resolution", "closed_on", "pay_rise")

    person_name = PersonNameColumn()
    id_number = PersonIDColumn()
    workplace = WorkplaceColumn()
    category = CategoryColumn()
    nature = CodeColumn("nature", "诉求性质", choices=Demand.Nature.choices, required=True, width=10)
    content = TextColumn("content", "诉求内容", required=True, max_length=4000, width=40)
    raised_on = DateColumn("raised_on", "提出日期", required=True, allow_month=False)
    owner = StaffColumn("owner", "承办人", required=True)
    due_on = DateColumn("due_on", "办理期限", required=True, allow_month=False)
    status = CodeColumn("status", "办理状态", choices=Demand.Status.choices, required=True, width=10)
    resolution = TextColumn("resolution", "办理结果", max_length=4000, width=30)
    closed_on = DateColumn("closed_on", "办结日期", allow_month=False)
    pay_rise = DecimalColumn("pay_rise", "增资金额（元/月）", places=2, min_value=0, max_value=1_000_000)

    class Meta:
        model = Demand
        fields = ("person_name", "id_number", "workplace", "category", "nature", "content", "raised_on", "owner",
                  "due_on", "status", "resolution", "closed_on", "pay_rise")

    def export_order(self):
        return ("-raised_on", "-pk")

    @property
    def categories(self) -> dict:
        if not hasattr(self, "_categories"):
            self._categories = CodeItem.objects.filter(table=codes.DEMAND_CATEGORY_TABLE).in_bulk()
        return self._categories

    @property
    def owners(self) -> dict:
        if not hasattr(self, "_owners"):
            self._owners = User.objects.filter(role=Role.COUNTY_STAFF, is_active=True).in_bulk()
        return self._owners

    def check_row(self, row):
        care = self.match_care(row)
        if care is None:
            return
        v = row.values
        category = self.categories.get(v.get("category_id"))
        raised_on = v.get("raised_on")
        try:
            workflow.check_raised_on(entered_on=care["entered_on"], raised_on=raised_on)
        except workflow.WorkflowError as exc:
            row.error("提出日期", exc.message)
            return
        try:
            workflow.check_new_demand(
                workflow.NewDemand(category=category, content=v.get("content"), owner=self.owners.get(v.get("owner_id")),
                                   due_on=v.get("due_on"), nature=v.get("nature")),
                raised_on=raised_on)
        except workflow.WorkflowError as exc:
            row.error(_demand_header(exc.message), exc.message)
            return
        status = v.get("status")
        if status in CLOSED:
            try:
                workflow.check_closing(status=status, raised_on=raised_on, closed_on=v.get("closed_on"),
                                       resolution=v.get("resolution"), category_code=category.code,
                                       pay_rise=v.get("pay_rise"))
            except workflow.WorkflowError as exc:
                row.error(_demand_header(exc.message), exc.message)
                return
        else:
            given = [header for target, header in (("resolution", "办理结果"), ("closed_on", "办结日期"))
                     if v.get(target) not in (None, "")]
            if given:
                row.error(given[0], f"诉求尚未办结（{Demand.Status(status).label}），不应填写{'、'.join(given)}；办结时请将办理状态改为已解决或无法解决。")
                return
        if v.get("pay_rise") not in (None, "") and not (status == Demand.Status.RESOLVED and category.code == codes.PAY):
            row.error("增资金额（元/月）", "只有办结为“已解决”的薪酬增资诉求填写增资金额。")

    def check_existing(self, row, record):
        labels = {c.target: c.header for c in self.import_columns()}
        changed = _changed_headers(row, record, DEMAND_FIXED, labels)
        if changed:
            row.error(changed[0], f"已登记诉求的{'、'.join(changed)}不能通过导入修改；如有错误请联系系统管理员。")
            return
        if row.status == "unchanged":
            return
        current, wanted = record["status"], row.values.get("status")
        if current in CLOSED:
            row.error("办理状态", f"该诉求已办结（{Demand.Status(current).label}），不能通过导入修改。")
        elif wanted == current:
            row.error("办理结果", "诉求尚未办结，办理结果和办结日期在办结时填写。")
        elif wanted not in FORWARD[current]:
            row.error("办理状态", f"该诉求当前为“{Demand.Status(current).label}”，不能改为“{Demand.Status(wanted).label}”。")

    def create(self, rows):
        cares = self.cares_by_pk(rows)
        for row in rows:
            v = row.values
            demand = workflow.raise_demand(
                care=cares[v["care_id"]], by=self.user, raised_on=v["raised_on"],
                item=workflow.NewDemand(category=self.categories[v["category_id"]], content=v["content"],
                                        owner=self.owners[v["owner_id"]], due_on=v["due_on"], nature=v["nature"]),
            )
            self._move(demand, v)
        return len(rows)

    def update(self, rows):
        demands = self.get_queryset().in_bulk([r.pk for r in rows])
        for row in rows:
            self._move(demands[row.pk], row.values)
        return len(rows)

    def _move(self, demand, v) -> None:
        """Take a demand to the row's 办理状态 through the workflow (each move a transition row)."""
        status = v["status"]
        if status == Demand.Status.HANDLING and demand.status == Demand.Status.RAISED:
            workflow.start_handling(demand=demand, by=self.user, note="通过Excel导入")
        elif status == Demand.Status.RESOLVED:
            workflow.resolve(demand=demand, by=self.user, resolution=v["resolution"], closed_on=v["closed_on"],
                             pay_rise=v.get("pay_rise"))
        elif status == Demand.Status.UNRESOLVABLE:
            workflow.refuse(demand=demand, by=self.user, reason=v["resolution"], closed_on=v["closed_on"])


def _demand_header(message: str) -> str:
    for needle, header in (("增资", "增资金额（元/月）"), ("办结日期", "办结日期"), ("办理结果", "办理结果"),
                           ("原因", "办理结果"), ("办理期限", "办理期限"), ("诉求类别", "诉求类别"), ("诉求内容", "诉求内容"),
                           ("承办人", "承办人"), ("性质", "诉求性质"), ("提出日期", "提出日期")):
        if needle in message:
            return header
    return "诉求内容"
