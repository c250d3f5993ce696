"""List columns of the talents app (django-tables2 over ``cadre_portal.lists``).

A domain's registry list is the shared talent columns plus the columns its
``talents.domains`` declaration marks ``list_column`` (学段, 科室, 主导产业 …), read
from ``details`` on the row (no query)."""

from __future__ import annotations

from functools import lru_cache

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from cadre_portal.lists import PortalTable
from talents import domains
from talents.models import ArtsOrganization, Platform, Talent

STATUS_CLASS = {
    Talent.Status.ON_POST: "bg-green-lt",
    Talent.Status.TRANSFERRED: "bg-azure-lt",
    Talent.Status.RETIRED: "bg-secondary-lt",
    Talent.Status.LOST: "bg-red-lt",
}
PLATFORM_STATUS_CLASS = {"building": "bg-yellow-lt", "active": "bg-green-lt", "dissolved": "bg-secondary-lt"}
ORG_STATE_CLASS = {"registered": "bg-azure-lt", "regulated": "bg-green-lt", "dissolved": "bg-secondary-lt"}


def badge(text: str, css: str):
    return format_html('<span class="badge {}">{}</span>', css, text)


class TalentTable(PortalTable):
    name = tables.Column(verbose_name="姓名", order_by=("name_pinyin", "name"), attrs={"td": {"class": "text-nowrap"}})
    sex = tables.Column(verbose_name="性别", orderable=False)
    age = tables.Column(verbose_name="年龄", accessor="birth_date", order_by=("-birth_date",))
    category = tables.Column(verbose_name="人才类别", accessor="category__name", order_by=("category__sort_order",))
    level = tables.Column(verbose_name="层级", order_by=("level",))
    unit = tables.Column(verbose_name="工作单位", accessor="unit_name", order_by=("unit__name",), empty_values=())
    post = tables.Column(verbose_name="岗位/职称", accessor="post", orderable=False, empty_values=())
    origin = tables.Column(verbose_name="来源", order_by=("recruited_on",), empty_values=())
    status = tables.Column(verbose_name="状态", order_by=("status",))

    class Meta(PortalTable.Meta):
        model = Talent
        fields = ("name", "sex", "age", "category", "level", "unit", "post", "origin", "status")
        order_by = ("name",)
        empty_text = "没有符合条件的人才。"

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("talents:detail", args=[record.pk]), record.name)

    def render_sex(self, record):
        return record.get_sex_display()

    def render_age(self, record):
        return record.age

    def render_level(self, record):
        return record.get_level_display()

    def render_post(self, record):
        return " · ".join(x for x in (record.post, record.title_name) if x) or "—"

    def render_origin(self, record):
        if record.origin == Talent.Origin.RECRUITED:
            year = f"{record.recruited_on:%Y}年" if record.recruited_on else ""
            return f"{year}{record.channel.name if record.channel_id else '招引'}"
        return "本土培养"

    def render_status(self, record):
        return badge(record.get_status_display(), STATUS_CLASS.get(record.status, "bg-secondary-lt"))

    def render_unit(self, record):
        return record.unit_name or "—"


class _DetailColumn(tables.Column):
    def __init__(self, item, **kw):
        super().__init__(verbose_name=item.label, accessor="details", orderable=False, empty_values=(), **kw)
        self.item = item
        self._labels = None

    def render(self, value, record):
        if self._labels is None:
            self._labels = dict(self.item.choice_pairs()) if self.item.kind in ("choice", "code") else {}
        return self.item.display((record.details or {}).get(self.item.key), choices=self._labels) or "—"


@lru_cache(maxsize=None)
def talent_table_for(domain_key: str) -> type[TalentTable]:
    """The registry table of one domain: the shared columns plus its declared list columns,
    inserted after the category."""
    domain = domains.get(domain_key)
    extra = {f"d_{item.key}": _DetailColumn(item) for item in domain.list_columns()}
    names = list(TalentTable.Meta.fields)
    at = names.index("level") + 1
    names[at:at] = list(extra)
    meta = type("Meta", (TalentTable.Meta,), {"fields": tuple(names), "sequence": tuple(names)})
    return type(f"{domain_key.title()}TalentTable", (TalentTable,), {**extra, "Meta": meta, "__module__": __name__})


class PlatformTable(PortalTable):
    name = tables.Column(verbose_name="平台名称", attrs={"td": {"class": "text-nowrap"}})
    kind = tables.Column(verbose_name="平台类型", order_by=("kind",))
    domain = tables.Column(verbose_name="领域", order_by=("domain",))
    level = tables.Column(verbose_name="级别", order_by=("level",))
    host_unit = tables.Column(verbose_name="依托单位", accessor="host_unit__name", order_by=("host_unit__name",))
    leader = tables.Column(verbose_name="领衔人", accessor="leader__name", orderable=False, default="—")
    members_count = tables.Column(verbose_name="在册成员", accessor="members_now", orderable=False, empty_values=())
    established_on = tables.DateColumn(verbose_name="设立日期", format="Y.m", order_by=("established_on",))
    status = tables.Column(verbose_name="状态", order_by=("status",))

    class Meta(PortalTable.Meta):
        model = Platform
        fields = ("name", "kind", "domain", "level", "host_unit", "leader", "members_count", "established_on", "status")
        order_by = ("domain", "kind", "name")
        empty_text = "没有符合条件的平台。"

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("talents:platform_detail", args=[record.pk]), record.name)

    def render_kind(self, record):
        return record.get_kind_display()

    def render_domain(self, record):
        return record.get_domain_display()

    def render_level(self, record):
        return record.get_level_display()

    def render_members_count(self, record):
        return getattr(record, "members_now", 0)

    def render_status(self, record):
        return badge(record.get_status_display(), PLATFORM_STATUS_CLASS.get(record.status, "bg-secondary-lt"))


class ArtsOrganizationTable(PortalTable):
    name = tables.Column(verbose_name="组织名称", attrs={"td": {"class": "text-nowrap"}})
    kind = tables.Column(verbose_name="组织类型", order_by=("kind",))
    region = tables.Column(verbose_name="所在区划", accessor="region", order_by=("region__path",))
    responsible_unit = tables.Column(verbose_name="业务主管单位", accessor="responsible_unit__name", order_by=("responsible_unit__name",))
    members_count = tables.Column(verbose_name="成员人数", order_by=("members_count",), default="—")
    leader_name = tables.Column(verbose_name="负责人", orderable=False, default="—")
    last_activity = tables.Column(verbose_name="最近活动", accessor="last_activity", orderable=False, empty_values=())
    state = tables.Column(verbose_name="登记状态", order_by=("state",))

    class Meta(PortalTable.Meta):
        model = ArtsOrganization
        fields = ("name", "kind", "region", "responsible_unit", "members_count", "leader_name", "last_activity", "state")
        order_by = ("name",)
        empty_text = "没有符合条件的文艺组织。"

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("talents:org_detail", args=[record.pk]), record.name)

    def render_kind(self, record):
        return record.get_kind_display()

    def render_region(self, record):
        return record.region.full_name() or record.region.name

    def render_last_activity(self, record):
        day = getattr(record, "last_activity", None)
        return f"{day:%Y.%m.%d}" if day else "—"

    def render_state(self, record):
        return badge(record.get_state_display(), ORG_STATE_CLASS.get(record.state, "bg-secondary-lt"))
