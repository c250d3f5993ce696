"""The shared registries: regions, units, users (imports by administrators)."""

from __future__ import annotations

import django_filters
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cadre_portal import regions_io
from cadre_portal.excel.columns import (
    BooleanColumn,
    CellError,
    CodeColumn,
    IntegerColumn,
    RegionColumn,
    TextColumn,
)
from cadre_portal.excel.resources import ExcelResource, register
from cadre_portal.models import Domain, Region, Role, Unit, User

ALL_LEVELS = (1, 2, 3, 4, 5)


class RegionCodeColumn(TextColumn):
    """A statistical division code, in short or zero-padded form."""

    def parse(self, raw, ctx):
        try:
            return regions_io.normalize_code(raw)
        except regions_io.RegionDataError as exc:
            raise CellError(str(exc)) from None


# --- regions -----------------------------------------------------------------------


class RegionFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label="名称", lookup_expr="contains")
    level = django_filters.ChoiceFilter(label="层级", choices=Region.Level.choices)

    class Meta:
        model = Region
        fields = ["name", "level"]


@register
class RegionResource(ExcelResource):
    key = "regions"
    title = "行政区划"
    description = "统计用区划代码、名称和上级代码；新增或更正乡镇、村（社区）。"
    order = 10
    import_roles = ("admin",)
    export_roles = ("admin", "county_staff", "township_officer")
    natural_key = ("code",)
    filterset_class = RegionFilter
    list_url_name = "region_tree"
    import_note = "层级由区划代码位数决定；类型不填时按名称推断（…镇、…乡、…村、…社区）。"

    code = RegionCodeColumn("code", "区划代码", required=True, aliases=("统计用区划代码", "代码"), width=16,
                            note="2/4/6/9/12 位统计用区划代码，也可填补零的 12 位形式")
    name = TextColumn("name", "名称", required=True, max_length=64, aliases=("区划名称",))
    parent = RegionCodeColumn("parent", "上级代码", aliases=("上级区划代码",), target="parent_code",
                              compare_path="parent__code", export_paths=("parent__code",), width=16,
                              note="上级区划的代码；不填时按代码前缀推断")
    kind = CodeColumn("kind", "类型", choices=Region.Kind.choices, width=12)

    class Meta:
        model = Region
        fields = ("code", "name", "parent", "kind")

    def export_order(self):
        return ("path",)

    def prepare(self, rows):
        codes = {r.values.get("parent_code") for r in rows} | {r.values.get("code") for r in rows}
        codes.discard(None)
        codes.discard("")
        # Parents inferred from the code prefix when 上级代码 is left empty.
        codes |= {regions_io.parent_code_of(r.values["code"]) for r in rows if r.values.get("code")}
        codes.discard(None)
        self.known = set(Region.objects.visible_to(self.user).filter(code__in=codes).values_list("code", flat=True))
        self.in_file = {r.values.get("code") for r in rows if r.values.get("code")}

    def check_row(self, row):
        code = row.values["code"]
        parent = row.values.get("parent_code") or regions_io.parent_code_of(code)
        if not row.values.get("kind"):
            row.values["kind"] = regions_io.infer_kind(row.values["name"], regions_io.infer_level(code))
        if parent and parent not in self.known and parent not in self.in_file and row.values.get("parent_code"):
            row.error("上级代码", f"上级区划 {parent} 不存在，也不在本文件中。")
            return
        if parent == code:
            row.error("上级代码", "上级代码不能是本区划自己。")
            return
        row.values["parent_code"] = parent if (parent in self.known or parent in self.in_file) else ""
        if "parent_code" not in row.present:
            row.present.append("parent_code")
        if "kind" not in row.present:
            row.present.append("kind")

    def _write(self, rows):
        data = [{"code": r.values["code"], "name": r.values["name"], "parent": r.values.get("parent_code") or None,
                 "level": regions_io.infer_level(r.values["code"]), "kind": r.values["kind"]} for r in rows]
        existing = {r.code: r for r in Region.objects.filter(code__in=[d["code"] for d in data])}
        parents = {r.code: r for r in Region.objects.filter(code__in=[d["parent"] for d in data if d["parent"]])}
        for i in regions_io._insertion_order(data):
            item = data[i]
            region = existing.get(item["code"]) or Region(code=item["code"])
            old_path = region.path
            region.name, region.level, region.kind = item["name"], item["level"], item["kind"]
            region.parent = parents.get(item["parent"]) if item["parent"] else None
            region.save()
            parents[region.code] = region
            if old_path and region.path != old_path:
                for node in Region.objects.filter(path__startswith=old_path).order_by("path"):
                    node.save(update_fields=["path"])
        return len(data)

    def create(self, rows):
        return self._write(rows)

    def update(self, rows):
        return self._write(rows)


# --- units ---------------------------------------------------------------------------


class UnitFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label="单位名称", lookup_expr="contains")
    kind = django_filters.ChoiceFilter(label="单位性质", choices=Unit.Kind.choices)
    domain = django_filters.ChoiceFilter(label="所属领域", choices=Domain.choices)

    class Meta:
        model = Unit
        fields = ["name", "kind", "domain"]


@register
class UnitResource(ExcelResource):
    key = "units"
    title = "单位"
    description = "党政机关、事业单位、企业等单位名录。"
    order = 20
    import_roles = ("admin",)
    export_roles = ("admin", "county_staff", "township_officer", "domain_officer")
    natural_key = ("region_id", "name")
    filterset_class = UnitFilter

    name = TextColumn("name", "单位名称", required=True, max_length=128, width=30)
    kind = CodeColumn("kind", "单位性质", required=True, choices=Unit.Kind.choices)
    region = RegionColumn("region", "所在区划", levels=(3, 4, 5), required=True)
    domain = CodeColumn("domain", "所属领域", choices=Domain.choices, note="行业主管部门管理的人才领域，可不填")
    credit_code = TextColumn("credit_code", "统一社会信用代码", max_length=18, width=22)
    sort_order = IntegerColumn("sort_order", "排序", min_value=0, max_value=99999, width=8)

    class Meta:
        model = Unit
        fields = ("name", "kind", "region", "domain", "credit_code", "sort_order")

    def export_order(self):
        return ("region__path", "sort_order", "name")

    def create(self, rows):
        objs = []
        for row in rows:
            values = {k: v for k, v in row.values.items() if v is not None}
            objs.append(Unit(**values))
        bulk_create_with_history(objs, Unit, batch_size=1000, default_user=self.user)
        return len(objs)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        fields = set()
        for row in rows:
            obj = objs[row.pk]
            for target in row.present:
                value = row.values[target]
                setattr(obj, target, 0 if value is None and target == "sort_order" else value)
                fields.add(target)
        bulk_update_with_history(list(objs.values()), Unit, sorted(fields), batch_size=1000, default_user=self.user)
        return len(objs)


# --- users ---------------------------------------------------------------------------


class UserFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label="用户名", lookup_expr="icontains")
    role = django_filters.ChoiceFilter(label="角色", choices=Role.choices)

    class Meta:
        model = User
        fields = ["username", "role"]


@register
class UserResource(ExcelResource):
    key = "users"
    grantable_export = False
    title = "用户"
    description = "平台账号、角色和数据范围（不含密码：新账号需由管理员设置初始密码）。"
    order = 30
    import_roles = ("admin",)
    export_roles = ("admin",)
    natural_key = ("username",)
    filterset_class = UserFilter
    import_note = "文件中不能也不需要填写密码；新建的账号需由系统管理员在“系统管理”中设置初始密码后才能登录。"

    username = TextColumn("username", "用户名", required=True, max_length=150, width=16)
    full_name = TextColumn("full_name", "姓名", max_length=32)
    role = CodeColumn("role", "角色", required=True, choices=Role.choices, width=18)
    region = RegionColumn("region", "数据范围", levels=ALL_LEVELS, note="用户可见的区划：该节点及其下级")
    domain = CodeColumn("domain", "行业领域", choices=Domain.choices, note="仅行业主管部门干部填写")
    phone = TextColumn("phone", "手机号码", max_length=20)
    title_ = TextColumn("title", "职务", max_length=64)
    is_active = BooleanColumn("is_active", "是否启用", width=10)

    class Meta:
        model = User
        fields = ("username", "full_name", "role", "region", "domain", "phone", "title_", "is_active")

    def export_order(self):
        return ("role", "username")

    def existing_fields(self):
        return ["is_superuser"]

    def check_existing(self, row, record):
        # An exported superuser row re-imports as unchanged; any change is refused.
        if row.status == "update" and record.get("is_superuser"):
            row.error("用户名", "超级管理员账号不能通过导入修改。")

    def check_row(self, row):
        values = row.values
        if values.get("role") == Role.DOMAIN_OFFICER and not values.get("domain"):
            row.error("行业领域", "行业主管部门干部必须填写行业领域。")
        if values.get("role") != Role.ADMIN and not values.get("region_id") and "region_id" in row.present:
            row.error("数据范围", "除系统管理员外，必须填写数据范围。")
        if "is_active" in row.present and values.get("is_active") is False and values["username"] == getattr(self.user, "username", None):
            row.error("是否启用", "不能停用自己的账号。")

    def create(self, rows):
        objs = []
        for row in rows:
            user = User(**{k: v for k, v in row.values.items() if v is not None})
            if "is_active" not in row.present:
                user.is_active = True
            user.set_unusable_password()
            objs.append(user)
        with transaction.atomic():
            bulk_create_with_history(objs, User, batch_size=500, default_user=self.user)
        return len(objs)

    def update(self, rows):
        objs = self.get_queryset().in_bulk([r.pk for r in rows])
        fields = set()
        for row in rows:
            for target in row.present:
                setattr(objs[row.pk], target, row.values[target])
                fields.add(target)
        fields.discard("username")
        if fields:
            bulk_update_with_history(list(objs.values()), User, sorted(fields), batch_size=500, default_user=self.user)
        return len(objs)
