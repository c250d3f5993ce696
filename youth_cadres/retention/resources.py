"""Excel registries of the retention work (``cadre_portal.excel``): template, preview,
all-or-nothing import, export of the filtered list.

- ``retention_measures`` 留才措施: county policy measures. A new row is written by
  ``workflow.create_measure`` (the same checks as the form: a 工作补贴 measure needs both
  amounts, an "after" lower than the "before" needs a reason); an existing measure
  (same 措施名称 and 实施日期) may only have its 措施内容 and 调低的理由 changed — its
  category and amounts are figures already reported.
"""

from __future__ import annotations

from simple_history.utils import bulk_update_with_history

from cadre_portal.excel.columns import CellError, CodeColumn, DateColumn, DecimalColumn, TextColumn
from cadre_portal.excel.reading import clean_text
from cadre_portal.excel.resources import ExcelResource, register
from cadre_portal.models import CodeItem
from youth_cadres.retention import codes, filters, tables, workflow
from youth_cadres.retention.models import Measure

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
